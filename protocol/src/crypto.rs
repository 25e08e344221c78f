//! Keys, domain-separated signatures and content ids.
//!
//! Every signature is Ed25519 over `"pbnode/v1/" || TYPE || 0x00 ||
//! canonical_bytes`, where `TYPE` names the object type ([`Signable::TYPE`]),
//! so a signature on one kind of object can never pass for another. An
//! object's id is BLAKE3-256 of the same domain-tagged bytes.
//!
//! Verification follows RFC 8032 with the stricter checks of ed25519-dalek's
//! `verify_strict` (libsodium behaves the same): the public key and the
//! signature's `R` must not be of small order and `s` must be reduced.
//! Weak (small-order) public keys are refused already when a [`PublicKey`] is
//! built or decoded.

use crate::encoding::{self, EncodeError};
use crate::ids::{Id, fixed_bytes_type};
use ed25519_dalek::Signer;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::hash::{Hash, Hasher};

/// The prefix of every domain-tagged message: protocol name and version.
pub const DOMAIN_PREFIX: &[u8] = b"pbnode/v1/";

/// Type tags that no [`Signable`] type may use, because another hash input
/// of the protocol starts with `"pbnode/v1/" || tag || 0x00`.
pub const RESERVED_TYPES: &[&str] = &[crate::ballot::COMMITMENT_TAG];

/// `"pbnode/v1/" || type_tag || 0x00 || canonical`: the bytes that are
/// signed and hashed for an object of type `type_tag`.
pub fn domain_tagged(type_tag: &str, canonical: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(DOMAIN_PREFIX.len() + type_tag.len() + 1 + canonical.len());
    out.extend_from_slice(DOMAIN_PREFIX);
    out.extend_from_slice(type_tag.as_bytes());
    out.push(0);
    out.extend_from_slice(canonical);
    out
}

/// BLAKE3-256 of [`domain_tagged`]`(type_tag, canonical)` (an object's id),
/// hashed from the parts without copying them into one buffer.
pub(crate) fn domain_tagged_hash(type_tag: &str, canonical: &[u8]) -> [u8; 32] {
    *blake3::Hasher::new()
        .update(DOMAIN_PREFIX)
        .update(type_tag.as_bytes())
        .update(&[0])
        .update(canonical)
        .finalize()
        .as_bytes()
}

fixed_bytes_type!(
    /// An Ed25519 signature (64 bytes: `R || s`).
    Signature,
    64
);

/// Why a key could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The 32 bytes are not a valid compressed Edwards point.
    #[error("not a valid Ed25519 public key")]
    Invalid,
    /// The point has small order: anyone could forge signatures for it.
    #[error("weak (small-order) Ed25519 public key")]
    Weak,
    /// The bytes are a non-canonical encoding (y >= p) of a point: refused
    /// so that one key has one encoding.
    #[error("non-canonical Ed25519 public key encoding")]
    NonCanonical,
}

/// Why a signature did not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The object names a different signer than the one expected.
    #[error("signed by {found}, expected {expected}")]
    WrongSigner {
        /// The key the verifier required (hex).
        expected: String,
        /// The key the object carries (hex).
        found: String,
    },
    /// The signature does not match the key and the domain-tagged bytes.
    #[error("invalid signature")]
    Invalid,
    /// The object could not be encoded canonically.
    #[error("cannot encode the signed object: {0}")]
    Encoding(#[from] EncodeError),
}

/// An Ed25519 public key, checked to be a valid point that is not of small order.
#[derive(Clone, Copy)]
pub struct PublicKey {
    bytes: [u8; 32],
    key: ed25519_dalek::VerifyingKey,
}

impl PublicKey {
    /// Parses and checks 32 key bytes.
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<Self, KeyError> {
        let key = ed25519_dalek::VerifyingKey::from_bytes(bytes).map_err(|_| KeyError::Invalid)?;
        // The verdict of `key.is_weak()`, from the bytes (three point
        // doublings and a comparison less per key: a recount parses one key
        // per voter).
        if is_small_order_encoding(bytes) {
            return Err(KeyError::Weak);
        }
        if !y_is_canonical(bytes) {
            return Err(KeyError::NonCanonical);
        }
        Ok(PublicKey { bytes: *bytes, key })
    }

    /// The 32 key bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.bytes
    }

    /// The ed25519-dalek key, for protocols with their own message format
    /// (C2SP signed notes).
    pub fn as_dalek(&self) -> &ed25519_dalek::VerifyingKey {
        &self.key
    }

    /// Checks `signature` over the domain-tagged `canonical` bytes of type `type_tag`.
    pub fn verify_tagged(
        &self,
        type_tag: &str,
        canonical: &[u8],
        signature: &Signature,
    ) -> Result<(), SignatureError> {
        let message = domain_tagged(type_tag, canonical);
        let signature = ed25519_dalek::Signature::from_bytes(&signature.0);
        self.key
            .verify_strict(&message, &signature)
            .map_err(|_| SignatureError::Invalid)
    }
}

/// The y coordinates (little-endian, sign bit clear) of every encoding of a
/// point of small order: 0 and 1 (written also as p and p + 1: only values
/// below 19 have a second 255-bit form), −1, and ±y₈ of the four points of
/// order 8. A point is of small order exactly when its y is one of 0, 1, −1,
/// ±y₈, whatever the sign bit.
const SMALL_ORDER_Y: [[u8; 32]; 7] = [
    [0; 32],
    [
        1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0,
    ],
    [
        0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98,
        0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53,
        0xfc, 0x05,
    ],
    [
        0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67,
        0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac,
        0x03, 0x7a,
    ],
    [
        0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0x7f,
    ],
    [
        0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0x7f,
    ],
    [
        0xee, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0x7f,
    ],
];

/// Whether `bytes`, which decode to a curve point, encode a point of small
/// order (see [`SMALL_ORDER_Y`]).
fn is_small_order_encoding(bytes: &[u8; 32]) -> bool {
    let mut y = *bytes;
    y[31] &= 0x7f;
    SMALL_ORDER_Y.contains(&y)
}

/// True when the little-endian y coordinate (sign bit masked) is below
/// p = 2^255 - 19. A byte check, far cheaper than re-compressing the point.
/// (The other non-canonical form, x = 0 with the sign bit set, only occurs
/// for small-order points, which are refused as weak.)
fn y_is_canonical(bytes: &[u8; 32]) -> bool {
    let top = bytes[31] & 0x7f;
    let middle_all_ones = bytes[1..31].iter().all(|b| *b == 0xff);
    !(top == 0x7f && middle_all_ones && bytes[0] >= 0xed)
}

impl PartialEq for PublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.bytes == other.bytes
    }
}
impl Eq for PublicKey {}
impl PartialOrd for PublicKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for PublicKey {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.bytes.cmp(&other.bytes)
    }
}
impl Hash for PublicKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.bytes.hash(state);
    }
}
impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.bytes))
    }
}
impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({self})")
    }
}
impl std::str::FromStr for PublicKey {
    type Err = crate::ids::ParseHexError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bytes =
            encoding::fixed::parse_hex(text).map_err(|_| crate::ids::ParseHexError::NotHex(64))?;
        Ok(PublicKey::from_bytes(&bytes)?)
    }
}
impl Serialize for PublicKey {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        encoding::fixed::serialize(&self.bytes, s)
    }
}
impl<'de> Deserialize<'de> for PublicKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let bytes = encoding::fixed::deserialize(d)?;
        PublicKey::from_bytes(&bytes).map_err(serde::de::Error::custom)
    }
}

/// An Ed25519 signing key. Made from a 32-byte seed the caller supplies
/// (the node draws it from the operating system's randomness).
#[derive(Clone)]
pub struct SigningKey {
    key: ed25519_dalek::SigningKey,
    public: PublicKey,
}

impl SigningKey {
    /// The key for `seed` (RFC 8032 secret key bytes).
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        let key = ed25519_dalek::SigningKey::from_bytes(seed);
        let verifying = key.verifying_key();
        // A key derived from a seed is a clamped multiple of the base point,
        // so it is never of small order: no check needed here.
        let public = PublicKey {
            bytes: verifying.to_bytes(),
            key: verifying,
        };
        SigningKey { key, public }
    }

    /// The seed this key was made from (keep it secret).
    pub fn seed(&self) -> [u8; 32] {
        self.key.to_bytes()
    }

    /// The public half.
    pub fn public_key(&self) -> PublicKey {
        self.public
    }

    /// The ed25519-dalek key, for protocols with their own message format
    /// (C2SP signed notes).
    pub fn as_dalek(&self) -> &ed25519_dalek::SigningKey {
        &self.key
    }

    /// Signs the domain-tagged `canonical` bytes of type `type_tag`.
    pub fn sign_tagged(&self, type_tag: &str, canonical: &[u8]) -> Signature {
        Signature(
            self.key
                .sign(&domain_tagged(type_tag, canonical))
                .to_bytes(),
        )
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print the secret.
        write!(f, "SigningKey(public {})", self.public)
    }
}

/// An object type that is hashed and signed under its own type tag.
pub trait Signable: Serialize + Sized {
    /// The type tag in `"pbnode/v1/" || TYPE || 0x00 || bytes`. Unique per
    /// type, lower-case ASCII with `-`, never one of [`RESERVED_TYPES`].
    const TYPE: &'static str;

    /// The canonical encoding of this value.
    fn canonical_bytes(&self) -> Result<Vec<u8>, EncodeError> {
        encoding::to_bytes(self)
    }

    /// `"pbnode/v1/" || TYPE || 0x00 || canonical_bytes`.
    fn domain_bytes(&self) -> Result<Vec<u8>, EncodeError> {
        Ok(domain_tagged(Self::TYPE, &self.canonical_bytes()?))
    }

    /// BLAKE3-256 of [`Signable::domain_bytes`].
    fn id(&self) -> Result<Id<Self>, EncodeError> {
        Ok(Id::from_bytes(
            *blake3::hash(&self.domain_bytes()?).as_bytes(),
        ))
    }

    /// Signs this value with `key`.
    fn sign(self, key: &SigningKey) -> Result<Signed<Self>, EncodeError> {
        let signature = key.sign_tagged(Self::TYPE, &self.canonical_bytes()?);
        Ok(Signed {
            value: self,
            signer: key.public_key(),
            signature,
        })
    }
}

/// A value with its signer's key and signature. Canonical encoding: the
/// value, then the 32 key bytes, then the 64 signature bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signed<T> {
    /// The signed value.
    pub value: T,
    /// The key that signed it.
    pub signer: PublicKey,
    /// Ed25519 over the value's domain-tagged canonical bytes.
    pub signature: Signature,
}

impl<T: Signable> Signed<T> {
    /// Checks that `expected` signed this value. Callers always name the key
    /// they trust: a signature that only matches its own embedded key proves nothing.
    pub fn verify(&self, expected: &PublicKey) -> Result<(), SignatureError> {
        if self.signer != *expected {
            return Err(SignatureError::WrongSigner {
                expected: expected.to_string(),
                found: self.signer.to_string(),
            });
        }
        self.signer
            .verify_tagged(T::TYPE, &self.value.canonical_bytes()?, &self.signature)
    }

    /// The id of the signed value (the signature is not part of it).
    pub fn id(&self) -> Result<Id<T>, EncodeError> {
        self.value.id()
    }
}

mod batch;
mod cofactored;
pub use batch::{BatchItem, verify_batch};
pub(crate) use cofactored::PendingBatch;
pub use cofactored::{verify_batch_cofactored, verify_cofactored, verify_voter_signature};

#[cfg(test)]
mod tests;
