//! Replicating a peer's log up to a checkpoint its owner signed.
//!
//! Batch by batch: fetch entries from the replica's size `a` to `b`, and a
//! consistency proof from `b` to the target size `N`; stage the entries,
//! compute the root at `b` from the staged tree and check the proof against
//! the target's root (at `b == N`, the roots themselves). Only then is the
//! batch applied and flushed, with the replica record. So the replica holds
//! only prefixes the owner signed, progress is durable per batch, and a
//! restarted sync resumes at the replica's size without duplicates.

use super::replica::{ReplicaRecord, put_record, replica_log_id};
use super::{Federation, FederationError, Transport, membership};
use crate::log::{LogError, LogId, PersistentLog};
use crate::service::lock;
use crate::store::{Keyspace, WriteBatch, WriteOp};
use pbnode_protocol::crypto::{PublicKey, Signable};
use pbnode_protocol::encoding;
use pbnode_protocol::federation::MAX_ENTRIES_PER_REQUEST;
use pbnode_protocol::federation::{Member, SyncRequest, SyncResponse};
use pbnode_protocol::merkle::{Blake3Hasher, Digest, HashStore, root_at, verify_consistency};
use pbnode_protocol::note::{Equivocation, SignedCheckpoint};
use pbnode_protocol::objects::LogEntry;
use std::collections::HashMap;
use std::sync::Arc;

/// What a finished sync did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncOutcome {
    /// The log.
    pub origin: String,
    /// The replica's size now (the target's size).
    pub size: u64,
    /// Entries fetched by this call.
    pub fetched: u64,
}

/// One batch fetched from a peer, not yet checked.
struct FetchedBatch {
    /// The entries' canonical bytes.
    entries: Vec<Vec<u8>>,
    /// The consistency proof from the batch's end to the target's size.
    proof: Vec<Digest>,
}

/// What a validly signed checkpoint told this node.
#[derive(Debug)]
pub(crate) enum Observation {
    /// It conflicts with one this node holds: the (stored) proof, and
    /// whether it was new.
    Conflict(Box<Equivocation>, bool),
    /// No conflict.
    Seen {
        /// The replica is behind it.
        behind: bool,
        /// It brought something new (a target, cosignatures).
        changed: bool,
    },
}

/// The replica's tree with a staged batch on top: committed subtree hashes
/// from the store, the batch's from the write batch not yet applied.
struct Staged<'a> {
    log: &'a PersistentLog,
    nodes: HashMap<(u32, u64), Digest>,
    size: u64,
}

impl<'a> Staged<'a> {
    fn new(log: &'a PersistentLog, batch: &WriteBatch, size: u64) -> Self {
        let id = log.id();
        let mut nodes = HashMap::new();
        for op in batch.ops() {
            if let WriteOp::Put {
                space: Keyspace::LogNodes,
                key,
                value,
            } = op
                && key.len() == 41
                && key[..32] == id[..]
                && let (Ok(index), Ok(hash)) = (
                    <[u8; 8]>::try_from(&key[33..41]),
                    <Digest>::try_from(value.as_slice()),
                )
            {
                nodes.insert((u32::from(key[32]), u64::from_be_bytes(index)), hash);
            }
        }
        Staged { log, nodes, size }
    }
}

impl HashStore for Staged<'_> {
    type Error = LogError;

    fn leaf_count(&self) -> u64 {
        self.size
    }

    fn subtree_hash(&self, level: u32, index: u64) -> Result<Digest, LogError> {
        match self.nodes.get(&(level, index)) {
            Some(hash) => Ok(*hash),
            None => self.log.subtree_hash(level, index),
        }
    }
}

/// Index entries of the signed objects peers may ask for by id.
fn index_objects(batch: &mut WriteBatch, log: &LogId, first: u64, entries: &[Vec<u8>]) {
    for (offset, bytes) in entries.iter().enumerate() {
        if !LogEntry::may_hold_object(bytes) {
            continue;
        }
        let id = match encoding::from_bytes::<LogEntry>(bytes) {
            Ok(LogEntry::ProcessDefined(s)) => s.value.id().map(|i| *i.as_bytes()),
            Ok(LogEntry::Tallied(s)) => s.value.id().map(|i| *i.as_bytes()),
            Ok(LogEntry::Aggregated(s)) => s.value.id().map(|i| *i.as_bytes()),
            _ => continue,
        };
        if let Ok(id) = id {
            let index = first + offset as u64;
            let value = [log.as_slice(), &index.to_be_bytes()].concat();
            batch.put(Keyspace::Objects, &id, &value);
        }
    }
}

impl Federation {
    /// Checks a checkpoint's log signature with its owner's key from the
    /// manifest; returns the owner.
    pub(crate) fn verify_checkpoint(
        &self,
        signed: &SignedCheckpoint,
    ) -> Result<Member, FederationError> {
        let origin = &signed.checkpoint().origin;
        let manifest = self.manifest();
        let owner = membership::member_of_origin(&manifest.value, origin)?.clone();
        signed
            .verify_log_signature(&[membership::log_key(&owner, origin)?])
            .map_err(|e| FederationError::BadCheckpoint(format!("{origin}: {e}")))?;
        Ok(owner)
    }

    /// Takes note of a validly signed checkpoint of a peer's log: refuses it
    /// (storing the proof) if it conflicts with one this node holds, else
    /// remembers it as the replica's target when it is newer, or merges its
    /// cosignatures when it is the verified one. Returns whether the replica
    /// is behind it. Logs outside the replication policy are only checked.
    pub(crate) fn observe_checkpoint(
        &self,
        signed: &SignedCheckpoint,
    ) -> Result<Observation, FederationError> {
        let owner = self.verify_checkpoint(signed)?;
        let unchanged = Observation::Seen {
            behind: false,
            changed: false,
        };
        if owner.key == self.node.public_key() {
            return Ok(unchanged);
        }
        let _guard = self.witness_guard();
        if let Some(proof) = self.find_conflict(signed)? {
            let new = self.record_equivocation(&proof)?;
            return Ok(Observation::Conflict(Box::new(proof), new));
        }
        if !self.replicates(&owner) {
            return Ok(unchanged);
        }
        let c = signed.checkpoint();
        let mut record = self.replica(&c.origin)?.unwrap_or(ReplicaRecord {
            origin: c.origin.clone(),
            owner: owner.key,
            checkpoint: None,
            target: None,
        });
        let pending = record.pending();
        let mut changed = false;
        // The same checkpoint with more cosignatures: keep them all.
        if let Some(mut v) = record.verified()
            && v.checkpoint() == c
            && merge_lines(&mut v, signed)?
        {
            record.checkpoint = Some(v.to_text());
            changed = true;
        }
        if let Some(mut p) = pending.clone()
            && p.checkpoint() == c
            && merge_lines(&mut p, signed)?
        {
            record.target = Some(p.to_text());
            changed = true;
        }
        let behind = c.size > record.verified_size();
        if behind
            && pending
                .as_ref()
                .is_none_or(|p| p.checkpoint().size < c.size)
        {
            record.target = Some(signed.to_text());
            changed = true;
        }
        if changed {
            let mut batch = WriteBatch::default();
            put_record(&mut batch, &record)?;
            self.node.store().apply(batch)?;
            self.node.store().flush()?;
        }
        Ok(Observation::Seen { behind, changed })
    }

    /// Replicas with a pending target: where an interrupted sync resumes.
    pub fn pending_syncs(&self) -> Result<Vec<(String, SignedCheckpoint)>, FederationError> {
        Ok(self
            .replicas()?
            .into_iter()
            .filter_map(|r| {
                let pending = r.pending()?;
                (pending.checkpoint().size > r.verified_size()).then_some((r.origin, pending))
            })
            .collect())
    }

    /// Brings the replica of `origin` up to `target` (a checkpoint signed
    /// by the log's owner) with entries and proofs from `peer` (the owner
    /// or any node serving a replica). Data that does not verify is never
    /// committed: the error names the peer, for the caller to score down.
    pub async fn sync_log<T: Transport>(
        self: &Arc<Self>,
        transport: &T,
        peer: PublicKey,
        origin: &str,
        target: SignedCheckpoint,
    ) -> Result<SyncOutcome, FederationError> {
        if target.checkpoint().origin != origin {
            return Err(FederationError::BadCheckpoint(format!(
                "the target is a checkpoint of {}, not {origin}",
                target.checkpoint().origin
            )));
        }
        let fed = self.clone();
        let t = target.clone();
        if let Observation::Conflict(..) = blocking(move || fed.observe_checkpoint(&t)).await? {
            return Err(FederationError::Equivocation(origin.to_owned()));
        }
        self.check_extends(transport, peer, origin, &target).await?;
        let size = target.checkpoint().size;
        let batch_len = u64::from(self.config.sync_batch.clamp(1, MAX_ENTRIES_PER_REQUEST));
        let mut fetched = 0;
        let mut start = self.replica_size(origin)?;
        let mut next = None;
        // Pipelined: while one batch is checked and committed on a blocking
        // thread, the next one is already being fetched, so the network
        // round trips and the peer's serving overlap with the local work.
        while start < size {
            let batch = match next.take() {
                Some(batch) => batch,
                None => {
                    self.fetch_batch(transport, peer, origin, start, size, batch_len)
                        .await?
                }
            };
            let end = start + batch.entries.len() as u64;
            fetched += batch.entries.len() as u64;
            let fed = self.clone();
            let (o, t) = (origin.to_owned(), target.clone());
            let commit = blocking(move || {
                fed.commit_batch(&o, start, &batch.entries, &batch.proof, &t, peer)
            });
            let applied = if end < size {
                let prefetch = self.fetch_batch(transport, peer, origin, end, size, batch_len);
                let (applied, prefetched) = tokio::join!(commit, prefetch);
                // A fetch error matters only if the commit went through.
                let applied = applied?;
                if applied {
                    next = Some(prefetched?);
                }
                applied
            } else {
                commit.await?
            };
            start = if applied {
                end
            } else {
                // Another sync moved the replica on meanwhile: go on from
                // its size rather than append twice.
                next = None;
                self.replica_size(origin)?
            };
        }
        let fed = self.clone();
        let (o, t) = (origin.to_owned(), target.clone());
        blocking(move || fed.finish_sync(&o, &t)).await?;
        Ok(SyncOutcome {
            origin: origin.to_owned(),
            size,
            fetched,
        })
    }

    /// Fetches entries `start..` (at most `batch_len`, not past `size`) and
    /// the consistency proof from their end to `size`, both requests in
    /// flight at once. The proof is asked for the full batch's end; a peer
    /// that sends fewer entries costs one more proof request.
    async fn fetch_batch<T: Transport>(
        &self,
        transport: &T,
        peer: PublicKey,
        origin: &str,
        start: u64,
        size: u64,
        batch_len: u64,
    ) -> Result<FetchedBatch, FederationError> {
        let limit = (size - start).min(batch_len);
        let full_end = start + limit;
        let entries_request = self.ask(
            transport,
            peer,
            SyncRequest::Entries {
                origin: origin.to_owned(),
                start,
                // At most `sync_batch`, which fits in a u32.
                limit: u32::try_from(limit).unwrap_or(MAX_ENTRIES_PER_REQUEST),
            },
        );
        let (entries, proof) = tokio::join!(
            entries_request,
            self.fetch_consistency(transport, peer, origin, full_end, size)
        );
        let entries = match entries? {
            SyncResponse::Entries { start: s, entries }
                if s == start && !entries.is_empty() && entries.len() as u64 <= limit =>
            {
                entries
            }
            other => return Err(misbehaved(peer, format!("bad entries answer: {other:?}"))),
        };
        let end = start + entries.len() as u64;
        let proof = if end == full_end {
            proof?
        } else {
            self.fetch_consistency(transport, peer, origin, end, size)
                .await?
        };
        Ok(FetchedBatch { entries, proof })
    }

    /// The consistency proof from `old_size` to `new_size` (none needed
    /// when they are equal: the roots are compared directly).
    async fn fetch_consistency<T: Transport>(
        &self,
        transport: &T,
        peer: PublicKey,
        origin: &str,
        old_size: u64,
        new_size: u64,
    ) -> Result<Vec<Digest>, FederationError> {
        if old_size >= new_size {
            return Ok(Vec::new());
        }
        let request = SyncRequest::Consistency {
            origin: origin.to_owned(),
            old_size,
            new_size,
        };
        match self.ask(transport, peer, request).await? {
            SyncResponse::Proof(p) => Ok(p),
            other => Err(misbehaved(peer, format!("bad proof answer: {other:?}"))),
        }
    }

    async fn ask<T: Transport>(
        &self,
        transport: &T,
        peer: PublicKey,
        request: SyncRequest,
    ) -> Result<SyncResponse, FederationError> {
        match transport.request(peer, request).await {
            Ok(SyncResponse::Error(e)) => Err(FederationError::wire(peer, e)),
            Ok(answer) => Ok(answer),
            Err(e) => Err(FederationError::transport(peer, e)),
        }
    }

    /// Stages one batch, checks it against the target and commits it.
    /// Returns false, committing nothing, when the replica is no longer at
    /// `start` (another sync moved it on).
    fn commit_batch(
        &self,
        origin: &str,
        start: u64,
        entries: &[Vec<u8>],
        proof: &[Digest],
        target: &SignedCheckpoint,
        peer: PublicKey,
    ) -> Result<bool, FederationError> {
        let _guard = self.witness_guard();
        let log = self.replica_log(origin)?;
        let mut log = lock(&log);
        if log.size() != start {
            return Ok(false);
        }
        let target_cp = target.checkpoint();
        let end = start + entries.len() as u64;
        // Read before staging: an error after it would leave staged leaves.
        let record = if end == target_cp.size {
            let mut record = self.replica(origin)?.unwrap_or(ReplicaRecord {
                origin: origin.to_owned(),
                owner: peer,
                checkpoint: None,
                target: None,
            });
            mark_verified(&mut record, target);
            Some(record)
        } else {
            None
        };
        let mut batch = WriteBatch::default();
        log.stage(entries, &mut batch);
        let root = {
            let staged = Staged::new(&log, &batch, end);
            root_at(&Blake3Hasher, &staged, end)
        };
        let holds = match root {
            Ok(root) if end == target_cp.size => root == target_cp.root,
            Ok(root) => verify_consistency(
                &Blake3Hasher,
                end,
                target_cp.size,
                &root,
                &target_cp.root,
                proof,
            )
            .is_ok(),
            Err(e) => {
                log.discard_staged();
                return Err(e.into());
            }
        };
        if !holds {
            log.discard_staged();
            return Err(misbehaved(
                peer,
                format!("entries {start}..{end} of {origin} do not match its signed checkpoint"),
            ));
        }
        index_objects(&mut batch, &replica_log_id(origin), start, entries);
        if let Some(record) = &record
            && let Err(e) = put_record(&mut batch, record)
        {
            log.discard_staged();
            return Err(e);
        }
        let store = self.node.store();
        match store.apply(batch).and_then(|()| store.flush()) {
            Ok(()) => {
                log.commit_staged();
                Ok(true)
            }
            Err(e) => {
                log.discard_staged();
                Err(e.into())
            }
        }
    }

    /// The replica already holds the target's size: check the root and
    /// record the target as verified.
    fn finish_sync(&self, origin: &str, target: &SignedCheckpoint) -> Result<(), FederationError> {
        let _guard = self.witness_guard();
        let log = self.replica_log(origin)?;
        let log = lock(&log);
        let c = target.checkpoint();
        if log.root(c.size)? != c.root {
            return Err(FederationError::Equivocation(format!(
                "{origin}: the replica, verified against an earlier checkpoint, has another root at {}",
                c.size
            )));
        }
        let Some(mut record) = self.replica(origin)? else {
            return Err(FederationError::UnknownLog(origin.to_owned()));
        };
        if record.verified_size() >= c.size {
            return Ok(());
        }
        mark_verified(&mut record, target);
        let mut batch = WriteBatch::default();
        put_record(&mut batch, &record)?;
        self.node.store().apply(batch)?;
        self.node.store().flush()?;
        Ok(())
    }
}

/// Records `target` as the replica's verified checkpoint, clearing the
/// pending target it reached.
fn mark_verified(record: &mut ReplicaRecord, target: &SignedCheckpoint) {
    let size = target.checkpoint().size;
    if size >= record.verified_size() {
        // The pending copy of the same checkpoint may carry cosignatures
        // gossiped during the sync.
        let mut verified = target.clone();
        if let Some(p) = record.pending()
            && p.checkpoint() == target.checkpoint()
        {
            let _ = merge_lines(&mut verified, &p);
        }
        record.checkpoint = Some(verified.to_text());
    }
    if record.pending().is_none_or(|p| p.checkpoint().size <= size) {
        record.target = None;
    }
}

/// Adds the signature lines of `from` that `into` lacks; whether any was.
fn merge_lines(
    into: &mut SignedCheckpoint,
    from: &SignedCheckpoint,
) -> Result<bool, FederationError> {
    let mut added = false;
    for line in from.signatures() {
        let known = into
            .signatures()
            .iter()
            .any(|l| l.name == line.name && l.key_id == line.key_id);
        if !known {
            into.add_signature(line.clone())
                .map_err(|e| FederationError::BadCheckpoint(e.to_string()))?;
            added = true;
        }
    }
    Ok(added)
}

fn misbehaved(peer: PublicKey, reason: String) -> FederationError {
    FederationError::misbehaved(peer, reason)
}

/// Runs store work off the async runtime.
pub(crate) async fn blocking<R: Send + 'static>(
    work: impl FnOnce() -> Result<R, FederationError> + Send + 'static,
) -> Result<R, FederationError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| FederationError::Task(e.to_string()))?
}
