//! Federation: replicas of peer logs, witnessing, equivocation proofs and
//! regional aggregation, over a [`Transport`] (libp2p in production, see
//! `crate::net`).
//!
//! [`Federation`] is the transport-agnostic logic: it holds the node, the
//! current signed manifest (checked against a pinned signer key) and this
//! node's member entry, and answers peers ([`Federation::handle_request`]),
//! judges gossip ([`Federation::handle_gossip`]), replicates peer logs
//! ([`Federation::sync_log`]), cosigns as a witness and collects
//! cosignatures ([`Federation::request_cosignatures`]). [`run`] drives it
//! from the network's [`Inbound`] channel.
//!
//! Stored state (keyspaces in `crate::store::keyspaces`): the manifest
//! (`Federation`), one record per replicated log (`Replicas`) beside its
//! replica [`crate::log::PersistentLog`], the witness state per log
//! (`Witnessed`), equivocation proofs (`Equivocations`) and an index of
//! signed objects in replica logs (`Objects`).

mod driver;
mod equivocation;
mod error;
mod fork;
mod gossip;
mod membership;
mod regional;
pub(crate) use regional::jurisdiction_id_of;
mod replica;
mod serve;
mod sync;
pub mod transport;
mod witness;

#[cfg(test)]
mod tests;

pub use driver::run;
pub use equivocation::EquivocationRecord;
pub use error::{FederationError, PeerFault};
pub use gossip::{FollowUp, GossipOutcome};
pub use regional::RegionalAction;
pub use replica::{ReplicaRecord, replica_log_id};
pub use sync::SyncOutcome;
pub use transport::{Inbound, PeerAddress, Transport, TransportError, Verdict};
pub use witness::CosignReport;

use crate::log::PersistentLog;
use crate::service::{Node, lock};
use crate::store::{Keyspace, WriteBatch};
use pbnode_protocol::crypto::{PublicKey, Signed};
use pbnode_protocol::federation::{FederationManifest, Member, MemberRole};
use pbnode_protocol::note::SignedCheckpoint;
use pbnode_protocol::objects::ProcessId;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

/// The key of the signed manifest in [`Keyspace::Federation`].
const MANIFEST_KEY: &[u8] = b"manifest";

/// Whose logs this node replicates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplicationPolicy {
    /// Every other member's.
    All,
    /// Its region's: its parent region, the region's other members, and its
    /// own members if it is a region.
    Region,
}

/// How the federation logic behaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FederationConfig {
    /// The key that signs the manifest and its updates, pinned from the
    /// node's config: a manifest signed by anyone else is refused.
    pub manifest_signer: PublicKey,
    /// Whose logs to replicate.
    pub replicate: ReplicationPolicy,
    /// The peers asked to cosign a process's checkpoints when its
    /// definition names no witness. Empty: the region (parent and
    /// siblings) and this node's own members.
    pub witnesses: Vec<PublicKey>,
    /// Entries fetched per sync request (at most
    /// [`pbnode_protocol::federation::MAX_ENTRIES_PER_REQUEST`]).
    pub sync_batch: u32,
    /// How often the driver announces new checkpoints and asks for
    /// cosignatures.
    pub announce_interval: Duration,
    /// First delay before retrying a failed sync; doubled per failure.
    pub retry_base: Duration,
    /// Longest delay between sync retries.
    pub retry_max: Duration,
    /// Test-only: lets [`Federation::sign_forked_checkpoint_for_test`] make
    /// this node equivocate (config `testing.allow_equivocation`).
    pub allow_equivocation: bool,
}

impl FederationConfig {
    /// The defaults for a manifest signed by `manifest_signer`.
    pub fn new(manifest_signer: PublicKey) -> Self {
        FederationConfig {
            manifest_signer,
            replicate: ReplicationPolicy::All,
            witnesses: Vec::new(),
            sync_batch: pbnode_protocol::federation::MAX_ENTRIES_PER_REQUEST,
            announce_interval: Duration::from_secs(10),
            retry_base: Duration::from_secs(1),
            retry_max: Duration::from_secs(300),
            allow_equivocation: false,
        }
    }
}

/// The federation logic of one node.
pub struct Federation {
    node: Arc<Node>,
    config: FederationConfig,
    /// The current manifest and this node's entry in it, replaced together.
    manifest: RwLock<(Signed<FederationManifest>, Member)>,
    replicas: Mutex<HashMap<String, Arc<Mutex<PersistentLog>>>>,
    /// Held across a witness's check and update (tlog-witness asks for
    /// atomicity), and across equivocation bookkeeping.
    witness_lock: Mutex<()>,
    /// Per (witness, origin): the size the witness last cosigned for us, our
    /// guess for the next request's old size (a conflict answer corrects it).
    cosigned_sizes: Mutex<HashMap<(PublicKey, String), u64>>,
}

impl std::fmt::Debug for Federation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Federation")
            .field("node", &self.node)
            .finish_non_exhaustive()
    }
}

impl Federation {
    /// Opens the federation logic of `node`. The manifest is the stored one,
    /// replaced by `manifest` when that one is newer (or none is stored);
    /// either must be signed by the pinned key and list this node (its key
    /// under its slug).
    pub fn open(
        node: Arc<Node>,
        config: FederationConfig,
        manifest: Option<Signed<FederationManifest>>,
    ) -> Result<Federation, FederationError> {
        let store = node.store().clone();
        let stored: Option<Signed<FederationManifest>> = store
            .get(Keyspace::Federation, MANIFEST_KEY)?
            .map(|b| {
                serde_json::from_slice(&b)
                    .map_err(|e| FederationError::Manifest(format!("stored manifest: {e}")))
            })
            .transpose()?;
        if let Some(s) = &stored {
            membership::verify_manifest(s, &config.manifest_signer)?;
        }
        let current = match (stored, manifest) {
            (None, None) => return Err(FederationError::Manifest("no manifest".into())),
            (Some(s), None) => s,
            (stored, Some(given)) => {
                membership::verify_manifest(&given, &config.manifest_signer)?;
                match stored {
                    Some(s) if s.value.version >= given.value.version => s,
                    _ => {
                        persist_manifest(&node, &given)?;
                        given
                    }
                }
            }
        };
        let own = own_member(&node, &current.value)?.clone();
        Ok(Federation {
            node,
            config,
            manifest: RwLock::new((current, own)),
            replicas: Mutex::new(HashMap::new()),
            witness_lock: Mutex::new(()),
            cosigned_sizes: Mutex::new(HashMap::new()),
        })
    }

    /// The node.
    pub fn node(&self) -> &Arc<Node> {
        &self.node
    }

    /// The configuration.
    pub fn config(&self) -> &FederationConfig {
        &self.config
    }

    /// The current signed manifest.
    pub fn manifest(&self) -> Signed<FederationManifest> {
        self.manifest
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .0
            .clone()
    }

    /// This node's entry in the manifest.
    pub fn own_member(&self) -> Member {
        self.manifest
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .1
            .clone()
    }

    /// The other members as the network needs them (for
    /// [`Transport::set_members`]).
    pub fn peer_addresses(&self) -> Vec<PeerAddress> {
        let own = self.node.public_key();
        self.manifest()
            .value
            .members
            .iter()
            .filter(|m| m.key != own)
            .map(|m| PeerAddress {
                key: m.key,
                addresses: m.addresses.clone(),
            })
            .collect()
    }

    /// Whether `key` belongs to a member of the federation.
    pub fn is_member(&self, key: &PublicKey) -> bool {
        membership::member_by_key(&self.manifest().value, key).is_some()
    }

    /// Replaces the manifest with a newer one signed by the same pinned
    /// key and still listing this node; persists it. The caller then hands
    /// [`Federation::peer_addresses`] to [`Transport::set_members`].
    pub fn update_manifest(
        &self,
        signed: Signed<FederationManifest>,
    ) -> Result<(), FederationError> {
        let mut current = self.manifest.write().unwrap_or_else(|p| p.into_inner());
        membership::check_update(&current.0.value, &signed)?;
        let own = own_member(&self.node, &signed.value)?.clone();
        persist_manifest(&self.node, &signed)?;
        *current = (signed, own);
        Ok(())
    }

    /// Whether this node replicates `member`'s logs, per its policy.
    pub fn replicates(&self, member: &Member) -> bool {
        let own = self.own_member();
        if member.key == own.key {
            return false;
        }
        match self.config.replicate {
            ReplicationPolicy::All => true,
            ReplicationPolicy::Region => {
                let region = match own.role {
                    MemberRole::Region => Some(own.slug.as_str()),
                    MemberRole::Municipality => own.parent.as_deref(),
                };
                region.is_some_and(|r| {
                    member.slug == r
                        || member.parent.as_deref() == Some(r)
                        || member.parent.as_deref() == Some(own.slug.as_str())
                })
            }
        }
    }

    /// Test switch: signs a second checkpoint of the process log's current
    /// size with another root, so that tests can make this node
    /// equivocate. Refused unless `allow_equivocation` is set.
    pub fn sign_forked_checkpoint_for_test(
        &self,
        process: &ProcessId,
    ) -> Result<SignedCheckpoint, FederationError> {
        if !self.config.allow_equivocation {
            return Err(FederationError::Forbidden(
                "equivocation needs testing.allow_equivocation".into(),
            ));
        }
        Ok(self.node.sign_forked_checkpoint(process)?)
    }

    /// The process of an own log origin, `None` if the origin is another
    /// node's.
    pub(crate) fn own_process(&self, origin: &str) -> Option<ProcessId> {
        let (slug, process) = pbnode_protocol::note::parse_process_log_origin(origin).ok()?;
        if slug != self.node.identity().slug {
            return None;
        }
        process.parse().ok()
    }

    /// Guards bookkeeping that must check and update atomically.
    pub(crate) fn witness_guard(&self) -> std::sync::MutexGuard<'_, ()> {
        lock(&self.witness_lock)
    }
}

/// This node's entry: its key, under its own slug.
fn own_member<'m>(
    node: &Node,
    manifest: &'m FederationManifest,
) -> Result<&'m Member, FederationError> {
    let member = membership::member_by_key(manifest, &node.public_key())
        .ok_or_else(|| FederationError::Manifest("this node is not a member".into()))?;
    if member.slug != node.identity().slug {
        return Err(FederationError::Manifest(format!(
            "the manifest lists this node as {}, its slug is {}",
            member.slug,
            node.identity().slug
        )));
    }
    Ok(member)
}

fn persist_manifest(
    node: &Node,
    signed: &Signed<FederationManifest>,
) -> Result<(), FederationError> {
    let bytes = serde_json::to_vec(signed)
        .map_err(|e| FederationError::Manifest(format!("cannot encode: {e}")))?;
    let mut batch = WriteBatch::default();
    batch.put(Keyspace::Federation, MANIFEST_KEY, &bytes);
    node.store().apply(batch)?;
    node.store().flush()?;
    Ok(())
}
