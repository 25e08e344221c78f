//! The election prepared for MES: voters with identical ballots merged into
//! one weighted group (they always hold identical budgets), each project's
//! supporters as a list of group indices, and money scaled to integers.

use super::exact::Q;
use crate::election::{Election, VoteType};
use crate::tally::TallyError;
use num_bigint::{BigUint, Sign};
use num_integer::Integer;
use num_traits::One;
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
    /// Per project: the number of voters supporting it.
    pub supporter_weight: Vec<u128>,
    /// Per group: the projects its ballot supports (the transpose of
    /// `supporters`), to update per-project sums when a group pays.
    pub group_projects: Vec<Vec<u32>>,
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
    /// `d0`: a common denominator of every cost and of `budget / ballots`,
    /// so that money times `d0` is always an integer.
    pub d0: BigUint,
    /// Project costs times `d0`.
    pub cost_scaled: Vec<BigUint>,
    /// `budget / ballots` times `d0`.
    pub base_scaled: BigUint,
}

impl Prepared {
    /// Prepares `election` with its vote type's satisfaction: approval and
    /// choose-1 `Cost_Sat`, cumulative and scoring `Additive_Cardinal_Sat`
    /// (points), ordinal `Additive_Borda_Sat` (`len - position - 1`).
    pub(crate) fn new(election: &Election) -> Result<Prepared, TallyError> {
        // Same checks as every other rule (positive costs, known projects).
        crate::tally::validate(election)?;
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
        let supporter_weight: Vec<u128> = supporters
            .iter()
            .map(|sup| sup.iter().map(|&(g, _)| weight[g as usize]).sum())
            .collect();
        let group_projects: Vec<Vec<u32>> = ballots
            .iter()
            .map(|sats| sats.iter().map(|&(p, _)| p).collect())
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
        let num_ballots = election.voters.len() as u128;
        let base = Q::from_big(election.budget.clone()).div_int(num_ballots.max(1));
        let mut d0 = BigUint::one();
        for q in cost.iter().chain(std::iter::once(&base)) {
            d0 = d0.lcm(&unsigned(q.to_big().denom()));
        }
        let scale = |q: &Q| -> Result<BigUint, TallyError> {
            let b = q.to_big();
            if b.numer().sign() == Sign::Minus {
                return Err(TallyError::InvalidElection(
                    "negative cost or budget".into(),
                ));
            }
            Ok(unsigned(b.numer()) * (&d0 / unsigned(b.denom())))
        };
        let cost_scaled = cost.iter().map(scale).collect::<Result<Vec<_>, _>>()?;
        let base_scaled = scale(&base)?;
        Ok(Prepared {
            num_ballots,
            d0: d0.clone(),
            cost_scaled,
            base_scaled,
            budget: Q::from_big(election.budget.clone()),
            cost,
            ids: election.projects.iter().map(|p| p.id.clone()).collect(),
            weight,
            supporters,
            total_sat,
            supporter_weight,
            group_projects,
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

    /// The per-voter budget of run `k` (`budget / ballots + k`).
    pub(crate) fn per_voter(&self, k: u128) -> Q {
        self.base_per_voter().add(&Q::from_u128(k))
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

fn unsigned(i: &num_bigint::BigInt) -> BigUint {
    i.magnitude().clone()
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
