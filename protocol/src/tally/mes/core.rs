//! One run of the Method of Equal Shares at a fixed per-voter budget,
//! replicating pabutools 1.2.3 `method_of_equal_shares` (resolute) exactly.
//!
//! Speed comes from three things that do not change the outcome:
//! voters with identical ballots are merged into one weighted group (they
//! always hold identical budgets), each project keeps its supporters as a
//! list of group indices, and arithmetic runs on [`Q`] (an `i128` rational
//! with an exact big-number fallback). Like pabutools, a round only
//! re-evaluates the projects whose previous ratio could still beat the best
//! one found so far: a project's ratio never decreases during a run, since
//! budgets only shrink.

use super::exact::Q;
use crate::election::{Election, VoteType};
use crate::tally::{TallyError, TieBreak};
use std::cmp::Ordering;
use std::collections::HashMap;

/// The election, prepared once and reused by every run.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    /// Number of ballot lines (pabutools `num_ballots`).
    pub num_ballots: u128,
    /// The total budget.
    pub budget: Q,
    /// Project costs.
    pub cost: Vec<Q>,
    /// Project ids, for tie-breaking and explanations.
    pub ids: Vec<String>,
    /// Voters per group.
    pub weight: Vec<u128>,
    /// Per project: its supporters as (group, satisfaction units) pairs.
    pub supporters: Vec<Vec<(u32, u128)>>,
    /// Per project: sum of weight × satisfaction units over its supporters.
    pub total_sat: Vec<u128>,
    /// True for approval ballots: every supporter's satisfaction is the
    /// project's cost (`Cost_Sat`), stored as one unit, and the ratio that
    /// pabutools compares is the per-voter price divided by the cost.
    pub cost_sat: bool,
    /// True for ordinal ballots (Borda satisfaction).
    pub ordinal: bool,
    /// Supported projects with a positive cost: the ones MES can buy.
    pub candidates: Vec<usize>,
    /// Supported projects that cost nothing: pabutools selects them upfront.
    pub free: Vec<usize>,
}

impl Prepared {
    /// Prepares `election` with its vote type's satisfaction: approval and
    /// choose-1 `Cost_Sat`, cumulative and scoring `Additive_Cardinal_Sat`
    /// (points), ordinal `Additive_Borda_Sat` (`len - position - 1`).
    pub(crate) fn new(election: &Election) -> Result<Prepared, TallyError> {
        let n_projects = election.projects.len();
        let mut group_of: HashMap<Vec<(u32, u128)>, u32> = HashMap::new();
        let mut weight: Vec<u128> = Vec::new();
        let mut ballots: Vec<Vec<(u32, u128)>> = Vec::new();
        for voter in &election.voters {
            let sats = ballot_sats(election, voter)?;
            match group_of.get(&sats) {
                Some(&g) => weight[g as usize] += 1,
                None => {
                    let g = u32::try_from(weight.len()).map_err(|_| too_many())?;
                    group_of.insert(sats.clone(), g);
                    weight.push(1);
                    ballots.push(sats);
                }
            }
        }
        let mut supporters: Vec<Vec<(u32, u128)>> = vec![Vec::new(); n_projects];
        for (g, sats) in ballots.iter().enumerate() {
            for &(p, s) in sats {
                supporters[p as usize].push((g as u32, s));
            }
        }
        let total_sat: Vec<u128> = supporters
            .iter()
            .map(|sup| sup.iter().map(|&(g, s)| weight[g as usize] * s).sum())
            .collect();
        let cost: Vec<Q> = election
            .projects
            .iter()
            .map(|p| Q::from_big(p.cost.clone()))
            .collect();
        let cost_sat = election.vote_type.is_approval();
        let mut candidates = Vec::new();
        let mut free = Vec::new();
        for p in 0..n_projects {
            if total_sat[p] == 0 {
                continue;
            }
            let positive = cost[p] > Q::zero();
            if cost_sat && !positive {
                // Cost_Sat gives satisfaction = cost = 0: nobody "supports" it.
                continue;
            }
            if positive {
                candidates.push(p);
            } else {
                free.push(p);
            }
        }
        Ok(Prepared {
            num_ballots: election.voters.len() as u128,
            budget: Q::from_big(election.budget.clone()),
            cost,
            ids: election.projects.iter().map(|p| p.id.clone()).collect(),
            weight,
            supporters,
            total_sat,
            cost_sat,
            ordinal: election.vote_type == VoteType::Ordinal,
            candidates,
            free,
        })
    }

    /// The initial per-voter budget, `budget / number of ballot lines`.
    pub(crate) fn base_per_voter(&self) -> Q {
        self.budget.div_int(self.num_ballots.max(1))
    }

    /// Total cost of a set of projects.
    pub(crate) fn total_cost(&self, projects: &[usize]) -> Q {
        projects
            .iter()
            .fold(Q::zero(), |acc, &p| acc.add(&self.cost[p]))
    }

    /// Whether no project of `pool` outside `selected` fits in what the
    /// budget leaves (pabutools `Instance.is_exhaustive`).
    pub(crate) fn is_exhaustive(&self, selected: &[usize], pool: &[usize]) -> bool {
        let left = self.budget.sub(&self.total_cost(selected));
        pool.iter()
            .all(|p| selected.contains(p) || self.cost[*p] > left)
    }
}

fn too_many() -> TallyError {
    TallyError::InvalidElection("too many distinct ballots".into())
}

/// A ballot as sorted (project, satisfaction units) pairs with positive
/// satisfaction, which is also the key that groups identical ballots.
fn ballot_sats(
    election: &Election,
    voter: &crate::election::Voter,
) -> Result<Vec<(u32, u128)>, TallyError> {
    let len = voter.choices.len();
    let mut sats: Vec<(u32, u128)> = Vec::with_capacity(len);
    for (pos, &p) in voter.choices.iter().enumerate() {
        if p as usize >= election.projects.len() {
            return Err(TallyError::InvalidElection(format!(
                "voter {} chooses unknown project index {p}",
                voter.id
            )));
        }
        let s: u128 = match election.vote_type {
            VoteType::Approval | VoteType::ChooseOne => 1,
            VoteType::Cumulative | VoteType::Scoring => {
                let pts = voter.points.get(pos).ok_or_else(|| {
                    TallyError::InvalidElection(format!("voter {} lacks points", voter.id))
                })?;
                u128::try_from(*pts).unwrap_or(0)
            }
            VoteType::Ordinal => (len - pos - 1) as u128,
        };
        if s > 0 {
            sats.push((p, s));
        }
    }
    sats.sort_unstable();
    sats.dedup_by_key(|e| e.0);
    Ok(sats)
}

/// How one selected project was paid for.
#[derive(Debug, Clone)]
pub(crate) struct Purchase {
    /// The project.
    pub project: usize,
    /// The ratio pabutools minimises (price per unit of satisfaction).
    pub rho: Q,
    /// Price per satisfaction unit as the run stores it (for approval: the
    /// per-voter price).
    pub unit_price: Q,
    /// Per supporter group: (group, amount each of its voters paid).
    pub payments: Vec<(u32, Q)>,
}

/// The outcome of one run.
#[derive(Debug, Clone)]
pub(crate) struct RunOutcome {
    /// Selected projects in selection order (free projects first).
    pub selected: Vec<usize>,
    /// Per bought project, when requested.
    pub purchases: Vec<Purchase>,
}

/// Runs MES with `per_voter` initial budget. `record` keeps the payments
/// for the explanation.
pub(crate) fn run(prep: &Prepared, per_voter: &Q, tie: TieBreak, record: bool) -> RunOutcome {
    let mut budget: Vec<Q> = vec![per_voter.clone(); prep.weight.len()];
    let mut selected: Vec<usize> = prep.free.clone();
    let mut purchases = Vec::new();
    // Lower bounds of each candidate's ratio (its last evaluated value).
    let mut stale: Vec<Q> = vec![Q::zero(); prep.cost.len()];
    for &p in &prep.candidates {
        stale[p] = ratio_of(prep, p, &prep.cost[p].div_int(prep.total_sat[p]));
    }
    let mut remaining: Vec<usize> = prep.candidates.clone();
    let mut scratch: Vec<usize> = Vec::new();
    loop {
        remaining.sort_by(|&a, &b| stale[a].cmp(&stale[b]));
        let mut best: Option<(usize, Q, Q)> = None;
        let mut dropped: Vec<usize> = Vec::new();
        for &p in &remaining {
            if let Some((_, best_rho, _)) = &best
                && stale[p] > *best_rho
            {
                break;
            }
            let Some(unit_price) = unit_price(prep, p, &budget, &mut scratch) else {
                dropped.push(p);
                continue;
            };
            let rho = ratio_of(prep, p, &unit_price);
            let better = match &best {
                None => true,
                Some((b, best_rho, _)) => match rho.cmp(best_rho) {
                    Ordering::Less => true,
                    Ordering::Equal => tie.cmp_ids(&prep.ids[p], &prep.ids[*b]) == Ordering::Less,
                    Ordering::Greater => false,
                },
            };
            stale[p] = rho.clone();
            if better {
                best = Some((p, rho, unit_price));
            }
        }
        if !dropped.is_empty() {
            remaining.retain(|p| !dropped.contains(p));
        }
        let Some((winner, rho, unit_price)) = best else {
            break;
        };
        remaining.retain(|&p| p != winner);
        selected.push(winner);
        let mut payments = Vec::new();
        for &(g, s) in &prep.supporters[winner] {
            let b = &mut budget[g as usize];
            let due = unit_price.mul_int(s);
            let paid = if due >= *b {
                std::mem::replace(b, Q::zero())
            } else {
                let left = b.sub(&due);
                *b = left;
                due
            };
            if record {
                payments.push((g, paid));
            }
        }
        if record {
            purchases.push(Purchase {
                project: winner,
                rho,
                unit_price,
                payments,
            });
        }
    }
    RunOutcome {
        selected,
        purchases,
    }
}

/// The ratio pabutools compares between projects (its "affordability"):
/// price per unit of satisfaction. With `Cost_Sat` a unit here is the whole
/// cost, so divide by it.
fn ratio_of(prep: &Prepared, p: usize, unit_price: &Q) -> Q {
    if prep.cost_sat {
        unit_price.div(&prep.cost[p])
    } else {
        unit_price.clone()
    }
}

/// The smallest price per satisfaction unit at which the supporters of `p`
/// can pay its cost, each paying `min(budget, price × units)`, or `None` if
/// their budgets together fall short (pabutools drops the project then).
///
/// Same walk as pabutools: supporters by increasing budget per unit; those
/// who cannot pay the equal share pay everything they have. Only the
/// supporters below the equal share of the whole group need sorting, since
/// everyone at or above it pays in full at any larger price too.
fn unit_price(prep: &Prepared, p: usize, budget: &[Q], scratch: &mut Vec<usize>) -> Option<Q> {
    let sup = &prep.supporters[p];
    let cost = &prep.cost[p];
    let total = prep.total_sat[p];
    // Split the supporters at the equal share `cost / total`: those below it
    // (sorted) come first in pabutools' walk, everyone else after them.
    scratch.clear();
    let mut rest: Vec<usize> = Vec::new();
    for (k, &(g, s)) in sup.iter().enumerate() {
        // budget[g] / s < cost / total  <=>  budget[g] * total < cost * s
        if budget[g as usize].cmp_scaled(total, cost, s) == Ordering::Less {
            scratch.push(k);
        } else {
            rest.push(k);
        }
    }
    if scratch.is_empty() {
        return Some(cost.div_int(total));
    }
    let by_budget_per_unit = |a: &usize, b: &usize| {
        let (ga, sa) = sup[*a];
        let (gb, sb) = sup[*b];
        budget[ga as usize].cmp_scaled(sb, &budget[gb as usize], sa)
    };
    scratch.sort_by(by_budget_per_unit);
    let mut paid = Q::zero();
    let mut denom = total;
    for &k in scratch.iter() {
        let (g, s) = sup[k];
        if let Some(price) = try_price(cost, &paid, denom, &budget[g as usize], s) {
            return Some(price);
        }
        paid = paid.add(&budget[g as usize].mul_int(prep.weight[g as usize]));
        denom -= prep.weight[g as usize] * s;
    }
    // Everyone below the equal share pays all they have; walk the others.
    rest.sort_by(by_budget_per_unit);
    for k in rest {
        let (g, s) = sup[k];
        if let Some(price) = try_price(cost, &paid, denom, &budget[g as usize], s) {
            return Some(price);
        }
        paid = paid.add(&budget[g as usize].mul_int(prep.weight[g as usize]));
        denom -= prep.weight[g as usize] * s;
    }
    None
}

/// pabutools' test for one supporter: with `paid` covered by poorer
/// supporters and `denom` units left, is the equal price affordable for a
/// voter with `b` budget and `s` units? Returns that price if so.
fn try_price(cost: &Q, paid: &Q, denom: u128, b: &Q, s: u128) -> Option<Q> {
    if denom == 0 {
        return None;
    }
    let rest = cost.sub(paid);
    // rest / denom * s <= b  <=>  rest * s <= b * denom
    if rest.cmp_scaled(s, b, denom) != Ordering::Greater {
        Some(rest.div_int(denom))
    } else {
        None
    }
}
