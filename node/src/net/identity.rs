//! The node key is the libp2p identity: one Ed25519 key names a node both in
//! signed objects and on the wire, so a `PeerId` and a [`PublicKey`] convert
//! into each other without any lookup table.

use libp2p::PeerId;
use libp2p::identity::{self, Keypair};
use pbnode_protocol::crypto::PublicKey;

/// The libp2p keypair of a node, from its 32-byte Ed25519 seed (the same seed
/// as the node's signing key).
pub fn keypair_from_seed(seed: [u8; 32]) -> Keypair {
    let mut secret = seed;
    // Only fails for a slice that is not 32 bytes long; ours is.
    match Keypair::ed25519_from_bytes(&mut secret) {
        Ok(keypair) => keypair,
        Err(_) => unreachable!("an Ed25519 secret key is any 32 bytes"),
    }
}

/// The libp2p `PeerId` of a node key.
pub fn peer_id_of(key: &PublicKey) -> PeerId {
    // A `PublicKey` holds a valid Ed25519 point, which libp2p accepts.
    match identity::ed25519::PublicKey::try_from_bytes(key.as_bytes()) {
        Ok(ed) => identity::PublicKey::from(ed).to_peer_id(),
        Err(_) => unreachable!("a checked Ed25519 public key decodes"),
    }
}

/// The node key behind a `PeerId`, if the peer is named by an Ed25519 key
/// inlined in its id (libp2p does that for every Ed25519 identity). `None`
/// for other key types or hashed ids: such a peer cannot be a member.
pub fn public_key_of(peer: &PeerId) -> Option<PublicKey> {
    const IDENTITY_MULTIHASH: u64 = 0x00;
    let multihash: &libp2p::multihash::Multihash<64> = peer.as_ref();
    if multihash.code() != IDENTITY_MULTIHASH {
        return None;
    }
    let key = identity::PublicKey::try_decode_protobuf(multihash.digest()).ok()?;
    let ed = key.try_into_ed25519().ok()?;
    PublicKey::from_bytes(&ed.to_bytes()).ok()
}
