//! Maximum utilitarian welfare: the selection within budget whose total
//! satisfaction (the vote type's satisfaction, see
//! [`satisfaction`](super::satisfaction)) is largest. This is a 0/1 knapsack,
//! solved exactly.
//!
//! Costs and satisfactions are scaled to integers (by the least common
//! multiple of their denominators) and the knapsack is solved by depth-first
//! branch and bound over the projects in decreasing satisfaction-per-cost
//! order, pruning with the linear-relaxation (Dantzig) bound. Since every
//! welfare is an integer after scaling, the bound can be rounded down and a
//! branch is pruned as soon as it cannot beat the best welfare found, so the
//! result is optimal. Several selections may share the optimal welfare; which
//! one is returned is deterministic (it depends on the tie-breaking order)
//! but not canonical, so compare welfare, not sets.

use super::exact::serialize_money;
use super::satisfaction::project_satisfaction;
use super::{Explanation, Outcome, Rule, TallyError, TieBreak, validate};
use crate::election::{Election, Money};
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive, Zero};
use serde::Serialize;
use std::cmp::Ordering;

/// Why these projects: the optimal welfare and each funded project's share of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MaxWelfareExplanation {
    /// The total satisfaction of the selection, which no affordable selection exceeds.
    #[serde(serialize_with = "serialize_money")]
    pub welfare: Money,
    /// Each funded project and the satisfaction it brings.
    pub projects: Vec<WelfareShare>,
    /// Search nodes the branch and bound visited (a measure of the work done).
    pub nodes: u64,
}

/// One funded project's satisfaction.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WelfareShare {
    /// The project id.
    pub id: String,
    /// Its cost.
    #[serde(serialize_with = "serialize_money")]
    pub cost: Money,
    /// The total satisfaction voters get from it.
    #[serde(serialize_with = "serialize_money")]
    pub satisfaction: Money,
}

/// `max_welfare`: an optimal selection for utilitarian welfare.
pub fn max_welfare(election: &Election, tie: TieBreak) -> Result<Outcome, TallyError> {
    validate(election)?;
    let satisfaction = project_satisfaction(election);
    // Candidates: projects that bring something and fit on their own.
    let mut candidates: Vec<usize> = (0..election.projects.len())
        .filter(|&p| satisfaction[p].is_positive() && election.projects[p].cost <= election.budget)
        .collect();
    candidates.sort_by(|&a, &b| tie.cmp_ids(&election.projects[a].id, &election.projects[b].id));

    let cost_scale = common_denominator(
        candidates
            .iter()
            .map(|&p| &election.projects[p].cost)
            .chain([&election.budget]),
    );
    let welfare_scale = common_denominator(candidates.iter().map(|&p| &satisfaction[p]));
    let to_int = |value: &Money, scale: &BigInt| -> Result<u128, TallyError> {
        (value * Money::from_integer(scale.clone()))
            .to_integer()
            .to_u128()
            .filter(|&v| v < 1 << 63)
            .ok_or_else(|| TallyError::InvalidElection("amounts too large for max_welfare".into()))
    };
    let mut items = Vec::with_capacity(candidates.len());
    for &p in &candidates {
        items.push(Item {
            project: p,
            cost: to_int(&election.projects[p].cost, &cost_scale)?,
            weight: to_int(&satisfaction[p], &welfare_scale)?,
        });
    }
    let capacity = to_int(&election.budget, &cost_scale)?;
    // Decreasing density; stable, so equal densities keep tie-breaking order.
    items.sort_by(|a, b| {
        (b.weight * a.cost)
            .cmp(&(a.weight * b.cost))
            .then(Ordering::Equal)
    });

    let mut search = Search::new(&items);
    search.dfs(0, capacity, 0);
    let mut selected: Vec<usize> = search
        .best_set
        .iter()
        .zip(&items)
        .filter(|(taken, _)| **taken)
        .map(|(_, item)| item.project)
        .collect();
    selected.sort_unstable();

    let mut total_cost = Money::zero();
    let mut welfare = Money::zero();
    let mut projects = Vec::with_capacity(selected.len());
    for &p in &selected {
        total_cost += &election.projects[p].cost;
        welfare += &satisfaction[p];
        projects.push(WelfareShare {
            id: election.projects[p].id.clone(),
            cost: election.projects[p].cost.clone(),
            satisfaction: satisfaction[p].clone(),
        });
    }
    Ok(Outcome {
        rule: Rule::MaxWelfare,
        selected,
        total_cost,
        explanation: Explanation::MaxWelfare(MaxWelfareExplanation {
            welfare,
            projects,
            nodes: search.nodes,
        }),
    })
}

/// The least common multiple of the denominators.
fn common_denominator<'a>(values: impl Iterator<Item = &'a Money>) -> BigInt {
    values.fold(BigInt::one(), |acc, v| acc.lcm(v.denom()))
}

struct Item {
    project: usize,
    cost: u128,
    weight: u128,
}

/// Depth-first branch and bound over items sorted by decreasing density.
struct Search<'a> {
    items: &'a [Item],
    /// prefix_cost[i] = cost of items[..i]; likewise prefix_weight.
    prefix_cost: Vec<u128>,
    prefix_weight: Vec<u128>,
    taken: Vec<bool>,
    best: u128,
    best_set: Vec<bool>,
    nodes: u64,
}

impl<'a> Search<'a> {
    fn new(items: &'a [Item]) -> Self {
        let mut prefix_cost = vec![0u128];
        let mut prefix_weight = vec![0u128];
        for item in items {
            prefix_cost.push(prefix_cost[prefix_cost.len() - 1] + item.cost);
            prefix_weight.push(prefix_weight[prefix_weight.len() - 1] + item.weight);
        }
        Search {
            items,
            prefix_cost,
            prefix_weight,
            taken: vec![false; items.len()],
            best: 0,
            best_set: vec![false; items.len()],
            nodes: 0,
        }
    }

    /// The linear-relaxation bound on what items[from..] can add within
    /// `capacity`, rounded down: whole items in density order while they fit,
    /// then the fitting fraction of the next one.
    fn bound(&self, from: usize, capacity: u128) -> u128 {
        let base = self.prefix_cost[from];
        // First index `end` with prefix_cost[end] - base > capacity.
        let end = self.prefix_cost[from..].partition_point(|&c| c - base <= capacity) + from;
        let whole = end - 1; // items[from..whole] fit entirely
        let mut value = self.prefix_weight[whole] - self.prefix_weight[from];
        if whole < self.items.len() {
            let left = capacity - (self.prefix_cost[whole] - base);
            let item = &self.items[whole];
            value += item.weight * left / item.cost;
        }
        value
    }

    fn dfs(&mut self, i: usize, capacity: u128, value: u128) {
        self.nodes += 1;
        if value > self.best {
            self.best = value;
            self.best_set.copy_from_slice(&self.taken);
        }
        if i == self.items.len() || value + self.bound(i, capacity) <= self.best {
            return;
        }
        let item = &self.items[i];
        if item.cost <= capacity {
            self.taken[i] = true;
            self.dfs(i + 1, capacity - item.cost, value + item.weight);
            self.taken[i] = false;
        }
        self.dfs(i + 1, capacity, value);
    }
}
