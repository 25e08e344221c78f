//! Ballots: the hot path. Voter-signed commitments go into the log in
//! batches (one flush per batch); openings are held back until close.

use super::credentials::credential_key;
use super::records::{self, BallotRecord, CredentialDistrict, LatestBallot, ProposalRecord};
use super::{Node, ProcessLog, ServiceError, lock};
use crate::log::{LogError, PersistentLog};
use crate::store::{Keyspace, StoreError, WriteBatch};
use pbnode_protocol::ballot::{
    BallotCommitment, BallotContext, BallotError, BallotOpening, ProjectInfo,
};
use pbnode_protocol::crypto::{BatchItem, PublicKey, Signed, verify_batch_cofactored};
use pbnode_protocol::encoding;
use pbnode_protocol::ids::Digest;
use pbnode_protocol::ids::Id;
use pbnode_protocol::merkle::{Blake3Hasher, Digest as MerkleDigest, HashStore, inclusion_proof};
use pbnode_protocol::note::SignedCheckpoint;
use pbnode_protocol::objects::{LogEntry, Phase, ProcessDef, ProcessId, ProposalId};
use pbnode_protocol::receipt::Receipt;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A ballot as a voter sends it: the commitment they signed with their
/// voter key, and its opening (ballot and nonce) that the node keeps until close.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BallotSubmission {
    /// The process voted in.
    pub process: ProcessId,
    /// The commitment, signed by the voter key it names.
    pub signed: Signed<BallotCommitment>,
    /// The ballot and nonce.
    pub opening: BallotOpening,
}

/// What the writer answers once a ballot is durable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CastReceipt {
    /// The process.
    pub process: ProcessId,
    /// The commitment id (fetch the full receipt with it).
    pub commitment: Id<BallotCommitment>,
    /// The `BallotCommitted` leaf index.
    pub leaf_index: u64,
    /// The commitment this ballot supersedes, for a re-cast.
    pub supersedes: Option<Id<BallotCommitment>>,
    /// The voter's full receipt: the commitment and opening, an inclusion
    /// proof and the checkpoint signed for the batch that held the ballot.
    /// Built by the writer ([`crate::ingest::Ingest`]) only: a direct
    /// [`Node::cast_ballots`] signs no checkpoint (fetch the receipt with
    /// [`Node::receipt`]), so checkpoints there follow the policy alone.
    pub receipt: Option<Receipt>,
}

/// What the writer gets back from one batch.
#[derive(Debug)]
pub(crate) struct WrittenBatch {
    /// One answer per submission, in order.
    pub(crate) results: Vec<Result<CastReceipt, ServiceError>>,
    /// Time spent applying the batch to the store and flushing it.
    pub(crate) commit_time: Duration,
}

/// What [`Node::precheck`] says of one submission: its commitment id if
/// it passed, else why not.
pub(crate) type Verdict = Result<Id<BallotCommitment>, ServiceError>;

/// A submission that passed [`Node::precheck`], with its commitment id.
struct Checked {
    commitment: Id<BallotCommitment>,
    s: BallotSubmission,
}

/// A ballot accepted into a batch, before its receipt exists.
struct Accepted {
    commitment: Id<BallotCommitment>,
    leaf: u64,
    supersedes: Option<Id<BallotCommitment>>,
    signed: Signed<BallotCommitment>,
    opening: BallotOpening,
}

/// Reads a log's subtree hashes through a cache: the inclusion proofs of
/// one batch's (consecutive) leaves share most of their nodes, so a batch
/// of `n` proofs reads about `2n` hashes from the store instead of
/// `n log(size)`.
struct CachedHashes<'a> {
    log: &'a PersistentLog,
    cache: RefCell<HashMap<(u32, u64), MerkleDigest>>,
}

impl<'a> CachedHashes<'a> {
    fn new(log: &'a PersistentLog) -> Self {
        CachedHashes {
            log,
            cache: RefCell::new(HashMap::new()),
        }
    }
}

impl HashStore for CachedHashes<'_> {
    type Error = LogError;

    fn leaf_count(&self) -> u64 {
        self.log.leaf_count()
    }

    fn subtree_hash(&self, level: u32, index: u64) -> Result<MerkleDigest, LogError> {
        if let Some(hash) = self.cache.borrow().get(&(level, index)) {
            return Ok(*hash);
        }
        let hash = self.log.subtree_hash(level, index)?;
        self.cache.borrow_mut().insert((level, index), hash);
        Ok(hash)
    }
}

/// A receipt as the node hands it out later ([`Node::receipt`]): the
/// voter's [`Receipt`] with a fresh proof, but the opening only after close.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptView {
    /// The process.
    pub process: ProcessId,
    /// The signed commitment as logged.
    pub signed: Signed<BallotCommitment>,
    /// The opening. Present only once the process is closed (before, the
    /// voter already holds it, and handing it to anyone who knows the
    /// public commitment id would reveal the ballot).
    pub opening: Option<BallotOpening>,
    /// The leaf index of the commitment.
    pub leaf_index: u64,
    /// RFC 9162 inclusion proof of the leaf in the checkpoint's tree (hex in JSON).
    pub inclusion_proof: Vec<Digest>,
    /// The C2SP signed checkpoint (note text) the proof leads to.
    pub checkpoint: String,
}

impl ReceiptView {
    /// The voter's full [`Receipt`], with `opening` when the view has none
    /// (before close the voter supplies the opening they kept).
    pub fn complete(self, opening: Option<BallotOpening>) -> Result<Receipt, ServiceError> {
        let opening = self
            .opening
            .or(opening)
            .ok_or_else(|| ServiceError::InvalidInput("the receipt needs its opening".into()))?;
        Ok(Receipt {
            process: self.process,
            commitment: self.signed,
            opening,
            leaf_index: self.leaf_index,
            inclusion_proof: self.inclusion_proof,
            checkpoint: SignedCheckpoint::parse(&self.checkpoint)
                .map_err(|e| ServiceError::Checkpoint(e.to_string()))?,
        })
    }
}

/// What ballots are checked against during voting; proposals cannot change
/// then, so it is built once per process and cached in its `ProcessLog`.
#[derive(Debug)]
pub(crate) struct VotingContext {
    def: ProcessDef,
    projects: BTreeMap<ProposalId, ProjectInfo>,
}

impl VotingContext {
    fn new(def: ProcessDef, proposals: &[ProposalRecord]) -> Self {
        let projects = proposals
            .iter()
            .map(|r| {
                let info = ProjectInfo {
                    cost: r.proposal.cost,
                    district: r.proposal.district.clone(),
                    status: r.status,
                };
                (r.id, info)
            })
            .collect();
        VotingContext { def, projects }
    }
}

pub(crate) fn ballot_key(process: &ProcessId, commitment: &Id<BallotCommitment>) -> Vec<u8> {
    records::key(process, commitment.as_bytes())
}

/// Fewer signatures than this are checked on the calling thread.
const PARALLEL_FROM: usize = 64;

/// Which submissions carry a valid voter signature by the key the
/// commitment names, under the rule of record for voter signatures: the
/// cofactored rule of `pbnode_protocol::crypto::verify_batch_cofactored`,
/// whose batch verdicts are exactly the verdicts of checking each signature
/// alone, so a batch is as good as one-by-one checks and about three times
/// faster. (A cofactorless random-weight batch would not do: it accepts a
/// crafted small-order signature by chance, and a logged signature that a
/// recount refuses would make the whole log unverifiable.) Batches are
/// spread over the cores.
pub fn voter_signatures(submissions: &[BallotSubmission]) -> Vec<bool> {
    let check = |part: &[BallotSubmission]| -> Vec<bool> {
        let mut valid = vec![true; part.len()];
        let mut items = Vec::with_capacity(part.len());
        let mut positions = Vec::with_capacity(part.len());
        for (i, s) in part.iter().enumerate() {
            let item = (s.signed.signer == s.signed.value.voter)
                .then(|| BatchItem::from_signed(&s.signed).ok())
                .flatten();
            match item {
                Some(item) => {
                    items.push(item);
                    positions.push(i);
                }
                None => valid[i] = false,
            }
        }
        if let Err(failed) = verify_batch_cofactored(&items) {
            for f in failed {
                valid[positions[f]] = false;
            }
        }
        valid
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if submissions.len() < PARALLEL_FROM || threads < 2 {
        return check(submissions);
    }
    let chunk = submissions.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let workers: Vec<_> = submissions
            .chunks(chunk)
            .map(|part| (part.len(), scope.spawn(move || check(part))))
            .collect();
        workers
            .into_iter()
            // A worker that panicked checked nothing: its ballots are refused.
            .flat_map(|(len, w)| w.join().unwrap_or_else(|_| vec![false; len]))
            .collect()
    })
}

/// The failure of a whole process's share of a batch, once per request
/// (errors are not `Clone`): state errors keep their code, storage and
/// other internal failures are reported as storage errors.
fn batch_failure(error: &ServiceError) -> ServiceError {
    match error {
        ServiceError::ProcessNotFound(p) => ServiceError::ProcessNotFound(p.clone()),
        ServiceError::NotOpen(p) => ServiceError::NotOpen(p.clone()),
        ServiceError::WrongPhase { expected, actual } => ServiceError::WrongPhase {
            expected: *expected,
            actual: *actual,
        },
        ServiceError::RegionCollectsNoBallots => ServiceError::RegionCollectsNoBallots,
        other => ServiceError::Store(StoreError::Engine(other.to_string())),
    }
}

impl Node {
    /// Checks and durably appends many ballots with one flush, and answers
    /// each, in order. Voter signatures are checked in batches by the
    /// cofactored rule, spread over the cores (see [`voter_signatures`]).
    /// Ballots of one credential in one batch are applied in order, so the
    /// last one counts; a commitment already accepted is a `duplicate_ballot`.
    pub fn cast_ballots(
        &self,
        submissions: Vec<BallotSubmission>,
    ) -> Vec<Result<CastReceipt, ServiceError>> {
        let verdicts = self.precheck(&submissions);
        self.cast_prechecked(submissions, verdicts, false).results
    }

    /// Every check of a batch that does not depend on the ballots before
    /// it: the voter signature (see [`voter_signatures`]), the process, the
    /// credential, the opening against the commitment and the ballot against
    /// the process. Gives the commitment id of each ballot that passed, or
    /// why it did not. Takes no log lock, so the writer runs it for the next
    /// batch while it writes this one; [`Node::cast_prechecked`] then adds
    /// the checks that depend on earlier ballots (duplicates, phase).
    pub(crate) fn precheck(&self, submissions: &[BallotSubmission]) -> Vec<Verdict> {
        let signatures = voter_signatures(submissions);
        let mut contexts: HashMap<ProcessId, Result<Arc<VotingContext>, ServiceError>> =
            HashMap::new();
        submissions
            .iter()
            .zip(signatures)
            .map(|(s, signed)| {
                if !signed {
                    return Err(ServiceError::InvalidSignature);
                }
                let context = contexts
                    .entry(s.process)
                    .or_insert_with(|| self.voting_context(&s.process));
                match context {
                    Ok(context) => self.check_ballot(&s.process, context, s),
                    Err(e) => Err(batch_failure(e)),
                }
            })
            .collect()
    }

    /// Appends the ballots that passed [`Node::precheck`] (`verdicts`, one
    /// per submission) with one flush per process, so the writer can check
    /// the next batch while this one is written. With `receipts`, each
    /// accepted ballot's answer carries its full receipt (see
    /// [`CastReceipt::receipt`]).
    pub(crate) fn cast_prechecked(
        &self,
        submissions: Vec<BallotSubmission>,
        verdicts: Vec<Verdict>,
        receipts: bool,
    ) -> WrittenBatch {
        let mut results: Vec<Option<Result<CastReceipt, ServiceError>>> =
            submissions.iter().map(|_| None).collect();
        let mut by_process: BTreeMap<ProcessId, Vec<(usize, Checked)>> = BTreeMap::new();
        let mut verdicts = verdicts.into_iter();
        for (i, s) in submissions.into_iter().enumerate() {
            match verdicts.next().unwrap_or(Err(ServiceError::IngestStopped)) {
                Ok(commitment) => by_process
                    .entry(s.process)
                    .or_default()
                    .push((i, Checked { commitment, s })),
                Err(e) => results[i] = Some(Err(e)),
            }
        }
        let mut commit_time = Duration::ZERO;
        for (process, part) in by_process {
            let indices: Vec<usize> = part.iter().map(|(i, _)| *i).collect();
            let part = part.into_iter().map(|(_, c)| c).collect();
            match self.cast_for_process(&process, part, receipts, &mut commit_time) {
                Ok(answers) => {
                    for (i, answer) in indices.into_iter().zip(answers) {
                        results[i] = Some(answer);
                    }
                }
                Err(e) => {
                    for i in indices {
                        results[i] = Some(Err(batch_failure(&e)));
                    }
                }
            }
        }
        WrittenBatch {
            results: results
                .into_iter()
                .map(|r| r.unwrap_or(Err(ServiceError::IngestStopped)))
                .collect(),
            commit_time,
        }
    }

    /// One ballot, with its own flush (tests, tools). The runtime path is
    /// [`crate::ingest::Ingest`], which batches.
    pub fn cast_ballot(&self, submission: BallotSubmission) -> Result<CastReceipt, ServiceError> {
        self.cast_ballots(vec![submission])
            .pop()
            .unwrap_or(Err(ServiceError::IngestStopped))
    }

    /// Checks and appends the ballots of one process; with `receipts`, then
    /// signs ONE checkpoint over the grown log and builds every accepted
    /// ballot's receipt against it. The outer error fails them all (process
    /// unknown, not voting, storage failure). `commit_time` grows by the
    /// time spent applying and flushing.
    fn cast_for_process(
        &self,
        process: &ProcessId,
        ballots: Vec<Checked>,
        receipts: bool,
        commit_time: &mut Duration,
    ) -> Result<Vec<Result<CastReceipt, ServiceError>>, ServiceError> {
        let log = self.checked_log(process)?;
        let mut pl = lock(&log);
        // The cached context proves the voting phase (see `ProcessLog::voting`).
        self.voting_context_locked(process, &mut pl)?;
        let mut answers: Vec<Result<Accepted, ServiceError>> = Vec::with_capacity(ballots.len());
        let mut entries = Vec::new();
        let mut batch = WriteBatch::default();
        let mut seen = HashSet::new();
        let mut latest_in_batch: HashMap<[u8; 32], Id<BallotCommitment>> = HashMap::new();
        let mut cast_in_batch: Vec<([u8; 32], Id<BallotCommitment>)> = Vec::new();
        let first_leaf = pl.log.size();
        let now = self.now();
        for Checked { commitment, s } in ballots {
            let voter_key = &s.signed.value.voter;
            let voter = *voter_key.as_bytes();
            let supersedes = match latest_in_batch.get(&voter) {
                Some(previous) => Some(*previous),
                None => match pl.latest.get(&voter) {
                    Some(cached) => cached,
                    None => {
                        let stored = self
                            .store
                            .get(Keyspace::Openings, &credential_key(process, voter_key))?
                            .map(|bytes| LatestBallot::from_bytes(&bytes))
                            .transpose()?
                            .map(|l| l.commitment);
                        pl.latest.insert(voter, stored);
                        stored
                    }
                },
            };
            // A commitment names its voter, and every accepted ballot is the
            // latest of its voter when written: a voter with no latest ballot
            // has none stored, and a re-cast needs the store lookup only when
            // the cache did not see all of the voter's earlier ballots (the
            // ones of this batch are in `seen`).
            let duplicate = !seen.insert(commitment)
                || match supersedes {
                    None => false,
                    Some(latest) if latest == commitment => true,
                    Some(_) if pl.latest.surely_new(&voter, &commitment) => false,
                    Some(_) => self
                        .store
                        .get(Keyspace::Receipts, &ballot_key(process, &commitment))?
                        .is_some(),
                };
            if duplicate {
                answers.push(Err(ServiceError::DuplicateBallot));
                continue;
            }
            let leaf = first_leaf + entries.len() as u64;
            let ballot = BallotRecord {
                leaf,
                at: now,
                opening: s.opening,
            };
            records::put_binary(
                &mut batch,
                Keyspace::Receipts,
                &ballot_key(process, &commitment),
                &ballot,
            )?;
            batch.put(
                Keyspace::Openings,
                &credential_key(process, voter_key),
                &LatestBallot { commitment, leaf }.to_bytes(),
            );
            latest_in_batch.insert(voter, commitment);
            cast_in_batch.push((voter, commitment));
            entries.push(LogEntry::BallotCommitted(s.signed.clone()));
            answers.push(Ok(Accepted {
                commitment,
                leaf,
                supersedes,
                signed: s.signed,
                opening: ballot.opening,
            }));
        }
        if !entries.is_empty() {
            let started = Instant::now();
            self.append(&mut pl, &entries, batch)?;
            *commit_time += started.elapsed();
            // Durable now: the cache may say so, in order.
            for (voter, commitment) in cast_in_batch {
                pl.latest.cast(voter, commitment);
            }
        }
        // One checkpoint for the whole batch, signed now that its leaves are
        // durable; its record is made durable by the next flush (a lost one
        // is signed again with the same root: see `sign_checkpoint_with`).
        // A batch that added nothing reuses the stored checkpoint of the size.
        let checkpoint = match receipts {
            true => Some(self.sign_checkpoint_with(process, &mut pl, false)?),
            false => None,
        };
        let hashes = CachedHashes::new(&pl.log);
        answers
            .into_iter()
            .map(|answer| {
                let a = match answer {
                    Ok(accepted) => accepted,
                    Err(refused) => return Ok(Err(refused)),
                };
                let receipt = checkpoint
                    .as_ref()
                    .map(|checkpoint| {
                        let size = checkpoint.checkpoint().size;
                        let inclusion_proof =
                            inclusion_proof(&Blake3Hasher, &hashes, a.leaf, size)?
                                .into_iter()
                                .map(Digest)
                                .collect();
                        Ok::<_, ServiceError>(Receipt {
                            process: *process,
                            commitment: a.signed,
                            opening: a.opening,
                            leaf_index: a.leaf,
                            inclusion_proof,
                            checkpoint: checkpoint.clone(),
                        })
                    })
                    .transpose()?;
                Ok(Ok(CastReceipt {
                    process: *process,
                    commitment: a.commitment,
                    leaf_index: a.leaf,
                    supersedes: a.supersedes,
                    receipt,
                }))
            })
            .collect()
    }

    /// Everything about one ballot except duplicates: its process, the
    /// voter's credential, the opening against the commitment, and the
    /// ballot against the process and the credential's district.
    fn check_ballot(
        &self,
        process: &ProcessId,
        context: &VotingContext,
        s: &BallotSubmission,
    ) -> Result<Id<BallotCommitment>, ServiceError> {
        if s.signed.value.process != *process {
            return Err(ServiceError::InvalidInput(
                "the commitment names another process".into(),
            ));
        }
        let district = self.credential_district(process, &s.signed.value.voter)?;
        s.opening.opens(&s.signed.value)?;
        let ballot_context = BallotContext {
            process_id: *process,
            process: &context.def,
            projects: &context.projects,
        };
        ballot_context.validate(&s.opening.ballot)?;
        if *s.opening.ballot.district != *district {
            return Err(BallotError::WrongDistrict {
                ballot: s.opening.ballot.district.clone(),
                credential: district.to_string(),
            }
            .into());
        }
        Ok(s.signed.id()?)
    }

    /// The district of a registered voter key (`not_registered` if none):
    /// from memory once read (see `super::ballot_caches`).
    fn credential_district(
        &self,
        process: &ProcessId,
        voter: &PublicKey,
    ) -> Result<Arc<str>, ServiceError> {
        if let Some(district) = lock(&self.districts).get(process, voter.as_bytes()) {
            return Ok(district);
        }
        let credential: CredentialDistrict = records::get(
            &*self.store,
            Keyspace::Credentials,
            &credential_key(process, voter),
        )?
        .ok_or(ServiceError::NotRegistered)?;
        lock(&self.districts).insert(process, voter.as_bytes(), &credential.district);
        Ok(credential.district.into())
    }

    /// The log of a process that exists: an id nobody created is refused
    /// before a log is opened (and cached) for it.
    fn checked_log(&self, process: &ProcessId) -> Result<Arc<Mutex<ProcessLog>>, ServiceError> {
        match self.open_log(process) {
            Some(log) => Ok(log),
            None => {
                self.record_by_id(process)?;
                self.process_log(process)
            }
        }
    }

    /// The ballot context of a process in its voting phase, for the checks
    /// before the writer: from the copy kept beside the logs, without the
    /// log's lock, except the first time.
    fn voting_context(&self, process: &ProcessId) -> Result<Arc<VotingContext>, ServiceError> {
        if let Some(context) = lock(&self.voting).get(process) {
            return Ok(context.clone());
        }
        let log = self.checked_log(process)?;
        let mut pl = lock(&log);
        self.voting_context_locked(process, &mut pl)
    }

    /// The ballot context of a process, if it is in its voting phase
    /// (checked from the store unless the context is cached already).
    fn voting_context_locked(
        &self,
        process: &ProcessId,
        pl: &mut ProcessLog,
    ) -> Result<Arc<VotingContext>, ServiceError> {
        if let Some(context) = &pl.voting {
            return Ok(context.clone());
        }
        let record = self.record_in_phase(process, &[Phase::Voting])?;
        let proposals = self.list_proposals(process, &Default::default())?;
        let context = Arc::new(VotingContext::new(record.def, &proposals));
        pl.voting = Some(context.clone());
        lock(&self.voting).insert(*process, context.clone());
        Ok(context)
    }

    /// The stored record of an accepted ballot.
    pub(crate) fn ballot_record(
        &self,
        process: &ProcessId,
        commitment: &Id<BallotCommitment>,
    ) -> Result<BallotRecord, ServiceError> {
        records::get_binary(
            &*self.store,
            Keyspace::Receipts,
            &ballot_key(process, commitment),
        )?
        .ok_or_else(|| ServiceError::ReceiptNotFound(commitment.to_string()))
    }

    /// The voter's receipt of a ballot just cast (once the writer answered):
    /// [`Node::receipt`] completed with the opening the voter sent, which is
    /// theirs to keep even before close.
    pub fn cast_receipt(
        &self,
        submission: &BallotSubmission,
        cast: &CastReceipt,
    ) -> Result<Receipt, ServiceError> {
        let view = self.receipt(&cast.process, &cast.commitment)?;
        if view.signed != submission.signed {
            return Err(ServiceError::ReceiptNotFound(cast.commitment.to_string()));
        }
        view.complete(Some(submission.opening.clone()))
    }

    /// The receipt of a ballot, by its commitment id: the signed
    /// commitment, its leaf index, an inclusion proof and a signed
    /// checkpoint covering it (signed now if the latest does not cover the
    /// leaf yet). The opening is included only after close.
    pub fn receipt(
        &self,
        process: &ProcessId,
        commitment: &Id<BallotCommitment>,
    ) -> Result<ReceiptView, ServiceError> {
        let ballot = self.ballot_record(process, commitment)?;
        let (_, record) = self.record_by_id(process)?;
        let closed = matches!(record.phase(), Some(Phase::Closed | Phase::Implementation));
        // Read before taking the log's lock, which the writer holds while
        // it flushes: the writer signs a checkpoint over every batch, so the
        // latest one nearly always covers the ballot already.
        let latest = self.latest_checkpoint_record(process)?;
        let log = self.process_log(process)?;
        let mut pl = lock(&log);
        let checkpoint = match latest {
            Some((size, cp)) if size > ballot.leaf => cp.note,
            _ => self
                .sign_checkpoint_with(process, &mut pl, false)?
                .to_text(),
        };
        let size = SignedCheckpoint::parse(&checkpoint)
            .map_err(|e| ServiceError::Checkpoint(e.to_string()))?
            .checkpoint()
            .size;
        let inclusion_proof = pl
            .log
            .inclusion_proof(ballot.leaf, size)?
            .into_iter()
            .map(Digest)
            .collect();
        let signed = match encoding::from_bytes(&pl.log.entry(ballot.leaf)?) {
            Ok(LogEntry::BallotCommitted(signed)) => signed,
            _ => {
                return Err(ServiceError::Corrupt(format!(
                    "leaf {} is not the ballot's commitment",
                    ballot.leaf
                )));
            }
        };
        Ok(ReceiptView {
            process: *process,
            signed,
            opening: closed.then_some(ballot.opening),
            leaf_index: ballot.leaf,
            inclusion_proof,
            checkpoint,
        })
    }
}
