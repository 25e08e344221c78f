//! Recounting a process: the bridge from logged data to the tally engine
//! ([`election`]) and the full independent verifier of a process log
//! ([`verify`]).
//!
//! The steps a third party follows are written out in
//! `protocol/README.md`.

pub mod aggregate;
pub mod election;
mod entries;
mod node_signature;
pub mod verify;
mod verify_error;

pub use election::{
    BallotProject, DistrictElection, RecountError, TallyContent, counted_by_district, election_for,
    rule_of, tally_process, vote_type_of,
};

pub use aggregate::{
    AggregateError, AggregateReport, MemberLog, aggregate_members, regional_dataset,
    verify_aggregate,
};
pub use verify::{LogKeys, RecountReport, VerifiedLog, entry_kind, verify_log, verify_log_counted};
pub use verify_error::VerifyError;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod verify_tests;
