//! Satisfaction measures, as pabutools defines them, for each vote type:
//! approval and choose-1 ballots use cost satisfaction (`Cost_Sat`: a voter
//! gets the cost of each selected project they approve), cumulative and
//! scoring ballots additive cardinal satisfaction (`Additive_Cardinal_Sat`:
//! the points they gave it), ordinal ballots additive Borda satisfaction
//! (`Additive_Borda_Sat`: `len(ballot) − position − 1`, so the last choice
//! counts nothing). All are additive over projects.

use crate::election::{Election, Money, VoteType, Voter};
use num_bigint::BigInt;

/// The satisfaction measure used for a vote type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Satisfaction {
    /// `Cost_Sat`: the cost of each selected approved project.
    Cost,
    /// `Additive_Cardinal_Sat`: the points given to each selected project.
    AdditiveCardinal,
    /// `Additive_Borda_Sat`: the Borda score of each selected ranked project.
    Borda,
}

impl Satisfaction {
    /// The measure pabutools' reference outcomes use for this vote type.
    pub fn for_vote_type(vote_type: VoteType) -> Satisfaction {
        match vote_type {
            VoteType::Approval | VoteType::ChooseOne => Satisfaction::Cost,
            VoteType::Cumulative | VoteType::Scoring => Satisfaction::AdditiveCardinal,
            VoteType::Ordinal => Satisfaction::Borda,
        }
    }

    /// The pabutools class name.
    pub fn pabutools_name(self) -> &'static str {
        match self {
            Satisfaction::Cost => "Cost_Sat",
            Satisfaction::AdditiveCardinal => "Additive_Cardinal_Sat",
            Satisfaction::Borda => "Additive_Borda_Sat",
        }
    }
}

/// The Borda score of the choice at `position` (0 = first) on a ballot of
/// `len` choices: `len − position − 1`.
pub fn borda_score(len: usize, position: usize) -> u64 {
    len.saturating_sub(position + 1) as u64
}

/// The integer weight of a voter's `k`-th choice before any cost factor:
/// 1 for approval (cost satisfaction multiplies it by the project's cost),
/// the points for cumulative and scoring, the Borda score for ordinal.
pub fn choice_weight(vote_type: VoteType, voter: &Voter, k: usize) -> i128 {
    match Satisfaction::for_vote_type(vote_type) {
        Satisfaction::Cost => 1,
        Satisfaction::AdditiveCardinal => voter.points.get(k).copied().map_or(0, i128::from),
        Satisfaction::Borda => i128::from(borda_score(voter.choices.len(), k)),
    }
}

/// The satisfaction a voter gets from their `k`-th choice being selected.
pub fn choice_utility(election: &Election, voter: &Voter, k: usize) -> Money {
    let weight = Money::from_integer(BigInt::from(choice_weight(election.vote_type, voter, k)));
    match Satisfaction::for_vote_type(election.vote_type) {
        Satisfaction::Cost => match voter.choices.get(k) {
            Some(&p) => weight * &election.projects[p as usize].cost,
            None => Money::from_integer(BigInt::from(0)),
        },
        _ => weight,
    }
}

/// Per project, the sum over ballots of [`choice_weight`]: the number of
/// approvals, the total points, or the total Borda score.
pub fn weight_totals(election: &Election) -> Vec<i128> {
    let mut totals = vec![0i128; election.projects.len()];
    for voter in &election.voters {
        for (k, &p) in voter.choices.iter().enumerate() {
            totals[p as usize] += choice_weight(election.vote_type, voter, k);
        }
    }
    totals
}

/// Per project, the number of ballots that name it (approve, give points or rank it).
pub fn supporter_counts(election: &Election) -> Vec<u64> {
    let mut counts = vec![0u64; election.projects.len()];
    for voter in &election.voters {
        for &p in &voter.choices {
            counts[p as usize] += 1;
        }
    }
    counts
}

/// Per project, the total satisfaction all voters get from it (pabutools
/// `total_satisfaction_project`).
pub fn project_satisfaction(election: &Election) -> Vec<Money> {
    let cost_factor = Satisfaction::for_vote_type(election.vote_type) == Satisfaction::Cost;
    weight_totals(election)
        .into_iter()
        .zip(&election.projects)
        .map(|(w, project)| {
            let w = Money::from_integer(BigInt::from(w));
            if cost_factor { w * &project.cost } else { w }
        })
        .collect()
}

/// The utilitarian welfare of a selection: the total satisfaction of all
/// voters (the `welfare` of `expected.json`).
pub fn welfare(election: &Election, selected: &[usize]) -> Money {
    let totals = project_satisfaction(election);
    selected
        .iter()
        .filter_map(|&p| totals.get(p))
        .fold(Money::from_integer(BigInt::from(0)), |acc, s| acc + s)
}

/// The exact total cost of a selection.
pub fn total_cost(election: &Election, selected: &[usize]) -> Money {
    selected
        .iter()
        .filter_map(|&p| election.projects.get(p))
        .fold(Money::from_integer(BigInt::from(0)), |acc, p| acc + &p.cost)
}
