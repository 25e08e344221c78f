//! The federation manifest: its rules (one test per refusal), signature,
//! updates and lookups.

use crate::region::key;
use pbnode_protocol::crypto::{Signable, Signed};
use pbnode_protocol::federation::{
    FederationManifest, ManifestError, Member, MemberRole, check_update, verify_signed,
};

pub const REGION_SEED: u8 = 1;

fn member(slug: &str, seed: u8, role: MemberRole, parent: Option<&str>) -> Member {
    Member {
        slug: slug.into(),
        name: slug.to_uppercase(),
        key: key(seed).public_key(),
        role,
        parent: parent.map(Into::into),
        addresses: vec![format!("/ip4/10.0.0.{seed}/tcp/4001")],
    }
}

/// A region and three municipalities, sorted by slug.
pub fn manifest() -> FederationManifest {
    FederationManifest {
        federation: "pomorskie".into(),
        version: 1,
        issued_at: 1_790_000_000,
        signer: key(REGION_SEED).public_key(),
        members: vec![
            member("gdansk", 11, MemberRole::Municipality, Some("pomorskie")),
            member("gdynia", 12, MemberRole::Municipality, Some("pomorskie")),
            member("pomorskie", REGION_SEED, MemberRole::Region, None),
            member("sopot", 13, MemberRole::Municipality, Some("pomorskie")),
        ],
    }
}

fn signed(manifest: FederationManifest) -> Signed<FederationManifest> {
    manifest.sign(&key(REGION_SEED)).unwrap()
}

fn refused(change: impl FnOnce(&mut FederationManifest)) -> ManifestError {
    let mut m = manifest();
    change(&mut m);
    m.check().unwrap_err()
}

#[test]
fn a_valid_manifest_passes_and_verifies_under_the_region_key() {
    manifest().check().unwrap();
    let s = signed(manifest());
    assert_eq!(
        verify_signed(&s, &key(REGION_SEED).public_key()),
        Ok(&s.value)
    );
}

#[test]
fn each_rule_is_refused_with_what_is_wrong() {
    assert_eq!(
        refused(|m| m.federation = "Pomorskie".into()),
        ManifestError::BadFederationName("Pomorskie".into())
    );
    assert_eq!(
        refused(|m| m.federation = String::new()),
        ManifestError::BadFederationName(String::new())
    );
    assert_eq!(
        refused(|m| m.federation = "a".repeat(65)),
        ManifestError::BadFederationName("a".repeat(65))
    );
    assert_eq!(refused(|m| m.version = 0), ManifestError::ZeroVersion);
    assert_eq!(
        refused(|m| m.members[0].slug = "gda/nsk".into()),
        ManifestError::BadSlug("gda/nsk".into())
    );
    assert_eq!(
        refused(|m| m.members.swap(0, 1)),
        ManifestError::MembersNotSorted {
            before: "gdynia".into(),
            after: "gdansk".into()
        }
    );
    assert_eq!(
        refused(|m| m.members[1].slug = "gdansk".into()),
        ManifestError::DuplicateSlug("gdansk".into())
    );
    assert_eq!(
        refused(|m| m.members[1].key = key(11).public_key()),
        ManifestError::DuplicateKey {
            key: key(11).public_key().to_string(),
            first: "gdansk".into(),
            second: "gdynia".into()
        }
    );
    assert_eq!(
        refused(|m| m.members[3].parent = Some("kaszuby".into())),
        ManifestError::UnknownParent {
            member: "sopot".into(),
            parent: "kaszuby".into()
        }
    );
    assert_eq!(
        refused(|m| m.members[3].parent = Some("gdansk".into())),
        ManifestError::ParentNotRegion {
            member: "sopot".into(),
            parent: "gdansk".into()
        }
    );
    assert_eq!(
        refused(|m| m.members[2].parent = Some("pomorskie".into())),
        ManifestError::ParentCycle("pomorskie".into())
    );
    assert_eq!(
        refused(|m| m.signer = key(11).public_key()),
        ManifestError::SignerNotRegion(key(11).public_key().to_string())
    );
    assert_eq!(
        refused(|m| m.signer = key(99).public_key()),
        ManifestError::SignerNotRegion(key(99).public_key().to_string())
    );
    for address in ["", "/", "ip4/1.2.3.4/tcp/1", "/ip4/1.2.3.4 /tcp/1"] {
        assert_eq!(
            refused(|m| m.members[0].addresses.push(address.into())),
            ManifestError::BadAddress {
                member: "gdansk".into(),
                address: address.into()
            }
        );
    }
}

#[test]
fn a_two_region_cycle_is_refused() {
    let error = refused(|m| {
        m.members[0].role = MemberRole::Region;
        m.members[0].parent = Some("pomorskie".into());
        m.members[2].parent = Some("gdansk".into());
    });
    assert!(matches!(error, ManifestError::ParentCycle(_)), "{error}");
}

#[test]
fn a_signature_must_verify_under_the_trusted_key() {
    let region = key(REGION_SEED).public_key();
    let mut forged = signed(manifest());
    forged.value.issued_at += 1;
    assert_eq!(
        verify_signed(&forged, &region),
        Err(ManifestError::BadSignature)
    );
    // Signed by a member's key, naming it as signer: not the trusted key.
    let mut by_member = manifest();
    by_member.signer = key(11).public_key();
    let by_member = by_member.sign(&key(11)).unwrap();
    assert!(matches!(
        verify_signed(&by_member, &region),
        Err(ManifestError::UntrustedSigner { .. })
    ));
    // The region's signature over a manifest whose signer field is another key.
    let mut mislabelled = manifest();
    mislabelled.signer = key(11).public_key();
    let mislabelled = mislabelled.sign(&key(REGION_SEED)).unwrap();
    assert!(matches!(
        verify_signed(&mislabelled, &region),
        Err(ManifestError::UntrustedSigner { .. })
    ));
    // A well-signed manifest that breaks a rule.
    let mut invalid = manifest();
    invalid.version = 0;
    assert_eq!(
        verify_signed(&signed(invalid), &region),
        Err(ManifestError::ZeroVersion)
    );
}

#[test]
fn updates_need_the_same_signer_and_a_higher_version() {
    let current = manifest();
    let mut next = manifest();
    next.version = 2;
    next.members.remove(3);
    assert_eq!(check_update(&current, &signed(next.clone())), Ok(&next));
    assert_eq!(
        check_update(&current, &signed(manifest())),
        Err(ManifestError::NotNewer { current: 1, new: 1 })
    );
    let mut other = manifest();
    other.version = 2;
    other.signer = key(11).public_key();
    other.members[0].role = MemberRole::Region;
    assert_eq!(
        check_update(&current, &other.sign(&key(11)).unwrap()),
        Err(ManifestError::WrongSigner)
    );
    let mut tampered = signed(next);
    tampered.value.version = 3;
    assert_eq!(
        check_update(&current, &tampered),
        Err(ManifestError::BadSignature)
    );
}

#[test]
fn lookups_by_key_slug_origin_and_region() {
    let m = manifest();
    assert_eq!(
        m.member_by_key(&key(12).public_key()).unwrap().slug,
        "gdynia"
    );
    assert!(m.member_by_key(&key(99).public_key()).is_none());
    assert_eq!(m.member_by_slug("sopot").unwrap().key, key(13).public_key());
    assert!(m.member_by_slug("gdańsk").is_none());
    let origin = format!("pbnode/gdansk/{}", "ab".repeat(32));
    assert_eq!(m.member_of_origin(&origin).unwrap().slug, "gdansk");
    assert!(m.member_of_origin("pbnode/elblag/abcd").is_none());
    assert!(m.member_of_origin("gdansk/abcd").is_none());
    let slugs: Vec<&str> = m
        .region_members("pomorskie")
        .iter()
        .map(|x| x.slug.as_str())
        .collect();
    assert_eq!(slugs, ["gdansk", "gdynia", "sopot"]);
    assert!(m.region_members("gdansk").is_empty());
}

#[test]
fn the_manifest_type_tag_is_distinct_from_every_object_tag() {
    let tag = <FederationManifest as Signable>::TYPE;
    assert!(!pbnode_protocol::objects::OBJECT_TYPES.contains(&tag));
    assert!(!pbnode_protocol::crypto::RESERVED_TYPES.contains(&tag));
}
