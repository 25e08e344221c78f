//! The federation driver: answers peers, judges gossip and acts on it,
//! announces own checkpoints and collects cosignatures, keeps replicas in
//! sync (retrying with backoff) and catches up with every peer that
//! connects, which is how nodes converge after a partition.

use super::gossip::FollowUp;
use super::sync::{Observation, blocking};
use super::{Federation, FederationError, Inbound, Transport, Verdict};
use crate::service::lock;
use pbnode_protocol::crypto::PublicKey;
use pbnode_protocol::federation::{GossipMessage, ProcessEvent, SyncRequest, SyncResponse};
use pbnode_protocol::note::SignedCheckpoint;
use pbnode_protocol::objects::{Phase, ProcessId};
use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio::time::{Instant, MissedTickBehavior, interval};

/// Work the driver's tasks hand back to its loop.
enum Work {
    Sync {
        origin: String,
        target: SignedCheckpoint,
        source: Option<PublicKey>,
    },
    CatchUp(PublicKey),
    Publish(GossipMessage),
}

/// What was last announced of an own process.
struct Announced {
    size: u64,
    event: Option<ProcessEvent>,
}

/// An own process to announce: its checkpoint, and its event when new.
struct Fresh {
    process: ProcessId,
    origin: String,
    checkpoint: SignedCheckpoint,
    event: Option<ProcessEvent>,
}

/// Syncs running, and failed ones waiting for their retry.
#[derive(Default)]
struct Syncs {
    running: HashSet<String>,
    /// Failures in a row and when to try again, per origin.
    backoff: HashMap<String, (u32, Instant)>,
}

struct Driver<T> {
    fed: Arc<Federation>,
    transport: Arc<T>,
    work: mpsc::UnboundedSender<Work>,
    syncs: Arc<Mutex<Syncs>>,
}

impl<T> Clone for Driver<T> {
    fn clone(&self) -> Self {
        Driver {
            fed: self.fed.clone(),
            transport: self.transport.clone(),
            work: self.work.clone(),
            syncs: self.syncs.clone(),
        }
    }
}

/// Runs the federation of `fed` over `transport` until `shutdown`
/// completes or `inbound` closes. Every gossip message gets its verdict;
/// requests are answered off the async runtime.
pub async fn run<T: Transport>(
    fed: Arc<Federation>,
    transport: Arc<T>,
    mut inbound: mpsc::Receiver<Inbound>,
    shutdown: impl Future<Output = ()> + Send,
) {
    if let Err(e) = transport.set_members(fed.peer_addresses()) {
        tracing::warn!(error = %e, "cannot hand the members to the network");
    }
    let (work, mut work_rx) = mpsc::unbounded_channel();
    let driver = Driver {
        fed: fed.clone(),
        transport,
        work,
        syncs: Arc::default(),
    };
    let mut tasks = JoinSet::new();
    let mut announced: HashMap<ProcessId, Announced> = HashMap::new();
    let mut announce = interval(fed.config.announce_interval);
    announce.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut retry = interval(fed.config.retry_base);
    retry.set_missed_tick_behavior(MissedTickBehavior::Delay);
    driver.resume_pending();
    // One regional step at a time (it reads whole logs).
    let regional_busy = Arc::new(std::sync::atomic::AtomicBool::new(false));
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            message = inbound.recv() => match message {
                None => break,
                Some(message) => {
                    let d = driver.clone();
                    tasks.spawn(async move { d.inbound(message).await });
                }
            },
            Some(work) = work_rx.recv() => {
                let d = driver.clone();
                tasks.spawn(async move { d.perform(work).await });
            }
            _ = announce.tick() => {
                let d = driver.clone();
                let fresh = d.fresh_checkpoints(&mut announced).await;
                tasks.spawn(async move { d.announce(fresh).await });
                if !regional_busy.swap(true, std::sync::atomic::Ordering::AcqRel) {
                    let fed = fed.clone();
                    let busy = regional_busy.clone();
                    tasks.spawn(async move {
                        match blocking(move || fed.regional_step()).await {
                            Ok(actions) => {
                                for action in actions {
                                    tracing::info!(?action, "regional process");
                                }
                            }
                            Err(e) => tracing::warn!(error = %e, "regional step failed"),
                        }
                        busy.store(false, std::sync::atomic::Ordering::Release);
                    });
                }
            }
            _ = retry.tick() => driver.retry_due(),
        }
        while tasks.try_join_next().is_some() {}
    }
    tasks.shutdown().await;
}

impl<T: Transport> Driver<T> {
    async fn inbound(&self, message: Inbound) {
        match message {
            Inbound::Request {
                from,
                request,
                reply,
            } => {
                let fed = self.fed.clone();
                let answer =
                    tokio::task::spawn_blocking(move || fed.handle_request(&from, request))
                        .await
                        .unwrap_or_else(|e| {
                            SyncResponse::Error(pbnode_protocol::federation::WireError::Internal(
                                e.to_string(),
                            ))
                        });
                let _ = reply.send(answer);
            }
            Inbound::Gossip {
                author,
                data,
                verdict,
                ..
            } => {
                let fed = self.fed.clone();
                let outcome =
                    tokio::task::spawn_blocking(move || fed.handle_gossip(&author, &data)).await;
                let Ok(outcome) = outcome else {
                    let _ = verdict.send(Verdict::Ignore);
                    return;
                };
                let _ = verdict.send(outcome.verdict);
                for follow_up in outcome.follow_ups {
                    match follow_up {
                        FollowUp::Sync {
                            origin,
                            target,
                            source,
                        } => self.queue(Work::Sync {
                            origin,
                            target,
                            source: Some(source),
                        }),
                        FollowUp::Publish(message) => self.queue(Work::Publish(message)),
                        FollowUp::CatchUp(peer) => self.queue(Work::CatchUp(peer)),
                        FollowUp::ManifestUpdated => {
                            if let Err(e) = self.transport.set_members(self.fed.peer_addresses()) {
                                tracing::warn!(error = %e, "cannot hand the new members to the network");
                            }
                        }
                    }
                }
            }
            Inbound::PeerUp(peer) => self.queue(Work::CatchUp(peer)),
            Inbound::PeerDown(_) => {}
        }
    }

    fn queue(&self, work: Work) {
        // The loop owns the receiver until it stops; then nothing is left
        // to do with the work.
        let _ = self.work.send(work);
    }

    async fn perform(&self, work: Work) {
        match work {
            Work::Sync {
                origin,
                target,
                source,
            } => self.sync(origin, target, source).await,
            Work::CatchUp(peer) => {
                if let Err(e) = self.catch_up(peer).await {
                    tracing::debug!(%peer, error = %e, "catch-up failed");
                }
            }
            Work::Publish(message) => {
                if let Err(e) = self.transport.publish(message) {
                    tracing::debug!(error = %e, "publish failed");
                }
            }
        }
    }

    /// Asks a peer which logs it serves and syncs those we are behind on.
    async fn catch_up(&self, peer: PublicKey) -> Result<(), FederationError> {
        let logs = match self.transport.request(peer, SyncRequest::Logs).await {
            Ok(SyncResponse::Logs(logs)) => logs,
            Ok(other) => {
                return Err(FederationError::misbehaved(
                    peer,
                    format!("unexpected answer to Logs: {other:?}"),
                ));
            }
            Err(e) => return Err(FederationError::transport(peer, e)),
        };
        for info in logs {
            let Ok(signed) = SignedCheckpoint::parse(&info.checkpoint) else {
                continue;
            };
            let fed = self.fed.clone();
            let s = signed.clone();
            match blocking(move || fed.observe_checkpoint(&s)).await {
                Ok(Observation::Conflict(proof, true)) => {
                    self.queue(Work::Publish(GossipMessage::equivocation(&proof)));
                }
                Ok(Observation::Seen { behind: true, .. }) => self.queue(Work::Sync {
                    origin: signed.checkpoint().origin.clone(),
                    target: signed,
                    source: Some(peer),
                }),
                Ok(_) => {}
                Err(e) => tracing::debug!(%peer, error = %e, "log listed by a peer refused"),
            }
        }
        Ok(())
    }

    /// Syncs a replica from `source`, then from every other connected peer
    /// until one serves it; on failure, schedules a retry with backoff.
    async fn sync(&self, origin: String, target: SignedCheckpoint, source: Option<PublicKey>) {
        if !lock(&self.syncs).running.insert(origin.clone()) {
            // The running sync picks up the newer target when it ends.
            return;
        }
        let own = self.fed.node().public_key();
        let mut peers: Vec<PublicKey> = source.into_iter().collect();
        for peer in self.transport.connected() {
            if peer != own && !peers.contains(&peer) {
                peers.push(peer);
            }
        }
        let mut done = false;
        for peer in peers {
            match self
                .fed
                .sync_log(&*self.transport, peer, &origin, target.clone())
                .await
            {
                Ok(_) => {
                    done = true;
                    break;
                }
                Err(FederationError::Equivocation(_)) => {
                    self.publish_proofs(&origin);
                    done = true;
                    break;
                }
                Err(e) => tracing::debug!(%peer, %origin, error = %e, "sync failed"),
            }
        }
        let mut syncs = lock(&self.syncs);
        syncs.running.remove(&origin);
        if done {
            syncs.backoff.remove(&origin);
        } else {
            let failures = syncs.backoff.get(&origin).map_or(0, |(n, _)| *n) + 1;
            let config = &self.fed.config;
            let delay = backoff_delay(config.retry_base, config.retry_max, failures);
            syncs
                .backoff
                .insert(origin.clone(), (failures, Instant::now() + delay));
        }
        drop(syncs);
        if done {
            // A newer target may have arrived while this one ran.
            self.resume_origin(&origin);
        }
    }

    /// Gossips the stored equivocation proofs of a log (receivers ignore
    /// those they already hold).
    fn publish_proofs(&self, origin: &str) {
        let Ok(proofs) = self.fed.equivocations() else {
            return;
        };
        for record in proofs.into_iter().filter(|p| p.origin == origin) {
            if let Ok(proof) = record.proof() {
                self.queue(Work::Publish(GossipMessage::equivocation(&proof)));
            }
        }
    }

    /// Queues every replica with a pending target (after a restart).
    fn resume_pending(&self) {
        match self.fed.pending_syncs() {
            Ok(pending) => {
                for (origin, target) in pending {
                    self.queue(Work::Sync {
                        origin,
                        target,
                        source: None,
                    });
                }
            }
            Err(e) => tracing::warn!(error = %e, "cannot read pending syncs"),
        }
    }

    fn resume_origin(&self, origin: &str) {
        if let Ok(Some(record)) = self.fed.replica(origin)
            && let Some(pending) = record.pending()
            && pending.checkpoint().size > record.verified_size()
        {
            self.queue(Work::Sync {
                origin: origin.to_owned(),
                target: pending,
                source: None,
            });
        }
    }

    /// Retries failed syncs whose backoff has passed.
    fn retry_due(&self) {
        let now = Instant::now();
        let due: Vec<String> = lock(&self.syncs)
            .backoff
            .iter()
            .filter(|(o, (_, at))| *at <= now && !o.is_empty())
            .map(|(o, _)| o.clone())
            .collect();
        for origin in due {
            self.resume_origin(&origin);
        }
    }

    /// Own processes with a checkpoint or an event not yet announced.
    async fn fresh_checkpoints(&self, announced: &mut HashMap<ProcessId, Announced>) -> Vec<Fresh> {
        let fed = self.fed.clone();
        let latest = blocking(move || {
            let mut out = Vec::new();
            for process in fed.node().list_processes()? {
                let Some(id) = process.id else { continue };
                let Some(checkpoint) = fed.node().latest_checkpoint(&id)? else {
                    continue;
                };
                let (_, record) = fed.node().record_by_id(&id)?;
                let event = if record.tally.is_some() {
                    ProcessEvent::Tallied
                } else if matches!(process.phase, Some(Phase::Closed | Phase::Implementation)) {
                    ProcessEvent::Closed
                } else {
                    ProcessEvent::Opened
                };
                out.push(Fresh {
                    process: id,
                    origin: fed.node().log_origin(&id)?,
                    checkpoint,
                    event: Some(event),
                });
            }
            Ok(out)
        })
        .await
        .unwrap_or_default();
        latest
            .into_iter()
            .filter_map(|mut fresh| {
                let size = fresh.checkpoint.checkpoint().size;
                let before = announced.get(&fresh.process);
                let new_size = before.is_none_or(|a| a.size < size);
                if before.is_some_and(|a| a.event == fresh.event) {
                    fresh.event = None;
                }
                if !new_size && fresh.event.is_none() {
                    return None;
                }
                let event = fresh.event.or(before.and_then(|a| a.event));
                announced.insert(fresh.process, Announced { size, event });
                Some(fresh)
            })
            .collect()
    }

    /// Gossips each process event and fresh checkpoint, and asks the
    /// process's witnesses to cosign the checkpoint.
    async fn announce(&self, fresh: Vec<Fresh>) {
        let owner = self.fed.node().jurisdiction_id();
        for f in fresh {
            if let Some(event) = f.event {
                let message = GossipMessage::Process {
                    origin: f.origin.clone(),
                    process: f.process,
                    owner,
                    event,
                };
                if let Err(e) = self.transport.publish(message) {
                    tracing::debug!(error = %e, "process event not gossiped");
                }
            }
            let note = f.checkpoint.to_text();
            if let Err(e) = self.transport.publish(GossipMessage::Checkpoint { note }) {
                tracing::debug!(error = %e, "checkpoint not gossiped");
            }
            if let Err(e) = self
                .fed
                .request_cosignatures(&*self.transport, f.process)
                .await
            {
                tracing::debug!(process = %f.process, error = %e, "cosigning failed");
            }
        }
    }
}

/// The delay after `failures` failures in a row: doubling from `base`,
/// at most `max`.
pub(crate) fn backoff_delay(base: Duration, max: Duration, failures: u32) -> Duration {
    base.checked_mul(1u32 << failures.min(16))
        .unwrap_or(max)
        .min(max)
}
