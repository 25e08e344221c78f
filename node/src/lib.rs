//! The pbnode daemon and command line as a library, so tests drive it directly.

pub mod log;
pub mod store;
pub mod tally_cmd;
