//! Receipts and the independent recount, exercised on complete logs that a
//! test node builds, then on the ways a node can lie.

mod node;
mod receipt;
mod recount;
mod vectors;
