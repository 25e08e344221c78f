//! Every reason a regional aggregate cannot be built or does not verify.

use super::super::election::RecountError;
use super::super::verify_error::VerifyError;
use crate::crypto::SignatureError;
use crate::encoding::EncodeError;
use crate::objects::{JurisdictionId, ProcessDefError, ProcessId, ProposalId};
use crate::receipt::ReceiptError;

/// Why member logs do not combine into an aggregate, or a signed aggregate
/// is not the one the member logs give. Variants about one member name it
/// by jurisdiction id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AggregateError {
    /// The process definition's signature does not verify.
    #[error("the process definition is not signed by the region: {0}")]
    ProcessSignature(SignatureError),
    /// The process definition breaks its own rules.
    #[error("the process definition is invalid: {0}")]
    ProcessInvalid(#[from] ProcessDefError),
    /// The process lists no member jurisdictions: it is not regional.
    #[error("process {0} lists no member jurisdictions: it is not a regional process")]
    NotRegional(ProcessId),
    /// A member log's jurisdiction is not listed in the process definition.
    #[error("jurisdiction {0} is not a member of the regional process")]
    NotAMember(JurisdictionId),
    /// Two member logs are for the same jurisdiction.
    #[error("jurisdiction {0} has two member logs")]
    DuplicateMember(JurisdictionId),
    /// A listed member jurisdiction has no log.
    #[error("member jurisdiction {0} has no log")]
    MissingMember(JurisdictionId),
    /// The keys given for a member log do not belong to it: the node and
    /// checkpoint keys must be the member jurisdiction's key, the owner key
    /// the region's (the process definition's signer).
    #[error("the {which} key given for member {jurisdiction} is not {expected}")]
    MemberKey {
        /// The member.
        jurisdiction: JurisdictionId,
        /// Which key: "node", "checkpoint" or "owner".
        which: &'static str,
        /// What it must be.
        expected: &'static str,
    },
    /// A member's log does not verify.
    #[error("the log of member {jurisdiction} does not verify: {error}")]
    MemberLog {
        /// The member.
        jurisdiction: JurisdictionId,
        /// The verifier's reason (boxed: it is large and rare).
        error: Box<VerifyError>,
    },
    /// A member's log is the log of another process.
    #[error("the log of member {jurisdiction} is for process {found}")]
    MemberProcess {
        /// The member.
        jurisdiction: JurisdictionId,
        /// The process its entry 0 defines.
        found: ProcessId,
    },
    /// A member's checkpoint lacks the cosignatures the process's witness
    /// policy requires.
    #[error(
        "the checkpoint of member {jurisdiction} is not cosigned as the process requires: {error}"
    )]
    MemberCosignatures {
        /// The member.
        jurisdiction: JurisdictionId,
        /// Why the witness policy is not met (boxed: it is large and rare).
        error: Box<ReceiptError>,
    },
    /// A member's ballot held other proposals than the first member's: the
    /// regional ballot must be the same everywhere.
    #[error("member {jurisdiction} has other proposals on the ballot than member {first}")]
    BallotDiffers {
        /// The member.
        jurisdiction: JurisdictionId,
        /// The first member (by jurisdiction id), whose ballot is compared.
        first: JurisdictionId,
    },
    /// One voter key has a counted ballot in two member logs.
    #[error("voter {voter} has a counted ballot in member {first} and in member {second}")]
    VoterInTwoMembers {
        /// The voter key (hex).
        voter: String,
        /// The first member.
        first: JurisdictionId,
        /// The second member.
        second: JurisdictionId,
    },
    /// Counting the combined ballots failed.
    #[error("combined count: {0}")]
    Recount(#[from] RecountError),
    /// An object could not be encoded.
    #[error("encoding: {0}")]
    Encoding(#[from] EncodeError),
    /// The aggregate is not signed by the region key.
    #[error("the aggregate is not signed by the region: {0}")]
    AggregateSignature(SignatureError),
    /// The aggregate names another process.
    #[error("the aggregate is for process {found}, not {expected}")]
    WrongProcess {
        /// The process given.
        expected: ProcessId,
        /// The process the aggregate names.
        found: ProcessId,
    },
    /// The aggregate's rule is not the process's.
    #[error("the aggregate names rule {found}, the process {expected}")]
    WrongRule {
        /// The process's rule.
        expected: String,
        /// The aggregate's.
        found: String,
    },
    /// The aggregate lists another number of members.
    #[error("the aggregate lists {found} members, the logs give {expected}")]
    MemberCount {
        /// From the logs.
        expected: usize,
        /// In the aggregate.
        found: usize,
    },
    /// A member entry of the aggregate differs from the member's log.
    #[error("member entry {position} ({jurisdiction}) of the aggregate differs in its {field}")]
    MemberDiffers {
        /// The position in the aggregate's member list.
        position: usize,
        /// The jurisdiction the logs give at that position.
        jurisdiction: JurisdictionId,
        /// Which field: "jurisdiction", "tally" or "checkpoint note".
        field: &'static str,
    },
    /// A combined total differs (the first project, by id, that does).
    #[error(
        "combined total of project {project}: recounted {expected:?}, aggregate says {found:?}"
    )]
    Totals {
        /// The project.
        project: ProposalId,
        /// The recounted total (`None`: not a project of the recount).
        expected: Option<u64>,
        /// The aggregate's (`None`: missing from the aggregate).
        found: Option<u64>,
    },
    /// The aggregate's totals hold the recounted values, but out of project
    /// order or with a project repeated (the order is part of the format).
    #[error("the aggregate's combined totals are not sorted by project id, once each")]
    TotalsOrder,
    /// The combined selection differs.
    #[error("combined selection differs: recounted {expected:?}, aggregate says {found:?}")]
    Selected {
        /// Recounted, in selection order.
        expected: Vec<ProposalId>,
        /// The aggregate's.
        found: Vec<ProposalId>,
    },
    /// A sum in the regional dataset does not fit in 64 bits.
    #[error("the regional sum of {0} overflows")]
    Overflow(String),
}
