//! Key ids, key names, vkey/skey round trips and type separation.

use sha2::{Digest, Sha256};

use super::support::{log_signer, witness_signer};
use crate::note::{NoteError, SignatureType, SignerKey, VerifierKey, check_key_name, key_id};

#[test]
fn key_id_is_the_sha256_prefix_of_name_newline_type_key() {
    let key = log_signer().verifier_key();
    let mut preimage = b"pbnode/test-town/pb-2026\n\x01".to_vec();
    preimage.extend_from_slice(key.public_key().as_bytes());
    let digest = Sha256::digest(&preimage);
    let expected = u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]);
    assert_eq!(key.key_id(), expected);
    assert_eq!(
        key_id(
            key.name(),
            SignatureType::Ed25519,
            key.public_key().as_bytes()
        ),
        expected
    );
}

#[test]
fn same_key_material_has_distinct_ids_per_type() {
    let as_log = SignerKey::from_seed("k", SignatureType::Ed25519, &[1; 32]).unwrap();
    let as_witness = SignerKey::from_seed("k", SignatureType::CosignatureV1, &[1; 32]).unwrap();
    assert_ne!(as_log.key_id(), as_witness.key_id());
    assert_eq!(
        as_log.verifier_key().public_key(),
        as_witness.verifier_key().public_key()
    );
}

#[test]
fn vkey_and_skey_round_trip_for_both_types() {
    for signer in [log_signer(), witness_signer(0)] {
        let vkey = signer.verifier_key();
        assert_eq!(VerifierKey::parse(&vkey.to_string()).unwrap(), vkey);
        let skey = signer.to_skey_string();
        assert!(skey.starts_with("PRIVATE+KEY+"));
        assert_eq!(SignerKey::parse(&skey).unwrap().verifier_key(), vkey);
    }
}

#[test]
fn key_names_follow_signed_note() {
    for good in ["a", "example.com/log42", "pbnode/x/y", "\u{e9}t\u{e9}"] {
        assert_eq!(check_key_name(good), Ok(()), "{good:?}");
    }
    for bad in [
        "",
        "a b",
        "a+b",
        "a\tb",
        "a\u{a0}b",
        "a\u{2003}b",
        "a\u{1}b",
    ] {
        assert!(check_key_name(bad).is_err(), "{bad:?}");
    }
    assert!(SignerKey::from_seed("bad name", SignatureType::Ed25519, &[1; 32]).is_err());
}

#[test]
fn vkey_parsing_is_canonical() {
    let vkey = log_signer().verifier_key().to_string();
    // Upper-case hex is not the spec's encoding.
    let (name, rest) = vkey.split_once('+').unwrap();
    let (hex8, b64) = rest.split_once('+').unwrap();
    let upper = format!("{name}+{}+{b64}", hex8.to_uppercase());
    if upper != vkey {
        assert_eq!(
            VerifierKey::parse(&upper),
            Err(NoteError::MalformedVerifierKey)
        );
    }
    // An extra `+` part or a missing one.
    assert!(VerifierKey::parse(&format!("{vkey}+x")).is_err());
    assert!(VerifierKey::parse(&format!("{name}+{hex8}")).is_err());
    // A wrong id is reported with both values.
    let wrong = format!("{name}+00000000+{b64}");
    assert!(matches!(
        VerifierKey::parse(&wrong),
        Err(NoteError::KeyIdMismatch { written: 0, .. })
    ));
}

#[test]
fn signer_key_debug_does_not_leak_the_seed() {
    let signer = log_signer();
    let debug = format!("{signer:?}");
    let skey = signer.to_skey_string();
    let secret_b64 = skey.rsplit('+').next().unwrap();
    assert!(!debug.contains(secret_b64));
    assert!(debug.contains("pbnode/test-town/pb-2026"));
}
