//! Manifest and wire checks as the federation logic uses them: the
//! protocol's rules (`verify_signed`, `check_update`, the member lookups,
//! gossip decoding), mapped to [`FederationError`], and the note keys a
//! member signs checkpoints and cosignatures with.

use super::error::FederationError;
use pbnode_protocol::crypto::{PublicKey, Signed};
use pbnode_protocol::federation::{self, FederationManifest, GossipMessage, Member};
use pbnode_protocol::note::{SignatureType, VerifierKey};

fn invalid(e: impl std::fmt::Display) -> FederationError {
    FederationError::Manifest(e.to_string())
}

/// Checks a signed manifest against the pinned signer key and the
/// manifest rules.
pub(crate) fn verify_manifest(
    signed: &Signed<FederationManifest>,
    trusted: &PublicKey,
) -> Result<(), FederationError> {
    federation::verify_signed(signed, trusted)
        .map(|_| ())
        .map_err(invalid)
}

/// Checks that `update` may replace `current`: same signer, higher
/// version, valid.
pub(crate) fn check_update(
    current: &FederationManifest,
    update: &Signed<FederationManifest>,
) -> Result<(), FederationError> {
    federation::check_update(current, update)
        .map(|_| ())
        .map_err(invalid)
}

/// The member with this node key.
pub(crate) fn member_by_key<'m>(m: &'m FederationManifest, key: &PublicKey) -> Option<&'m Member> {
    m.member_by_key(key)
}

/// The member that owns a log (`pbnode/<slug>/<process>`).
pub(crate) fn member_of_origin<'m>(
    m: &'m FederationManifest,
    origin: &str,
) -> Result<&'m Member, FederationError> {
    m.member_of_origin(origin)
        .ok_or_else(|| FederationError::UnknownLog(origin.into()))
}

/// The key that signs an origin's checkpoints: the owner's node key under
/// the origin as key name (see `Node::log_verifier_key`).
pub(crate) fn log_key(owner: &Member, origin: &str) -> Result<VerifierKey, FederationError> {
    VerifierKey::new(origin, SignatureType::Ed25519, *owner.key.as_dalek())
        .map_err(|e| FederationError::UnknownLog(format!("{origin}: {e}")))
}

/// A member's witness key: its node key under `<slug>/witness`, type 0x04
/// (see `Node::witness_key_name`).
pub(crate) fn witness_key(member: &Member) -> Result<VerifierKey, FederationError> {
    VerifierKey::new(
        &format!("{}/witness", member.slug),
        SignatureType::CosignatureV1,
        *member.key.as_dalek(),
    )
    .map_err(|e| invalid(format!("witness key of {}: {e}", member.slug)))
}

/// Decodes gossip bytes strictly and checks what the types do not; `None`
/// for oversize, malformed or ill-formed messages.
pub(crate) fn decode_gossip(bytes: &[u8]) -> Option<GossipMessage> {
    let message = GossipMessage::decode(bytes).ok()?;
    message.check().ok()?;
    Some(message)
}
