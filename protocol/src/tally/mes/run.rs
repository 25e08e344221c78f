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
use num_traits::{One, ToPrimitive, Zero};
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
        if let (Some(a), Some(b), Some(c), Some(d)) = (
            self.num.to_u64(),
            self.den.to_u64(),
            o.num.to_u64(),
            o.den.to_u64(),
        ) {
            return (u128::from(a) * u128::from(d)).cmp(&(u128::from(c) * u128::from(b)));
        }
        (&self.num * &o.den).cmp(&(&o.num * &self.den))
    }

    /// `floor(self × 2^64)`, saturated: a monotone integer key, so sorting
    /// by it orders ratios up to ties between equal keys.
    fn key(&self) -> u128 {
        ((&self.num << 64u32) / &self.den)
            .to_u128()
            .unwrap_or(u128::MAX)
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
    /// Scratch: supporters still able to pay, as indices into the list.
    able: Vec<usize>,
}

/// Runs MES with per-voter budget `budget / ballots + k`. `record` keeps
/// the payments for the explanation.
pub(crate) fn run(prep: &Prepared, k: u128, tie: TieBreak, record: bool) -> RunOutcome {
    let start = &prep.base_scaled + &prep.d0 * BigUint::from(k);
    let mut st = State {
        prep,
        budget: vec![start; prep.weight.len()],
        scale: BigUint::one(),
        able: Vec::new(),
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
    let mut key: Vec<u128> = stale.iter().map(Ratio::key).collect();
    let mut remaining: Vec<usize> = prep.candidates.clone();
    loop {
        // Cheapest-looking first. Keys are monotone in the stale ratios, so
        // once a project's stale ratio exceeds the best found, only projects
        // with the same key can still hold a smaller one.
        remaining.sort_unstable_by_key(|&p| key[p]);
        let mut best: Option<(usize, Ratio, Price)> = None;
        let mut dropped: Vec<usize> = Vec::new();
        let mut stop_key: Option<u128> = None;
        for &p in &remaining {
            if stop_key.is_some_and(|k| key[p] > k) {
                break;
            }
            if let Some((_, best_rho, _)) = &best
                && stale[p].cmp(best_rho) == Ordering::Greater
            {
                stop_key.get_or_insert(key[p]);
                continue;
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
            key[p] = rho.key();
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
    /// pabutools walks the supporters by increasing budget per unit; we
    /// reach the same price without sorting, by the fixed point of its
    /// `affordability_poor_rich`: start from the equal price
    /// `cost / units`; every supporter who cannot pay it pays everything
    /// they have, which raises the price for the others; repeat until
    /// everyone left can pay. A supporter who could not pay a price cannot
    /// pay a higher one either, so each round only removes supporters and
    /// the result is pabutools' price exactly.
    fn unit_price(&mut self, p: usize) -> Option<Price> {
        let prep = self.prep;
        let sup = &prep.supporters[p];
        let cost_d = &prep.cost_scaled[p] * &self.scale;
        let budget = &self.budget;
        let mut paid = BigUint::zero();
        let mut denom = prep.total_sat[p];
        let mut thresholds: Vec<(u128, BigUint)> = Vec::new();
        self.able.clear();
        self.able.extend(0..sup.len());
        loop {
            if denom == 0 || self.able.is_empty() {
                return None;
            }
            // paid < cost: whoever paid all they had paid less than the
            // price they could not afford, so less than the rest.
            let rest = &cost_d - &paid;
            // b / s < rest / denom  <=>  b < ceil(rest × s / denom)
            thresholds.clear();
            let before = self.able.len();
            let mut newly_paid = BigUint::zero();
            let mut newly_units: u128 = 0;
            self.able.retain(|&k| {
                let (g, s) = sup[k];
                let thr = match thresholds.iter().position(|(ts, _)| *ts == s) {
                    Some(i) => &thresholds[i].1,
                    None => {
                        let t = (&rest * BigUint::from(s)).div_ceil(&BigUint::from(denom));
                        thresholds.push((s, t));
                        &thresholds[thresholds.len() - 1].1
                    }
                };
                let b = &budget[g as usize];
                if b < thr {
                    let w = prep.weight[g as usize];
                    if w == 1 {
                        newly_paid += b;
                    } else {
                        newly_paid += b * BigUint::from(w);
                    }
                    newly_units += w * s;
                    false
                } else {
                    true
                }
            });
            if self.able.len() == before {
                return Some(Price { rest, denom });
            }
            paid += newly_paid;
            denom -= newly_units;
        }
    }

    /// Charges the supporters of `winner` at `price`; returns the unit price
    /// and the payments (as money) when `record` is set.
    fn pay(&mut self, winner: usize, price: Price, record: bool) -> Option<(Q, Vec<(u32, Q)>)> {
        // Make the unit price a whole number of 1/D units: D *= denom / g.
        // gcd(rest, denom) = gcd(rest mod denom, denom), all in u128.
        let rest_mod = (&price.rest % price.denom).to_u128().unwrap_or(0);
        let g = rest_mod.gcd(&price.denom);
        let factor = price.denom / g;
        let unit = &price.rest / g;
        if factor != 1 {
            self.scale *= factor;
            for b in self.budget.iter_mut() {
                if !b.is_zero() {
                    *b *= factor;
                }
            }
        }
        let d = record.then(|| BigInt::from(self.denominator()));
        let mut payments = Vec::new();
        // One due per distinct satisfaction (approval: one per purchase),
        // not a fresh product per supporter.
        let mut due: (u128, BigUint) = (0, BigUint::zero());
        for &(grp, s) in &self.prep.supporters[winner] {
            let b = &mut self.budget[grp as usize];
            if due.0 != s {
                due = (s, &unit * BigUint::from(s));
            }
            let paid = if due.1 >= *b {
                std::mem::take(b)
            } else {
                *b -= &due.1;
                if d.is_none() {
                    continue;
                }
                due.1.clone()
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
