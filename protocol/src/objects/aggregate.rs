//! A region's combined result over its members' logs.

use super::jurisdiction::JurisdictionId;
use super::process::{ProcessId, RuleRef};
use super::proposal::ProposalId;
use super::tally::{ProjectTotal, Tally};
use crate::crypto::{Signable, Signed};
use crate::ids::Id;
use serde::{Deserialize, Serialize};

/// The id of an [`Aggregate`].
pub type AggregateId = Id<Aggregate>;

/// One member's part of a regional result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberTally {
    /// The member jurisdiction.
    pub jurisdiction: JurisdictionId,
    /// Its tally of its own log, signed by its node.
    pub tally: Signed<Tally>,
    /// The cosigned checkpoint the tally names, as the exact C2SP signed
    /// note text (checkpoint body, blank line, signature lines).
    pub checkpoint_note: String,
}

/// The combined result of a regional process, signed by the regional node.
/// Anyone can reproduce it from the member logs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Aggregate {
    /// The regional process.
    pub process: ProcessId,
    /// Member tallies, sorted by jurisdiction id.
    pub members: Vec<MemberTally>,
    /// The rule applied to the combined ballots and its version.
    pub rule: RuleRef,
    /// Combined totals per project, sorted by project id.
    pub totals: Vec<ProjectTotal>,
    /// The selected projects in the order the rule selected them.
    pub selected: Vec<ProposalId>,
}

impl Signable for Aggregate {
    const TYPE: &'static str = "aggregate";
}
