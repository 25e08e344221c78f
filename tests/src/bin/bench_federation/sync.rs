//! Log sync to a fresh peer against local replay. The owner's process log
//! holds `entries` proposals (each submitted through the node service);
//! a fresh member then starts its driver, sees the owner's checkpoint and
//! replicates the whole log over libp2p (batches of 1024 entries, each
//! checked against the signed checkpoint with a consistency proof, then
//! committed). Local replay appends the same entries to a fresh
//! `PersistentLog` in the same kind of store (memory) in the same batch
//! size, committing each batch the way a sync does (stage, apply, flush).

use crate::cluster;
use crate::process;
use pbnode::federation::Transport;
use pbnode::log::PersistentLog;
use pbnode::store::{KvStore, MemoryStore, WriteBatch};
use pbnode_protocol::federation::{GossipMessage, MAX_ENTRIES_PER_REQUEST};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What the run measured.
pub struct SyncRun {
    /// Entries in the log.
    pub entries: u64,
    /// How long building the owner's log took (not part of the figures).
    pub build: Duration,
    /// From the fresh peer's start to its replica verified at full size.
    pub sync: Duration,
    /// Local replay of the same entries.
    pub replay: Duration,
}

/// Appends `entries` to a fresh log in a fresh memory store, in batches
/// of the sync's size.
fn replay(entries: &[Vec<u8>]) -> Duration {
    let store: Arc<dyn KvStore> = Arc::new(MemoryStore::new());
    let mut log = PersistentLog::open(store.clone(), [7; 32]).expect("open log");
    let start = Instant::now();
    for chunk in entries.chunks(MAX_ENTRIES_PER_REQUEST as usize) {
        let mut batch = WriteBatch::default();
        log.stage(chunk, &mut batch);
        store.apply(batch).expect("apply");
        store.flush().expect("flush");
        log.commit_staged();
    }
    let elapsed = start.elapsed();
    assert_eq!(log.size(), entries.len() as u64);
    elapsed
}

/// Builds the log, syncs it to a fresh peer, replays it locally.
pub async fn run(entries: u64) -> SyncRun {
    let slugs = vec!["owner".to_string(), "fresh".to_string()];
    let mut starters = cluster::federation(&slugs).await;
    let fresh = starters.pop().expect("fresh");
    let owner = starters.pop().expect("owner");
    let node = owner.fed.node().clone();
    let built = Instant::now();
    let (id, note) = tokio::task::spawn_blocking(move || {
        node.create_process(process::def("big", Vec::new()))
            .expect("create process");
        let id = node.open_process("big").expect("open").id.expect("an id");
        // Opening logged the definition (and the phase).
        let base = node.log_size(&id).expect("size");
        for i in base..entries {
            node.submit_proposal(&id, process::proposal(i, 1_000 + i % 50_000))
                .expect("submit proposal");
            if i % 100_000 == 0 {
                eprintln!("  sync: {i} entries appended");
            }
        }
        node.maybe_checkpoint(node.now()).expect("checkpoint");
        let cp = node.latest_checkpoint(&id).expect("read").expect("one");
        assert_eq!(cp.checkpoint().size, entries);
        (id, cp.to_text())
    })
    .await
    .expect("build task");
    let build = built.elapsed();
    let log = owner
        .fed
        .node()
        .log_entries(&id, 0, usize::MAX)
        .expect("entries");
    let origin = owner
        .fed
        .node()
        .latest_checkpoint(&id)
        .expect("read")
        .expect("one")
        .checkpoint()
        .origin
        .clone();
    let owner = owner.start();

    let t0 = Instant::now();
    let fresh = fresh.start();
    // The fresh peer catches up when it connects; the owner's announcement
    // is published too in case the connection came up first.
    let mut announced = false;
    loop {
        let size = fresh
            .fed
            .replica(&origin)
            .ok()
            .flatten()
            .map_or(0, |r| r.verified_size());
        if size >= entries {
            break;
        }
        if !announced && !owner.net.subscribers().is_empty() {
            announced = owner
                .net
                .publish(GossipMessage::Checkpoint { note: note.clone() })
                .is_ok();
        }
        assert!(
            t0.elapsed() < Duration::from_secs(1800),
            "the sync did not finish"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let sync = t0.elapsed();
    fresh.shutdown().await;
    owner.shutdown().await;
    let replay = tokio::task::spawn_blocking(move || replay(&log))
        .await
        .expect("replay task");
    SyncRun {
        entries,
        build,
        sync,
        replay,
    }
}
