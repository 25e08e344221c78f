//! The pbnode daemon and command line as a library, so tests drive it directly.

pub mod api;
pub mod cli;
pub mod client;
pub mod config;
pub mod federated;
pub mod federation;
pub mod ingest;
pub mod log;
pub mod net;
pub mod secrets;
pub mod server;
pub mod service;
pub mod store;
pub mod tally_cmd;
