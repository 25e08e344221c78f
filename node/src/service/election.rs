//! From a closed process to the tally engine's [`Election`] model: used to
//! count and to export Pabulib `.pb` files.
//!
//! Counting units: when the process splits its budget by district (some
//! district has its own budget), each district is counted on its own, with
//! its projects, its voters and its budget; otherwise the whole process is
//! one unit with the process budget. Amounts stay in minor units (cents),
//! so no rounding ever happens. Project ids are the proposal ids in hex and
//! voter ids the voter keys in hex: the rule's smallest-id tie-break is then
//! the byte order of the ids, which anyone can reproduce from the log.
//!
//! Totals: approval counts approvals; cumulative and scoring sum points;
//! ranking gives a Borda score of `max + 1 - rank` per ballot (`max` being
//! the format's most projects ranked).

use super::ServiceError;
use super::records::ProposalRecord;
use num_bigint::BigInt;
use num_rational::BigRational;
use pbnode_protocol::election::{Election, Project, VoteType, Voter};
use pbnode_protocol::objects::{Ballot, BallotFormat, ProcessDef, ProjectTotal, ProposalId};
use pbnode_protocol::tally::{Rule, TieBreak, tally};
use std::collections::BTreeMap;

/// One counting unit: a district, or the whole process.
pub(crate) struct Unit {
    /// The district id, or `None` for the whole process.
    pub district: Option<String>,
    /// The election of this unit.
    pub election: Election,
    /// Proposal ids by project index.
    pub projects: Vec<ProposalId>,
}

/// What the count produced.
pub(crate) struct Counted {
    /// Totals per accepted project, sorted by project id.
    pub totals: Vec<ProjectTotal>,
    /// Selected projects, unit by unit in district order, each in the rule's order.
    pub selected: Vec<ProposalId>,
}

fn money(minor_units: u64) -> BigRational {
    BigRational::from_integer(BigInt::from(minor_units))
}

fn vote_type(format: &BallotFormat) -> VoteType {
    match format {
        BallotFormat::Approval { .. } => VoteType::Approval,
        BallotFormat::Cumulative { .. } => VoteType::Cumulative,
        BallotFormat::Scoring { .. } => VoteType::Scoring,
        BallotFormat::Ranking { .. } => VoteType::Ordinal,
    }
}

/// The Pabulib META entries that describe the ballot format.
fn format_meta(format: &BallotFormat) -> Vec<(String, String)> {
    let pairs: Vec<(&str, u32)> = match *format {
        BallotFormat::Approval { min, max, .. } | BallotFormat::Ranking { min, max } => {
            vec![("min_length", min), ("max_length", max)]
        }
        BallotFormat::Cumulative {
            total_points,
            max_per_project,
        } => vec![
            ("max_sum_points", total_points),
            ("max_points", max_per_project),
        ],
        BallotFormat::Scoring {
            min_score,
            max_score,
            max_projects,
        } => vec![
            ("min_points", min_score),
            ("max_points", max_score),
            ("max_length", max_projects),
        ],
    };
    pairs
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The counting units of a process with its accepted `projects` and the
/// counted `ballots`.
pub(crate) fn units(
    def: &ProcessDef,
    projects: &[ProposalRecord],
    ballots: &[Ballot],
) -> Vec<Unit> {
    let split = def.districts.iter().any(|d| d.budget.is_some());
    let districts: Vec<Option<&str>> = if split {
        def.districts.iter().map(|d| Some(d.id.as_str())).collect()
    } else {
        vec![None]
    };
    let vote_type = vote_type(&def.ballot_format);
    districts
        .into_iter()
        .map(|district| {
            let in_unit = |d: &str| district.is_none_or(|u| u == d);
            let mut chosen: Vec<&ProposalRecord> = projects
                .iter()
                .filter(|p| in_unit(&p.proposal.district))
                .collect();
            chosen.sort_by_key(|p| p.id);
            let index: BTreeMap<ProposalId, u32> = chosen
                .iter()
                .enumerate()
                .map(|(i, p)| (p.id, i as u32))
                .collect();
            let voters = ballots
                .iter()
                .filter(|b| in_unit(&b.district))
                .map(|b| voter(b, vote_type, &index))
                .collect::<Vec<_>>();
            let budget = match district {
                Some(d) => def.budget_for(d),
                None => def.budget.minor_units,
            };
            let title = def
                .texts
                .first()
                .map(|t| t.title.clone())
                .unwrap_or_default();
            let mut meta = vec![
                ("description".to_string(), title),
                ("instance".to_string(), def.slug.clone()),
                ("unit".to_string(), district.unwrap_or("all").to_string()),
                ("num_projects".to_string(), chosen.len().to_string()),
                ("num_votes".to_string(), voters.len().to_string()),
                ("budget".to_string(), budget.to_string()),
                (
                    "currency".to_string(),
                    format!("{} (minor units)", def.budget.currency),
                ),
                ("vote_type".to_string(), vote_type.as_str().to_string()),
                ("rule".to_string(), def.rule.name.clone()),
            ];
            meta.extend(format_meta(&def.ballot_format));
            let election = Election {
                meta,
                vote_type,
                budget: money(budget),
                projects: chosen
                    .iter()
                    .map(|p| Project {
                        id: p.id.to_string(),
                        cost: money(p.proposal.cost),
                        extra: vec![
                            p.proposal.title.clone(),
                            p.proposal.category.clone(),
                            p.proposal.district.clone(),
                        ],
                    })
                    .collect(),
                project_columns: vec!["name".into(), "category".into(), "district".into()],
                voters,
                vote_columns: vec!["district".into()],
            };
            Unit {
                district: district.map(str::to_string),
                election,
                projects: chosen.iter().map(|p| p.id).collect(),
            }
        })
        .collect()
}

fn voter(ballot: &Ballot, vote_type: VoteType, index: &BTreeMap<ProposalId, u32>) -> Voter {
    let mut choices: Vec<(u32, u32)> = ballot
        .choices
        .iter()
        .filter_map(|c| index.get(&c.project).map(|&i| (i, c.points)))
        .collect();
    if vote_type == VoteType::Ordinal {
        // Most preferred (rank 1) first.
        choices.sort_by_key(|&(_, rank)| rank);
    }
    Voter {
        id: ballot.voter.to_string(),
        choices: choices.iter().map(|&(i, _)| i).collect(),
        points: if vote_type.has_points() {
            choices.iter().map(|&(_, p)| i64::from(p)).collect()
        } else {
            Vec::new()
        },
        extra: vec![ballot.district.clone()],
    }
}

/// Counts the ballots with the process's rule.
pub(crate) fn count(
    def: &ProcessDef,
    projects: &[ProposalRecord],
    ballots: &[Ballot],
) -> Result<Counted, ServiceError> {
    let rule = Rule::parse(&def.rule.name)
        .ok_or_else(|| ServiceError::Tally(format!("unknown rule `{}`", def.rule.name)))?;
    if def.rule.version != rule.version() {
        return Err(ServiceError::Tally(format!(
            "rule {} version {} is not this node's version {}",
            rule.name(),
            def.rule.version,
            rule.version()
        )));
    }
    let mut totals: BTreeMap<ProposalId, u64> = projects.iter().map(|p| (p.id, 0)).collect();
    let borda_max = match def.ballot_format {
        BallotFormat::Ranking { max, .. } => Some(u64::from(max)),
        _ => None,
    };
    for ballot in ballots {
        for choice in &ballot.choices {
            if let Some(total) = totals.get_mut(&choice.project) {
                let points = u64::from(choice.points);
                *total += match (borda_max, &def.ballot_format) {
                    (Some(max), _) => (max + 1).saturating_sub(points),
                    (None, BallotFormat::Approval { .. }) => 1,
                    _ => points,
                };
            }
        }
    }
    let mut selected = Vec::new();
    for unit in units(def, projects, ballots) {
        if unit.election.projects.is_empty() {
            continue;
        }
        let outcome = tally(rule, &unit.election, TieBreak::SmallestId)
            .map_err(|e| ServiceError::Tally(e.to_string()))?;
        selected.extend(outcome.selected.iter().map(|&i| unit.projects[i]));
    }
    Ok(Counted {
        totals: totals
            .into_iter()
            .map(|(project, total)| ProjectTotal { project, total })
            .collect(),
        selected,
    })
}
