//! Receipts: what a voter keeps to check, offline and later against any
//! replica, that their ballot is in the log and was counted as cast.
//!
//! A [`Receipt`] holds the logged, voter-signed [`BallotCommitment`], its
//! [`BallotOpening`] (ballot and nonce), the commitment's leaf index, an
//! RFC 9162 inclusion proof, and the C2SP signed checkpoint the proof is
//! against (with the node's signature and the witnesses' cosignatures).
//!
//! - [`Receipt::verify`] checks it offline: node signature, witnesses,
//!   origin, voter signature, process, opening, leaf index, inclusion.
//! - [`Receipt::verify_with_process`] adds ballot validation against the
//!   process definition and its proposals.
//! - [`Receipt::verify_consistent_with`] checks that a later checkpoint
//!   extends the receipt's (what `pbnode verify receipt --node URL` does).
//! - [`Receipt::check_counted`] checks, after close, that the log published
//!   exactly the receipt's opening, or yields the proof that it altered it.
//!
//! The JSON form and the verification steps for third parties are in
//! `README-section.md` next to this file.

mod counted;
mod error;
mod verify;

pub use counted::{CountedEvidence, CountedVerdict};
pub use error::ReceiptError;
pub use verify::{VerifiedReceipt, note_witness_policy};

use crate::ballot::{BallotCommitment, BallotOpening};
use crate::crypto::Signed;
use crate::encoding::EncodeError;
use crate::ids::Digest;
use crate::merkle::{Blake3Hasher, MerkleHasher};
use crate::note::SignedCheckpoint;
use crate::objects::{LogEntry, ProcessId};
use serde::{Deserialize, Serialize};

/// What a voter keeps after casting a ballot. In JSON, hashes, keys and
/// signatures are lower-case hex and the checkpoint is its C2SP note text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// The process voted in.
    pub process: ProcessId,
    /// The commitment as logged (the payload of a
    /// [`LogEntry::BallotCommitted`] entry), signed by the voter key.
    pub commitment: Signed<BallotCommitment>,
    /// The ballot and the nonce that hide it in the commitment.
    pub opening: BallotOpening,
    /// The commitment's leaf index in the process log.
    pub leaf_index: u64,
    /// The RFC 9162 inclusion proof of that leaf in `checkpoint`.
    pub inclusion_proof: Vec<Digest>,
    /// The checkpoint the proof is against: node-signed, witness-cosigned.
    pub checkpoint: SignedCheckpoint,
}

impl Receipt {
    /// The log entry the receipt's leaf holds.
    pub fn log_entry(&self) -> LogEntry {
        LogEntry::BallotCommitted(self.commitment.clone())
    }

    /// The BLAKE3 Merkle leaf hash of the commitment entry.
    pub fn leaf_hash(&self) -> Result<[u8; 32], EncodeError> {
        Ok(Blake3Hasher.hash_leaf(&self.log_entry().leaf_data()?))
    }

    /// The inclusion proof as raw hashes.
    pub fn proof_hashes(&self) -> Vec<[u8; 32]> {
        self.inclusion_proof.iter().map(|d| d.0).collect()
    }
}
