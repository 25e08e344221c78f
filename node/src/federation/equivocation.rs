//! Equivocation proofs: two validly signed checkpoints of one log that
//! cannot both hold. Found here (against the checkpoints this node holds),
//! received by gossip (checked before they are believed), stored by
//! offender, and never forgotten: aggregators refuse a marked node's
//! tallies.

use super::replica::corrupt;
use super::{Federation, FederationError, membership};
use crate::service::lock;
use crate::store::{Keyspace, WriteBatch};
use pbnode_protocol::crypto::PublicKey;
use pbnode_protocol::merkle::Blake3Hasher;
use pbnode_protocol::note::{Conflict, Equivocation, SignedCheckpoint, WitnessState};
use serde::{Deserialize, Serialize};

/// A stored, verified equivocation proof.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EquivocationRecord {
    /// The node key of the log's owner: the offender.
    pub offender: PublicKey,
    /// The log's origin.
    pub origin: String,
    /// The first checkpoint (signed note; the smaller one for a fork).
    pub first: String,
    /// The second checkpoint (signed note).
    pub second: String,
    /// For checkpoints of different sizes: the root the second implies at
    /// the first's size, and the consistency proof from it to the second.
    pub fork: Option<([u8; 32], Vec<[u8; 32]>)>,
    /// When this node stored it (unix seconds).
    pub at: u64,
}

impl EquivocationRecord {
    /// The proof, to verify again or pass on.
    pub fn proof(&self) -> Result<Equivocation, FederationError> {
        let parse =
            |n: &str| SignedCheckpoint::parse(n).map_err(|e| corrupt(Keyspace::Equivocations, e));
        let conflict = match &self.fork {
            None => Conflict::SameSize,
            Some((implied_old_root, proof)) => Conflict::Fork {
                implied_old_root: *implied_old_root,
                proof: proof.clone(),
            },
        };
        Ok(Equivocation::new(
            parse(&self.first)?,
            parse(&self.second)?,
            conflict,
        ))
    }
}

fn record_key(offender: &PublicKey, first: &str, second: &str) -> Vec<u8> {
    let mut hasher = blake3::Hasher::new();
    hasher.update(first.as_bytes());
    hasher.update(&[0]);
    hasher.update(second.as_bytes());
    [offender.as_bytes().as_slice(), hasher.finalize().as_bytes()].concat()
}

impl Federation {
    /// Every stored equivocation proof, grouped by offender.
    pub fn equivocations(&self) -> Result<Vec<EquivocationRecord>, FederationError> {
        self.node
            .store()
            .scan_prefix(Keyspace::Equivocations, b"", usize::MAX)?
            .iter()
            .map(|(_, v)| {
                serde_json::from_slice(v).map_err(|e| corrupt(Keyspace::Equivocations, e))
            })
            .collect()
    }

    /// Whether a verified equivocation proof against the node with this
    /// key is stored.
    pub fn is_marked(&self, node_key: &PublicKey) -> Result<bool, FederationError> {
        Ok(!self
            .node
            .store()
            .scan_prefix(Keyspace::Equivocations, node_key.as_bytes(), 1)?
            .is_empty())
    }

    /// Verifies a proof against the log owner's key from the manifest and
    /// stores it. Returns whether it was new.
    pub(crate) fn record_equivocation(
        &self,
        proof: &Equivocation,
    ) -> Result<bool, FederationError> {
        let origin = proof.first().checkpoint().origin.clone();
        let manifest = self.manifest();
        let owner = membership::member_of_origin(&manifest.value, &origin)?;
        let key = membership::log_key(owner, &origin)?;
        proof
            .verify(&[key], &Blake3Hasher)
            .map_err(|e| FederationError::BadCheckpoint(format!("equivocation proof: {e}")))?;
        let (first, second) = (proof.first().to_text(), proof.second().to_text());
        let store_key = record_key(&owner.key, &first, &second);
        if self
            .node
            .store()
            .get(Keyspace::Equivocations, &store_key)?
            .is_some()
        {
            return Ok(false);
        }
        let record = EquivocationRecord {
            offender: owner.key,
            origin,
            first,
            second,
            fork: match proof.conflict() {
                Conflict::SameSize => None,
                Conflict::Fork {
                    implied_old_root,
                    proof,
                } => Some((*implied_old_root, proof.clone())),
            },
            at: self.node.now(),
        };
        let bytes = serde_json::to_vec(&record).map_err(|e| corrupt(Keyspace::Equivocations, e))?;
        let mut batch = WriteBatch::default();
        batch.put(Keyspace::Equivocations, &store_key, &bytes);
        self.node.store().apply(batch)?;
        self.node.store().flush()?;
        tracing::warn!(origin = %record.origin, offender = %record.offender, "equivocation proof stored");
        Ok(true)
    }

    /// Looks for a conflict between a validly signed checkpoint and those
    /// this node holds for its log: its replica's verified checkpoint and
    /// pending target, and the checkpoint it last cosigned as a witness.
    /// Same size with another root, or a smaller size whose root differs
    /// from the root the replica (consistent with a signed checkpoint)
    /// has at that size.
    pub(crate) fn find_conflict(
        &self,
        candidate: &SignedCheckpoint,
    ) -> Result<Option<Equivocation>, FederationError> {
        let origin = &candidate.checkpoint().origin;
        let mut held: Vec<SignedCheckpoint> = Vec::new();
        let record = self.replica(origin)?;
        if let Some(r) = &record {
            held.extend(r.verified());
            held.extend(r.pending());
        }
        if let Some(w) = self.witness_state(origin)?.latest() {
            held.push(w.clone());
        }
        let c = candidate.checkpoint();
        for h in &held {
            if h.checkpoint().size == c.size && h.checkpoint().root != c.root {
                return Ok(Some(Equivocation::new(
                    h.clone(),
                    candidate.clone(),
                    Conflict::SameSize,
                )));
            }
        }
        let Some(verified) = record.as_ref().and_then(|r| r.verified()) else {
            return Ok(None);
        };
        let v = verified.checkpoint();
        if c.size == 0 || c.size >= v.size {
            return Ok(None);
        }
        let log = self.replica_log(origin)?;
        let log = lock(&log);
        if log.size() < v.size {
            return Ok(None);
        }
        let implied = log.root(c.size)?;
        if implied == c.root {
            return Ok(None);
        }
        let proof = log.consistency_proof(c.size, v.size)?;
        Ok(Some(Equivocation::new(
            candidate.clone(),
            verified.clone(),
            Conflict::Fork {
                implied_old_root: implied,
                proof,
            },
        )))
    }

    /// Builds the proof for a gossiped pair of checkpoints: same size
    /// needs nothing more; different sizes need this node's replica to
    /// hold the larger one's tree. `None` when it cannot be checked here.
    pub(crate) fn proof_for_pair(
        &self,
        first: SignedCheckpoint,
        second: SignedCheckpoint,
    ) -> Result<Option<Equivocation>, FederationError> {
        let (a, b) = (first.checkpoint(), second.checkpoint());
        if a.size == b.size {
            return Ok(Some(Equivocation::new(first, second, Conflict::SameSize)));
        }
        let (small, big) = if a.size < b.size {
            (first, second)
        } else {
            (second, first)
        };
        let (s, g) = (small.checkpoint(), big.checkpoint());
        if s.size == 0 {
            return Ok(None);
        }
        let log = self.replica_log(&g.origin)?;
        let log = lock(&log);
        if log.size() < g.size || log.root(g.size)? != g.root {
            return Ok(None);
        }
        let implied = log.root(s.size)?;
        let proof = log.consistency_proof(s.size, g.size)?;
        Ok(Some(Equivocation::new(
            small,
            big,
            Conflict::Fork {
                implied_old_root: implied,
                proof,
            },
        )))
    }

    /// The witness state of a log, from the store.
    pub(crate) fn witness_state(&self, origin: &str) -> Result<WitnessState, FederationError> {
        match self
            .node
            .store()
            .get(Keyspace::Witnessed, origin.as_bytes())?
        {
            None => Ok(WitnessState::new(origin)),
            Some(bytes) => {
                let note = String::from_utf8(bytes).map_err(|e| corrupt(Keyspace::Witnessed, e))?;
                let latest =
                    SignedCheckpoint::parse(&note).map_err(|e| corrupt(Keyspace::Witnessed, e))?;
                Ok(WitnessState::with_latest(latest))
            }
        }
    }
}
