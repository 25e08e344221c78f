//! Witnessing (C2SP `tlog-witness`): cosigning peers' checkpoints, and
//! collecting cosignatures on this node's own.
//!
//! Passive side: the state per log (the latest cosigned checkpoint) is
//! checked and updated under one lock and made durable before the
//! cosignature leaves; the pure rules are
//! [`pbnode_protocol::note::check_and_cosign`]. A node cosigns under the key
//! name `<slug>/witness` with its node key (type 0x04).
//!
//! Active side: [`Federation::request_cosignatures`] sends the latest own
//! checkpoint of a process to its witnesses (the process definition's, or
//! configured peers), retries once with the witness's size on a conflict,
//! verifies each cosignature and stores them with the checkpoint.

use super::sync::blocking;
use super::{Federation, FederationError, Transport, membership};
use crate::service::{Node, lock};
use crate::store::{Keyspace, WriteBatch};
use pbnode_protocol::crypto::PublicKey;
use pbnode_protocol::federation::{
    GossipMessage, MemberRole, SyncRequest, SyncResponse, WireError,
};
use pbnode_protocol::merkle::Blake3Hasher;
use pbnode_protocol::note::{
    AddCheckpoint, Cosignature, NoteSignature, SignatureType, SignedCheckpoint, VerifierKey,
    WitnessError, check_and_cosign,
};
use pbnode_protocol::objects::ProcessId;
use std::sync::Arc;

/// What [`Federation::request_cosignatures`] achieved.
#[derive(Debug, Clone)]
pub struct CosignReport {
    /// The stored checkpoint, with every cosignature it now carries.
    pub checkpoint: SignedCheckpoint,
    /// The witnesses that cosigned this time.
    pub cosigned_by: Vec<PublicKey>,
    /// The witnesses that did not, and why.
    pub failed: Vec<(PublicKey, String)>,
    /// Whether the process's k-of-n witness policy is met (`None` when its
    /// definition names no witness).
    pub policy_met: Option<bool>,
}

impl Federation {
    /// Answers an `add-checkpoint` request as a witness.
    pub(crate) fn cosign(&self, body: &str) -> SyncResponse {
        match self.try_cosign(body) {
            Ok(answer) => answer,
            Err(e) => SyncResponse::Error(e.to_wire()),
        }
    }

    fn try_cosign(&self, body: &str) -> Result<SyncResponse, FederationError> {
        let refused = |why: String| Ok(SyncResponse::Error(WireError::Refused(why)));
        let request = match AddCheckpoint::parse(body) {
            Ok(r) => r,
            Err(e) => return Ok(SyncResponse::Error(WireError::BadRequest(e.to_string()))),
        };
        let origin = request.checkpoint.checkpoint().origin.clone();
        let manifest = self.manifest();
        let Ok(owner) = membership::member_of_origin(&manifest.value, &origin) else {
            return refused(format!("unknown log {origin}"));
        };
        let log_key = membership::log_key(owner, &origin)?;
        if request
            .checkpoint
            .verify_log_signature(std::slice::from_ref(&log_key))
            .is_err()
        {
            return refused(format!("{origin}: bad log signature"));
        }
        let signer = self.node.witness_signer()?;
        let _guard = self.witness_guard();
        // A checkpoint conflicting with a replica this node holds is as much
        // an equivocation as one conflicting with what it cosigned.
        if let Some(proof) = self.find_conflict(&request.checkpoint)? {
            self.record_equivocation(&proof)?;
            return refused(format!("{origin}: equivocation"));
        }
        let mut state = self.witness_state(&origin)?;
        let now = self.node.now();
        match check_and_cosign(
            &mut state,
            &request,
            &[log_key],
            &signer,
            &Blake3Hasher,
            now,
        ) {
            Ok(cosignature) => {
                if let Some(latest) = state.latest() {
                    let mut batch = WriteBatch::default();
                    batch.put(
                        Keyspace::Witnessed,
                        origin.as_bytes(),
                        latest.to_text().as_bytes(),
                    );
                    self.node.store().apply(batch)?;
                    self.node.store().flush()?;
                }
                let line = cosignature.to_note_signature().to_line();
                Ok(SyncResponse::Cosignature(
                    line.trim_end_matches('\n').to_owned(),
                ))
            }
            Err(WitnessError::OldSizeMismatch { latest_size, .. }) => {
                Ok(SyncResponse::CosignConflict { latest_size })
            }
            Err(WitnessError::Equivocation(proof)) => {
                self.record_equivocation(&proof)?;
                refused(format!("{origin}: equivocation"))
            }
            Err(e) => refused(e.to_string()),
        }
    }

    /// The latest checkpoint this node cosigned for a log, if any.
    pub fn witnessed(&self, origin: &str) -> Result<Option<SignedCheckpoint>, FederationError> {
        Ok(self.witness_state(origin)?.latest().cloned())
    }

    /// The witnesses of a process: (peer to ask, key its cosignature
    /// verifies under). The definition's witnesses if it names any, else
    /// the configured peers, else the region.
    fn witnesses_of(
        &self,
        def: &pbnode_protocol::objects::ProcessDef,
    ) -> Result<Vec<(PublicKey, VerifierKey)>, FederationError> {
        let own = self.node.public_key();
        let manifest = self.manifest();
        if !def.witnesses.witnesses.is_empty() {
            return def
                .witnesses
                .witnesses
                .iter()
                .filter(|w| w.key != own)
                .map(|w| {
                    VerifierKey::new(&w.name, SignatureType::CosignatureV1, *w.key.as_dalek())
                        .map(|k| (w.key, k))
                        .map_err(|e| FederationError::BadCheckpoint(e.to_string()))
                })
                .collect();
        }
        let me = self.own_member();
        let region = match me.role {
            MemberRole::Region => Some(me.slug.clone()),
            MemberRole::Municipality => me.parent.clone(),
        };
        manifest
            .value
            .members
            .iter()
            .filter(|m| m.key != own)
            .filter(|m| {
                if self.config.witnesses.is_empty() {
                    region
                        .as_deref()
                        .is_some_and(|r| m.slug == r || m.parent.as_deref() == Some(r))
                        || m.parent.as_deref() == Some(me.slug.as_str())
                } else {
                    self.config.witnesses.contains(&m.key)
                }
            })
            .map(|m| Ok((m.key, membership::witness_key(m)?)))
            .collect()
    }

    /// Sends the latest own checkpoint of `process` to its witnesses,
    /// verifies and stores their cosignatures with it, and gossips the
    /// cosigned note.
    pub async fn request_cosignatures<T: Transport>(
        self: &Arc<Self>,
        transport: &T,
        process: ProcessId,
    ) -> Result<CosignReport, FederationError> {
        let fed = self.clone();
        let (checkpoint, def, witnesses) = blocking(move || {
            let checkpoint = fed.node.latest_checkpoint(&process)?.ok_or_else(|| {
                FederationError::UnknownLog(format!("no checkpoint of process {process}"))
            })?;
            let def = fed.node.get_process(&process.to_string())?.def;
            let witnesses = fed.witnesses_of(&def)?;
            Ok((checkpoint, def, witnesses))
        })
        .await?;
        let origin = checkpoint.checkpoint().origin.clone();
        let size = checkpoint.checkpoint().size;
        let mut cosigned = checkpoint.clone();
        let mut report = CosignReport {
            checkpoint: checkpoint.clone(),
            cosigned_by: Vec::new(),
            failed: Vec::new(),
            policy_met: None,
        };
        for (peer, key) in witnesses {
            let guess = lock(&self.cosigned_sizes)
                .get(&(peer, origin.clone()))
                .copied()
                .unwrap_or(0)
                .min(size);
            match self
                .ask_witness(transport, peer, &key, process, &checkpoint, guess)
                .await
            {
                Ok(line) => {
                    lock(&self.cosigned_sizes).insert((peer, origin.clone()), size);
                    cosigned
                        .add_signature(line)
                        .map_err(|e| FederationError::BadCheckpoint(e.to_string()))?;
                    report.cosigned_by.push(peer);
                }
                Err(e) => report.failed.push((peer, e.to_string())),
            }
        }
        let fed = self.clone();
        let stored = blocking(move || {
            let stored = fed.node.add_cosignatures(&process, &cosigned)?;
            let met = Node::witness_policy(&def)?.map(|p| p.check(&stored).is_ok());
            Ok((stored, met))
        })
        .await?;
        (report.checkpoint, report.policy_met) = stored;
        if !report.cosigned_by.is_empty() {
            let note = report.checkpoint.to_text();
            if let Err(e) = transport.publish(GossipMessage::Cosigned { note }) {
                tracing::debug!(%origin, error = %e, "cosigned checkpoint not gossiped");
            }
        }
        Ok(report)
    }

    /// One witness: the request with our guess of its old size, and once
    /// more with the size it says it has. Returns its verified line.
    async fn ask_witness<T: Transport>(
        self: &Arc<Self>,
        transport: &T,
        peer: PublicKey,
        key: &VerifierKey,
        process: ProcessId,
        checkpoint: &SignedCheckpoint,
        mut old_size: u64,
    ) -> Result<NoteSignature, FederationError> {
        let size = checkpoint.checkpoint().size;
        for attempt in 0..2 {
            let proof = if old_size == 0 || old_size == size {
                Vec::new()
            } else {
                let node = self.node.clone();
                blocking(move || Ok(node.consistency_proof(&process, old_size, size)?)).await?
            };
            let body = AddCheckpoint {
                old_size,
                proof,
                checkpoint: checkpoint.clone(),
            }
            .to_text();
            let answer = transport
                .request(peer, SyncRequest::Cosign { body })
                .await
                .map_err(|e| FederationError::transport(peer, e))?;
            match answer {
                SyncResponse::Cosignature(line) => {
                    return verify_cosignature(peer, key, checkpoint, &line);
                }
                SyncResponse::CosignConflict { latest_size }
                    if attempt == 0 && latest_size <= size && latest_size != old_size =>
                {
                    old_size = latest_size;
                }
                SyncResponse::Error(e) => return Err(FederationError::wire(peer, e)),
                other => {
                    return Err(FederationError::misbehaved(
                        peer,
                        format!("unexpected answer to a cosign request: {other:?}"),
                    ));
                }
            }
        }
        Err(FederationError::failed(
            peer,
            "cosign conflict persisted".into(),
        ))
    }
}

/// Parses and checks a witness's cosignature line on `checkpoint`.
fn verify_cosignature(
    peer: PublicKey,
    key: &VerifierKey,
    checkpoint: &SignedCheckpoint,
    line: &str,
) -> Result<NoteSignature, FederationError> {
    let bad = |why: String| FederationError::misbehaved(peer, why);
    let parsed = NoteSignature::parse_line(line).map_err(|e| bad(e.to_string()))?;
    Cosignature::from_note_signature(&parsed)
        .and_then(|c| c.verify(key, checkpoint.body()))
        .map_err(|e| bad(format!("cosignature: {e}")))?;
    Ok(parsed)
}
