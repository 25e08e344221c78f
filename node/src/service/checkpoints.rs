//! Signed checkpoints (C2SP `tlog-checkpoint`) and public log reads.
//!
//! The node signs a checkpoint at every phase change, when a receipt needs
//! one, and while a log grows, per [`CheckpointPolicy`] (the runtime calls
//! [`Node::maybe_checkpoint`] on a timer). Checkpoints are stored by size,
//! and one size is never signed with two roots: a stored checkpoint for a
//! size is reused, and a different root for it is refused as an error.
//!
//! Witness cosignatures collected by the federation are merged into the
//! stored note ([`Node::add_cosignatures`]), so that [`Node::latest_checkpoint`]
//! and receipts carry them. As a witness, a node cosigns under the note key
//! name `<slug>/witness` ([`Node::witness_key_name`]) with its node key
//! (type 0x04, so its key id differs from its log key's).

use super::records::{self, CheckpointRecord};
use super::{Node, ProcessLog, ServiceError, lock};
use crate::store::{Keyspace, WriteBatch};
use pbnode_protocol::merkle::Digest;
use pbnode_protocol::note::{
    Checkpoint, SignatureType, SignedCheckpoint, SignerKey, VerifierKey, WitnessPolicy,
    process_log_origin,
};
use pbnode_protocol::objects::{ProcessDef, ProcessId};

/// When to sign a checkpoint while a log grows: after `every_entries` new
/// entries, or `every_seconds` after the last one if the log grew since
/// (a zero disables that trigger).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckpointPolicy {
    /// New entries that trigger a checkpoint.
    pub every_entries: u64,
    /// Seconds after which a grown log gets a checkpoint.
    pub every_seconds: u64,
}

impl Default for CheckpointPolicy {
    fn default() -> Self {
        CheckpointPolicy {
            every_entries: 1000,
            every_seconds: 10,
        }
    }
}

fn checkpoint_key(process: &ProcessId, size: u64) -> Vec<u8> {
    records::key(process, &size.to_be_bytes())
}

fn parse(note: &str) -> Result<SignedCheckpoint, ServiceError> {
    SignedCheckpoint::parse(note).map_err(|e| ServiceError::Checkpoint(e.to_string()))
}

impl Node {
    /// The origin line of a process log: `pbnode/<jurisdiction slug>/<process hex>`.
    pub fn log_origin(&self, process: &ProcessId) -> Result<String, ServiceError> {
        process_log_origin(&self.identity.slug, &process.to_string())
            .map_err(|e| ServiceError::Checkpoint(e.to_string()))
    }

    /// The note key that signs a process's checkpoints: the node's key under
    /// the log origin as key name (tlog-checkpoint recommends it).
    pub(crate) fn checkpoint_signer(&self, process: &ProcessId) -> Result<SignerKey, ServiceError> {
        SignerKey::from_seed(
            &self.log_origin(process)?,
            SignatureType::Ed25519,
            &self.key.seed(),
        )
        .map_err(|e| ServiceError::Checkpoint(e.to_string()))
    }

    /// The verifier key of a process's checkpoints.
    pub fn log_verifier_key(&self, process: &ProcessId) -> Result<VerifierKey, ServiceError> {
        Ok(self.checkpoint_signer(process)?.verifier_key())
    }

    /// The note key name this node cosigns under as a witness:
    /// `<slug>/witness`. A process that names this node as a witness in its
    /// [`ProcessDef::witnesses`] uses this name.
    pub fn witness_key_name(&self) -> String {
        format!("{}/witness", self.identity.slug)
    }

    /// The witness (type 0x04 `cosignature/v1`) key of this node.
    pub(crate) fn witness_signer(&self) -> Result<SignerKey, ServiceError> {
        SignerKey::from_seed(
            &self.witness_key_name(),
            SignatureType::CosignatureV1,
            &self.key.seed(),
        )
        .map_err(|e| ServiceError::Checkpoint(e.to_string()))
    }

    /// The verifier key of this node's cosignatures.
    pub fn witness_verifier_key(&self) -> Result<VerifierKey, ServiceError> {
        Ok(self.witness_signer()?.verifier_key())
    }

    /// The k-of-n witness policy of a process definition as note keys, or
    /// `None` when it names no witness.
    pub fn witness_policy(def: &ProcessDef) -> Result<Option<WitnessPolicy>, ServiceError> {
        if def.witnesses.witnesses.is_empty() {
            return Ok(None);
        }
        let keys = def
            .witnesses
            .witnesses
            .iter()
            .map(|w| {
                VerifierKey::new(&w.name, SignatureType::CosignatureV1, *w.key.as_dalek())
                    .map_err(|e| ServiceError::InvalidInput(format!("witness {}: {e}", w.name)))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let threshold = usize::try_from(def.witnesses.threshold)
            .map_err(|_| ServiceError::InvalidInput("witness threshold".into()))?;
        WitnessPolicy::new(keys, threshold)
            .map(Some)
            .map_err(|e| ServiceError::InvalidInput(format!("witness policy: {e}")))
    }

    /// Merges the signature lines of `cosigned` other than the log's own
    /// (witness cosignatures, checked by the caller) into the stored
    /// checkpoint of the same size and root. Returns the stored checkpoint
    /// with every line it now carries.
    pub fn add_cosignatures(
        &self,
        process: &ProcessId,
        cosigned: &SignedCheckpoint,
    ) -> Result<SignedCheckpoint, ServiceError> {
        let log = self.process_log(process)?;
        // Under the process lock: two witnesses answering at once must not
        // overwrite each other's lines.
        let _pl = lock(&log);
        let size = cosigned.checkpoint().size;
        let key = checkpoint_key(process, size);
        let record =
            records::get::<CheckpointRecord>(&*self.store, Keyspace::Checkpoints, &key)?
                .ok_or_else(|| ServiceError::Checkpoint(format!("no checkpoint of size {size}")))?;
        let mut stored = parse(&record.note)?;
        if stored.body() != cosigned.body() {
            return Err(ServiceError::Checkpoint(format!(
                "the cosigned checkpoint of size {size} is not the one this node signed"
            )));
        }
        let own = self.checkpoint_signer(process)?;
        let mut changed = false;
        for line in cosigned.signatures() {
            let known = stored
                .signatures()
                .iter()
                .any(|l| l.name == line.name && l.key_id == line.key_id);
            if known || (line.name == own.name() && line.key_id == own.key_id()) {
                continue;
            }
            stored
                .add_signature(line.clone())
                .map_err(|e| ServiceError::Checkpoint(e.to_string()))?;
            changed = true;
        }
        if changed {
            let mut batch = WriteBatch::default();
            let updated = CheckpointRecord {
                note: stored.to_text(),
                at: record.at,
            };
            records::put(&mut batch, Keyspace::Checkpoints, &key, &updated)?;
            self.write(batch)?;
        }
        Ok(stored)
    }

    /// Signs, without storing it, a checkpoint of the log's current size
    /// with another root: an equivocation. Only the federation's test
    /// switch (`allow_equivocation`) reaches it; an honest node never
    /// calls it.
    pub(crate) fn sign_forked_checkpoint(
        &self,
        process: &ProcessId,
    ) -> Result<SignedCheckpoint, ServiceError> {
        let log = self.process_log(process)?;
        let pl = lock(&log);
        let size = pl.log.size();
        let root = pl.log.root(size)?;
        let forked = *blake3::hash(&[b"fork".as_slice(), &root].concat()).as_bytes();
        let checkpoint = Checkpoint::new(&self.log_origin(process)?, size, forked);
        SignedCheckpoint::sign(checkpoint, &self.checkpoint_signer(process)?)
            .map_err(|e| ServiceError::Checkpoint(e.to_string()))
    }

    /// Signs (or reuses) the checkpoint of the log's current size, and
    /// stores it durably.
    pub(crate) fn sign_checkpoint_locked(
        &self,
        process: &ProcessId,
        pl: &mut ProcessLog,
    ) -> Result<SignedCheckpoint, ServiceError> {
        self.sign_checkpoint_with(process, pl, true)
    }

    /// Signs (or reuses) the checkpoint of the log's current size. With
    /// `flush` false the record is applied but made durable only by the next
    /// flush: safe, because the leaves it covers are already durable, so a
    /// checkpoint lost in a crash is signed again with the same root (and,
    /// Ed25519 being deterministic, the same signature). The receipt path
    /// uses it so that a receipt never costs a flush of its own.
    pub(crate) fn sign_checkpoint_with(
        &self,
        process: &ProcessId,
        pl: &mut ProcessLog,
        flush: bool,
    ) -> Result<SignedCheckpoint, ServiceError> {
        let size = pl.log.size();
        let root = pl.log.root(size)?;
        let key = checkpoint_key(process, size);
        if let Some(existing) =
            records::get::<CheckpointRecord>(&*self.store, Keyspace::Checkpoints, &key)?
        {
            let signed = parse(&existing.note)?;
            if signed.checkpoint().root != root {
                return Err(ServiceError::Checkpoint(format!(
                    "a checkpoint of size {size} with another root is already signed"
                )));
            }
            return Ok(signed);
        }
        let checkpoint = Checkpoint::new(&self.log_origin(process)?, size, root);
        let signed = SignedCheckpoint::sign(checkpoint, &self.checkpoint_signer(process)?)
            .map_err(|e| ServiceError::Checkpoint(e.to_string()))?;
        let now = self.now();
        let mut batch = WriteBatch::default();
        let record = CheckpointRecord {
            note: signed.to_text(),
            at: now,
        };
        records::put(&mut batch, Keyspace::Checkpoints, &key, &record)?;
        if flush {
            self.write(batch)?;
        } else {
            self.store.apply(batch)?;
        }
        pl.last_checkpoint = Some((size, now));
        Ok(signed)
    }

    /// Signs a checkpoint of every log that grew enough or long enough ago
    /// (see [`CheckpointPolicy`]). Returns the processes and sizes signed.
    pub fn maybe_checkpoint(&self, now: u64) -> Result<Vec<(ProcessId, u64)>, ServiceError> {
        let open: Vec<_> = lock(&self.logs)
            .iter()
            .map(|(id, l)| (*id, l.clone()))
            .collect();
        let policy = self.checkpoint_policy;
        let mut signed = Vec::new();
        for (id, log) in open {
            let mut pl = lock(&log);
            let size = pl.log.size();
            let (last_size, last_at) = pl.last_checkpoint.unwrap_or((0, 0));
            if size <= last_size {
                continue;
            }
            let by_count = policy.every_entries > 0 && size - last_size >= policy.every_entries;
            let by_time =
                policy.every_seconds > 0 && now.saturating_sub(last_at) >= policy.every_seconds;
            if by_count || by_time {
                self.sign_checkpoint_locked(&id, &mut pl)?;
                signed.push((id, size));
            }
        }
        Ok(signed)
    }

    /// The latest stored checkpoint record and its size.
    pub(crate) fn latest_checkpoint_record(
        &self,
        process: &ProcessId,
    ) -> Result<Option<(u64, CheckpointRecord)>, ServiceError> {
        match self
            .store
            .last_with_prefix(Keyspace::Checkpoints, process.as_bytes())?
        {
            None => Ok(None),
            Some((k, v)) => {
                let size: [u8; 8] = k[32..]
                    .try_into()
                    .map_err(|_| ServiceError::Corrupt("checkpoint key".into()))?;
                Ok(Some((
                    u64::from_be_bytes(size),
                    records::decode(Keyspace::Checkpoints, &v)?,
                )))
            }
        }
    }

    /// The latest signed checkpoint of a process.
    pub fn latest_checkpoint(
        &self,
        process: &ProcessId,
    ) -> Result<Option<SignedCheckpoint>, ServiceError> {
        self.latest_checkpoint_record(process)?
            .map(|(_, r)| parse(&r.note))
            .transpose()
    }

    /// The signed checkpoint of one size, if the node signed one.
    pub fn checkpoint_at(
        &self,
        process: &ProcessId,
        size: u64,
    ) -> Result<Option<SignedCheckpoint>, ServiceError> {
        records::get::<CheckpointRecord>(
            &*self.store,
            Keyspace::Checkpoints,
            &checkpoint_key(process, size),
        )?
        .map(|r| parse(&r.note))
        .transpose()
    }

    /// Every signed checkpoint of a process, smallest first.
    pub fn checkpoints(&self, process: &ProcessId) -> Result<Vec<SignedCheckpoint>, ServiceError> {
        records::scan::<CheckpointRecord>(&*self.store, Keyspace::Checkpoints, process.as_bytes())?
            .into_iter()
            .map(|(_, r)| parse(&r.note))
            .collect()
    }

    /// The number of entries in a process log.
    pub fn log_size(&self, process: &ProcessId) -> Result<u64, ServiceError> {
        self.record_by_id(process)?;
        self.read_log(process, |log| Ok(log.size()))
    }

    /// Up to `limit` log entries (canonical bytes) from `start`.
    pub fn log_entries(
        &self,
        process: &ProcessId,
        start: u64,
        limit: usize,
    ) -> Result<Vec<Vec<u8>>, ServiceError> {
        self.record_by_id(process)?;
        self.read_log(process, |log| log.entries(start, limit))
    }

    /// The inclusion proof of leaf `index` in the tree of `size` leaves.
    pub fn inclusion_proof(
        &self,
        process: &ProcessId,
        index: u64,
        size: u64,
    ) -> Result<Vec<Digest>, ServiceError> {
        self.record_by_id(process)?;
        self.read_log(process, |log| log.inclusion_proof(index, size))
    }

    /// The consistency proof from `old_size` to `new_size`.
    pub fn consistency_proof(
        &self,
        process: &ProcessId,
        old_size: u64,
        new_size: u64,
    ) -> Result<Vec<Digest>, ServiceError> {
        self.record_by_id(process)?;
        self.read_log(process, |log| log.consistency_proof(old_size, new_size))
    }
}
