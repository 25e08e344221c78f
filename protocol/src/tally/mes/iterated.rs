//! The iterated variants: MES rerun with the per-voter budget raised by one
//! currency unit per run (`mes_add1`, `mes_exh`, and the add1 part of
//! `mes_add1_comparison`). Runs are independent; each one is a full
//! [`run::run`], which is cheap enough that thousands of runs take seconds.

use super::core::Prepared;
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
#[derive(Debug, Clone)]
pub(crate) struct Iterated {
    /// The returned selection.
    pub selected: Vec<usize>,
    /// The run that produced it: per-voter budget `budget / ballots + step`
    /// (`None`: no run did).
    pub step: Option<u128>,
    /// Number of MES runs made.
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
        // Once every buyable project is bought, more budget cannot buy more:
        // stop rather than loop up to `floor(budget)` times (only reachable
        // when everything supported fits the budget; see `mes_exh` docs).
        if exhaustive || current.selected.len() == buyable {
            return current;
        }
        previous = current;
        k += 1;
    }
}
