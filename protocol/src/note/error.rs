//! Error types of the note module, one enum per concern so that a caller can
//! tell a malformed input (reject and forget) from a proof of log misbehaviour
//! (keep and gossip).

use thiserror::Error;

/// Errors of key parsing and of signed-note parsing, signing and verification
/// (C2SP `signed-note`).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NoteError {
    /// A key name is empty, or contains a Unicode space, a `+` or a control
    /// character (signed-note: key names MUST NOT).
    #[error("invalid key name {0:?}")]
    InvalidKeyName(String),
    /// A verifier key string is not `<name>+<8 lowercase hex>+<base64>`.
    #[error("malformed verifier key")]
    MalformedVerifierKey,
    /// A signer key string is not `PRIVATE+KEY+<name>+<8 lowercase hex>+<base64>`.
    #[error("malformed signer key")]
    MalformedSignerKey,
    /// The key's signature type byte is not one this crate supports
    /// (0x01 Ed25519, 0x04 Ed25519 cosignature/v1).
    #[error("unsupported signature type 0x{0:02x}")]
    UnsupportedSignatureType(u8),
    /// The public key bytes are not a valid Ed25519 point.
    #[error("invalid Ed25519 public key")]
    InvalidPublicKey,
    /// The key id written in a key string is not the one derived from its
    /// name, type and public key.
    #[error("key id {written:08x} does not match the derived id {derived:08x}")]
    KeyIdMismatch {
        /// The id written in the key string.
        written: u32,
        /// The id derived per signed-note.
        derived: u32,
    },
    /// The note text is empty, does not end in a newline, or contains an
    /// ASCII control character other than newline.
    #[error("invalid note text")]
    InvalidText,
    /// The note is not valid UTF-8.
    #[error("note is not valid UTF-8")]
    NotUtf8,
    /// The note has an ASCII control character other than newline.
    #[error("note contains a control character")]
    ControlCharacter,
    /// There is no blank line separating the text from the signatures, or no
    /// signature line after it, or the note does not end in a newline.
    #[error("note has no signature block")]
    MissingSignatures,
    /// A signature line is not `— <name> <base64 of at least 5 bytes>`.
    #[error("malformed signature line {0:?}")]
    MalformedSignatureLine(String),
    /// More signature lines than [`crate::note::MAX_SIGNATURES`].
    #[error("note has more than {0} signatures")]
    TooManySignatures(usize),
    /// Two of the configured verifier keys share a name and key id, so a
    /// signature line cannot be attributed to one of them.
    #[error("ambiguous verifier key {name}+{key_id:08x}")]
    AmbiguousKey {
        /// Key name.
        name: String,
        /// Key id.
        key_id: u32,
    },
    /// A signature line from a known key does not verify: the whole note is
    /// rejected (signed-note: clients SHOULD reject).
    #[error("invalid signature for key {name}+{key_id:08x}")]
    InvalidSignature {
        /// Key name.
        name: String,
        /// Key id.
        key_id: u32,
    },
    /// No signature line comes from a known key (signed-note: clients MUST
    /// reject).
    #[error("note has no signature from a known key")]
    NoKnownSignature,
    /// The key has the wrong signature type for this operation (a note
    /// signing key used to cosign, or the reverse).
    #[error("key {name} has signature type 0x{actual:02x}, this operation needs 0x{expected:02x}")]
    WrongKeyType {
        /// Key name.
        name: String,
        /// The type the operation needs.
        expected: u8,
        /// The key's type.
        actual: u8,
    },
}

/// Errors of checkpoint parsing and formatting (C2SP `tlog-checkpoint`).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CheckpointError {
    /// The checkpoint text has fewer than three lines or does not end in a
    /// newline.
    #[error("checkpoint needs origin, size and root lines, each ending in a newline")]
    TooFewLines,
    /// The origin line is empty or contains a control character.
    #[error("invalid origin line")]
    InvalidOrigin,
    /// The size line is not a decimal u64 without leading zeroes.
    #[error("invalid tree size line {0:?}")]
    InvalidSize(String),
    /// The root line is not the canonical base64 of 32 bytes.
    #[error("invalid root hash line {0:?}")]
    InvalidRoot(String),
    /// An extension line is empty or contains a control character.
    #[error("invalid extension line {0:?}")]
    InvalidExtension(String),
    /// The signed note around the checkpoint is malformed.
    #[error(transparent)]
    Note(#[from] NoteError),
}

/// Errors of cosignatures (C2SP `tlog-cosignature`, Ed25519 `cosignature/v1`).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CosignatureError {
    /// The timestamp exceeds 2^63 - 1 (tlog-cosignature: MUST NOT), or is
    /// zero where a witness cosigns (tlog-witness: MUST NOT be zero).
    #[error("cosignature timestamp {0} is out of range")]
    TimestampOutOfRange(u64),
    /// The signature payload is not key id (4) || timestamp (8) || Ed25519 (64).
    #[error("cosignature payload has {0} bytes after the key id, expected 72")]
    BadLength(usize),
    /// The key is not a `cosignature/v1` (type 0x04) key.
    #[error(transparent)]
    Key(#[from] NoteError),
    /// The checkpoint cannot be formatted (invalid origin or extension).
    #[error(transparent)]
    Checkpoint(#[from] CheckpointError),
    /// The cosignature does not verify for this key and checkpoint.
    #[error("invalid cosignature from {name}+{key_id:08x}")]
    InvalidCosignature {
        /// Witness key name.
        name: String,
        /// Witness key id.
        key_id: u32,
    },
    /// A witness policy needs 1 <= threshold <= number of witnesses.
    #[error("witness policy threshold {threshold} is not within 1..={witnesses}")]
    BadThreshold {
        /// Required number of cosignatures.
        threshold: usize,
        /// Number of witnesses in the policy.
        witnesses: usize,
    },
    /// A witness policy lists the same name and key id twice.
    #[error("witness {name}+{key_id:08x} is listed twice")]
    DuplicateWitness {
        /// Witness key name.
        name: String,
        /// Witness key id.
        key_id: u32,
    },
    /// Fewer valid cosignatures than the policy's threshold.
    #[error("{valid} valid cosignatures, the policy needs {required} of {witnesses}")]
    ThresholdNotMet {
        /// Distinct witnesses with a valid cosignature.
        valid: usize,
        /// The threshold k.
        required: usize,
        /// The number of witnesses n.
        witnesses: usize,
    },
}

/// Why a witness refuses to cosign a checkpoint (C2SP `tlog-witness`,
/// `add-checkpoint`). The comment on each variant names the HTTP status the
/// spec assigns, so the node's API maps them in one place.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum WitnessError {
    /// The checkpoint's origin is not the log this state tracks (404).
    #[error("unknown log origin {0:?}")]
    UnknownOrigin(String),
    /// The log signature is missing or fails (403).
    #[error("bad log signature: {0}")]
    BadLogSignature(NoteError),
    /// The checkpoint is smaller than the last one cosigned: the log rolled
    /// back, or the request is stale (409, as the old size cannot match).
    #[error("rollback: checkpoint size {submitted} is below the cosigned size {cosigned}")]
    Rollback {
        /// Size of the latest cosigned checkpoint.
        cosigned: u64,
        /// Size of the submitted checkpoint.
        submitted: u64,
    },
    /// The request's old size is larger than the checkpoint size (400).
    #[error("old size {old_size} exceeds checkpoint size {size}")]
    OldSizeTooLarge {
        /// The request's old size.
        old_size: u64,
        /// The checkpoint's size.
        size: u64,
    },
    /// The request's old size is not the size of the latest cosigned
    /// checkpoint (409, the body is `latest_size`).
    #[error("old size {old_size} does not match the cosigned size {latest_size}")]
    OldSizeMismatch {
        /// The request's old size.
        old_size: u64,
        /// Size of the latest cosigned checkpoint (0 if none).
        latest_size: u64,
    },
    /// A checkpoint of size zero whose root is not the empty-tree root (422).
    #[error("size-zero checkpoint with a root other than the empty-tree root")]
    BadEmptyRoot,
    /// A non-empty proof where none is allowed: old size zero, or old size
    /// equal to the checkpoint size (422).
    #[error("consistency proof must be empty here")]
    UnexpectedProof,
    /// More than 63 proof hashes (tlog-witness: clients MUST NOT send more).
    #[error("consistency proof has {0} hashes, at most 63 are allowed")]
    ProofTooLong(usize),
    /// The request body is not `old <size>`, proof lines, a blank line and a
    /// signed checkpoint (400).
    #[error("malformed add-checkpoint request: {0}")]
    MalformedRequest(String),
    /// The consistency proof does not verify (422). A bad proof shows nothing
    /// about the log by itself, so this is not an equivocation.
    #[error("consistency proof from size {old_size} to {size} does not verify")]
    InconsistentProof {
        /// The old size.
        old_size: u64,
        /// The checkpoint's size.
        size: u64,
    },
    /// The log signed two different roots for one size: the caller keeps the
    /// proof and gossips it (422).
    #[error("equivocation: the log signed two roots for size {}", .0.first().checkpoint().size)]
    Equivocation(Box<crate::note::Equivocation>),
    /// The witness could not produce its cosignature (bad timestamp or key).
    #[error(transparent)]
    Cosign(#[from] CosignatureError),
}

/// Why an equivocation proof does not prove misbehaviour.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EquivocationError {
    /// The two checkpoints have different origins.
    #[error("the checkpoints have different origins")]
    DifferentOrigins,
    /// A checkpoint is not validly signed by the log key.
    #[error("checkpoint not signed by the log key: {0}")]
    Signature(NoteError),
    /// The conflict does not hold: same size and same root, or a fork claim
    /// whose sizes are equal or whose proof does not verify, or whose implied
    /// root equals the signed one.
    #[error("the checkpoints do not conflict")]
    NoConflict,
}

/// Errors of pbnode's origin line convention.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum OriginError {
    /// A component is empty, longer than 64 bytes, or uses a character
    /// outside `a-z 0-9 - . _`.
    #[error("invalid origin component {0:?}")]
    InvalidComponent(String),
    /// The origin is not `pbnode/<jurisdiction>/<process>`.
    #[error("not a pbnode origin: {0:?}")]
    NotPbnode(String),
}
