//! The ballot writer: group commit.
//!
//! Handlers send ballots over a channel to one writer task. The writer takes
//! everything pending (up to `max_batch`), checks and appends the whole batch
//! on a blocking thread ([`Node::cast_ballots`]: one batch signature check,
//! one atomic store write, ONE flush), and only then answers each request
//! with its receipt data. So an acknowledged ballot is on disk, and ballots
//! of one credential are serialised by the single writer.

use crate::service::{BallotSubmission, CastReceipt, Node, ServiceError};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

/// Writer settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IngestConfig {
    /// Most ballots appended with one flush.
    pub max_batch: usize,
    /// Requests that may wait in the channel before senders wait.
    pub queue: usize,
}

impl Default for IngestConfig {
    fn default() -> Self {
        IngestConfig {
            max_batch: 512,
            queue: 4096,
        }
    }
}

/// Counters of the writer, for metrics.
#[derive(Debug, Default)]
pub struct IngestStats {
    batches: AtomicU64,
    ballots: AtomicU64,
    accepted: AtomicU64,
    largest_batch: AtomicU64,
}

/// A reading of [`IngestStats`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct IngestSnapshot {
    /// Batches written (one flush each).
    pub batches: u64,
    /// Ballots received.
    pub ballots: u64,
    /// Ballots accepted and durable.
    pub accepted: u64,
    /// The largest batch so far.
    pub largest_batch: u64,
}

impl IngestStats {
    /// The current counts.
    pub fn snapshot(&self) -> IngestSnapshot {
        IngestSnapshot {
            batches: self.batches.load(Ordering::Relaxed),
            ballots: self.ballots.load(Ordering::Relaxed),
            accepted: self.accepted.load(Ordering::Relaxed),
            largest_batch: self.largest_batch.load(Ordering::Relaxed),
        }
    }

    fn record(&self, size: usize, accepted: usize) {
        self.batches.fetch_add(1, Ordering::Relaxed);
        self.ballots.fetch_add(size as u64, Ordering::Relaxed);
        self.accepted.fetch_add(accepted as u64, Ordering::Relaxed);
        self.largest_batch.fetch_max(size as u64, Ordering::Relaxed);
    }
}

/// One ballot and where to send its answer.
struct Request {
    submission: BallotSubmission,
    reply: oneshot::Sender<Result<CastReceipt, ServiceError>>,
}

/// A handle to the writer; cheap to clone, one per handler.
#[derive(Debug, Clone)]
pub struct Ingest {
    sender: mpsc::Sender<Request>,
    stats: Arc<IngestStats>,
}

impl Ingest {
    /// Starts the writer task on the current tokio runtime. It stops when
    /// every [`Ingest`] handle is dropped, after answering what it holds.
    pub fn spawn(node: Arc<Node>, config: IngestConfig) -> (Ingest, JoinHandle<()>) {
        let (sender, receiver) = mpsc::channel(config.queue.max(1));
        let stats = Arc::new(IngestStats::default());
        let task = tokio::spawn(run(node, receiver, config.max_batch.max(1), stats.clone()));
        (Ingest { sender, stats }, task)
    }

    /// The writer's counters.
    pub fn stats(&self) -> IngestSnapshot {
        self.stats.snapshot()
    }

    /// Casts a ballot; resolves once it is durable (or refused).
    pub async fn cast(&self, submission: BallotSubmission) -> Result<CastReceipt, ServiceError> {
        let (reply, answer) = oneshot::channel();
        self.sender
            .send(Request { submission, reply })
            .await
            .map_err(|_| ServiceError::IngestStopped)?;
        answer.await.map_err(|_| ServiceError::IngestStopped)?
    }
}

async fn run(
    node: Arc<Node>,
    mut receiver: mpsc::Receiver<Request>,
    max_batch: usize,
    stats: Arc<IngestStats>,
) {
    let mut pending = Vec::with_capacity(max_batch);
    while receiver.recv_many(&mut pending, max_batch).await > 0 {
        let (submissions, replies): (Vec<_>, Vec<_>) =
            pending.drain(..).map(|r| (r.submission, r.reply)).unzip();
        let writer = node.clone();
        let results = tokio::task::spawn_blocking(move || writer.cast_ballots(submissions)).await;
        match results {
            Ok(results) => {
                stats.record(results.len(), results.iter().filter(|r| r.is_ok()).count());
                for (reply, result) in replies.into_iter().zip(results) {
                    // A caller that went away no longer needs its answer;
                    // its ballot is durable all the same.
                    let _ = reply.send(result);
                }
            }
            Err(_) => {
                // The batch panicked: nothing was acknowledged; each caller
                // gets an error (dropping the senders does that).
            }
        }
    }
}
