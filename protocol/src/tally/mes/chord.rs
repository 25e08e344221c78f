//! A tighter bound for the interval proofs of `bounds.rs`, used where the
//! endpoint bound fails: the chord bound.
//!
//! The endpoint bound takes, for every `t` in `[lo, hi]`, the budgets at
//! `hi` and the winner's price at `lo`. Both move by about the interval's
//! length, in opposite directions, so its error grows with the interval and
//! near the start of a stretch (where the project that just lost is still
//! close) only short intervals pass (Budapest 2024: a third of all proofs
//! failed on intervals whose every run bought the same projects).
//!
//! When the winners' poor supporters (those paying all they have) are the
//! same at every `t` of the interval, every budget and every price of "MES
//! forced to buy `W`" is affine in `t` (see `tangent.rs`). That can be
//! checked from the bounds alone: the supporters poor at `hi` by the upper
//! budgets are surely poor there, those poor at `lo` by the lower budgets
//! include every one that may be poor there, and poor at `hi` implies poor
//! at `lo` (budgets rise and prices fall with `t`). So the four sets are
//! nested, and equal as soon as the outer two have the same satisfaction
//! units, which [`super::bounds::PriceBounds`] reports.
//!
//! Then what `p`'s supporters can pay at the winner's ratio, `R(t) = Σ
//! weight × min(budget(t), unit(t) × sat)`, is at most `L(t) = Σ_{i ∈ A}
//! weight × budget_i(t) + unit(t) × Σ_{i ∉ A} weight × sat_i` for any fixed
//! set `A` of supporters. `L` is affine, so its largest value over the
//! interval is at an end, where upper bounds of the budgets and the price
//! bound it. With `A` the supporters short of their due at `hi`, `L(hi)` is
//! the one-step bound itself and `L(lo)` only errs on supporters who are
//! short at `lo` but not at `hi`. Both below `p`'s cost prove the pair for
//! the whole interval.

use super::bounds::{Bounds, PriceBounds};

/// What `p`'s supporters can pay at a ratio equal to winner `w`'s, bounded
/// at both ends of the interval with the set `A` of the module docs; the
/// margin below `p`'s cost of the larger of `L(lo)` and `L(hi)`, or `None`
/// if either reaches it (or a product leaves the grid's range).
///
/// `high` and `low` are the evaluations at the interval's ends before the
/// winner's round, and `hi_price`, `lo_price` their bounds on its price.
/// Sound only when the winners' poor supporters are the same at both ends
/// in this round and every earlier one (the caller checks).
pub(crate) fn shortfall(
    high: &Bounds,
    low: &Bounds,
    p: usize,
    w: usize,
    hi_price: &PriceBounds,
    lo_price: &PriceBounds,
) -> Option<u128> {
    let cost = high.cost(p);
    let unit_hi = high.unit_for(p, w, hi_price.upper())?;
    let unit_lo = low.unit_for(p, w, lo_price.upper())?;
    let (mut at_hi, mut at_lo): (u128, u128) = (0, 0);
    let mut due: (u128, u128, u128) = (0, 0, 0);
    for (group, sat, weight) in high.supporters(p) {
        if due.0 != sat {
            due = (sat, unit_hi.checked_mul(sat)?, unit_lo.checked_mul(sat)?);
        }
        let budget_hi = high.upper_budget(group);
        // A supporter in `A` adds its budget at both ends; the others their
        // due at both ends' prices.
        let (add_hi, add_lo) = if budget_hi < due.1 {
            (budget_hi, low.upper_budget(group))
        } else {
            (due.1, due.2)
        };
        at_hi += weight * add_hi;
        at_lo = at_lo.checked_add(weight.checked_mul(add_lo)?)?;
        if at_hi >= cost || at_lo >= cost {
            return None;
        }
    }
    Some(cost - at_hi.max(at_lo))
}

#[cfg(test)]
mod tests {
    /// `L(t)` with one fixed set `A` bounds the concave `R(t)` everywhere in
    /// the interval: a brute-force check of the module docs' argument on
    /// affine budgets and prices.
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn the_chord_never_misses_a_point_at_or_above_cost(
            sup in prop::collection::vec((1u64..4, 1u64..4, 0u64..60, 0u64..60), 1..6),
            p_lo in 0u64..40,
            p_hi in 0u64..40,
        ) {
            // Budgets rise and prices fall over the interval, as in MES.
            let sup: Vec<(u64, u64, u64, u64)> = sup
                .into_iter()
                .map(|(w, s, a, b)| (w, s, a.min(b), a.max(b)))
                .collect();
            let (p_lo, p_hi) = (p_lo.max(p_hi), p_lo.min(p_hi));
            let (mut at_lo, mut at_hi) = (0i128, 0i128);
            for &(w, s, b_lo, b_hi) in &sup {
                let (w, s) = (i128::from(w), i128::from(s));
                let (b_lo, b_hi) = (i128::from(b_lo), i128::from(b_hi));
                let (d_lo, d_hi) = (i128::from(p_lo) * s, i128::from(p_hi) * s);
                if b_hi < d_hi {
                    at_hi += w * b_hi;
                    at_lo += w * b_lo;
                } else {
                    at_hi += w * d_hi;
                    at_lo += w * d_lo;
                }
            }
            let bound = at_hi.max(at_lo);
            let n = 240i128;
            for j in 0..=n {
                let reach: i128 = sup
                    .iter()
                    .map(|&(w, s, b_lo, b_hi)| {
                        let (b_lo, b_hi) = (i128::from(b_lo), i128::from(b_hi));
                        let b = n * b_lo + j * (b_hi - b_lo);
                        let u = n * i128::from(p_lo) + j * (i128::from(p_hi) - i128::from(p_lo));
                        i128::from(w) * b.min(u * i128::from(s))
                    })
                    .sum();
                prop_assert!(reach <= n * bound, "j {}: {} > {}", j, reach, n * bound);
            }
        }
    }
}
