//! Byte-level checks of the canonical format: each rule of the specification
//! in `protocol/README.md` has a test here.

use super::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Sample {
    flag: bool,
    small: u8,
    wide: u64,
    signed: i64,
    name: String,
    list: Vec<u16>,
    maybe: Option<u32>,
    pair: (u8, String),
    fixed: [u8; 3],
    kind: Kind,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
enum Kind {
    Unit,
    Newtype(u32),
    Tuple(u8, u8),
    Struct { a: u8 },
}

fn sample() -> Sample {
    Sample {
        flag: true,
        small: 7,
        wide: 0x0102_0304_0506_0708,
        signed: -2,
        name: "hé".to_string(),
        list: vec![1, 0x0203],
        maybe: Some(5),
        pair: (9, "x".to_string()),
        fixed: [0xaa, 0xbb, 0xcc],
        kind: Kind::Struct { a: 4 },
    }
}

const SAMPLE_HEX: &str = concat!(
    "01",               // flag
    "07",               // small
    "0102030405060708", // wide
    "fffffffffffffffe", // signed
    "00000003",
    "68c3a9", // name: length 3, UTF-8 bytes
    "00000002",
    "0001",
    "0203", // list
    "01",
    "00000005", // maybe
    "09",
    "00000001",
    "78",     // pair
    "aabbcc", // fixed array, no length
    "00000003",
    "04", // enum variant 3, field a
);

#[test]
fn sample_encodes_to_the_specified_bytes() {
    let bytes = to_bytes(&sample()).unwrap();
    assert_eq!(hex::encode(&bytes), SAMPLE_HEX);
    assert_eq!(from_bytes::<Sample>(&bytes).unwrap(), sample());
}

#[test]
fn enum_variants_are_u32_index_then_payload() {
    assert_eq!(to_bytes(&Kind::Unit).unwrap(), [0, 0, 0, 0]);
    assert_eq!(
        to_bytes(&Kind::Newtype(1)).unwrap(),
        [0, 0, 0, 1, 0, 0, 0, 1]
    );
    assert_eq!(to_bytes(&Kind::Tuple(2, 3)).unwrap(), [0, 0, 0, 2, 2, 3]);
    assert!(matches!(
        from_bytes::<Kind>(&[0, 0, 0, 4]),
        Err(DecodeError::Custom(_))
    ));
}

#[test]
fn byte_vectors_and_byte_strings_share_one_encoding() {
    let as_seq = to_bytes(&vec![1u8, 2, 3]).unwrap();
    let mut as_bytes = Encoder::new();
    serde::Serializer::serialize_bytes(&mut as_bytes, &[1, 2, 3]).unwrap();
    assert_eq!(as_seq, as_bytes.into_bytes());
    assert_eq!(as_seq, [0, 0, 0, 3, 1, 2, 3]);
}

#[test]
fn trailing_bytes_are_rejected() {
    let mut bytes = to_bytes(&sample()).unwrap();
    bytes.push(0);
    assert_eq!(
        from_bytes::<Sample>(&bytes),
        Err(DecodeError::TrailingBytes(1))
    );
}

#[test]
fn truncated_input_is_rejected_at_every_length() {
    let bytes = to_bytes(&sample()).unwrap();
    for cut in 0..bytes.len() {
        assert!(from_bytes::<Sample>(&bytes[..cut]).is_err(), "cut at {cut}");
    }
}

#[test]
fn non_canonical_bool_and_option_tags_are_rejected() {
    assert_eq!(from_bytes::<bool>(&[2]), Err(DecodeError::InvalidBool(2)));
    assert_eq!(
        from_bytes::<Option<u8>>(&[2, 0]),
        Err(DecodeError::InvalidOptionTag(2))
    );
}

#[test]
fn invalid_utf8_is_rejected() {
    assert_eq!(
        from_bytes::<String>(&[0, 0, 0, 1, 0xff]),
        Err(DecodeError::InvalidUtf8)
    );
}

#[test]
fn forged_lengths_are_rejected_before_allocating() {
    let forged = [0xff, 0xff, 0xff, 0xff, 1, 2];
    assert_eq!(
        from_bytes::<Vec<u64>>(&forged),
        Err(DecodeError::LengthTooLarge {
            length: u32::MAX,
            remaining: 2
        })
    );
    assert!(matches!(
        from_bytes::<String>(&forged),
        Err(DecodeError::LengthTooLarge { .. })
    ));
}

#[test]
fn floats_chars_wide_ints_and_maps_are_refused() {
    assert_eq!(to_bytes(&1.5f64), Err(EncodeError::Unsupported("f64")));
    assert_eq!(to_bytes(&1.5f32), Err(EncodeError::Unsupported("f32")));
    assert_eq!(to_bytes(&'a'), Err(EncodeError::Unsupported("char")));
    assert_eq!(to_bytes(&1u128), Err(EncodeError::Unsupported("u128")));
    let map: BTreeMap<u8, u8> = BTreeMap::new();
    assert_eq!(to_bytes(&map), Err(EncodeError::Unsupported("map")));
    assert!(from_bytes::<f64>(&[0; 8]).is_err());
    assert!(from_bytes::<BTreeMap<u8, u8>>(&[0; 4]).is_err());
}

#[test]
fn sequences_of_zero_sized_items_are_refused() {
    assert_eq!(
        to_bytes(&vec![(), ()]),
        Err(EncodeError::ZeroSizedItems { count: 2, bytes: 0 })
    );
}

#[test]
fn skipped_fields_are_refused() {
    #[derive(Serialize)]
    struct Skips {
        #[serde(skip_serializing_if = "Option::is_none")]
        maybe: Option<u8>,
    }
    assert!(matches!(
        to_bytes(&Skips { maybe: None }),
        Err(EncodeError::Custom(_))
    ));
}
