//! Each process's append-only Merkle log, stored as leaves plus the hashes of
//! every completed perfect subtree above the leaves (the layout of
//! [`pbnode_protocol::merkle::store`], less level 0, which is one hash of a
//! leaf), so that any root, inclusion proof or consistency proof costs
//! O(log n) reads and never a rehash of the log.

mod persistent;

pub use persistent::{LogError, LogId, PersistentLog, STORED_FROM_LEVEL};
