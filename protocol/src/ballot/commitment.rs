//! The commitment a voter signs while voting is open.

use crate::crypto::{DOMAIN_PREFIX, PublicKey, Signable};
use crate::encoding::EncodeError;
use crate::ids::fixed_bytes_type;
use crate::objects::{Ballot, ProcessId};
use serde::{Deserialize, Serialize};

/// The domain tag of the commitment hash: `C = BLAKE3("pbnode/v1/" ||
/// COMMITMENT_TAG || 0x00 || canonical(ballot) || nonce)`. Reserved: no
/// object type may use it as its type tag.
pub const COMMITMENT_TAG: &str = "ballot-commit";

fixed_bytes_type!(
    /// The 32 random bytes that hide a ballot inside its commitment. Must be
    /// fresh for every ballot (the node draws it from OS randomness).
    Nonce,
    32
);

fixed_bytes_type!(
    /// A ballot commitment hash `C`.
    Commitment,
    32
);

impl Commitment {
    /// `BLAKE3("pbnode/v1/ballot-commit" || 0x00 || canonical(ballot) || nonce)`.
    pub fn compute(ballot: &Ballot, nonce: &Nonce) -> Result<Self, EncodeError> {
        Ok(Self::from_canonical(&ballot.canonical_bytes()?, nonce))
    }

    /// [`Commitment::compute`] from the ballot's canonical encoding, for a
    /// verifier that holds it already (the opening's log entry bytes): no
    /// re-encoding, no buffer.
    pub fn from_canonical(ballot: &[u8], nonce: &Nonce) -> Self {
        let mut hasher = blake3::Hasher::new();
        hasher.update(DOMAIN_PREFIX);
        hasher.update(COMMITMENT_TAG.as_bytes());
        hasher.update(&[0]);
        hasher.update(ballot);
        hasher.update(&nonce.0);
        Commitment(*hasher.finalize().as_bytes())
    }
}

/// What the log holds for a ballot during voting; signed by the voter key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BallotCommitment {
    /// The process voted in.
    pub process: ProcessId,
    /// The voter's credential key (the signer).
    pub voter: PublicKey,
    /// The commitment hash.
    pub commitment: Commitment,
}

impl BallotCommitment {
    /// The commitment to `ballot` under `nonce`.
    pub fn new(ballot: &Ballot, nonce: &Nonce) -> Result<Self, EncodeError> {
        Ok(BallotCommitment {
            process: ballot.process,
            voter: ballot.voter,
            commitment: Commitment::compute(ballot, nonce)?,
        })
    }
}

impl Signable for BallotCommitment {
    const TYPE: &'static str = "ballot-commitment";
}
