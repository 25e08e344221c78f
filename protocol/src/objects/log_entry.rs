//! The entries of a process log.

use super::aggregate::Aggregate;
use super::credential::VoterCredential;
use super::phase::PhaseChange;
use super::process::{ProcessDef, ProcessId};
use super::proposal::{Proposal, ProposalStatusChange};
use super::tally::Tally;
use crate::ballot::{BallotCommitment, BallotOpening};
use crate::crypto::{Signable, Signed};
use crate::encoding::EncodeError;
use crate::ids::Id;
use serde::{Deserialize, Serialize};

/// A log entry: voting ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Close {
    /// The process.
    pub process: ProcessId,
    /// When voting closed (unix seconds).
    pub at: u64,
}

impl Signable for Close {
    const TYPE: &'static str = "close";
}

/// A log entry: the opening of one logged commitment, published at close.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BallotOpened {
    /// The id of the commitment it opens.
    pub commitment: Id<BallotCommitment>,
    /// The ballot and nonce.
    pub opening: BallotOpening,
}

impl Signable for BallotOpened {
    const TYPE: &'static str = "ballot-opened";
}

/// One entry of a process's append-only log.
///
/// The Merkle leaf data of an entry is its canonical encoding
/// ([`LogEntry::leaf_data`]): a `u32` variant index, then the payload.
/// Variant indices are fixed: new kinds of entry are appended at the end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LogEntry {
    /// 0: the process definition, signed by its owner (always entry 0).
    ProcessDefined(Signed<ProcessDef>),
    /// 1: the process entered a phase.
    PhaseChanged(PhaseChange),
    /// 2: a proposal was submitted.
    ProposalSubmitted(Proposal),
    /// 3: a proposal's status changed (accepted, rejected, selected, ...).
    ProposalStatusChanged(ProposalStatusChange),
    /// 4: a voter key was registered, signed by the node. Written by nodes
    /// before [`LogEntry::VoterRegistered`] replaced it; still valid in a
    /// log, and its signature is still checked.
    CredentialIssued(Signed<VoterCredential>),
    /// 5: a ballot commitment, signed by the voter key.
    BallotCommitted(Signed<BallotCommitment>),
    /// 6: the opening of a commitment, published at close.
    BallotOpened(BallotOpened),
    /// 7: voting closed.
    Closed(Close),
    /// 8: the tally, signed by the node.
    Tallied(Signed<Tally>),
    /// 9: a regional aggregate, signed by the regional node.
    Aggregated(Signed<Aggregate>),
    /// 10: a voter key was registered for a district of the process.
    ///
    /// Unsigned on purpose: like every entry, it is authenticated by the
    /// node-signed checkpoints whose tree holds it, so a signature of its
    /// own would add nothing a verifier needs, and checking one per voter
    /// was about a third of a recount. The node's signature on the
    /// credential is the registration promise returned to the voter (as a
    /// certificate log's SCT goes to the submitter, not into the log).
    VoterRegistered(VoterCredential),
}

impl LogEntry {
    /// Whether encoded entry bytes are of a kind that holds an object
    /// addressable by id (a definition, a tally, an aggregate), judged from
    /// the leading variant index alone. Replication indexes such objects
    /// and skips decoding the others (ballots, proposals: nearly all of a
    /// log) this way. Bytes it accepts may still fail to decode.
    pub fn may_hold_object(bytes: &[u8]) -> bool {
        // Variant indices of ProcessDefined, Tallied and Aggregated.
        matches!(bytes.get(..4), Some([0, 0, 0, 0 | 8 | 9]))
    }

    /// The Merkle leaf data: the entry's canonical encoding.
    pub fn leaf_data(&self) -> Result<Vec<u8>, EncodeError> {
        self.canonical_bytes()
    }
}

impl Signable for LogEntry {
    const TYPE: &'static str = "log-entry";
}
