//! An in-process network: real federation drivers talking through
//! channels instead of libp2p. Requests become `Inbound::Request` on the
//! peer's channel (answered by its driver), gossip becomes
//! `Inbound::Gossip` on every other connected node's channel, and joining
//! or healing a link sends `PeerUp` both ways. Links can be cut, and a
//! node's answers can be made faulty (tampered entries, a connection that
//! drops after some requests) to play a byzantine or flaky peer.

use crate::federation::{Inbound, PeerAddress, Transport, TransportError, Verdict};
use crate::service::lock;
use pbnode_protocol::crypto::PublicKey;
use pbnode_protocol::federation::{GossipMessage, SyncRequest, SyncResponse};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// How a node's answers are corrupted.
#[derive(Debug, Clone, Default)]
pub struct Fault {
    /// Entries answers starting at or after this index get their first
    /// entry altered.
    pub tamper_entries_from: Option<u64>,
    /// Requests to this node fail once this many Entries requests were
    /// answered.
    pub drop_after_entries: Option<usize>,
}

#[derive(Default)]
struct State {
    inboxes: HashMap<PublicKey, mpsc::Sender<Inbound>>,
    cut: HashSet<(PublicKey, PublicKey)>,
    faults: HashMap<PublicKey, Fault>,
    entries_served: HashMap<PublicKey, usize>,
    /// Every request sent: (from, to, request).
    requests: Vec<(PublicKey, PublicKey, SyncRequest)>,
    /// Every gossip message published: (author, message).
    published: Vec<(PublicKey, GossipMessage)>,
    /// Every gossip verdict: (author, receiver, verdict).
    verdicts: Vec<(PublicKey, PublicKey, Verdict)>,
}

/// The shared in-process network.
#[derive(Default)]
pub struct Network {
    state: Mutex<State>,
}

fn link(a: PublicKey, b: PublicKey) -> (PublicKey, PublicKey) {
    if a < b { (a, b) } else { (b, a) }
}

impl Network {
    pub fn new() -> Arc<Network> {
        Arc::default()
    }

    /// Adds a node; returns its transport and inbound channel. Existing
    /// nodes and the new one see each other come up.
    pub fn join(self: &Arc<Self>, key: PublicKey) -> (Arc<NetTransport>, mpsc::Receiver<Inbound>) {
        let (tx, rx) = mpsc::channel(1024);
        let mut state = lock(&self.state);
        for (peer, inbox) in &state.inboxes {
            if !state.cut.contains(&link(*peer, key)) {
                let _ = inbox.try_send(Inbound::PeerUp(key));
                let _ = tx.try_send(Inbound::PeerUp(*peer));
            }
        }
        state.inboxes.insert(key, tx);
        drop(state);
        let transport = NetTransport {
            net: self.clone(),
            me: key,
        };
        (Arc::new(transport), rx)
    }

    /// Removes a node (it crashed or shut down).
    pub fn leave(&self, key: &PublicKey) {
        lock(&self.state).inboxes.remove(key);
    }

    /// Cuts the link between two nodes.
    pub fn cut(&self, a: PublicKey, b: PublicKey) {
        lock(&self.state).cut.insert(link(a, b));
    }

    /// Heals a cut link; both ends see the other come up.
    pub fn heal(&self, a: PublicKey, b: PublicKey) {
        let mut state = lock(&self.state);
        state.cut.remove(&link(a, b));
        for (from, to) in [(a, b), (b, a)] {
            if let Some(inbox) = state.inboxes.get(&to) {
                let _ = inbox.try_send(Inbound::PeerUp(from));
            }
        }
    }

    /// Makes a node's answers faulty.
    pub fn set_fault(&self, key: PublicKey, fault: Fault) {
        let mut state = lock(&self.state);
        state.faults.insert(key, fault);
        state.entries_served.remove(&key);
    }

    /// The Entries requests `from` sent: (to, start, limit).
    pub fn entries_requests(&self, from: &PublicKey) -> Vec<(PublicKey, u64, u32)> {
        lock(&self.state)
            .requests
            .iter()
            .filter(|(f, _, _)| f == from)
            .filter_map(|(_, to, r)| match r {
                SyncRequest::Entries { start, limit, .. } => Some((*to, *start, *limit)),
                _ => None,
            })
            .collect()
    }

    /// The verdicts given on gossip authored by `author`.
    pub fn verdicts_on(&self, author: &PublicKey) -> Vec<(PublicKey, Verdict)> {
        lock(&self.state)
            .verdicts
            .iter()
            .filter(|(a, _, _)| a == author)
            .map(|(_, r, v)| (*r, *v))
            .collect()
    }

    /// The gossip messages `author` published.
    pub fn published_by(&self, author: &PublicKey) -> Vec<GossipMessage> {
        lock(&self.state)
            .published
            .iter()
            .filter(|(a, _)| a == author)
            .map(|(_, m)| m.clone())
            .collect()
    }

    fn connected(&self, a: PublicKey, b: PublicKey) -> bool {
        let state = lock(&self.state);
        a != b
            && state.inboxes.contains_key(&a)
            && state.inboxes.contains_key(&b)
            && !state.cut.contains(&link(a, b))
    }

    /// Delivers gossip as `author` to every node connected to it.
    pub fn gossip(self: &Arc<Self>, author: PublicKey, data: Vec<u8>) {
        let targets: Vec<(PublicKey, mpsc::Sender<Inbound>)> = {
            let state = lock(&self.state);
            state
                .inboxes
                .iter()
                .filter(|(k, _)| **k != author && !state.cut.contains(&link(**k, author)))
                .map(|(k, i)| (*k, i.clone()))
                .collect()
        };
        for (receiver, inbox) in targets {
            let (tx, rx) = oneshot::channel();
            let message = Inbound::Gossip {
                author,
                via: author,
                data: data.clone(),
                verdict: tx,
            };
            if inbox.try_send(message).is_err() {
                continue;
            }
            let net = self.clone();
            tokio::spawn(async move {
                if let Ok(verdict) = rx.await {
                    lock(&net.state).verdicts.push((author, receiver, verdict));
                }
            });
        }
    }
}

/// One node's side of the network.
pub struct NetTransport {
    net: Arc<Network>,
    me: PublicKey,
}

fn tamper(response: SyncResponse, from: Option<u64>) -> SyncResponse {
    match (response, from) {
        (SyncResponse::Entries { start, mut entries }, Some(from)) if start >= from => {
            if let Some(last) = entries.first_mut().and_then(|e| e.last_mut()) {
                *last ^= 0x01;
            }
            SyncResponse::Entries { start, entries }
        }
        (response, _) => response,
    }
}

impl Transport for NetTransport {
    async fn request(
        &self,
        peer: PublicKey,
        request: SyncRequest,
    ) -> Result<SyncResponse, TransportError> {
        if !self.net.connected(self.me, peer) {
            return Err(TransportError::Unreachable(peer.to_string()));
        }
        let (inbox, fault) = {
            let mut state = lock(&self.net.state);
            state.requests.push((self.me, peer, request.clone()));
            let fault = state.faults.get(&peer).cloned().unwrap_or_default();
            if matches!(request, SyncRequest::Entries { .. }) {
                let served = state.entries_served.entry(peer).or_default();
                if fault.drop_after_entries.is_some_and(|n| *served >= n) {
                    return Err(TransportError::Unreachable("connection dropped".into()));
                }
                *served += 1;
            }
            let inbox = state
                .inboxes
                .get(&peer)
                .cloned()
                .ok_or_else(|| TransportError::Unreachable(peer.to_string()))?;
            (inbox, fault)
        };
        let (tx, rx) = oneshot::channel();
        inbox
            .send(Inbound::Request {
                from: self.me,
                request,
                reply: tx,
            })
            .await
            .map_err(|_| TransportError::Stopped)?;
        let response = tokio::time::timeout(Duration::from_secs(10), rx)
            .await
            .map_err(|_| TransportError::Timeout)?
            .map_err(|_| TransportError::Stopped)?;
        Ok(tamper(response, fault.tamper_entries_from))
    }

    fn publish(&self, message: GossipMessage) -> Result<(), TransportError> {
        let data = message
            .encode()
            .map_err(|e| TransportError::Invalid(e.to_string()))?;
        lock(&self.net.state).published.push((self.me, message));
        self.net.gossip(self.me, data);
        Ok(())
    }

    fn set_members(&self, _members: Vec<PeerAddress>) -> Result<(), TransportError> {
        Ok(())
    }

    fn connected(&self) -> Vec<PublicKey> {
        let keys: Vec<PublicKey> = lock(&self.net.state).inboxes.keys().copied().collect();
        keys.into_iter()
            .filter(|k| self.net.connected(self.me, *k))
            .collect()
    }
}
