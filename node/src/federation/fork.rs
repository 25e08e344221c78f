//! A target that does not extend the replica: a lying peer, or a log that
//! forked. Before a sync extends a replica, the target must be consistent
//! with what the replica holds; when the peer's proof says otherwise, the
//! whole target tree is fetched and rebuilt here, which tells the two
//! apart: if the peer's entries do make the target's root, the log's owner
//! signed a tree that disagrees with an earlier checkpoint of its own, and
//! that is stored as an equivocation proof (`Conflict::Fork`).

use super::replica::put_record;
use super::sync::blocking;
use super::{Federation, FederationError, Transport};
use crate::service::lock;
use crate::store::WriteBatch;
use pbnode_protocol::crypto::PublicKey;
use pbnode_protocol::federation::MAX_ENTRIES_PER_REQUEST;
use pbnode_protocol::federation::{SyncRequest, SyncResponse};
use pbnode_protocol::merkle::{Blake3Hasher, MemoryLog, verify_consistency};
use pbnode_protocol::note::{Conflict, Equivocation, SignedCheckpoint};
use std::sync::Arc;

/// Largest tree rebuilt to investigate a fork (entries held in memory).
const MAX_INVESTIGATED: u64 = 1 << 20;

impl Federation {
    /// Checks that `target` extends the replica of `origin`, with a
    /// consistency proof from `peer`; investigates a failing proof.
    pub(crate) async fn check_extends<T: Transport>(
        self: &Arc<Self>,
        transport: &T,
        peer: PublicKey,
        origin: &str,
        target: &SignedCheckpoint,
    ) -> Result<(), FederationError> {
        let size = target.checkpoint().size;
        let fed = self.clone();
        let o = origin.to_owned();
        let held = blocking(move || {
            let log = fed.replica_log(&o)?;
            let log = lock(&log);
            let held = log.size();
            if held == 0 || held >= size {
                return Ok(None);
            }
            Ok(Some((held, log.root(held)?)))
        })
        .await?;
        let Some((held, root)) = held else {
            return Ok(());
        };
        let request = SyncRequest::Consistency {
            origin: origin.to_owned(),
            old_size: held,
            new_size: size,
        };
        // Only a proof that fails is evidence; a peer that cannot answer
        // (for instance a replica still behind the target) is asked again
        // later, not investigated.
        let proof = match transport.request(peer, request).await {
            Ok(SyncResponse::Proof(proof)) => proof,
            Ok(SyncResponse::Error(e)) => return Err(FederationError::wire(peer, e)),
            Ok(other) => {
                return Err(FederationError::failed(
                    peer,
                    format!("answered a consistency request with {other:?}"),
                ));
            }
            Err(e) => return Err(FederationError::transport(peer, e)),
        };
        if verify_consistency(
            &Blake3Hasher,
            held,
            size,
            &root,
            &target.checkpoint().root,
            &proof,
        )
        .is_ok()
        {
            return Ok(());
        }
        let tree = self.fetch_tree(transport, peer, origin, size).await?;
        if tree.root(size).ok() != Some(target.checkpoint().root) {
            return Err(FederationError::misbehaved(
                peer,
                format!("its entries of {origin} do not make the signed root"),
            ));
        }
        let fed = self.clone();
        let target = target.clone();
        blocking(move || fed.prove_fork(&tree, target)).await
    }

    /// Fetches entries `0..size` of a log from a peer into memory.
    async fn fetch_tree<T: Transport>(
        &self,
        transport: &T,
        peer: PublicKey,
        origin: &str,
        size: u64,
    ) -> Result<MemoryLog<Blake3Hasher>, FederationError> {
        if size > MAX_INVESTIGATED {
            return Err(FederationError::BadCheckpoint(format!(
                "{origin}: the target does not extend the replica, too large to investigate"
            )));
        }
        let mut tree = MemoryLog::new(Blake3Hasher);
        while tree.leaf_count() < size {
            let start = tree.leaf_count();
            let limit = (size - start).min(u64::from(MAX_ENTRIES_PER_REQUEST));
            let request = SyncRequest::Entries {
                origin: origin.to_owned(),
                start,
                limit: u32::try_from(limit).unwrap_or(MAX_ENTRIES_PER_REQUEST),
            };
            match transport.request(peer, request).await {
                Ok(SyncResponse::Entries { start: s, entries })
                    if s == start && !entries.is_empty() && entries.len() as u64 <= limit =>
                {
                    for entry in &entries {
                        tree.append(entry);
                    }
                }
                Ok(other) => {
                    return Err(FederationError::misbehaved(
                        peer,
                        format!("bad entries answer: {other:?}"),
                    ));
                }
                Err(e) => return Err(FederationError::transport(peer, e)),
            }
        }
        Ok(tree)
    }

    /// `tree` makes `target`'s root: if it disagrees with the replica's
    /// verified checkpoint, the owner forked; store the proof.
    fn prove_fork(
        &self,
        tree: &MemoryLog<Blake3Hasher>,
        target: SignedCheckpoint,
    ) -> Result<(), FederationError> {
        let origin = target.checkpoint().origin.clone();
        let size = target.checkpoint().size;
        let _guard = self.witness_guard();
        let verified = self.replica(&origin)?.and_then(|r| r.verified());
        if let Some(verified) = verified {
            let old = verified.checkpoint().size;
            if old > 0 && old < size {
                let implied = tree.root(old).map_err(crate::log::LogError::from)?;
                if implied != verified.checkpoint().root {
                    let proof = tree
                        .consistency_proof(old, size)
                        .map_err(crate::log::LogError::from)?;
                    let equivocation = Equivocation::new(
                        verified,
                        target,
                        Conflict::Fork {
                            implied_old_root: implied,
                            proof,
                        },
                    );
                    self.record_equivocation(&equivocation)?;
                    self.drop_pending(&origin, equivocation.second())?;
                    return Err(FederationError::Equivocation(origin));
                }
            }
        }
        Err(FederationError::BadCheckpoint(format!(
            "{origin}: the signed checkpoint does not extend the replica"
        )))
    }
}

impl Federation {
    /// Forgets a pending target proven to be a fork, so that no sync
    /// retries it.
    fn drop_pending(&self, origin: &str, fork: &SignedCheckpoint) -> Result<(), FederationError> {
        let Some(mut record) = self.replica(origin)? else {
            return Ok(());
        };
        if record
            .pending()
            .is_some_and(|p| p.checkpoint() == fork.checkpoint())
        {
            record.target = None;
            let mut batch = WriteBatch::default();
            put_record(&mut batch, &record)?;
            self.node.store().apply(batch)?;
            self.node.store().flush()?;
        }
        Ok(())
    }
}
