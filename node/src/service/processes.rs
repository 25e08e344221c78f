//! Processes: drafts, opening (which fixes the id), phases.
//!
//! Phases are moved by the administrator ([`Node::advance_phase`]), one
//! step at a time, and each move is logged: the log, not the clock, says
//! when voting opened and closed. The definition's `schedule` is the
//! announced plan (shown to citizens); the node does not enforce it, so a
//! late start or an extended vote needs no new definition (and so no new
//! process id).

use super::records::{self, ProcessRecord, ProcessState};
use super::{Node, ServiceError, lock};
use crate::store::{Keyspace, WriteBatch};
use pbnode_protocol::crypto::Signable;
use pbnode_protocol::objects::{LogEntry, Phase, PhaseChange, ProcessDef, ProcessId};
use serde::Serialize;

/// A process as callers see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProcessInfo {
    /// Its slug (drafts are addressed by it).
    pub slug: String,
    /// Its id, once open (the hash of the definition).
    pub id: Option<ProcessId>,
    /// Its phase, once open.
    pub phase: Option<Phase>,
    /// The definition.
    pub def: ProcessDef,
    /// Entries in its log (0 for a draft).
    pub log_size: u64,
}

/// The phase after `phase`, if any. Phases never go back or skip.
pub fn next_phase(phase: Phase) -> Option<Phase> {
    match phase {
        Phase::Proposals => Some(Phase::Review),
        Phase::Review => Some(Phase::Voting),
        Phase::Voting => Some(Phase::Closed),
        Phase::Closed => Some(Phase::Implementation),
        Phase::Implementation => None,
    }
}

/// Slugs become part of URLs, so they follow the origin component rule.
fn check_slug(slug: &str) -> Result<(), ServiceError> {
    let ok = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-._".contains(&b);
    if slug.is_empty() || slug.len() > 64 || !slug.bytes().all(ok) {
        return Err(ServiceError::InvalidInput(format!(
            "slug `{slug}` must be 1 to 64 characters of a-z 0-9 - . _"
        )));
    }
    Ok(())
}

impl Node {
    /// Creates a draft. The owner is set to this node's jurisdiction.
    pub fn create_process(&self, mut def: ProcessDef) -> Result<ProcessInfo, ServiceError> {
        check_slug(&def.slug)?;
        def.owner = self.jurisdiction_id;
        def.check()?;
        // Serialise creators so two drafts cannot take one slug.
        let _guard = lock(&self.logs);
        if self
            .store
            .get(Keyspace::Processes, &records::process_key(&def.slug))?
            .is_some()
        {
            return Err(ServiceError::SlugTaken(def.slug));
        }
        let record = ProcessRecord {
            def,
            state: ProcessState::Draft,
            tally: None,
        };
        let mut batch = WriteBatch::default();
        records::put_process(&mut batch, &record.def.slug, &record)?;
        self.write(batch)?;
        self.info(record)
    }

    /// Replaces a draft's definition (the slug cannot change).
    pub fn edit_process(
        &self,
        slug: &str,
        mut def: ProcessDef,
    ) -> Result<ProcessInfo, ServiceError> {
        if def.slug != slug {
            return Err(ServiceError::InvalidInput(
                "the slug of a process cannot change".into(),
            ));
        }
        def.owner = self.jurisdiction_id;
        def.check()?;
        let _guard = lock(&self.logs);
        let mut record = self.record_by_slug(slug)?;
        if record.id().is_some() {
            return Err(ServiceError::AlreadyOpen(slug.to_string()));
        }
        record.def = def;
        let mut batch = WriteBatch::default();
        records::put_process(&mut batch, slug, &record)?;
        self.write(batch)?;
        self.info(record)
    }

    /// Opens a draft: signs its definition and logs it as entry 0, then the
    /// start of the proposals phase, and signs a checkpoint. From now on the
    /// process id (the definition's hash) is fixed.
    pub fn open_process(&self, slug: &str) -> Result<ProcessInfo, ServiceError> {
        let mut record = {
            let _guard = lock(&self.logs);
            let record = self.record_by_slug(slug)?;
            if record.id().is_some() {
                return Err(ServiceError::AlreadyOpen(slug.to_string()));
            }
            record
        };
        let id = record.def.id()?;
        let log = self.process_log(&id)?;
        let mut pl = lock(&log);
        // Re-read under the process lock: another caller may have opened it.
        if self.record_by_slug(slug)?.id().is_some() {
            return Err(ServiceError::AlreadyOpen(slug.to_string()));
        }
        let signed = record.def.clone().sign(&self.key)?;
        let now = self.now();
        record.state = ProcessState::Open {
            id,
            phase: Phase::Proposals,
        };
        let mut batch = WriteBatch::default();
        records::put_process(&mut batch, slug, &record)?;
        records::put(
            &mut batch,
            Keyspace::Processes,
            &records::process_id_key(&id),
            &slug,
        )?;
        let entries = [
            LogEntry::ProcessDefined(signed),
            LogEntry::PhaseChanged(PhaseChange {
                process: id,
                phase: Phase::Proposals,
                at: now,
            }),
        ];
        self.append(&mut pl, &entries, batch)?;
        self.sign_checkpoint_locked(&id, &mut pl)?;
        drop(pl);
        self.info(record)
    }

    /// Moves an open process to `to`, which must be the next phase. Each
    /// change is logged and followed by a signed checkpoint; entering
    /// [`Phase::Closed`] also publishes the openings and the signed tally.
    /// The phases of an adopted regional process follow its region
    /// ([`Node::follow_region`]), not this method.
    pub fn advance_phase(&self, id: &ProcessId, to: Phase) -> Result<ProcessInfo, ServiceError> {
        self.advance(id, to, false)
    }

    /// [`Node::advance_phase`]; `following_region` is set when the region's
    /// log moves an adopted regional process.
    pub(crate) fn advance(
        &self,
        id: &ProcessId,
        to: Phase,
        following_region: bool,
    ) -> Result<ProcessInfo, ServiceError> {
        let log = self.process_log(id)?;
        let mut pl = lock(&log);
        let (slug, mut record) = self.record_by_id(id)?;
        if !following_region && self.is_adopted(&record.def) {
            return Err(ServiceError::FollowsRegion(id.to_string()));
        }
        let from = record
            .phase()
            .ok_or_else(|| ServiceError::NotOpen(slug.clone()))?;
        if next_phase(from) != Some(to) {
            return Err(ServiceError::PhaseOrder { from, to });
        }
        if to == Phase::Closed {
            self.close_locked(id, &slug, record, &mut pl)?;
        } else {
            record.state = ProcessState::Open { id: *id, phase: to };
            let mut batch = WriteBatch::default();
            records::put_process(&mut batch, &slug, &record)?;
            let change = PhaseChange {
                process: *id,
                phase: to,
                at: self.now(),
            };
            self.append(&mut pl, &[LogEntry::PhaseChanged(change)], batch)?;
            self.forget_voting(id, &mut pl);
            self.sign_checkpoint_locked(id, &mut pl)?;
        }
        drop(pl);
        let (_, record) = self.record_by_id(id)?;
        self.info(record)
    }

    /// Every process, drafts included, sorted by slug.
    pub fn list_processes(&self) -> Result<Vec<ProcessInfo>, ServiceError> {
        records::scan::<ProcessRecord>(&*self.store, Keyspace::Processes, b"s/")?
            .into_iter()
            .map(|(_, record)| self.info(record))
            .collect()
    }

    /// One process, by slug or by id (64 hex digits).
    pub fn get_process(&self, slug_or_id: &str) -> Result<ProcessInfo, ServiceError> {
        let record = match slug_or_id.parse::<ProcessId>() {
            Ok(id) => self.record_by_id(&id)?.1,
            Err(_) => self.record_by_slug(slug_or_id)?,
        };
        self.info(record)
    }

    pub(crate) fn record_by_slug(&self, slug: &str) -> Result<ProcessRecord, ServiceError> {
        records::get(
            &*self.store,
            Keyspace::Processes,
            &records::process_key(slug),
        )?
        .ok_or_else(|| ServiceError::ProcessNotFound(slug.to_string()))
    }

    /// The slug and record of an open process.
    pub(crate) fn record_by_id(
        &self,
        id: &ProcessId,
    ) -> Result<(String, ProcessRecord), ServiceError> {
        let slug: String = records::get(
            &*self.store,
            Keyspace::Processes,
            &records::process_id_key(id),
        )?
        .ok_or_else(|| ServiceError::ProcessNotFound(id.to_string()))?;
        let record = self.record_by_slug(&slug)?;
        Ok((slug, record))
    }

    /// The record of an open process in `phase`.
    pub(crate) fn record_in_phase(
        &self,
        id: &ProcessId,
        allowed: &[Phase],
    ) -> Result<ProcessRecord, ServiceError> {
        let (slug, record) = self.record_by_id(id)?;
        let actual = record.phase().ok_or(ServiceError::NotOpen(slug))?;
        // What is allowed during voting is ballot collection (census, codes,
        // voters, ballots), which for a regional process is the members' work.
        if allowed.contains(&Phase::Voting) && self.is_region_of(&record.def) {
            return Err(ServiceError::RegionCollectsNoBallots);
        }
        if !allowed.contains(&actual) {
            return Err(ServiceError::WrongPhase {
                expected: allowed[0],
                actual,
            });
        }
        Ok(record)
    }

    pub(crate) fn info(&self, record: ProcessRecord) -> Result<ProcessInfo, ServiceError> {
        let log_size = match record.id() {
            Some(id) => self.read_log(&id, |log| Ok(log.size()))?,
            None => 0,
        };
        Ok(ProcessInfo {
            slug: record.def.slug.clone(),
            id: record.id(),
            phase: record.phase(),
            def: record.def,
            log_size,
        })
    }
}
