//! [`NetHandle`]: the sending side, shared by clones.

use super::identity::peer_id_of;
use super::scores::PeerScore;
use super::task::{Command, ListenState, MemberEntry, Shared};
use crate::federation::{PeerAddress, Transport, TransportError};
use libp2p::{Multiaddr, PeerId};
use pbnode_protocol::crypto::PublicKey;
use pbnode_protocol::encoding;
use pbnode_protocol::federation::wire::MAX_GOSSIP_BYTES;
use pbnode_protocol::federation::{GossipMessage, SyncRequest, SyncResponse};
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;

/// How much longer than the request timeout a caller waits for the task's
/// answer (libp2p's own timeout fires first; this only guards a lost reply).
const REPLY_GRACE: Duration = Duration::from_secs(2);

/// A handle on the running network. Clones share one network task.
#[derive(Clone)]
pub struct NetHandle {
    pub(crate) local_key: PublicKey,
    pub(crate) local_peer: PeerId,
    pub(crate) commands: mpsc::UnboundedSender<Command>,
    pub(crate) shared: Arc<Shared>,
    pub(crate) listen: watch::Receiver<ListenState>,
    pub(crate) request_timeout: Duration,
    pub(crate) task: Arc<Mutex<Option<JoinHandle<()>>>>,
}

impl std::fmt::Debug for NetHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NetHandle")
            .field("local_peer", &self.local_peer)
            .finish_non_exhaustive()
    }
}

impl NetHandle {
    /// This node's key.
    pub fn local_key(&self) -> PublicKey {
        self.local_key
    }

    /// This node's libp2p peer id.
    pub fn local_peer_id(&self) -> PeerId {
        self.local_peer
    }

    /// The addresses the node listens on, once every configured listener has
    /// bound (so port 0 has become a real port).
    pub async fn listen_addrs(&self) -> Result<Vec<Multiaddr>, TransportError> {
        let mut listen = self.listen.clone();
        let state = listen
            .wait_for(|state| state.ready)
            .await
            .map_err(|_| TransportError::Stopped)?;
        Ok(state.addresses.clone())
    }

    /// Connected peers that have subscribed to the federation topic: the
    /// peers a publish reaches directly.
    pub fn subscribers(&self) -> Vec<PublicKey> {
        self.shared.subscribers()
    }

    /// What the network holds against each peer that has misbehaved.
    pub fn peer_scores(&self) -> HashMap<PublicKey, PeerScore> {
        self.shared.scores()
    }

    /// Publishes `data` exactly as given: no encoding and no size check on
    /// our side. An honest node never needs it; it exists so the defences of
    /// peers can be tested the way a buggy or hostile member would hit them
    /// (garbage, oversize frames). gossipsub still refuses, locally, data
    /// over its transmit limit (`MAX_GOSSIP_BYTES` plus the envelope
    /// allowance), so the largest frame it sends is what a receiver can be
    /// sent at all. Refused like [`Transport::publish`] while no peer has
    /// subscribed.
    pub fn publish_raw(&self, data: Vec<u8>) -> Result<(), TransportError> {
        self.send_gossip(data)
    }

    fn send_gossip(&self, data: Vec<u8>) -> Result<(), TransportError> {
        if !self.shared.has_subscribers() {
            return Err(TransportError::Publish(
                "no peer has subscribed to the federation topic yet".to_string(),
            ));
        }
        self.commands
            .send(Command::Publish(data))
            .map_err(|_| TransportError::Stopped)
    }

    /// Stops the network task and waits for it to end; every clone then
    /// reports [`TransportError::Stopped`].
    pub async fn shutdown(&self) {
        let _ = self.commands.send(Command::Shutdown);
        let task = self
            .task
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(task) = task
            && let Err(error) = task.await
        {
            tracing::warn!(%error, "network task ended abnormally");
        }
    }
}

impl Transport for NetHandle {
    fn request(
        &self,
        peer: PublicKey,
        request: SyncRequest,
    ) -> impl Future<Output = Result<SyncResponse, TransportError>> + Send {
        let commands = self.commands.clone();
        let limit = self.request_timeout + REPLY_GRACE;
        async move {
            let (reply, answer) = oneshot::channel();
            commands
                .send(Command::Request {
                    peer: peer_id_of(&peer),
                    request,
                    reply,
                })
                .map_err(|_| TransportError::Stopped)?;
            match tokio::time::timeout(limit, answer).await {
                Ok(Ok(result)) => result,
                Ok(Err(_)) => Err(TransportError::Stopped),
                Err(_) => Err(TransportError::Timeout),
            }
        }
    }

    /// Publishes the canonical encoding of `message`. Refused with
    /// [`TransportError::Invalid`] above `MAX_GOSSIP_BYTES`, and with
    /// [`TransportError::Publish`] while no peer has subscribed to the topic
    /// (gossipsub would drop it).
    fn publish(&self, message: GossipMessage) -> Result<(), TransportError> {
        let data = encoding::to_bytes(&message)
            .map_err(|error| TransportError::Invalid(error.to_string()))?;
        if data.len() > MAX_GOSSIP_BYTES {
            return Err(TransportError::Invalid(format!(
                "gossip message of {} bytes is over the {MAX_GOSSIP_BYTES}-byte cap",
                data.len()
            )));
        }
        self.send_gossip(data)
    }

    /// Replaces the allow list. Refused with [`TransportError::Invalid`] if
    /// an address is not a multiaddress (nothing is changed then).
    fn set_members(&self, members: Vec<PeerAddress>) -> Result<(), TransportError> {
        let entries = members
            .into_iter()
            .map(|member| {
                let addresses = member
                    .addresses
                    .iter()
                    .map(|text| {
                        text.parse::<Multiaddr>().map_err(|error| {
                            TransportError::Invalid(format!("address {text:?}: {error}"))
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(MemberEntry {
                    peer: peer_id_of(&member.key),
                    key: member.key,
                    addresses,
                })
            })
            .collect::<Result<Vec<_>, TransportError>>()?;
        self.commands
            .send(Command::SetMembers(entries))
            .map_err(|_| TransportError::Stopped)
    }

    fn connected(&self) -> Vec<PublicKey> {
        self.shared.connected()
    }
}
