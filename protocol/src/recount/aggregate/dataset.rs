//! The regional dataset: what a region's dashboard shows about its
//! members' own (municipal) processes, from their verified recounts.
//!
//! Only verified figures are shown: a member whose log did not verify is
//! listed with the verifier's error and no figures. Money is summed
//! exactly in minor units and only within one currency.

use super::AggregateError;
use crate::crypto::Signable;
use crate::objects::{JurisdictionId, ProcessDef, ProcessId, Proposal, ProposalId};
use crate::recount::RecountReport;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One member's process as the region knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberProcess {
    /// The member jurisdiction.
    pub jurisdiction: JurisdictionId,
    /// Its display name.
    pub name: String,
    /// The process definition (entry 0 of its log).
    pub process: ProcessDef,
    /// The proposals submitted into it (from its log).
    pub proposals: Vec<Proposal>,
    /// The recount of its log ([`crate::recount::verify_log`]), or why it
    /// failed (the verifier's error text, or why the log could not be had).
    pub verification: Result<RecountReport, String>,
}

/// Whether a member's process verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum VerificationStatus {
    /// The log verified and recounts to its signed tally.
    Ok,
    /// It did not; the reason.
    Failed(String),
}

/// Ballots counted against credentials issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participation {
    /// Ballots counted (one per credential that voted).
    pub ballots_counted: u64,
    /// Credentials issued (registered voters).
    pub credentials: u64,
    /// `ballots_counted * 1000 / credentials`, rounded down; `None` when no
    /// credential was issued.
    pub per_mille: Option<u64>,
}

impl Participation {
    fn new(ballots_counted: u64, credentials: u64) -> Self {
        let per_mille = u128::from(ballots_counted)
            .checked_mul(1000)
            .and_then(|scaled| scaled.checked_div(u128::from(credentials)))
            .and_then(|ratio| u64::try_from(ratio).ok());
        Participation {
            ballots_counted,
            credentials,
            per_mille,
        }
    }
}

/// Selected projects and their cost under one key (a category or a district).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Funds {
    /// The category or district id.
    pub key: String,
    /// How many selected projects.
    pub projects: u64,
    /// Their total cost in minor units.
    pub amount: u64,
}

/// One member process in the dataset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberDataset {
    /// The member jurisdiction.
    pub jurisdiction: JurisdictionId,
    /// Its display name.
    pub name: String,
    /// The process.
    pub process: ProcessId,
    /// The process slug.
    pub slug: String,
    /// The process currency.
    pub currency: String,
    /// The process budget in minor units.
    pub budget: u64,
    /// Whether the log verified.
    pub status: VerificationStatus,
    /// Participation, when verified.
    pub participation: Option<Participation>,
    /// Selected funds by category, sorted by category (empty unless verified).
    pub by_category: Vec<Funds>,
    /// Selected funds by district, sorted by district id (empty unless verified).
    pub by_district: Vec<Funds>,
}

/// Sums over the verified member processes of one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionalTotals {
    /// The currency.
    pub currency: String,
    /// Verified processes counted in these sums.
    pub processes: u64,
    /// Their budgets, summed.
    pub budget: u64,
    /// Their participation, summed.
    pub participation: Participation,
    /// Selected funds by category, summed, sorted by category.
    pub by_category: Vec<Funds>,
}

/// The regional dataset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionalDataset {
    /// Member processes, sorted by jurisdiction id then process id.
    pub members: Vec<MemberDataset>,
    /// Sums per currency, sorted by currency.
    pub totals: Vec<RegionalTotals>,
}

fn add(sum: u64, value: u64, what: &str) -> Result<u64, AggregateError> {
    sum.checked_add(value)
        .ok_or_else(|| AggregateError::Overflow(what.to_owned()))
}

/// Adds `projects` and `amount` under `key`.
fn add_funds(
    into: &mut BTreeMap<String, (u64, u64)>,
    key: &str,
    projects: u64,
    amount: u64,
) -> Result<(), AggregateError> {
    let entry = into.entry(key.to_owned()).or_insert((0, 0));
    entry.0 = add(entry.0, projects, "selected projects")?;
    entry.1 = add(entry.1, amount, &format!("funds of `{key}`"))?;
    Ok(())
}

fn funds(map: BTreeMap<String, (u64, u64)>) -> Vec<Funds> {
    map.into_iter()
        .map(|(key, (projects, amount))| Funds {
            key,
            projects,
            amount,
        })
        .collect()
}

type FundsByKey = BTreeMap<String, (u64, u64)>;

/// The selected proposals' funds by category and by district, or why the
/// report and the proposals do not fit together.
fn selected_funds(
    member: &MemberProcess,
    process_id: ProcessId,
    report: &RecountReport,
) -> Result<Result<(FundsByKey, FundsByKey), String>, AggregateError> {
    if report.process != process_id {
        return Ok(Err(format!(
            "the recount is of process {}, not {process_id}",
            report.process
        )));
    }
    let mut by_id: BTreeMap<ProposalId, &Proposal> = BTreeMap::new();
    for proposal in &member.proposals {
        by_id.insert(proposal.id()?, proposal);
    }
    let (mut by_category, mut by_district) = (BTreeMap::new(), BTreeMap::new());
    for id in &report.selected {
        let Some(proposal) = by_id.get(id) else {
            return Ok(Err(format!(
                "selected proposal {id} is not among the proposals given"
            )));
        };
        if proposal.process != process_id {
            return Ok(Err(format!(
                "selected proposal {id} belongs to process {}",
                proposal.process
            )));
        }
        add_funds(&mut by_category, &proposal.category, 1, proposal.cost)?;
        add_funds(&mut by_district, &proposal.district, 1, proposal.cost)?;
    }
    Ok(Ok((by_category, by_district)))
}

fn member_dataset(member: &MemberProcess) -> Result<MemberDataset, AggregateError> {
    let process_id = member.process.id()?;
    let mut dataset = MemberDataset {
        jurisdiction: member.jurisdiction,
        name: member.name.clone(),
        process: process_id,
        slug: member.process.slug.clone(),
        currency: member.process.budget.currency.clone(),
        budget: member.process.budget.minor_units,
        status: VerificationStatus::Ok,
        participation: None,
        by_category: Vec::new(),
        by_district: Vec::new(),
    };
    let report = match &member.verification {
        Ok(report) => report,
        Err(error) => {
            dataset.status = VerificationStatus::Failed(error.clone());
            return Ok(dataset);
        }
    };
    match selected_funds(member, process_id, report)? {
        Ok((by_category, by_district)) => {
            dataset.participation = Some(Participation::new(report.counted, report.credentials));
            dataset.by_category = funds(by_category);
            dataset.by_district = funds(by_district);
        }
        Err(error) => dataset.status = VerificationStatus::Failed(error),
    }
    Ok(dataset)
}

/// Builds the regional dataset of the members' own processes: per process
/// its participation, its selected funds by category and by district, and
/// whether it verified; then sums per currency over the verified ones.
pub fn regional_dataset(members: &[MemberProcess]) -> Result<RegionalDataset, AggregateError> {
    let mut rows = members
        .iter()
        .map(member_dataset)
        .collect::<Result<Vec<_>, _>>()?;
    rows.sort_by_key(|row| (row.jurisdiction, row.process));
    let mut by_currency: BTreeMap<String, (u64, u64, u64, u64, FundsByKey)> = BTreeMap::new();
    for row in &rows {
        let Some(participation) = row.participation else {
            continue;
        };
        let sums = by_currency
            .entry(row.currency.clone())
            .or_insert((0, 0, 0, 0, BTreeMap::new()));
        sums.0 = add(sums.0, 1, "processes")?;
        sums.1 = add(sums.1, row.budget, &format!("{} budgets", row.currency))?;
        sums.2 = add(sums.2, participation.ballots_counted, "ballots counted")?;
        sums.3 = add(sums.3, participation.credentials, "credentials")?;
        for f in &row.by_category {
            add_funds(&mut sums.4, &f.key, f.projects, f.amount)?;
        }
    }
    let totals = by_currency
        .into_iter()
        .map(
            |(currency, (processes, budget, counted, credentials, categories))| RegionalTotals {
                currency,
                processes,
                budget,
                participation: Participation::new(counted, credentials),
                by_category: funds(categories),
            },
        )
        .collect();
    Ok(RegionalDataset {
        members: rows,
        totals,
    })
}
