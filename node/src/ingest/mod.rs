//! The ballot writer: group commit.
//!
//! Handlers send ballots over a channel to one writer task. The writer takes
//! everything pending (up to `max_batch`), checks the voter signatures on
//! every core, then checks and appends the whole batch on a blocking thread
//! (one atomic store write, ONE flush), and only then answers each request
//! with its receipt data. The signature check of the next batch overlaps the
//! write of the previous one. So an acknowledged ballot is on disk, and ballots
//! of one credential are serialised by the single writer.

use crate::service::{BallotSubmission, CastReceipt, Node, ServiceError, strict_signatures};
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

/// The writer loop, pipelined in two stages: while batch N is written
/// (store apply and flush, mostly waiting on the disk), the signatures of
/// batch N+1 are checked (CPU, every core). Writes stay strictly in channel
/// order: batch N+1 is written only after batch N is answered.
async fn run(
    node: Arc<Node>,
    mut receiver: mpsc::Receiver<Request>,
    max_batch: usize,
    stats: Arc<IngestStats>,
) {
    let mut pending = Vec::with_capacity(max_batch);
    let mut writing: Option<JoinHandle<()>> = None;
    while receiver.recv_many(&mut pending, max_batch).await > 0 {
        let (submissions, replies): (Vec<_>, Vec<_>) =
            pending.drain(..).map(|r| (r.submission, r.reply)).unzip();
        let checked = tokio::task::spawn_blocking(move || {
            let signatures = strict_signatures(&submissions);
            (submissions, signatures)
        })
        .await;
        // A panicked check answers nothing: dropping the replies tells each
        // caller the writer failed; nothing of this batch was written.
        let Ok((submissions, signatures)) = checked else {
            continue;
        };
        if let Some(previous) = writing.take() {
            // A panicked write dropped its replies the same way.
            let _ = previous.await;
        }
        let (writer, stats) = (node.clone(), stats.clone());
        writing = Some(tokio::task::spawn_blocking(move || {
            let results = writer.cast_signature_checked(submissions, &signatures);
            stats.record(results.len(), results.iter().filter(|r| r.is_ok()).count());
            for (reply, result) in replies.into_iter().zip(results) {
                // A caller that went away no longer needs its answer; its
                // ballot is durable all the same.
                let _ = reply.send(result);
            }
        }));
    }
    if let Some(last) = writing {
        let _ = last.await;
    }
}
