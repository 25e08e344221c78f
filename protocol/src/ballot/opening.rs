//! The opening of a commitment: the ballot and its nonce.

use super::commitment::{BallotCommitment, Commitment, Nonce};
use crate::crypto::Signable;
use crate::encoding::EncodeError;
use crate::objects::{Ballot, ProcessId};
use serde::{Deserialize, Serialize};

/// Why an opening does not open a commitment.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpeningError {
    /// The ballot is for another process than the commitment.
    #[error("ballot is for another process than the commitment")]
    WrongProcess,
    /// The ballot names another voter key than the commitment.
    #[error("ballot names another voter key than the commitment")]
    WrongVoter,
    /// Hashing the ballot with the nonce does not give the commitment.
    #[error("ballot and nonce do not hash to the commitment")]
    HashMismatch,
    /// The ballot could not be encoded.
    #[error("cannot encode the ballot: {0}")]
    Encoding(#[from] EncodeError),
}

/// A ballot and the nonce that hid it: published at close.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BallotOpening {
    /// The ballot.
    pub ballot: Ballot,
    /// The nonce used in the commitment.
    pub nonce: Nonce,
}

impl BallotOpening {
    /// The commitment this opening opens.
    pub fn commitment(&self) -> Result<BallotCommitment, EncodeError> {
        BallotCommitment::new(&self.ballot, &self.nonce)
    }

    /// Checks that this opening opens `commitment`.
    pub fn opens(&self, commitment: &BallotCommitment) -> Result<(), OpeningError> {
        self.opens_parts(
            &commitment.process,
            commitment.voter.as_bytes(),
            &commitment.commitment,
            &self.ballot.canonical_bytes()?,
        )
    }

    /// [`BallotOpening::opens`] against a commitment's parts (process,
    /// voter key bytes, hash), given the ballot's canonical encoding
    /// (`ballot`, which must be that of `self.ballot`): what a verifier
    /// walking a log uses, as the entry bytes hold the encoding and a
    /// million whole commitments would not fit its cache.
    pub fn opens_parts(
        &self,
        process: &ProcessId,
        voter: &[u8; 32],
        commitment: &Commitment,
        ballot: &[u8],
    ) -> Result<(), OpeningError> {
        if self.ballot.process != *process {
            return Err(OpeningError::WrongProcess);
        }
        if self.ballot.voter.as_bytes() != voter {
            return Err(OpeningError::WrongVoter);
        }
        if Commitment::from_canonical(ballot, &self.nonce) != *commitment {
            return Err(OpeningError::HashMismatch);
        }
        Ok(())
    }
}

impl Signable for BallotOpening {
    const TYPE: &'static str = "ballot-opening";
}
