//! Durable storage behind a small interface.
//!
//! sled is the engine ([`SledStore`]); [`MemoryStore`] is its in-memory twin,
//! and one test suite ([`conformance`]) runs against both, so the node's logic
//! never depends on which one it has.
//!
//! Every keyspace the node uses is named in [`keyspaces`]. Keyspaces live in
//! one sled tree, distinguished by a one-byte prefix, because a `sled::Batch`
//! is atomic only within one tree: the ballot path writes a log leaf, the
//! subtree hashes it completes and the ballot index together, and they must
//! land together or not at all, with one flush (group commit).

mod batch;
pub mod conformance;
mod error;
pub mod keyspaces;
mod memory;
pub mod migrate;
mod sled_store;

pub use batch::{WriteBatch, WriteOp};
pub use error::StoreError;
pub use keyspaces::Keyspace;
pub use memory::MemoryStore;
pub use sled_store::SledStore;

/// A key/value pair read from a store.
pub type Pair = (Vec<u8>, Vec<u8>);

/// The storage interface the node is written against.
///
/// All operations are synchronous: callers on the async runtime go through
/// `spawn_blocking` or the writer task, never call these from a handler.
pub trait KvStore: Send + Sync + 'static {
    /// Reads one value.
    fn get(&self, space: Keyspace, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError>;

    /// Applies every write of `batch` atomically: after a crash either all of
    /// them are visible or none is. Not durable until [`KvStore::flush`].
    fn apply(&self, batch: WriteBatch) -> Result<(), StoreError>;

    /// Makes every applied write durable. Returns only once it is on disk.
    fn flush(&self) -> Result<(), StoreError>;

    /// Up to `limit` pairs with `start <= key < end` (an empty `end` means no
    /// upper bound), in ascending key order.
    fn range(
        &self,
        space: Keyspace,
        start: &[u8],
        end: &[u8],
        limit: usize,
    ) -> Result<Vec<Pair>, StoreError>;

    /// The last pair of the keyspace whose key starts with `prefix`, if any.
    fn last_with_prefix(&self, space: Keyspace, prefix: &[u8]) -> Result<Option<Pair>, StoreError>;

    /// Writes one value and nothing else (a one-entry batch).
    fn put(&self, space: Keyspace, key: &[u8], value: &[u8]) -> Result<(), StoreError> {
        let mut batch = WriteBatch::default();
        batch.put(space, key, value);
        self.apply(batch)
    }

    /// All pairs whose key starts with `prefix`, up to `limit`.
    fn scan_prefix(
        &self,
        space: Keyspace,
        prefix: &[u8],
        limit: usize,
    ) -> Result<Vec<Pair>, StoreError> {
        let end = prefix_end(prefix);
        self.range(space, prefix, &end, limit)
    }
}

/// The smallest key greater than every key starting with `prefix`
/// (empty when there is none, meaning "no upper bound").
pub fn prefix_end(prefix: &[u8]) -> Vec<u8> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < 0xff {
            end.push(last + 1);
            return end;
        }
    }
    Vec::new()
}
