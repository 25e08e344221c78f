//! Every reason a process log fails the independent recount.

use super::election::RecountError;
use crate::ballot::{BallotCommitment, BallotError, OpeningError};
use crate::crypto::SignatureError;
use crate::encoding::{DecodeError, EncodeError};
use crate::ids::{Digest, Id};
use crate::merkle::MerkleError;
use crate::note::{NoteError, OriginError};
use crate::objects::{CheckpointRef, JurisdictionId, ProcessDefError, ProcessId, ProposalId};

/// Why a log does not verify. Variants that concern one entry carry its
/// `index` (0-based leaf index).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// The checkpoint is not signed by the node's log key.
    #[error("checkpoint not signed by the node key: {0}")]
    CheckpointSignature(NoteError),
    /// The checkpoint's size is not the number of entries supplied.
    #[error("checkpoint size {checkpoint} but {entries} entries supplied")]
    SizeMismatch {
        /// The checkpoint's size.
        checkpoint: u64,
        /// The number of entries.
        entries: u64,
    },
    /// The Merkle root of the entries is not the checkpoint's root.
    #[error("the entries hash to root {computed}, the checkpoint says {checkpoint}")]
    RootMismatch {
        /// The root recomputed from the entries.
        computed: Digest,
        /// The checkpoint's root.
        checkpoint: Digest,
    },
    /// Recomputing the tree failed.
    #[error("merkle: {0}")]
    Merkle(#[from] MerkleError),
    /// The checkpoint origin is not a pbnode origin.
    #[error("checkpoint origin: {0}")]
    Origin(#[from] OriginError),
    /// The checkpoint origin names another process.
    #[error("checkpoint origin `{origin}` is not the log of process {process}")]
    OriginNotThisProcess {
        /// The origin line.
        origin: String,
        /// The process entry 0 defines.
        process: ProcessId,
    },
    /// An entry does not decode as a log entry.
    #[error("entry {index} does not decode: {error}")]
    Decode {
        /// The entry.
        index: u64,
        /// The decoder's reason.
        error: DecodeError,
    },
    /// The log is empty.
    #[error("the log is empty")]
    EmptyLog,
    /// Entry 0 is not the process definition.
    #[error("entry 0 is a {found} entry, not the process definition")]
    FirstEntryNotProcess {
        /// The kind of entry found.
        found: &'static str,
    },
    /// The process definition is not signed by the owner key.
    #[error("process definition not signed by the owner key: {0}")]
    ProcessSignature(SignatureError),
    /// The process definition breaks its own rules.
    #[error("invalid process definition: {0}")]
    InvalidProcess(#[from] ProcessDefError),
    /// The process definition names another owner jurisdiction.
    #[error("process definition names owner {found}, expected {expected}")]
    OwnerMismatch {
        /// The owner the verifier expected.
        expected: JurisdictionId,
        /// The owner the definition names.
        found: JurisdictionId,
    },
    /// An entry other than entry 0 defines a process.
    #[error("entry {index} defines a process again")]
    ProcessRedefined {
        /// The entry.
        index: u64,
    },
    /// An entry names another process.
    #[error("entry {index} is for process {found}, the log's is {expected}")]
    WrongProcess {
        /// The entry.
        index: u64,
        /// The log's process.
        expected: ProcessId,
        /// The process the entry names.
        found: ProcessId,
    },
    /// A proposal is submitted twice.
    #[error("entry {index} submits proposal {proposal} again")]
    DuplicateProposal {
        /// The entry.
        index: u64,
        /// The proposal.
        proposal: ProposalId,
    },
    /// A status change for a proposal the log never submitted.
    #[error("entry {index} changes the status of unknown proposal {proposal}")]
    UnknownProposal {
        /// The entry.
        index: u64,
        /// The proposal.
        proposal: ProposalId,
    },
    /// A node-signed entry (credential, tally, aggregate) is not signed by the node key.
    #[error("entry {index} ({kind}) not signed by the node key: {error}")]
    NodeSignature {
        /// The entry.
        index: u64,
        /// The kind of entry.
        kind: &'static str,
        /// The reason.
        error: SignatureError,
    },
    /// A credential names a district the process does not have.
    #[error("entry {index} issues a credential for unknown district `{district}`")]
    CredentialDistrictUnknown {
        /// The entry.
        index: u64,
        /// The district.
        district: String,
    },
    /// A voter key is registered twice.
    #[error("entry {index} registers voter key {voter} again (first at entry {first})")]
    DuplicateCredential {
        /// The entry.
        index: u64,
        /// The voter key (hex).
        voter: String,
        /// The first registration.
        first: u64,
    },
    /// A commitment's voter signature does not verify.
    #[error("entry {index}: voter signature on the commitment: {error}")]
    VoterSignature {
        /// The entry.
        index: u64,
        /// The reason.
        error: SignatureError,
    },
    /// A commitment from a key with no earlier credential for this process.
    #[error("entry {index}: voter key {voter} has no earlier credential")]
    UnregisteredVoter {
        /// The entry.
        index: u64,
        /// The voter key (hex).
        voter: String,
    },
    /// The same commitment is logged twice.
    #[error("entry {index} repeats the commitment of entry {first}")]
    DuplicateCommitment {
        /// The entry.
        index: u64,
        /// The first occurrence.
        first: u64,
    },
    /// An entry that belongs to voting comes after the close.
    #[error("entry {index} ({kind}) comes after the close")]
    AfterClose {
        /// The entry.
        index: u64,
        /// The kind of entry.
        kind: &'static str,
    },
    /// An entry that belongs after the close comes before it.
    #[error("entry {index} ({kind}) comes before the close")]
    BeforeClose {
        /// The entry.
        index: u64,
        /// The kind of entry.
        kind: &'static str,
    },
    /// A second close or a second tally.
    #[error("entry {index} repeats the {kind} of entry {first}")]
    Repeated {
        /// The entry.
        index: u64,
        /// The kind of entry.
        kind: &'static str,
        /// The first one.
        first: u64,
    },
    /// An opening published after the tally (it was not counted).
    #[error("entry {index} publishes an opening after the tally")]
    OpenedAfterTally {
        /// The entry.
        index: u64,
    },
    /// An opening for a commitment the log does not hold.
    #[error("entry {index} opens commitment {commitment}, which is not in the log")]
    OpeningForUnknownCommitment {
        /// The entry.
        index: u64,
        /// The commitment id.
        commitment: Id<BallotCommitment>,
    },
    /// A commitment opened twice.
    #[error("entry {index} opens commitment {commitment} again (first at entry {first})")]
    DuplicateOpening {
        /// The entry.
        index: u64,
        /// The commitment id.
        commitment: Id<BallotCommitment>,
        /// The first opening.
        first: u64,
    },
    /// A published opening does not open its commitment.
    #[error("entry {index}: the opening does not open its commitment: {error}")]
    OpeningMismatch {
        /// The entry.
        index: u64,
        /// Which way it fails.
        error: OpeningError,
    },
    /// The log has no close entry.
    #[error("the log has no close entry")]
    NotClosed,
    /// The log has no tally entry.
    #[error("the log has no tally entry")]
    NoTally,
    /// A counted commitment was never opened.
    #[error("counted commitment {commitment} (entry {index}) has no opening")]
    MissingOpening {
        /// The commitment's entry.
        index: u64,
        /// The commitment id.
        commitment: Id<BallotCommitment>,
    },
    /// A counted ballot is not valid for the process.
    #[error("counted ballot of commitment entry {index} is invalid: {error}")]
    InvalidBallot {
        /// The commitment's entry.
        index: u64,
        /// The reason.
        error: BallotError,
    },
    /// A counted ballot's district is not its credential's.
    #[error("counted ballot of entry {index} is for `{ballot}`, its credential for `{credential}`")]
    BallotDistrictNotCredential {
        /// The commitment's entry.
        index: u64,
        /// The ballot's district.
        ballot: String,
        /// The credential's district.
        credential: String,
    },
    /// The recount itself failed.
    #[error("recount: {0}")]
    Recount(#[from] RecountError),
    /// The signed tally names another rule or version than the process.
    #[error("tally names rule {found}, the process {expected}")]
    TallyRule {
        /// The process's rule and version.
        expected: String,
        /// The tally's.
        found: String,
    },
    /// The signed tally's checkpoint is not the log just before the tally.
    #[error("tally checkpoint is {found:?}, the log before the tally is {expected:?}")]
    TallyCheckpoint {
        /// The log up to just before the tally entry.
        expected: CheckpointRef,
        /// What the tally names.
        found: CheckpointRef,
    },
    /// The signed tally counts another number of ballots.
    #[error("tally counts {found} ballots, the recount {expected}")]
    TallyBallotsCounted {
        /// The recount's.
        expected: u64,
        /// The tally's.
        found: u64,
    },
    /// The signed tally's totals differ from the recount's.
    #[error("tally total for {project}: recount {expected:?}, tally {found:?}")]
    TallyTotals {
        /// The first project whose total differs (or is missing on one side).
        project: ProposalId,
        /// The recount's total, if the recount has the project.
        expected: Option<u64>,
        /// The tally's total, if the tally has the project.
        found: Option<u64>,
    },
    /// The signed tally selects other projects (or in another order).
    #[error("tally selects {found:?}, the recount {expected:?}")]
    TallySelected {
        /// The recount's selection.
        expected: Vec<ProposalId>,
        /// The tally's.
        found: Vec<ProposalId>,
    },
    /// Something could not be encoded canonically.
    #[error("encoding: {0}")]
    Encoding(#[from] EncodeError),
}
