//! Recounting a process: the bridge from logged data to the tally engine
//! ([`election`]) and the full independent verifier of a process log
//! ([`verify`]).
//!
//! The steps a third party follows are written out in
//! `protocol/src/receipt/README-section.md`.

pub mod election;
pub mod verify;
mod verify_error;

pub use election::{
    BallotProject, DistrictElection, RecountError, TallyContent, counted_by_district, election_for,
    rule_of, tally_process, vote_type_of,
};

pub use verify::{LogKeys, RecountReport, entry_kind, verify_log};
pub use verify_error::VerifyError;

#[cfg(test)]
mod tests;
