//! The rules a manifest follows, its signature and update checks, and
//! lookups by key, slug and log origin.

use super::{FederationManifest, ManifestError, Member, MemberRole};
use crate::crypto::{PublicKey, SignatureError, Signed};
use crate::note::{MAX_COMPONENT_LEN, parse_process_log_origin, process_log_origin};
use std::collections::BTreeMap;

/// Longest federation name, in bytes (the same bound as an origin component).
pub const MAX_NAME_LEN: usize = MAX_COMPONENT_LEN;

fn valid_name(name: &str) -> bool {
    let allowed = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-._".contains(&b);
    !name.is_empty() && name.len() <= MAX_NAME_LEN && name.bytes().all(allowed)
}

/// A multiaddress as text: `/`, then no whitespace or control characters.
/// The transport parses it fully; this only keeps obvious garbage out of a
/// signed document.
fn valid_address(address: &str) -> bool {
    address.starts_with('/')
        && address.len() > 1
        && !address.chars().any(|c| c.is_whitespace() || c.is_control())
}

impl FederationManifest {
    /// Checks the rules a valid manifest follows beyond its types: the
    /// federation name is 1 to 64 characters of `a-z 0-9 - . _`; the
    /// version is at least 1; members are sorted by slug, each slug a valid
    /// origin component, slugs and keys unique; every parent names a region
    /// member and parents form no cycle; the signer is the key of a region
    /// member; every address is a multiaddress text.
    pub fn check(&self) -> Result<(), ManifestError> {
        if !valid_name(&self.federation) {
            return Err(ManifestError::BadFederationName(self.federation.clone()));
        }
        if self.version == 0 {
            return Err(ManifestError::ZeroVersion);
        }
        let mut by_key: BTreeMap<PublicKey, &str> = BTreeMap::new();
        for (i, member) in self.members.iter().enumerate() {
            // The slug is the jurisdiction component of the member's log
            // origins: the same rules, checked by the same function.
            if process_log_origin(&member.slug, "x").is_err() {
                return Err(ManifestError::BadSlug(member.slug.clone()));
            }
            if let Some(previous) = i.checked_sub(1).and_then(|p| self.members.get(p)) {
                if previous.slug == member.slug {
                    return Err(ManifestError::DuplicateSlug(member.slug.clone()));
                }
                if previous.slug > member.slug {
                    return Err(ManifestError::MembersNotSorted {
                        before: previous.slug.clone(),
                        after: member.slug.clone(),
                    });
                }
            }
            if let Some(first) = by_key.insert(member.key, &member.slug) {
                return Err(ManifestError::DuplicateKey {
                    key: member.key.to_string(),
                    first: first.to_owned(),
                    second: member.slug.clone(),
                });
            }
            if let Some(address) = member.addresses.iter().find(|a| !valid_address(a)) {
                return Err(ManifestError::BadAddress {
                    member: member.slug.clone(),
                    address: address.clone(),
                });
            }
        }
        for member in &self.members {
            self.check_parent(member)?;
        }
        match self.member_by_key(&self.signer) {
            Some(member) if member.role == MemberRole::Region => Ok(()),
            _ => Err(ManifestError::SignerNotRegion(self.signer.to_string())),
        }
    }

    fn check_parent(&self, member: &Member) -> Result<(), ManifestError> {
        let Some(parent_slug) = &member.parent else {
            return Ok(());
        };
        let parent =
            self.member_by_slug(parent_slug)
                .ok_or_else(|| ManifestError::UnknownParent {
                    member: member.slug.clone(),
                    parent: parent_slug.clone(),
                })?;
        if parent.role != MemberRole::Region {
            return Err(ManifestError::ParentNotRegion {
                member: member.slug.clone(),
                parent: parent_slug.clone(),
            });
        }
        // Walk up at most one step per member. A chain that returns to this
        // member is its cycle; a chain caught in a cycle above it is reported
        // when the members of that cycle are checked.
        let mut current = parent;
        for _ in 0..self.members.len() {
            if current.slug == member.slug {
                return Err(ManifestError::ParentCycle(member.slug.clone()));
            }
            match current
                .parent
                .as_deref()
                .and_then(|p| self.member_by_slug(p))
            {
                Some(next) => current = next,
                None => return Ok(()),
            }
        }
        Ok(())
    }

    /// The member whose node key is `key`.
    pub fn member_by_key(&self, key: &PublicKey) -> Option<&Member> {
        self.members.iter().find(|m| m.key == *key)
    }

    /// The member with this slug.
    pub fn member_by_slug(&self, slug: &str) -> Option<&Member> {
        self.members
            .binary_search_by(|m| m.slug.as_str().cmp(slug))
            .ok()
            .and_then(|i| self.members.get(i))
            // A manifest that failed `check` may be unsorted: fall back to a scan.
            .or_else(|| self.members.iter().find(|m| m.slug == slug))
    }

    /// The member that runs the log with this origin
    /// (`pbnode/<slug>/<process>`), or `None` when the origin is not a
    /// pbnode origin or its slug is not a member.
    pub fn member_of_origin(&self, origin: &str) -> Option<&Member> {
        let (slug, _) = parse_process_log_origin(origin).ok()?;
        self.member_by_slug(slug)
    }

    /// The members whose parent is the region `region_slug` (its direct
    /// members, in slug order).
    pub fn region_members(&self, region_slug: &str) -> Vec<&Member> {
        self.members
            .iter()
            .filter(|m| m.parent.as_deref() == Some(region_slug))
            .collect()
    }
}

/// Verifies a signed manifest against the key the caller trusts: the
/// signature's key and the manifest's `signer` field are that key, the
/// signature verifies strictly, and the manifest passes
/// [`FederationManifest::check`].
pub fn verify_signed<'a>(
    signed: &'a Signed<FederationManifest>,
    trusted_signer: &PublicKey,
) -> Result<&'a FederationManifest, ManifestError> {
    let untrusted = |found: &PublicKey| ManifestError::UntrustedSigner {
        expected: trusted_signer.to_string(),
        found: found.to_string(),
    };
    if signed.value.signer != *trusted_signer {
        return Err(untrusted(&signed.value.signer));
    }
    signed.verify(trusted_signer).map_err(|error| match error {
        SignatureError::WrongSigner { .. } => untrusted(&signed.signer),
        SignatureError::Invalid | SignatureError::Encoding(_) => ManifestError::BadSignature,
    })?;
    signed.value.check()?;
    Ok(&signed.value)
}

/// Checks that `update` may replace `current`: signed by the same key
/// (rotating the region key needs a new trust anchor, not an update), a
/// higher version, and valid by [`verify_signed`] under that key.
pub fn check_update<'a>(
    current: &FederationManifest,
    update: &'a Signed<FederationManifest>,
) -> Result<&'a FederationManifest, ManifestError> {
    if update.signer != current.signer || update.value.signer != current.signer {
        return Err(ManifestError::WrongSigner);
    }
    if update.value.version <= current.version {
        return Err(ManifestError::NotNewer {
            current: current.version,
            new: update.value.version,
        });
    }
    verify_signed(update, &current.signer)
}
