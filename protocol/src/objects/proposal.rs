//! Proposals (projects) and their status history.

use super::jurisdiction::JurisdictionId;
use super::process::ProcessId;
use crate::crypto::Signable;
use crate::ids::Id;
use serde::{Deserialize, Serialize};

/// The id of a [`Proposal`]; ballots name projects by it.
pub type ProposalId = Id<Proposal>;

/// One author of a proposal. Authors of one proposal may belong to different
/// jurisdictions (co-authored in the collaboration space).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Author {
    /// Name as the author wants it shown.
    pub name: String,
    /// The jurisdiction the author belongs to.
    pub jurisdiction: JurisdictionId,
}

/// A proposal submitted into a process.
///
/// The proposal holds only what its authors wrote, so its id stays the same
/// while its status changes: ballots refer to it by that id. Status changes
/// are separate log entries ([`ProposalStatusChange`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    /// The process it is submitted into.
    pub process: ProcessId,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Estimated cost in minor units of the process currency.
    pub cost: u64,
    /// The district it belongs to (a district id of the process).
    pub district: String,
    /// Category ("greenery", "transport").
    pub category: String,
    /// Authors, in the order they are credited.
    pub authors: Vec<Author>,
}

impl Signable for Proposal {
    const TYPE: &'static str = "proposal";
}

/// Where a proposal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ProposalStatus {
    /// Submitted, not reviewed yet.
    Submitted,
    /// Passed review: on the ballot.
    Accepted,
    /// Failed review (the change carries the reason).
    Rejected,
    /// Won the vote.
    Selected,
    /// Being carried out.
    InProgress,
    /// Finished.
    Done,
}

impl ProposalStatus {
    /// True for proposals that passed review and so may appear on a ballot.
    pub fn is_on_ballot(self) -> bool {
        matches!(
            self,
            ProposalStatus::Accepted
                | ProposalStatus::Selected
                | ProposalStatus::InProgress
                | ProposalStatus::Done
        )
    }
}

/// One step of a proposal's status history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    /// The new status.
    pub status: ProposalStatus,
    /// When (unix seconds).
    pub at: u64,
    /// Why (required in practice for rejections; may be empty otherwise).
    pub reason: String,
}

/// A log entry: a proposal's status changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalStatusChange {
    /// The proposal.
    pub proposal: ProposalId,
    /// The change.
    pub change: StatusChange,
}

impl Signable for ProposalStatusChange {
    const TYPE: &'static str = "proposal-status";
}
