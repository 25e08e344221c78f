//! Close: publish the openings, count, sign the tally. Results and the
//! Pabulib export exist only after it.
//!
//! Closing is two durable steps, so a crash in between is recoverable:
//! 1. one atomic append of `PhaseChanged(Closed)`, `Closed` and every
//!    counted `BallotOpened` (the last ballot per credential, in the log
//!    order of their commitments), with the phase set to closed;
//! 2. a checkpoint of that log (the one the tally names), the count, one
//!    append of `Tallied` and a `Selected` status change per selected
//!    project, and a final checkpoint.
//!
//! [`Node::open`] runs step 2 for a closed process that has no tally.

use super::election::{self, export_elections};
use super::records::{self, BallotRecord, LatestBallot, ProcessRecord, ProcessState};
use super::{Node, ProcessLog, ServiceError, lock};
use crate::store::{Keyspace, WriteBatch};
use pbnode_protocol::ballot::BallotCommitment;
use pbnode_protocol::crypto::{Signable, Signed};
use pbnode_protocol::ids::Id;
use pbnode_protocol::objects::{
    BallotOpened, CheckpointRef, Close, LogEntry, Phase, PhaseChange, ProcessId, ProposalStatus,
    Tally,
};
use pbnode_protocol::pabulib;
use serde::Serialize;

/// One Pabulib file of a closed process (one per counting unit).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PabulibFile {
    /// The district, or `None` when the whole process is one unit.
    pub district: Option<String>,
    /// A file name: `<slug>.pb` or `<slug>_<district>.pb`.
    pub name: String,
    /// The `.pb` text.
    pub text: String,
}

impl Node {
    /// Step 1 (see the module docs), then step 2. Called by
    /// [`Node::advance_phase`] with the process lock held.
    pub(crate) fn close_locked(
        &self,
        id: &ProcessId,
        slug: &str,
        record: ProcessRecord,
        pl: &mut ProcessLog,
    ) -> Result<(), ServiceError> {
        let record = self.publish_openings_locked(id, slug, record, pl)?;
        if self.is_region_of(&record.def) {
            // The region counted no ballots: its result is the aggregate of
            // its members' tallies, published later.
            self.sign_checkpoint_locked(id, pl)?;
            return Ok(());
        }
        self.finish_close_locked(id, slug, record, pl)
    }

    /// Step 1: log the close and the counted openings, mark the process closed.
    pub(crate) fn publish_openings_locked(
        &self,
        id: &ProcessId,
        slug: &str,
        mut record: ProcessRecord,
        pl: &mut ProcessLog,
    ) -> Result<ProcessRecord, ServiceError> {
        let now = self.now();
        let mut entries = vec![
            LogEntry::PhaseChanged(PhaseChange {
                process: *id,
                phase: Phase::Closed,
                at: now,
            }),
            LogEntry::Closed(Close {
                process: *id,
                at: now,
            }),
        ];
        for (commitment, ballot) in self.counted_ballots(id)? {
            entries.push(LogEntry::BallotOpened(BallotOpened {
                commitment,
                opening: ballot.opening,
            }));
        }
        record.state = ProcessState::Open {
            id: *id,
            phase: Phase::Closed,
        };
        let mut batch = WriteBatch::default();
        records::put_process(&mut batch, slug, &record)?;
        self.append(pl, &entries, batch)?;
        self.forget_voting(id, pl);
        Ok(record)
    }

    /// Step 2: count, sign and log the tally, mark the selected projects.
    fn finish_close_locked(
        &self,
        id: &ProcessId,
        slug: &str,
        mut record: ProcessRecord,
        pl: &mut ProcessLog,
    ) -> Result<(), ServiceError> {
        let counted_at = self.sign_checkpoint_locked(id, pl)?;
        let ballots: Vec<_> = self
            .counted_ballots(id)?
            .into_iter()
            .map(|(_, b)| b.opening.ballot)
            .collect();
        let projects = self.on_ballot(id)?;
        let counted = election::count(&record.def, &projects, &ballots)?;
        let tally = Tally {
            process: *id,
            checkpoint: CheckpointRef {
                size: counted_at.checkpoint().size,
                root: pbnode_protocol::ids::Digest(counted_at.checkpoint().root),
            },
            rule: record.def.rule.clone(),
            ballots_counted: counted.ballots_counted,
            totals: counted.totals,
            selected: counted.selected.clone(),
        }
        .sign(&self.key)?;
        record.tally = Some(tally.clone());
        let mut entries = vec![LogEntry::Tallied(tally)];
        let mut batch = WriteBatch::default();
        records::put_process(&mut batch, slug, &record)?;
        let now = self.now();
        // A member's tally of a regional process is a part of the result:
        // the region's aggregate selects, not the member.
        let selected: &[_] = if record.def.members.is_empty() {
            &counted.selected
        } else {
            &[]
        };
        for project in selected {
            let mut proposal = self.proposal(id, project)?;
            let change = pbnode_protocol::objects::StatusChange {
                status: ProposalStatus::Selected,
                at: now,
                reason: String::new(),
            };
            entries.push(LogEntry::ProposalStatusChanged(
                pbnode_protocol::objects::ProposalStatusChange {
                    proposal: *project,
                    change: change.clone(),
                },
            ));
            proposal.status = ProposalStatus::Selected;
            proposal.history.push(change);
            records::put(
                &mut batch,
                Keyspace::Proposals,
                &records::key(id, project.as_bytes()),
                &proposal,
            )?;
        }
        self.append(pl, &entries, batch)?;
        self.sign_checkpoint_locked(id, pl)?;
        Ok(())
    }

    /// Runs step 2 for every closed process without a tally (a crash hit
    /// between the steps), and makes sure every log's latest checkpoint
    /// covers the whole log: a crash can land after entries are durable but
    /// before the checkpoint over them is signed (e.g. right after the tally
    /// is logged), and a closed log gets no further entries to trigger one.
    pub(crate) fn resume_interrupted_closes(&self) -> Result<(), ServiceError> {
        for (_, record) in records::scan::<ProcessRecord>(&*self.store, Keyspace::Processes, b"s/")?
        {
            let Some(id) = record.id() else { continue };
            let log = self.process_log(&id)?;
            let mut pl = lock(&log);
            if let (Some(Phase::Closed), None) = (record.phase(), &record.tally)
                && !self.is_region_of(&record.def)
            {
                let slug = record.def.slug.clone();
                self.finish_close_locked(&id, &slug, record, &mut pl)?;
            } else if pl.log.size() > 0 {
                // Reuses the stored checkpoint when it already covers the log.
                self.sign_checkpoint_locked(&id, &mut pl)?;
            }
        }
        Ok(())
    }

    /// The ballots that count: the last one per credential, with its
    /// commitment id, in the log order of their commitments (the order the
    /// recount uses).
    fn counted_ballots(
        &self,
        id: &ProcessId,
    ) -> Result<Vec<(Id<BallotCommitment>, BallotRecord)>, ServiceError> {
        let mut latest: Vec<LatestBallot> = self
            .store
            .scan_prefix(Keyspace::Openings, id.as_bytes(), usize::MAX)?
            .iter()
            .map(|(_, bytes)| LatestBallot::from_bytes(bytes))
            .collect::<Result<_, _>>()?;
        latest.sort_by_key(|l| l.leaf);
        latest
            .into_iter()
            .map(|l| Ok((l.commitment, self.ballot_record(id, &l.commitment)?)))
            .collect()
    }

    /// The proposals that were on the ballot.
    fn on_ballot(&self, id: &ProcessId) -> Result<Vec<super::ProposalRecord>, ServiceError> {
        Ok(self
            .list_proposals(id, &Default::default())?
            .into_iter()
            .filter(|p| p.status.is_on_ballot())
            .collect())
    }

    /// The signed tally of a closed process; `not_closed` before close (no
    /// running totals exist before it).
    pub fn results(&self, id: &ProcessId) -> Result<Signed<Tally>, ServiceError> {
        let (_, record) = self.record_by_id(id)?;
        record.tally.ok_or(ServiceError::NotClosed)
    }

    /// The Pabulib `.pb` files of a closed process: the counted ballots and
    /// the projects that were on the ballot, one file per counting unit.
    pub fn export_pabulib(&self, id: &ProcessId) -> Result<Vec<PabulibFile>, ServiceError> {
        let (slug, record) = self.record_by_id(id)?;
        if record.tally.is_none() {
            return Err(ServiceError::NotClosed);
        }
        let ballots: Vec<_> = self
            .counted_ballots(id)?
            .into_iter()
            .map(|(_, b)| b.opening.ballot)
            .collect();
        let projects = self.on_ballot(id)?;
        export_elections(&record.def, &projects, &ballots)?
            .into_iter()
            .map(|unit| {
                let text = pabulib::write(&unit.election)
                    .map_err(|e| ServiceError::Tally(format!("pabulib export: {e}")))?;
                let name = match &unit.district {
                    Some(d) => format!("{slug}_{d}.pb"),
                    None => format!("{slug}.pb"),
                };
                Ok(PabulibFile {
                    district: unit.district,
                    name,
                    text,
                })
            })
            .collect()
    }
}
