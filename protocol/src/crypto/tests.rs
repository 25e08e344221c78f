//! Signing and verification behaviour that callers rely on.

use super::*;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
struct Note {
    text: String,
}
impl Signable for Note {
    const TYPE: &'static str = "test-note";
}

#[derive(Debug, Clone, PartialEq, Serialize)]
struct Other {
    text: String,
}
impl Signable for Other {
    const TYPE: &'static str = "test-other";
}

fn key(byte: u8) -> SigningKey {
    SigningKey::from_seed(&[byte; 32])
}

#[test]
fn signature_covers_type_tag_and_bytes() {
    let signed = Note { text: "hi".into() }.sign(&key(1)).unwrap();
    assert_eq!(signed.verify(&key(1).public_key()), Ok(()));
    let message = domain_tagged("test-note", &[0, 0, 0, 2, b'h', b'i']);
    assert_eq!(message, b"pbnode/v1/test-note\0\0\0\0\x02hi");
    assert_eq!(
        signed.id().unwrap().as_bytes(),
        blake3::hash(&message).as_bytes()
    );
}

#[test]
fn a_different_expected_signer_is_refused() {
    let signed = Note { text: "hi".into() }.sign(&key(1)).unwrap();
    assert!(matches!(
        signed.verify(&key(2).public_key()),
        Err(SignatureError::WrongSigner { .. })
    ));
}

#[test]
fn a_signature_for_one_type_does_not_verify_as_another() {
    let signed = Note { text: "hi".into() }.sign(&key(1)).unwrap();
    let relabelled = Signed {
        value: Other { text: "hi".into() },
        signer: signed.signer,
        signature: signed.signature,
    };
    assert_eq!(
        relabelled.verify(&key(1).public_key()),
        Err(SignatureError::Invalid)
    );
}

#[test]
fn weak_and_invalid_keys_are_refused() {
    // The identity point (small order) and a y coordinate that is not on the curve.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    assert_eq!(PublicKey::from_bytes(&identity), Err(KeyError::Weak));
    // y = 2^255 - 1 is y = 18 written non-canonically (y >= p).
    let mut non_canonical = [0xffu8; 32];
    non_canonical[31] = 0x7f;
    assert_eq!(
        PublicKey::from_bytes(&non_canonical),
        Err(KeyError::NonCanonical)
    );
    let bytes = crate::encoding::to_bytes(&identity).unwrap();
    assert!(crate::encoding::from_bytes::<PublicKey>(&bytes).is_err());
}

#[test]
fn signing_key_debug_hides_the_secret() {
    let text = format!("{:?}", key(1));
    assert!(!text.contains(&hex::encode([1u8; 32])));
}

#[test]
fn batch_verification_names_the_bad_items() {
    let mut items: Vec<BatchItem> = (0..8u8)
        .map(|i| {
            let signed = Note {
                text: format!("n{i}"),
            }
            .sign(&key(i + 1))
            .unwrap();
            BatchItem::from_signed(&signed).unwrap()
        })
        .collect();
    assert_eq!(verify_batch(&items), Ok(()));
    items[2].message.push(0);
    items[5].signature.0[0] ^= 1;
    assert_eq!(verify_batch(&items), Err(vec![2, 5]));
    assert_eq!(verify_batch(&[]), Ok(()));
}

#[test]
fn canonical_y_check_has_its_boundary_at_p() {
    // p = 2^255 - 19 little-endian: ed ff .. ff 7f.
    let mut p = [0xffu8; 32];
    p[0] = 0xed;
    p[31] = 0x7f;
    assert!(!y_is_canonical(&p));
    let mut below = p;
    below[0] = 0xec;
    assert!(y_is_canonical(&below));
    let mut sign_bit_set = below;
    sign_bit_set[31] = 0xff;
    assert!(
        y_is_canonical(&sign_bit_set),
        "the sign bit is not part of y"
    );
    sign_bit_set[0] = 0xee;
    assert!(!y_is_canonical(&sign_bit_set));
}

#[test]
fn the_domain_tagged_hash_is_blake3_of_the_domain_tagged_bytes() {
    for (tag, canonical) in [("t", &b""[..]), ("ballot-commitment", &[7u8; 300][..])] {
        assert_eq!(
            crate::crypto::domain_tagged_hash(tag, canonical),
            *blake3::hash(&domain_tagged(tag, canonical)).as_bytes()
        );
    }
}

#[test]
fn the_small_order_encodings_are_those_of_the_eight_torsion_points() {
    use curve25519_dalek::constants::EIGHT_TORSION;
    let mut expected: Vec<[u8; 32]> = EIGHT_TORSION
        .iter()
        .map(|point| {
            let mut y = point.compress().to_bytes();
            y[31] &= 0x7f;
            y
        })
        .collect();
    // 0 and 1 written as p and p + 1.
    for low in [0xed, 0xee] {
        let mut y = [0xffu8; 32];
        y[0] = low;
        y[31] = 0x7f;
        expected.push(y);
    }
    expected.sort();
    expected.dedup();
    let mut listed = SMALL_ORDER_Y.to_vec();
    listed.sort();
    assert_eq!(listed, expected);
}

#[test]
fn the_weak_key_check_on_bytes_agrees_with_the_curve() {
    let mut candidates: Vec<[u8; 32]> = Vec::new();
    for y in SMALL_ORDER_Y {
        for sign in [0u8, 0x80] {
            let mut bytes = y;
            bytes[31] |= sign;
            candidates.push(bytes);
        }
    }
    for n in 0..=255u8 {
        candidates.push(*key(n).public_key().as_bytes());
        let mut low = [0u8; 32];
        low[0] = n;
        candidates.push(low);
        let mut high = [0xffu8; 32];
        high[0] = n;
        high[31] = 0x7f;
        candidates.push(high);
        candidates.push([n; 32]);
    }
    let mut decodable = 0;
    for bytes in candidates {
        let Some(point) = curve25519_dalek::edwards::CompressedEdwardsY(bytes).decompress() else {
            assert_eq!(PublicKey::from_bytes(&bytes), Err(KeyError::Invalid));
            continue;
        };
        decodable += 1;
        assert_eq!(
            is_small_order_encoding(&bytes),
            point.is_small_order(),
            "{bytes:02x?}"
        );
        let weak = ed25519_dalek::VerifyingKey::from_bytes(&bytes)
            .unwrap()
            .is_weak();
        assert_eq!(PublicKey::from_bytes(&bytes) == Err(KeyError::Weak), weak);
    }
    assert!(decodable > 300, "{decodable}");
}
