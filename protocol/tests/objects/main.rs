//! Tests of the signed objects: canonical encoding round trips and
//! tamper-evidence (property tests), golden vectors, ballot commit/reveal
//! and ballot validation.

mod ballots;
mod fixtures;
mod properties;
mod strategies;
mod vectors;
mod withheld;
