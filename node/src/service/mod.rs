//! The node's domain layer: processes, proposals, census and codes, voter
//! credentials, ballots, checkpoints, close and implementation tracking.
//!
//! No transport here: the HTTP routes call these methods. Every operation is
//! synchronous on the store (callers on the async runtime use
//! `spawn_blocking`, or the ballot writer of [`crate::ingest`]). One file
//! per resource; each adds `impl Node` methods.
//!
//! Concurrency: each open process has one `ProcessLog` behind a mutex.
//! Every write to a process (log appends and the records that go with them)
//! happens while holding it, so a phase change, a code use or a ballot batch
//! sees a consistent state, and a close can never interleave with a ballot.
//!
//! Addressing: a draft has no id (its id is the hash of its definition, which
//! is still changing), so drafts are addressed by slug. Opening a process
//! fixes its id; from then on it is addressed by id, and by slug for reading.

mod ballot_caches;
mod ballots;
mod census;
mod checkpoints;
mod clock;
mod close;
mod codes;
mod credentials;
mod election;
mod error;
mod implementation;
mod processes;
mod proposals;
pub mod records;
mod regional;

#[cfg(test)]
mod tests;

pub(crate) use ballots::Verdict;
pub use ballots::{BallotSubmission, CastReceipt, ReceiptView, voter_signatures};
pub use census::{CensusImport, CensusRowError, CensusRowProblem};
pub use checkpoints::CheckpointPolicy;
pub use clock::{Clock, ManualClock, SystemClock};
pub use close::PabulibFile;
pub use error::{ErrorClass, ServiceError};
pub use processes::ProcessInfo;
pub use proposals::{ProposalFilter, ProposalSubmission, Review};
pub use records::{Comment, Progress, ProposalRecord};

use crate::log::{LogError, PersistentLog};
use crate::store::{KvStore, WriteBatch, migrate};
use ballots::VotingContext;
use pbnode_protocol::crypto::{Signable, SigningKey};
use pbnode_protocol::objects::{Jurisdiction, JurisdictionId, LogEntry, ProcessId};
use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, Mutex, MutexGuard};

/// Who this node is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeIdentity {
    /// The jurisdiction's slug: the origin component of its logs
    /// (`pbnode/<slug>/<process>`), `a-z 0-9 - . _` only.
    pub slug: String,
    /// The jurisdiction's display name.
    pub name: String,
    /// The region it belongs to, if any.
    pub parent: Option<JurisdictionId>,
}

/// One open process's log and what the writers cache beside it. Guarded by
/// its mutex: holding it is the right to write to the process.
pub(crate) struct ProcessLog {
    pub(crate) log: PersistentLog,
    /// Size and time of the last signed checkpoint.
    pub(crate) last_checkpoint: Option<(u64, u64)>,
    /// The ballot context, built once when voting is first needed: proposals
    /// cannot change during voting. Set only while the process is in its
    /// voting phase (every phase change clears it through
    /// [`Node::forget_voting`]), so the writer takes its presence as proof
    /// of the phase without re-reading the process record per batch.
    pub(crate) voting: Option<Arc<VotingContext>>,
    /// Each voter's latest ballot, as the ballot writer last read or wrote it.
    pub(crate) latest: ballot_caches::LatestBallots,
}

/// The node's domain service.
pub struct Node {
    store: Arc<dyn KvStore>,
    key: SigningKey,
    identity: NodeIdentity,
    jurisdiction: Jurisdiction,
    jurisdiction_id: JurisdictionId,
    clock: Arc<dyn Clock>,
    checkpoint_policy: CheckpointPolicy,
    logs: Mutex<HashMap<ProcessId, Arc<Mutex<ProcessLog>>>>,
    /// A copy of each `ProcessLog::voting` that is set, for the checks run
    /// before the writer (which must not wait on a log's lock while the
    /// writer holds it through a flush). Set and cleared together with the
    /// original, under the log's lock.
    voting: Mutex<HashMap<ProcessId, Arc<VotingContext>>>,
    /// Registered keys' districts, for the checks before the writer.
    districts: Mutex<ballot_caches::Districts>,
}

impl std::fmt::Debug for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Node")
            .field("identity", &self.identity)
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

/// Locks a mutex; a poisoned lock means a writer panicked, and every write
/// is a store batch applied whole or not at all, so the data is consistent.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

impl Node {
    /// Opens the service over `store` (initialising or migrating its format),
    /// signing with the Ed25519 key of `seed` (the same seed signs objects
    /// and, under each log's origin as key name, checkpoints). Finishes any
    /// close interrupted by a crash.
    pub fn open(
        store: Arc<dyn KvStore>,
        seed: &[u8; 32],
        identity: NodeIdentity,
        checkpoint_policy: CheckpointPolicy,
        clock: Arc<dyn Clock>,
    ) -> Result<Node, ServiceError> {
        migrate::open_format(&*store)?;
        pbnode_protocol::note::process_log_origin(&identity.slug, "x")
            .map_err(|e| ServiceError::InvalidInput(format!("jurisdiction slug: {e}")))?;
        let key = SigningKey::from_seed(seed);
        let jurisdiction = Jurisdiction {
            name: identity.name.clone(),
            key: key.public_key(),
            parent: identity.parent,
        };
        let jurisdiction_id = jurisdiction.id()?;
        let node = Node {
            store,
            key,
            identity,
            jurisdiction,
            jurisdiction_id,
            clock,
            checkpoint_policy,
            logs: Mutex::new(HashMap::new()),
            voting: Mutex::new(HashMap::new()),
            districts: Mutex::default(),
        };
        node.resume_interrupted_closes()?;
        Ok(node)
    }

    /// This node's jurisdiction (signed objects name its id as owner).
    pub fn jurisdiction(&self) -> &Jurisdiction {
        &self.jurisdiction
    }

    /// The id of this node's jurisdiction.
    pub fn jurisdiction_id(&self) -> JurisdictionId {
        self.jurisdiction_id
    }

    /// Who this node is.
    pub fn identity(&self) -> &NodeIdentity {
        &self.identity
    }

    /// The node's signing key (public half for verifiers).
    pub fn public_key(&self) -> pbnode_protocol::crypto::PublicKey {
        self.key.public_key()
    }

    /// The store the node writes to.
    pub fn store(&self) -> &Arc<dyn KvStore> {
        &self.store
    }

    /// Now, by the node's clock.
    pub fn now(&self) -> u64 {
        self.clock.now()
    }

    /// The log of an open process (opened from the store on first use).
    pub(crate) fn process_log(
        &self,
        id: &ProcessId,
    ) -> Result<Arc<Mutex<ProcessLog>>, ServiceError> {
        let mut logs = lock(&self.logs);
        if let Some(log) = logs.get(id) {
            return Ok(log.clone());
        }
        let log = PersistentLog::open(self.store.clone(), *id.as_bytes())?;
        let last_checkpoint = self
            .latest_checkpoint_record(id)?
            .map(|(size, r)| (size, r.at));
        let entry = Arc::new(Mutex::new(ProcessLog {
            log,
            last_checkpoint,
            voting: None,
            latest: Default::default(),
        }));
        logs.insert(*id, entry.clone());
        Ok(entry)
    }

    /// The log of a process only if it is already open (no store read).
    pub(crate) fn open_log(&self, id: &ProcessId) -> Option<Arc<Mutex<ProcessLog>>> {
        lock(&self.logs).get(id).cloned()
    }

    /// Drops the cached ballot context of a process whose phase changes
    /// (call with its log locked).
    pub(crate) fn forget_voting(&self, id: &ProcessId, pl: &mut ProcessLog) {
        pl.voting = None;
        lock(&self.voting).remove(id);
    }

    /// Appends `entries` together with the writes of `batch`, atomically,
    /// and flushes. Returns the leaf indices.
    pub(crate) fn append(
        &self,
        pl: &mut ProcessLog,
        entries: &[LogEntry],
        mut batch: WriteBatch,
    ) -> Result<Range<u64>, ServiceError> {
        let leaves = entries
            .iter()
            .map(LogEntry::leaf_data)
            .collect::<Result<Vec<_>, _>>()?;
        let range = pl.log.stage(&leaves, &mut batch);
        match self.store.apply(batch).and_then(|()| self.store.flush()) {
            Ok(()) => {
                pl.log.commit_staged();
                Ok(range)
            }
            Err(e) => {
                pl.log.discard_staged();
                Err(e.into())
            }
        }
    }

    /// Runs a read on a process log. An impossible size or index in the
    /// request is the caller's mistake (`invalid_input`), not the node's.
    pub(crate) fn read_log<R>(
        &self,
        id: &ProcessId,
        read: impl FnOnce(&PersistentLog) -> Result<R, LogError>,
    ) -> Result<R, ServiceError> {
        let log = self.process_log(id)?;
        let pl = lock(&log);
        read(&pl.log).map_err(|e| match e {
            LogError::Merkle(m) => ServiceError::InvalidInput(m.to_string()),
            other => other.into(),
        })
    }

    /// Applies and flushes a batch with no log entry.
    pub(crate) fn write(&self, batch: WriteBatch) -> Result<(), ServiceError> {
        self.store.apply(batch)?;
        self.store.flush()?;
        Ok(())
    }
}
