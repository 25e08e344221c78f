//! The result of a process, signed by the node that counted it.

use super::process::{ProcessId, RuleRef};
use super::proposal::ProposalId;
use crate::crypto::Signable;
use crate::ids::{Digest, Id};
use serde::{Deserialize, Serialize};

/// The id of a [`Tally`].
pub type TallyId = Id<Tally>;

/// A checkpoint of a log, named by size and root hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckpointRef {
    /// Number of entries in the log.
    pub size: u64,
    /// RFC 9162 Merkle tree hash (BLAKE3) of those entries.
    pub root: Digest,
}

/// A project's total under the rule's counting (approvals, points, or Borda score).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectTotal {
    /// The project.
    pub project: ProposalId,
    /// Its total.
    pub total: u64,
}

/// The counted result of a closed process.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// The process counted.
    pub process: ProcessId,
    /// The final checkpoint: the log counted, up to and including the close
    /// and every opening.
    pub checkpoint: CheckpointRef,
    /// The rule applied and its version.
    pub rule: RuleRef,
    /// How many ballots were counted (the last valid one per credential).
    pub ballots_counted: u64,
    /// Totals per project, sorted by project id.
    pub totals: Vec<ProjectTotal>,
    /// The selected projects in the order the rule selected them.
    pub selected: Vec<ProposalId>,
}

impl Signable for Tally {
    const TYPE: &'static str = "tally";
}
