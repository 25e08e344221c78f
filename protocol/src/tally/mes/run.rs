//! One run of the Method of Equal Shares at a fixed per-voter budget,
//! replicating pabutools 1.2.3 `method_of_equal_shares` (resolute) exactly.
//!
//! Exact and fast: every budget is an integer numerator over one common
//! denominator `D = d0 × scale`, so comparing budgets is comparing
//! integers, and summing them never reduces fractions. When a purchase's
//! price per satisfaction unit is not a whole number of `1/D` units, `D` is
//! multiplied by the missing factor and every budget with it. Rational
//! arithmetic whose denominators compound (as a naive implementation would
//! do) is what makes long runs slow.
//!
//! Like pabutools, a round only re-evaluates the projects whose previous
//! ratio could still beat the best one found so far: a project's ratio never
//! decreases during a run, since budgets only shrink.

use super::core::{Prepared, Purchase, RunOutcome};
use super::exact::Q;
use crate::tally::TieBreak;
use num_bigint::{BigInt, BigUint};
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Zero};
use std::cmp::Ordering;

/// A non-negative exact ratio `num / den`, not reduced; compared by
/// cross-multiplication.
#[derive(Debug, Clone)]
struct Ratio {
    num: BigUint,
    den: BigUint,
}

impl Ratio {
    fn cmp(&self, o: &Ratio) -> Ordering {
        (&self.num * &o.den).cmp(&(&o.num * &self.den))
    }

    fn to_q(&self) -> Q {
        Q::from_big(BigRational::new(
            BigInt::from(self.num.clone()),
            BigInt::from(self.den.clone()),
        ))
    }
}

/// The price per satisfaction unit found for a project: `rest / denom`
/// in units of `1/D`.
struct Price {
    rest: BigUint,
    denom: u128,
}

struct State<'a> {
    prep: &'a Prepared,
    /// Per group, budget × D.
    budget: Vec<BigUint>,
    /// D / d0.
    scale: BigUint,
    poor: Vec<usize>,
    rest_idx: Vec<usize>,
}

/// Runs MES with per-voter budget `budget / ballots + k`. `record` keeps
/// the payments for the explanation.
pub(crate) fn run(prep: &Prepared, k: u128, tie: TieBreak, record: bool) -> RunOutcome {
    let start = &prep.base_scaled + &prep.d0 * BigUint::from(k);
    let mut st = State {
        prep,
        budget: vec![start; prep.weight.len()],
        scale: BigUint::one(),
        poor: Vec::new(),
        rest_idx: Vec::new(),
    };
    let mut selected: Vec<usize> = prep.free.clone();
    let mut purchases = Vec::new();
    // Lower bounds of each candidate's ratio: initially cost / total sat.
    let mut stale: Vec<Ratio> = (0..prep.cost.len())
        .map(|p| {
            st.ratio(
                p,
                &Price {
                    rest: prep.cost_scaled[p].clone(),
                    denom: prep.total_sat[p].max(1),
                },
            )
        })
        .collect();
    let mut remaining: Vec<usize> = prep.candidates.clone();
    loop {
        remaining.sort_by(|&a, &b| stale[a].cmp(&stale[b]));
        let mut best: Option<(usize, Ratio, Price)> = None;
        let mut dropped: Vec<usize> = Vec::new();
        for &p in &remaining {
            if let Some((_, best_rho, _)) = &best
                && stale[p].cmp(best_rho) == Ordering::Greater
            {
                break;
            }
            let Some(price) = st.unit_price(p) else {
                dropped.push(p);
                continue;
            };
            let rho = st.ratio(p, &price);
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
                best = Some((p, rho, price));
            }
        }
        if !dropped.is_empty() {
            remaining.retain(|p| !dropped.contains(p));
        }
        let Some((winner, rho, price)) = best else {
            break;
        };
        remaining.retain(|&p| p != winner);
        selected.push(winner);
        let paid = st.pay(winner, price, record);
        if let Some((unit_price, payments)) = paid {
            purchases.push(Purchase {
                project: winner,
                rho: rho.to_q(),
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

impl State<'_> {
    /// `D`, the current common denominator.
    fn denominator(&self) -> BigUint {
        &self.prep.d0 * &self.scale
    }

    /// The ratio pabutools compares (its "affordability"): price per unit
    /// of satisfaction. With `Cost_Sat` a unit here is the whole cost, so
    /// the ratio is the per-voter price divided by the cost.
    fn ratio(&self, p: usize, price: &Price) -> Ratio {
        let den = if self.prep.cost_sat {
            // rest / (denom × D) / (cost_scaled / d0) = rest / (denom × scale × cost_scaled)
            &self.scale * &self.prep.cost_scaled[p] * BigUint::from(price.denom)
        } else {
            self.denominator() * BigUint::from(price.denom)
        };
        Ratio {
            num: price.rest.clone(),
            den,
        }
    }

    /// The smallest price per satisfaction unit at which the supporters of
    /// `p` can pay its cost, each paying `min(budget, price × units)`, or
    /// `None` if their budgets together fall short (pabutools then drops the
    /// project for the rest of the run).
    ///
    /// Same walk as pabutools: supporters by increasing budget per unit;
    /// those who cannot pay the equal share pay everything they have. Only
    /// the supporters below the equal share of the whole group need sorting
    /// first, since they come first in that order.
    fn unit_price(&mut self, p: usize) -> Option<Price> {
        let prep = self.prep;
        let sup = &prep.supporters[p];
        let total = prep.total_sat[p];
        let cost_d = &prep.cost_scaled[p] * &self.scale;
        let budget = &self.budget;
        // budget / s < cost / total  <=>  budget * total < cost * s
        let mut thresholds: Vec<(u128, BigUint)> = Vec::new();
        self.poor.clear();
        self.rest_idx.clear();
        for (k, &(g, s)) in sup.iter().enumerate() {
            let thr = match thresholds.iter().find(|(ts, _)| *ts == s) {
                Some((_, t)) => t,
                None => {
                    // smallest budget that is not below the equal share
                    let t = (&cost_d * BigUint::from(s)).div_ceil(&BigUint::from(total));
                    thresholds.push((s, t));
                    &thresholds[thresholds.len() - 1].1
                }
            };
            if budget[g as usize] < *thr {
                self.poor.push(k);
            } else {
                self.rest_idx.push(k);
            }
        }
        if self.poor.is_empty() {
            return Some(Price {
                rest: cost_d,
                denom: total,
            });
        }
        let by_budget_per_unit = |a: &usize, b: &usize| {
            let (ga, sa) = sup[*a];
            let (gb, sb) = sup[*b];
            if sa == sb {
                budget[ga as usize].cmp(&budget[gb as usize])
            } else {
                (&budget[ga as usize] * BigUint::from(sb))
                    .cmp(&(&budget[gb as usize] * BigUint::from(sa)))
            }
        };
        self.poor.sort_by(by_budget_per_unit);
        let mut paid = BigUint::zero();
        let mut denom = total;
        for &k in self.poor.iter() {
            let (g, s) = sup[k];
            let b = &budget[g as usize];
            if let Some(price) = try_price(&cost_d, &paid, denom, b, s) {
                return Some(price);
            }
            paid += b * BigUint::from(prep.weight[g as usize]);
            denom -= prep.weight[g as usize] * s;
        }
        // Everyone below the equal share pays all they have; walk the others.
        self.rest_idx.sort_by(by_budget_per_unit);
        for &k in self.rest_idx.iter() {
            let (g, s) = sup[k];
            let b = &budget[g as usize];
            if let Some(price) = try_price(&cost_d, &paid, denom, b, s) {
                return Some(price);
            }
            paid += b * BigUint::from(prep.weight[g as usize]);
            denom -= prep.weight[g as usize] * s;
        }
        None
    }

    /// Charges the supporters of `winner` at `price`; returns the unit price
    /// and the payments (as money) when `record` is set.
    fn pay(&mut self, winner: usize, price: Price, record: bool) -> Option<(Q, Vec<(u32, Q)>)> {
        // Make the unit price a whole number of 1/D units: D *= denom / g.
        let denom = BigUint::from(price.denom);
        let g = price.rest.gcd(&denom);
        let factor = &denom / &g;
        let unit = &price.rest / &g;
        if !factor.is_one() {
            self.scale *= &factor;
            for b in self.budget.iter_mut() {
                if !b.is_zero() {
                    *b *= &factor;
                }
            }
        }
        let d = record.then(|| BigInt::from(self.denominator()));
        let mut payments = Vec::new();
        for &(grp, s) in &self.prep.supporters[winner] {
            let b = &mut self.budget[grp as usize];
            let due = &unit * BigUint::from(s);
            let paid = if due >= *b {
                std::mem::take(b)
            } else {
                *b -= &due;
                due
            };
            if let Some(d) = &d {
                payments.push((
                    grp,
                    Q::from_big(BigRational::new(BigInt::from(paid), d.clone())),
                ));
            }
        }
        d.map(|d| {
            (
                Q::from_big(BigRational::new(BigInt::from(unit), d)),
                payments,
            )
        })
    }
}

/// pabutools' test for one supporter: with `paid` covered by poorer
/// supporters and `denom` units left, can a voter with budget `b` and `s`
/// units pay the equal price `(cost - paid) / denom` per unit? Returns that
/// price if so.
fn try_price(cost_d: &BigUint, paid: &BigUint, denom: u128, b: &BigUint, s: u128) -> Option<Price> {
    if denom == 0 {
        return None;
    }
    // paid < cost always holds here (poorer supporters paid less than their
    // share of the rest), so the subtraction cannot underflow.
    let rest = cost_d - paid;
    if &rest * BigUint::from(s) <= b * BigUint::from(denom) {
        Some(Price { rest, denom })
    } else {
        None
    }
}
