//! An acknowledged ballot is on disk: it is in the log after the sled store
//! is closed and opened again.

use super::support::*;
use crate::ingest::{Ingest, IngestConfig};
use crate::service::{CastReceipt, CheckpointPolicy, Node};
use crate::store::SledStore;
use pbnode_protocol::encoding;
use pbnode_protocol::objects::{LogEntry, Phase};
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_ballots_survive_reopening_the_sled_store() {
    let dir = tempfile::tempdir().unwrap();
    let (node, _clock) = node_on(sled(&dir), CheckpointPolicy::default());
    let v = to_voting(&node, "budget", 8);
    let keys: Vec<_> = (0..4).map(|i| register(&node, &v, i * 2)).collect();
    let (ingest, writer) = Ingest::spawn(node.clone(), IngestConfig::default());
    let mut tasks = Vec::new();
    for round in 0..10 {
        for key in &keys {
            let b = ballot(v.id, key, "north", &[v.north[round % 3]]);
            let ingest = ingest.clone();
            tasks.push(tokio::spawn(async move {
                let signed = b.signed.clone();
                (signed, ingest.cast(b).await.unwrap())
            }));
        }
    }
    let mut acknowledged: Vec<(_, CastReceipt)> = Vec::new();
    for task in tasks {
        acknowledged.push(task.await.unwrap());
    }
    drop(ingest);
    writer.await.unwrap();
    let id = v.id;
    drop(node);

    // Everything that held the store is gone: open it again.
    let store: Arc<dyn crate::store::KvStore> = Arc::new(reopen(dir.path()));
    let clock = Arc::new(crate::service::ManualClock::new(1_800_000_100));
    let node = Node::open(store, &SEED, identity(), CheckpointPolicy::default(), clock).unwrap();
    assert_eq!(acknowledged.len(), 40);
    for (signed, receipt) in &acknowledged {
        let bytes = node.log_entries(&id, receipt.leaf_index, 1).unwrap();
        let entry: LogEntry = encoding::from_bytes(&bytes[0]).unwrap();
        assert_eq!(entry, LogEntry::BallotCommitted(signed.clone()));
        assert_eq!(
            node.receipt(&id, &receipt.commitment).unwrap().leaf_index,
            receipt.leaf_index
        );
    }
    node.advance_phase(&id, Phase::Closed).unwrap();
    assert_eq!(node.results(&id).unwrap().value.ballots_counted, 4);
}

/// Opens the sled store again. sled's background threads may hold the
/// directory lock for a moment after the last handle is dropped (a new
/// process, as after a real restart, never sees this), so retry briefly.
fn reopen(path: &std::path::Path) -> SledStore {
    for _ in 0..50 {
        if let Ok(store) = SledStore::open(path) {
            return store;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    SledStore::open(path).unwrap()
}

#[test]
fn a_close_interrupted_after_the_openings_is_finished_on_restart() {
    let dir = tempfile::tempdir().unwrap();
    let (node, _clock) = node_on(sled(&dir), CheckpointPolicy::default());
    let v = to_voting(&node, "budget", 4);
    for i in [0, 2] {
        let key = register(&node, &v, i);
        node.cast_ballot(ballot(v.id, &key, "north", &[v.north[1]]))
            .unwrap();
    }
    // Step 1 of the close only, as if the node died right after it.
    {
        let log = node.process_log(&v.id).unwrap();
        let mut pl = crate::service::lock(&log);
        let (slug, record) = node.record_by_id(&v.id).unwrap();
        node.publish_openings_locked(&v.id, &slug, record, &mut pl)
            .unwrap();
    }
    assert_eq!(node.results(&v.id).unwrap_err().code(), "not_closed");
    drop(node);

    let store: Arc<dyn crate::store::KvStore> = Arc::new(reopen(dir.path()));
    let clock = Arc::new(crate::service::ManualClock::new(1_800_000_100));
    let node = Node::open(store, &SEED, identity(), CheckpointPolicy::default(), clock).unwrap();
    let tally = node.results(&v.id).unwrap();
    assert_eq!(tally.value.ballots_counted, 2);
    let raw = node.log_entries(&v.id, 0, usize::MAX).unwrap();
    let latest = node.latest_checkpoint(&v.id).unwrap().unwrap();
    let keys = pbnode_protocol::recount::LogKeys::municipal(
        node.public_key(),
        node.log_verifier_key(&v.id).unwrap(),
    );
    let report = pbnode_protocol::recount::verify_log(&raw, &keys, &latest).unwrap();
    assert_eq!(report.selected, tally.value.selected);
}
