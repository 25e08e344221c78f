//! The sled-backed store.

use super::{Keyspace, KvStore, Pair, StoreError, WriteBatch, WriteOp};
use std::path::Path;

/// The sled tree that holds every keyspace (see the `store` module docs).
const TREE: &str = "pbnode";

/// sled's page cache bound. Its default, 1 GiB, kept every page written
/// (each ballot's leaf, subtree hashes and records) in memory: RSS grew by
/// kilobytes per ballot. The hot path reads recent log nodes and small
/// per-credential records, which stay cached within this bound.
const CACHE_BYTES: u64 = 64 * 1024 * 1024;

/// A [`KvStore`] on sled.
#[derive(Debug, Clone)]
pub struct SledStore {
    db: sled::Db,
    tree: sled::Tree,
}

fn full_key(space: Keyspace, key: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(key.len() + 1);
    k.push(space.prefix());
    k.extend_from_slice(key);
    k
}

impl SledStore {
    /// Opens (or creates) the store in directory `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let db = sled::Config::new()
            .path(path)
            .cache_capacity(CACHE_BYTES)
            .open()?;
        let tree = db.open_tree(TREE)?;
        Ok(SledStore { db, tree })
    }

    /// Bytes the database occupies on disk, as sled reports it.
    pub fn size_on_disk(&self) -> Result<u64, StoreError> {
        Ok(self.db.size_on_disk()?)
    }
}

impl KvStore for SledStore {
    fn get(&self, space: Keyspace, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.tree.get(full_key(space, key))?.map(|v| v.to_vec()))
    }

    fn apply(&self, batch: WriteBatch) -> Result<(), StoreError> {
        let mut sled_batch = sled::Batch::default();
        for op in batch.into_ops() {
            match op {
                WriteOp::Put { space, key, value } => {
                    sled_batch.insert(full_key(space, &key), value)
                }
                WriteOp::Delete { space, key } => sled_batch.remove(full_key(space, &key)),
            }
        }
        Ok(self.tree.apply_batch(sled_batch)?)
    }

    fn flush(&self) -> Result<(), StoreError> {
        self.tree.flush()?;
        Ok(())
    }

    fn range(
        &self,
        space: Keyspace,
        start: &[u8],
        end: &[u8],
        limit: usize,
    ) -> Result<Vec<Pair>, StoreError> {
        let lower = full_key(space, start);
        let upper = if end.is_empty() {
            vec![space.prefix() + 1]
        } else {
            full_key(space, end)
        };
        let mut out = Vec::new();
        for item in self.tree.range(lower..upper).take(limit) {
            let (k, v) = item?;
            out.push((k[1..].to_vec(), v.to_vec()));
        }
        Ok(out)
    }

    fn last_with_prefix(&self, space: Keyspace, prefix: &[u8]) -> Result<Option<Pair>, StoreError> {
        let lower = full_key(space, prefix);
        let end = super::prefix_end(prefix);
        let upper = if end.is_empty() {
            vec![space.prefix() + 1]
        } else {
            full_key(space, &end)
        };
        match self.tree.range(lower..upper).next_back() {
            Some(item) => {
                let (k, v) = item?;
                Ok(Some((k[1..].to_vec(), v.to_vec())))
            }
            None => Ok(None),
        }
    }
}
