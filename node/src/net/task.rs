//! The network task: owns the swarm, turns its events into [`Inbound`]
//! values and carries out the handle's commands. Nothing in it blocks; every
//! wait (a verdict, an answer) is a future polled alongside the swarm.

use super::behaviour::NetBehaviour;
use super::scores::{Offence, PeerScore, Scoreboard};
use crate::federation::{Inbound, TransportError, Verdict};
use libp2p::core::transport::ListenerId;
use libp2p::futures::StreamExt;
use libp2p::futures::future::BoxFuture;
use libp2p::futures::stream::FuturesUnordered;
use libp2p::request_response::{OutboundRequestId, ResponseChannel};
use libp2p::swarm::dial_opts::{DialOpts, PeerCondition};
use libp2p::{Multiaddr, PeerId, Swarm, gossipsub};
use pbnode_protocol::crypto::PublicKey;
use pbnode_protocol::federation::{SyncRequest, SyncResponse, WireError};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot, watch};

/// How often blocks are checked for expiry.
const SWEEP_INTERVAL: Duration = Duration::from_secs(1);

/// A member as the task keeps it.
#[derive(Debug, Clone)]
pub(crate) struct MemberEntry {
    pub(crate) peer: PeerId,
    pub(crate) key: PublicKey,
    pub(crate) addresses: Vec<Multiaddr>,
}

/// What a handle asks the task to do.
pub(crate) enum Command {
    Request {
        peer: PeerId,
        request: SyncRequest,
        reply: oneshot::Sender<Result<SyncResponse, TransportError>>,
    },
    Publish(Vec<u8>),
    SetMembers(Vec<MemberEntry>),
    Shutdown,
}

/// The listen addresses, and whether every listener has reported one.
#[derive(Debug, Clone, Default)]
pub(crate) struct ListenState {
    pub(crate) addresses: Vec<Multiaddr>,
    pub(crate) ready: bool,
}

/// State the handles read without asking the task.
#[derive(Debug, Default)]
pub(crate) struct Shared {
    connected: Mutex<HashSet<PublicKey>>,
    subscribers: Mutex<HashSet<PublicKey>>,
    scores: Mutex<HashMap<PublicKey, PeerScore>>,
}

/// Locks a mutex even if a panicking thread poisoned it: the sets inside
/// are replaced whole, so they are never half-updated.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    pub(crate) fn connected(&self) -> Vec<PublicKey> {
        sorted(&lock(&self.connected))
    }
    pub(crate) fn subscribers(&self) -> Vec<PublicKey> {
        sorted(&lock(&self.subscribers))
    }
    pub(crate) fn has_subscribers(&self) -> bool {
        !lock(&self.subscribers).is_empty()
    }
    pub(crate) fn scores(&self) -> HashMap<PublicKey, PeerScore> {
        lock(&self.scores).clone()
    }
}

fn sorted(keys: &HashSet<PublicKey>) -> Vec<PublicKey> {
    let mut keys: Vec<PublicKey> = keys.iter().copied().collect();
    keys.sort();
    keys
}

/// A wait that finished: a verdict to report or an answer to send.
pub(crate) enum Decision {
    Verdict {
        message_id: gossipsub::MessageId,
        source: PeerId,
        verdict: Verdict,
    },
    Answer {
        channel: ResponseChannel<SyncResponse>,
        response: SyncResponse,
    },
}

/// One turn of the loop.
enum Step {
    /// Boxed: swarm events are large and most turns are not swarm events.
    Swarm(Box<libp2p::swarm::SwarmEvent<super::behaviour::NetBehaviourEvent>>),
    Command(Option<Command>),
    Decision(Decision),
    Sweep,
}

/// The task's state.
pub(crate) struct NetTask {
    pub(crate) swarm: Swarm<NetBehaviour>,
    pub(crate) topic: gossipsub::TopicHash,
    pub(crate) commands: mpsc::UnboundedReceiver<Command>,
    pub(crate) inbound: mpsc::Sender<Inbound>,
    pub(crate) shared: Arc<Shared>,
    pub(crate) listen: watch::Sender<ListenState>,
    pub(crate) unreported_listeners: HashSet<ListenerId>,
    pub(crate) members: HashMap<PeerId, MemberEntry>,
    /// Members with at least one connection, announced by `PeerUp`.
    pub(crate) up: HashMap<PeerId, PublicKey>,
    /// Peers subscribed to the federation topic.
    pub(crate) subscribers: HashMap<PeerId, PublicKey>,
    pub(crate) requests:
        HashMap<OutboundRequestId, oneshot::Sender<Result<SyncResponse, TransportError>>>,
    pub(crate) waiting: FuturesUnordered<BoxFuture<'static, Decision>>,
    pub(crate) scores: Scoreboard,
    pub(crate) answer_timeout: Duration,
}

impl NetTask {
    /// Runs until shutdown or until every handle is dropped.
    pub(crate) async fn run(mut self) {
        let mut sweep = tokio::time::interval(SWEEP_INTERVAL);
        sweep.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let step = tokio::select! {
                event = self.swarm.select_next_some() => Step::Swarm(Box::new(event)),
                command = self.commands.recv() => Step::Command(command),
                Some(decision) = self.waiting.next(), if !self.waiting.is_empty() => {
                    Step::Decision(decision)
                }
                _ = sweep.tick() => Step::Sweep,
            };
            match step {
                Step::Swarm(event) => self.on_swarm_event(*event),
                Step::Command(None | Some(Command::Shutdown)) => break,
                Step::Command(Some(command)) => self.on_command(command),
                Step::Decision(decision) => self.on_decision(decision),
                Step::Sweep => self.lift_expired_blocks(),
            }
        }
        // Outstanding verdicts are dropped with the swarm; pending requests
        // see their reply sender dropped and report `Stopped`.
        tracing::debug!("network task stopped");
    }

    fn on_command(&mut self, command: Command) {
        match command {
            Command::Request {
                peer,
                request,
                reply,
            } => self.send_request(peer, request, reply),
            Command::Publish(data) => {
                let topic = self.topic.clone();
                match self.swarm.behaviour_mut().gossipsub.publish(topic, data) {
                    Ok(id) => tracing::debug!(message_id = %id, "gossip published"),
                    Err(error) => tracing::warn!(%error, "gossip publish failed"),
                }
            }
            Command::SetMembers(members) => self.set_members(members),
            Command::Shutdown => {}
        }
    }

    fn send_request(
        &mut self,
        peer: PeerId,
        request: SyncRequest,
        reply: oneshot::Sender<Result<SyncResponse, TransportError>>,
    ) {
        let Some(member) = self.members.get(&peer) else {
            let _ = reply.send(Err(TransportError::Unreachable(
                "not a federation member".to_string(),
            )));
            return;
        };
        if self.scores.is_blocked(&peer) {
            let _ = reply.send(Err(TransportError::Unreachable(
                "peer is blocked for misbehaviour".to_string(),
            )));
            return;
        }
        let addresses = member.addresses.clone();
        let id = self
            .swarm
            .behaviour_mut()
            .sync
            .send_request_with_addresses(&peer, request, addresses);
        self.requests.insert(id, reply);
    }

    /// Replaces the allow list: removed peers are disconnected, listed ones
    /// with addresses are dialled.
    fn set_members(&mut self, members: Vec<MemberEntry>) {
        let local = *self.swarm.local_peer_id();
        let new: HashMap<PeerId, MemberEntry> = members
            .into_iter()
            .filter(|member| member.peer != local)
            .map(|member| (member.peer, member))
            .collect();
        let removed: Vec<PeerId> = self
            .members
            .keys()
            .filter(|peer| !new.contains_key(peer))
            .copied()
            .collect();
        for peer in removed {
            tracing::info!(%peer, "peer left the federation: disconnecting");
            let behaviour = self.swarm.behaviour_mut();
            behaviour.members.disallow_peer(peer);
            behaviour.kad.remove_peer(&peer);
            let _ = self.swarm.disconnect_peer_id(peer);
        }
        for member in new.values() {
            self.swarm.behaviour_mut().members.allow_peer(member.peer);
            for address in &member.addresses {
                self.swarm.add_peer_address(member.peer, address.clone());
                self.swarm
                    .behaviour_mut()
                    .kad
                    .add_address(&member.peer, address.clone());
            }
        }
        let peers: Vec<PeerId> = new.keys().copied().collect();
        self.members = new;
        for peer in peers {
            self.dial(peer);
        }
    }

    /// Dials a member that is not connected, has addresses and is not blocked.
    pub(crate) fn dial(&mut self, peer: PeerId) {
        if self.swarm.is_connected(&peer) || self.scores.is_blocked(&peer) {
            return;
        }
        let Some(member) = self.members.get(&peer) else {
            return;
        };
        if member.addresses.is_empty() {
            return;
        }
        let opts = DialOpts::peer_id(peer)
            .addresses(member.addresses.clone())
            .condition(PeerCondition::DisconnectedAndNotDialing)
            .build();
        if let Err(error) = self.swarm.dial(opts) {
            tracing::debug!(%peer, %error, "dial not started");
        }
    }

    fn on_decision(&mut self, decision: Decision) {
        match decision {
            Decision::Verdict {
                message_id,
                source,
                verdict,
            } => self.report(&message_id, &source, verdict),
            Decision::Answer { channel, response } => {
                if self
                    .swarm
                    .behaviour_mut()
                    .sync
                    .send_response(channel, response)
                    .is_err()
                {
                    tracing::debug!("requester left before the answer was ready");
                }
            }
        }
    }

    /// Reports a verdict to gossipsub (exactly once per message) and counts
    /// a rejection against the peer that forwarded the message.
    pub(crate) fn report(
        &mut self,
        message_id: &gossipsub::MessageId,
        source: &PeerId,
        verdict: Verdict,
    ) {
        let acceptance = match verdict {
            Verdict::Accept => gossipsub::MessageAcceptance::Accept,
            Verdict::Reject => gossipsub::MessageAcceptance::Reject,
            Verdict::Ignore => gossipsub::MessageAcceptance::Ignore,
        };
        let known = self
            .swarm
            .behaviour_mut()
            .gossipsub
            .report_message_validation_result(message_id, source, acceptance);
        if !known {
            tracing::debug!(%message_id, "message left the cache before its verdict");
        }
        if verdict == Verdict::Reject {
            self.strike(*source, Offence::RejectedMessage);
        }
    }

    /// Counts an offence; at the limit the peer is blocked, which closes its
    /// connections.
    pub(crate) fn strike(&mut self, peer: PeerId, offence: Offence) {
        if self.scores.strike(peer, offence, Instant::now()) {
            tracing::warn!(%peer, ?offence, "peer reached the strike limit: blocked and disconnected");
            self.swarm.behaviour_mut().blocked.block_peer(peer);
        } else {
            tracing::info!(%peer, ?offence, "strike against peer");
        }
        self.publish_scores();
    }

    fn lift_expired_blocks(&mut self) {
        let expired = self.scores.expire(Instant::now());
        if expired.is_empty() {
            return;
        }
        for peer in expired {
            tracing::info!(%peer, "block expired");
            self.swarm.behaviour_mut().blocked.unblock_peer(peer);
            self.dial(peer);
        }
        self.publish_scores();
    }

    fn publish_scores(&self) {
        let scores = self
            .scores
            .snapshot()
            .into_iter()
            .filter_map(|(peer, score)| Some((super::identity::public_key_of(&peer)?, score)))
            .collect();
        *lock(&self.shared.scores) = scores;
    }

    pub(crate) fn publish_connected(&self) {
        *lock(&self.shared.connected) = self.up.values().copied().collect();
    }

    pub(crate) fn publish_subscribers(&self) {
        *lock(&self.shared.subscribers) = self.subscribers.values().copied().collect();
    }

    /// Hands an inbound value to the federation logic without waiting;
    /// `false` if the channel is full or closed (the value is dropped, and
    /// with it any verdict or reply sender in it).
    pub(crate) fn deliver(&self, value: Inbound) -> bool {
        self.inbound.try_send(value).is_ok()
    }

    /// Waits (alongside the swarm) for the verdict on a gossip message; a
    /// dropped sender or no verdict in time counts as Ignore.
    pub(crate) fn await_verdict(
        &mut self,
        message_id: gossipsub::MessageId,
        source: PeerId,
        verdict: oneshot::Receiver<Verdict>,
    ) {
        let limit = self.answer_timeout;
        self.waiting.push(Box::pin(async move {
            let verdict = match tokio::time::timeout(limit, verdict).await {
                Ok(Ok(verdict)) => verdict,
                Ok(Err(_)) | Err(_) => Verdict::Ignore,
            };
            Decision::Verdict {
                message_id,
                source,
                verdict,
            }
        }));
    }

    /// Waits (alongside the swarm) for the answer to an inbound request; no
    /// answer in time becomes `Error(Internal)`.
    pub(crate) fn await_answer(
        &mut self,
        channel: ResponseChannel<SyncResponse>,
        answer: oneshot::Receiver<SyncResponse>,
    ) {
        let limit = self.answer_timeout;
        self.waiting.push(Box::pin(async move {
            let response = match tokio::time::timeout(limit, answer).await {
                Ok(Ok(response)) => response,
                Ok(Err(_)) => {
                    SyncResponse::Error(WireError::Internal("request dropped unanswered".into()))
                }
                Err(_) => SyncResponse::Error(WireError::Internal("no answer in time".into())),
            };
            Decision::Answer { channel, response }
        }));
    }
}
