//! Judging gossip: every message gets a [`Verdict`] (accepted ones are
//! forwarded by gossipsub, rejected ones score their sender down) and
//! possibly [`FollowUp`] work for the driver.

use super::sync::Observation;
use super::{Federation, FederationError, Verdict, membership};
use pbnode_protocol::crypto::{PublicKey, Signed};
use pbnode_protocol::encoding;
use pbnode_protocol::federation::{FederationManifest, ForkEvidence, GossipMessage};
use pbnode_protocol::note::{Conflict, Cosignature, Equivocation, SignedCheckpoint};

/// Work a gossip message calls for, done by the driver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FollowUp {
    /// The replica of `origin` is behind `target`: sync it, from `source`
    /// first (the author), else from any peer serving it.
    Sync {
        /// The log.
        origin: String,
        /// The signed checkpoint to reach.
        target: SignedCheckpoint,
        /// Who to ask first.
        source: PublicKey,
    },
    /// Publish this message (a newly found equivocation proof).
    Publish(GossipMessage),
    /// Ask this peer which logs it serves (it announced something).
    CatchUp(PublicKey),
    /// The manifest changed: hand the new members to the transport.
    ManifestUpdated,
}

/// The judgement on a gossip message and the work it calls for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GossipOutcome {
    /// For gossipsub.
    pub verdict: Verdict,
    /// For the driver.
    pub follow_ups: Vec<FollowUp>,
}

impl GossipOutcome {
    fn just(verdict: Verdict) -> Self {
        GossipOutcome {
            verdict,
            follow_ups: Vec::new(),
        }
    }
}

impl Federation {
    /// Judges a gossip message from `author` (its gossipsub signed source).
    /// Non-members, malformed messages, forged checkpoints and bogus proofs
    /// are rejected.
    pub fn handle_gossip(&self, author: &PublicKey, data: &[u8]) -> GossipOutcome {
        if !self.is_member(author) {
            return GossipOutcome::just(Verdict::Reject);
        }
        let Some(message) = membership::decode_gossip(data) else {
            return GossipOutcome::just(Verdict::Reject);
        };
        let judged = match message {
            GossipMessage::Checkpoint { note } => self.gossiped_checkpoint(author, &note, false),
            GossipMessage::Cosigned { note } => self.gossiped_checkpoint(author, &note, true),
            GossipMessage::Process { origin, .. } => {
                let manifest = self.manifest();
                Ok(
                    match membership::member_of_origin(&manifest.value, &origin) {
                        Ok(owner) if owner.key == *author => GossipOutcome {
                            verdict: Verdict::Accept,
                            follow_ups: if self.replicates(owner) {
                                vec![FollowUp::CatchUp(*author)]
                            } else {
                                Vec::new()
                            },
                        },
                        _ => GossipOutcome::just(Verdict::Reject),
                    },
                )
            }
            GossipMessage::Equivocation {
                first,
                second,
                fork,
            } => self.gossiped_equivocation(&first, &second, fork),
            GossipMessage::Manifest { signed } => self.gossiped_manifest(&signed),
        };
        judged.unwrap_or_else(|e| {
            tracing::debug!(error = %e, "gossip refused");
            GossipOutcome::just(match e {
                FederationError::Store(_) | FederationError::Task(_) | FederationError::Log(_) => {
                    Verdict::Ignore
                }
                _ => Verdict::Reject,
            })
        })
    }

    fn gossiped_checkpoint(
        &self,
        author: &PublicKey,
        note: &str,
        cosigned: bool,
    ) -> Result<GossipOutcome, FederationError> {
        let signed = SignedCheckpoint::parse(note)
            .map_err(|e| FederationError::BadCheckpoint(e.to_string()))?;
        let owner = self.verify_checkpoint(&signed)?;
        if cosigned {
            self.check_witness_lines(&signed)?;
        }
        let origin = signed.checkpoint().origin.clone();
        match self.observe_checkpoint(&signed)? {
            Observation::Conflict(proof, new) => Ok(GossipOutcome {
                verdict: Verdict::Accept,
                follow_ups: if new {
                    vec![FollowUp::Publish(GossipMessage::equivocation(&proof))]
                } else {
                    Vec::new()
                },
            }),
            Observation::Seen { behind, changed } => {
                let follow_ups = if behind && self.replicates(&owner) {
                    vec![FollowUp::Sync {
                        origin,
                        target: signed,
                        source: *author,
                    }]
                } else {
                    Vec::new()
                };
                // A valid checkpoint of a log this node does not replicate
                // is still forwarded: other members may replicate it.
                let elsewhere = !self.replicates(&owner) && owner.key != self.node.public_key();
                let verdict = if behind || changed || cosigned || elsewhere {
                    Verdict::Accept
                } else {
                    Verdict::Ignore
                };
                Ok(GossipOutcome {
                    verdict,
                    follow_ups,
                })
            }
        }
    }

    /// A cosigned note must carry at least one cosignature by a member's
    /// witness key, and every such line must verify.
    fn check_witness_lines(&self, signed: &SignedCheckpoint) -> Result<(), FederationError> {
        let manifest = self.manifest();
        let mut valid = 0;
        for member in &manifest.value.members {
            let key = membership::witness_key(member)?;
            for line in signed.signatures() {
                if !key.matches(&line.name, line.key_id) {
                    continue;
                }
                Cosignature::from_note_signature(line)
                    .and_then(|c| c.verify(&key, signed.body()))
                    .map_err(|e| FederationError::BadCheckpoint(format!("cosignature: {e}")))?;
                valid += 1;
            }
        }
        if valid == 0 {
            return Err(FederationError::BadCheckpoint(
                "no member's cosignature".into(),
            ));
        }
        Ok(())
    }

    fn gossiped_equivocation(
        &self,
        first: &str,
        second: &str,
        fork: Option<ForkEvidence>,
    ) -> Result<GossipOutcome, FederationError> {
        let parse = |n: &str| {
            SignedCheckpoint::parse(n).map_err(|e| FederationError::BadCheckpoint(e.to_string()))
        };
        let (first, second) = (parse(first)?, parse(second)?);
        if first.checkpoint().origin != second.checkpoint().origin {
            return Err(FederationError::BadCheckpoint("two different logs".into()));
        }
        // Both must be the log's own before anything else is looked at.
        self.verify_checkpoint(&first)?;
        self.verify_checkpoint(&second)?;
        let _guard = self.witness_guard();
        let proof = match fork {
            // Self-contained: `record_equivocation` verifies it as it is.
            Some(evidence) => Equivocation::new(
                first,
                second,
                Conflict::Fork {
                    implied_old_root: evidence.implied_old_root,
                    proof: evidence.proof,
                },
            ),
            // A bare pair: same size, or a fork this node can prove itself
            // from its replica of the larger tree.
            None => match self.proof_for_pair(first, second)? {
                Some(proof) => proof,
                None => return Ok(GossipOutcome::just(Verdict::Ignore)),
            },
        };
        Ok(GossipOutcome::just(if self.record_equivocation(&proof)? {
            Verdict::Accept
        } else {
            Verdict::Ignore
        }))
    }

    fn gossiped_manifest(&self, bytes: &[u8]) -> Result<GossipOutcome, FederationError> {
        let signed: Signed<FederationManifest> = encoding::from_bytes(bytes)
            .map_err(|e| FederationError::Manifest(format!("undecodable: {e}")))?;
        if signed.value.version <= self.manifest().value.version {
            return Ok(GossipOutcome::just(Verdict::Ignore));
        }
        self.update_manifest(signed)?;
        Ok(GossipOutcome {
            verdict: Verdict::Accept,
            follow_ups: vec![FollowUp::ManifestUpdated],
        })
    }
}
