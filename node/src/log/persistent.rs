//! The persistent log over a [`KvStore`].

use crate::store::{Keyspace, KvStore, StoreError, WriteBatch};
use pbnode_protocol::merkle::{
    Blake3Hasher, Digest, HashStore, MerkleError, MerkleHasher, completed_subtrees,
    consistency_proof, inclusion_proof, root_at,
};
use std::ops::Range;
use std::sync::Arc;

/// Identifies one log in the store: the 32-byte id of its process.
pub type LogId = [u8; 32];

/// Why a log operation failed.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    /// The storage engine failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A size, index or proof request is impossible for this log.
    #[error(transparent)]
    Merkle(#[from] MerkleError),
    /// A stored hash is missing or malformed: the store is damaged.
    #[error("log {log} is damaged: {detail}")]
    Damaged {
        /// The log's id, in hex.
        log: String,
        /// What is missing or malformed.
        detail: String,
    },
}

/// The lowest level whose subtree hashes are stored. A hash below it
/// covers at most `2^(STORED_FROM_LEVEL - 1)` leaves and is recomputed on
/// read from those leaves (one range read, or none for leaves
/// [`PersistentLog`] still holds). Why: each stored level costs the store
/// one insert per `2^level` leaves, and levels 1 to 3 together were close
/// to one insert per leaf, a quarter of a ballot's inserts (each insert
/// costs sled a tree descent, a node copy and, every few, a node split);
/// reads of them are rare (a proof needs at most one per level, and a
/// receipt's proof for a batch just written finds its leaves in memory).
pub const STORED_FROM_LEVEL: u32 = 4;

/// The hashes of consecutive leaves, from leaf `first` on.
#[derive(Debug, Clone, Default)]
struct LeafHashes {
    first: u64,
    hashes: Vec<Digest>,
}

impl LeafHashes {
    fn get(&self, index: u64) -> Option<Digest> {
        let offset = usize::try_from(index.checked_sub(self.first)?).ok()?;
        self.hashes.get(offset).copied()
    }
}

/// Leaves staged but not yet applied.
struct Stage {
    /// The size once applied.
    next: u64,
    /// The frontier once applied.
    frontier: Vec<Option<Digest>>,
    /// The staged leaves' hashes.
    leaves: LeafHashes,
}

/// One process's log. Appends are staged into a [`WriteBatch`] by the caller
/// (so a ballot, its log leaf and its subtree hashes commit atomically) and
/// confirmed with [`PersistentLog::commit_staged`] once the batch is applied.
/// Subtree hashes are stored from [`STORED_FROM_LEVEL`] up.
pub struct PersistentLog {
    store: Arc<dyn KvStore>,
    id: LogId,
    /// Number of leaves durably applied.
    size: u64,
    /// `frontier[l]`: the rightmost completed subtree hash at level `l`, the
    /// only node a new append can need as a left sibling.
    frontier: Vec<Option<Digest>>,
    /// Leaves and frontier staged but not yet applied.
    staged: Option<Stage>,
    /// The leaf hashes of the last applied stage, which the receipts of a
    /// batch just written need.
    recent: LeafHashes,
}

fn leaf_key(id: &LogId, index: u64) -> Vec<u8> {
    let mut k = id.to_vec();
    k.extend_from_slice(&index.to_be_bytes());
    k
}

fn node_key(id: &LogId, level: u32, index: u64) -> Vec<u8> {
    let mut k = id.to_vec();
    // Levels never exceed 64, so one byte holds them.
    k.push(level as u8);
    k.extend_from_slice(&index.to_be_bytes());
    k
}

impl PersistentLog {
    /// Opens log `id` in `store`, reading its size and frontier (O(log n) reads).
    pub fn open(store: Arc<dyn KvStore>, id: LogId) -> Result<Self, LogError> {
        let size = match store.last_with_prefix(Keyspace::LogLeaves, &id)? {
            None => 0,
            Some((key, _)) => {
                let idx: [u8; 8] = key[32..].try_into().map_err(|_| LogError::Damaged {
                    log: hex::encode(id),
                    detail: "leaf key of wrong length".into(),
                })?;
                u64::from_be_bytes(idx) + 1
            }
        };
        let mut log = PersistentLog {
            store,
            id,
            size: 0,
            frontier: Vec::new(),
            staged: None,
            recent: LeafHashes::default(),
        };
        let mut frontier = Vec::new();
        for level in 0..64u32 {
            let count = size >> level;
            if count == 0 {
                break;
            }
            frontier.push(Some(log.read_node(level, count - 1)?));
        }
        log.size = size;
        log.frontier = frontier;
        Ok(log)
    }

    /// The log's id.
    pub fn id(&self) -> &LogId {
        &self.id
    }

    /// Number of durably applied leaves.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Stages `entries` as the next leaves into `batch` and returns their
    /// indices. Call [`PersistentLog::commit_staged`] after the batch is
    /// applied, or [`PersistentLog::discard_staged`] if it was not. Only one
    /// stage may be pending at a time; a second call extends it.
    pub fn stage(&mut self, entries: &[Vec<u8>], batch: &mut WriteBatch) -> Range<u64> {
        let hasher = Blake3Hasher;
        let Stage {
            mut next,
            mut frontier,
            mut leaves,
        } = self.staged.take().unwrap_or_else(|| Stage {
            next: self.size,
            frontier: self.frontier.clone(),
            leaves: LeafHashes {
                first: self.size,
                hashes: Vec::new(),
            },
        });
        let first = next;
        leaves.hashes.reserve(entries.len());
        for data in entries {
            batch.put(Keyspace::LogLeaves, &leaf_key(&self.id, next), data);
            let mut carry = hasher.hash_leaf(data);
            leaves.hashes.push(carry);
            next += 1;
            // The left sibling a parent needs is the previous rightmost node
            // of the level below, i.e. the frontier value this node replaces.
            let mut left_sibling: Option<Digest> = None;
            for (level, index) in completed_subtrees(next) {
                if let Some(left) = left_sibling {
                    carry = hasher.hash_children(&left, &carry);
                }
                if level >= STORED_FROM_LEVEL {
                    batch.put(
                        Keyspace::LogNodes,
                        &node_key(&self.id, level, index),
                        &carry,
                    );
                }
                let level = level as usize;
                if frontier.len() <= level {
                    frontier.resize(level + 1, None);
                }
                left_sibling = frontier[level].replace(carry);
            }
        }
        self.staged = Some(Stage {
            next,
            frontier,
            leaves,
        });
        first..next
    }

    /// Confirms the staged leaves after their batch was applied.
    pub fn commit_staged(&mut self) {
        if let Some(stage) = self.staged.take() {
            self.size = stage.next;
            self.frontier = stage.frontier;
            self.recent = stage.leaves;
        }
    }

    /// Forgets staged leaves whose batch was not applied.
    pub fn discard_staged(&mut self) {
        self.staged = None;
    }

    /// Appends `entries`, applies and flushes: the simple path for single writers.
    pub fn append_durable(&mut self, entries: &[Vec<u8>]) -> Result<Range<u64>, LogError> {
        let mut batch = WriteBatch::default();
        let range = self.stage(entries, &mut batch);
        match self.store.apply(batch).and_then(|()| self.store.flush()) {
            Ok(()) => {
                self.commit_staged();
                Ok(range)
            }
            Err(e) => {
                self.discard_staged();
                Err(e.into())
            }
        }
    }

    /// The entry at `index`.
    pub fn entry(&self, index: u64) -> Result<Vec<u8>, LogError> {
        if index >= self.size {
            return Err(MerkleError::IndexOutOfRange {
                index,
                size: self.size,
            }
            .into());
        }
        self.store
            .get(Keyspace::LogLeaves, &leaf_key(&self.id, index))?
            .ok_or_else(|| self.damaged(format!("leaf {index} missing")))
    }

    /// Up to `limit` entries starting at `start`, in order.
    pub fn entries(&self, start: u64, limit: usize) -> Result<Vec<Vec<u8>>, LogError> {
        let end = leaf_key(&self.id, self.size);
        let pairs =
            self.store
                .range(Keyspace::LogLeaves, &leaf_key(&self.id, start), &end, limit)?;
        Ok(pairs.into_iter().map(|(_, v)| v).collect())
    }

    /// The root of the first `size` leaves. The current root comes from
    /// the frontier, without a store read (a checkpoint per batch needs it).
    pub fn root(&self, size: u64) -> Result<Digest, LogError> {
        match self.frontier_root(size) {
            Some(root) => Ok(root),
            None => root_at(&Blake3Hasher, self, size),
        }
    }

    /// The root of the whole applied log (`size` must be its size) from the
    /// frontier: the perfect subtrees of the tree's decomposition are the
    /// rightmost of the levels whose bit is set in `size`, folded from the
    /// lowest (RFC 9162's split at the largest power of two, unrolled).
    fn frontier_root(&self, size: u64) -> Option<Digest> {
        if size != self.size || size == 0 {
            return None;
        }
        let mut root: Option<Digest> = None;
        for (level, node) in self.frontier.iter().enumerate() {
            if size >> level & 1 == 1 {
                let node = (*node)?;
                root = Some(match root {
                    None => node,
                    Some(right) => Blake3Hasher.hash_children(&node, &right),
                });
            }
        }
        root
    }

    /// The inclusion proof of leaf `index` in the tree of `size` leaves.
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Digest>, LogError> {
        inclusion_proof(&Blake3Hasher, self, index, size)
    }

    /// The consistency proof from `old_size` to `new_size`.
    pub fn consistency_proof(&self, old_size: u64, new_size: u64) -> Result<Vec<Digest>, LogError> {
        consistency_proof(&Blake3Hasher, self, old_size, new_size)
    }

    fn read_node(&self, level: u32, index: u64) -> Result<Digest, LogError> {
        if level < STORED_FROM_LEVEL {
            return self.computed_node(level, index);
        }
        let bytes = self
            .store
            .get(Keyspace::LogNodes, &node_key(&self.id, level, index))?
            .ok_or_else(|| self.damaged(format!("subtree ({level}, {index}) missing")))?;
        bytes
            .as_slice()
            .try_into()
            .map_err(|_| self.damaged(format!("subtree ({level}, {index}) is not 32 bytes")))
    }

    /// A subtree hash below [`STORED_FROM_LEVEL`], folded from its leaves'
    /// hashes: those held in memory (staged or just applied), the others
    /// recomputed from the stored leaves, read in one range.
    fn computed_node(&self, level: u32, index: u64) -> Result<Digest, LogError> {
        let first = index << level;
        let count = 1u64 << level;
        let mut hashes: Vec<Option<Digest>> = (first..first + count)
            .map(|i| self.held_leaf_hash(i))
            .collect();
        let missing = hashes.iter().position(Option::is_none);
        let last_missing = hashes.iter().rposition(Option::is_none);
        if let (Some(from), Some(to)) = (missing, last_missing) {
            let (start, end) = (first + from as u64, first + to as u64 + 1);
            let leaves = self.store.range(
                Keyspace::LogLeaves,
                &leaf_key(&self.id, start),
                &leaf_key(&self.id, end),
                (end - start) as usize,
            )?;
            if leaves.len() as u64 != end - start {
                return Err(self.damaged(format!("leaves {start}..{end} missing")));
            }
            for (slot, (_, leaf)) in hashes[from..=to].iter_mut().zip(&leaves) {
                if slot.is_none() {
                    *slot = Some(Blake3Hasher.hash_leaf(leaf));
                }
            }
        }
        let mut nodes: Vec<Digest> = hashes.into_iter().flatten().collect();
        while nodes.len() > 1 {
            nodes = nodes
                .chunks_exact(2)
                .map(|pair| Blake3Hasher.hash_children(&pair[0], &pair[1]))
                .collect();
        }
        nodes
            .pop()
            .ok_or_else(|| self.damaged(format!("subtree ({level}, {index}) has no leaves")))
    }

    /// The hash of leaf `index` if held: staged, or applied by the last
    /// stage. A staged leaf is found too, so a caller can read the tree it
    /// is about to apply.
    fn held_leaf_hash(&self, index: u64) -> Option<Digest> {
        self.staged
            .as_ref()
            .and_then(|stage| stage.leaves.get(index))
            .or_else(|| self.recent.get(index))
    }

    fn damaged(&self, detail: String) -> LogError {
        LogError::Damaged {
            log: hex::encode(self.id),
            detail,
        }
    }
}

impl HashStore for PersistentLog {
    type Error = LogError;

    fn leaf_count(&self) -> u64 {
        self.size
    }

    fn subtree_hash(&self, level: u32, index: u64) -> Result<Digest, LogError> {
        self.read_node(level, index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{MemoryStore, SledStore};
    use pbnode_protocol::merkle::{MemoryLog, verify_consistency, verify_inclusion};

    fn entries(range: Range<u32>) -> Vec<Vec<u8>> {
        range.map(|i| format!("entry {i}").into_bytes()).collect()
    }

    fn matches_reference(store: Arc<dyn KvStore>) {
        let id = [7u8; 32];
        let mut log = PersistentLog::open(store.clone(), id).unwrap();
        let mut reference = MemoryLog::new(Blake3Hasher);
        // Uneven batch sizes exercise staging across subtree boundaries.
        let mut next = 0u32;
        for batch_len in [1u32, 2, 3, 5, 8, 13, 1, 1, 30] {
            let batch = entries(next..next + batch_len);
            let range = log.append_durable(&batch).unwrap();
            assert_eq!(range, u64::from(next)..u64::from(next + batch_len));
            for e in &batch {
                reference.append(e);
            }
            next += batch_len;
        }
        let n = u64::from(next);
        for size in 1..=n {
            assert_eq!(
                log.root(size).unwrap(),
                reference.root(size).unwrap(),
                "root {size}"
            );
        }
        let root = log.root(n).unwrap();
        for index in [0, 1, n / 2, n - 1] {
            let proof = log.inclusion_proof(index, n).unwrap();
            let leaf = Blake3Hasher.hash_leaf(&log.entry(index).unwrap());
            verify_inclusion(&Blake3Hasher, &leaf, index, n, &proof, &root).unwrap();
        }
        let old = log.root(10).unwrap();
        let proof = log.consistency_proof(10, n).unwrap();
        verify_consistency(&Blake3Hasher, 10, n, &old, &root, &proof).unwrap();
        // Reopening restores size and frontier: further appends stay correct.
        drop(log);
        let mut log = PersistentLog::open(store, id).unwrap();
        assert_eq!(log.size(), n);
        log.append_durable(&entries(next..next + 7)).unwrap();
        for e in entries(next..next + 7) {
            reference.append(&e);
        }
        assert_eq!(log.root(n + 7).unwrap(), reference.root(n + 7).unwrap());
        assert_eq!(log.entries(2, 3).unwrap(), entries(2..5));
    }

    #[test]
    fn memory_backed_log_matches_the_reference_tree() {
        matches_reference(Arc::new(MemoryStore::new()));
    }

    #[test]
    fn sled_backed_log_matches_the_reference_tree() {
        let dir = tempfile::tempdir().unwrap();
        matches_reference(Arc::new(SledStore::open(dir.path()).unwrap()));
    }

    #[test]
    fn discarded_stage_leaves_the_log_unchanged() {
        let store: Arc<dyn KvStore> = Arc::new(MemoryStore::new());
        let mut log = PersistentLog::open(store.clone(), [1; 32]).unwrap();
        log.append_durable(&entries(0..3)).unwrap();
        let mut batch = WriteBatch::default();
        log.stage(&entries(3..9), &mut batch);
        log.discard_staged();
        assert_eq!(log.size(), 3);
        let again = log.append_durable(&entries(3..4)).unwrap();
        assert_eq!(again, 3..4);
        let mut reference = MemoryLog::new(Blake3Hasher);
        for e in entries(0..4) {
            reference.append(&e);
        }
        assert_eq!(log.root(4).unwrap(), reference.root(4).unwrap());
    }

    #[test]
    fn low_subtrees_are_not_stored_but_computed_from_held_and_stored_leaves() {
        let store: Arc<dyn KvStore> = Arc::new(MemoryStore::new());
        let mut log = PersistentLog::open(store.clone(), [3; 32]).unwrap();
        log.append_durable(&entries(0..36)).unwrap();
        log.append_durable(&entries(36..40)).unwrap();
        let levels: Vec<u8> = store
            .range(Keyspace::LogNodes, &[], &[], usize::MAX)
            .unwrap()
            .iter()
            .map(|(k, _)| k[32])
            .collect();
        assert_eq!(levels, [4, 4, 5], "(4,0) (4,1) (5,0)");
        let hash = |i: u32| Blake3Hasher.hash_leaf(format!("entry {i}").as_bytes());
        let reference = |range: Range<u32>| {
            let mut tree = MemoryLog::new(Blake3Hasher);
            for e in entries(range.clone()) {
                tree.append(&e);
            }
            tree.root(u64::from(range.end - range.start)).unwrap()
        };
        // Leaves 32..36 are read from the store, 36..40 are still held.
        assert_eq!(log.subtree_hash(3, 4).unwrap(), reference(32..40));
        // A tree read before its batch is applied (federation sync checks a
        // peer's entries that way) sees the staged leaves.
        let mut batch = WriteBatch::default();
        log.stage(&entries(40..44), &mut batch);
        for i in [5u32, 39, 40, 43] {
            assert_eq!(log.subtree_hash(0, u64::from(i)).unwrap(), hash(i));
        }
        assert_eq!(log.subtree_hash(2, 10).unwrap(), reference(40..44));
        log.discard_staged();
        assert!(log.subtree_hash(0, 40).is_err(), "a discarded leaf is gone");
        assert!(log.subtree_hash(2, 10).is_err(), "so is its subtree");
        // Reopened, nothing is held: every low subtree comes from the store.
        let log = PersistentLog::open(store, [3; 32]).unwrap();
        assert_eq!(log.subtree_hash(0, 2).unwrap(), hash(2));
        assert_eq!(log.subtree_hash(3, 4).unwrap(), reference(32..40));
        assert_eq!(log.subtree_hash(1, 19).unwrap(), reference(38..40));
    }

    #[test]
    fn out_of_range_requests_are_errors_not_panics() {
        let store: Arc<dyn KvStore> = Arc::new(MemoryStore::new());
        let mut log = PersistentLog::open(store, [2; 32]).unwrap();
        log.append_durable(&entries(0..5)).unwrap();
        assert!(matches!(log.entry(5), Err(LogError::Merkle(_))));
        assert!(log.root(6).is_err());
        assert!(log.inclusion_proof(5, 5).is_err());
        assert!(log.consistency_proof(4, 9).is_err());
    }
}
