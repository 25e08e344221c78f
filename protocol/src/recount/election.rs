//! The bridge from a process's logged data to the tally engine.
//!
//! A closed process is counted by building Pabulib-model [`Election`]s from
//! its definition, its accepted proposals and its counted ballots, and
//! running the process's rule on them with the default tie-break
//! ([`TieBreak::SmallestId`]). The node (when it closes a process) and every
//! verifier (when it recounts one) call the same [`tally_process`], so the
//! signed tally can be reproduced bit for bit.
//!
//! Mapping, fixed here because the signed tally depends on it:
//!
//! - **Projects** are the proposals passed in, sorted by proposal id; a
//!   project's Pabulib id is the proposal id in lower-case hex. Ties between
//!   projects therefore break by the smallest hex id (byte order of the id).
//! - **Vote type**: approval → `approval`, cumulative → `cumulative`,
//!   scoring → `scoring`, ranking → `ordinal` (choices ordered by rank, 1
//!   first; the ranks themselves are not passed on).
//! - **Voters** are named by their credential key in hex, in the order given
//!   ([`election_for`]; no rule reads the names, so [`tally_process`]
//!   counts the same voters unnamed).
//! - **Districts**: when no district has a budget of its own, the process is
//!   one election with the whole budget over every project and ballot.
//!   When at least one district has its own budget, each district is a
//!   separate election over the projects of that district and the ballots
//!   cast in it, with the district's budget ([`ProcessDef::budget_for`]: its
//!   own, or the process budget for a district without one, the same cap
//!   ballot validation uses). Districts are counted in id order, and a
//!   district without projects is skipped.
//! - **Totals** per project are the approvals, the points, or the Borda
//!   scores (`n − position − 1` on a ranking of `n`), as
//!   [`crate::tally::satisfaction::weight_totals`] counts them; every
//!   proposal passed in has a total (possibly 0), sorted by proposal id.
//! - **Selected** projects are listed in the order the rule selected them,
//!   district after district.

use crate::election::{Election, Money as Amount, Project, VoteType, Voter};
use crate::objects::{Ballot, BallotFormat, Choice, ProcessDef, ProjectTotal, ProposalId};
use crate::tally::{self, Rule, TallyError, TieBreak};
use num_bigint::BigInt;
use std::collections::BTreeMap;

/// A proposal on the ballot, as the count needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BallotProject {
    /// The proposal id.
    pub id: ProposalId,
    /// Its cost in minor units of the process currency.
    pub cost: u64,
    /// Its district (a district id of the process).
    pub district: String,
}

/// One election to run: a district's, or the whole process's.
#[derive(Debug, Clone, PartialEq)]
pub struct DistrictElection {
    /// The district counted, or `None` for the whole process.
    pub district: Option<String>,
    /// The election in the tally engine's model.
    pub election: Election,
    /// The proposal id of each project, parallel to `election.projects`.
    pub project_ids: Vec<ProposalId>,
}

/// What a count produces: the content of a signed [`crate::objects::Tally`]
/// apart from the process, checkpoint and rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TallyContent {
    /// How many ballots were counted.
    pub ballots_counted: u64,
    /// Totals per project, sorted by proposal id.
    pub totals: Vec<ProjectTotal>,
    /// Selected projects in selection order (district after district).
    pub selected: Vec<ProposalId>,
}

/// Why a process could not be counted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecountError {
    /// The process names a rule the tally engine does not know.
    #[error("unknown tally rule `{0}`")]
    UnknownRule(String),
    /// The process names a version of its rule other than the one implemented.
    #[error("rule {rule} version {wanted} is not implemented (this is version {implemented})")]
    RuleVersion {
        /// The rule.
        rule: String,
        /// The version the process names.
        wanted: String,
        /// The version the tally engine implements.
        implemented: &'static str,
    },
    /// A proposal id is passed twice.
    #[error("proposal {0} is listed twice")]
    DuplicateProject(ProposalId),
    /// A proposal's district is not a district of the process.
    #[error("proposal {project} is in unknown district `{district}`")]
    ProjectDistrictUnknown {
        /// The proposal.
        project: ProposalId,
        /// Its district.
        district: String,
    },
    /// A ballot's district is not a district of the process.
    #[error("a ballot of voter {voter} is for unknown district `{district}`")]
    BallotDistrictUnknown {
        /// The voter key (hex).
        voter: String,
        /// The ballot's district.
        district: String,
    },
    /// A ballot names a project that is not among the proposals counted
    /// (in a per-district count: not among its district's proposals).
    #[error("a ballot of voter {voter} names project {project}, which is not on its ballot")]
    ProjectNotCounted {
        /// The voter key (hex).
        voter: String,
        /// The project.
        project: ProposalId,
    },
    /// A total does not fit in 64 bits.
    #[error("the total of project {0} overflows")]
    TotalOverflow(ProposalId),
    /// The tally engine refused the election.
    #[error("tally: {0}")]
    Tally(#[from] TallyError),
}

/// The tally rule a process names, checked against the implemented version.
pub fn rule_of(process: &ProcessDef) -> Result<Rule, RecountError> {
    let rule = Rule::parse(&process.rule.name)
        .ok_or(RecountError::UnknownRule(process.rule.name.clone()))?;
    if process.rule.version != rule.version() {
        return Err(RecountError::RuleVersion {
            rule: process.rule.name.clone(),
            wanted: process.rule.version.clone(),
            implemented: rule.version(),
        });
    }
    Ok(rule)
}

/// The Pabulib vote type of a ballot format.
pub fn vote_type_of(format: &BallotFormat) -> VoteType {
    match format {
        BallotFormat::Approval { .. } => VoteType::Approval,
        BallotFormat::Cumulative { .. } => VoteType::Cumulative,
        BallotFormat::Scoring { .. } => VoteType::Scoring,
        BallotFormat::Ranking { .. } => VoteType::Ordinal,
    }
}

/// True when the process is counted district by district (some district
/// has a budget of its own).
pub fn counted_by_district(process: &ProcessDef) -> bool {
    process.districts.iter().any(|d| d.budget.is_some())
}

/// The elections a process is counted as (see the module docs): one per
/// district with projects, or one for the whole process.
pub fn election_for(
    process: &ProcessDef,
    proposals: &[BallotProject],
    ballots: &[Ballot],
) -> Result<Vec<DistrictElection>, RecountError> {
    elections(process, proposals, ballots.iter(), Names::Hex)
}

/// How the voters of a built election are named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Names {
    /// By their key in hex (the Pabulib export shows them).
    Hex,
    /// Not at all (empty ids): for the count alone, as no rule reads a
    /// voter's name, and a recount of a million ballots would otherwise
    /// format a million keys (twice, in a regional recount).
    Anonymous,
}

/// [`election_for`] over the ballots `ballots` yields (it is walked more
/// than once), with the voters named as `names` says.
fn elections<'a>(
    process: &ProcessDef,
    proposals: &[BallotProject],
    ballots: impl Iterator<Item = &'a Ballot> + Clone,
    names: Names,
) -> Result<Vec<DistrictElection>, RecountError> {
    let mut sorted: Vec<&BallotProject> = proposals.iter().collect();
    sorted.sort_by_key(|p| p.id);
    if let Some(pair) = sorted.windows(2).find(|w| w[0].id == w[1].id) {
        return Err(RecountError::DuplicateProject(pair[0].id));
    }
    if let Some(p) = sorted
        .iter()
        .find(|p| process.district(&p.district).is_none())
    {
        return Err(RecountError::ProjectDistrictUnknown {
            project: p.id,
            district: p.district.clone(),
        });
    }
    if let Some(b) = ballots
        .clone()
        .find(|b| process.district(&b.district).is_none())
    {
        return Err(RecountError::BallotDistrictUnknown {
            voter: b.voter.to_string(),
            district: b.district.clone(),
        });
    }
    let vote_type = vote_type_of(&process.ballot_format);
    if !counted_by_district(process) {
        let election = build(
            vote_type,
            process.budget.minor_units,
            &sorted,
            ballots,
            names,
        )?;
        return Ok(vec![DistrictElection {
            district: None,
            project_ids: sorted.iter().map(|p| p.id).collect(),
            election,
        }]);
    }
    let mut elections = Vec::new();
    for district in &process.districts {
        let projects: Vec<&BallotProject> = sorted
            .iter()
            .copied()
            .filter(|p| p.district == district.id)
            .collect();
        if projects.is_empty() {
            continue;
        }
        let in_district = ballots.clone().filter(|b| b.district == district.id);
        let election = build(
            vote_type,
            process.budget_for(&district.id),
            &projects,
            in_district,
            names,
        )?;
        elections.push(DistrictElection {
            district: Some(district.id.clone()),
            project_ids: projects.iter().map(|p| p.id).collect(),
            election,
        });
    }
    Ok(elections)
}

fn amount(minor_units: u64) -> Amount {
    Amount::from_integer(BigInt::from(minor_units))
}

/// One election over `projects` (sorted by id) and `ballots`.
fn build<'a>(
    vote_type: VoteType,
    budget: u64,
    projects: &[&BallotProject],
    ballots: impl Iterator<Item = &'a Ballot>,
    names: Names,
) -> Result<Election, RecountError> {
    let index: BTreeMap<ProposalId, u32> = projects
        .iter()
        .zip(0u32..)
        .map(|(p, i)| (p.id, i))
        .collect();
    let mut voters = Vec::with_capacity(ballots.size_hint().0);
    for ballot in ballots {
        voters.push(voter_of(vote_type, ballot, &index, names)?);
    }
    Ok(Election {
        meta: vec![
            ("budget".into(), budget.to_string()),
            ("vote_type".into(), vote_type.as_str().into()),
        ],
        vote_type,
        budget: amount(budget),
        projects: projects
            .iter()
            .map(|p| Project {
                id: p.id.to_string(),
                cost: amount(p.cost),
                extra: Vec::new(),
            })
            .collect(),
        project_columns: Vec::new(),
        voters,
        vote_columns: Vec::new(),
    })
}

fn voter_of(
    vote_type: VoteType,
    ballot: &Ballot,
    index: &BTreeMap<ProposalId, u32>,
    names: Names,
) -> Result<Voter, RecountError> {
    let mut choices: Vec<&Choice> = ballot.choices.iter().collect();
    if vote_type == VoteType::Ordinal {
        // Ballot order for an ordinal ballot is rank order (1 = most preferred).
        choices.sort_by_key(|c| c.points);
    }
    let mut indices = Vec::with_capacity(choices.len());
    for choice in &choices {
        let i = index
            .get(&choice.project)
            .ok_or_else(|| RecountError::ProjectNotCounted {
                voter: ballot.voter.to_string(),
                project: choice.project,
            })?;
        indices.push(*i);
    }
    let points = if vote_type.has_points() {
        choices.iter().map(|c| i64::from(c.points)).collect()
    } else {
        Vec::new()
    };
    let id = match names {
        Names::Hex => ballot.voter.to_string(),
        Names::Anonymous => String::new(),
    };
    Ok(Voter {
        id,
        choices: indices,
        points,
        extra: Vec::new(),
    })
}

/// Counts a process: builds its elections ([`election_for`]), runs its rule
/// with the default tie-break, and returns the totals, the selected
/// projects and the number of ballots counted.
///
/// `proposals` are the proposals on the ballot (status accepted or later
/// when the log reaches the close); `ballots` are the counted ballots only
/// (the last one per credential), in the log order of their commitments.
/// The rules do not depend on the ballot order, but the verifier
/// ([`super::verify_log`]) passes them in that order, so a node that does
/// the same builds the very same elections.
pub fn tally_process(
    process: &ProcessDef,
    proposals: &[BallotProject],
    ballots: &[Ballot],
) -> Result<TallyContent, RecountError> {
    tally_ballots(process, proposals, ballots.iter())
}

/// [`tally_process`] over the ballots `ballots` yields, in that order: a
/// regional count goes over its members' ballots where they are, without
/// moving a million of them into one list.
pub(crate) fn tally_ballots<'a>(
    process: &ProcessDef,
    proposals: &[BallotProject],
    ballots: impl Iterator<Item = &'a Ballot> + Clone,
) -> Result<TallyContent, RecountError> {
    let rule = rule_of(process)?;
    let counted = ballots.clone().count();
    let elections = elections(process, proposals, ballots, Names::Anonymous)?;
    let mut totals = Vec::new();
    let mut selected = Vec::new();
    for district in &elections {
        let weights = tally::satisfaction::weight_totals(&district.election);
        for (&project, weight) in district.project_ids.iter().zip(weights) {
            let total = u64::try_from(weight).map_err(|_| RecountError::TotalOverflow(project))?;
            totals.push(ProjectTotal { project, total });
        }
        let outcome = tally::tally(rule, &district.election, TieBreak::default())?;
        selected.extend(
            outcome
                .selected
                .iter()
                .filter_map(|&i| district.project_ids.get(i).copied()),
        );
    }
    totals.sort_by_key(|t| t.project);
    Ok(TallyContent {
        ballots_counted: u64::try_from(counted).unwrap_or(u64::MAX),
        totals,
        selected,
    })
}
