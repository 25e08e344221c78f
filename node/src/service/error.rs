//! The one error type of the service layer.
//!
//! Every variant has a stable snake_case [`ServiceError::code`] (the HTTP
//! layer sends it as the `error` field of its JSON body) and a
//! [`ErrorClass`] (the HTTP layer maps it to a status code).

use crate::log::LogError;
use crate::store::StoreError;
use pbnode_protocol::ballot::{BallotError, OpeningError};
use pbnode_protocol::encoding::EncodeError;
use pbnode_protocol::objects::{Phase, ProcessDefError};

/// The kind of failure, for mapping to a transport status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// The thing asked for does not exist (404).
    NotFound,
    /// The request conflicts with the current state (409).
    Conflict,
    /// The request is malformed or breaks a rule (400 / 422).
    Invalid,
    /// The caller may not do this (403).
    Forbidden,
    /// The node cannot serve this now (503).
    Unavailable,
    /// The node failed (500): storage, damaged data, a bug.
    Internal,
}

/// Why a service operation failed.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// No process with this slug or id.
    #[error("no process `{0}`")]
    ProcessNotFound(String),
    /// No proposal with this id in the process.
    #[error("no proposal {0} in this process")]
    ProposalNotFound(String),
    /// No ballot with this commitment id in the process.
    #[error("no ballot with commitment {0} in this process")]
    ReceiptNotFound(String),
    /// A draft with this slug already exists, or a process was opened with it.
    #[error("a process with slug `{0}` already exists")]
    SlugTaken(String),
    /// The process is open: its definition is fixed.
    #[error("process `{0}` is already open; its definition can no longer change")]
    AlreadyOpen(String),
    /// The process is still a draft: open it first.
    #[error("process `{0}` is a draft; open it first")]
    NotOpen(String),
    /// The definition breaks a rule of [`pbnode_protocol::objects::ProcessDef::check`].
    #[error("invalid process definition: {0}")]
    InvalidDefinition(#[from] ProcessDefError),
    /// The same proposal (same text, cost, district and authors) was already submitted.
    #[error("this proposal was already submitted")]
    DuplicateProposal,
    /// The operation needs another phase.
    #[error("this needs phase {expected:?}, the process is in {actual:?}")]
    WrongPhase {
        /// A phase the operation is allowed in.
        expected: Phase,
        /// The process's phase.
        actual: Phase,
    },
    /// Phases advance one at a time, forwards only.
    #[error("cannot go from phase {from:?} to {to:?}: phases advance one step at a time")]
    PhaseOrder {
        /// The current phase.
        from: Phase,
        /// The requested phase.
        to: Phase,
    },
    /// A request field is malformed (empty title, unknown district, ...).
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// The proposal is not in a status that allows this change.
    #[error("proposal status does not allow this: {0}")]
    InvalidStatusChange(String),
    /// The one-time code is unknown for this process.
    #[error("unknown voting code")]
    UnknownCode,
    /// The one-time code was already used to register a key.
    #[error("this voting code was already used")]
    CodeAlreadyUsed,
    /// The voter key is already registered in this process.
    #[error("this voter key is already registered in this process")]
    KeyAlreadyRegistered,
    /// The voter key has no credential in this process.
    #[error("this voter key is not registered in this process")]
    NotRegistered,
    /// A signature does not verify, or names another signer than required.
    #[error("invalid signature")]
    InvalidSignature,
    /// The opening does not open the signed commitment.
    #[error("the opening does not match the commitment: {0}")]
    OpeningMismatch(#[from] OpeningError),
    /// The ballot breaks the process's ballot rules.
    #[error("invalid ballot: {0}")]
    InvalidBallot(#[from] BallotError),
    /// This exact commitment was already accepted (a replay).
    #[error("this ballot was already accepted")]
    DuplicateBallot,
    /// Results, openings and exports exist only after close.
    #[error("not available before the process is closed")]
    NotClosed,
    /// The feature is not built yet.
    #[error("not yet supported: {0}")]
    NotYetSupported(&'static str),
    /// The ballot writer has stopped (the node is shutting down).
    #[error("the ballot writer is not running")]
    IngestStopped,
    /// The storage engine failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The process log failed or is damaged.
    #[error(transparent)]
    Log(#[from] LogError),
    /// An object could not be encoded canonically (a bug or damaged data).
    #[error("cannot encode: {0}")]
    Encoding(#[from] EncodeError),
    /// A stored record does not decode: the store is damaged.
    #[error("corrupt stored record: {0}")]
    Corrupt(String),
    /// The tally could not be computed.
    #[error("tally failed: {0}")]
    Tally(String),
    /// The operating system gave no randomness for a code.
    #[error("no randomness from the operating system: {0}")]
    Randomness(String),
    /// A checkpoint could not be made or a conflicting one exists.
    #[error("checkpoint failed: {0}")]
    Checkpoint(String),
    /// The region defines a regional process; its member municipalities
    /// collect the census, the voters and the ballots.
    #[error(
        "ballots of a regional process are collected by its member municipalities, not by the region"
    )]
    RegionCollectsNoBallots,
    /// This node's jurisdiction is not a member of the regional process.
    #[error("this jurisdiction is not a member of regional process {0}")]
    NotAMember(String),
    /// The operation needs a regional process owned by this node.
    #[error("{0}")]
    NotRegional(String),
    /// The phases of an adopted regional process follow its region's log.
    #[error("the phases of regional process {0} follow its region's log")]
    FollowsRegion(String),
    /// The region's log does not say what adopting or following needs.
    #[error("region log: {0}")]
    RegionLog(String),
    /// A different aggregate of this process was already published.
    #[error("a different aggregate of process {0} is already published")]
    AggregateExists(String),
}

impl ServiceError {
    /// The stable machine-readable code (snake_case).
    pub fn code(&self) -> &'static str {
        use ServiceError::*;
        match self {
            ProcessNotFound(_) => "process_not_found",
            ProposalNotFound(_) => "proposal_not_found",
            ReceiptNotFound(_) => "receipt_not_found",
            SlugTaken(_) => "slug_taken",
            AlreadyOpen(_) => "process_already_open",
            NotOpen(_) => "process_not_open",
            InvalidDefinition(_) => "invalid_process_definition",
            DuplicateProposal => "duplicate_proposal",
            WrongPhase { .. } => "wrong_phase",
            PhaseOrder { .. } => "invalid_phase_transition",
            InvalidInput(_) => "invalid_input",
            InvalidStatusChange(_) => "invalid_status_change",
            UnknownCode => "unknown_code",
            CodeAlreadyUsed => "code_already_used",
            KeyAlreadyRegistered => "key_already_registered",
            NotRegistered => "not_registered",
            InvalidSignature => "invalid_signature",
            OpeningMismatch(_) => "opening_mismatch",
            InvalidBallot(_) => "invalid_ballot",
            DuplicateBallot => "duplicate_ballot",
            NotClosed => "not_closed",
            NotYetSupported(_) => "not_yet_supported",
            IngestStopped => "unavailable",
            Store(_) => "storage_error",
            Log(_) => "log_error",
            Encoding(_) => "encoding_error",
            Corrupt(_) => "corrupt_store",
            Tally(_) => "tally_failed",
            Checkpoint(_) => "checkpoint_failed",
            Randomness(_) => "randomness_unavailable",
            RegionCollectsNoBallots => "region_collects_no_ballots",
            NotAMember(_) => "not_a_member",
            NotRegional(_) => "not_regional",
            FollowsRegion(_) => "follows_region",
            RegionLog(_) => "invalid_region_log",
            AggregateExists(_) => "aggregate_exists",
        }
    }

    /// The kind of failure.
    pub fn class(&self) -> ErrorClass {
        use ServiceError::*;
        match self {
            ProcessNotFound(_) | ProposalNotFound(_) | ReceiptNotFound(_) => ErrorClass::NotFound,
            SlugTaken(_) | AlreadyOpen(_) | NotOpen(_) | WrongPhase { .. } | PhaseOrder { .. } => {
                ErrorClass::Conflict
            }
            InvalidStatusChange(_)
            | DuplicateProposal
            | CodeAlreadyUsed
            | KeyAlreadyRegistered
            | DuplicateBallot => ErrorClass::Conflict,
            NotClosed => ErrorClass::Conflict,
            RegionCollectsNoBallots | FollowsRegion(_) | AggregateExists(_) => ErrorClass::Conflict,
            NotAMember(_) => ErrorClass::Forbidden,
            NotRegional(_) | RegionLog(_) => ErrorClass::Invalid,
            InvalidDefinition(_) | InvalidInput(_) | InvalidSignature => ErrorClass::Invalid,
            OpeningMismatch(_) | InvalidBallot(_) => ErrorClass::Invalid,
            UnknownCode | NotRegistered => ErrorClass::Forbidden,
            NotYetSupported(_) | IngestStopped => ErrorClass::Unavailable,
            Store(_) | Log(_) | Encoding(_) | Corrupt(_) | Tally(_) | Checkpoint(_)
            | Randomness(_) => ErrorClass::Internal,
        }
    }
}
