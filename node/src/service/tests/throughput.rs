//! Group commit: concurrent ballots share one flush; and a throughput
//! measurement (ignored by default; run it with `--ignored --nocapture`).

use super::support::*;
use crate::ingest::{Ingest, IngestConfig};
use crate::service::CheckpointPolicy;
use std::time::Instant;

#[tokio::test(flavor = "current_thread")]
async fn concurrent_ballots_are_written_in_shared_batches() {
    let dir = tempfile::tempdir().unwrap();
    let (node, _clock) = node_on(sled(&dir), CheckpointPolicy::default());
    let v = to_voting(&node, "budget", 200);
    let keys: Vec<_> = (0..100).map(|i| register(&node, &v, i * 2)).collect();
    let (ingest, writer) = Ingest::spawn(node.clone(), IngestConfig::default());
    let tasks: Vec<_> = keys
        .iter()
        .map(|key| {
            let (ingest, b) = (ingest.clone(), ballot(v.id, key, "north", &[v.north[1]]));
            tokio::spawn(async move { ingest.cast(b).await })
        })
        .collect();
    let key = node.log_verifier_key(&v.id).unwrap();
    for task in tasks {
        let cast = task.await.unwrap().unwrap();
        // The writer hands out the full receipt, against the checkpoint it
        // signed for the batch.
        let receipt = cast.receipt.expect("the writer builds receipts");
        receipt.verify(&key, None).unwrap();
        assert_eq!(receipt.leaf_index, cast.leaf_index);
    }
    let stats = ingest.stats();
    assert_eq!((stats.ballots, stats.accepted), (100, 100));
    assert!(
        stats.batches <= 10,
        "100 concurrent ballots took {} flushes",
        stats.batches
    );
    // The same counts at /metrics.
    let metrics = crate::api::Metrics::new();
    metrics.register_ingest(&ingest);
    metrics.register_ingest(&ingest);
    let text = metrics.encode().unwrap();
    let batches = format!("pbnode_ingest_batches_total {}\n", stats.batches);
    assert_eq!(text.matches(&batches).count(), 1, "{text}");
    assert!(
        text.contains("pbnode_ingest_accepted_total 100\n"),
        "{text}"
    );
    assert!(
        text.contains("pbnode_ingest_batch_size_sum 100.0\n"),
        "{text}"
    );
    assert!(
        text.contains("pbnode_ingest_commit_seconds_count"),
        "{text}"
    );
    drop(ingest);
    writer.await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement, not a check: run with --ignored --nocapture"]
async fn measure_durable_ingest_rate_on_sled() {
    let dir = tempfile::tempdir().unwrap();
    measure(sled(&dir), "sled").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement, not a check: run with --ignored --nocapture"]
async fn measure_ingest_rate_in_memory() {
    measure(memory(), "memory").await;
}

async fn measure(store: std::sync::Arc<dyn crate::store::KvStore>, engine: &str) {
    const VOTERS: u32 = 2000;
    const ROUNDS: usize = 4;
    let (node, _clock) = node_on(store, CheckpointPolicy::default());
    let v = to_voting(&node, "budget", 2 * VOTERS as usize);
    let keys: Vec<_> = (0..VOTERS).map(|i| register(&node, &v, i * 2)).collect();
    let ballots: Vec<_> = (0..ROUNDS)
        .flat_map(|r| keys.iter().map(move |k| (r, k)))
        .map(|(r, k)| ballot(v.id, k, "north", &[v.north[r % 3]]))
        .collect();
    let strict = Instant::now();
    for b in &ballots {
        b.signed.verify(&b.signed.value.voter).unwrap();
    }
    let verify_rate = ballots.len() as f64 / strict.elapsed().as_secs_f64();
    let (ingest, writer) = Ingest::spawn(node.clone(), IngestConfig::default());
    let start = Instant::now();
    let tasks: Vec<_> = ballots
        .into_iter()
        .map(|b| {
            let ingest = ingest.clone();
            tokio::spawn(async move { ingest.cast(b).await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let elapsed = start.elapsed().as_secs_f64();
    let stats = ingest.stats();
    let rate = stats.accepted as f64 / elapsed;
    println!(
        "{engine}: durable ballots/s: {rate:.0} ({} in {} batches); strict single verify/s: {verify_rate:.0}; ratio {:.2}",
        stats.accepted,
        stats.batches,
        rate / verify_rate
    );
    drop(ingest);
    writer.await.unwrap();
}
