//! pbnode's pure protocol core.
//!
//! Everything a third party needs to check a pbnode process lives here, with
//! no I/O, no async runtime and no storage engine: the signed objects and
//! their canonical encoding, the RFC 9162 Merkle log, C2SP checkpoints and
//! cosignatures, receipts, ballot validation, tally rules and the Pabulib
//! exchange format. See `protocol/README.md` for the byte-level specification.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod ballot;
pub mod crypto;
pub mod election;
pub mod encoding;
pub mod federation;
pub mod ids;
pub mod merkle;
pub mod note;
pub mod objects;
pub mod pabulib;
pub mod receipt;
pub mod recount;
pub mod tally;
