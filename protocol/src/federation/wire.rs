//! Messages between federation nodes.
//!
//! Gossip ([`GossipMessage`]) carries only small messages, encoded with the
//! canonical encoding so that a message id is the BLAKE3 of its bytes.
//! Everything large goes by request/response ([`SyncRequest`] and
//! [`SyncResponse`], CBOR on the wire), with per-request caps.
//! Logs are named by their checkpoint origin (`pbnode/<slug>/<process>`).

use crate::note::{Conflict, Equivocation};
use crate::objects::{JurisdictionId, ProcessId};
use serde::{Deserialize, Serialize};

mod codec;

pub use codec::{MAX_PROOF_HASHES, message_id};

/// Largest gossip message in bytes.
pub const MAX_GOSSIP_BYTES: usize = 64 * 1024;
/// Most log entries in one [`SyncResponse::Entries`].
pub const MAX_ENTRIES_PER_REQUEST: u32 = 1024;
/// Largest request or response in bytes.
pub const MAX_SYNC_BYTES: usize = 8 * 1024 * 1024;

/// What happened to a process, as announced by its owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProcessEvent {
    /// The process opened (its definition is entry 0 of its log).
    Opened,
    /// Voting closed.
    Closed,
    /// The signed tally is in the log.
    Tallied,
    /// A regional aggregate is in the region's log.
    Aggregated,
}

/// A gossip message. Small by construction: at most [`MAX_GOSSIP_BYTES`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum GossipMessage {
    /// A log's new signed checkpoint (C2SP signed note text, possibly with
    /// cosignatures).
    Checkpoint {
        /// The signed note.
        note: String,
    },
    /// A witness cosigned a checkpoint: the note with the log's signature
    /// and the witness's cosignature line.
    Cosigned {
        /// The cosigned note.
        note: String,
    },
    /// A process event, announced by the process's owner.
    Process {
        /// The log's origin.
        origin: String,
        /// The process.
        process: ProcessId,
        /// The owner jurisdiction.
        owner: JurisdictionId,
        /// What happened.
        event: ProcessEvent,
    },
    /// Two validly signed checkpoints of one log that cannot both hold
    /// (signed notes, as in `note::Equivocation`).
    Equivocation {
        /// The first checkpoint (the smaller one of a fork).
        first: String,
        /// The second checkpoint.
        second: String,
        /// For checkpoints of different sizes, the evidence that makes the
        /// proof self-contained: a receiver needs no copy of either tree to
        /// check it. `None` for two checkpoints of one size.
        fork: Option<ForkEvidence>,
    },
    /// A manifest update: canonical bytes of a `Signed<FederationManifest>`.
    Manifest {
        /// The signed manifest's canonical encoding.
        signed: Vec<u8>,
    },
}

/// What shows that two checkpoints of different sizes fork: the root the
/// second one commits to at the first one's size (which differs from the
/// first one's root) and the consistency proof from it to the second one
/// (`note::Conflict::Fork`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForkEvidence {
    /// The root at the first size that the second checkpoint implies.
    pub implied_old_root: [u8; 32],
    /// Consistency proof from (first size, implied root) to the second.
    pub proof: Vec<[u8; 32]>,
}

impl GossipMessage {
    /// The gossip form of an equivocation proof, evidence included.
    pub fn equivocation(proof: &Equivocation) -> Self {
        GossipMessage::Equivocation {
            first: proof.first().to_text(),
            second: proof.second().to_text(),
            fork: match proof.conflict() {
                Conflict::SameSize => None,
                Conflict::Fork {
                    implied_old_root,
                    proof,
                } => Some(ForkEvidence {
                    implied_old_root: *implied_old_root,
                    proof: proof.clone(),
                }),
            },
        }
    }
}

/// One log a node serves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogInfo {
    /// The log's origin.
    pub origin: String,
    /// Its latest checkpoint as the serving node has it (signed note).
    pub checkpoint: String,
}

/// A request to a peer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SyncRequest {
    /// The logs the peer serves (its own and its replicas).
    Logs,
    /// The latest checkpoint of a log.
    Checkpoint {
        /// The log's origin.
        origin: String,
    },
    /// Entries `start..start+limit` (limit capped at
    /// [`MAX_ENTRIES_PER_REQUEST`]).
    Entries {
        /// The log's origin.
        origin: String,
        /// The first index.
        start: u64,
        /// How many.
        limit: u32,
    },
    /// The inclusion proof of a leaf in the tree of `size` leaves.
    Inclusion {
        /// The log's origin.
        origin: String,
        /// The leaf index.
        index: u64,
        /// The tree size.
        size: u64,
    },
    /// The consistency proof between two sizes.
    Consistency {
        /// The log's origin.
        origin: String,
        /// The old size.
        old_size: u64,
        /// The new size.
        new_size: u64,
    },
    /// A signed object by id (a process definition, tally or aggregate),
    /// as canonical bytes of its log entry.
    Object {
        /// The object's id.
        id: [u8; 32],
    },
    /// A C2SP tlog-witness `add-checkpoint` request body.
    Cosign {
        /// The request text (`note::AddCheckpoint::to_text`).
        body: String,
    },
    /// The peer's current signed manifest.
    Manifest,
}

/// A peer's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SyncResponse {
    /// Answer to [`SyncRequest::Logs`].
    Logs(Vec<LogInfo>),
    /// Answer to [`SyncRequest::Checkpoint`]: the signed note.
    Checkpoint(String),
    /// Answer to [`SyncRequest::Entries`]: leaf data from `start`.
    Entries {
        /// The index of the first entry.
        start: u64,
        /// Canonical leaf data.
        entries: Vec<Vec<u8>>,
    },
    /// Answer to a proof request: the hashes.
    Proof(Vec<[u8; 32]>),
    /// Answer to [`SyncRequest::Object`]: canonical bytes.
    Object(Vec<u8>),
    /// Answer to [`SyncRequest::Cosign`]: the witness's cosignature line
    /// (C2SP signed-note signature line, without the newline).
    Cosignature(String),
    /// Answer to [`SyncRequest::Cosign`] when the witness's latest cosigned
    /// size differs from the request's old size (tlog-witness 409).
    CosignConflict {
        /// The witness's latest cosigned size.
        latest_size: u64,
    },
    /// Answer to [`SyncRequest::Manifest`]: canonical bytes of the signed
    /// manifest.
    Manifest(Vec<u8>),
    /// The request could not be served.
    Error(WireError),
}

/// Why a request was not served.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum WireError {
    /// The peer does not have that log or object.
    #[error("not found: {0}")]
    NotFound(String),
    /// The request is malformed or impossible (bad range, cap exceeded).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The witness refuses to cosign (bad signature, bad proof, unknown log).
    #[error("refused: {0}")]
    Refused(String),
    /// The peer failed internally.
    #[error("internal error: {0}")]
    Internal(String),
}
