//! The in-memory twin of the sled store, for tests and throwaway nodes.

use super::{Keyspace, KvStore, Pair, StoreError, WriteBatch, WriteOp};
use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::RwLock;

/// Every keyspace's pairs, ordered by (keyspace, key) like sled's single tree.
type Map = BTreeMap<(Keyspace, Vec<u8>), Vec<u8>>;

/// A [`KvStore`] in memory. `flush` is a no-op: nothing here survives the process.
#[derive(Debug, Default)]
pub struct MemoryStore {
    map: RwLock<Map>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Map> {
        // A poisoned lock means a writer panicked mid-batch; batches are applied
        // in full before anything can panic, so the map itself is consistent.
        self.map.read().unwrap_or_else(|p| p.into_inner())
    }
}

impl KvStore for MemoryStore {
    fn get(&self, space: Keyspace, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.read().get(&(space, key.to_vec())).cloned())
    }

    fn apply(&self, batch: WriteBatch) -> Result<(), StoreError> {
        let mut map = self.map.write().unwrap_or_else(|p| p.into_inner());
        for op in batch.into_ops() {
            match op {
                WriteOp::Put { space, key, value } => {
                    map.insert((space, key), value);
                }
                WriteOp::Delete { space, key } => {
                    map.remove(&(space, key));
                }
            }
        }
        Ok(())
    }

    fn flush(&self) -> Result<(), StoreError> {
        Ok(())
    }

    fn range(
        &self,
        space: Keyspace,
        start: &[u8],
        end: &[u8],
        limit: usize,
    ) -> Result<Vec<Pair>, StoreError> {
        let lower = Bound::Included((space, start.to_vec()));
        let upper = if end.is_empty() {
            Bound::Unbounded
        } else {
            Bound::Excluded((space, end.to_vec()))
        };
        Ok(self
            .read()
            .range((lower, upper))
            .take_while(|((s, _), _)| *s == space)
            .take(limit)
            .map(|((_, k), v)| (k.clone(), v.clone()))
            .collect())
    }

    fn last_with_prefix(&self, space: Keyspace, prefix: &[u8]) -> Result<Option<Pair>, StoreError> {
        let lower = Bound::Included((space, prefix.to_vec()));
        let end = super::prefix_end(prefix);
        let upper = if end.is_empty() {
            Bound::Unbounded
        } else {
            Bound::Excluded((space, end))
        };
        Ok(self
            .read()
            .range((lower, upper))
            .rev()
            .find(|((s, _), _)| *s == space)
            .map(|((_, k), v)| (k.clone(), v.clone())))
    }
}
