//! The pbnode daemon and command line as a library, so tests drive it directly.

pub mod tally_cmd;
