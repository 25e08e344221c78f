//! What the network layer needs to know to start.

use std::time::Duration;

/// Network settings. [`NetConfig::new`] gives production defaults; tests
/// shorten the timers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetConfig {
    /// Multiaddresses to listen on, as text (for instance
    /// `/ip4/0.0.0.0/tcp/4100`; port 0 picks a free port).
    pub listen: Vec<String>,
    /// The federation's name; the gossip topic is `pbnode/<federation>/v1`.
    pub federation: String,
    /// How long a connection with no open stream stays up. libp2p's default
    /// is 10 s, which drops quiet federation links between checkpoints.
    pub idle_connection_timeout: Duration,
    /// Most established connections to one peer (2 lets two members dial
    /// each other at the same moment without one side refusing).
    pub max_connections_per_peer: u32,
    /// Most established connections in total.
    pub max_connections: u32,
    /// How long an outbound request may take before it fails with
    /// `TransportError::Timeout`.
    pub request_timeout: Duration,
    /// How long the local federation logic has to answer an inbound request
    /// (or judge a gossip message) before the network answers
    /// `SyncResponse::Error(Internal)` (or reports the message as ignored).
    /// Shorter than `request_timeout` so the requester gets that answer.
    pub answer_timeout: Duration,
    /// Discover peers on the local network by mDNS (off by default: it
    /// multicasts on the real interface).
    pub mdns: bool,
    /// Strikes (rejected gossip messages, malformed requests) after which a
    /// peer is disconnected and blocked.
    pub strike_limit: u32,
    /// How long a struck-out peer stays blocked.
    pub block_duration: Duration,
    /// Capacity of the channel of [`crate::federation::Inbound`] events; when
    /// it is full, gossip is ignored and requests are answered "busy" rather
    /// than stalling the network task.
    pub inbound_capacity: usize,
}

impl NetConfig {
    /// Production defaults for a federation, listening nowhere yet.
    pub fn new(federation: impl Into<String>) -> Self {
        NetConfig {
            listen: Vec::new(),
            federation: federation.into(),
            idle_connection_timeout: Duration::from_secs(60),
            max_connections_per_peer: 2,
            max_connections: 256,
            request_timeout: Duration::from_secs(30),
            answer_timeout: Duration::from_secs(20),
            mdns: false,
            strike_limit: 5,
            block_duration: Duration::from_secs(600),
            inbound_capacity: 1024,
        }
    }

    /// The gossip topic of the federation.
    pub fn topic(&self) -> String {
        format!("pbnode/{}/v1", self.federation)
    }
}
