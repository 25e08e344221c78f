//! Signed notes, checkpoints, cosignatures and witnessing, exactly per the
//! C2SP specifications `signed-note`, `tlog-checkpoint`, `tlog-cosignature`
//! (Ed25519 `cosignature/v1`) and the checks of `tlog-witness`.
//!
//! A pbnode process log publishes its tree head as a [`SignedCheckpoint`]
//! signed by the node's Ed25519 key (type 0x01, key name = origin). Witness
//! nodes check it against the last one they cosigned
//! ([`check_and_cosign`]) and add a [`Cosignature`] (type 0x04). A client
//! trusts a checkpoint when the log's signature verifies and a
//! [`WitnessPolicy`] of k of n witnesses is met. The byte formats are in
//! `protocol/README.md`.

mod checkpoint;
mod cosignature;
mod equivocation;
mod error;
mod keys;
mod origin;
mod serde_impls;
mod signed_note;
mod witness;

#[cfg(test)]
mod tests;

pub use checkpoint::{Checkpoint, SignedCheckpoint};
pub use cosignature::{
    COSIGNATURE_V1_HEADER, Cosignature, MAX_TIMESTAMP, WitnessPolicy, cosigned_message,
};
pub use equivocation::{Conflict, Equivocation};
pub use error::{
    CheckpointError, CosignatureError, EquivocationError, NoteError, OriginError, WitnessError,
};
pub use keys::{SignatureType, SignerKey, VerifierKey, check_key_name, key_id};
pub use origin::{MAX_COMPONENT_LEN, ORIGIN_PREFIX, parse_process_log_origin, process_log_origin};
pub use signed_note::{
    MAX_SIGNATURES, NoteSignature, SIGNATURE_LINE_PREFIX, SignedNote, VerifiedNote,
    VerifiedSignature, check_note_text,
};
pub use witness::{
    AddCheckpoint, ConsistencyVerifier, MAX_PROOF_HASHES, WitnessState, check_and_cosign,
};
