//! The one integration test binary: every end-to-end test is a module here.

mod tally_cli;
mod tally_reference;
