//! Checking a ballot against its process definition and accepted proposals.

use super::validation_error::BallotError;
use crate::objects::{
    Ballot, BallotFormat, Choice, ProcessDef, ProcessId, ProposalId, ProposalStatus,
};
use std::collections::{BTreeMap, BTreeSet};

/// What validation needs to know about a proposal of the process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectInfo {
    /// Cost in minor units.
    pub cost: u64,
    /// District id.
    pub district: String,
    /// Status when voting opened.
    pub status: ProposalStatus,
}

/// A process and its proposals: everything a ballot is checked against.
#[derive(Debug, Clone, Copy)]
pub struct BallotContext<'a> {
    /// The process id (hash of `process`).
    pub process_id: ProcessId,
    /// The process definition.
    pub process: &'a ProcessDef,
    /// Every proposal of the process, by id.
    pub projects: &'a BTreeMap<ProposalId, ProjectInfo>,
}

impl BallotContext<'_> {
    /// Checks `ballot` cast at `now` by a voter whose credential is for
    /// `credential_district`.
    pub fn validate_cast(
        &self,
        ballot: &Ballot,
        credential_district: &str,
        now: u64,
    ) -> Result<(), BallotError> {
        let schedule = &self.process.schedule;
        if !schedule.voting_open_at(now) {
            return Err(BallotError::VotingNotOpen {
                now,
                opens: schedule.voting,
                closes: schedule.closed,
            });
        }
        if ballot.district != credential_district {
            return Err(BallotError::WrongDistrict {
                ballot: ballot.district.clone(),
                credential: credential_district.to_string(),
            });
        }
        self.validate(ballot)
    }

    /// Checks `ballot`'s content: process, district, projects and format.
    pub fn validate(&self, ballot: &Ballot) -> Result<(), BallotError> {
        if ballot.process != self.process_id {
            return Err(BallotError::WrongProcess {
                expected: self.process_id,
                found: ballot.process,
            });
        }
        if self.process.district(&ballot.district).is_none() {
            return Err(BallotError::UnknownDistrict {
                district: ballot.district.clone(),
            });
        }
        check_order(&ballot.choices)?;
        let mut cost: u128 = 0;
        for choice in &ballot.choices {
            cost += u128::from(self.check_project(choice.project, &ballot.district)?);
        }
        let found = ballot.choices.len();
        match self.process.ballot_format {
            BallotFormat::Approval {
                min,
                max,
                budget_cap,
            } => {
                check_count(found, min, max)?;
                if let Some(c) = ballot.choices.iter().find(|c| c.points != 1) {
                    return Err(BallotError::ApprovalPointsNotOne {
                        project: c.project,
                        points: c.points,
                    });
                }
                let cap = self.process.budget_for(&ballot.district);
                if budget_cap && cost > u128::from(cap) {
                    return Err(BallotError::OverBudget { cost, cap });
                }
                Ok(())
            }
            BallotFormat::Cumulative {
                total_points,
                max_per_project,
            } => check_cumulative(&ballot.choices, total_points, max_per_project),
            BallotFormat::Scoring {
                min_score,
                max_score,
                max_projects,
            } => {
                check_count(found, 0, max_projects)?;
                match ballot
                    .choices
                    .iter()
                    .find(|c| c.points < min_score || c.points > max_score)
                {
                    Some(c) => Err(BallotError::ScoreOutOfRange {
                        project: c.project,
                        score: c.points,
                        min: min_score,
                        max: max_score,
                    }),
                    None => Ok(()),
                }
            }
            BallotFormat::Ranking { min, max } => {
                check_count(found, min, max)?;
                check_ranks(&ballot.choices)
            }
        }
    }

    /// The project's cost, if it may be chosen on a ballot of `district`.
    fn check_project(&self, project: ProposalId, district: &str) -> Result<u64, BallotError> {
        let info = self
            .projects
            .get(&project)
            .ok_or(BallotError::UnknownProject { project })?;
        if !info.status.is_on_ballot() {
            return Err(BallotError::ProjectNotOnBallot {
                project,
                status: info.status,
            });
        }
        if info.district != district {
            return Err(BallotError::ProjectInOtherDistrict {
                project,
                project_district: info.district.clone(),
                ballot_district: district.to_string(),
            });
        }
        Ok(info.cost)
    }
}

/// Choices must be strictly ascending by project id: a repeat is reported
/// as a duplicate, any other disorder as unsorted.
fn check_order(choices: &[Choice]) -> Result<(), BallotError> {
    let mut seen = BTreeSet::new();
    for choice in choices {
        if !seen.insert(choice.project) {
            return Err(BallotError::DuplicateChoice {
                project: choice.project,
            });
        }
    }
    if choices.windows(2).any(|w| w[0].project >= w[1].project) {
        return Err(BallotError::ChoicesNotSorted);
    }
    Ok(())
}

fn check_count(found: usize, min: u32, max: u32) -> Result<(), BallotError> {
    let count = u64::try_from(found).unwrap_or(u64::MAX);
    if count < u64::from(min) {
        return Err(BallotError::TooFewChoices { min, found });
    }
    if count > u64::from(max) {
        return Err(BallotError::TooManyChoices { max, found });
    }
    Ok(())
}

fn check_cumulative(choices: &[Choice], total: u32, per_project: u32) -> Result<(), BallotError> {
    let mut given: u64 = 0;
    for c in choices {
        if c.points == 0 {
            return Err(BallotError::ZeroPoints { project: c.project });
        }
        if c.points > per_project {
            return Err(BallotError::PointsOverPerProject {
                project: c.project,
                points: c.points,
                max: per_project,
            });
        }
        given += u64::from(c.points);
    }
    if given > u64::from(total) {
        return Err(BallotError::PointsOverTotal { given, total });
    }
    Ok(())
}

/// Ranks must be exactly `1..=n` for `n` choices.
fn check_ranks(choices: &[Choice]) -> Result<(), BallotError> {
    let mut ranks = BTreeSet::new();
    for c in choices {
        if !ranks.insert(c.points) {
            return Err(BallotError::DuplicateRank { rank: c.points });
        }
    }
    // n distinct ranks are 1..=n exactly when none of 1..=n is missing.
    match (1u32..)
        .take(choices.len())
        .find(|rank| !ranks.contains(rank))
    {
        Some(missing) => Err(BallotError::RankGap { missing }),
        None => Ok(()),
    }
}
