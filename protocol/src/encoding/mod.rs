//! The one canonical byte encoding of every pbnode object.
//!
//! Every object that is hashed or signed is encoded with this format, and only
//! with it. The format is a plain, self-delimiting binary layout driven by the
//! serde data model, so each type gets it from `#[derive(Serialize, Deserialize)]`:
//!
//! * struct fields and tuple elements in declaration order, with no names or
//!   separators;
//! * unsigned and signed integers (8 to 64 bits) fixed-width big-endian
//!   (signed ones two's complement);
//! * `bool` as one byte `0x00`/`0x01`;
//! * strings and byte strings as a `u32` big-endian length, then the bytes
//!   (strings must be UTF-8);
//! * sequences as a `u32` count, then the items; fixed-size arrays and tuples
//!   with no count;
//! * `Option` as `0x00` (none) or `0x01` followed by the value;
//! * enums as a `u32` variant index (declaration order), then the payload.
//!
//! Floats, `char`, 128-bit integers and maps are refused: floats have several
//! encodings of one value and maps have no fixed order, so they cannot be
//! canonical (use integers and sorted `Vec`s). Decoding is strict: it rejects
//! trailing bytes, booleans and option tags other than 0/1, invalid UTF-8 and
//! unknown enum variants, so `encode(decode(b)) == b` for every accepted `b`.
//! A length or count larger than the bytes left is rejected before anything
//! is allocated, so a forged length cannot make the decoder allocate more
//! memory than the input itself occupies.
//!
//! Serde attributes that need self-description (`#[serde(tag = ..)]`,
//! `untagged`, `flatten`, `skip_serializing_if`) must not be used on canonical
//! types: this format is not self-describing and refuses `deserialize_any`.
//!
//! The byte-level specification for independent implementers is in
//! `protocol/README.md`.

mod de;
mod error;
pub mod fixed;
mod ser;

pub use de::Decoder;
pub use error::{DecodeError, EncodeError};
pub use ser::Encoder;

use serde::{Serialize, de::DeserializeOwned};

/// Encodes `value` into its canonical bytes.
pub fn to_bytes<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, EncodeError> {
    let mut encoder = Encoder::new();
    value.serialize(&mut encoder)?;
    Ok(encoder.into_bytes())
}

/// Decodes a value from exactly `bytes` (trailing bytes are an error).
pub fn from_bytes<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    let mut decoder = Decoder::new(bytes);
    let value = T::deserialize(&mut decoder)?;
    decoder.finish()?;
    Ok(value)
}

#[cfg(test)]
mod tests;
