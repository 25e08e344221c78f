//! C2SP `tlog-checkpoint`: the note text `origin\nsize\nbase64(root)\n`
//! followed by optional extension lines, signed by the log.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::error::{CheckpointError, NoteError};
use super::keys::{SignatureType, SignerKey, VerifierKey};
use super::signed_note::{NoteSignature, SignedNote, VerifiedNote, sign_text};

/// A log's tree head: which log, how many leaves, which root.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Checkpoint {
    /// The log's identity (first line). pbnode uses
    /// [`crate::note::process_log_origin`].
    pub origin: String,
    /// Number of leaves in the tree.
    pub size: u64,
    /// Root hash of the tree at `size` (32 bytes; BLAKE3-256 for pbnode logs).
    pub root: [u8; 32],
    /// Opaque extension lines, each non-empty. Not auditable: pbnode writes
    /// none, but keeps those it reads so signatures still verify.
    pub extensions: Vec<String>,
}

impl Checkpoint {
    /// A checkpoint without extension lines.
    pub fn new(origin: &str, size: u64, root: [u8; 32]) -> Self {
        Self {
            origin: origin.to_owned(),
            size,
            root,
            extensions: Vec::new(),
        }
    }

    /// The note text. Errors if the origin or an extension is empty or holds
    /// a newline or other control character (the text would not parse back).
    pub fn to_text(&self) -> Result<String, CheckpointError> {
        if !is_valid_line(&self.origin) {
            return Err(CheckpointError::InvalidOrigin);
        }
        let mut text = format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            STANDARD.encode(self.root)
        );
        for extension in &self.extensions {
            if !is_valid_line(extension) {
                return Err(CheckpointError::InvalidExtension(extension.clone()));
            }
            text.push_str(extension);
            text.push('\n');
        }
        Ok(text)
    }

    /// Parses a checkpoint note text, strictly: every line ends in a newline,
    /// the size is decimal without leading zeroes (`0` for the empty tree),
    /// the root is the canonical padded base64 of exactly 32 bytes, extension
    /// lines are non-empty. So `parse(t).to_text() == t` for every accepted `t`.
    pub fn parse(text: &str) -> Result<Self, CheckpointError> {
        let body = text
            .strip_suffix('\n')
            .ok_or(CheckpointError::TooFewLines)?;
        let mut lines = body.split('\n');
        let (Some(origin), Some(size), Some(root)) = (lines.next(), lines.next(), lines.next())
        else {
            return Err(CheckpointError::TooFewLines);
        };
        if !is_valid_line(origin) {
            return Err(CheckpointError::InvalidOrigin);
        }
        let size = parse_size(size).ok_or_else(|| CheckpointError::InvalidSize(size.to_owned()))?;
        let root = STANDARD
            .decode(root)
            .ok()
            .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
            .ok_or_else(|| CheckpointError::InvalidRoot(root.to_owned()))?;
        let mut extensions = Vec::new();
        for extension in lines {
            if !is_valid_line(extension) {
                return Err(CheckpointError::InvalidExtension(extension.to_owned()));
            }
            extensions.push(extension.to_owned());
        }
        Ok(Self {
            origin: origin.to_owned(),
            size,
            root,
            extensions,
        })
    }
}

/// A line is non-empty and holds no ASCII control character (a note may
/// hold none but newline, and a newline would end the line).
fn is_valid_line(line: &str) -> bool {
    !line.is_empty() && !line.bytes().any(|b| b < 0x20)
}

/// Decimal u64, no sign, no leading zero except `0` itself.
fn parse_size(line: &str) -> Option<u64> {
    let canonical = !line.is_empty()
        && line.bytes().all(|b| b.is_ascii_digit())
        && (line == "0" || !line.starts_with('0'));
    if canonical { line.parse().ok() } else { None }
}

/// A checkpoint with its note signature lines (the log's and any
/// witnesses'). Invariant: the note text is the checkpoint's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedCheckpoint {
    checkpoint: Checkpoint,
    note: SignedNote,
}

impl SignedCheckpoint {
    /// Signs a checkpoint with the log's Ed25519 (type 0x01) key. The key
    /// name should be the checkpoint origin (tlog-checkpoint: SHOULD).
    pub fn sign(checkpoint: Checkpoint, log_key: &SignerKey) -> Result<Self, CheckpointError> {
        let note = SignedNote::sign(&checkpoint.to_text()?, log_key)?;
        Ok(Self { checkpoint, note })
    }

    /// Parses a signed checkpoint (syntax only; see the `verify_*` methods).
    pub fn parse(text: &str) -> Result<Self, CheckpointError> {
        Self::from_note(SignedNote::parse(text)?)
    }

    /// Reads a signed note as a checkpoint.
    pub fn from_note(note: SignedNote) -> Result<Self, CheckpointError> {
        let checkpoint = Checkpoint::parse(note.text())?;
        Ok(Self { checkpoint, note })
    }

    /// The signed note text.
    pub fn to_text(&self) -> String {
        self.note.to_text()
    }

    /// The checkpoint (not trusted until verified).
    pub fn checkpoint(&self) -> &Checkpoint {
        &self.checkpoint
    }

    /// The underlying signed note.
    pub fn note(&self) -> &SignedNote {
        &self.note
    }

    /// The checkpoint's note text (the bytes every signature covers).
    pub fn body(&self) -> &str {
        self.note.text()
    }

    /// The signature lines.
    pub fn signatures(&self) -> &[NoteSignature] {
        self.note.signatures()
    }

    /// Adds another log signature (e.g. during key rotation).
    pub fn add_log_signature(&mut self, log_key: &SignerKey) -> Result<(), NoteError> {
        let signature = sign_text(self.note.text(), log_key)?;
        self.note.add_signature(signature)
    }

    /// Adds a signature line (a cosignature, or a line received from
    /// elsewhere); one with the same name and key id is replaced.
    pub fn add_signature(&mut self, signature: NoteSignature) -> Result<(), NoteError> {
        self.note.add_signature(signature)
    }

    /// Verifies the note against the log's key(s), per signed-note. Other
    /// lines (cosignatures) are returned unverified. Only type 0x01 keys
    /// count: a witness key passed here by mistake is ignored, so a
    /// cosignature can never stand in for the log's signature.
    pub fn verify_log_signature(
        &self,
        log_keys: &[VerifierKey],
    ) -> Result<VerifiedNote, NoteError> {
        let log_keys: Vec<VerifierKey> = log_keys
            .iter()
            .filter(|k| k.sig_type() == SignatureType::Ed25519)
            .cloned()
            .collect();
        self.note.verify(&log_keys)
    }
}
