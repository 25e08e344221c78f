//! Proposals: submission, comments, review, listing.

use super::records::{self, Comment, ProposalRecord};
use super::{Node, ServiceError, lock};
use crate::store::{Keyspace, WriteBatch};
use pbnode_protocol::crypto::Signable;
use pbnode_protocol::objects::{
    Author, LogEntry, Phase, ProcessId, Proposal, ProposalId, ProposalStatus, ProposalStatusChange,
    StatusChange,
};
use serde::{Deserialize, Serialize};

/// What a citizen submits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalSubmission {
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Estimated cost in minor units (more than zero).
    pub cost: u64,
    /// A district id of the process.
    pub district: String,
    /// Category ("greenery").
    pub category: String,
    /// Authors, in credit order.
    pub authors: Vec<Author>,
}

/// A review decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Review {
    /// On the ballot at this cost. A cost other than the submitted one
    /// revises the proposal (see [`Node::review_proposal`]).
    Accept {
        /// The reviewed cost in minor units.
        cost: u64,
    },
    /// Not on the ballot, for this reason.
    Reject {
        /// Why (required).
        reason: String,
    },
}

/// Filters for [`Node::list_proposals`]; `None` matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalFilter {
    /// Only this district.
    pub district: Option<String>,
    /// Only this category.
    pub category: Option<String>,
    /// Only this status.
    pub status: Option<ProposalStatus>,
    /// Only proposals whose title or description contains this text
    /// (case-insensitive).
    pub text: Option<String>,
}

impl ProposalFilter {
    fn matches(&self, r: &ProposalRecord) -> bool {
        let p = &r.proposal;
        self.district.as_ref().is_none_or(|d| *d == p.district)
            && self.category.as_ref().is_none_or(|c| *c == p.category)
            && self.status.is_none_or(|s| s == r.status)
            && self.text.as_ref().is_none_or(|t| {
                let t = t.to_lowercase();
                p.title.to_lowercase().contains(&t) || p.description.to_lowercase().contains(&t)
            })
    }
}

fn proposal_key(process: &ProcessId, id: &ProposalId) -> Vec<u8> {
    records::key(process, id.as_bytes())
}

fn status_entry(
    proposal: ProposalId,
    status: ProposalStatus,
    at: u64,
    reason: String,
) -> (StatusChange, LogEntry) {
    let change = StatusChange { status, at, reason };
    let entry = LogEntry::ProposalStatusChanged(ProposalStatusChange {
        proposal,
        change: change.clone(),
    });
    (change, entry)
}

impl Node {
    /// Submits a proposal (proposals phase only); logged as `ProposalSubmitted`.
    pub fn submit_proposal(
        &self,
        process: &ProcessId,
        submission: ProposalSubmission,
    ) -> Result<ProposalRecord, ServiceError> {
        let log = self.process_log(process)?;
        let mut pl = lock(&log);
        let record = self.record_in_phase(process, &[Phase::Proposals])?;
        if submission.title.trim().is_empty() {
            return Err(ServiceError::InvalidInput(
                "a proposal needs a title".into(),
            ));
        }
        if submission.cost == 0 {
            return Err(ServiceError::InvalidInput(
                "a proposal's cost must be more than zero".into(),
            ));
        }
        if record.def.district(&submission.district).is_none() {
            return Err(ServiceError::InvalidInput(format!(
                "`{}` is not a district of this process",
                submission.district
            )));
        }
        let proposal = Proposal {
            process: *process,
            title: submission.title,
            description: submission.description,
            cost: submission.cost,
            district: submission.district,
            category: submission.category,
            authors: submission.authors,
        };
        self.add_proposal_locked(
            process,
            &mut pl,
            proposal,
            ProposalStatus::Submitted,
            Vec::new(),
            None,
        )
    }

    /// Stages and logs a new proposal (and optional status changes of other
    /// proposals in the same batch).
    fn add_proposal_locked(
        &self,
        process: &ProcessId,
        pl: &mut super::ProcessLog,
        proposal: Proposal,
        status: ProposalStatus,
        history: Vec<StatusChange>,
        also: Option<(ProposalRecord, LogEntry)>,
    ) -> Result<ProposalRecord, ServiceError> {
        let id = proposal.id()?;
        let key = proposal_key(process, &id);
        if self.store.get(Keyspace::Proposals, &key)?.is_some() {
            return Err(ServiceError::DuplicateProposal);
        }
        let mut entries = vec![LogEntry::ProposalSubmitted(proposal.clone())];
        let mut batch = WriteBatch::default();
        if let Some((other, entry)) = also {
            records::put(
                &mut batch,
                Keyspace::Proposals,
                &proposal_key(process, &other.id),
                &other,
            )?;
            entries.push(entry);
        }
        for change in &history {
            entries.push(status_entry(id, change.status, change.at, change.reason.clone()).1);
        }
        let mut record = ProposalRecord {
            id,
            proposal,
            status,
            history,
            submitted_at: self.now(),
            leaf: 0,
            revised_as: None,
            progress: None,
        };
        record.leaf = pl.log.size();
        records::put(&mut batch, Keyspace::Proposals, &key, &record)?;
        self.append(pl, &entries, batch)?;
        Ok(record)
    }

    /// Reviews a submitted proposal (review phase only), logging a
    /// `ProposalStatusChanged`. Accepting at the submitted cost accepts it.
    /// Accepting at another cost keeps the log's proposals immutable (a
    /// proposal's id covers its cost, and ballots and the tally use the
    /// logged cost): the node logs a revised proposal with the new cost,
    /// marks the original rejected (`revised as <id>`) and the revision
    /// accepted. Returns the accepted or rejected proposal.
    pub fn review_proposal(
        &self,
        process: &ProcessId,
        proposal: &ProposalId,
        review: Review,
    ) -> Result<ProposalRecord, ServiceError> {
        let log = self.process_log(process)?;
        let mut pl = lock(&log);
        self.record_in_phase(process, &[Phase::Review])?;
        let mut record = self.proposal(process, proposal)?;
        if record.status != ProposalStatus::Submitted {
            return Err(ServiceError::InvalidStatusChange(format!(
                "proposal is already {:?}",
                record.status
            )));
        }
        let now = self.now();
        match review {
            Review::Reject { reason } => {
                if reason.trim().is_empty() {
                    return Err(ServiceError::InvalidInput(
                        "a rejection needs a reason".into(),
                    ));
                }
                self.change_status_locked(
                    process,
                    &mut pl,
                    record,
                    ProposalStatus::Rejected,
                    reason,
                )
            }
            Review::Accept { cost } if cost == record.proposal.cost => self.change_status_locked(
                process,
                &mut pl,
                record,
                ProposalStatus::Accepted,
                String::new(),
            ),
            Review::Accept { cost } => {
                if cost == 0 {
                    return Err(ServiceError::InvalidInput(
                        "a cost must be more than zero".into(),
                    ));
                }
                let revised = Proposal {
                    cost,
                    ..record.proposal.clone()
                };
                let revised_id = revised.id()?;
                let (change, entry) = status_entry(
                    *proposal,
                    ProposalStatus::Rejected,
                    now,
                    format!("revised as {revised_id} with cost {cost}"),
                );
                record.status = ProposalStatus::Rejected;
                record.history.push(change);
                record.revised_as = Some(revised_id);
                let accepted = StatusChange {
                    status: ProposalStatus::Accepted,
                    at: now,
                    reason: format!("revision of {proposal}"),
                };
                self.add_proposal_locked(
                    process,
                    &mut pl,
                    revised,
                    ProposalStatus::Accepted,
                    vec![accepted],
                    Some((record, entry)),
                )
            }
        }
    }

    /// One proposal.
    pub fn proposal(
        &self,
        process: &ProcessId,
        id: &ProposalId,
    ) -> Result<ProposalRecord, ServiceError> {
        records::get(
            &*self.store,
            Keyspace::Proposals,
            &proposal_key(process, id),
        )?
        .ok_or_else(|| ServiceError::ProposalNotFound(id.to_string()))
    }

    /// The proposals matching `filter`, in submission (log) order.
    pub fn list_proposals(
        &self,
        process: &ProcessId,
        filter: &ProposalFilter,
    ) -> Result<Vec<ProposalRecord>, ServiceError> {
        self.record_by_id(process)?;
        let mut found: Vec<ProposalRecord> =
            records::scan::<ProposalRecord>(&*self.store, Keyspace::Proposals, process.as_bytes())?
                .into_iter()
                .map(|(_, r)| r)
                .filter(|r| filter.matches(r))
                .collect();
        found.sort_by_key(|r| r.leaf);
        Ok(found)
    }

    /// Adds a comment to a proposal (any phase of an open process).
    /// Comments are stored, not logged: they are discussion, not part of the
    /// counted record, and keeping them out keeps the log small.
    pub fn comment(
        &self,
        process: &ProcessId,
        proposal: &ProposalId,
        author: &str,
        text: &str,
    ) -> Result<Comment, ServiceError> {
        let log = self.process_log(process)?;
        let _pl = lock(&log);
        self.proposal(process, proposal)?;
        if text.trim().is_empty() {
            return Err(ServiceError::InvalidInput("a comment needs text".into()));
        }
        let prefix = proposal_key(process, proposal);
        let next = match self.store.last_with_prefix(Keyspace::Comments, &prefix)? {
            None => 0,
            Some((k, _)) => {
                let seq: [u8; 8] = k[prefix.len()..]
                    .try_into()
                    .map_err(|_| ServiceError::Corrupt("comment key".into()))?;
                u64::from_be_bytes(seq) + 1
            }
        };
        let comment = Comment {
            proposal: *proposal,
            author: author.trim().to_string(),
            text: text.to_string(),
            at: self.now(),
        };
        let mut batch = WriteBatch::default();
        let key = [prefix, next.to_be_bytes().to_vec()].concat();
        records::put(&mut batch, Keyspace::Comments, &key, &comment)?;
        self.write(batch)?;
        Ok(comment)
    }

    /// The comments on a proposal, oldest first.
    pub fn comments(
        &self,
        process: &ProcessId,
        proposal: &ProposalId,
    ) -> Result<Vec<Comment>, ServiceError> {
        self.proposal(process, proposal)?;
        Ok(records::scan(
            &*self.store,
            Keyspace::Comments,
            &proposal_key(process, proposal),
        )?
        .into_iter()
        .map(|(_, c)| c)
        .collect())
    }

    /// Logs a status change of a proposal and stores it.
    pub(crate) fn change_status_locked(
        &self,
        process: &ProcessId,
        pl: &mut super::ProcessLog,
        mut record: ProposalRecord,
        status: ProposalStatus,
        reason: String,
    ) -> Result<ProposalRecord, ServiceError> {
        let (change, entry) = status_entry(record.id, status, self.now(), reason);
        record.status = status;
        record.history.push(change);
        let mut batch = WriteBatch::default();
        records::put(
            &mut batch,
            Keyspace::Proposals,
            &proposal_key(process, &record.id),
            &record,
        )?;
        self.append(pl, &[entry], batch)?;
        Ok(record)
    }

    pub(crate) fn put_proposal(
        &self,
        process: &ProcessId,
        record: &ProposalRecord,
    ) -> Result<(), ServiceError> {
        let mut batch = WriteBatch::default();
        records::put(
            &mut batch,
            Keyspace::Proposals,
            &proposal_key(process, &record.id),
            record,
        )?;
        self.write(batch)
    }
}
