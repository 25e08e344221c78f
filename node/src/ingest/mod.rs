//! The ballot writer: group commit.
//!
//! Handlers send ballots over a channel to one writer task. The writer takes
//! everything pending (up to `max_batch`) and runs every check that does not
//! depend on earlier ballots (voter signatures on every core, credential,
//! opening, ballot rules: `Node::precheck`), then checks duplicates and
//! appends the whole batch on a blocking thread (one atomic store write, ONE
//! flush), signs one checkpoint over the grown log, and only then answers
//! each request with its full receipt (inclusion proof against that
//! checkpoint), so a handler needs no store access of its own. The checks of
//! the next batch overlap the write of the previous one, which keeps the
//! write stage (the one serial step) short. So an acknowledged ballot is on
//! disk, and ballots of one credential are serialised by the single writer.

use crate::api::Metrics;
use crate::service::{BallotSubmission, CastReceipt, Node, ServiceError, Verdict};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
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

/// Counters of the writer, for `/metrics` (see [`Ingest::register_metrics`])
/// and for tests ([`IngestStats::snapshot`]).
#[derive(Debug)]
pub struct IngestStats {
    batches: Counter,
    ballots: Counter,
    accepted: Counter,
    largest_batch: AtomicU64,
    largest_batch_gauge: Gauge,
    batch_size: Histogram,
    verify_seconds: Histogram,
    commit_seconds: Histogram,
    write_seconds: Histogram,
}

impl Default for IngestStats {
    fn default() -> Self {
        IngestStats {
            batches: Counter::default(),
            ballots: Counter::default(),
            accepted: Counter::default(),
            largest_batch: AtomicU64::new(0),
            largest_batch_gauge: Gauge::default(),
            // 1 .. 1024 ballots, doubling.
            batch_size: Histogram::new(exponential_buckets(1.0, 2.0, 11)),
            // 50 us .. ~0.8 s, doubling: a flush is milliseconds.
            verify_seconds: Histogram::new(exponential_buckets(0.000_05, 2.0, 15)),
            commit_seconds: Histogram::new(exponential_buckets(0.000_05, 2.0, 15)),
            write_seconds: Histogram::new(exponential_buckets(0.000_05, 2.0, 15)),
        }
    }
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
            batches: self.batches.get(),
            ballots: self.ballots.get(),
            accepted: self.accepted.get(),
            largest_batch: self.largest_batch.load(Ordering::Relaxed),
        }
    }

    fn record(&self, size: usize, accepted: usize, commit: Duration, write: Duration) {
        self.batches.inc();
        self.ballots.inc_by(size as u64);
        self.accepted.inc_by(accepted as u64);
        let largest = self
            .largest_batch
            .fetch_max(size as u64, Ordering::Relaxed)
            .max(size as u64);
        self.largest_batch_gauge
            .set(i64::try_from(largest).unwrap_or(i64::MAX));
        self.batch_size.observe(size as f64);
        self.commit_seconds.observe(commit.as_secs_f64());
        self.write_seconds.observe(write.as_secs_f64());
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

    /// Adds the writer's counters to `metrics` (names get the `pbnode_`
    /// prefix): batches, ballots received and accepted, the largest batch,
    /// and histograms of batch sizes, signature-check time, commit time
    /// (store apply + flush) and whole write-stage time per batch.
    pub fn register_metrics(&self, metrics: &Metrics) {
        let s = &self.stats;
        metrics.register(
            "ingest_batches",
            "Ballot batches written (one flush each)",
            s.batches.clone(),
        );
        metrics.register(
            "ingest_ballots",
            "Ballots received by the writer",
            s.ballots.clone(),
        );
        metrics.register(
            "ingest_accepted",
            "Ballots accepted and durable",
            s.accepted.clone(),
        );
        metrics.register(
            "ingest_largest_batch",
            "The largest batch written so far, in ballots",
            s.largest_batch_gauge.clone(),
        );
        metrics.register(
            "ingest_batch_size",
            "Ballots per written batch",
            s.batch_size.clone(),
        );
        metrics.register(
            "ingest_verify_seconds",
            "Time to check a batch before writing it: voter signatures (strict, on every core), credentials, openings, ballot rules",
            s.verify_seconds.clone(),
        );
        metrics.register(
            "ingest_commit_seconds",
            "Time to apply a batch to the store and flush it",
            s.commit_seconds.clone(),
        );
        metrics.register(
            "ingest_write_seconds",
            "Time of a batch's whole write stage: checks, commit, checkpoint, receipts",
            s.write_seconds.clone(),
        );
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

/// Ballots checked before the writer, in channel order, with where to send
/// each answer.
#[derive(Default)]
struct Ready {
    submissions: Vec<BallotSubmission>,
    verdicts: Vec<Verdict>,
    replies: Vec<oneshot::Sender<Result<CastReceipt, ServiceError>>>,
}

/// Prechecks `requests` on a blocking thread (signatures on every core,
/// credentials, openings, rules) and adds them to `ready`. A panicked check
/// answers nothing: dropping the replies tells each caller the writer
/// failed; nothing of these ballots is written.
async fn precheck(
    node: &Arc<Node>,
    stats: &Arc<IngestStats>,
    requests: Vec<Request>,
    ready: &mut Ready,
) {
    let (submissions, replies): (Vec<_>, Vec<_>) = requests
        .into_iter()
        .map(|r| (r.submission, r.reply))
        .unzip();
    let (checker, verify_stats) = (node.clone(), stats.clone());
    let checked = tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        let verdicts = checker.precheck(&submissions);
        verify_stats
            .verify_seconds
            .observe(started.elapsed().as_secs_f64());
        (submissions, verdicts)
    })
    .await;
    if let Ok((submissions, verdicts)) = checked {
        ready.submissions.extend(submissions);
        ready.verdicts.extend(verdicts);
        ready.replies.extend(replies);
    }
}

/// The writer loop, pipelined in two stages: while batch N is written
/// (store apply and flush, mostly waiting on the disk), the ballots that
/// arrive are prechecked (signatures on every core, credentials, openings,
/// rules) and gathered into batch N+1, as many as come until the write
/// ends (up to `max_batch`): the flush is the fixed cost of a batch, so
/// every ballot that can share it does. Writes stay strictly in channel
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
        let mut ready = Ready::default();
        precheck(&node, &stats, std::mem::take(&mut pending), &mut ready).await;
        // Gather more while the previous batch is still being written.
        while ready.submissions.len() < max_batch {
            let Some(previous) = writing.as_mut() else {
                break;
            };
            let room = max_batch - ready.submissions.len();
            // `None`: the write ended (a panicked write dropped its replies,
            // which tells each caller the writer failed). `recv_many` is
            // cancel-safe: nothing is taken unless its branch wins.
            let arrived = tokio::select! {
                _ = previous => None,
                n = receiver.recv_many(&mut pending, room) => Some(n),
            };
            match arrived {
                None => {
                    writing = None;
                    break;
                }
                Some(0) => break,
                Some(_) => precheck(&node, &stats, std::mem::take(&mut pending), &mut ready).await,
            }
        }
        if let Some(previous) = writing.take() {
            let _ = previous.await;
        }
        if ready.submissions.is_empty() {
            continue;
        }
        let (writer, stats) = (node.clone(), stats.clone());
        writing = Some(tokio::task::spawn_blocking(move || {
            let Ready {
                submissions,
                verdicts,
                replies,
            } = ready;
            let started = Instant::now();
            let size = submissions.len();
            let written = writer.cast_prechecked(submissions, verdicts, true);
            let accepted = written.results.iter().filter(|r| r.is_ok()).count();
            // Counted before answering, so a caller that got its answer
            // sees its batch in the counts.
            stats.record(size, accepted, written.commit_time, started.elapsed());
            for (reply, result) in replies.into_iter().zip(written.results) {
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
