//! What the service stores besides the logs, and under which keys.
//!
//! Encoding: log leaves are the protocol's canonical bytes (they are hashed
//! and must be byte-exact for any verifier). Every other stored record is
//! `serde_json`: these records are the node's own bookkeeping, never hashed
//! or signed, and JSON keeps them readable in a store dump and tolerant of
//! added optional fields. Signed objects inside them (credentials,
//! commitments) round-trip exactly because their JSON form is lossless.
//! One exception: [`BallotRecord`], written once per ballot on the hot
//! path, is canonical binary (`get_binary`, `put_binary`).
//!
//! Keys start with the 32 process-id bytes so that one process's records are
//! one prefix scan.

use super::error::ServiceError;
use crate::store::{Keyspace, KvStore, WriteBatch};
use pbnode_protocol::ballot::{BallotCommitment, BallotOpening};
use pbnode_protocol::crypto::Signed;
use pbnode_protocol::encoding;
use pbnode_protocol::ids::Id;
use pbnode_protocol::objects::{
    Phase, ProcessDef, ProcessId, Proposal, ProposalId, ProposalStatus, StatusChange, Tally,
    VoterCredential,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// A process as the node keeps it: its definition and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessRecord {
    /// The definition (editable while a draft, fixed once open).
    pub def: ProcessDef,
    /// Draft, or open with its id and phase.
    pub state: ProcessState,
    /// The signed tally, once the process is closed and counted.
    pub tally: Option<Signed<Tally>>,
}

/// Where a process stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProcessState {
    /// Not opened: no id, no log; addressed by slug.
    Draft,
    /// Opened: the definition is logged as entry 0 and `id` is its hash.
    Open {
        /// The process id.
        id: ProcessId,
        /// The current phase.
        phase: Phase,
    },
}

impl ProcessRecord {
    /// The process id, once open.
    pub fn id(&self) -> Option<ProcessId> {
        match self.state {
            ProcessState::Draft => None,
            ProcessState::Open { id, .. } => Some(id),
        }
    }

    /// The phase, once open.
    pub fn phase(&self) -> Option<Phase> {
        match self.state {
            ProcessState::Draft => None,
            ProcessState::Open { phase, .. } => Some(phase),
        }
    }
}

/// Implementation progress of a selected project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// Percent done, 0 to 100.
    pub percent: u8,
    /// What was done (free text from staff).
    pub note: String,
    /// When it was recorded (unix seconds).
    pub at: u64,
}

/// A proposal as the node keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalRecord {
    /// Its id (hash of `proposal`).
    pub id: ProposalId,
    /// What the authors wrote.
    pub proposal: Proposal,
    /// The current status.
    pub status: ProposalStatus,
    /// Every status change, oldest first (submission excluded).
    pub history: Vec<StatusChange>,
    /// When it was submitted.
    pub submitted_at: u64,
    /// Its `ProposalSubmitted` leaf index.
    pub leaf: u64,
    /// If review revised its cost: the proposal that replaced it.
    pub revised_as: Option<ProposalId>,
    /// Implementation progress, for selected projects.
    pub progress: Option<Progress>,
}

/// A comment on a proposal. Comments are discussion, not part of the
/// counted record, so they are stored but not logged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comment {
    /// The proposal commented on.
    pub proposal: ProposalId,
    /// The name the author gives.
    pub author: String,
    /// The text.
    pub text: String,
    /// When (unix seconds).
    pub at: u64,
}

/// One census row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CensusRecord {
    /// The voter's district.
    pub district: String,
    /// Whether a one-time code was issued for this row.
    pub code_issued: bool,
}

/// A one-time code, stored by its BLAKE3 hash only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeRecord {
    /// The census reference it was issued for (never logged).
    pub voter_ref: String,
    /// The district it grants.
    pub district: String,
    /// Whether it was used to register a key.
    pub used: bool,
}

/// A registered voter key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialRecord {
    /// The credential's district, first: the ballot path reads only this
    /// ([`CredentialDistrict`]), skipping the signed credential (decoding
    /// its key would cost a point decompression per ballot).
    pub district: String,
    /// The credential the node signed (its value is logged).
    pub credential: Signed<VoterCredential>,
    /// Its `VoterRegistered` leaf index.
    pub leaf: u64,
}

/// The part of a [`CredentialRecord`] the ballot path needs.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CredentialDistrict {
    /// The credential's district.
    pub district: String,
}

/// Every accepted ballot (counted or superseded), by commitment id. The
/// signed commitment itself is the log leaf. Written on the hot path, so in
/// the protocol's canonical binary encoding (about half the bytes of JSON,
/// no hex), unlike the other records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BallotRecord {
    /// Its `BallotCommitted` leaf index.
    pub leaf: u64,
    /// When it was accepted.
    pub at: u64,
    /// Its opening (held back until close).
    pub opening: BallotOpening,
}

/// The latest ballot of a credential: the one that counts. Written once
/// per ballot, so stored as [`LatestBallot::to_bytes`] (40 bytes; store
/// format 3 on) rather than JSON (about 90 bytes and an encode per ballot);
/// its serde form is what format 2 stored, which the migration reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LatestBallot {
    /// The commitment id (key of its [`BallotRecord`]).
    pub commitment: Id<BallotCommitment>,
    /// Its leaf index.
    pub leaf: u64,
}

impl LatestBallot {
    /// The length of the stored form.
    pub const STORED_LEN: usize = 40;

    /// The stored form: the commitment id (32 bytes) ‖ the leaf (u64 BE).
    pub fn to_bytes(&self) -> [u8; Self::STORED_LEN] {
        let mut bytes = [0; Self::STORED_LEN];
        bytes[..32].copy_from_slice(self.commitment.as_bytes());
        bytes[32..].copy_from_slice(&self.leaf.to_be_bytes());
        bytes
    }

    /// Reads the stored form; anything but 40 bytes is a damaged store.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ServiceError> {
        let bytes: &[u8; Self::STORED_LEN] = bytes.try_into().map_err(|_| {
            ServiceError::Corrupt(format!(
                "{}: a latest ballot of {} bytes, expected {}",
                Keyspace::Openings.name(),
                bytes.len(),
                Self::STORED_LEN
            ))
        })?;
        let (commitment, leaf) = bytes.split_at(32);
        let mut id = [0; 32];
        id.copy_from_slice(commitment);
        let mut index = [0; 8];
        index.copy_from_slice(leaf);
        Ok(LatestBallot {
            commitment: Id::from_bytes(id),
            leaf: u64::from_be_bytes(index),
        })
    }
}

/// A signed checkpoint as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckpointRecord {
    /// The C2SP signed note text.
    pub note: String,
    /// When it was signed.
    pub at: u64,
}

/// `id ‖ suffix`.
pub(crate) fn key(id: &ProcessId, suffix: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(32 + suffix.len());
    k.extend_from_slice(id.as_bytes());
    k.extend_from_slice(suffix);
    k
}

/// The [`crate::store::Keyspace::Processes`] key of a process's record.
pub(crate) fn process_key(slug: &str) -> Vec<u8> {
    [b"s/".as_slice(), slug.as_bytes()].concat()
}

/// Stages a process record under its slug's key.
pub(crate) fn put_process(
    batch: &mut WriteBatch,
    slug: &str,
    record: &ProcessRecord,
) -> Result<(), ServiceError> {
    put(batch, Keyspace::Processes, &process_key(slug), record)
}

/// The [`crate::store::Keyspace::Processes`] key mapping a process id to its slug.
pub(crate) fn process_id_key(id: &ProcessId) -> Vec<u8> {
    [b"i/".as_slice(), id.as_bytes()].concat()
}

/// Reads and decodes a JSON record.
pub(crate) fn get<T: DeserializeOwned>(
    store: &dyn KvStore,
    space: Keyspace,
    key: &[u8],
) -> Result<Option<T>, ServiceError> {
    store
        .get(space, key)?
        .map(|bytes| decode(space, &bytes))
        .transpose()
}

/// Decodes a JSON record read from `space`.
pub(crate) fn decode<T: DeserializeOwned>(
    space: Keyspace,
    bytes: &[u8],
) -> Result<T, ServiceError> {
    serde_json::from_slice(bytes)
        .map_err(|e| ServiceError::Corrupt(format!("{}: {e}", space.name())))
}

/// Adds a JSON record to `batch`.
pub(crate) fn put<T: Serialize>(
    batch: &mut WriteBatch,
    space: Keyspace,
    key: &[u8],
    value: &T,
) -> Result<(), ServiceError> {
    let bytes = serde_json::to_vec(value)
        .map_err(|e| ServiceError::Corrupt(format!("cannot encode {}: {e}", space.name())))?;
    batch.put(space, key, &bytes);
    Ok(())
}

/// Reads a record stored in the canonical binary encoding.
pub(crate) fn get_binary<T: DeserializeOwned>(
    store: &dyn KvStore,
    space: Keyspace,
    key: &[u8],
) -> Result<Option<T>, ServiceError> {
    store
        .get(space, key)?
        .map(|bytes| {
            encoding::from_bytes(&bytes)
                .map_err(|e| ServiceError::Corrupt(format!("{}: {e}", space.name())))
        })
        .transpose()
}

/// Adds a record in the canonical binary encoding to `batch`.
pub(crate) fn put_binary<T: Serialize>(
    batch: &mut WriteBatch,
    space: Keyspace,
    key: &[u8],
    value: &T,
) -> Result<(), ServiceError> {
    batch.put(space, key, &encoding::to_bytes(value)?);
    Ok(())
}

/// Every record under `prefix`, decoded, with the key suffix after it.
pub(crate) fn scan<T: DeserializeOwned>(
    store: &dyn KvStore,
    space: Keyspace,
    prefix: &[u8],
) -> Result<Vec<(Vec<u8>, T)>, ServiceError> {
    store
        .scan_prefix(space, prefix, usize::MAX)?
        .into_iter()
        .map(|(k, v)| Ok((k[prefix.len()..].to_vec(), decode(space, &v)?)))
        .collect()
}
