//! The one integration test binary: every end-to-end test is a module here.

mod crash;
mod double_voting;
mod federation;
mod node_binary;
mod node_http;
mod node_lifecycle;
mod tally_cli;
mod tally_reference;
mod verify_cli;
mod web_ui;
