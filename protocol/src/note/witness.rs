//! The pure decision logic of a C2SP `tlog-witness` (`add-checkpoint`): what
//! a witness checks before it cosigns, and the request body it reads. The
//! network, persistence and atomicity (check and update under one lock, as
//! the spec asks) are the caller's.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::checkpoint::SignedCheckpoint;
use super::cosignature::Cosignature;
use super::equivocation::{Conflict, Equivocation};
use super::error::{CosignatureError, WitnessError};
use super::keys::{SignerKey, VerifierKey};
use super::signed_note::SignedNote;
use crate::merkle::{self, MerkleHasher};

/// Most consistency proof hashes in a request (tlog-witness: 63).
pub const MAX_PROOF_HASHES: usize = 63;

/// The Merkle tree operations a witness needs. Every
/// [`MerkleHasher`] of [`crate::merkle`] provides them (pbnode's logs:
/// [`crate::merkle::Blake3Hasher`]); a trait so that this module does not
/// fix the hash function and a witness can check logs of other hashes.
pub trait ConsistencyVerifier {
    /// Root of the empty tree (RFC 9162: the hash of the empty string).
    fn empty_tree_root(&self) -> [u8; 32];

    /// Whether `proof` is a valid RFC 9162 consistency proof from the tree of
    /// `old_size` leaves with root `old_root` to the tree of `new_size`
    /// leaves with root `new_root`, for `0 < old_size < new_size`.
    fn verify_consistency(
        &self,
        old_size: u64,
        new_size: u64,
        old_root: &[u8; 32],
        new_root: &[u8; 32],
        proof: &[[u8; 32]],
    ) -> bool;
}

impl<H: MerkleHasher> ConsistencyVerifier for H {
    fn empty_tree_root(&self) -> [u8; 32] {
        self.empty_root()
    }

    fn verify_consistency(
        &self,
        old_size: u64,
        new_size: u64,
        old_root: &[u8; 32],
        new_root: &[u8; 32],
        proof: &[[u8; 32]],
    ) -> bool {
        merkle::verify_consistency(self, old_size, new_size, old_root, new_root, proof).is_ok()
    }
}

/// What a witness remembers about one log: its origin and the latest
/// checkpoint it cosigned (with the log's signature and its own cosignature,
/// which is what it serves to monitors).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WitnessState {
    origin: String,
    latest: Option<SignedCheckpoint>,
}

impl WitnessState {
    /// The state of a log the witness has never cosigned.
    pub fn new(origin: &str) -> Self {
        Self {
            origin: origin.to_owned(),
            latest: None,
        }
    }

    /// The state restored from storage: the latest cosigned checkpoint.
    pub fn with_latest(latest: SignedCheckpoint) -> Self {
        Self {
            origin: latest.checkpoint().origin.clone(),
            latest: Some(latest),
        }
    }

    /// The log's origin.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The latest cosigned checkpoint, if any.
    pub fn latest(&self) -> Option<&SignedCheckpoint> {
        self.latest.as_ref()
    }

    /// Size of the latest cosigned checkpoint, 0 if none (tlog-witness).
    pub fn latest_size(&self) -> u64 {
        self.latest.as_ref().map_or(0, |c| c.checkpoint().size)
    }
}

/// An `add-checkpoint` request: the size of the witness's last cosigned
/// checkpoint as the log believes it, a consistency proof from there, and
/// the new signed checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddCheckpoint {
    /// The old size.
    pub old_size: u64,
    /// Consistency proof hashes from `old_size` to the checkpoint's size.
    pub proof: Vec<[u8; 32]>,
    /// The checkpoint to cosign.
    pub checkpoint: SignedCheckpoint,
}

impl AddCheckpoint {
    /// The request body: `old <size>\n`, one base64 hash per line, a blank
    /// line, the signed checkpoint.
    pub fn to_text(&self) -> String {
        let mut out = format!("old {}\n", self.old_size);
        for hash in &self.proof {
            out.push_str(&STANDARD.encode(hash));
            out.push('\n');
        }
        out.push('\n');
        out.push_str(&self.checkpoint.to_text());
        out
    }

    /// Parses a request body strictly (canonical size and base64, at most
    /// 63 proof lines).
    pub fn parse(body: &str) -> Result<Self, WitnessError> {
        let malformed = |why: &str| WitnessError::MalformedRequest(why.to_owned());
        let (head, note) = body
            .split_once("\n\n")
            .ok_or_else(|| malformed("no blank line before the checkpoint"))?;
        let mut lines = head.split('\n');
        let old_size = lines
            .next()
            .and_then(|l| l.strip_prefix("old "))
            .filter(|n| n == &"0" || (!n.starts_with('0') && n.bytes().all(|b| b.is_ascii_digit())))
            .and_then(|n| n.parse::<u64>().ok())
            .ok_or_else(|| malformed("bad old size line"))?;
        let mut proof = Vec::new();
        for line in lines {
            if proof.len() == MAX_PROOF_HASHES {
                return Err(WitnessError::ProofTooLong(MAX_PROOF_HASHES + 1));
            }
            let hash = STANDARD
                .decode(line)
                .ok()
                .and_then(|b| <[u8; 32]>::try_from(b).ok())
                .ok_or_else(|| malformed("bad proof line"))?;
            proof.push(hash);
        }
        let checkpoint = SignedCheckpoint::parse(note)
            .map_err(|e| WitnessError::MalformedRequest(e.to_string()))?;
        Ok(Self {
            old_size,
            proof,
            checkpoint,
        })
    }
}

/// Decides whether to cosign `request` for the log tracked by `state`, per
/// tlog-witness, and if so cosigns it at `now` (POSIX seconds, non-zero)
/// and records it as the latest cosigned checkpoint.
///
/// Refuses, in this order: another origin; no valid signature from
/// `log_keys` or a failing one; an old size above the checkpoint size; a
/// checkpoint smaller than the last cosigned (rollback); an old size other
/// than the cosigned size; more than 63 proof hashes; a size-zero
/// checkpoint without the empty-tree root; a proof where none is due; the
/// same size with another root (an [`Equivocation`], returned for the
/// caller to keep and gossip); a consistency proof that does not verify.
/// On refusal `state` is unchanged.
pub fn check_and_cosign(
    state: &mut WitnessState,
    request: &AddCheckpoint,
    log_keys: &[VerifierKey],
    witness_key: &SignerKey,
    consistency: &dyn ConsistencyVerifier,
    now: u64,
) -> Result<Cosignature, WitnessError> {
    let signed = &request.checkpoint;
    let checkpoint = signed.checkpoint();
    if checkpoint.origin != state.origin {
        return Err(WitnessError::UnknownOrigin(checkpoint.origin.clone()));
    }
    let verified = signed
        .verify_log_signature(log_keys)
        .map_err(WitnessError::BadLogSignature)?;
    let (size, old_size, latest_size) = (checkpoint.size, request.old_size, state.latest_size());
    if old_size > size {
        return Err(WitnessError::OldSizeTooLarge { old_size, size });
    }
    if size < latest_size {
        return Err(WitnessError::Rollback {
            cosigned: latest_size,
            submitted: size,
        });
    }
    if old_size != latest_size {
        return Err(WitnessError::OldSizeMismatch {
            old_size,
            latest_size,
        });
    }
    if request.proof.len() > MAX_PROOF_HASHES {
        return Err(WitnessError::ProofTooLong(request.proof.len()));
    }
    if size == 0 && checkpoint.root != consistency.empty_tree_root() {
        return Err(WitnessError::BadEmptyRoot);
    }
    check_consistency(state, request, consistency)?;
    if now == 0 {
        return Err(CosignatureError::TimestampOutOfRange(0).into());
    }
    let cosignature = Cosignature::sign_text(witness_key, signed.body(), now)?;
    // Keep only the verified log signatures and our cosignature: that is
    // what the witness serves to monitors, and it stays small.
    let mut lines = Vec::new();
    for v in &verified.verified {
        let own_line = signed
            .signatures()
            .iter()
            .find(|line| v.key.matches(&line.name, line.key_id));
        lines.extend(own_line.cloned());
    }
    lines.push(cosignature.to_note_signature());
    let note = SignedNote::from_parts(signed.body(), lines).map_err(CosignatureError::Key)?;
    let stored = SignedCheckpoint::from_note(note).map_err(CosignatureError::Checkpoint)?;
    state.latest = Some(stored);
    Ok(cosignature)
}

/// The proof checks, once sizes are known to line up (old size = cosigned size).
fn check_consistency(
    state: &WitnessState,
    request: &AddCheckpoint,
    consistency: &dyn ConsistencyVerifier,
) -> Result<(), WitnessError> {
    let new = request.checkpoint.checkpoint();
    let latest = match &state.latest {
        // Old size 0: the empty tree is consistent with every tree.
        Some(latest) if request.old_size > 0 => latest,
        _ => {
            return if request.proof.is_empty() {
                Ok(())
            } else {
                Err(WitnessError::UnexpectedProof)
            };
        }
    };
    let old = latest.checkpoint();
    if old.size == new.size {
        if old.root != new.root {
            return Err(WitnessError::Equivocation(Box::new(Equivocation::new(
                latest.clone(),
                request.checkpoint.clone(),
                Conflict::SameSize,
            ))));
        }
        return if request.proof.is_empty() {
            Ok(())
        } else {
            Err(WitnessError::UnexpectedProof)
        };
    }
    if consistency.verify_consistency(old.size, new.size, &old.root, &new.root, &request.proof) {
        Ok(())
    } else {
        Err(WitnessError::InconsistentProof {
            old_size: old.size,
            size: new.size,
        })
    }
}
