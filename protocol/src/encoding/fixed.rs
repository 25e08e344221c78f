//! Fixed-size byte strings (hashes, keys, signatures, nonces): raw bytes with
//! no length prefix in the canonical encoding, lower-case hex strings in
//! human-readable formats such as JSON.

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::ser::{SerializeTuple, Serializer};
use std::fmt;

/// Serializes `bytes` as `N` raw bytes, or as hex when the format is human-readable.
pub fn serialize<S: Serializer, const N: usize>(
    bytes: &[u8; N],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    if serializer.is_human_readable() {
        // On the stack: this runs for every hash, key and signature of
        // every JSON answer (a receipt holds about thirty).
        let mut text = [0u8; 128];
        match text.get_mut(..2 * N) {
            Some(text) => {
                hex::encode_to_slice(bytes, text).map_err(serde::ser::Error::custom)?;
                let text = std::str::from_utf8(text).map_err(serde::ser::Error::custom)?;
                serializer.serialize_str(text)
            }
            None => serializer.serialize_str(&hex::encode(bytes)),
        }
    } else {
        let mut tuple = serializer.serialize_tuple(N)?;
        for byte in bytes {
            tuple.serialize_element(byte)?;
        }
        tuple.end()
    }
}

/// Deserializes what [`serialize`] wrote.
pub fn deserialize<'de, D: Deserializer<'de>, const N: usize>(
    deserializer: D,
) -> Result<[u8; N], D::Error> {
    if deserializer.is_human_readable() {
        deserializer.deserialize_str(HexVisitor::<N>)
    } else {
        deserializer.deserialize_tuple(N, RawVisitor::<N>)
    }
}

/// Parses exactly `N` bytes of hex (either case).
pub fn parse_hex<const N: usize>(text: &str) -> Result<[u8; N], hex::FromHexError> {
    let mut out = [0u8; N];
    hex::decode_to_slice(text, &mut out)?;
    Ok(out)
}

struct HexVisitor<const N: usize>;

impl<const N: usize> Visitor<'_> for HexVisitor<N> {
    type Value = [u8; N];
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{} hex digits", 2 * N)
    }
    fn visit_str<E: de::Error>(self, text: &str) -> Result<[u8; N], E> {
        parse_hex(text).map_err(E::custom)
    }
}

struct RawVisitor<const N: usize>;

impl<'de, const N: usize> Visitor<'de> for RawVisitor<N> {
    type Value = [u8; N];
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{N} bytes")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<[u8; N], A::Error> {
        let mut out = [0u8; N];
        for (i, slot) in out.iter_mut().enumerate() {
            *slot = seq
                .next_element()?
                .ok_or_else(|| de::Error::invalid_length(i, &self))?;
        }
        Ok(out)
    }
}
