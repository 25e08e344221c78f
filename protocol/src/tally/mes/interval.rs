//! Proving that every per-voter budget in an interval gives the same MES
//! outcome, from the two ends alone.
//!
//! Fix the winners `W` of a run, in order, and evaluate "MES forced to buy
//! `W`" at a per-voter budget `t`: each winner at the price its supporters
//! would pay (the unique `u` with `Σ min(budget, u × sat) = cost`), each
//! supporter paying `min(budget, u × sat)`. By induction over the rounds,
//! more initial money means every budget is at least as large and every
//! winner's price at most as large: budgets rise with `t`, prices fall
//! (`u` falls when budgets rise; `budget − min(budget, u × sat)` rises when
//! the budget rises and `u` falls).
//!
//! So for `t0 ≤ t ≤ t1`, if the real run at `t` bought the first `r − 1`
//! winners of `W`, a remaining project `p` can beat or tie winner `w_r` only
//! if its supporters can pay it at `w_r`'s ratio; what they can pay at that
//! ratio is at most `Σ weight × min(budget at t1, w_r's ratio at t0 × sat)`
//! (budgets at most those at `t1`, ratio at most the one at `t0`). If that
//! is below `p`'s cost for every remaining `p`, `w_r` is the strict winner
//! at every such `t`; and if after the last round the budgets at `t1` cannot
//! pay for any remaining project, no `t` buys more. Then every run in
//! `[t0, t1]` buys exactly `W`. All of it is exact integer arithmetic.

use super::core::Prepared;
use num_bigint::BigUint;
use num_integer::Integer;
use num_traits::{One, Zero};

/// A winner's price per satisfaction unit in one forced evaluation, as the
/// money amount `num / (den × d0)`.
#[derive(Debug, Clone)]
pub(crate) struct Price {
    num: BigUint,
    den: BigUint,
}

/// The prices of the winners, round by round, at one per-voter budget.
pub(crate) type Prices = Vec<Price>;

/// Budgets of one forced evaluation, × `d0 × scale`.
struct Forced<'a> {
    prep: &'a Prepared,
    budget: Vec<BigUint>,
    scale: BigUint,
}

impl<'a> Forced<'a> {
    fn at(prep: &'a Prepared, k: u128) -> Forced<'a> {
        let start = &prep.base_scaled + &prep.d0 * BigUint::from(k);
        Forced {
            prep,
            budget: vec![start; prep.weight.len()],
            scale: BigUint::one(),
        }
    }

    /// Buys `w` at the price its supporters can pay; `None` if they cannot.
    fn buy(&mut self, w: usize) -> Option<Price> {
        let prep = self.prep;
        let sup = &prep.supporters[w];
        let cost = &prep.cost_scaled[w] * &self.scale;
        let mut poor = vec![false; sup.len()];
        let mut paid = BigUint::zero();
        let mut denom = prep.total_sat[w];
        let rest = loop {
            if denom == 0 || paid >= cost {
                return None;
            }
            let rest = &cost - &paid;
            let mut newly_paid = BigUint::zero();
            let mut newly_units = 0u128;
            for (i, &(g, s)) in sup.iter().enumerate() {
                let b = &self.budget[g as usize];
                if !poor[i] && b * denom < &rest * s {
                    poor[i] = true;
                    newly_paid += b * prep.weight[g as usize];
                    newly_units += prep.weight[g as usize] * s;
                }
            }
            if newly_units == 0 {
                break rest;
            }
            paid += newly_paid;
            denom -= newly_units;
        };
        let price = Price {
            num: rest.clone(),
            den: &self.scale * denom,
        };
        // Make the unit price a whole number of budget units.
        let g = rest.gcd(&BigUint::from(denom));
        let factor = BigUint::from(denom) / &g;
        let unit = &rest / &g;
        if !factor.is_one() {
            self.scale *= &factor;
            for b in self.budget.iter_mut().filter(|b| !b.is_zero()) {
                *b *= &factor;
            }
        }
        for (i, &(g, s)) in sup.iter().enumerate() {
            let b = &mut self.budget[g as usize];
            if poor[i] {
                *b = BigUint::zero();
            } else {
                *b -= &unit * s;
            }
        }
        Some(price)
    }

    /// Whether the supporters of `p` could pay its cost at the unit price
    /// `u × m_num / m_den` (money `u = price.num / (price.den × d0)`).
    fn could_pay(&self, p: usize, price: &Price, m_num: &BigUint, m_den: &BigUint) -> bool {
        let prep = self.prep;
        // Amounts in units of 1 / (d0 × scale × price.den × m_den).
        let cost = &prep.cost_scaled[p] * &self.scale * &price.den * m_den;
        let unit = &price.num * m_num;
        // Cheap: at most the full price for everyone.
        if &unit * prep.total_sat[p] * &self.scale < cost {
            return false;
        }
        let b_scale = &price.den * m_den;
        let unit_scaled = &unit * &self.scale;
        // A supporter pays its whole budget b when b × b_scale < unit_scaled
        // × s, i.e. b < ceil(unit_scaled × s / b_scale): one comparison
        // per supporter against a threshold computed once per distinct s.
        let mut thresholds: Vec<(u128, BigUint)> = Vec::new();
        let mut poor_sum = BigUint::zero();
        let mut rich_units: u128 = 0;
        for &(g, s) in &prep.supporters[p] {
            let b = &self.budget[g as usize];
            let w = prep.weight[g as usize];
            if b.is_zero() {
                continue;
            }
            let t = match thresholds.iter().position(|(ts, _)| *ts == s) {
                Some(i) => &thresholds[i].1,
                None => {
                    thresholds.push((s, (&unit_scaled * s).div_ceil(&b_scale)));
                    &thresholds[thresholds.len() - 1].1
                }
            };
            if b < t {
                if w == 1 {
                    poor_sum += b;
                } else {
                    poor_sum += b * w;
                }
            } else {
                rich_units += w * s;
            }
        }
        poor_sum * b_scale + unit_scaled * rich_units >= cost
    }

    fn total_budget(&self, p: usize) -> BigUint {
        let mut total = BigUint::zero();
        for &(g, _) in &self.prep.supporters[p] {
            total += &self.budget[g as usize] * self.prep.weight[g as usize];
        }
        total
    }
}

/// The winners' prices when MES is forced to buy `winners` in this order at
/// per-voter budget `budget / ballots + k`; `None` if some winner cannot be
/// paid.
pub(crate) fn prices_at(prep: &Prepared, k: u128, winners: &[usize]) -> Option<Prices> {
    let mut f = Forced::at(prep, k);
    winners.iter().map(|&w| f.buy(w)).collect()
}

/// If every run with per-voter budget between `budget / ballots + k0` and
/// `budget / ballots + k1` (`k0 ≤ k1`) provably buys exactly `winners` in
/// this order, the winners' prices at `k1`; `low` are their prices at `k0`.
pub(crate) fn certify(
    prep: &Prepared,
    low: &Prices,
    k1: u128,
    winners: &[usize],
) -> Option<Prices> {
    let mut high = Forced::at(prep, k1);
    let mut remaining = vec![false; prep.cost.len()];
    for &p in &prep.candidates {
        remaining[p] = true;
    }
    let one = BigUint::one();
    let mut prices = Vec::with_capacity(winners.len());
    for (&w, low_price) in winners.iter().zip(low) {
        remaining[w] = false;
        for p in (0..remaining.len()).filter(|&p| remaining[p]) {
            let beats = if prep.cost_sat {
                // Ratios are per unit of cost: p's unit price is w's
                // price × cost_p / cost_w.
                high.could_pay(p, low_price, &prep.cost_scaled[p], &prep.cost_scaled[w])
            } else {
                high.could_pay(p, low_price, &one, &one)
            };
            if beats {
                return None;
            }
        }
        prices.push(high.buy(w)?);
    }
    for p in (0..remaining.len()).filter(|&p| remaining[p]) {
        if high.total_budget(p) >= &prep.cost_scaled[p] * &high.scale {
            return None;
        }
    }
    Some(prices)
}

/// The last step `k ≥ k0` up to which every run provably buys `winners`
/// (the outcome of run `k0`), searched by doubling the stride while proofs
/// succeed, then halving it at each failure (a proof over a shorter
/// interval is easier); never past `cap`.
pub(crate) fn last_same(prep: &Prepared, k0: u128, winners: &[usize], cap: u128) -> u128 {
    let Some(mut low) = prices_at(prep, k0, winners) else {
        return k0;
    };
    let mut lo = k0;
    let mut stride: u128 = 1;
    let mut growing = true;
    while lo < cap {
        let hi = lo.saturating_add(stride).min(cap);
        match certify(prep, &low, hi, winners) {
            Some(prices) => {
                lo = hi;
                low = prices;
                if growing {
                    stride = stride.saturating_mul(2);
                }
            }
            None if stride == 1 => break,
            None => {
                stride /= 2;
                growing = false;
            }
        }
    }
    lo
}
