//! Federation: who belongs (the signed [`FederationManifest`]) and what nodes
//! say to each other ([`wire`]). Pure types and checks; the libp2p transport
//! and the replication logic live in the node.

pub mod manifest;
pub mod wire;

pub use manifest::{FederationManifest, ManifestError, Member, MemberRole};
pub use wire::{GossipMessage, LogInfo, ProcessEvent, SyncRequest, SyncResponse, WireError};
