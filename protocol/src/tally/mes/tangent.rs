//! A tight bound on what a project's supporters can pay at the winner's
//! ratio over a whole interval of per-voter budgets, when MES forced to buy
//! the same winners keeps the same "poor" supporters (those paying all they
//! have) at both ends of the interval.
//!
//! Why it holds: a supporter poor at the high end is poor at every lower
//! budget (budgets rise and prices fall with the per-voter budget, see
//! `interval.rs`), so equal poor sets at both ends mean equal poor sets in
//! between. With fixed poor sets, each price is `(cost − what the poor
//! pay) / units of the others`, and each budget `start − payments`: all
//! affine in the per-voter budget `t`, by induction over the rounds. Then
//! what `p`'s supporters can pay at the winner's ratio, `R(t) = Σ weight ×
//! min(budget(t), price(t) × sat)`, is a sum of minima of affine functions:
//! concave and piecewise linear. A concave function lies below its tangent
//! at each end of the interval (right derivative at the low end, left
//! derivative at the high end), so its maximum over the interval is at most
//! where those two tangents cross. If that is below `p`'s cost, `p` cannot
//! beat or tie the winner anywhere in the interval. Exact integer
//! arithmetic throughout.

use num_bigint::{BigInt, BigUint};
use num_traits::{Signed, Zero};

/// One end of the interval, for one (round, project) pair: the supporters'
/// budgets and the unit price `p` would be charged at the winner's ratio,
/// as integers over one common unit (the caller scales both ends to it).
pub(crate) struct End<'a> {
    /// Per group, its budget (to be multiplied by `budget_mult`).
    pub budgets: &'a [BigUint],
    /// Multiplier bringing a budget to the common unit.
    pub budget_mult: BigUint,
    /// The price of one satisfaction unit in the common unit.
    pub unit_price: BigUint,
}

/// Whether `R(t) < cost` at every `t` of the interval, where `R` is what the
/// supporters (`(group, sat)` pairs, `weight` per group) can pay, `lo` and
/// `hi` are the interval's ends and `cost` is in the common unit. Sound only
/// under this module's premise (equal poor sets at both ends).
pub(crate) fn stays_below(
    supporters: &[(u32, u128)],
    weight: &[u128],
    lo: &End,
    hi: &End,
    cost: &BigUint,
) -> bool {
    let mut reach_lo = BigInt::zero();
    let mut reach_hi = BigInt::zero();
    // Slopes × interval length: differences between the ends of the piece
    // of each `min` active just after `lo` and just before `hi`.
    let mut slope_lo = BigInt::zero();
    let mut slope_hi = BigInt::zero();
    for &(g, s) in supporters {
        let (b0, b1) = (&lo.budgets[g as usize], &hi.budgets[g as usize]);
        if b0.is_zero() && b1.is_zero() {
            continue;
        }
        let w = BigInt::from(weight[g as usize]);
        let x0 = BigInt::from(b0 * &lo.budget_mult);
        let x1 = BigInt::from(b1 * &hi.budget_mult);
        let y0 = BigInt::from(&lo.unit_price * s);
        let y1 = BigInt::from(&hi.unit_price * s);
        let dx = &x1 - &x0;
        let dy = &y1 - &y0;
        let right = match x0.cmp(&y0) {
            std::cmp::Ordering::Less => &dx,
            std::cmp::Ordering::Greater => &dy,
            std::cmp::Ordering::Equal => {
                if dx <= dy {
                    &dx
                } else {
                    &dy
                }
            }
        };
        let left = match x1.cmp(&y1) {
            std::cmp::Ordering::Less => &dx,
            std::cmp::Ordering::Greater => &dy,
            std::cmp::Ordering::Equal => {
                if dx >= dy {
                    &dx
                } else {
                    &dy
                }
            }
        };
        slope_lo += &w * right;
        slope_hi += &w * left;
        reach_lo += &w * x0.min(y0);
        reach_hi += &w * x1.min(y1);
    }
    let cost = BigInt::from(cost.clone());
    if reach_lo >= cost || reach_hi >= cost {
        return false;
    }
    // Non-increasing from `lo` on, or non-decreasing up to `hi`: the
    // maximum is at an end.
    if !slope_lo.is_positive() || !slope_hi.is_negative() {
        return true;
    }
    // The tangents R_lo + S_lo·τ and R_hi − S_hi·(1 − τ) cross at
    // τ* = (R_hi − S_hi − R_lo) / (S_lo − S_hi), with S_lo − S_hi > 0;
    // their value there is below cost iff
    // (R_lo − cost)(S_lo − S_hi) + S_lo (R_hi − S_hi − R_lo) < 0.
    let spread = &slope_lo - &slope_hi;
    let lhs = (&reach_lo - &cost) * &spread + &slope_lo * (&reach_hi - &slope_hi - &reach_lo);
    lhs.is_negative()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `R` at `t = lo + j/n × (hi − lo)`, times `n`: the supporters' budgets
    /// and the unit price move linearly between the ends.
    fn reach_times_n(sup: &[(u64, u64, u64, u64)], p0: u64, p1: u64, n: i64, j: i64) -> i128 {
        sup.iter()
            .map(|&(w, s, x0, x1)| {
                let x = i128::from(n) * i128::from(x0)
                    + i128::from(j) * (i128::from(x1) - i128::from(x0));
                let y = (i128::from(n) * i128::from(p0)
                    + i128::from(j) * (i128::from(p1) - i128::from(p0)))
                    * i128::from(s);
                i128::from(w) * x.min(y)
            })
            .sum()
    }

    fn run(sup: &[(u64, u64, u64, u64)], p0: u64, p1: u64, cost: u64) -> bool {
        let supporters: Vec<(u32, u128)> = (0..sup.len())
            .map(|g| (g as u32, u128::from(sup[g].1)))
            .collect();
        let weight: Vec<u128> = sup.iter().map(|e| u128::from(e.0)).collect();
        let b0: Vec<BigUint> = sup.iter().map(|e| BigUint::from(e.2)).collect();
        let b1: Vec<BigUint> = sup.iter().map(|e| BigUint::from(e.3)).collect();
        let lo = End {
            budgets: &b0,
            budget_mult: BigUint::from(1u8),
            unit_price: BigUint::from(p0),
        };
        let hi = End {
            budgets: &b1,
            budget_mult: BigUint::from(1u8),
            unit_price: BigUint::from(p1),
        };
        stays_below(&supporters, &weight, &lo, &hi, &BigUint::from(cost))
    }

    #[test]
    fn a_peak_between_the_ends_is_caught() {
        // One supporter: budget rises 0 → 10, price falls 10 → 0; R is 0 at
        // both ends and 5 in the middle.
        let sup = [(1, 1, 0, 10)];
        assert!(!run(&sup, 10, 0, 5));
        assert!(run(&sup, 10, 0, 6));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Whenever the bound says "below cost", `R` is below cost at every
        /// sampled point of the interval (ends included).
        #[test]
        fn the_bound_never_misses_a_point_at_or_above_cost(
            sup in prop::collection::vec((1u64..4, 1u64..4, 0u64..60, 0u64..60), 1..6),
            p0 in 0u64..40,
            p1 in 0u64..40,
            cost in 1u64..200,
        ) {
            if run(&sup, p0, p1, cost) {
                let n = 240;
                for j in 0..=n {
                    prop_assert!(reach_times_n(&sup, p0, p1, n, j) < i128::from(n) * i128::from(cost), "j {}", j);
                }
            }
        }
    }
}
