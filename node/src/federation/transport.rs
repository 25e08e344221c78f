//! The seam between the federation logic and the network.
//!
//! The network layer ([`crate::net`]) turns libp2p events into [`Inbound`]
//! values on a channel and implements [`Transport`] for sending. Peers are
//! named by their node key (the libp2p identity is the same Ed25519 key).
//! The federation logic never sees libp2p types, so it is tested over an
//! in-process transport between real federation instances.

use pbnode_protocol::crypto::PublicKey;
use pbnode_protocol::federation::{GossipMessage, SyncRequest, SyncResponse};
use std::future::Future;
use tokio::sync::oneshot;

/// The judgement on a gossip message, reported back to gossipsub: accepted
/// messages are forwarded, rejected ones score their sender down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Valid: forward it.
    Accept,
    /// Invalid (forged, malformed, oversize): drop it and penalise the peer.
    Reject,
    /// Valid but useless (old, duplicate): drop it without penalty.
    Ignore,
}

/// Something a peer sent us.
#[derive(Debug)]
pub enum Inbound {
    /// A gossip message. Every one must get a verdict on `verdict`, or
    /// gossipsub holds it until it times out.
    Gossip {
        /// The node key of the message's author (gossipsub signed source).
        author: PublicKey,
        /// The node key of the peer that forwarded it to us.
        via: PublicKey,
        /// The raw message bytes (canonical encoding of a
        /// [`GossipMessage`]; decoding and checking them is the receiver's
        /// job).
        data: Vec<u8>,
        /// Where to send the verdict.
        verdict: oneshot::Sender<Verdict>,
    },
    /// A request/response request; the answer goes to `reply`.
    Request {
        /// The requesting peer's node key.
        from: PublicKey,
        /// The request.
        request: SyncRequest,
        /// Where to send the answer.
        reply: oneshot::Sender<SyncResponse>,
    },
    /// A member peer connected.
    PeerUp(PublicKey),
    /// A member peer's last connection closed.
    PeerDown(PublicKey),
}

/// A federation member as the network needs it: its key and addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerAddress {
    /// The node key (its libp2p PeerId derives from it).
    pub key: PublicKey,
    /// libp2p multiaddresses, as text.
    pub addresses: Vec<String>,
}

/// Why sending to a peer failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    /// No connection to the peer could be made or kept.
    #[error("peer unreachable: {0}")]
    Unreachable(String),
    /// The peer did not answer in time.
    #[error("request timed out")]
    Timeout,
    /// The message is too large or could not be encoded.
    #[error("cannot send: {0}")]
    Invalid(String),
    /// Gossip could not be published (for instance, no subscribed peer yet).
    #[error("publish failed: {0}")]
    Publish(String),
    /// The network task has stopped.
    #[error("the network has stopped")]
    Stopped,
}

/// Sending side of the network.
pub trait Transport: Send + Sync + 'static {
    /// Sends a request to a member peer and waits for its answer.
    fn request(
        &self,
        peer: PublicKey,
        request: SyncRequest,
    ) -> impl Future<Output = Result<SyncResponse, TransportError>> + Send;

    /// Publishes a gossip message to the federation topic.
    fn publish(&self, message: GossipMessage) -> Result<(), TransportError>;

    /// Replaces the set of admitted peers (from the manifest): connections
    /// from anyone else are refused, and listed peers with addresses are
    /// dialled.
    fn set_members(&self, members: Vec<PeerAddress>) -> Result<(), TransportError>;

    /// The peers currently connected.
    fn connected(&self) -> Vec<PublicKey>;
}
