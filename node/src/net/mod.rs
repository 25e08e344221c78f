//! The federation network over libp2p: TCP + noise + yamux (QUIC with the
//! `quic` feature), gossipsub for small signed announcements,
//! request/response (CBOR) for everything large, identify and Kademlia for
//! member addresses, optional mDNS, connection limits, and an allow list
//! holding exactly the manifest's members.
//!
//! [`start`] spawns the network task and returns a [`NetHandle`] (which
//! implements [`crate::federation::Transport`]) and the receiver of
//! [`crate::federation::Inbound`] events. The libp2p identity is the node
//! key, so peers are named by [`pbnode_protocol::crypto::PublicKey`]
//! throughout.

mod behaviour;
mod config;
mod error;
mod events;
mod handle;
mod identity;
mod scores;
mod task;

#[cfg(test)]
mod tests;

pub use config::NetConfig;
pub use error::NetError;
pub use handle::NetHandle;
pub use identity::{keypair_from_seed, peer_id_of, public_key_of};
pub use scores::PeerScore;

use crate::federation::Inbound;
use behaviour::NetBehaviour;
use libp2p::futures::stream::FuturesUnordered;
use libp2p::identity::Keypair;
use libp2p::{Multiaddr, Swarm, SwarmBuilder, gossipsub, noise, tcp, yamux};
use pbnode_protocol::crypto::SigningKey;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use task::{ListenState, NetTask, Shared};
use tokio::sync::{mpsc, watch};

/// Starts the network on the current tokio runtime: binds the listen
/// addresses, spawns the network task, and returns the handle and the
/// inbound events. No peer is admitted until
/// [`crate::federation::Transport::set_members`] is called.
///
/// Must be called from within a tokio runtime.
pub fn start(
    config: NetConfig,
    node_seed: [u8; 32],
) -> Result<(NetHandle, mpsc::Receiver<Inbound>), NetError> {
    let listen = config
        .listen
        .iter()
        .map(|text| {
            text.parse::<Multiaddr>()
                .map_err(|error| NetError::Address {
                    address: text.clone(),
                    reason: error.to_string(),
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let keypair = keypair_from_seed(node_seed);
    let local_peer = keypair.public().to_peer_id();
    let mut swarm = build_swarm(keypair, &config)?;
    let mut unreported_listeners = HashSet::new();
    for address in listen {
        let id = swarm
            .listen_on(address.clone())
            .map_err(|error| NetError::Listen {
                address: address.to_string(),
                reason: error.to_string(),
            })?;
        unreported_listeners.insert(id);
    }

    let (command_tx, command_rx) = mpsc::unbounded_channel();
    let (inbound_tx, inbound_rx) = mpsc::channel(config.inbound_capacity.max(1));
    let (listen_tx, listen_rx) = watch::channel(ListenState {
        addresses: Vec::new(),
        ready: unreported_listeners.is_empty(),
    });
    let shared = Arc::new(Shared::default());
    let task = NetTask {
        swarm,
        topic: gossipsub::IdentTopic::new(config.topic()).hash(),
        commands: command_rx,
        inbound: inbound_tx,
        shared: shared.clone(),
        listen: listen_tx,
        unreported_listeners,
        members: HashMap::new(),
        up: HashMap::new(),
        subscribers: HashMap::new(),
        requests: HashMap::new(),
        waiting: FuturesUnordered::new(),
        scores: scores::Scoreboard::new(config.strike_limit, config.block_duration),
        answer_timeout: config.answer_timeout,
    };
    let join = tokio::spawn(task.run());
    let handle = NetHandle {
        local_key: SigningKey::from_seed(&node_seed).public_key(),
        local_peer,
        commands: command_tx,
        shared,
        listen: listen_rx,
        request_timeout: config.request_timeout,
        task: Arc::new(Mutex::new(Some(join))),
    };
    Ok((handle, inbound_rx))
}

/// Assembles transport and behaviours.
fn build_swarm(keypair: Keypair, config: &NetConfig) -> Result<Swarm<NetBehaviour>, NetError> {
    let build_error = |error: &dyn std::fmt::Display| NetError::Build(error.to_string());
    let idle = config.idle_connection_timeout;
    let builder = SwarmBuilder::with_existing_identity(keypair)
        .with_tokio()
        .with_tcp(
            tcp::Config::default().nodelay(true),
            noise::Config::new,
            yamux::Config::default,
        )
        .map_err(|error| build_error(&error))?;
    #[cfg(feature = "quic")]
    let builder = builder.with_quic();
    let swarm = builder
        .with_behaviour(|key| NetBehaviour::new(key, config))
        .map_err(|error| build_error(&error))?
        .with_swarm_config(|swarm_config| swarm_config.with_idle_connection_timeout(idle))
        .build();
    Ok(swarm)
}
