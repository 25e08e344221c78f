//! Greedy rules: rank the projects once by a score, then go down the ranking
//! and fund each project that still fits in the remaining budget. A project
//! that does not fit is skipped, not a reason to stop, so cheaper projects
//! further down can still be funded.
//!
//! This is pabutools' `greedy_utilitarian_scheme_additive` (the code path
//! `greedy_utilitarian_welfare` takes for every additive satisfaction): the
//! projects are put in tie-breaking order, then stably sorted by decreasing
//! score, where the score is the total satisfaction divided by the cost, or 0
//! for a project nobody supports (so unsupported projects come last, in
//! tie-breaking order, and are still funded if they fit).

use super::exact::serialize_money;
use super::satisfaction::{Satisfaction, project_satisfaction, weight_totals};
use super::{Explanation, Outcome, Rule, TallyError, TieBreak, validate};
use crate::election::{Election, Money};
use num_bigint::BigInt;
use num_traits::{Signed, Zero};
use serde::Serialize;

/// Why a greedy rule funded what it funded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GreedyExplanation {
    /// What the score of each project is.
    pub score: &'static str,
    /// The total budget.
    #[serde(serialize_with = "serialize_money")]
    pub budget: Money,
    /// Every project, in the order the rule considered it (projects of an
    /// initial allocation first).
    pub projects: Vec<GreedyProject>,
}

/// One project's score and fate in a greedy run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GreedyProject {
    /// The project id.
    pub id: String,
    /// Its cost.
    #[serde(serialize_with = "serialize_money")]
    pub cost: Money,
    /// Its score (higher is considered first).
    #[serde(serialize_with = "serialize_money")]
    pub score: Money,
    /// What happened to it.
    #[serde(flatten)]
    pub decision: GreedyDecision,
}

/// What a greedy rule did with a project.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum GreedyDecision {
    /// It was part of the initial allocation the greedy run completed.
    Initial,
    /// Funded; the budget left afterwards.
    Selected {
        /// Budget remaining after funding it.
        #[serde(serialize_with = "serialize_money")]
        remaining_after: Money,
    },
    /// Not funded because its cost exceeded the budget remaining at its turn.
    DidNotFit {
        /// Budget remaining when it was considered (less than its cost).
        #[serde(serialize_with = "serialize_money")]
        remaining: Money,
    },
}

/// `greedy`: pabutools `greedy_utilitarian_welfare` with the vote type's
/// satisfaction. Approval ballots (cost satisfaction) rank projects by their
/// number of approvals; cumulative and scoring ballots by points per unit of
/// cost; ordinal ballots by Borda score per unit of cost.
pub fn greedy_utilitarian(election: &Election, tie: TieBreak) -> Result<Outcome, TallyError> {
    greedy_utilitarian_from(election, &[], tie)
}

/// `greedy` completing an initial allocation (pabutools
/// `greedy_utilitarian_welfare(..., initial_budget_allocation=initial)`): the
/// projects in `initial` stay selected, in that order, and the rest of the
/// budget is filled greedily. The outcome's rule is [`Rule::Greedy`]; a caller
/// that uses this as a completion step sets its own rule.
pub fn greedy_utilitarian_from(
    election: &Election,
    initial: &[usize],
    tie: TieBreak,
) -> Result<Outcome, TallyError> {
    validate(election)?;
    let satisfaction = project_satisfaction(election);
    let scores = election
        .projects
        .iter()
        .zip(satisfaction)
        .map(|(project, total)| {
            if total.is_positive() {
                total / &project.cost
            } else {
                Money::zero()
            }
        })
        .collect();
    let label = match Satisfaction::for_vote_type(election.vote_type) {
        Satisfaction::Cost => "approvals (cost satisfaction per unit of cost)",
        Satisfaction::AdditiveCardinal => "points per unit of cost",
        Satisfaction::Borda => "Borda score per unit of cost",
    };
    run(election, initial, scores, label, Rule::Greedy, tie)
}

/// `greedy_score`: rank projects by their total points, the way most cities
/// count cumulative and scoring ballots (not a pabutools built-in; the
/// reference computes it as greedy with satisfaction `points × cost`).
pub fn greedy_score(election: &Election, tie: TieBreak) -> Result<Outcome, TallyError> {
    validate(election)?;
    if !election.vote_type.has_points() {
        return Err(TallyError::RuleNotApplicable {
            rule: Rule::GreedyScore.name(),
            vote_type: election.vote_type.as_str(),
        });
    }
    let scores = weight_totals(election)
        .into_iter()
        .map(|points| Money::from_integer(BigInt::from(points.max(0))))
        .collect();
    run(
        election,
        &[],
        scores,
        "total points",
        Rule::GreedyScore,
        tie,
    )
}

/// The greedy pass shared by all greedy rules.
fn run(
    election: &Election,
    initial: &[usize],
    scores: Vec<Money>,
    label: &'static str,
    rule: Rule,
    tie: TieBreak,
) -> Result<Outcome, TallyError> {
    let n = election.projects.len();
    let mut in_initial = vec![false; n];
    for &p in initial {
        let slot = in_initial.get_mut(p).ok_or_else(|| {
            TallyError::InvalidElection(format!(
                "initial allocation names project index {p} of {n}"
            ))
        })?;
        if std::mem::replace(slot, true) {
            return Err(TallyError::InvalidElection(format!(
                "initial allocation names project {} twice",
                election.projects[p].id
            )));
        }
    }
    let mut order: Vec<usize> = (0..n).filter(|&p| !in_initial[p]).collect();
    order.sort_by(|&a, &b| tie.cmp_ids(&election.projects[a].id, &election.projects[b].id));
    // Stable: equal scores keep the tie-breaking order.
    order.sort_by(|&a, &b| scores[b].cmp(&scores[a]));

    let mut selected = initial.to_vec();
    let mut total_cost = Money::zero();
    let mut explained = Vec::with_capacity(n);
    for &p in initial {
        total_cost += &election.projects[p].cost;
        explained.push(entry(election, p, &scores, GreedyDecision::Initial));
    }
    let mut remaining = &election.budget - &total_cost;
    for p in order {
        let cost = &election.projects[p].cost;
        let decision = if *cost <= remaining {
            remaining -= cost;
            total_cost += cost;
            selected.push(p);
            GreedyDecision::Selected {
                remaining_after: remaining.clone(),
            }
        } else {
            GreedyDecision::DidNotFit {
                remaining: remaining.clone(),
            }
        };
        explained.push(entry(election, p, &scores, decision));
    }
    Ok(Outcome {
        rule,
        selected,
        total_cost,
        explanation: Explanation::Greedy(GreedyExplanation {
            score: label,
            budget: election.budget.clone(),
            projects: explained,
        }),
    })
}

fn entry(
    election: &Election,
    p: usize,
    scores: &[Money],
    decision: GreedyDecision,
) -> GreedyProject {
    GreedyProject {
        id: election.projects[p].id.clone(),
        cost: election.projects[p].cost.clone(),
        score: scores[p].clone(),
        decision,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tally::test_support::{funded_ids, pabulib_election};

    #[test]
    fn skips_what_does_not_fit_and_takes_unsupported_projects_last() {
        // a: 3 approvals, b: 2, c: 1, d: none. Budget 100: a (60) fits, b (50)
        // does not (40 left), c (30) does, then d (10) with no support fits.
        let e = pabulib_election(
            "approval",
            100,
            "a;60\nb;50\nc;30\nd;10\n",
            "1;a,b\n2;a,b\n3;a,c\n",
        );
        let o = greedy_utilitarian(&e, TieBreak::SmallestId).unwrap();
        assert_eq!(funded_ids(&e, &o), ["a", "c", "d"]);
        let Explanation::Greedy(x) = &o.explanation else {
            panic!()
        };
        assert_eq!(x.projects[1].id, "b");
        assert_eq!(
            x.projects[1].decision,
            GreedyDecision::DidNotFit {
                remaining: Money::from_integer(40.into())
            }
        );
        assert_eq!(x.projects[3].score, Money::zero());
    }

    #[test]
    fn ties_go_to_the_smallest_id_as_a_string() {
        // "10" and "9" have one approval each and the same cost; only one fits.
        let e = pabulib_election("approval", 50, "9;50\n10;50\n", "1;9\n2;10\n");
        let smallest = greedy_utilitarian(&e, TieBreak::SmallestId).unwrap();
        assert_eq!(funded_ids(&e, &smallest), ["10"]);
        let largest = greedy_utilitarian(&e, TieBreak::LargestId).unwrap();
        assert_eq!(funded_ids(&e, &largest), ["9"]);
    }

    #[test]
    fn cumulative_greedy_ranks_by_points_per_cost_and_greedy_score_by_points() {
        // a: 10 points for 100 (0.1 per unit), b: 6 points for 20 (0.3 per unit).
        let e = pabulib_election("cumulative", 100, "a;100\nb;20\n", "1;a,b;6,4\n2;a,b;4,2\n");
        assert_eq!(
            funded_ids(&e, &greedy_utilitarian(&e, TieBreak::SmallestId).unwrap()),
            ["b"]
        );
        assert_eq!(
            funded_ids(&e, &greedy_score(&e, TieBreak::SmallestId).unwrap()),
            ["a"]
        );
    }

    #[test]
    fn ordinal_greedy_uses_borda_where_the_last_choice_counts_nothing() {
        // Borda on 2-project ballots gives 1 and 0: x gets 1, y gets 0 + 0.
        let e = pabulib_election("ordinal", 10, "x;10\ny;10\n", "1;x,y\n2;y\n");
        let o = greedy_utilitarian(&e, TieBreak::LargestId).unwrap();
        assert_eq!(funded_ids(&e, &o), ["x"]);
    }
}
