//! What the task does with each swarm event.

use super::behaviour::NetBehaviourEvent;
use super::identity::public_key_of;
use super::scores::Offence;
use super::task::NetTask;
use crate::federation::{Inbound, TransportError, Verdict};
use libp2p::request_response::{self, InboundFailure, OutboundFailure};
use libp2p::swarm::SwarmEvent;
use libp2p::{PeerId, gossipsub, identify, mdns};
use pbnode_protocol::federation::wire::MAX_GOSSIP_BYTES;
use pbnode_protocol::federation::{SyncRequest, SyncResponse, WireError};
use std::io;
use tokio::sync::oneshot;

type SyncEvent = request_response::Event<SyncRequest, SyncResponse>;

impl NetTask {
    pub(crate) fn on_swarm_event(&mut self, event: SwarmEvent<NetBehaviourEvent>) {
        match event {
            SwarmEvent::NewListenAddr {
                listener_id,
                address,
            } => {
                tracing::info!(%address, "listening");
                self.unreported_listeners.remove(&listener_id);
                let ready = self.unreported_listeners.is_empty();
                self.listen.send_modify(|state| {
                    state.addresses.push(address);
                    state.ready = ready;
                });
            }
            SwarmEvent::ExpiredListenAddr { address, .. } => {
                self.listen
                    .send_modify(|state| state.addresses.retain(|known| *known != address));
            }
            SwarmEvent::ListenerClosed {
                listener_id,
                reason,
                ..
            } => {
                tracing::warn!(?reason, "listener closed");
                self.unreported_listeners.remove(&listener_id);
            }
            SwarmEvent::ConnectionEstablished {
                peer_id,
                num_established,
                ..
            } => {
                if num_established.get() == 1
                    && let Some(member) = self.members.get(&peer_id)
                {
                    let key = member.key;
                    tracing::info!(peer = %peer_id, "member connected");
                    self.up.insert(peer_id, key);
                    self.publish_connected();
                    self.announce(Inbound::PeerUp(key));
                }
            }
            SwarmEvent::ConnectionClosed {
                peer_id,
                num_established: 0,
                cause,
                ..
            } => {
                tracing::info!(peer = %peer_id, ?cause, "peer disconnected");
                if self.subscribers.remove(&peer_id).is_some() {
                    self.publish_subscribers();
                }
                if let Some(key) = self.up.remove(&peer_id) {
                    self.publish_connected();
                    self.announce(Inbound::PeerDown(key));
                }
            }
            SwarmEvent::IncomingConnectionError { error, .. } => {
                tracing::debug!(%error, "incoming connection refused or failed");
            }
            SwarmEvent::OutgoingConnectionError { peer_id, error, .. } => {
                tracing::debug!(?peer_id, %error, "dial failed");
            }
            SwarmEvent::Behaviour(event) => self.on_behaviour_event(event),
            _ => {}
        }
    }

    fn on_behaviour_event(&mut self, event: NetBehaviourEvent) {
        match event {
            NetBehaviourEvent::Gossipsub(event) => self.on_gossip_event(event),
            NetBehaviourEvent::Sync(event) => self.on_sync_event(event),
            // Members announce where they listen; Kademlia keeps it so a later
            // dial finds them even if the manifest address is stale.
            NetBehaviourEvent::Identify(identify::Event::Received { peer_id, info, .. })
                if self.members.contains_key(&peer_id) =>
            {
                for address in info.listen_addrs {
                    self.swarm
                        .behaviour_mut()
                        .kad
                        .add_address(&peer_id, address);
                }
            }
            NetBehaviourEvent::Mdns(mdns::Event::Discovered(found)) => {
                for (peer, address) in found {
                    if self.members.contains_key(&peer) {
                        self.swarm.add_peer_address(peer, address);
                        self.dial(peer);
                    }
                }
            }
            _ => {}
        }
    }

    fn on_gossip_event(&mut self, event: gossipsub::Event) {
        match event {
            gossipsub::Event::Message {
                propagation_source,
                message_id,
                message,
            } => self.on_gossip(propagation_source, message_id, message),
            gossipsub::Event::Subscribed { peer_id, topic } if topic == self.topic => {
                if let Some(key) = public_key_of(&peer_id) {
                    self.subscribers.insert(peer_id, key);
                    self.publish_subscribers();
                }
            }
            gossipsub::Event::Unsubscribed { peer_id, topic } if topic == self.topic => {
                self.subscribers.remove(&peer_id);
                self.publish_subscribers();
            }
            _ => {}
        }
    }

    /// Hands a gossip message to the federation logic for judgement. A
    /// message that cannot be delivered is reported at once, so none is left
    /// pending in gossipsub.
    fn on_gossip(
        &mut self,
        via: PeerId,
        message_id: gossipsub::MessageId,
        message: gossipsub::Message,
    ) {
        let author = message.source.as_ref().and_then(public_key_of);
        let (Some(author), Some(via_key)) = (author, public_key_of(&via)) else {
            tracing::warn!(peer = %via, "gossip from a peer without an Ed25519 identity");
            self.report(&message_id, &via, Verdict::Reject);
            return;
        };
        if message.data.len() > MAX_GOSSIP_BYTES {
            tracing::warn!(peer = %via, size = message.data.len(), "oversize gossip message");
            self.report(&message_id, &via, Verdict::Reject);
            return;
        }
        let (verdict, judged) = oneshot::channel();
        let delivered = self.deliver(Inbound::Gossip {
            author,
            via: via_key,
            data: message.data,
            verdict,
        });
        if delivered {
            self.await_verdict(message_id, via, judged);
        } else {
            tracing::warn!("inbound queue full or closed: gossip message ignored");
            self.report(&message_id, &via, Verdict::Ignore);
        }
    }

    fn on_sync_event(&mut self, event: SyncEvent) {
        match event {
            request_response::Event::Message { peer, message, .. } => match message {
                request_response::Message::Request {
                    request, channel, ..
                } => self.on_request(peer, request, channel),
                request_response::Message::Response {
                    request_id,
                    response,
                } => {
                    if let Some(reply) = self.requests.remove(&request_id) {
                        let _ = reply.send(Ok(response));
                    }
                }
            },
            request_response::Event::OutboundFailure {
                peer,
                request_id,
                error,
                ..
            } => {
                if let OutboundFailure::Io(io_error) = &error
                    && is_malformed(io_error)
                {
                    self.strike(peer, Offence::MalformedFrame);
                }
                if let Some(reply) = self.requests.remove(&request_id) {
                    let _ = reply.send(Err(outbound_error(error)));
                }
            }
            request_response::Event::InboundFailure { peer, error, .. } => {
                tracing::debug!(%peer, %error, "inbound request failed");
                if let InboundFailure::Io(io_error) = &error
                    && is_malformed(io_error)
                {
                    self.strike(peer, Offence::MalformedFrame);
                }
            }
            request_response::Event::ResponseSent { .. } => {}
        }
    }

    fn on_request(
        &mut self,
        peer: PeerId,
        request: SyncRequest,
        channel: request_response::ResponseChannel<SyncResponse>,
    ) {
        let Some(from) = public_key_of(&peer) else {
            self.answer_now(channel, WireError::BadRequest("unknown peer key".into()));
            return;
        };
        let (reply, answer) = oneshot::channel();
        if self.deliver(Inbound::Request {
            from,
            request,
            reply,
        }) {
            self.await_answer(channel, answer);
        } else {
            tracing::warn!(%peer, "inbound queue full or closed: request refused");
            self.answer_now(channel, WireError::Internal("busy".into()));
        }
    }

    fn answer_now(
        &mut self,
        channel: request_response::ResponseChannel<SyncResponse>,
        error: WireError,
    ) {
        let _ = self
            .swarm
            .behaviour_mut()
            .sync
            .send_response(channel, SyncResponse::Error(error));
    }

    /// Sends `PeerUp`/`PeerDown`; dropped (with a warning) if the queue is
    /// full, since `connected()` still tells the truth.
    fn announce(&self, event: Inbound) {
        if !self.deliver(event) {
            tracing::warn!("inbound queue full or closed: peer event dropped");
        }
    }
}

/// Whether a request/response I/O error means the peer sent bytes that do
/// not decode (the CBOR codec maps decode failures, and frames cut at the
/// size cap, to these kinds) rather than a network fault.
fn is_malformed(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::InvalidData | io::ErrorKind::UnexpectedEof | io::ErrorKind::Unsupported
    )
}

fn outbound_error(error: OutboundFailure) -> TransportError {
    match error {
        OutboundFailure::Timeout => TransportError::Timeout,
        OutboundFailure::DialFailure => TransportError::Unreachable("dial failed".into()),
        OutboundFailure::ConnectionClosed => {
            TransportError::Unreachable("connection closed".into())
        }
        OutboundFailure::UnsupportedProtocols => {
            TransportError::Unreachable("peer does not speak the sync protocol".into())
        }
        OutboundFailure::Io(error) => TransportError::Unreachable(format!("i/o: {error}")),
    }
}
