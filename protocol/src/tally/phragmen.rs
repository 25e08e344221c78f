//! Sequential Phragmén for approval ballots, as pabutools 1.2.3
//! `sequential_phragmen` computes it.
//!
//! Every voter carries a load, initially 0. Funding project `p` would raise
//! the load of each of its approvers to `(sum of their loads + cost(p)) /
//! approvals(p)`; each round funds the project with the smallest such new
//! load and sets its approvers' loads to it. The rule stops at the first
//! round whose smallest-load projects include one that no longer fits in the
//! budget: it does not skip it. Projects costing more than the whole budget
//! are never considered. A project nobody approves has an infinite load, so
//! such projects come last (and stop the rule if one of them does not fit).

use super::exact::{serialize_money, serialize_money_option};
use super::satisfaction::supporter_counts;
use super::{Explanation, Outcome, Rule, TallyError, TieBreak, validate};
use crate::election::{Election, Money};
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Zero};
use serde::Serialize;
use std::cmp::Ordering;

/// Why sequential Phragmén funded what it funded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PhragmenExplanation {
    /// Funded projects in the order they were funded.
    pub rounds: Vec<PhragmenRound>,
    /// Why the rule stopped before every project was funded, if it did.
    pub stop: Option<PhragmenStop>,
    /// Projects never considered because they cost more than the whole budget.
    pub over_budget: Vec<String>,
}

/// One funded project.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PhragmenRound {
    /// The project id.
    pub id: String,
    /// Its cost.
    #[serde(serialize_with = "serialize_money")]
    pub cost: Money,
    /// Its number of approvals.
    pub approvals: u64,
    /// The load of each of its approvers once it was funded; `null` (infinite)
    /// for a project nobody approves.
    #[serde(serialize_with = "serialize_money_option")]
    pub load: Option<Money>,
}

/// The round at which the rule stopped.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PhragmenStop {
    /// A project with the smallest new load that does not fit.
    pub id: String,
    /// Its cost.
    #[serde(serialize_with = "serialize_money")]
    pub cost: Money,
    /// The budget left, which is less than that cost.
    #[serde(serialize_with = "serialize_money")]
    pub remaining: Money,
}

/// `phragmen`: sequential Phragmén, stopping at the first winner that does not fit.
pub fn sequential_phragmen(election: &Election, tie: TieBreak) -> Result<Outcome, TallyError> {
    validate(election)?;
    if !election.vote_type.is_approval() {
        return Err(TallyError::RuleNotApplicable {
            rule: Rule::Phragmen.name(),
            vote_type: election.vote_type.as_str(),
        });
    }
    let n = election.projects.len();
    let approvals = supporter_counts(election);
    let mut supporters: Vec<Vec<u32>> = vec![Vec::new(); n];
    for (v, voter) in election.voters.iter().enumerate() {
        for &p in &voter.choices {
            supporters[p as usize].push(v as u32);
        }
    }
    let (mut remaining_projects, over_budget): (Vec<usize>, Vec<usize>) =
        (0..n).partition(|&p| election.projects[p].cost <= election.budget);
    remaining_projects
        .sort_by(|&a, &b| tie.cmp_ids(&election.projects[a].id, &election.projects[b].id));

    let mut ledger = Ledger::new(election, &supporters);
    let mut spent = Money::zero();
    let mut rounds = Vec::new();
    let mut selected = Vec::new();
    let mut stop = None;

    while !remaining_projects.is_empty() {
        // The projects with the smallest new load, in tie-breaking order since
        // `remaining_projects` is kept in that order. Unapproved projects have
        // an infinite load: they only come up when nothing else is left.
        let mut tied: Vec<usize> = Vec::new();
        for &p in &remaining_projects {
            let order = match tied.first() {
                None => Ordering::Less,
                Some(&best) => ledger.cmp_new_load(p, best, &approvals),
            };
            match order {
                Ordering::Less => {
                    tied.clear();
                    tied.push(p);
                }
                Ordering::Equal => tied.push(p),
                Ordering::Greater => {}
            }
        }
        let Some(&winner) = tied.first() else { break };
        let remaining_budget = &election.budget - &spent;
        if let Some(&p) = tied
            .iter()
            .find(|&&p| election.projects[p].cost > remaining_budget)
        {
            stop = Some(PhragmenStop {
                id: election.projects[p].id.clone(),
                cost: election.projects[p].cost.clone(),
                remaining: remaining_budget,
            });
            break;
        }
        selected.push(winner);
        remaining_projects.retain(|&p| p != winner);
        spent += &election.projects[winner].cost;
        let load =
            (approvals[winner] > 0).then(|| ledger.fund(election, winner, approvals[winner]));
        rounds.push(PhragmenRound {
            id: election.projects[winner].id.clone(),
            cost: election.projects[winner].cost.clone(),
            approvals: approvals[winner],
            load,
        });
    }
    Ok(Outcome {
        rule: Rule::Phragmen,
        selected,
        total_cost: spent,
        explanation: Explanation::Phragmen(PhragmenExplanation {
            rounds,
            stop,
            over_budget: over_budget
                .iter()
                .map(|&p| election.projects[p].id.clone())
                .collect(),
        }),
    })
}

/// Voters' loads, exactly, without a rational reduction per operation.
///
/// Costs are scaled to integers (by `cost_scale`), and every load is an
/// integer numerator over one common denominator `denominator`, which grows
/// as rounds need it. Voters' loads take one value per round, so each voter
/// holds the index of its load value, and each project the sum of its
/// approvers' load numerators. Comparing two projects' new loads
/// `(sum + cost·D) / (approvals·D)` is then two integer products.
struct Ledger<'a> {
    supporters: &'a [Vec<u32>],
    cost_scale: BigInt,
    costs: Vec<BigInt>,
    denominator: BigInt,
    values: Vec<BigInt>,
    load_of_voter: Vec<u32>,
    sums: Vec<BigInt>,
    count: Vec<u64>,
}

impl<'a> Ledger<'a> {
    fn new(election: &Election, supporters: &'a [Vec<u32>]) -> Self {
        let cost_scale = election
            .projects
            .iter()
            .fold(BigInt::one(), |acc, p| acc.lcm(p.cost.denom()));
        let costs = election
            .projects
            .iter()
            .map(|p| (&p.cost * Money::from_integer(cost_scale.clone())).to_integer())
            .collect();
        Ledger {
            supporters,
            cost_scale,
            costs,
            denominator: BigInt::one(),
            values: vec![BigInt::zero()],
            load_of_voter: vec![0; election.voters.len()],
            sums: vec![BigInt::zero(); election.projects.len()],
            count: vec![0; election.projects.len()],
        }
    }

    /// The numerator of project `p`'s new load over `approvals[p] · denominator`.
    fn new_load_numerator(&self, p: usize) -> BigInt {
        &self.sums[p] + &self.costs[p] * &self.denominator
    }

    /// Compares the new loads of two projects (no approvals = infinite).
    fn cmp_new_load(&self, p: usize, q: usize, approvals: &[u64]) -> Ordering {
        match (approvals[p], approvals[q]) {
            (0, 0) => Ordering::Equal,
            (0, _) => Ordering::Greater,
            (_, 0) => Ordering::Less,
            (ap, aq) => (self.new_load_numerator(p) * BigInt::from(aq))
                .cmp(&(self.new_load_numerator(q) * BigInt::from(ap))),
        }
    }

    /// Funds `winner`: its approvers' loads become its new load, which is returned.
    fn fund(&mut self, election: &Election, winner: usize, approvals: u64) -> Money {
        let numerator = self.new_load_numerator(winner);
        let approvals = BigInt::from(approvals);
        let g = numerator.gcd(&approvals);
        let (numerator, factor) = (numerator / &g, approvals / &g);
        // The new load is numerator / (factor · D): move everything to the
        // denominator factor · D.
        if !factor.is_one() {
            self.denominator *= &factor;
            for v in self.values.iter_mut().chain(self.sums.iter_mut()) {
                *v *= &factor;
            }
        }
        let new_index = self.values.len() as u32;
        self.values.push(numerator.clone());
        let mut by_old: Vec<(u32, u32)> = self.supporters[winner]
            .iter()
            .map(|&v| (self.load_of_voter[v as usize], v))
            .collect();
        by_old.sort_unstable();
        let mut touched: Vec<usize> = Vec::new();
        // Group approvers by old load: the inner loop only counts, and each
        // project gets one exact update per old load value.
        for group in by_old.chunk_by(|a, b| a.0 == b.0) {
            let old = group[0].0;
            for &(_, v) in group {
                for &q in &election.voters[v as usize].choices {
                    let q = q as usize;
                    if self.count[q] == 0 {
                        touched.push(q);
                    }
                    self.count[q] += 1;
                }
                self.load_of_voter[v as usize] = new_index;
            }
            let delta = &numerator - &self.values[old as usize];
            for &q in &touched {
                self.sums[q] += &delta * BigInt::from(self.count[q]);
                self.count[q] = 0;
            }
            touched.clear();
        }
        Money::new(numerator, &self.denominator * &self.cost_scale)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tally::test_support::{funded_ids, pabulib_election};

    #[test]
    fn loads_are_shared_and_the_rule_stops_at_the_first_winner_that_does_not_fit() {
        // Hand-checked (and pabutools 1.2.3 agrees). Ballots v1 {a, e}, v2 {b},
        // v3 {d}, v4 {c, a}; budget 100.
        // Round 1 new loads: a 60/2 = 30, b 50, c 40, d 10, e 25: fund d (v3 → 10).
        // Round 2: a 30, b 50, c 40, e 25: fund e (v1 → 25).
        // Round 3: a (25 + 0 + 60)/2 = 85/2, b 50, c 40: fund c (v4 → 40); 75 spent.
        // Round 4: a (25 + 40 + 60)/2 = 125/2, b 50: b wins but costs 50 > 25 left: stop.
        let e = pabulib_election(
            "approval",
            100,
            "a;60\nb;50\nc;40\nd;10\ne;25\n",
            "v1;a,e\nv2;b\nv3;d\nv4;c,a\n",
        );
        let o = sequential_phragmen(&e, TieBreak::SmallestId).unwrap();
        assert_eq!(funded_ids(&e, &o), ["d", "e", "c"]);
        let Explanation::Phragmen(x) = &o.explanation else {
            panic!()
        };
        let q = |n: i64| Some(Money::from_integer(BigInt::from(n)));
        assert_eq!(
            x.rounds.iter().map(|r| r.load.clone()).collect::<Vec<_>>(),
            [q(10), q(25), q(40)]
        );
        let stop = x.stop.as_ref().unwrap();
        assert_eq!(
            (stop.id.as_str(), stop.remaining.clone()),
            ("b", Money::from_integer(BigInt::from(25)))
        );
    }

    #[test]
    fn a_tied_winner_that_does_not_fit_stops_the_rule_even_if_tie_breaking_prefers_one_that_fits() {
        // pabutools 1.2.3 stops when ANY of the projects tied on the smallest
        // load does not fit, before breaking the tie. Round 1: c (load 30).
        // Round 2: a (40 for v1) and b (80 for v2, v3) tie at load 40; a would
        // fit (70 left) and wins the tie, but b does not fit, so the rule stops
        // with {c}. We reproduce this (the "stop" variant of the definition:
        // at load 40 an unaffordable project becomes affordable).
        let e = pabulib_election(
            "approval",
            100,
            "a;40\nb;80\nc;30\n",
            "v1;a\nv2;b\nv3;b\nv4;c\n",
        );
        for tie in [TieBreak::SmallestId, TieBreak::LargestId] {
            let o = sequential_phragmen(&e, tie).unwrap();
            assert_eq!(funded_ids(&e, &o), ["c"]);
        }
    }

    #[test]
    fn projects_over_the_whole_budget_are_never_considered() {
        let e = pabulib_election(
            "approval",
            100,
            "big;150\nsmall;50\n",
            "v1;big\nv2;big\nv3;small\n",
        );
        let o = sequential_phragmen(&e, TieBreak::SmallestId).unwrap();
        assert_eq!(funded_ids(&e, &o), ["small"]);
        let Explanation::Phragmen(x) = &o.explanation else {
            panic!()
        };
        assert_eq!(x.over_budget, ["big"]);
        assert_eq!(x.stop, None);
    }
}
