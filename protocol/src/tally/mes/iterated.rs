//! The iterated variants: MES rerun with the per-voter budget raised by one
//! currency unit per run (`mes_add1`, `mes_exh`, and the add1 part of
//! `mes_add1_comparison`). Each run made is a full [`run::run`]; after it,
//! [`horizon::stable_steps`] proves how many of the following runs would
//! select the same projects, and those are skipped: their outcome is
//! known, so the stop tests give the same answers as running them.

use super::core::Prepared;
use super::interval;
use super::run;
use crate::tally::TieBreak;
use num_integer::Integer;
use num_traits::ToPrimitive;

/// Which projects the exhaustiveness stop test looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StopPool {
    /// pabutools `method_of_equal_shares(voter_budget_increment=1)`: the
    /// projects MES can buy (supported, positive cost).
    Candidates,
    /// pabutools `exhaustion_by_budget_increase`: every project, also ones
    /// nobody supports; the loop is bounded by `floor(budget)` steps.
    AllProjects,
    /// No exhaustiveness stop: continue until a run goes over budget.
    NoExhaustiveStop,
}

/// The result of an iterated run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Iterated {
    /// The returned selection.
    pub selected: Vec<usize>,
    /// The run that produced it: per-voter budget `budget / ballots + step`
    /// (`None`: no run did).
    pub step: Option<u128>,
    /// Number of MES runs pabutools makes (skipped ones included).
    pub runs: u64,
}

/// Raises the per-voter budget by one unit per run until a stop test fires.
pub(crate) fn iterate(prep: &Prepared, tie: TieBreak, pool: StopPool) -> Iterated {
    let all: Vec<usize> = (0..prep.cost.len()).collect();
    // pabutools' previous outcome before any run: its initial allocation.
    // MES puts free supported projects there; exhaustion starts empty.
    let mut previous = Iterated {
        selected: if pool == StopPool::AllProjects {
            Vec::new()
        } else {
            prep.free.clone()
        },
        step: None,
        runs: 0,
    };
    // exhaustion_by_budget_increase loops while budget + k·n <= budget·(n+1).
    let bound: Option<u128> = (pool == StopPool::AllProjects).then(|| {
        let b = prep.budget.to_big();
        b.numer()
            .div_floor(b.denom())
            .to_u128()
            .unwrap_or(u128::MAX)
    });
    let buyable = prep.candidates.len() + prep.free.len();
    let mut k: u128 = 0;
    loop {
        if bound.is_some_and(|b| k > b) {
            return previous;
        }
        let out = run::run(prep, k, tie, false);
        // Run k is pabutools' (k + 1)-th: skipped runs count too.
        let runs = u64::try_from(k + 1).unwrap_or(u64::MAX);
        if prep.total_cost(&out.selected) > prep.budget {
            previous.runs = runs;
            return previous;
        }
        let exhaustive = match pool {
            StopPool::Candidates => prep.is_exhaustive(&out.selected, &prep.candidates),
            StopPool::AllProjects => prep.is_exhaustive(&out.selected, &all),
            StopPool::NoExhaustiveStop => false,
        };
        // Once every buyable project is bought, more budget cannot buy more:
        // stop rather than loop up to `floor(budget)` times (only reachable
        // when everything supported fits the budget; see `mes_exh` docs).
        if exhaustive || out.selected.len() == buyable {
            return Iterated {
                selected: out.selected,
                step: Some(k),
                runs,
            };
        }
        // Runs k+1 .. next-1 provably select what run k selected, so none
        // of them stops the loop: go straight to `next`, with run `next - 1`
        // (same selection) as the previous outcome.
        let winners = &out.selected[prep.free.len()..];
        let cap = bound.unwrap_or(u128::MAX - 1);
        let last_same = interval::last_same(prep, k, winners, cap);
        let next = last_same + 1;
        previous = Iterated {
            selected: out.selected,
            step: Some(last_same),
            runs: u64::try_from(last_same + 1).unwrap_or(u64::MAX),
        };
        k = next;
    }
}

/// The loop without skipping: every run made, one unit apart. The reference
/// that [`iterate`] must agree with exactly.
#[cfg(test)]
pub(crate) fn iterate_by_one(prep: &Prepared, tie: TieBreak, pool: StopPool) -> Iterated {
    let all: Vec<usize> = (0..prep.cost.len()).collect();
    let mut previous = Iterated {
        selected: if pool == StopPool::AllProjects {
            Vec::new()
        } else {
            prep.free.clone()
        },
        step: None,
        runs: 0,
    };
    let bound: Option<u128> = (pool == StopPool::AllProjects).then(|| {
        let b = prep.budget.to_big();
        b.numer()
            .div_floor(b.denom())
            .to_u128()
            .unwrap_or(u128::MAX)
    });
    let buyable = prep.candidates.len() + prep.free.len();
    let mut k: u128 = 0;
    loop {
        if bound.is_some_and(|b| k > b) {
            return previous;
        }
        let out = run::run(prep, k, tie, false);
        let runs = previous.runs + 1;
        if prep.total_cost(&out.selected) > prep.budget {
            previous.runs = runs;
            return previous;
        }
        let exhaustive = match pool {
            StopPool::Candidates => prep.is_exhaustive(&out.selected, &prep.candidates),
            StopPool::AllProjects => prep.is_exhaustive(&out.selected, &all),
            StopPool::NoExhaustiveStop => false,
        };
        let current = Iterated {
            selected: out.selected,
            step: Some(k),
            runs,
        };
        if exhaustive || current.selected.len() == buyable {
            return current;
        }
        previous = current;
        k += 1;
    }
}
