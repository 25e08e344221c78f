//! Regional processes over the federation (see `crate::service` regional
//! docs for the life of one): the driver calls [`Federation::regional_step`]
//! on its timer, and it moves every regional process forward from what the
//! replicas show.
//!
//! - As a member: a region's regional process that lists this node is
//!   adopted once the region's log (a verified replica) reaches voting, and
//!   this node's log is closed once the region's log shows the close.
//! - As a region: a closed regional process whose every member log is
//!   replicated, verified and closed is aggregated
//!   (`pbnode_protocol::recount::aggregate_members` verifies every member log
//!   in full and recounts the combined ballots) and the aggregate published
//!   in the region's log. A member marked as equivocating is refused: its
//!   tally is not aggregated, so the aggregate waits (and says why in the
//!   node's log).

use super::{Federation, FederationError, membership};
use pbnode_protocol::federation::wire::MAX_ENTRIES_PER_REQUEST;
use pbnode_protocol::federation::{Member, MemberRole};
use pbnode_protocol::note::{parse_process_log_origin, process_log_origin};
use pbnode_protocol::objects::{Jurisdiction, JurisdictionId, LogEntry, Phase, ProcessId};
use pbnode_protocol::recount::aggregate::{MemberProcess, RegionalDataset};
use pbnode_protocol::recount::{
    LogKeys, MemberLog, aggregate_members, regional_dataset, verify_log,
};
use pbnode_protocol::{crypto::Signable, encoding};

/// What one regional step did, for the node's log and for tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegionalAction {
    /// This member adopted a regional process.
    Adopted(ProcessId),
    /// This member closed its log of a regional process.
    Closed(ProcessId),
    /// This region published the aggregate of a regional process.
    Aggregated(ProcessId),
    /// This region cannot aggregate yet, and why.
    Waiting(ProcessId, String),
}

/// The id of the jurisdiction a manifest member stands for: what regional
/// process definitions and aggregates name members by.
pub(crate) fn jurisdiction_id_of(member: &Member) -> Result<JurisdictionId, FederationError> {
    jurisdiction_of(member)
        .id()
        .map_err(|e| FederationError::Manifest(format!("member {}: {e}", member.slug)))
}

/// The jurisdiction a manifest member stands for (nodes have no parent in
/// their jurisdiction object: see the README's federation section).
fn jurisdiction_of(member: &Member) -> Jurisdiction {
    Jurisdiction {
        name: member.name.clone(),
        key: member.key,
        parent: None,
    }
}

impl Federation {
    /// Every verified entry of a log this node serves (own or replica).
    pub fn all_entries(&self, origin: &str) -> Result<Vec<Vec<u8>>, FederationError> {
        let mut entries = Vec::new();
        loop {
            let start = entries.len() as u64;
            match self.entries(origin, start, MAX_ENTRIES_PER_REQUEST) {
                Ok(page) if !page.is_empty() => entries.extend(page),
                Ok(_) => return Ok(entries),
                // Past the end: the log is read.
                Err(_) if start > 0 => return Ok(entries),
                Err(e) => return Err(e),
            }
        }
    }

    /// Moves regional processes forward (see the module docs).
    pub fn regional_step(&self) -> Result<Vec<RegionalAction>, FederationError> {
        let mut actions = self.member_step()?;
        actions.extend(self.region_step()?);
        Ok(actions)
    }

    /// Member side: adopt and follow the regions' regional processes.
    fn member_step(&self) -> Result<Vec<RegionalAction>, FederationError> {
        let manifest = self.manifest().value;
        let own_id = self.node.jurisdiction_id();
        let mut actions = Vec::new();
        for replica in self.replicas()? {
            let Ok((slug, process_hex)) = parse_process_log_origin(&replica.origin) else {
                continue;
            };
            let Some(region) = manifest.member_by_slug(slug) else {
                continue;
            };
            if region.role != MemberRole::Region || replica.verified_size() == 0 {
                continue;
            }
            let Ok(process) = process_hex.parse::<ProcessId>() else {
                continue;
            };
            let first = self.entries(&replica.origin, 0, 1)?;
            let Some(LogEntry::ProcessDefined(def)) = first
                .first()
                .and_then(|b| encoding::from_bytes::<LogEntry>(b).ok())
            else {
                continue;
            };
            if !def.value.members.contains(&own_id) {
                continue;
            }
            let adopted = self.node.get_process(&process.to_string()).ok();
            match adopted {
                None => {
                    let entries = self.all_entries(&replica.origin)?;
                    match self.node.adopt_regional_process(&entries, &region.key) {
                        Ok(_) => actions.push(RegionalAction::Adopted(process)),
                        // Not in voting yet: try again on the next step.
                        Err(crate::service::ServiceError::WrongPhase { .. }) => {}
                        Err(e) => {
                            tracing::warn!(%process, error = %e, "cannot adopt regional process")
                        }
                    }
                }
                Some(info) if info.phase == Some(Phase::Voting) => {
                    let entries = self.all_entries(&replica.origin)?;
                    let after = self.node.follow_region(&process, &entries)?;
                    if after.phase != info.phase {
                        actions.push(RegionalAction::Closed(process));
                    }
                }
                Some(_) => {}
            }
        }
        Ok(actions)
    }

    /// Region side: aggregate closed regional processes.
    fn region_step(&self) -> Result<Vec<RegionalAction>, FederationError> {
        let manifest = self.manifest().value;
        let own = self.own_member();
        if own.role != MemberRole::Region {
            return Ok(Vec::new());
        }
        let mut actions = Vec::new();
        for info in self.node.list_processes()? {
            let Some(process) = info.id else { continue };
            let closed = matches!(info.phase, Some(Phase::Closed | Phase::Implementation));
            if info.def.members.is_empty()
                || info.def.owner != self.node.jurisdiction_id()
                || !closed
                || self.node.aggregate_of(&process)?.is_some()
            {
                continue;
            }
            match self.member_logs(&manifest, &own, &info.def.members, &process)? {
                Err(why) => actions.push(RegionalAction::Waiting(process, why)),
                Ok(members) => {
                    let signed_def = self.node.signed_definition(&process)?;
                    match aggregate_members(&signed_def, &members) {
                        Ok(aggregate) => {
                            self.node.publish_aggregate(&process, aggregate)?;
                            actions.push(RegionalAction::Aggregated(process));
                        }
                        Err(e) => actions.push(RegionalAction::Waiting(process, e.to_string())),
                    }
                }
            }
        }
        Ok(actions)
    }

    /// The closed, verified member logs of a regional process, or why they
    /// are not all there yet.
    fn member_logs(
        &self,
        manifest: &pbnode_protocol::federation::FederationManifest,
        region: &Member,
        member_ids: &[pbnode_protocol::objects::JurisdictionId],
        process: &ProcessId,
    ) -> Result<Result<Vec<MemberLog>, String>, FederationError> {
        let mut logs = Vec::new();
        for id in member_ids {
            let Some(member) = manifest
                .members
                .iter()
                .find(|m| jurisdiction_of(m).id().ok().as_ref() == Some(id))
            else {
                return Ok(Err(format!(
                    "member {id} is not in the federation manifest"
                )));
            };
            if self.is_marked(&member.key)? {
                return Ok(Err(format!(
                    "member {} equivocated: its tally is refused",
                    member.slug
                )));
            }
            let origin = process_log_origin(&member.slug, &process.to_string())
                .map_err(|e| FederationError::UnknownLog(e.to_string()))?;
            let Some(checkpoint) = self.replica(&origin)?.and_then(|r| r.verified()) else {
                return Ok(Err(format!("no verified replica of {origin} yet")));
            };
            let entries = self.all_entries(&origin)?;
            let tallied = entries.iter().rev().any(|e| {
                matches!(
                    encoding::from_bytes::<LogEntry>(e),
                    Ok(LogEntry::Tallied(_))
                )
            });
            if !tallied || entries.len() as u64 != checkpoint.checkpoint().size {
                return Ok(Err(format!("{origin} is not closed and tallied yet")));
            }
            logs.push(MemberLog {
                jurisdiction: jurisdiction_of(member),
                keys: LogKeys {
                    owner: region.key,
                    node: member.key,
                    log: membership::log_key(member, &origin)?,
                    owner_id: jurisdiction_of(region).id().ok(),
                },
                entries,
                checkpoint,
            });
        }
        Ok(Ok(logs))
    }
}

impl Federation {
    /// The regional dataset of this region's members' own processes
    /// (`pbnode_protocol::recount::regional_dataset`), built from the
    /// verified replicas this node holds of its members' logs: every closed
    /// and tallied municipal process of a member whose parent is this node.
    /// Each log is verified in full here ([`verify_log`]); one that fails,
    /// or whose owner is marked as equivocating, is listed with that status
    /// instead of figures. Regional processes (member logs of a region's
    /// process) are the aggregate's business and left out; so are processes
    /// not closed yet, since they have no tally to show.
    pub fn regional_dataset(&self) -> Result<RegionalDataset, FederationError> {
        let manifest = self.manifest().value;
        let own = self.own_member();
        let mut rows = Vec::new();
        for replica in self.replicas()? {
            let Ok((slug, _)) = parse_process_log_origin(&replica.origin) else {
                continue;
            };
            let Some(member) = manifest.member_by_slug(slug) else {
                continue;
            };
            let Some(checkpoint) = replica.verified() else {
                continue;
            };
            if member.parent.as_deref() != Some(own.slug.as_str()) {
                continue;
            }
            let mut entries = self.all_entries(&replica.origin)?;
            entries.truncate(usize::try_from(checkpoint.checkpoint().size).unwrap_or(usize::MAX));
            let decoded: Vec<LogEntry> = entries
                .iter()
                .filter_map(|e| encoding::from_bytes(e).ok())
                .collect();
            let Some(LogEntry::ProcessDefined(def)) = decoded.first() else {
                continue;
            };
            let tallied = decoded.iter().any(|e| matches!(e, LogEntry::Tallied(_)));
            if !def.value.members.is_empty() || !tallied {
                continue;
            }
            let proposals = decoded
                .iter()
                .filter_map(|e| match e {
                    LogEntry::ProposalSubmitted(p) => Some(p.clone()),
                    _ => None,
                })
                .collect();
            let verification = if self.is_marked(&member.key)? {
                Err(format!(
                    "{} is marked as equivocating: it signed two checkpoints of one log \
                     that cannot both hold",
                    member.slug
                ))
            } else {
                let keys =
                    LogKeys::municipal(member.key, membership::log_key(member, &replica.origin)?);
                verify_log(&entries, &keys, &checkpoint).map_err(|e| e.to_string())
            };
            rows.push(MemberProcess {
                jurisdiction: jurisdiction_of(member)
                    .id()
                    .map_err(|e| FederationError::Task(e.to_string()))?,
                name: member.name.clone(),
                process: def.value.clone(),
                proposals,
                verification,
            });
        }
        regional_dataset(&rows).map_err(|e| FederationError::Task(e.to_string()))
    }
}
