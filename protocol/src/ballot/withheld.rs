//! What a voter holds to show that a node withheld or altered their opening.

use super::commitment::BallotCommitment;
use super::opening::{BallotOpening, OpeningError};
use crate::crypto::{Signable, SignatureError, Signed};
use serde::{Deserialize, Serialize};

/// Why a withheld-opening proof is itself not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// The commitment is not validly signed by the voter key it names.
    #[error("commitment not signed by its voter key: {0}")]
    BadSignature(#[from] SignatureError),
    /// The voter's opening does not open the voter's commitment.
    #[error("the voter's opening does not open the commitment: {0}")]
    NotAnOpening(#[from] OpeningError),
}

/// What the log did with a voter's opening.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpeningVerdict {
    /// The log published exactly the voter's opening (and nothing else for
    /// that commitment).
    Consistent,
    /// The log published no opening for the commitment.
    Withheld,
    /// The log published an opening for the commitment that differs from
    /// the voter's; `index` is its position in the list checked.
    Altered {
        /// Position of the first differing opening.
        index: usize,
    },
}

/// A voter's signed commitment and its opening (from their receipt).
///
/// Because the voter key signed the commitment and the opening opens it, the
/// pair proves what the log must contain for that commitment after close:
/// exactly this opening. (That the commitment is in the log is shown by the
/// receipt's inclusion proof, checked separately.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WithheldOpeningProof {
    /// The commitment as the voter signed it.
    pub commitment: Signed<BallotCommitment>,
    /// The voter's opening.
    pub opening: BallotOpening,
}

impl WithheldOpeningProof {
    /// Checks the proof, then compares it with the openings the log
    /// published for this commitment (`published`, possibly empty).
    pub fn check(&self, published: &[BallotOpening]) -> Result<OpeningVerdict, ProofError> {
        self.commitment.verify(&self.commitment.value.voter)?;
        self.opening.opens(&self.commitment.value)?;
        if published.is_empty() {
            return Ok(OpeningVerdict::Withheld);
        }
        match published.iter().position(|p| *p != self.opening) {
            Some(index) => Ok(OpeningVerdict::Altered { index }),
            None => Ok(OpeningVerdict::Consistent),
        }
    }
}

impl Signable for WithheldOpeningProof {
    const TYPE: &'static str = "withheld-opening-proof";
}
