//! Utilitarian greedy (used for `mes_add1_greedy`'s completion and for the
//! comparison step of `mes_add1_comparison`) and the voter-by-voter
//! comparison of two outcomes.

use super::core::Prepared;
use super::exact::Q;
use crate::tally::TieBreak;
use std::cmp::Ordering;

/// pabutools `greedy_utilitarian_welfare` started from `initial`: the other
/// projects by decreasing total satisfaction per unit of cost (free supported
/// projects first, unsupported ones last), ties by `tie`, each added if it
/// still fits the budget. Returns the added projects in order.
pub(crate) fn greedy_fill(prep: &Prepared, initial: &[usize], tie: TieBreak) -> Vec<usize> {
    let density = |p: usize| -> (bool, Q) {
        let units = prep.total_sat[p];
        let positive = prep.cost[p] > Q::zero();
        if prep.cost_sat {
            // Σ cost over supporters / cost = number of supporters (cost > 0);
            // a free project has zero satisfaction under Cost_Sat.
            return (
                false,
                if positive {
                    Q::from_u128(units)
                } else {
                    Q::zero()
                },
            );
        }
        match (units > 0, positive) {
            (true, true) => (false, Q::from_u128(units).div(&prep.cost[p])),
            (true, false) => (true, Q::zero()),
            (false, _) => (false, Q::zero()),
        }
    };
    let mut order: Vec<(usize, (bool, Q))> = (0..prep.cost.len())
        .filter(|p| !initial.contains(p))
        .map(|p| (p, density(p)))
        .collect();
    order.sort_by(|(a, da), (b, db)| {
        db.0.cmp(&da.0)
            .then_with(|| db.1.cmp(&da.1))
            .then_with(|| tie.cmp_ids(&prep.ids[*a], &prep.ids[*b]))
    });
    let mut left = prep.budget.sub(&prep.total_cost(initial));
    let mut added = Vec::new();
    for (p, _) in order {
        if prep.cost[p].cmp(&left) != Ordering::Greater {
            left = left.sub(&prep.cost[p]);
            added.push(p);
        }
    }
    added
}

/// How many voters are strictly more satisfied by each of two outcomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Verdict {
    /// Voters with more satisfaction under the MES outcome.
    pub prefers_mes: u128,
    /// Voters with more satisfaction under the greedy outcome.
    pub prefers_greedy: u128,
}

/// Compares two outcomes voter by voter, by satisfaction units (approval:
/// number of approved winners; points; Borda score), as the equalshares.net
/// compute tool's `comparisonStep(…, "satisfaction")` does.
pub(crate) fn compare(prep: &Prepared, mes: &[usize], greedy: &[usize]) -> Verdict {
    let groups = prep.weight.len();
    let mut sat_mes = vec![0u128; groups];
    let mut sat_greedy = vec![0u128; groups];
    for (set, sat) in [(mes, &mut sat_mes), (greedy, &mut sat_greedy)] {
        for &p in set {
            for &(g, s) in &prep.supporters[p] {
                sat[g as usize] += s;
            }
        }
    }
    let mut v = Verdict {
        prefers_mes: 0,
        prefers_greedy: 0,
    };
    for g in 0..groups {
        match sat_mes[g].cmp(&sat_greedy[g]) {
            Ordering::Greater => v.prefers_mes += prep.weight[g],
            Ordering::Less => v.prefers_greedy += prep.weight[g],
            Ordering::Equal => {}
        }
    }
    v
}
