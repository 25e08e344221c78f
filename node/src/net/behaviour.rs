//! The libp2p protocols a node runs, combined into one `NetworkBehaviour`.

use super::config::NetConfig;
use libp2p::identity::Keypair;
use libp2p::swarm::NetworkBehaviour;
use libp2p::swarm::behaviour::toggle::Toggle;
use libp2p::{
    StreamProtocol, allow_block_list, connection_limits, gossipsub, identify, kad, mdns,
    request_response,
};
use pbnode_protocol::federation::wire::{MAX_GOSSIP_BYTES, MAX_SYNC_BYTES};
use pbnode_protocol::federation::{SyncRequest, SyncResponse};

/// The request/response protocol carrying [`SyncRequest`]s.
pub(crate) const SYNC_PROTOCOL: StreamProtocol = StreamProtocol::new("/pbnode/sync/1");
/// The Kademlia protocol name: our own, so a pbnode node never joins the
/// public IPFS DHT.
const KAD_PROTOCOL: StreamProtocol = StreamProtocol::new("/pbnode/kad/1");
/// identify's protocol version string.
const IDENTIFY_VERSION: &str = "/pbnode/1";
/// Room for gossipsub's envelope (signature, key, sequence number, topic)
/// around a message of [`MAX_GOSSIP_BYTES`]: the transmit limit applies to
/// the whole frame on receipt, so without it a maximal message would be
/// published but dropped by every receiver. The data itself is capped at
/// [`MAX_GOSSIP_BYTES`] on both sides by the network task.
const ENVELOPE_ALLOWANCE: usize = 4 * 1024;

/// The combined behaviour. Allow list first: a connection it denies is
/// refused before any other protocol sees it.
#[derive(NetworkBehaviour)]
pub(crate) struct NetBehaviour {
    /// Only manifest members may connect.
    pub(crate) members: allow_block_list::Behaviour<allow_block_list::AllowedPeers>,
    /// Members that misbehaved, for a while.
    pub(crate) blocked: allow_block_list::Behaviour<allow_block_list::BlockedPeers>,
    pub(crate) limits: connection_limits::Behaviour,
    pub(crate) gossipsub: gossipsub::Behaviour,
    pub(crate) sync: request_response::cbor::Behaviour<SyncRequest, SyncResponse>,
    pub(crate) identify: identify::Behaviour,
    pub(crate) kad: kad::Behaviour<kad::store::MemoryStore>,
    pub(crate) mdns: Toggle<mdns::tokio::Behaviour>,
}

type BuildError = Box<dyn std::error::Error + Send + Sync>;

impl NetBehaviour {
    /// Assembles the protocols for `key`, subscribed to the federation topic.
    pub(crate) fn new(key: &Keypair, config: &NetConfig) -> Result<Self, BuildError> {
        let peer_id = key.public().to_peer_id();
        let limits = connection_limits::ConnectionLimits::default()
            .with_max_established_per_peer(Some(config.max_connections_per_peer))
            .with_max_established(Some(config.max_connections));

        let codec = request_response::cbor::codec::Codec::default()
            .set_request_size_maximum(MAX_SYNC_BYTES as u64)
            .set_response_size_maximum(MAX_SYNC_BYTES as u64);
        let sync = request_response::Behaviour::with_codec(
            codec,
            [(SYNC_PROTOCOL, request_response::ProtocolSupport::Full)],
            request_response::Config::default().with_request_timeout(config.request_timeout),
        );

        let kad = {
            let mut kad_config = kad::Config::new(KAD_PROTOCOL);
            kad_config.set_query_timeout(config.request_timeout);
            let mut behaviour = kad::Behaviour::with_config(
                peer_id,
                kad::store::MemoryStore::new(peer_id),
                kad_config,
            );
            behaviour.set_mode(Some(kad::Mode::Server));
            behaviour
        };

        let mdns = if config.mdns {
            Some(mdns::tokio::Behaviour::new(
                mdns::Config::default(),
                peer_id,
            )?)
        } else {
            None
        };

        Ok(NetBehaviour {
            members: allow_block_list::Behaviour::default(),
            blocked: allow_block_list::Behaviour::default(),
            limits: connection_limits::Behaviour::new(limits),
            gossipsub: gossip(key, config)?,
            sync,
            identify: identify::Behaviour::new(identify::Config::new(
                IDENTIFY_VERSION.to_string(),
                key.public(),
            )),
            kad,
            mdns: Toggle::from(mdns),
        })
    }
}

/// Gossipsub: signed messages checked strictly, content-addressed ids (so a
/// message re-published by another node is a duplicate), every message held
/// until the federation logic judges it, and peer scoring so that rejected
/// messages count against their sender.
fn gossip(key: &Keypair, config: &NetConfig) -> Result<gossipsub::Behaviour, BuildError> {
    let gossip_config = gossipsub::ConfigBuilder::default()
        .validation_mode(gossipsub::ValidationMode::Strict)
        .message_id_fn(|message: &gossipsub::Message| {
            gossipsub::MessageId::from(blake3::hash(&message.data).as_bytes().to_vec())
        })
        .validate_messages()
        .max_transmit_size(MAX_GOSSIP_BYTES + ENVELOPE_ALLOWANCE)
        .build()?;
    let mut behaviour = gossipsub::Behaviour::new(
        gossipsub::MessageAuthenticity::Signed(key.clone()),
        gossip_config,
    )?;
    let topic = gossipsub::IdentTopic::new(config.topic());
    behaviour.with_peer_score(
        score_params(&topic),
        gossipsub::PeerScoreThresholds::default(),
    )?;
    behaviour.subscribe(&topic)?;
    Ok(behaviour)
}

/// Scoring tuned for a small, quiet, admitted set of peers.
fn score_params(topic: &gossipsub::IdentTopic) -> gossipsub::PeerScoreParams {
    let mut params = gossipsub::PeerScoreParams {
        // Admission is by the signed manifest, not by IP: members may share a
        // host (and do in tests).
        ip_colocation_factor_weight: 0.0,
        ..Default::default()
    };
    let topic_params = gossipsub::TopicScoreParams {
        topic_weight: 1.0,
        // A federation topic is quiet (a checkpoint now and then): do not
        // punish mesh peers for delivering few messages.
        mesh_message_deliveries_weight: 0.0,
        mesh_failure_penalty_weight: 0.0,
        // Rejected messages (P4) weigh -1 × count²: the network task blocks a
        // peer after `strike_limit` (5) rejections, before gossipsub
        // graylists it (-80, about 9 rejections) and stops delivering its
        // messages for judgement.
        invalid_message_deliveries_weight: -1.0,
        ..Default::default()
    };
    params.topics.insert(topic.hash(), topic_params);
    params
}
