//! Regional aggregation: combining the member logs of a regional process
//! into one signed [`Aggregate`] that anyone can reproduce.
//!
//! A regional process is a [`ProcessDef`] signed by the region, with the
//! member jurisdictions that collect ballots in `members`. Each member node
//! keeps its own log of it (origin `pbnode/<member-slug>/<process>`): entry
//! 0 is the region-signed definition, then the regional proposals, the
//! member's credentials, commitments, close, openings and its own signed
//! tally of its own ballots.
//!
//! [`aggregate_members`] checks, in order:
//!
//! 1. the definition is signed by its signer (the region's key), valid,
//!    and regional (lists members);
//! 2. every member log is for a listed member, no member twice, no listed
//!    member missing;
//! 3. per member (in jurisdiction id order): the node and checkpoint keys
//!    are the member jurisdiction's key and the owner key is the region's;
//!    the log verifies fully ([`super::verify_log`]: signatures, root,
//!    one ballot per credential, recount equals the member's signed
//!    tally), is the log of this process, and its checkpoint carries the
//!    cosignatures the process's witness policy requires;
//! 4. every member had the same proposals on the ballot, and no voter key
//!    has a counted ballot in two members;
//! 5. the combined ballots (members in jurisdiction id order, each member's
//!    in its log order) are counted with the process's rule
//!    ([`super::tally_process`]): a regional budget applies to all ballots
//!    together.
//!
//! [`verify_aggregate`] does the same from the member logs and compares the
//! signed aggregate with the result field by field.

mod dataset;
mod error;

pub use dataset::{
    Funds, MemberDataset, MemberProcess, Participation, RegionalDataset, RegionalTotals,
    VerificationStatus, regional_dataset,
};
pub use error::AggregateError;

use super::election::{BallotProject, tally_ballots};
use super::verify::{LogKeys, VerifiedLog, verify_log_counted};
use crate::crypto::{PublicKey, Signable, Signed};
use crate::note::{SignatureType, SignedCheckpoint};
use crate::objects::{
    Aggregate, Jurisdiction, JurisdictionId, MemberTally, ProcessDef, ProcessId, ProjectTotal,
    ProposalId,
};
use crate::receipt::note_witness_policy;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// One member's log of a regional process, as the region pulled it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberLog {
    /// The member jurisdiction (its id is what the process lists).
    pub jurisdiction: Jurisdiction,
    /// The keys of its log: `owner` the region's, `node` and `log` the
    /// member's.
    pub keys: LogKeys,
    /// The canonical leaf data, in log order.
    pub entries: Vec<Vec<u8>>,
    /// A cosigned checkpoint of exactly these entries.
    pub checkpoint: SignedCheckpoint,
}

/// What a verified aggregate establishes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AggregateReport {
    /// The regional process.
    pub process: ProcessId,
    /// Per member, in jurisdiction id order.
    pub members: Vec<MemberReport>,
    /// Ballots counted over all members.
    pub ballots_counted: u64,
    /// Combined totals, sorted by project id.
    pub totals: Vec<ProjectTotal>,
    /// Selected projects in selection order.
    pub selected: Vec<ProposalId>,
}

/// One member's figures in an [`AggregateReport`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberReport {
    /// The member jurisdiction.
    pub jurisdiction: JurisdictionId,
    /// Entries in its log.
    pub entries: u64,
    /// Credentials it issued.
    pub credentials: u64,
    /// Ballots it counted.
    pub ballots_counted: u64,
}

/// A member log that verified, with its jurisdiction id.
struct CheckedMember<'a> {
    id: JurisdictionId,
    log: &'a MemberLog,
    verified: VerifiedLog,
}

/// Both results of one combination: the aggregate and the report.
struct Combined {
    aggregate: Aggregate,
    report: AggregateReport,
}

fn member_key_error(
    jurisdiction: JurisdictionId,
    which: &'static str,
    expected: &'static str,
) -> AggregateError {
    AggregateError::MemberKey {
        jurisdiction,
        which,
        expected,
    }
}

/// Step 3 of the module docs for one member.
fn check_member<'a>(
    process: &Signed<ProcessDef>,
    process_id: ProcessId,
    id: JurisdictionId,
    log: &'a MemberLog,
) -> Result<CheckedMember<'a>, AggregateError> {
    if log.keys.node != log.jurisdiction.key {
        return Err(member_key_error(
            id,
            "node",
            "the member jurisdiction's key",
        ));
    }
    let log_key = log.keys.log.public_key().to_bytes();
    if log.keys.log.sig_type() != SignatureType::Ed25519
        || log_key != *log.jurisdiction.key.as_bytes()
    {
        return Err(member_key_error(
            id,
            "checkpoint",
            "the member jurisdiction's key",
        ));
    }
    if log.keys.owner != process.signer {
        return Err(member_key_error(
            id,
            "owner",
            "the process definition's signer",
        ));
    }
    let keys = LogKeys {
        owner_id: Some(process.value.owner),
        ..log.keys.clone()
    };
    let verified = verify_log_counted(&log.entries, &keys, &log.checkpoint).map_err(|error| {
        AggregateError::MemberLog {
            jurisdiction: id,
            error: Box::new(error),
        }
    })?;
    if verified.report.process != process_id {
        return Err(AggregateError::MemberProcess {
            jurisdiction: id,
            found: verified.report.process,
        });
    }
    let cosigned = note_witness_policy(&process.value).and_then(|policy| match policy {
        Some(policy) => policy
            .check(&log.checkpoint)
            .map(|_| ())
            .map_err(crate::receipt::ReceiptError::Cosignature),
        None => Ok(()),
    });
    cosigned.map_err(|error| AggregateError::MemberCosignatures {
        jurisdiction: id,
        error: Box::new(error),
    })?;
    Ok(CheckedMember { id, log, verified })
}

/// Member logs by jurisdiction id, in id order.
type MembersById<'a> = Vec<(JurisdictionId, &'a MemberLog)>;

/// Steps 1 and 2: the definition, and each listed member's log exactly once,
/// sorted by jurisdiction id.
fn match_members<'a>(
    process: &Signed<ProcessDef>,
    members: &'a [MemberLog],
) -> Result<(ProcessId, MembersById<'a>), AggregateError> {
    process
        .verify(&process.signer)
        .map_err(AggregateError::ProcessSignature)?;
    let def = &process.value;
    def.check()?;
    let process_id = def.id()?;
    if def.members.is_empty() {
        return Err(AggregateError::NotRegional(process_id));
    }
    let mut by_id: BTreeMap<JurisdictionId, &MemberLog> = BTreeMap::new();
    for log in members {
        let id = log.jurisdiction.id()?;
        if !def.members.contains(&id) {
            return Err(AggregateError::NotAMember(id));
        }
        if by_id.insert(id, log).is_some() {
            return Err(AggregateError::DuplicateMember(id));
        }
    }
    if let Some(missing) = def.members.iter().find(|m| !by_id.contains_key(m)) {
        return Err(AggregateError::MissingMember(*missing));
    }
    Ok((process_id, by_id.into_iter().collect()))
}

fn combine(
    process: &Signed<ProcessDef>,
    members: &[MemberLog],
) -> Result<Combined, AggregateError> {
    let (process_id, sorted) = match_members(process, members)?;
    let mut checked = Vec::with_capacity(sorted.len());
    for (id, log) in sorted {
        checked.push(check_member(process, process_id, id, log)?);
    }
    // Step 4: one ballot, one vote per key across the region.
    let first = checked
        .first()
        .map(|m| (m.id, m.verified.on_ballot.clone()));
    let on_ballot: Vec<BallotProject> = first.clone().map(|(_, b)| b).unwrap_or_default();
    let total: usize = checked.iter().map(|m| m.verified.ballots.len()).sum();
    // By key bytes (see `Walk::credentials`).
    let mut voters: HashMap<[u8; 32], JurisdictionId> = HashMap::with_capacity(total);
    for member in &checked {
        if let Some((first_id, first_ballot)) = &first
            && member.verified.on_ballot != *first_ballot
        {
            return Err(AggregateError::BallotDiffers {
                jurisdiction: member.id,
                first: *first_id,
            });
        }
        for ballot in &member.verified.ballots {
            if let Some(other) = voters.insert(*ballot.voter.as_bytes(), member.id) {
                return Err(AggregateError::VoterInTwoMembers {
                    voter: ballot.voter.to_string(),
                    first: other,
                    second: member.id,
                });
            }
        }
    }
    // Step 5, over the ballots where they are (members in order).
    let ballots = checked.iter().flat_map(|m| m.verified.ballots.iter());
    let content = tally_ballots(&process.value, &on_ballot, ballots)?;
    let aggregate = Aggregate {
        process: process_id,
        members: checked
            .iter()
            .map(|m| MemberTally {
                jurisdiction: m.id,
                tally: m.verified.tally.clone(),
                checkpoint_note: m.log.checkpoint.to_text(),
            })
            .collect(),
        rule: process.value.rule.clone(),
        totals: content.totals.clone(),
        selected: content.selected.clone(),
    };
    let report = AggregateReport {
        process: process_id,
        members: checked
            .iter()
            .map(|m| MemberReport {
                jurisdiction: m.id,
                entries: m.verified.report.entries,
                credentials: m.verified.report.credentials,
                ballots_counted: m.verified.report.counted,
            })
            .collect(),
        ballots_counted: content.ballots_counted,
        totals: content.totals,
        selected: content.selected,
    };
    Ok(Combined { aggregate, report })
}

/// Verifies every member log of a regional process and combines them into
/// the (unsigned) aggregate: see the module docs for the checks. The
/// region signs the result with [`Signable::sign`].
pub fn aggregate_members(
    process: &Signed<ProcessDef>,
    members: &[MemberLog],
) -> Result<Aggregate, AggregateError> {
    combine(process, members).map(|combined| combined.aggregate)
}

/// Verifies a signed aggregate: the region key signed it and the process
/// definition, and recombining the member logs ([`aggregate_members`])
/// gives exactly it. The first difference is named: process, rule, member
/// count, a member's jurisdiction, tally or checkpoint note, a combined
/// total, the selection.
pub fn verify_aggregate(
    signed: &Signed<Aggregate>,
    region_key: &PublicKey,
    process: &Signed<ProcessDef>,
    members: &[MemberLog],
) -> Result<AggregateReport, AggregateError> {
    process
        .verify(region_key)
        .map_err(AggregateError::ProcessSignature)?;
    signed
        .verify(region_key)
        .map_err(AggregateError::AggregateSignature)?;
    let claimed = &signed.value;
    let process_id = process.value.id()?;
    if claimed.process != process_id {
        return Err(AggregateError::WrongProcess {
            expected: process_id,
            found: claimed.process,
        });
    }
    if claimed.rule != process.value.rule {
        let show = |r: &crate::objects::RuleRef| format!("{} v{}", r.name, r.version);
        return Err(AggregateError::WrongRule {
            expected: show(&process.value.rule),
            found: show(&claimed.rule),
        });
    }
    let Combined { aggregate, report } = combine(process, members)?;
    compare(&aggregate, claimed)?;
    Ok(report)
}

/// The first difference between the recomputed aggregate and the claimed one.
fn compare(expected: &Aggregate, found: &Aggregate) -> Result<(), AggregateError> {
    if expected.members.len() != found.members.len() {
        return Err(AggregateError::MemberCount {
            expected: expected.members.len(),
            found: found.members.len(),
        });
    }
    for (position, (e, f)) in expected.members.iter().zip(&found.members).enumerate() {
        let field = if e.jurisdiction != f.jurisdiction {
            Some("jurisdiction")
        } else if e.tally != f.tally {
            Some("tally")
        } else if e.checkpoint_note != f.checkpoint_note {
            Some("checkpoint note")
        } else {
            None
        };
        if let Some(field) = field {
            return Err(AggregateError::MemberDiffers {
                position,
                jurisdiction: e.jurisdiction,
                field,
            });
        }
    }
    if expected.totals != found.totals {
        return Err(first_total_difference(&expected.totals, &found.totals));
    }
    if expected.selected != found.selected {
        return Err(AggregateError::Selected {
            expected: expected.selected.clone(),
            found: found.selected.clone(),
        });
    }
    // Process and rule were compared before recombining.
    Ok(())
}

fn first_total_difference(expected: &[ProjectTotal], found: &[ProjectTotal]) -> AggregateError {
    match super::verify::differing_total(expected, found) {
        Some((project, expected, found)) => AggregateError::Totals {
            project,
            expected,
            found,
        },
        None => AggregateError::TotalsOrder,
    }
}
