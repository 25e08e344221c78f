//! The comparison step of `mes_add1_comparison`: two outcomes compared
//! voter by voter.

use super::core::Prepared;
use std::cmp::Ordering;

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
