//! The pbnode daemon and command line as a library, so tests drive it directly.

pub mod ingest;
pub mod log;
pub mod service;
pub mod store;
pub mod tally_cmd;
