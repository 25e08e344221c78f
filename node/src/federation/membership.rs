//! Manifest checks the federation logic needs: who signed it, who is a
//! member, which key signs an origin's checkpoints and cosignatures.
//!
//! Private helpers until the protocol crate's manifest module carries the
//! same checks (`verify_signed`, `check_update`, `member_of_origin`); they
//! hold the same rules, so folding them is a rename.

use super::error::FederationError;
use pbnode_protocol::crypto::{PublicKey, Signed};
use pbnode_protocol::federation::{FederationManifest, GossipMessage, Member};
use pbnode_protocol::note::{SignatureType, VerifierKey, parse_process_log_origin};
use pbnode_protocol::{encoding, federation::wire::MAX_GOSSIP_BYTES};

fn invalid(why: impl Into<String>) -> FederationError {
    FederationError::Manifest(why.into())
}

/// Checks a signed manifest against the pinned signer key and its own
/// well-formedness (members sorted by slug, slugs and keys unique).
pub(crate) fn verify_manifest(
    signed: &Signed<FederationManifest>,
    trusted: &PublicKey,
) -> Result<(), FederationError> {
    if signed.value.signer != *trusted {
        return Err(invalid("signed by another key than the pinned one"));
    }
    signed
        .verify(trusted)
        .map_err(|e| invalid(format!("signature: {e}")))?;
    let members = &signed.value.members;
    if members.windows(2).any(|w| w[0].slug >= w[1].slug) {
        return Err(invalid("members must be sorted by slug, slugs unique"));
    }
    for (i, m) in members.iter().enumerate() {
        if members[..i].iter().any(|o| o.key == m.key) {
            return Err(invalid(format!("key of {} listed twice", m.slug)));
        }
    }
    Ok(())
}

/// Checks that `new` may replace `current`: a higher version, same signer.
pub(crate) fn check_update(
    current: &FederationManifest,
    new: &FederationManifest,
) -> Result<(), FederationError> {
    if new.signer != current.signer {
        return Err(invalid("an update must be signed by the same key"));
    }
    if new.version <= current.version {
        return Err(invalid(format!(
            "version {} does not follow {}",
            new.version, current.version
        )));
    }
    Ok(())
}

/// The member with this slug.
pub(crate) fn member_by_slug<'m>(m: &'m FederationManifest, slug: &str) -> Option<&'m Member> {
    m.members.iter().find(|x| x.slug == slug)
}

/// The member with this node key.
pub(crate) fn member_by_key<'m>(m: &'m FederationManifest, key: &PublicKey) -> Option<&'m Member> {
    m.members.iter().find(|x| x.key == *key)
}

/// The member that owns a log (`pbnode/<slug>/<process>`).
pub(crate) fn member_of_origin<'m>(
    m: &'m FederationManifest,
    origin: &str,
) -> Result<&'m Member, FederationError> {
    let (slug, _) =
        parse_process_log_origin(origin).map_err(|_| FederationError::UnknownLog(origin.into()))?;
    member_by_slug(m, slug).ok_or_else(|| FederationError::UnknownLog(origin.into()))
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

/// Decodes gossip bytes strictly; `None` for oversize or malformed ones.
pub(crate) fn decode_gossip(bytes: &[u8]) -> Option<GossipMessage> {
    if bytes.len() > MAX_GOSSIP_BYTES {
        return None;
    }
    encoding::from_bytes(bytes).ok()
}
