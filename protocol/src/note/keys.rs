//! Key names, key ids, verifier keys (`vkey`) and signer keys (`skey`) of
//! C2SP `signed-note`.
//!
//! A key is identified in a signature line by its name and a 4-byte key id,
//! `SHA-256(name || 0x0A || type || public key)[:4]`. The type byte is part
//! of the id, so the same Ed25519 key material used as a log key (0x01) and as
//! a witness key (0x04) gets two different ids, and a signature of one kind
//! is never even tried as the other.

use std::fmt;
use std::str::FromStr;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use super::error::NoteError;

/// Prefix of a signer key string, as in Go's `golang.org/x/mod/sumdb/note`.
const SKEY_PREFIX: &str = "PRIVATE+KEY+";

/// The signature types this crate implements (signed-note "Signature types").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SignatureType {
    /// 0x01: Ed25519 over the note text. Used by a log to sign checkpoints.
    Ed25519,
    /// 0x04: timestamped Ed25519 checkpoint cosignature (`cosignature/v1`,
    /// C2SP `tlog-cosignature`). Used by witnesses.
    CosignatureV1,
}

impl SignatureType {
    /// The type identifier byte.
    pub const fn id(self) -> u8 {
        match self {
            SignatureType::Ed25519 => 0x01,
            SignatureType::CosignatureV1 => 0x04,
        }
    }

    /// The type for an identifier byte, if this crate implements it.
    pub const fn from_id(id: u8) -> Option<Self> {
        match id {
            0x01 => Some(SignatureType::Ed25519),
            0x04 => Some(SignatureType::CosignatureV1),
            _ => None,
        }
    }
}

/// The signed-note key id: the first four bytes, big-endian, of
/// `SHA-256(name || 0x0A || type || public key)`.
pub fn key_id(name: &str, sig_type: SignatureType, public_key: &[u8; 32]) -> u32 {
    let mut hasher = Sha256::new();
    hasher.update(name.as_bytes());
    hasher.update([b'\n', sig_type.id()]);
    hasher.update(public_key);
    let digest = hasher.finalize();
    u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]])
}

/// Checks a key name: non-empty, no Unicode space (Rust's `is_whitespace` is
/// the Unicode White_Space property, as Go's `unicode.IsSpace`), no `+`, and
/// no ASCII control character (a note may not contain one).
pub fn check_key_name(name: &str) -> Result<(), NoteError> {
    let bad = |c: char| c.is_whitespace() || c == '+' || c < ' ';
    if name.is_empty() || name.chars().any(bad) {
        return Err(NoteError::InvalidKeyName(name.to_owned()));
    }
    Ok(())
}

/// Parses exactly eight lowercase hex digits (the spec's hex encoding is the
/// fixed-length lowercase one, so any other spelling is not canonical).
fn parse_key_id_hex(hex8: &str) -> Option<u32> {
    let lower_hex = |b: u8| b.is_ascii_digit() || (b'a'..=b'f').contains(&b);
    if hex8.len() != 8 || !hex8.bytes().all(lower_hex) {
        return None;
    }
    u32::from_str_radix(hex8, 16).ok()
}

/// Splits `type || 32 key bytes` decoded from base64.
fn decode_typed_key(b64: &str) -> Option<(u8, [u8; 32])> {
    let bytes = STANDARD.decode(b64).ok()?;
    let (&type_byte, key) = bytes.split_first()?;
    Some((type_byte, key.try_into().ok()?))
}

fn encode_typed_key(sig_type: SignatureType, key: &[u8; 32]) -> String {
    let mut bytes = Vec::with_capacity(33);
    bytes.push(sig_type.id());
    bytes.extend_from_slice(key);
    STANDARD.encode(bytes)
}

/// A public key that verifies signature lines: name, type and Ed25519 key,
/// with the key id derived from them.
///
/// Its text form is the signed-note vkey
/// `<name>+<hex key id>+<base64(type || public key)>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifierKey {
    name: String,
    sig_type: SignatureType,
    key: VerifyingKey,
    key_id: u32,
}

impl VerifierKey {
    /// A verifier key for `name`, deriving its key id.
    pub fn new(name: &str, sig_type: SignatureType, key: VerifyingKey) -> Result<Self, NoteError> {
        check_key_name(name)?;
        Ok(Self {
            name: name.to_owned(),
            sig_type,
            key_id: key_id(name, sig_type, key.as_bytes()),
            key,
        })
    }

    /// Parses a vkey string. The key id written in it must be the derived one.
    pub fn parse(vkey: &str) -> Result<Self, NoteError> {
        // Base64 may contain `+`, names and ids may not: split twice only.
        let mut parts = vkey.splitn(3, '+');
        let (Some(name), Some(hex8), Some(b64)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(NoteError::MalformedVerifierKey);
        };
        check_key_name(name)?;
        let written = parse_key_id_hex(hex8).ok_or(NoteError::MalformedVerifierKey)?;
        let (type_byte, key_bytes) =
            decode_typed_key(b64).ok_or(NoteError::MalformedVerifierKey)?;
        let sig_type = SignatureType::from_id(type_byte)
            .ok_or(NoteError::UnsupportedSignatureType(type_byte))?;
        let key = VerifyingKey::from_bytes(&key_bytes).map_err(|_| NoteError::InvalidPublicKey)?;
        let parsed = Self::new(name, sig_type, key)?;
        if parsed.key_id != written {
            return Err(NoteError::KeyIdMismatch {
                written,
                derived: parsed.key_id,
            });
        }
        Ok(parsed)
    }

    /// The key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The derived 4-byte key id.
    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// The signature type.
    pub fn sig_type(&self) -> SignatureType {
        self.sig_type
    }

    /// The Ed25519 public key.
    pub fn public_key(&self) -> &VerifyingKey {
        &self.key
    }

    /// Whether a signature line with this name and key id belongs to this key.
    pub fn matches(&self, name: &str, key_id: u32) -> bool {
        self.key_id == key_id && self.name == name
    }
}

impl fmt::Display for VerifierKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}+{:08x}+{}",
            self.name,
            self.key_id,
            encode_typed_key(self.sig_type, self.key.as_bytes())
        )
    }
}

impl FromStr for VerifierKey {
    type Err = NoteError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// A private key that writes signature lines: name, type and Ed25519 seed.
///
/// Its text form (Go `sumdb/note` compatible for type 0x01) is
/// `PRIVATE+KEY+<name>+<hex key id>+<base64(type || 32-byte seed)>`. The
/// type 0x04 form uses the same layout with type byte 0x04 and the
/// cosignature key id. `Debug` never prints the seed.
#[derive(Clone)]
pub struct SignerKey {
    name: String,
    sig_type: SignatureType,
    key: SigningKey,
    key_id: u32,
}

impl SignerKey {
    /// A signer key from a 32-byte Ed25519 seed (RFC 8032 private key).
    pub fn from_seed(
        name: &str,
        sig_type: SignatureType,
        seed: &[u8; 32],
    ) -> Result<Self, NoteError> {
        check_key_name(name)?;
        let key = SigningKey::from_bytes(seed);
        Ok(Self {
            name: name.to_owned(),
            sig_type,
            key_id: key_id(name, sig_type, key.verifying_key().as_bytes()),
            key,
        })
    }

    /// Parses a signer key string; the key id must be the derived one.
    pub fn parse(skey: &str) -> Result<Self, NoteError> {
        let rest = skey
            .strip_prefix(SKEY_PREFIX)
            .ok_or(NoteError::MalformedSignerKey)?;
        let mut parts = rest.splitn(3, '+');
        let (Some(name), Some(hex8), Some(b64)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(NoteError::MalformedSignerKey);
        };
        let written = parse_key_id_hex(hex8).ok_or(NoteError::MalformedSignerKey)?;
        let (type_byte, seed) = decode_typed_key(b64).ok_or(NoteError::MalformedSignerKey)?;
        let sig_type = SignatureType::from_id(type_byte)
            .ok_or(NoteError::UnsupportedSignatureType(type_byte))?;
        let parsed = Self::from_seed(name, sig_type, &seed)?;
        if parsed.key_id != written {
            return Err(NoteError::KeyIdMismatch {
                written,
                derived: parsed.key_id,
            });
        }
        Ok(parsed)
    }

    /// The secret key string. Deliberately not `Display`, so that a secret
    /// never lands in a log line through `{}`.
    pub fn to_skey_string(&self) -> String {
        format!(
            "{SKEY_PREFIX}{}+{:08x}+{}",
            self.name,
            self.key_id,
            encode_typed_key(self.sig_type, self.key.as_bytes())
        )
    }

    /// The matching verifier key.
    pub fn verifier_key(&self) -> VerifierKey {
        VerifierKey {
            name: self.name.clone(),
            sig_type: self.sig_type,
            key: self.key.verifying_key(),
            key_id: self.key_id,
        }
    }

    /// The key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The derived 4-byte key id.
    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// The signature type.
    pub fn sig_type(&self) -> SignatureType {
        self.sig_type
    }

    /// The Ed25519 signing key.
    pub(crate) fn signing_key(&self) -> &SigningKey {
        &self.key
    }

    /// Fails unless this key has type `expected`.
    pub(crate) fn require_type(&self, expected: SignatureType) -> Result<(), NoteError> {
        if self.sig_type == expected {
            Ok(())
        } else {
            Err(NoteError::WrongKeyType {
                name: self.name.clone(),
                expected: expected.id(),
                actual: self.sig_type.id(),
            })
        }
    }
}

impl fmt::Debug for SignerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignerKey")
            .field("name", &self.name)
            .field("sig_type", &self.sig_type)
            .field("key_id", &format_args!("{:08x}", self.key_id))
            .finish_non_exhaustive()
    }
}
