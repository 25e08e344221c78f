//! Federation: who belongs (the signed [`FederationManifest`]) and what nodes
//! say to each other ([`wire`]). Pure types and checks; the libp2p transport
//! and the replication logic live in the node.

pub mod manifest;
pub mod wire;

pub use manifest::{
    FederationManifest, ManifestError, Member, MemberRole, check_update, decode_signed,
    verify_signed,
};
pub use wire::{
    ForkEvidence, GossipMessage, LogInfo, MAX_ENTRIES_PER_REQUEST, MAX_GOSSIP_BYTES,
    MAX_SYNC_BYTES, ProcessEvent, SyncRequest, SyncResponse, WireError, message_id,
};
