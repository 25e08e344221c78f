//! Encoding, size caps and sanity checks of the wire messages.
//!
//! Every message is encoded with the canonical encoding
//! ([`crate::encoding`]), so one message has one byte string and a gossip
//! message id ([`message_id`]) is derived from its content: the same
//! announcement relayed by two peers is deduplicated, and two different
//! ones never collide. Decoding checks the size cap before it reads
//! anything, then decodes strictly (no trailing bytes, no unknown variant).

use super::{
    GossipMessage, MAX_ENTRIES_PER_REQUEST, MAX_GOSSIP_BYTES, MAX_SYNC_BYTES, SyncRequest,
    SyncResponse, WireError,
};
use crate::encoding;
use crate::note::parse_process_log_origin;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Most hashes in one [`SyncResponse::Proof`]: an RFC 9162 inclusion or
/// consistency proof in a tree of at most 2^64 leaves has fewer than 128.
pub const MAX_PROOF_HASHES: usize = 128;

/// The gossip message id: BLAKE3-256 of the message's canonical bytes.
pub fn message_id(bytes: &[u8]) -> [u8; 32] {
    *blake3::hash(bytes).as_bytes()
}

fn bad(what: String) -> WireError {
    WireError::BadRequest(what)
}

fn encode_capped<T: Serialize>(value: &T, kind: &str, cap: usize) -> Result<Vec<u8>, WireError> {
    let bytes = encoding::to_bytes(value)
        .map_err(|error| bad(format!("{kind} cannot be encoded: {error}")))?;
    if bytes.len() > cap {
        return Err(bad(format!(
            "{kind} of {} bytes exceeds the {cap}-byte cap",
            bytes.len()
        )));
    }
    Ok(bytes)
}

fn decode_capped<T: DeserializeOwned>(
    bytes: &[u8],
    kind: &str,
    cap: usize,
) -> Result<T, WireError> {
    // The cap first: an oversize message is refused without being parsed.
    if bytes.len() > cap {
        return Err(bad(format!(
            "{kind} of {} bytes exceeds the {cap}-byte cap",
            bytes.len()
        )));
    }
    encoding::from_bytes(bytes).map_err(|error| bad(format!("{kind} does not decode: {error}")))
}

fn check_origin(origin: &str) -> Result<(), WireError> {
    parse_process_log_origin(origin)
        .map(|_| ())
        .map_err(|error| bad(format!("origin `{origin}`: {error}")))
}

impl GossipMessage {
    /// The canonical bytes, refused above [`MAX_GOSSIP_BYTES`].
    pub fn encode(&self) -> Result<Vec<u8>, WireError> {
        encode_capped(self, "gossip message", MAX_GOSSIP_BYTES)
    }

    /// Decodes canonical bytes: at most [`MAX_GOSSIP_BYTES`], strict.
    pub fn decode(bytes: &[u8]) -> Result<Self, WireError> {
        decode_capped(bytes, "gossip message", MAX_GOSSIP_BYTES)
    }

    /// Checks what the types do not: a process announcement's origin is a
    /// pbnode origin naming that process, and an equivocation's two notes
    /// differ. Signatures are the receiver's job (it knows the keys).
    pub fn check(&self) -> Result<(), WireError> {
        match self {
            GossipMessage::Process {
                origin, process, ..
            } => {
                let (_, named) = parse_process_log_origin(origin)
                    .map_err(|error| bad(format!("origin `{origin}`: {error}")))?;
                if named != process.to_string() {
                    return Err(bad(format!(
                        "origin `{origin}` is not the log of process {process}"
                    )));
                }
                Ok(())
            }
            GossipMessage::Equivocation { first, second, .. } if first == second => Err(bad(
                "an equivocation needs two different checkpoints".to_owned(),
            )),
            GossipMessage::Equivocation {
                fork: Some(evidence),
                ..
            } if evidence.proof.len() > MAX_PROOF_HASHES => Err(bad(format!(
                "a fork proof of {} hashes (at most {MAX_PROOF_HASHES})",
                evidence.proof.len()
            ))),
            _ => Ok(()),
        }
    }
}

impl SyncRequest {
    /// The canonical bytes, refused above [`MAX_SYNC_BYTES`].
    pub fn encode(&self) -> Result<Vec<u8>, WireError> {
        encode_capped(self, "sync request", MAX_SYNC_BYTES)
    }

    /// Decodes canonical bytes: at most [`MAX_SYNC_BYTES`], strict.
    pub fn decode(bytes: &[u8]) -> Result<Self, WireError> {
        decode_capped(bytes, "sync request", MAX_SYNC_BYTES)
    }

    /// Checks that the request can be served as asked: origins are pbnode
    /// origins; an entries request asks for 1 to [`MAX_ENTRIES_PER_REQUEST`]
    /// entries and its range does not overflow; an inclusion proof is for a
    /// leaf inside the tree; a consistency proof goes from a size to a size
    /// at least as large; a cosign request has a body. The requester calls it
    /// before sending and the server before serving, so both refuse the same
    /// requests with the same [`WireError::BadRequest`] text.
    pub fn check(&self) -> Result<(), WireError> {
        match self {
            SyncRequest::Logs | SyncRequest::Manifest | SyncRequest::Object { .. } => Ok(()),
            SyncRequest::Checkpoint { origin } => check_origin(origin),
            SyncRequest::Entries {
                origin,
                start,
                limit,
            } => {
                check_origin(origin)?;
                if *limit == 0 || *limit > MAX_ENTRIES_PER_REQUEST {
                    return Err(bad(format!(
                        "entries limit {limit} is outside 1..={MAX_ENTRIES_PER_REQUEST}"
                    )));
                }
                if start.checked_add(u64::from(*limit)).is_none() {
                    return Err(bad(format!("entries range {start}+{limit} overflows")));
                }
                Ok(())
            }
            SyncRequest::Inclusion {
                origin,
                index,
                size,
            } => {
                check_origin(origin)?;
                if index >= size {
                    return Err(bad(format!(
                        "inclusion of leaf {index} in a tree of {size} leaves"
                    )));
                }
                Ok(())
            }
            SyncRequest::Consistency {
                origin,
                old_size,
                new_size,
            } => {
                check_origin(origin)?;
                if old_size > new_size {
                    return Err(bad(format!(
                        "consistency from size {old_size} to the smaller size {new_size}"
                    )));
                }
                Ok(())
            }
            SyncRequest::Cosign { body } => {
                if body.is_empty() {
                    return Err(bad("empty cosign request".to_owned()));
                }
                Ok(())
            }
        }
    }
}

impl SyncResponse {
    /// The canonical bytes, refused above [`MAX_SYNC_BYTES`].
    pub fn encode(&self) -> Result<Vec<u8>, WireError> {
        encode_capped(self, "sync response", MAX_SYNC_BYTES)
    }

    /// Decodes canonical bytes: at most [`MAX_SYNC_BYTES`], strict.
    pub fn decode(bytes: &[u8]) -> Result<Self, WireError> {
        decode_capped(bytes, "sync response", MAX_SYNC_BYTES)
    }

    /// Checks the per-response caps: at most [`MAX_ENTRIES_PER_REQUEST`]
    /// entries and [`MAX_PROOF_HASHES`] proof hashes. Whether the answer
    /// matches its request (range, proof validity) is the requester's check.
    pub fn check(&self) -> Result<(), WireError> {
        match self {
            SyncResponse::Entries { entries, .. }
                if entries.len() > MAX_ENTRIES_PER_REQUEST as usize =>
            {
                Err(bad(format!(
                    "{} entries exceed the cap of {MAX_ENTRIES_PER_REQUEST}",
                    entries.len()
                )))
            }
            SyncResponse::Proof(hashes) if hashes.len() > MAX_PROOF_HASHES => Err(bad(format!(
                "a proof of {} hashes exceeds the cap of {MAX_PROOF_HASHES}",
                hashes.len()
            ))),
            _ => Ok(()),
        }
    }
}
