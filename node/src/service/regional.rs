//! Regional processes: a region defines them, its member municipalities
//! collect the ballots, the region publishes the combined result.
//!
//! A process whose definition lists `members` is regional. Its life:
//!
//! 1. **Region.** The region's node creates, opens and runs it like a
//!    municipal process (proposals, review, phases), but collects no census,
//!    codes, voters or ballots for it
//!    ([`ServiceError::RegionCollectsNoBallots`]). Its close logs
//!    `PhaseChanged(Closed)` and `Closed` and signs a checkpoint; there is no
//!    tally in the region's log, since the region counted nothing itself.
//! 2. **Members.** Once the region's log reaches voting, each member node
//!    adopts the process ([`Node::adopt_regional_process`]): its own log of
//!    the same process id starts with the region-signed definition and the
//!    region's entries of the proposals on the ballot, byte for byte, so
//!    ballots name the region's proposal ids. Census, codes, voters and
//!    ballots then go through the ordinary service methods. When the
//!    region's log shows the close, the member closes its own log
//!    ([`Node::follow_region`]): openings, `Closed` and the member's signed
//!    tally of its own ballots (a part of the result; the budget and rule are
//!    the region's). The member never moves the phases itself
//!    ([`ServiceError::FollowsRegion`]). Its closed log passes
//!    [`pbnode_protocol::recount::verify_log`] with
//!    `LogKeys { owner: region key, node: member key, log: member's log
//!    verifier key, owner_id: Some(region id) }`.
//! 3. **Aggregate.** After close the region pulls every member log and
//!    feeds `pbnode_protocol::recount::aggregate_members` with `process`:
//!    the region's entry 0 ([`Node::signed_definition`]), and one
//!    `MemberLog` per listed member (none missing): the member's
//!    `Jurisdiction` (from the federation manifest), its keys as above
//!    (owner: the region's key; node and checkpoints: the member
//!    jurisdiction's key, log key name `pbnode/<member slug>/<process hex>`),
//!    its closed log entries (canonical leaf bytes) and a checkpoint of
//!    exactly those entries carrying the cosignatures the witness policy
//!    requires. A member node serves that view of its own log with
//!    [`Node::member_log`]. The result is published with
//!    [`Node::publish_aggregate`], which signs it, logs it as `Aggregated`,
//!    marks the selected projects and signs a checkpoint; anyone checks it
//!    with `verify_aggregate` over the same member logs.
//!
//! The caller (federation driver, HTTP) fetches the region's log and checks
//! it against the region's signed checkpoint before handing its entries to
//! the member side; this module checks what the entries say.

use super::processes::ProcessInfo;
use super::records::{self, ProcessRecord, ProcessState, ProposalRecord};
use super::{Node, ServiceError, lock};
use crate::store::{Keyspace, WriteBatch};
use pbnode_protocol::crypto::{PublicKey, Signable, Signed};
use pbnode_protocol::encoding;
use pbnode_protocol::objects::{
    Aggregate, LogEntry, Phase, ProcessDef, ProcessId, Proposal, ProposalId, ProposalStatus,
    ProposalStatusChange, StatusChange,
};
use pbnode_protocol::recount::{LogKeys, MemberLog};
use std::collections::BTreeMap;

/// The [`Keyspace::Processes`] key of a process's published aggregate.
fn aggregate_key(id: &ProcessId) -> Vec<u8> {
    [b"a/".as_slice(), id.as_bytes()].concat()
}

/// A proposal of the region's log, as it stood when voting opened.
struct RegionProposal {
    proposal: Proposal,
    status: ProposalStatus,
    history: Vec<StatusChange>,
}

/// The ballot as the region's log fixed it when voting opened.
struct RegionBallot {
    /// The entries a member copies, in the region's order: the proposals on
    /// the ballot and their status changes, then `PhaseChanged(Voting)`.
    entries: Vec<LogEntry>,
    /// Those proposals.
    proposals: BTreeMap<ProposalId, RegionProposal>,
}

/// What a region's log says, read entry by entry.
struct RegionLog {
    /// Entry 0.
    def: Signed<ProcessDef>,
    id: ProcessId,
    /// The latest phase the log entered.
    phase: Phase,
    /// What a member copies, once voting opened.
    ballot: Option<RegionBallot>,
    /// Whether the log holds `Closed`.
    closed: bool,
}

fn region_error(index: usize, what: impl std::fmt::Display) -> ServiceError {
    ServiceError::RegionLog(format!("entry {index}: {what}"))
}

impl RegionLog {
    fn read(entries: &[Vec<u8>]) -> Result<RegionLog, ServiceError> {
        let decode = |index: usize, bytes: &Vec<u8>| -> Result<LogEntry, ServiceError> {
            let entry: LogEntry =
                encoding::from_bytes(bytes).map_err(|e| region_error(index, e))?;
            // Strict decoding makes this hold; checked because members copy
            // entries and their hashes must be the region's.
            if entry.leaf_data()? != *bytes {
                return Err(region_error(index, "not in canonical encoding"));
            }
            Ok(entry)
        };
        let first = entries
            .first()
            .ok_or_else(|| ServiceError::RegionLog("the log is empty".into()))?;
        let LogEntry::ProcessDefined(def) = decode(0, first)? else {
            return Err(region_error(0, "not a process definition"));
        };
        let id = def.value.id()?;
        let mut log = RegionLog {
            def,
            id,
            phase: Phase::Proposals,
            ballot: None,
            closed: false,
        };
        // Proposal entries before voting, and each proposal's state.
        let mut before_voting: Vec<(ProposalId, LogEntry)> = Vec::new();
        let mut proposals: BTreeMap<ProposalId, RegionProposal> = BTreeMap::new();
        for (index, bytes) in entries.iter().enumerate().skip(1) {
            let entry = decode(index, bytes)?;
            let same = |process: &ProcessId| {
                if *process == id {
                    Ok(())
                } else {
                    Err(region_error(index, format!("names process {process}")))
                }
            };
            match &entry {
                LogEntry::ProcessDefined(_) => {
                    return Err(region_error(index, "a second process definition"));
                }
                LogEntry::PhaseChanged(change) => {
                    same(&change.process)?;
                    log.phase = change.phase;
                    if change.phase == Phase::Voting && log.ballot.is_none() {
                        let on_ballot: BTreeMap<_, _> = std::mem::take(&mut proposals)
                            .into_iter()
                            .filter(|(_, p)| p.status.is_on_ballot())
                            .collect();
                        let mut entries: Vec<LogEntry> = before_voting
                            .drain(..)
                            .filter(|(p, _)| on_ballot.contains_key(p))
                            .map(|(_, e)| e)
                            .collect();
                        entries.push(entry.clone());
                        log.ballot = Some(RegionBallot {
                            entries,
                            proposals: on_ballot,
                        });
                    }
                }
                LogEntry::ProposalSubmitted(proposal) if log.ballot.is_none() => {
                    same(&proposal.process)?;
                    let pid = proposal.id()?;
                    let fresh = RegionProposal {
                        proposal: proposal.clone(),
                        status: ProposalStatus::Submitted,
                        history: Vec::new(),
                    };
                    if proposals.insert(pid, fresh).is_some() {
                        return Err(region_error(index, "a proposal submitted twice"));
                    }
                    before_voting.push((pid, entry));
                }
                LogEntry::ProposalStatusChanged(ProposalStatusChange { proposal, change })
                    if log.ballot.is_none() =>
                {
                    let known = proposals
                        .get_mut(proposal)
                        .ok_or_else(|| region_error(index, "status of an unknown proposal"))?;
                    known.status = change.status;
                    known.history.push(change.clone());
                    before_voting.push((*proposal, entry));
                }
                LogEntry::Closed(close) => {
                    same(&close.process)?;
                    log.closed = true;
                }
                // Later proposal statuses (selected, done), the aggregate:
                // nothing a member copies or waits for.
                _ => {}
            }
        }
        Ok(log)
    }
}

impl Node {
    /// Whether this node is the region of `def`: it owns a process that
    /// lists members.
    pub(crate) fn is_region_of(&self, def: &ProcessDef) -> bool {
        !def.members.is_empty() && def.owner == self.jurisdiction_id
    }

    /// Whether `def` is a regional process this node adopted as a member.
    pub(crate) fn is_adopted(&self, def: &ProcessDef) -> bool {
        !def.members.is_empty() && def.owner != self.jurisdiction_id
    }

    /// Signs and publishes the aggregate of a closed regional process this
    /// node owns: logs `Aggregated`, then a `Selected` status change for
    /// each project it selects (so implementation tracking works at the
    /// region), and signs a checkpoint. The aggregate must name this
    /// process, its rule, one tally per member (in id order, as
    /// `aggregate_members` makes it) and only projects that were on the
    /// ballot; the caller computed it with `aggregate_members` from the
    /// member logs, which this node does not hold. Publishing the same aggregate
    /// again returns the published one; a different one is refused: a
    /// region publishes one result.
    pub fn publish_aggregate(
        &self,
        process: &ProcessId,
        aggregate: Aggregate,
    ) -> Result<Signed<Aggregate>, ServiceError> {
        let log = self.process_log(process)?;
        let mut pl = lock(&log);
        let (_, record) = self.record_by_id(process)?;
        if !self.is_region_of(&record.def) {
            return Err(ServiceError::NotRegional(format!(
                "process {process} is not a regional process of this node"
            )));
        }
        let phase = record
            .phase()
            .ok_or_else(|| ServiceError::NotOpen(record.def.slug.clone()))?;
        if !matches!(phase, Phase::Closed | Phase::Implementation) {
            return Err(ServiceError::WrongPhase {
                expected: Phase::Closed,
                actual: phase,
            });
        }
        if let Some(published) = self.aggregate_of(process)? {
            if published.value == aggregate {
                return Ok(published);
            }
            return Err(ServiceError::AggregateExists(process.to_string()));
        }
        self.check_aggregate(process, &record.def, &aggregate)?;
        let mut selected = Vec::with_capacity(aggregate.selected.len());
        for project in &aggregate.selected {
            let proposal = self.proposal(process, project)?;
            if proposal.status != ProposalStatus::Accepted {
                return Err(ServiceError::InvalidInput(format!(
                    "selected project {project} was not on the ballot"
                )));
            }
            selected.push(proposal);
        }
        let signed = aggregate.sign(&self.key)?;
        let mut batch = WriteBatch::default();
        records::put(
            &mut batch,
            Keyspace::Processes,
            &aggregate_key(process),
            &signed,
        )?;
        let mut entries = vec![LogEntry::Aggregated(signed.clone())];
        let now = self.now();
        for mut proposal in selected {
            let change = StatusChange {
                status: ProposalStatus::Selected,
                at: now,
                reason: String::new(),
            };
            entries.push(LogEntry::ProposalStatusChanged(ProposalStatusChange {
                proposal: proposal.id,
                change: change.clone(),
            }));
            proposal.status = ProposalStatus::Selected;
            proposal.history.push(change);
            records::put(
                &mut batch,
                Keyspace::Proposals,
                &records::key(process, proposal.id.as_bytes()),
                &proposal,
            )?;
        }
        self.append(&mut pl, &entries, batch)?;
        self.sign_checkpoint_locked(process, &mut pl)?;
        Ok(signed)
    }

    /// What an aggregate must say about the process it claims to combine.
    fn check_aggregate(
        &self,
        process: &ProcessId,
        def: &ProcessDef,
        aggregate: &Aggregate,
    ) -> Result<(), ServiceError> {
        if aggregate.process != *process {
            return Err(ServiceError::InvalidInput(format!(
                "the aggregate is of process {}, not {process}",
                aggregate.process
            )));
        }
        if aggregate.rule != def.rule {
            return Err(ServiceError::InvalidInput(
                "the aggregate names another rule than the process".into(),
            ));
        }
        let ids: Vec<_> = aggregate.members.iter().map(|m| m.jurisdiction).collect();
        if ids != def.members {
            return Err(ServiceError::InvalidInput(
                "the aggregate must hold one tally per member of the process, in id order".into(),
            ));
        }
        Ok(())
    }

    /// Entry 0 of a process log: the definition signed by its owner (for a
    /// regional process, by the region; what `aggregate_members` and
    /// `verify_aggregate` take as `process`).
    pub fn signed_definition(
        &self,
        process: &ProcessId,
    ) -> Result<Signed<ProcessDef>, ServiceError> {
        let first = self.log_entries(process, 0, 1)?;
        match first.first().map(|bytes| encoding::from_bytes(bytes)) {
            Some(Ok(LogEntry::ProcessDefined(signed))) => Ok(signed),
            _ => Err(ServiceError::Corrupt(format!(
                "entry 0 of process {process} is not its definition"
            ))),
        }
    }

    /// This member's closed log of an adopted regional process, as a
    /// [`MemberLog`] for `aggregate_members`: this jurisdiction, the keys
    /// (owner: the key that signed the definition; node and checkpoints:
    /// this node's), every entry and the latest checkpoint, which covers
    /// them all once closed. A region that pulls the log over the network
    /// builds the keys from the federation manifest instead of trusting
    /// the member's, and needs the checkpoint cosigned as the process's
    /// witness policy says.
    pub fn member_log(&self, process: &ProcessId) -> Result<MemberLog, ServiceError> {
        let (_, record) = self.record_by_id(process)?;
        if !self.is_adopted(&record.def) {
            return Err(ServiceError::NotRegional(format!(
                "process {process} is not a regional process adopted by this node"
            )));
        }
        if record.tally.is_none() {
            return Err(ServiceError::NotClosed);
        }
        let log = self.process_log(process)?;
        let pl = lock(&log);
        let entries = pl.log.entries(0, usize::MAX)?;
        let checkpoint = self
            .latest_checkpoint(process)?
            .filter(|c| c.checkpoint().size == pl.log.size())
            .ok_or_else(|| ServiceError::Checkpoint("no checkpoint covers the log".into()))?;
        drop(pl);
        Ok(MemberLog {
            jurisdiction: self.jurisdiction.clone(),
            keys: LogKeys {
                owner: self.signed_definition(process)?.signer,
                node: self.public_key(),
                log: self.log_verifier_key(process)?,
                owner_id: Some(record.def.owner),
            },
            entries,
            checkpoint,
        })
    }

    /// The published aggregate of a regional process, if any.
    pub fn aggregate_of(
        &self,
        process: &ProcessId,
    ) -> Result<Option<Signed<Aggregate>>, ServiceError> {
        self.record_by_id(process)?;
        records::get(&*self.store, Keyspace::Processes, &aggregate_key(process))
    }

    /// Adopts a regional process this node's jurisdiction is a member of,
    /// from the region's log (`region_log_entries`: canonical leaf bytes in
    /// order, already checked by the caller against a checkpoint signed by
    /// the region). Entry 0 must be the definition signed by `region_key`,
    /// listing this jurisdiction as a member, and the log must have reached
    /// voting. Creates this node's log of the same process: the region's
    /// entry 0, its entries of the proposals on the ballot (submission and
    /// status changes) and its `PhaseChanged(Voting)`, byte for byte, and
    /// signs a checkpoint; the process is then in voting here, or, if the
    /// region's log already holds its close, closed at once with no ballots
    /// ([`Node::follow_region`]). Adopting an adopted process again changes
    /// nothing and returns it. The process
    /// keeps the region's slug, which must be free on this node.
    pub fn adopt_regional_process(
        &self,
        region_log_entries: &[Vec<u8>],
        region_key: &PublicKey,
    ) -> Result<ProcessInfo, ServiceError> {
        let region = RegionLog::read(region_log_entries)?;
        region.def.verify(region_key).map_err(|e| {
            ServiceError::RegionLog(format!("entry 0 is not signed by the region: {e}"))
        })?;
        let def = &region.def.value;
        def.check()?;
        let id = region.id;
        if def.members.is_empty() {
            return Err(ServiceError::NotRegional(format!(
                "process {id} is municipal, not regional"
            )));
        }
        if def.owner == self.jurisdiction_id {
            return Err(ServiceError::NotRegional(format!(
                "process {id} is this node's own: a region does not adopt it"
            )));
        }
        if !def.members.contains(&self.jurisdiction_id) {
            return Err(ServiceError::NotAMember(id.to_string()));
        }
        let Some(ballot) = region.ballot else {
            return Err(ServiceError::WrongPhase {
                expected: Phase::Voting,
                actual: region.phase,
            });
        };
        let log = self.process_log(&id)?;
        let mut pl = lock(&log);
        match self.record_by_id(&id) {
            Ok((_, record)) => {
                drop(pl);
                return self.info(record);
            }
            Err(ServiceError::ProcessNotFound(_)) => {}
            Err(e) => return Err(e),
        }
        let now = self.now();
        let mut entries = vec![LogEntry::ProcessDefined(region.def.clone())];
        let mut batch = WriteBatch::default();
        for entry in ballot.entries {
            if let LogEntry::ProposalSubmitted(proposal) = &entry {
                let pid = proposal.id()?;
                let state = ballot
                    .proposals
                    .get(&pid)
                    .ok_or_else(|| ServiceError::RegionLog(format!("proposal {pid} lost")))?;
                let record = ProposalRecord {
                    id: pid,
                    proposal: state.proposal.clone(),
                    status: state.status,
                    history: state.history.clone(),
                    submitted_at: now,
                    leaf: pl.log.size() + entries.len() as u64,
                    revised_as: None,
                    progress: None,
                };
                records::put(
                    &mut batch,
                    Keyspace::Proposals,
                    &records::key(&id, pid.as_bytes()),
                    &record,
                )?;
            }
            entries.push(entry);
        }
        let record = ProcessRecord {
            def: def.clone(),
            state: ProcessState::Open {
                id,
                phase: Phase::Voting,
            },
            tally: None,
        };
        {
            // Serialise with creators so that the slug cannot be taken twice.
            let _guard = lock(&self.logs);
            if self
                .store
                .get(Keyspace::Processes, &records::process_key(&def.slug))?
                .is_some()
            {
                return Err(ServiceError::SlugTaken(def.slug.clone()));
            }
            records::put_process(&mut batch, &def.slug, &record)?;
            records::put(
                &mut batch,
                Keyspace::Processes,
                &records::process_id_key(&id),
                &def.slug,
            )?;
            self.append(&mut pl, &entries, batch)?;
        }
        self.sign_checkpoint_locked(&id, &mut pl)?;
        drop(pl);
        if region.closed {
            // Adopted late: close at once, so no ballot enters after the
            // region's close and the aggregate still has this member's log.
            return self.follow_region(&id, region_log_entries);
        }
        self.info(record)
    }

    /// Brings an adopted regional process up to its region's log
    /// (`region_log_entries`, checked by the caller as for adoption): once
    /// the region's log holds `Closed`, closes this member's log the
    /// ordinary way (openings, `Closed`, this member's signed tally of its
    /// own ballots). Before that, and once closed, it changes nothing.
    /// Returns the process as it stands.
    pub fn follow_region(
        &self,
        process: &ProcessId,
        region_log_entries: &[Vec<u8>],
    ) -> Result<ProcessInfo, ServiceError> {
        let (_, record) = self.record_by_id(process)?;
        if !self.is_adopted(&record.def) {
            return Err(ServiceError::NotRegional(format!(
                "process {process} is not a regional process adopted by this node"
            )));
        }
        let ours = self.log_entries(process, 0, 1)?;
        if ours.first() != region_log_entries.first() {
            return Err(ServiceError::RegionLog(
                "entry 0 is not the definition this node adopted".into(),
            ));
        }
        let region = RegionLog::read(region_log_entries)?;
        if region.closed && record.phase() == Some(Phase::Voting) {
            match self.advance(process, Phase::Closed, true) {
                // A concurrent follower closed it first.
                Ok(_) | Err(ServiceError::PhaseOrder { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        self.get_process(&process.to_string())
    }
}
