//! A ballot: one voter's choices.

use super::process::ProcessId;
use super::proposal::ProposalId;
use crate::crypto::{PublicKey, Signable};
use crate::ids::Id;
use serde::{Deserialize, Serialize};

/// The id of a [`Ballot`].
pub type BallotId = Id<Ballot>;

/// One project on a ballot and the voter's number for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    /// The project.
    pub project: ProposalId,
    /// Approval: 1. Cumulative: points given. Scoring: the score.
    /// Ranking: the rank (1 = most preferred).
    pub points: u32,
}

/// A ballot. It is never logged in clear during voting: the log holds a
/// [`crate::ballot::BallotCommitment`] to it, and the ballot is revealed at
/// close in a [`crate::ballot::BallotOpening`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ballot {
    /// The process voted in.
    pub process: ProcessId,
    /// The voter's district.
    pub district: String,
    /// The voter's credential key.
    pub voter: PublicKey,
    /// The choices, sorted by project id, one per project.
    pub choices: Vec<Choice>,
}

impl Signable for Ballot {
    const TYPE: &'static str = "ballot";
}
