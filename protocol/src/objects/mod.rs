//! The signed objects of a pbnode process, one file per object type.
//!
//! Every type here derives serde and gets the one canonical byte encoding of
//! [`crate::encoding`] from its field order; changing a field's order or
//! type, or reordering enum variants, changes the bytes and so every id and
//! signature, which the golden vectors in `protocol/tests/vectors/objects/`
//! catch. New enum variants go at the end.
//!
//! Amounts of money are `u64` counts of the currency's smallest unit (cents
//! for EUR), never floats. Times are unix seconds (`u64`, UTC).
//! Lists that are sets (languages, districts, members, witnesses, choices)
//! are kept sorted so that one set has one encoding; `check` methods refuse
//! unsorted or duplicated entries.

mod aggregate;
mod credential;
mod jurisdiction;
mod log_entry;
mod phase;
mod process;
mod process_format;
mod proposal;
mod tally;
mod vote;

pub use aggregate::{Aggregate, AggregateId, MemberTally};
pub use credential::{CredentialId, VoterCredential};
pub use jurisdiction::{Jurisdiction, JurisdictionId};
pub use log_entry::{BallotOpened, Close, LogEntry};
pub use phase::{Phase, PhaseChange, PhaseSchedule};
pub use process::{
    District, Eligibility, LocalizedText, Money, ProcessDef, ProcessDefError, ProcessId, RuleRef,
    Witness, WitnessPolicy,
};
pub use process_format::BallotFormat;
pub use proposal::{
    Author, Proposal, ProposalId, ProposalStatus, ProposalStatusChange, StatusChange,
};
pub use tally::{CheckpointRef, ProjectTotal, Tally, TallyId};
pub use vote::{Ballot, BallotId, Choice};

/// The type tag of every [`crate::crypto::Signable`] type of the protocol.
/// Distinct, and none is in [`crate::crypto::RESERVED_TYPES`].
pub const OBJECT_TYPES: &[&str] = &[
    <Jurisdiction as crate::crypto::Signable>::TYPE,
    <ProcessDef as crate::crypto::Signable>::TYPE,
    <PhaseChange as crate::crypto::Signable>::TYPE,
    <Proposal as crate::crypto::Signable>::TYPE,
    <ProposalStatusChange as crate::crypto::Signable>::TYPE,
    <VoterCredential as crate::crypto::Signable>::TYPE,
    <Ballot as crate::crypto::Signable>::TYPE,
    <crate::ballot::BallotCommitment as crate::crypto::Signable>::TYPE,
    <crate::ballot::BallotOpening as crate::crypto::Signable>::TYPE,
    <BallotOpened as crate::crypto::Signable>::TYPE,
    <crate::ballot::WithheldOpeningProof as crate::crypto::Signable>::TYPE,
    <Close as crate::crypto::Signable>::TYPE,
    <Tally as crate::crypto::Signable>::TYPE,
    <Aggregate as crate::crypto::Signable>::TYPE,
    <LogEntry as crate::crypto::Signable>::TYPE,
];

/// True when `items` is strictly increasing by `key` (sorted, no duplicates).
pub(crate) fn strictly_sorted_by<T, K: Ord>(items: &[T], key: impl Fn(&T) -> K) -> bool {
    items.windows(2).all(|pair| key(&pair[0]) < key(&pair[1]))
}
