//! Replicas of peer logs: one [`PersistentLog`] per origin, beside a
//! [`ReplicaRecord`] saying what of it is verified.
//!
//! A replica's leaves are committed only after a consistency proof to a
//! checkpoint signed by the log's owner verified (see `sync`), so every
//! stored prefix is one the owner committed to.

use super::{Federation, FederationError};
use crate::log::{LogId, PersistentLog};
use crate::service::lock;
use crate::store::{Keyspace, StoreError, WriteBatch};
use pbnode_protocol::crypto::PublicKey;
use pbnode_protocol::note::SignedCheckpoint;
use serde::{Deserialize, Serialize};
use std::sync::{Arc, Mutex};

/// What this node knows of one replicated log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplicaRecord {
    /// The log's origin.
    pub origin: String,
    /// The owner's node key when the record was written (the manifest's
    /// current key is the one checked).
    pub owner: PublicKey,
    /// The latest checkpoint whose entries the replica holds in full,
    /// verified (signed note, with any cosignatures seen).
    pub checkpoint: Option<String>,
    /// A newer validly signed checkpoint not yet synced up to: where an
    /// interrupted sync resumes towards.
    pub target: Option<String>,
}

impl ReplicaRecord {
    /// The verified checkpoint, parsed.
    pub fn verified(&self) -> Option<SignedCheckpoint> {
        self.checkpoint
            .as_deref()
            .and_then(|n| SignedCheckpoint::parse(n).ok())
    }

    /// The pending target, parsed.
    pub fn pending(&self) -> Option<SignedCheckpoint> {
        self.target
            .as_deref()
            .and_then(|n| SignedCheckpoint::parse(n).ok())
    }

    /// Size of the verified checkpoint (0 if none).
    pub fn verified_size(&self) -> u64 {
        self.verified().map_or(0, |c| c.checkpoint().size)
    }
}

/// The log id of the replica of `origin`:
/// BLAKE3(`"pbnode/replica\0"` ‖ origin). Own logs use their process id.
pub fn replica_log_id(origin: &str) -> LogId {
    let mut hasher = blake3::Hasher::new();
    hasher.update(b"pbnode/replica\0");
    hasher.update(origin.as_bytes());
    *hasher.finalize().as_bytes()
}

impl Federation {
    /// The replica log of `origin`, opened on first use.
    pub(crate) fn replica_log(
        &self,
        origin: &str,
    ) -> Result<Arc<Mutex<PersistentLog>>, FederationError> {
        let mut logs = lock(&self.replicas);
        if let Some(log) = logs.get(origin) {
            return Ok(log.clone());
        }
        let log = PersistentLog::open(self.node.store().clone(), replica_log_id(origin))?;
        let log = Arc::new(Mutex::new(log));
        logs.insert(origin.to_owned(), log.clone());
        Ok(log)
    }

    /// The record of a replicated log, if this node replicates it.
    pub fn replica(&self, origin: &str) -> Result<Option<ReplicaRecord>, FederationError> {
        self.node
            .store()
            .get(Keyspace::Replicas, origin.as_bytes())?
            .map(|b| decode(&b))
            .transpose()
    }

    /// Every replicated log's record, by origin.
    pub fn replicas(&self) -> Result<Vec<ReplicaRecord>, FederationError> {
        self.node
            .store()
            .scan_prefix(Keyspace::Replicas, b"", usize::MAX)?
            .iter()
            .map(|(_, v)| decode(v))
            .collect()
    }

    /// Entries held in the replica of `origin` (verified or on their way).
    pub fn replica_size(&self, origin: &str) -> Result<u64, FederationError> {
        Ok(lock(&*self.replica_log(origin)?).size())
    }
}

/// A stored record that does not decode.
pub(crate) fn corrupt(space: Keyspace, e: impl std::fmt::Display) -> FederationError {
    FederationError::Store(StoreError::Corrupt {
        space: space.name(),
        detail: e.to_string(),
    })
}

fn decode(bytes: &[u8]) -> Result<ReplicaRecord, FederationError> {
    serde_json::from_slice(bytes).map_err(|e| corrupt(Keyspace::Replicas, e))
}

/// Stages a replica record.
pub(crate) fn put_record(
    batch: &mut WriteBatch,
    record: &ReplicaRecord,
) -> Result<(), FederationError> {
    let bytes = serde_json::to_vec(record).map_err(|e| corrupt(Keyspace::Replicas, e))?;
    batch.put(Keyspace::Replicas, record.origin.as_bytes(), &bytes);
    Ok(())
}
