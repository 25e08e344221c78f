//! A jurisdiction: a municipality or a region, and the key its node signs with.

use crate::crypto::{PublicKey, Signable};
use crate::ids::Id;
use serde::{Deserialize, Serialize};

/// The id of a [`Jurisdiction`].
pub type JurisdictionId = Id<Jurisdiction>;

/// A municipality or region that runs a node. Self-signed by `key`; its
/// libp2p PeerId derives from the same Ed25519 key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jurisdiction {
    /// Human-readable name ("Gdańsk").
    pub name: String,
    /// The node's signing key.
    pub key: PublicKey,
    /// The region this jurisdiction belongs to, if any.
    pub parent: Option<JurisdictionId>,
}

impl Signable for Jurisdiction {
    const TYPE: &'static str = "jurisdiction";
}
