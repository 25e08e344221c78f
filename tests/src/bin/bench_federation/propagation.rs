//! Checkpoint propagation: one member appends to its process, signs a
//! checkpoint and publishes it; the time until every other member's
//! federation has taken note of it (as its replica's target or verified
//! checkpoint) is that round's propagation time.

use crate::cluster::{self, Peer};
use crate::process;
use pbnode::federation::Transport;
use pbnode_protocol::federation::GossipMessage;
use pbnode_protocol::objects::ProcessId;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What the run measured.
pub struct Propagation {
    /// Nodes in the federation.
    pub nodes: usize,
    /// Per round, the time until the last node saw the checkpoint.
    pub rounds: Vec<Duration>,
    /// Rounds in which some node had not seen it after the timeout.
    pub missed: usize,
}

/// Whether `peer` knows of a checkpoint of `origin` of at least `size`.
fn seen(peer: &Peer, origin: &str, size: u64) -> bool {
    match peer.fed.replica(origin) {
        Ok(Some(r)) => {
            r.verified_size() >= size || r.pending().is_some_and(|p| p.checkpoint().size >= size)
        }
        _ => false,
    }
}

fn synced(peer: &Peer, origin: &str, size: u64) -> bool {
    matches!(peer.fed.replica(origin), Ok(Some(r)) if r.verified_size() >= size)
}

/// Appends one proposal at `author` and signs a checkpoint: its note.
fn grow(author: &Peer, id: ProcessId, n: u64) -> (String, u64) {
    let node = author.node();
    node.submit_proposal(&id, process::proposal(n, 1_000 + n))
        .expect("submit proposal");
    node.maybe_checkpoint(node.now()).expect("checkpoint");
    let cp = node
        .latest_checkpoint(&id)
        .expect("read checkpoint")
        .expect("a checkpoint");
    let size = cp.checkpoint().size;
    (cp.to_text(), size)
}

async fn wait(what: &str, limit: Duration, done: impl Fn() -> bool) -> bool {
    let start = Instant::now();
    while !done() {
        if start.elapsed() > limit {
            eprintln!("  (gave up waiting until {what})");
            return false;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    true
}

/// Runs `rounds` rounds over `nodes` nodes.
pub async fn run(nodes: usize, rounds: usize) -> Propagation {
    let slugs: Vec<String> = (0..nodes).map(|i| format!("n{i:02}")).collect();
    let peers: Vec<Peer> = cluster::federation(&slugs)
        .await
        .into_iter()
        .map(|s| s.start())
        .collect();
    let peers = Arc::new(peers);
    let author = &peers[1];
    let node = author.node();
    node.create_process(process::def("budget", Vec::new()))
        .expect("create process");
    let id = node
        .open_process("budget")
        .expect("open process")
        .id
        .expect("an id");
    node.maybe_checkpoint(node.now()).expect("checkpoint");
    let first = node.latest_checkpoint(&id).expect("read").expect("one");
    let origin = first.checkpoint().origin.clone();
    let others: Vec<&Peer> = peers.iter().filter(|p| p.slug != author.slug).collect();
    wait("every node subscribed", Duration::from_secs(60), || {
        author.net.subscribers().len() + 1 >= nodes
    })
    .await;
    // Warm up: every node replicates the process's first entries.
    let (note, size) = grow(author, id, 0);
    let _ = author.net.publish(GossipMessage::Checkpoint { note });
    wait(
        "every node synced the first entries",
        Duration::from_secs(60),
        || others.iter().all(|p| synced(p, &origin, size)),
    )
    .await;

    let mut times = Vec::with_capacity(rounds);
    let mut missed = 0;
    for round in 1..=rounds {
        let (note, size) = grow(author, id, round as u64);
        let t0 = Instant::now();
        author
            .net
            .publish(GossipMessage::Checkpoint { note })
            .expect("publish");
        let mut waiting: Vec<&Peer> = others.clone();
        let mut last = Duration::ZERO;
        while !waiting.is_empty() && t0.elapsed() < Duration::from_secs(10) {
            waiting.retain(|p| !seen(p, &origin, size));
            last = t0.elapsed();
            if !waiting.is_empty() {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        }
        if waiting.is_empty() {
            times.push(last);
        } else {
            missed += 1;
        }
        // Let the syncs this checkpoint started finish before the next.
        wait("every node synced", Duration::from_secs(10), || {
            others.iter().all(|p| synced(p, &origin, size))
        })
        .await;
    }
    drop(others);
    if let Ok(peers) = Arc::try_unwrap(peers) {
        for peer in peers {
            peer.shutdown().await;
        }
    }
    Propagation {
        nodes,
        rounds: times,
        missed,
    }
}
