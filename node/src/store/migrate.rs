//! The store format version and the migration hook.
//!
//! The version lives in the `meta` keyspace. Opening a store runs every
//! migration from the version found up to [`CURRENT_FORMAT`] in order, each as
//! one atomic batch followed by a flush, so a crash mid-migration leaves the
//! store at a well-defined version and the next start resumes from there.

use super::{Keyspace, KvStore, StoreError, WriteBatch};
use crate::log::STORED_FROM_LEVEL;
use crate::service::records::LatestBallot;

/// The format this build writes.
///
/// - 1: the first format.
/// - 2: no level-0 subtree hashes in [`Keyspace::LogNodes`] (a leaf's hash
///   is recomputed from the leaf); the migration from 1 drops them.
/// - 3: subtree hashes only from [`STORED_FROM_LEVEL`] up (levels 1 to 3
///   are recomputed from the leaves), and each credential's latest ballot
///   in [`Keyspace::Openings`] in the 40-byte binary form of
///   [`LatestBallot::to_bytes`] instead of JSON; the migration from 2 drops
///   those hashes and rewrites those records. Both halve the store's work
///   per ballot (fewer inserts, fewer bytes); log leaves and hashes, and so
///   every checkpoint, proof and receipt, are unchanged.
pub const CURRENT_FORMAT: u32 = 3;

/// The key in [`Keyspace::Meta`] that holds the format version (u32 BE).
pub const FORMAT_KEY: &[u8] = b"format_version";

/// One migration step: turns a store at version `from` into one at `from + 1`.
/// Returns the writes to apply (the version bump is added by [`open_format`]).
type Migration = fn(&dyn KvStore) -> Result<WriteBatch, StoreError>;

/// Migrations indexed by their source version (`MIGRATIONS[0]` upgrades 1 to 2).
const MIGRATIONS: &[Migration] = &[drop_leaf_hashes, format_3];

/// Keys of [`Keyspace::LogNodes`]: log id (32 bytes) ‖ level (1 byte) ‖
/// index (u64 BE); the level byte's offset.
const NODE_LEVEL_AT: usize = 32;

/// Stored subtree hashes read per step of [`drop_leaf_hashes`].
const PAGE: usize = 4096;

/// Format 1 to 2: deletes the level-0 subtree hashes of every log.
/// Format 2 readers never read them, so this only frees their space; it is
/// still one atomic step, like every migration.
fn drop_leaf_hashes(store: &dyn KvStore) -> Result<WriteBatch, StoreError> {
    let mut batch = WriteBatch::default();
    drop_levels(store, 0..1, &mut batch)?;
    Ok(batch)
}

/// Format 2 to 3: deletes the subtree hashes of levels 1 to
/// [`STORED_FROM_LEVEL`] - 1 of every log (format 3 recomputes them from
/// the leaves) and rewrites every latest-ballot record from JSON to
/// [`LatestBallot::to_bytes`].
fn format_3(store: &dyn KvStore) -> Result<WriteBatch, StoreError> {
    let mut batch = WriteBatch::default();
    // Levels never exceed 64, so one byte holds them.
    drop_levels(store, 1..STORED_FROM_LEVEL as u8, &mut batch)?;
    let mut start = Vec::new();
    loop {
        let page = store.range(Keyspace::Openings, &start, &[], PAGE)?;
        for (key, json) in &page {
            let latest: LatestBallot =
                serde_json::from_slice(json).map_err(|e| StoreError::Corrupt {
                    space: Keyspace::Openings.name(),
                    detail: format!("a latest ballot that is not format-2 JSON: {e}"),
                })?;
            batch.put(Keyspace::Openings, key, &latest.to_bytes());
        }
        match page.last() {
            Some((last, _)) if page.len() == PAGE => start = [last, &[0][..]].concat(),
            _ => break,
        }
    }
    Ok(batch)
}

/// Adds to `batch` the deletion of the subtree hashes of `levels` of every
/// log. Each log's nodes of those levels are one contiguous key range
/// (id ‖ level ‖ index), so the scan reads those and one key per log to
/// find the next log.
fn drop_levels(
    store: &dyn KvStore,
    levels: std::ops::Range<u8>,
    batch: &mut WriteBatch,
) -> Result<(), StoreError> {
    let mut from = Vec::new();
    while let Some((key, _)) = store.range(Keyspace::LogNodes, &from, &[], 1)?.pop() {
        let Some(log) = key.get(..NODE_LEVEL_AT) else {
            return Err(StoreError::Corrupt {
                space: Keyspace::LogNodes.name(),
                detail: format!("a subtree key of {} bytes", key.len()),
            });
        };
        let mut start = [log, &[levels.start]].concat();
        let end = [log, &[levels.end]].concat();
        loop {
            let page = store.range(Keyspace::LogNodes, &start, &end, PAGE)?;
            for (key, _) in &page {
                batch.delete(Keyspace::LogNodes, key);
            }
            match page.last() {
                Some((last, _)) if page.len() == PAGE => start = [last, &[0][..]].concat(),
                _ => break,
            }
        }
        from = super::prefix_end(log);
        if from.is_empty() {
            break;
        }
    }
    Ok(())
}

/// Reads the format version; `None` for a store never initialised.
pub fn read_format(store: &dyn KvStore) -> Result<Option<u32>, StoreError> {
    match store.get(Keyspace::Meta, FORMAT_KEY)? {
        None => Ok(None),
        Some(bytes) => {
            let arr: [u8; 4] = bytes
                .as_slice()
                .try_into()
                .map_err(|_| StoreError::Corrupt {
                    space: Keyspace::Meta.name(),
                    detail: format!("format version has {} bytes, expected 4", bytes.len()),
                })?;
            Ok(Some(u32::from_be_bytes(arr)))
        }
    }
}

/// Initialises a new store or migrates an old one to [`CURRENT_FORMAT`];
/// refuses a store written by a newer pbnode. Returns the version found
/// (`None` for a new store).
pub fn open_format(store: &dyn KvStore) -> Result<Option<u32>, StoreError> {
    open_format_with(store, MIGRATIONS, CURRENT_FORMAT)
}

fn open_format_with(
    store: &dyn KvStore,
    migrations: &[Migration],
    current: u32,
) -> Result<Option<u32>, StoreError> {
    let found = read_format(store)?;
    let mut version = match found {
        None => {
            store.put(Keyspace::Meta, FORMAT_KEY, &current.to_be_bytes())?;
            store.flush()?;
            return Ok(None);
        }
        Some(v) if v > current => {
            return Err(StoreError::FormatTooNew {
                found: v,
                supported: current,
            });
        }
        Some(v) => v,
    };
    while version < current {
        let step = migrations
            .get(version as usize - 1)
            .ok_or_else(|| StoreError::Corrupt {
                space: Keyspace::Meta.name(),
                detail: format!("no migration from format {version}"),
            })?;
        let mut batch = step(store)?;
        version += 1;
        batch.put(Keyspace::Meta, FORMAT_KEY, &version.to_be_bytes());
        store.apply(batch)?;
        store.flush()?;
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::PersistentLog;
    use crate::store::{MemoryStore, SledStore};
    use pbnode_protocol::merkle::{
        Blake3Hasher, MemoryLog, MerkleHasher, completed_subtrees, verify_inclusion,
    };
    use std::sync::Arc;

    fn add_marker(_: &dyn KvStore) -> Result<WriteBatch, StoreError> {
        let mut b = WriteBatch::default();
        b.put(Keyspace::Meta, b"migrated", b"yes");
        Ok(b)
    }

    #[test]
    fn new_store_gets_current_format() {
        let s = MemoryStore::new();
        assert_eq!(open_format(&s).unwrap(), None);
        assert_eq!(read_format(&s).unwrap(), Some(CURRENT_FORMAT));
        assert_eq!(open_format(&s).unwrap(), Some(CURRENT_FORMAT));
    }

    #[test]
    fn old_store_is_migrated_step_by_step() {
        let s = MemoryStore::new();
        s.put(Keyspace::Meta, FORMAT_KEY, &1u32.to_be_bytes())
            .unwrap();
        open_format_with(&s, &[add_marker], 2).unwrap();
        assert_eq!(read_format(&s).unwrap(), Some(2));
        assert_eq!(
            s.get(Keyspace::Meta, b"migrated").unwrap(),
            Some(b"yes".to_vec())
        );
    }

    #[test]
    fn newer_store_is_refused_and_left_alone() {
        let s = MemoryStore::new();
        s.put(Keyspace::Meta, FORMAT_KEY, &9u32.to_be_bytes())
            .unwrap();
        let err = open_format(&s).unwrap_err();
        assert!(
            matches!(err, StoreError::FormatTooNew { found: 9, .. }),
            "{err}"
        );
        assert_eq!(read_format(&s).unwrap(), Some(9));
    }

    #[test]
    fn damaged_version_is_reported() {
        let s = MemoryStore::new();
        s.put(Keyspace::Meta, FORMAT_KEY, b"xx").unwrap();
        assert!(matches!(open_format(&s), Err(StoreError::Corrupt { .. })));
    }

    fn node_key(log: &[u8; 32], level: u8, index: u64) -> Vec<u8> {
        [&log[..], &[level], &index.to_be_bytes()].concat()
    }

    fn leaves(n: u64) -> Vec<Vec<u8>> {
        (0..n).map(|i| format!("entry {i}").into_bytes()).collect()
    }

    /// The hash of subtree (`level`, `index`) over `leaves`.
    fn subtree(leaves: &[Vec<u8>], level: u32, index: u64) -> [u8; 32] {
        let first = (index << level) as usize;
        let mut nodes: Vec<[u8; 32]> = leaves[first..first + (1 << level)]
            .iter()
            .map(|l| Blake3Hasher.hash_leaf(l))
            .collect();
        while nodes.len() > 1 {
            nodes = nodes
                .chunks_exact(2)
                .map(|p| Blake3Hasher.hash_children(&p[0], &p[1]))
                .collect();
        }
        nodes[0]
    }

    /// Makes `store` a store of `format` (1 or 2) holding `logs` (id, leaf
    /// count): written by this build, plus the subtree hashes that format
    /// also stored (format 1: from level 0, format 2: from level 1).
    fn old_store(store: &Arc<dyn KvStore>, format: u32, logs: &[([u8; 32], u64)]) {
        store
            .put(Keyspace::Meta, FORMAT_KEY, &format.to_be_bytes())
            .unwrap();
        for (id, n) in logs {
            let all = leaves(*n);
            let mut log = PersistentLog::open(store.clone(), *id).unwrap();
            log.append_durable(&all).unwrap();
            for level in format - 1..STORED_FROM_LEVEL {
                for index in 0..n >> level {
                    let hash = subtree(&all, level, index);
                    store
                        .put(Keyspace::LogNodes, &node_key(id, level as u8, index), &hash)
                        .unwrap();
                }
            }
        }
        store.flush().unwrap();
    }

    fn stored_levels(store: &dyn KvStore) -> Vec<u8> {
        let mut levels: Vec<u8> = store
            .range(Keyspace::LogNodes, &[], &[], usize::MAX)
            .unwrap()
            .iter()
            .map(|(k, _)| k[NODE_LEVEL_AT])
            .collect();
        levels.sort();
        levels.dedup();
        levels
    }

    /// Migrates a store of `format` holding logs and checks they read as
    /// before, with only the subtree hashes format 3 stores.
    fn old_logs_stay_readable_after_migration(store: Arc<dyn KvStore>, format: u32) {
        // More low nodes than one page of the migration's scan, and logs
        // whose ids sort around it.
        let logs = [([0u8; 32], 5), ([7; 32], PAGE as u64 + 3), ([0xff; 32], 2)];
        old_store(&store, format, &logs);
        assert_eq!(u32::from(stored_levels(&*store)[0]), format - 1);
        assert_eq!(open_format(&*store).unwrap(), Some(format));
        assert_eq!(read_format(&*store).unwrap(), Some(CURRENT_FORMAT));
        assert!(
            stored_levels(&*store)
                .iter()
                .all(|l| u32::from(*l) >= STORED_FROM_LEVEL),
            "low subtree hashes are dropped"
        );
        for (id, n) in logs {
            let mut reference = MemoryLog::new(Blake3Hasher);
            for leaf in leaves(n) {
                reference.append(&leaf);
            }
            let mut log = PersistentLog::open(store.clone(), id).unwrap();
            assert_eq!(log.size(), n);
            let root = log.root(n).unwrap();
            assert_eq!(root, reference.root(n).unwrap());
            for index in [0, n / 2, n - 1] {
                let proof = log.inclusion_proof(index, n).unwrap();
                let leaf = Blake3Hasher.hash_leaf(&log.entry(index).unwrap());
                verify_inclusion(&Blake3Hasher, &leaf, index, n, &proof, &root).unwrap();
            }
            // Appends go on from the migrated state.
            log.append_durable(&[b"after".to_vec()]).unwrap();
            reference.append(b"after");
            assert_eq!(log.root(n + 1).unwrap(), reference.root(n + 1).unwrap());
        }
        // The stored nodes are the completed subtrees from STORED_FROM_LEVEL.
        let expected: usize = logs
            .iter()
            .map(|(_, n)| {
                (1..=n + 1)
                    .map(|size| {
                        completed_subtrees(size)
                            .filter(|(l, _)| *l >= STORED_FROM_LEVEL)
                            .count()
                    })
                    .sum::<usize>()
            })
            .sum();
        let stored = store
            .range(Keyspace::LogNodes, &[], &[], usize::MAX)
            .unwrap()
            .len();
        assert_eq!(stored, expected);
    }

    #[test]
    fn format_1_memory_store_migrates_to_the_current_format() {
        old_logs_stay_readable_after_migration(Arc::new(MemoryStore::new()), 1);
    }

    #[test]
    fn format_1_sled_store_migrates_to_the_current_format() {
        let dir = tempfile::tempdir().unwrap();
        old_logs_stay_readable_after_migration(Arc::new(SledStore::open(dir.path()).unwrap()), 1);
    }

    #[test]
    fn format_2_sled_store_migrates_to_the_current_format() {
        let dir = tempfile::tempdir().unwrap();
        old_logs_stay_readable_after_migration(Arc::new(SledStore::open(dir.path()).unwrap()), 2);
    }

    /// Format 2's latest-ballot records (JSON), more than one page of them.
    fn format_2_latest_ballots(store: &dyn KvStore) -> Vec<(Vec<u8>, LatestBallot)> {
        (0..PAGE as u64 + 3)
            .map(|i| {
                let key = [
                    [9u8; 32].as_slice(),
                    &blake3::hash(&i.to_be_bytes()).as_bytes()[..],
                ]
                .concat();
                let latest = LatestBallot {
                    commitment: pbnode_protocol::ids::Id::from_bytes(
                        *blake3::hash(&key).as_bytes(),
                    ),
                    leaf: i * 3 + 1,
                };
                store
                    .put(
                        Keyspace::Openings,
                        &key,
                        &serde_json::to_vec(&latest).unwrap(),
                    )
                    .unwrap();
                (key, latest)
            })
            .collect()
    }

    fn format_2_latest_ballots_become_binary(store: &dyn KvStore) {
        store
            .put(Keyspace::Meta, FORMAT_KEY, &2u32.to_be_bytes())
            .unwrap();
        let written = format_2_latest_ballots(store);
        assert_eq!(open_format(store).unwrap(), Some(2));
        assert_eq!(read_format(store).unwrap(), Some(CURRENT_FORMAT));
        let stored = store
            .range(Keyspace::Openings, &[], &[], usize::MAX)
            .unwrap();
        assert_eq!(stored.len(), written.len());
        for (key, latest) in written {
            let bytes = store.get(Keyspace::Openings, &key).unwrap().unwrap();
            assert_eq!(bytes, latest.to_bytes());
            assert_eq!(LatestBallot::from_bytes(&bytes).unwrap(), latest);
        }
    }

    #[test]
    fn format_2_latest_ballots_become_binary_in_memory_and_sled() {
        format_2_latest_ballots_become_binary(&MemoryStore::new());
        let dir = tempfile::tempdir().unwrap();
        format_2_latest_ballots_become_binary(&SledStore::open(dir.path()).unwrap());
    }

    #[test]
    fn a_damaged_format_2_latest_ballot_stops_the_migration() {
        let s = MemoryStore::new();
        s.put(Keyspace::Meta, FORMAT_KEY, &2u32.to_be_bytes())
            .unwrap();
        s.put(Keyspace::Openings, &[1; 64], b"{\"commitment\":1}")
            .unwrap();
        assert!(matches!(open_format(&s), Err(StoreError::Corrupt { .. })));
        assert_eq!(read_format(&s).unwrap(), Some(2), "left at format 2");
    }
}
