//! One behaviour suite that every [`KvStore`] must pass; run against both
//! the sled store and the in-memory twin so they cannot drift apart.

use super::{Keyspace, KvStore, WriteBatch};

/// Runs every check on `store`, which must be empty. Panics on the first
/// difference from the expected behaviour (it is test support).
pub fn run_all(store: &dyn KvStore) {
    keyspaces_are_isolated(store);
    batches_apply_in_order(store);
    ranges_are_ordered_bounded_and_limited(store);
    last_with_prefix_finds_the_greatest(store);
    prefix_scan_handles_ff_bytes(store);
}

fn keyspaces_are_isolated(store: &dyn KvStore) {
    store.put(Keyspace::Proposals, b"k", b"proposal").unwrap();
    store.put(Keyspace::Census, b"k", b"census").unwrap();
    assert_eq!(
        store.get(Keyspace::Proposals, b"k").unwrap(),
        Some(b"proposal".to_vec())
    );
    assert_eq!(
        store.get(Keyspace::Census, b"k").unwrap(),
        Some(b"census".to_vec())
    );
    assert_eq!(store.get(Keyspace::Codes, b"k").unwrap(), None);
    assert_eq!(store.scan_prefix(Keyspace::Codes, b"", 10).unwrap(), vec![]);
}

fn batches_apply_in_order(store: &dyn KvStore) {
    let mut b = WriteBatch::default();
    b.put(Keyspace::Openings, b"a", b"1");
    b.put(Keyspace::Openings, b"a", b"2");
    b.put(Keyspace::Openings, b"b", b"x");
    b.delete(Keyspace::Openings, b"b");
    b.put(Keyspace::Receipts, b"r", b"y");
    store.apply(b).unwrap();
    store.flush().unwrap();
    assert_eq!(
        store.get(Keyspace::Openings, b"a").unwrap(),
        Some(b"2".to_vec())
    );
    assert_eq!(store.get(Keyspace::Openings, b"b").unwrap(), None);
    assert_eq!(
        store.get(Keyspace::Receipts, b"r").unwrap(),
        Some(b"y".to_vec())
    );
}

fn ranges_are_ordered_bounded_and_limited(store: &dyn KvStore) {
    for i in (0u64..20).rev() {
        store
            .put(Keyspace::LogLeaves, &i.to_be_bytes(), &[i as u8])
            .unwrap();
    }
    let all = store.range(Keyspace::LogLeaves, &[], &[], 100).unwrap();
    assert_eq!(all.len(), 20);
    assert!(all.windows(2).all(|w| w[0].0 < w[1].0), "ascending order");
    let mid = store
        .range(
            Keyspace::LogLeaves,
            &5u64.to_be_bytes(),
            &9u64.to_be_bytes(),
            100,
        )
        .unwrap();
    let values: Vec<u8> = mid.iter().map(|(_, v)| v[0]).collect();
    assert_eq!(values, vec![5, 6, 7, 8], "start inclusive, end exclusive");
    let limited = store.range(Keyspace::LogLeaves, &[], &[], 3).unwrap();
    assert_eq!(limited.len(), 3);
    // The neighbouring keyspace is not visible through an unbounded range.
    assert!(
        store
            .range(Keyspace::LogNodes, &[], &[], 100)
            .unwrap()
            .is_empty()
    );
}

fn last_with_prefix_finds_the_greatest(store: &dyn KvStore) {
    store
        .put(Keyspace::Checkpoints, b"p1\x00\x01", b"a")
        .unwrap();
    store
        .put(Keyspace::Checkpoints, b"p1\x00\x09", b"b")
        .unwrap();
    store
        .put(Keyspace::Checkpoints, b"p2\x00\xff", b"c")
        .unwrap();
    let last = store
        .last_with_prefix(Keyspace::Checkpoints, b"p1")
        .unwrap();
    assert_eq!(last, Some((b"p1\x00\x09".to_vec(), b"b".to_vec())));
    assert_eq!(
        store
            .last_with_prefix(Keyspace::Checkpoints, b"p3")
            .unwrap(),
        None
    );
    let last_any = store.last_with_prefix(Keyspace::Checkpoints, b"").unwrap();
    assert_eq!(last_any.map(|(k, _)| k), Some(b"p2\x00\xff".to_vec()));
}

fn prefix_scan_handles_ff_bytes(store: &dyn KvStore) {
    store.put(Keyspace::Credentials, b"\xff\xff", b"1").unwrap();
    store
        .put(Keyspace::Credentials, b"\xff\xff\x01", b"2")
        .unwrap();
    store.put(Keyspace::Credentials, b"\xfe", b"0").unwrap();
    let got = store
        .scan_prefix(Keyspace::Credentials, b"\xff\xff", 10)
        .unwrap();
    assert_eq!(got.len(), 2);
    assert!(store.get(Keyspace::Meta, b"\xff\xff").unwrap().is_none());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{MemoryStore, SledStore};

    #[test]
    fn memory_store_conforms() {
        run_all(&MemoryStore::new());
    }

    #[test]
    fn sled_store_conforms() {
        let dir = tempfile::tempdir().unwrap();
        run_all(&SledStore::open(dir.path()).unwrap());
    }

    #[test]
    fn sled_store_keeps_flushed_data_across_reopen() {
        let dir = tempfile::tempdir().unwrap();
        {
            let s = SledStore::open(dir.path()).unwrap();
            s.put(Keyspace::LogLeaves, b"x", b"durable").unwrap();
            s.flush().unwrap();
        }
        let s = SledStore::open(dir.path()).unwrap();
        assert_eq!(
            s.get(Keyspace::LogLeaves, b"x").unwrap(),
            Some(b"durable".to_vec())
        );
    }
}
