//! The full independent verifier: everything a third party checks to trust
//! a closed process's published result, from the raw log entries alone.
//!
//! Steps, in order (each failure is a precise [`VerifyError`]):
//!
//! 1. The checkpoint is signed by the node's log key, its size is the
//!    number of entries, and the RFC 9162 BLAKE3 root of the entries is its
//!    root.
//! 2. Every entry decodes (strict canonical decoding); entry 0 is the
//!    process definition signed by the owner key, valid by its own rules,
//!    naming the owner jurisdiction if the verifier knows its id, and the
//!    checkpoint's origin names that process.
//! 3. Walking the log in order: every entry is for this process; proposal
//!    status changes name submitted proposals; credentials are for a
//!    district of the process, one per voter key (the legacy signed kind,
//!    `CredentialIssued`, also signed by the node);
//!    commitments are signed by their voter key, which has an earlier
//!    credential; commitments and credentials come before the close,
//!    openings and the tally after it; each opening opens a logged
//!    commitment, at most once, before the tally; the tally is signed by
//!    the node.
//! 4. One ballot per credential: the last commitment of each voter key
//!    counts, earlier ones are superseded. Each counted commitment has an
//!    opening; its ballot is valid for the process and the proposals on the
//!    ballot (statuses as they stand when the log reaches the close), in
//!    the credential's district.
//! 5. The recount ([`super::tally_process`]: proposals on the ballot, the
//!    counted ballots in the log order of their commitments) equals the
//!    signed tally: rule, checkpoint (the log up to just before the tally
//!    entry), ballots counted, totals, selection.

use super::election::{BallotProject, tally_process};
use super::entries::{EntryDecoder, count_kinds};
use super::node_signature::{NodeKey, PendingSignature, first_invalid};
use super::verify_error::VerifyError;
use crate::ballot::{BallotCommitment, BallotContext, BallotOpening, Commitment, ProjectInfo};
use crate::crypto::{
    PendingBatch, PublicKey, Signable, SignatureError, Signed, domain_tagged_hash,
    verify_voter_signature,
};
use crate::ids::{Digest, Id};
use crate::merkle::{Blake3Hasher, MemoryLog};
use crate::note::{SignedCheckpoint, VerifierKey, parse_process_log_origin};
use crate::objects::{
    Ballot, CheckpointRef, JurisdictionId, LogEntry, ProcessDef, ProcessId, ProjectTotal,
    ProposalId, ProposalStatus, Tally, VoterCredential,
};
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};

/// The keys a verifier trusts for one process log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogKeys {
    /// The key that signs the process definition (the owner jurisdiction's).
    pub owner: PublicKey,
    /// The node key that signs the tally (and legacy signed credentials).
    pub node: PublicKey,
    /// The note key that signs the log's checkpoints.
    pub log: VerifierKey,
    /// The owner jurisdiction's id, when the verifier knows it (from the
    /// federation manifest): the process definition must name it.
    pub owner_id: Option<JurisdictionId>,
}

impl LogKeys {
    /// The keys of a municipal process, where the node's jurisdiction owns
    /// the process: owner and node are the same key.
    pub fn municipal(node: PublicKey, log: VerifierKey) -> Self {
        LogKeys {
            owner: node,
            node,
            log,
            owner_id: None,
        }
    }
}

/// What a successful recount found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecountReport {
    /// The process.
    pub process: ProcessId,
    /// Entries in the log.
    pub entries: u64,
    /// Proposals submitted.
    pub proposals: u64,
    /// Credentials issued.
    pub credentials: u64,
    /// Commitments logged.
    pub commitments: u64,
    /// Commitments superseded by a later one of the same voter key.
    pub superseded: u64,
    /// Ballots counted (one per voter key that committed).
    pub counted: u64,
    /// Openings published.
    pub openings: u64,
    /// The index of the tally entry.
    pub tally_index: u64,
    /// Totals per project, as recounted (and signed).
    pub totals: Vec<ProjectTotal>,
    /// Selected projects in selection order, as recounted (and signed).
    pub selected: Vec<ProposalId>,
}

/// The short name of an entry's kind, for error messages.
pub fn entry_kind(entry: &LogEntry) -> &'static str {
    match entry {
        LogEntry::ProcessDefined(_) => "process definition",
        LogEntry::PhaseChanged(_) => "phase change",
        LogEntry::ProposalSubmitted(_) => "proposal",
        LogEntry::ProposalStatusChanged(_) => "proposal status",
        LogEntry::CredentialIssued(_) | LogEntry::VoterRegistered(_) => "credential",
        LogEntry::BallotCommitted(_) => "commitment",
        LogEntry::BallotOpened(_) => "opening",
        LogEntry::Closed(_) => "close",
        LogEntry::Tallied(_) => "tally",
        LogEntry::Aggregated(_) => "aggregate",
    }
}

/// A registered voter key: the one record per voter the walk keeps.
struct Credential {
    /// Its district, as a position in the process's districts (checked
    /// when the credential is logged): no string per voter.
    district: usize,
    /// The slot in [`Walk::commitments`] of its last commitment so far:
    /// the one that counts.
    last: Option<usize>,
}

/// A logged commitment, as much of it as the walk needs later: not the
/// whole `BallotCommitment`, whose key carries its decompressed point (a
/// million of them would not fit the cache). Its process is the log's.
struct LoggedCommitment {
    index: u64,
    id: Id<BallotCommitment>,
    voter: [u8; 32],
    hash: Commitment,
    opening: Option<(u64, BallotOpening)>,
}

/// Everything the walk over the log collects.
struct Walk<'a> {
    keys: &'a LogKeys,
    node: NodeKey,
    process: &'a ProcessDef,
    process_id: ProcessId,
    proposals: BTreeMap<ProposalId, ProjectInfo>,
    /// By key bytes: a `PublicKey` carries its decompressed point (some 200
    /// bytes), too large a map key for a million voters. With the entry
    /// index of the credential.
    credentials: HashMap<[u8; 32], (u64, Credential)>,
    commitments: Vec<LoggedCommitment>,
    by_id: HashMap<Id<BallotCommitment>, usize>,
    close: Option<u64>,
    tally: Option<(u64, Signed<Tally>)>,
    openings: u64,
    /// Voter signatures not yet checked: they are checked in batches (see
    /// [`Walk::check_signatures`]), with the entry indices beside them.
    pending_signatures: PendingBatch,
    /// The entry index of each of `pending_signatures`.
    pending_indices: Vec<u64>,
    /// Node signatures on credentials whose last step is still to do, with
    /// their entry index (see [`Walk::check_signatures`]).
    pending_credentials: Vec<(u64, PendingSignature)>,
}

/// Voter signatures checked per batch: large enough for the batch equation
/// to pay off (the multiscalar multiplication's fixed cost per batch, some
/// 8,000 point additions, is a quarter of what it is at 1,024), small
/// enough to keep memory flat on a million-ballot log (a few megabytes).
const SIGNATURE_BATCH: usize = 4096;

impl Walk<'_> {
    /// Checks every pending signature: voter signatures under the
    /// cofactored rule in one batch (`crypto::PendingBatch`, the equation of
    /// `crypto::verify_batch_cofactored`: the same verdict as checking each
    /// alone, about three times faster), node
    /// signatures on credentials by their last step (one inversion for
    /// all). The invalid signature that comes first in the log is the error.
    fn check_signatures(&mut self) -> Result<(), VerifyError> {
        let voter = self.first_invalid_voter_signature();
        let node = self.first_invalid_credential_signature();
        match (voter, node) {
            (Some((v, _)), Some((n, error))) if n < v => Err(error),
            (Some((_, error)), _) | (None, Some((_, error))) => Err(error),
            (None, None) => Ok(()),
        }
    }

    fn first_invalid_voter_signature(&mut self) -> Option<(u64, VerifyError)> {
        if self.pending_signatures.is_empty() {
            return None;
        }
        // Emptied, not replaced: the next batch reuses the room.
        let failed = self.pending_signatures.check().err();
        let first = failed.map(|failed| {
            failed
                .first()
                .and_then(|&i| self.pending_indices.get(i))
                .copied()
                .unwrap_or(0)
        });
        self.pending_indices.clear();
        let index = first?;
        let error = VerifyError::VoterSignature {
            index,
            error: SignatureError::Invalid,
        };
        Some((index, error))
    }

    fn first_invalid_credential_signature(&mut self) -> Option<(u64, VerifyError)> {
        let pending = std::mem::take(&mut self.pending_credentials);
        if pending.is_empty() {
            return None;
        }
        let (indices, signatures): (Vec<u64>, Vec<PendingSignature>) = pending.into_iter().unzip();
        let index = *indices.get(first_invalid(&signatures)?)?;
        let error = VerifyError::NodeSignature {
            index,
            kind: "credential",
            error: SignatureError::Invalid,
        };
        Some((index, error))
    }

    fn same_process(&self, index: u64, found: &ProcessId) -> Result<(), VerifyError> {
        if *found != self.process_id {
            return Err(VerifyError::WrongProcess {
                index,
                expected: self.process_id,
                found: *found,
            });
        }
        Ok(())
    }

    fn node_signed<T: Signable>(
        &self,
        index: u64,
        kind: &'static str,
        signed: &Signed<T>,
    ) -> Result<(), VerifyError> {
        signed
            .verify(&self.keys.node)
            .map_err(|error| VerifyError::NodeSignature { index, kind, error })
    }

    /// [`Walk::node_signed`] with the value's canonical encoding at hand
    /// (`canonical`), for the one node signature per voter: the same
    /// verdict and error, the last step deferred to
    /// [`Walk::check_signatures`].
    fn node_signed_canonical<T: Signable>(
        &mut self,
        index: u64,
        kind: &'static str,
        signed: &Signed<T>,
        canonical: &[u8],
    ) -> Result<(), VerifyError> {
        if signed.signer != *self.node.key() {
            return self.node_signed(index, kind, signed);
        }
        let Some(pending) = self.node.prepare(T::TYPE, canonical, &signed.signature) else {
            return Err(VerifyError::NodeSignature {
                index,
                kind,
                error: SignatureError::Invalid,
            });
        };
        self.pending_credentials.push((index, pending));
        if self.pending_credentials.len() >= SIGNATURE_BATCH {
            self.check_signatures()?;
        }
        Ok(())
    }

    /// A voter key registered (either kind of credential entry): before
    /// the close, for this process and one of its districts, once per key.
    fn credential(
        &mut self,
        index: u64,
        kind: &'static str,
        credential: &VoterCredential,
    ) -> Result<(), VerifyError> {
        self.open_phase(index, kind)?;
        self.same_process(index, credential.process())?;
        let name = credential.district();
        let Some(district) = self.process.districts.iter().position(|d| d.id == name) else {
            return Err(VerifyError::CredentialDistrictUnknown {
                index,
                district: name.to_owned(),
            });
        };
        let voter = credential.voter();
        // One look-up for the check and the insertion.
        match self.credentials.entry(*voter.as_bytes()) {
            Entry::Occupied(first) => Err(VerifyError::DuplicateCredential {
                index,
                voter: voter.to_string(),
                first: first.get().0,
            }),
            Entry::Vacant(vacant) => {
                let record = Credential {
                    district,
                    last: None,
                };
                vacant.insert((index, record));
                Ok(())
            }
        }
    }

    fn open_phase(&self, index: u64, kind: &'static str) -> Result<(), VerifyError> {
        match self.close {
            Some(_) => Err(VerifyError::AfterClose { index, kind }),
            None => Ok(()),
        }
    }

    fn closed_phase(&self, index: u64, kind: &'static str) -> Result<(), VerifyError> {
        match self.close {
            Some(_) => Ok(()),
            None => Err(VerifyError::BeforeClose { index, kind }),
        }
    }

    /// Walks one entry; `data` is its canonical encoding (the leaf data it
    /// was decoded from).
    fn step(&mut self, index: u64, entry: LogEntry, data: &[u8]) -> Result<(), VerifyError> {
        let kind = entry_kind(&entry);
        match entry {
            LogEntry::ProcessDefined(_) => return Err(VerifyError::ProcessRedefined { index }),
            LogEntry::PhaseChanged(change) => self.same_process(index, &change.process)?,
            LogEntry::ProposalSubmitted(proposal) => {
                self.same_process(index, &proposal.process)?;
                let id = proposal.id()?;
                let info = ProjectInfo {
                    cost: proposal.cost,
                    district: proposal.district,
                    status: ProposalStatus::Submitted,
                };
                if self.proposals.insert(id, info).is_some() {
                    return Err(VerifyError::DuplicateProposal {
                        index,
                        proposal: id,
                    });
                }
            }
            LogEntry::ProposalStatusChanged(change) => {
                let info = self.proposals.get_mut(&change.proposal).ok_or(
                    VerifyError::UnknownProposal {
                        index,
                        proposal: change.proposal,
                    },
                )?;
                // The ballot is fixed at close: later changes (selected,
                // in progress, done) do not change what voters could choose.
                if self.close.is_none() {
                    info.status = change.change.status;
                }
            }
            LogEntry::CredentialIssued(signed) => {
                self.node_signed_canonical(index, kind, &signed, signed_value_bytes(data))?;
                self.credential(index, kind, &signed.value)?;
            }
            LogEntry::VoterRegistered(credential) => self.credential(index, kind, &credential)?,
            LogEntry::BallotCommitted(signed) => {
                self.commitment(index, signed, signed_value_bytes(data))?
            }
            LogEntry::BallotOpened(opened) => {
                self.closed_phase(index, kind)?;
                if self.tally.is_some() {
                    return Err(VerifyError::OpenedAfterTally { index });
                }
                let slot = *self.by_id.get(&opened.commitment).ok_or(
                    VerifyError::OpeningForUnknownCommitment {
                        index,
                        commitment: opened.commitment,
                    },
                )?;
                let logged = &mut self.commitments[slot];
                if let Some((first, _)) = logged.opening {
                    return Err(VerifyError::DuplicateOpening {
                        index,
                        commitment: opened.commitment,
                        first,
                    });
                }
                opened
                    .opening
                    .opens_parts(
                        &self.process_id,
                        &logged.voter,
                        &logged.hash,
                        opened_ballot_bytes(data),
                    )
                    .map_err(|error| VerifyError::OpeningMismatch { index, error })?;
                logged.opening = Some((index, opened.opening));
                self.openings += 1;
            }
            LogEntry::Closed(close) => {
                self.same_process(index, &close.process)?;
                if let Some(first) = self.close {
                    return Err(VerifyError::Repeated { index, kind, first });
                }
                self.close = Some(index);
            }
            LogEntry::Tallied(signed) => {
                self.node_signed(index, kind, &signed)?;
                self.closed_phase(index, kind)?;
                self.same_process(index, &signed.value.process)?;
                if let Some((first, _)) = self.tally {
                    return Err(VerifyError::Repeated { index, kind, first });
                }
                self.tally = Some((index, signed));
            }
            LogEntry::Aggregated(signed) => self.node_signed(index, kind, &signed)?,
        }
        Ok(())
    }

    /// A commitment entry; `canonical` is the commitment's canonical
    /// encoding (the signed message and the id hash it, not a re-encoding).
    fn commitment(
        &mut self,
        index: u64,
        signed: Signed<BallotCommitment>,
        canonical: &[u8],
    ) -> Result<(), VerifyError> {
        self.open_phase(index, "commitment")?;
        if signed.signer != signed.value.voter {
            // The same error a single check gives (see verify_voter_signature).
            let error = verify_voter_signature(&signed)
                .err()
                .unwrap_or(SignatureError::Invalid);
            return Err(VerifyError::VoterSignature { index, error });
        }
        // The id is BLAKE3 of the signed message: the batch weights use it
        // rather than hashing the message again.
        let hash = domain_tagged_hash(BallotCommitment::TYPE, canonical);
        let id = Id::from_bytes(hash);
        self.pending_signatures.push(
            &signed.signer,
            BallotCommitment::TYPE,
            canonical,
            &signed.signature,
            hash,
        );
        self.pending_indices.push(index);
        if self.pending_signatures.len() >= SIGNATURE_BATCH {
            self.check_signatures()?;
        }
        self.same_process(index, &signed.value.process)?;
        let Some((_, credential)) = self.credentials.get_mut(signed.value.voter.as_bytes()) else {
            return Err(VerifyError::UnregisteredVoter {
                index,
                voter: signed.value.voter.to_string(),
            });
        };
        let slot = self.commitments.len();
        match self.by_id.entry(id) {
            Entry::Occupied(first) => {
                return Err(VerifyError::DuplicateCommitment {
                    index,
                    first: self.commitments[*first.get()].index,
                });
            }
            Entry::Vacant(vacant) => vacant.insert(slot),
        };
        // Log order: the latest commitment of the key so far.
        credential.last = Some(slot);
        self.commitments.push(LoggedCommitment {
            index,
            id,
            voter: *signed.value.voter.as_bytes(),
            hash: signed.value.commitment,
            opening: None,
        });
        Ok(())
    }

    /// The last commitment per voter key, in log order, with its ballot
    /// checked; errors on a missing opening or an invalid ballot. The
    /// ballots move out of the walk (it needs them no more).
    fn counted_ballots(&mut self) -> Result<Vec<Ballot>, VerifyError> {
        // (slot of the last commitment, district) per key that committed.
        let mut slots: Vec<(usize, usize)> = self
            .credentials
            .values()
            .filter_map(|(_, credential)| credential.last.map(|slot| (slot, credential.district)))
            .collect();
        slots.sort_unstable();
        let context = BallotContext {
            process_id: self.process_id,
            process: self.process,
            projects: &self.proposals,
        };
        let mut ballots = Vec::with_capacity(slots.len());
        for (slot, district) in slots {
            let logged = &mut self.commitments[slot];
            let index = logged.index;
            let Some((_, opening)) = logged.opening.take() else {
                return Err(VerifyError::MissingOpening {
                    index,
                    commitment: logged.id,
                });
            };
            let ballot = opening.ballot;
            context
                .validate(&ballot)
                .map_err(|error| VerifyError::InvalidBallot { index, error })?;
            // The ballot's voter is the commitment's (the opening matched).
            let credential = &self.process.districts[district].id;
            if *credential != ballot.district {
                return Err(VerifyError::BallotDistrictNotCredential {
                    index,
                    ballot: ballot.district,
                    credential: credential.clone(),
                });
            }
            ballots.push(ballot);
        }
        Ok(ballots)
    }
}

/// Verifies a closed process log end to end and recounts it (see the module
/// docs for the steps). `entries` are the canonical leaf data in log order;
/// `checkpoint` is a signed checkpoint of exactly these entries.
pub fn verify_log(
    entries: &[Vec<u8>],
    keys: &LogKeys,
    checkpoint: &SignedCheckpoint,
) -> Result<RecountReport, VerifyError> {
    verify_log_counted(entries, keys, checkpoint).map(|verified| verified.report)
}

/// A verified log with what a regional aggregator combines: the signed
/// tally and the inputs of the recount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedLog {
    /// What the recount found.
    pub report: RecountReport,
    /// The process definition (entry 0), with its owner's signature.
    pub process: Signed<ProcessDef>,
    /// The node-signed tally (entry `report.tally_index`).
    pub tally: Signed<Tally>,
    /// The proposals on the ballot at close, sorted by proposal id.
    pub on_ballot: Vec<BallotProject>,
    /// The counted ballots (the last one per credential), in the log order
    /// of their commitments.
    pub ballots: Vec<Ballot>,
}

/// [`verify_log`], returning also the signed tally, the proposals on the
/// ballot and the counted ballots.
pub fn verify_log_counted(
    entries: &[Vec<u8>],
    keys: &LogKeys,
    checkpoint: &SignedCheckpoint,
) -> Result<VerifiedLog, VerifyError> {
    checkpoint
        .verify_log_signature(std::slice::from_ref(&keys.log))
        .map_err(VerifyError::CheckpointSignature)?;
    let claimed = checkpoint.checkpoint();
    let size = u64::try_from(entries.len()).unwrap_or(u64::MAX);
    if claimed.size != size {
        return Err(VerifyError::SizeMismatch {
            checkpoint: claimed.size,
            entries: size,
        });
    }
    let mut tree = MemoryLog::new(Blake3Hasher);
    for data in entries {
        tree.append(data);
    }
    let computed = tree.root(size)?;
    if computed != claimed.root {
        return Err(VerifyError::RootMismatch {
            computed: Digest(computed),
            checkpoint: Digest(claimed.root),
        });
    }
    let mut decoder = EntryDecoder::default();
    let signed_process = match entries.first() {
        None => return Err(VerifyError::EmptyLog),
        Some(data) => match decoder
            .decode(data)
            .map_err(|error| VerifyError::Decode { index: 0, error })?
        {
            LogEntry::ProcessDefined(signed) => signed,
            other => {
                return Err(VerifyError::FirstEntryNotProcess {
                    found: entry_kind(&other),
                });
            }
        },
    };
    signed_process
        .verify(&keys.owner)
        .map_err(VerifyError::ProcessSignature)?;
    let process = &signed_process.value;
    process.check()?;
    if let Some(expected) = keys.owner_id
        && expected != process.owner
    {
        return Err(VerifyError::OwnerMismatch {
            expected,
            found: process.owner,
        });
    }
    let process_id = process.id()?;
    let (_, origin_process) = parse_process_log_origin(&claimed.origin)?;
    if origin_process != process_id.to_string() {
        return Err(VerifyError::OriginNotThisProcess {
            origin: claimed.origin.clone(),
            process: process_id,
        });
    }
    // Sized once: a million-voter log would otherwise rehash and move
    // these tables some twenty times.
    let counts = count_kinds(entries);
    decoder.reserve(counts.credentials);
    let mut walk = Walk {
        keys,
        node: NodeKey::new(keys.node),
        process,
        process_id,
        proposals: BTreeMap::new(),
        credentials: HashMap::with_capacity(counts.credentials),
        commitments: Vec::with_capacity(counts.commitments),
        by_id: HashMap::with_capacity(counts.commitments),
        close: None,
        tally: None,
        openings: 0,
        pending_signatures: PendingBatch::with_capacity(SIGNATURE_BATCH),
        pending_indices: Vec::with_capacity(SIGNATURE_BATCH),
        pending_credentials: Vec::new(),
    };
    for (data, index) in entries.iter().zip(0u64..).skip(1) {
        let walked = decoder
            .decode(data)
            .map_err(|error| VerifyError::Decode { index, error })
            .and_then(|entry| walk.step(index, entry, data));
        if let Err(error) = walked {
            // A signature still pending comes earlier in the log (or is this
            // entry's, checked before the rest of it): it is the first error.
            walk.check_signatures()?;
            return Err(error);
        }
    }
    walk.check_signatures()?;
    if walk.close.is_none() {
        return Err(VerifyError::NotClosed);
    }
    let (tally_index, signed_tally) = walk.tally.clone().ok_or(VerifyError::NoTally)?;
    let tally = &signed_tally.value;
    let ballots = walk.counted_ballots()?;
    let on_ballot: Vec<BallotProject> = walk
        .proposals
        .iter()
        .filter(|(_, info)| info.status.is_on_ballot())
        .map(|(id, info)| BallotProject {
            id: *id,
            cost: info.cost,
            district: info.district.clone(),
        })
        .collect();
    let recount = tally_process(process, &on_ballot, &ballots)?;
    let expected_checkpoint = CheckpointRef {
        size: tally_index,
        root: Digest(tree.root(tally_index)?),
    };
    compare_tally(process, tally, expected_checkpoint, &recount)?;
    let commitments = u64::try_from(walk.commitments.len()).unwrap_or(u64::MAX);
    let report = RecountReport {
        process: process_id,
        entries: size,
        proposals: u64::try_from(walk.proposals.len()).unwrap_or(u64::MAX),
        credentials: u64::try_from(walk.credentials.len()).unwrap_or(u64::MAX),
        commitments,
        superseded: commitments - recount.ballots_counted,
        counted: recount.ballots_counted,
        openings: walk.openings,
        tally_index,
        totals: recount.totals,
        selected: recount.selected,
    };
    Ok(VerifiedLog {
        report,
        process: signed_process.clone(),
        tally: signed_tally,
        on_ballot,
        ballots,
    })
}

fn compare_tally(
    process: &ProcessDef,
    tally: &Tally,
    checkpoint: CheckpointRef,
    recount: &super::TallyContent,
) -> Result<(), VerifyError> {
    if tally.rule != process.rule {
        return Err(VerifyError::TallyRule {
            expected: format!("{} v{}", process.rule.name, process.rule.version),
            found: format!("{} v{}", tally.rule.name, tally.rule.version),
        });
    }
    if tally.checkpoint != checkpoint {
        return Err(VerifyError::TallyCheckpoint {
            expected: checkpoint,
            found: tally.checkpoint,
        });
    }
    if tally.ballots_counted != recount.ballots_counted {
        return Err(VerifyError::TallyBallotsCounted {
            expected: recount.ballots_counted,
            found: tally.ballots_counted,
        });
    }
    if tally.totals != recount.totals {
        return Err(first_total_difference(&recount.totals, &tally.totals));
    }
    if tally.selected != recount.selected {
        return Err(VerifyError::TallySelected {
            expected: recount.selected.clone(),
            found: tally.selected.clone(),
        });
    }
    Ok(())
}

/// The first project (in id order) whose total differs between the two
/// lists, with its total in each (`None`: absent); `None` when the lists
/// hold the same totals (perhaps in another order, or repeated).
pub(crate) fn differing_total(
    expected: &[ProjectTotal],
    found: &[ProjectTotal],
) -> Option<(ProposalId, Option<u64>, Option<u64>)> {
    let as_map = |totals: &[ProjectTotal]| -> BTreeMap<ProposalId, u64> {
        totals.iter().map(|t| (t.project, t.total)).collect()
    };
    let (expected, found) = (as_map(expected), as_map(found));
    expected
        .keys()
        .chain(found.keys())
        .filter(|p| expected.get(p) != found.get(p))
        .min()
        .map(|p| (*p, expected.get(p).copied(), found.get(p).copied()))
}

/// The first project (in id order) whose total differs between the two lists.
fn first_total_difference(expected: &[ProjectTotal], found: &[ProjectTotal]) -> VerifyError {
    match differing_total(expected, found) {
        Some((project, expected, found)) => VerifyError::TallyTotals {
            project,
            expected,
            found,
        },
        // Same totals in another order or with repeats: the order is part of the format.
        None => VerifyError::TallyTotals {
            project: found
                .iter()
                .map(|t| t.project)
                .min()
                .unwrap_or(Id::from_bytes([0; 32])),
            expected: None,
            found: None,
        },
    }
}

/// The canonical encoding of the value in the leaf data of a `LogEntry`
/// holding a `Signed<T>`: after the `u32` variant index, before the signer
/// key (32 bytes) and the signature (64 bytes). Only for leaf data that
/// decoded as such an entry (so at least 100 bytes long).
fn signed_value_bytes(data: &[u8]) -> &[u8] {
    data.get(4..data.len().saturating_sub(96))
        .unwrap_or_default()
}

/// The canonical encoding of the ballot in the leaf data of a
/// `BallotOpened` entry: after the `u32` variant index and the commitment
/// id (32 bytes), before the nonce (32 bytes). Only for leaf data that
/// decoded as such an entry.
fn opened_ballot_bytes(data: &[u8]) -> &[u8] {
    data.get(36..data.len().saturating_sub(32))
        .unwrap_or_default()
}
