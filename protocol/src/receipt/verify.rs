//! Offline verification of a receipt.

use super::{Receipt, ReceiptError};
use crate::ballot::{BallotCommitment, BallotContext};
use crate::crypto::{PublicKey, Signable};
use crate::ids::Id;
use crate::merkle::{Blake3Hasher, verify_inclusion};
use crate::note::{
    CosignatureError, SignatureType, SignedCheckpoint, VerifierKey, WitnessPolicy,
    parse_process_log_origin,
};
use crate::objects::{ProcessDef, ProcessId};

/// What a verified receipt establishes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedReceipt {
    /// The process.
    pub process: ProcessId,
    /// The jurisdiction component of the log's origin.
    pub jurisdiction: String,
    /// The voter's credential key.
    pub voter: PublicKey,
    /// The id of the commitment (what the opening entry at close names).
    pub commitment: Id<BallotCommitment>,
    /// The commitment's leaf index.
    pub leaf_index: u64,
    /// The size of the checkpoint that includes it.
    pub checkpoint_size: u64,
    /// How many policy witnesses validly cosigned the checkpoint (0 when no
    /// policy was checked).
    pub cosignatures: usize,
}

/// The note witness policy of a process definition (its witnesses as
/// `cosignature/v1` keys), or `None` when its threshold is 0.
pub fn note_witness_policy(process: &ProcessDef) -> Result<Option<WitnessPolicy>, ReceiptError> {
    if process.witnesses.threshold == 0 {
        return Ok(None);
    }
    let keys = process
        .witnesses
        .witnesses
        .iter()
        .map(|w| VerifierKey::new(&w.name, SignatureType::CosignatureV1, *w.key.as_dalek()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ReceiptError::Cosignature(CosignatureError::Key(e)))?;
    let threshold = usize::try_from(process.witnesses.threshold).unwrap_or(usize::MAX);
    WitnessPolicy::new(keys, threshold)
        .map(Some)
        .map_err(ReceiptError::Cosignature)
}

/// Checks that `checkpoint` is signed by `log_key` and is the log of `process`;
/// returns the origin's jurisdiction component.
pub(crate) fn check_checkpoint(
    checkpoint: &SignedCheckpoint,
    log_key: &VerifierKey,
    process: &ProcessId,
) -> Result<String, ReceiptError> {
    checkpoint
        .verify_log_signature(std::slice::from_ref(log_key))
        .map_err(ReceiptError::CheckpointSignature)?;
    let origin = &checkpoint.checkpoint().origin;
    let (jurisdiction, process_hex) = parse_process_log_origin(origin)?;
    if process_hex != process.to_string() {
        return Err(ReceiptError::OriginNotThisProcess {
            origin: origin.clone(),
            process: *process,
        });
    }
    Ok(jurisdiction.to_owned())
}

impl Receipt {
    /// Verifies the receipt offline, in this order: the checkpoint is signed
    /// by `log_key`; if `witnesses` is given, enough of them cosigned it; its
    /// origin is this process's log; the voter key signed the commitment;
    /// the commitment is for this process; the opening opens it; the leaf
    /// index is inside the checkpoint; the inclusion proof leads from the
    /// commitment entry to the checkpoint root. The ballot's content is not
    /// validated here (that needs the process definition): see
    /// [`Receipt::verify_with_process`].
    pub fn verify(
        &self,
        log_key: &VerifierKey,
        witnesses: Option<&WitnessPolicy>,
    ) -> Result<VerifiedReceipt, ReceiptError> {
        let jurisdiction = check_checkpoint(&self.checkpoint, log_key, &self.process)?;
        let cosignatures = match witnesses {
            Some(policy) => policy
                .check(&self.checkpoint)
                .map_err(ReceiptError::cosignature)?
                .len(),
            None => 0,
        };
        let commitment = &self.commitment.value;
        crate::crypto::verify_voter_signature(&self.commitment)
            .map_err(ReceiptError::VoterSignature)?;
        if commitment.process != self.process {
            return Err(ReceiptError::CommitmentForOtherProcess {
                expected: self.process,
                found: commitment.process,
            });
        }
        self.opening
            .opens(commitment)
            .map_err(ReceiptError::OpeningMismatch)?;
        let size = self.checkpoint.checkpoint().size;
        if self.leaf_index >= size {
            return Err(ReceiptError::LeafBeyondCheckpoint {
                index: self.leaf_index,
                size,
            });
        }
        verify_inclusion(
            &Blake3Hasher,
            &self.leaf_hash()?,
            self.leaf_index,
            size,
            &self.proof_hashes(),
            &self.checkpoint.checkpoint().root,
        )
        .map_err(ReceiptError::inclusion)?;
        Ok(VerifiedReceipt {
            process: self.process,
            jurisdiction,
            voter: commitment.voter,
            commitment: commitment.id()?,
            leaf_index: self.leaf_index,
            checkpoint_size: size,
            cosignatures,
        })
    }

    /// [`Receipt::verify`], then checks that `context` is this receipt's
    /// process and that the ballot is valid for it (format, projects,
    /// district, budget cap). When `witnesses` is `None`, the process
    /// definition's own witness policy is applied (if its threshold is
    /// above 0).
    pub fn verify_with_process(
        &self,
        context: &BallotContext<'_>,
        log_key: &VerifierKey,
        witnesses: Option<&WitnessPolicy>,
    ) -> Result<VerifiedReceipt, ReceiptError> {
        let supplied = context.process.id()?;
        if supplied != self.process || context.process_id != self.process {
            return Err(ReceiptError::ProcessMismatch {
                receipt: self.process,
                supplied,
            });
        }
        let own_policy = match witnesses {
            Some(_) => None,
            None => note_witness_policy(context.process)?,
        };
        let verified = self.verify(log_key, witnesses.or(own_policy.as_ref()))?;
        context.validate(&self.opening.ballot)?;
        Ok(verified)
    }
}
