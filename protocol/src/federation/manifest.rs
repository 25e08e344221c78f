//! The federation manifest: a document signed by the region's key listing
//! the member jurisdictions (name, key, network addresses, parent region).
//! Nodes outside the manifest are refused; an update is a new manifest with a
//! higher version, signed by the same region key.

use crate::crypto::{PublicKey, Signable};
use serde::{Deserialize, Serialize};

mod check;
mod error;

pub use check::{MAX_NAME_LEN, check_update, verify_signed};
pub use error::ManifestError;

/// What a member does in the federation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MemberRole {
    /// A municipality: runs its own processes and collects its residents'
    /// ballots for regional processes.
    Municipality,
    /// A region: defines regional processes and aggregates its members.
    Region,
}

/// One member jurisdiction of a federation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// The jurisdiction's slug, the origin component of its logs
    /// (`pbnode/<slug>/<process>`).
    pub slug: String,
    /// Display name.
    pub name: String,
    /// The node's Ed25519 key (objects, checkpoints, and the libp2p
    /// identity all derive from it).
    pub key: PublicKey,
    /// Municipality or region.
    pub role: MemberRole,
    /// The slug of the region it belongs to (`None` for the top region).
    pub parent: Option<String>,
    /// libp2p multiaddresses where the node listens (may be empty when the
    /// node is found by discovery).
    pub addresses: Vec<String>,
}

/// The signed list of a federation's members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FederationManifest {
    /// The federation's name; also names its gossip topic.
    pub federation: String,
    /// Version, starting at 1; an update must have a higher one.
    pub version: u64,
    /// When it was issued (unix seconds).
    pub issued_at: u64,
    /// The key that signs this manifest and its updates (the region's).
    pub signer: PublicKey,
    /// Members, sorted by slug, slugs and keys unique.
    pub members: Vec<Member>,
}

impl Signable for FederationManifest {
    const TYPE: &'static str = "federation-manifest";
}
