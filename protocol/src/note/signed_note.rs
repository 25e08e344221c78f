//! C2SP `signed-note`: a text ending in a newline, a blank line, and one or
//! more lines `— <key name> <base64(key id || signature)>`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signature, Signer};

use super::cosignature;
use super::error::NoteError;
use super::keys::{SignatureType, SignerKey, VerifierKey, check_key_name};

/// Most signature lines a note may carry. The spec asks verifiers to accept
/// at least 16; 100 is Go `sumdb/note`'s limit, so notes that Go accepts
/// are accepted here too.
pub const MAX_SIGNATURES: usize = 100;

/// Start of every signature line: EM DASH (U+2014) and a space.
pub const SIGNATURE_LINE_PREFIX: &str = "\u{2014} ";

/// One signature line: the key name, the key id and the signature bytes that
/// follow the key id (their layout depends on the key's type).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NoteSignature {
    /// The key name.
    pub name: String,
    /// The 4-byte key id.
    pub key_id: u32,
    /// The bytes after the key id: a 64-byte Ed25519 signature for type
    /// 0x01, timestamp (8) || Ed25519 signature (64) for type 0x04.
    pub signature: Vec<u8>,
}

impl NoteSignature {
    /// `key id (big-endian) || signature`, the bytes the line base64-encodes.
    pub fn payload(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(4 + self.signature.len());
        bytes.extend_from_slice(&self.key_id.to_be_bytes());
        bytes.extend_from_slice(&self.signature);
        bytes
    }

    /// The signature line, with its final newline.
    pub fn to_line(&self) -> String {
        format!(
            "{SIGNATURE_LINE_PREFIX}{} {}\n",
            self.name,
            STANDARD.encode(self.payload())
        )
    }

    /// Parses one signature line given without its final newline.
    pub fn parse_line(line: &str) -> Result<Self, NoteError> {
        let malformed = || NoteError::MalformedSignatureLine(line.to_owned());
        let rest = line
            .strip_prefix(SIGNATURE_LINE_PREFIX)
            .ok_or_else(malformed)?;
        let (name, b64) = rest.split_once(' ').ok_or_else(malformed)?;
        check_key_name(name).map_err(|_| malformed())?;
        // The strict decoder refuses spaces, missing padding and non-zero
        // trailing bits, so each signature has exactly one spelling.
        let bytes = STANDARD.decode(b64).map_err(|_| malformed())?;
        if bytes.len() < 5 {
            return Err(malformed());
        }
        let (id, signature) = bytes.split_at(4);
        Ok(Self {
            name: name.to_owned(),
            key_id: u32::from_be_bytes([id[0], id[1], id[2], id[3]]),
            signature: signature.to_vec(),
        })
    }
}

/// A text and its signature lines, in the order they appear.
///
/// Invariants: the text is a valid note text ([`check_note_text`]), there is
/// at least one and at most [`MAX_SIGNATURES`] signatures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedNote {
    text: String,
    signatures: Vec<NoteSignature>,
}

/// A signature line that verified against a known key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedSignature {
    /// The key it verified against.
    pub key: VerifierKey,
    /// The cosignature timestamp (POSIX seconds) for type 0x04 keys.
    pub timestamp: Option<u64>,
}

/// The outcome of a successful [`SignedNote::verify`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedNote {
    /// The note text, now trusted.
    pub text: String,
    /// One entry per distinct known key that signed, in line order.
    pub verified: Vec<VerifiedSignature>,
    /// Lines from keys not in the verifier set, kept (not checked) so that a
    /// caller can pass them on, e.g. other witnesses' cosignatures.
    pub unverified: Vec<NoteSignature>,
}

/// Checks a note text: non-empty, ends in a newline, no ASCII control
/// character other than newline.
pub fn check_note_text(text: &str) -> Result<(), NoteError> {
    if !text.ends_with('\n') || has_control_character(text) {
        return Err(NoteError::InvalidText);
    }
    Ok(())
}

/// A signature line that would parse back: valid name, non-empty signature.
fn check_signature(signature: &NoteSignature) -> Result<(), NoteError> {
    check_key_name(&signature.name)?;
    if signature.signature.is_empty() {
        return Err(NoteError::MalformedSignatureLine(signature.to_line()));
    }
    Ok(())
}

fn has_control_character(s: &str) -> bool {
    s.bytes().any(|b| b < 0x20 && b != b'\n')
}

impl SignedNote {
    /// Signs `text` with an Ed25519 (type 0x01) key.
    pub fn sign(text: &str, signer: &SignerKey) -> Result<Self, NoteError> {
        check_note_text(text)?;
        let signature = sign_text(text, signer)?;
        Ok(Self {
            text: text.to_owned(),
            signatures: vec![signature],
        })
    }

    /// A note from a text and signature lines, checking the invariants (not
    /// the signatures: see [`SignedNote::verify`]).
    pub fn from_parts(text: &str, signatures: Vec<NoteSignature>) -> Result<Self, NoteError> {
        check_note_text(text)?;
        if signatures.is_empty() {
            return Err(NoteError::MissingSignatures);
        }
        if signatures.len() > MAX_SIGNATURES {
            return Err(NoteError::TooManySignatures(MAX_SIGNATURES));
        }
        for signature in &signatures {
            check_signature(signature)?;
        }
        Ok(Self {
            text: text.to_owned(),
            signatures,
        })
    }

    /// Parses a note from bytes, which must be UTF-8.
    pub fn parse_bytes(note: &[u8]) -> Result<Self, NoteError> {
        Self::parse(std::str::from_utf8(note).map_err(|_| NoteError::NotUtf8)?)
    }

    /// Parses a note. Only the syntax is checked; call
    /// [`SignedNote::verify`] before trusting the text.
    pub fn parse(note: &str) -> Result<Self, NoteError> {
        if has_control_character(note) {
            return Err(NoteError::ControlCharacter);
        }
        // The text may hold empty lines: the last blank line separates it.
        let split = note.rfind("\n\n").ok_or(NoteError::MissingSignatures)?;
        let (text, block) = (&note[..=split], &note[split + 2..]);
        let lines = block
            .strip_suffix('\n')
            .ok_or(NoteError::MissingSignatures)?;
        let mut signatures = Vec::new();
        for line in lines.split('\n') {
            if signatures.len() == MAX_SIGNATURES {
                return Err(NoteError::TooManySignatures(MAX_SIGNATURES));
            }
            signatures.push(NoteSignature::parse_line(line)?);
        }
        Self::from_parts(text, signatures)
    }

    /// The note's text form: text, blank line, signature lines.
    pub fn to_text(&self) -> String {
        let mut out = self.text.clone();
        out.push('\n');
        for signature in &self.signatures {
            out.push_str(&signature.to_line());
        }
        out
    }

    /// The signed text (not yet trusted unless verified).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The signature lines.
    pub fn signatures(&self) -> &[NoteSignature] {
        &self.signatures
    }

    /// Adds a signature line. A line with the same key name and id replaces
    /// the old one, so a re-signing or a fresh cosignature never duplicates.
    pub fn add_signature(&mut self, signature: NoteSignature) -> Result<(), NoteError> {
        check_signature(&signature)?;
        let same_key = |s: &NoteSignature| s.name == signature.name && s.key_id == signature.key_id;
        if let Some(existing) = self.signatures.iter_mut().find(|s| same_key(s)) {
            *existing = signature;
            return Ok(());
        }
        if self.signatures.len() == MAX_SIGNATURES {
            return Err(NoteError::TooManySignatures(MAX_SIGNATURES));
        }
        self.signatures.push(signature);
        Ok(())
    }

    /// Verifies the note against a set of known keys, per signed-note:
    /// lines from unknown keys (name or id differ) are ignored; a line from a
    /// known key must verify or the whole note is rejected; at least one known
    /// key must have signed.
    pub fn verify(&self, known: &[VerifierKey]) -> Result<VerifiedNote, NoteError> {
        let mut verified: Vec<VerifiedSignature> = Vec::new();
        let mut unverified = Vec::new();
        for signature in &self.signatures {
            let Some(key) = find_key(known, &signature.name, signature.key_id)? else {
                unverified.push(signature.clone());
                continue;
            };
            let timestamp =
                verify_signature(key, &self.text, &signature.signature).ok_or_else(|| {
                    NoteError::InvalidSignature {
                        name: key.name().to_owned(),
                        key_id: key.key_id(),
                    }
                })?;
            if !verified.iter().any(|v| v.key == *key) {
                verified.push(VerifiedSignature {
                    key: key.clone(),
                    timestamp,
                });
            }
        }
        if verified.is_empty() {
            return Err(NoteError::NoKnownSignature);
        }
        Ok(VerifiedNote {
            text: self.text.clone(),
            verified,
            unverified,
        })
    }
}

/// The known key with this name and id, if exactly one; an error if several.
fn find_key<'k>(
    known: &'k [VerifierKey],
    name: &str,
    key_id: u32,
) -> Result<Option<&'k VerifierKey>, NoteError> {
    let mut matching = known.iter().filter(|k| k.matches(name, key_id));
    let first = matching.next();
    if matching.any(|k| Some(k) != first) {
        return Err(NoteError::AmbiguousKey {
            name: name.to_owned(),
            key_id,
        });
    }
    Ok(first)
}

/// Signs a note text with a type 0x01 key.
pub(crate) fn sign_text(text: &str, signer: &SignerKey) -> Result<NoteSignature, NoteError> {
    signer.require_type(SignatureType::Ed25519)?;
    let signature = signer.signing_key().sign(text.as_bytes());
    Ok(NoteSignature {
        name: signer.name().to_owned(),
        key_id: signer.key_id(),
        signature: signature.to_bytes().to_vec(),
    })
}

/// Checks the bytes after the key id against `key` and `text`, by the key's
/// type. `None` if invalid; `Some(timestamp)` if valid, the timestamp being
/// present for cosignatures.
pub(crate) fn verify_signature(
    key: &VerifierKey,
    text: &str,
    signature: &[u8],
) -> Option<Option<u64>> {
    match key.sig_type() {
        SignatureType::Ed25519 => {
            let signature = Signature::from_slice(signature).ok()?;
            key.public_key()
                .verify_strict(text.as_bytes(), &signature)
                .ok()
                .map(|()| None)
        }
        SignatureType::CosignatureV1 => {
            cosignature::verify_cosignature_bytes(key, text, signature).map(Some)
        }
    }
}
