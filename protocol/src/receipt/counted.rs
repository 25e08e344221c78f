//! After close: the log still extends the receipt's checkpoint, and it
//! published exactly the receipt's opening.

use super::verify::check_checkpoint;
use super::{Receipt, ReceiptError};
use crate::ballot::{BallotOpening, OpeningVerdict, WithheldOpeningProof};
use crate::crypto::Signable;
use crate::ids::Digest;
use crate::merkle::{Blake3Hasher, MerkleHasher, verify_consistency, verify_inclusion};
use crate::note::{SignedCheckpoint, VerifierKey};
use crate::objects::{BallotOpened, LogEntry};

/// What a node (or any replica) returns to show that a receipt's ballot
/// was opened as cast.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountedEvidence {
    /// The final checkpoint (the one the tally names, or a later one).
    pub final_checkpoint: SignedCheckpoint,
    /// Consistency proof from the receipt's checkpoint to the final one.
    pub consistency_proof: Vec<Digest>,
    /// The published opening entry for the receipt's commitment.
    pub opened: BallotOpened,
    /// Its leaf index.
    pub opened_index: u64,
    /// Its inclusion proof in the final checkpoint.
    pub opened_proof: Vec<Digest>,
}

/// What the log did with the receipt's opening.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CountedVerdict {
    /// The log published exactly the receipt's opening.
    OpenedAsCast,
    /// The log published a different opening for the receipt's commitment.
    /// `proof` (the voter's signed commitment and true opening), together
    /// with the published entry, shows the node altered the ballot.
    Altered {
        /// The voter's proof of what the log should hold.
        proof: Box<WithheldOpeningProof>,
        /// What the log holds instead.
        published: Box<BallotOpening>,
    },
}

fn hashes(proof: &[Digest]) -> Vec<[u8; 32]> {
    proof.iter().map(|d| d.0).collect()
}

impl Receipt {
    /// Checks that `later` is signed by `log_key`, is the same log as the
    /// receipt's checkpoint (which is checked too), is not smaller, and that
    /// `proof` proves the receipt's checkpoint is a prefix of it. A receipt
    /// that verified against its own checkpoint is then in `later` too.
    pub fn verify_consistent_with(
        &self,
        later: &SignedCheckpoint,
        proof: &[[u8; 32]],
        log_key: &VerifierKey,
    ) -> Result<(), ReceiptError> {
        check_checkpoint(&self.checkpoint, log_key, &self.process)?;
        later
            .verify_log_signature(std::slice::from_ref(log_key))
            .map_err(ReceiptError::LaterCheckpointSignature)?;
        let (old, new) = (self.checkpoint.checkpoint(), later.checkpoint());
        if old.origin != new.origin {
            return Err(ReceiptError::LaterOriginMismatch {
                receipt: old.origin.clone(),
                later: new.origin.clone(),
            });
        }
        if new.size < old.size {
            return Err(ReceiptError::LaterCheckpointSmaller {
                receipt: old.size,
                later: new.size,
            });
        }
        verify_consistency(
            &Blake3Hasher,
            old.size,
            new.size,
            &old.root,
            &new.root,
            proof,
        )
        .map_err(ReceiptError::Consistency)
    }

    /// After close: checks `evidence` (the final checkpoint extends the
    /// receipt's; the opening entry is in it and is for this commitment)
    /// and compares the published opening with the receipt's. Run
    /// [`Receipt::verify`] first. A withheld opening cannot be shown by one
    /// entry: the full recount ([`crate::recount::verify_log`]) finds it.
    pub fn check_counted(
        &self,
        evidence: &CountedEvidence,
        log_key: &VerifierKey,
    ) -> Result<CountedVerdict, ReceiptError> {
        let consistency = hashes(&evidence.consistency_proof);
        self.verify_consistent_with(&evidence.final_checkpoint, &consistency, log_key)?;
        if evidence.opened.commitment != self.commitment.value.id()? {
            return Err(ReceiptError::OpenedOtherCommitment);
        }
        let final_checkpoint = evidence.final_checkpoint.checkpoint();
        if evidence.opened_index >= final_checkpoint.size {
            return Err(ReceiptError::OpenedBeyondCheckpoint {
                index: evidence.opened_index,
                size: final_checkpoint.size,
            });
        }
        let leaf = LogEntry::BallotOpened(evidence.opened.clone()).leaf_data()?;
        verify_inclusion(
            &Blake3Hasher,
            &Blake3Hasher.hash_leaf(&leaf),
            evidence.opened_index,
            final_checkpoint.size,
            &hashes(&evidence.opened_proof),
            &final_checkpoint.root,
        )
        .map_err(ReceiptError::OpenedInclusion)?;
        let proof = WithheldOpeningProof {
            commitment: self.commitment.clone(),
            opening: self.opening.clone(),
        };
        let published = evidence.opened.opening.clone();
        match proof.check(std::slice::from_ref(&published))? {
            OpeningVerdict::Consistent => Ok(CountedVerdict::OpenedAsCast),
            OpeningVerdict::Altered { .. } | OpeningVerdict::Withheld => {
                Ok(CountedVerdict::Altered {
                    proof: Box::new(proof),
                    published: Box::new(published),
                })
            }
        }
    }
}
