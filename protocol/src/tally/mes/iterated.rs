//! The iterated variants: MES rerun with the per-voter budget raised by one
//! currency unit per run (`mes_add1`, `mes_exh`, and the add1 part of
//! `mes_add1_comparison`). Each run made is a full [`run::run`]; after it,
//! [`interval::Prover::last_same`] proves how many of the following runs would
//! select the same projects, and those are skipped: their outcome is
//! known, so the stop tests give the same answers as running them.

use super::bounds;
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

/// How many runs' worth of work proofs may cost beyond what they saved.
const PROOF_ALLOWANCE: u128 = 8;

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

/// Where both loops start: pabutools' previous outcome before any run (its
/// initial allocation: MES puts free supported projects there, exhaustion
/// starts empty) and, for exhaustion, the largest k it tries
/// (exhaustion_by_budget_increase loops while budget + k·n <= budget·(n+1)).
fn starting_point(prep: &Prepared, pool: StopPool) -> (Iterated, Option<u128>) {
    let previous = Iterated {
        selected: if pool == StopPool::AllProjects {
            Vec::new()
        } else {
            prep.free.clone()
        },
        step: None,
        runs: 0,
    };
    let bound = (pool == StopPool::AllProjects).then(|| {
        let b = prep.budget.to_big();
        b.numer()
            .div_floor(b.denom())
            .to_u128()
            .unwrap_or(u128::MAX)
    });
    (previous, bound)
}

/// Raises the per-voter budget by one unit per run until a stop test fires.
pub(crate) fn iterate(prep: &Prepared, tie: TieBreak, pool: StopPool) -> Iterated {
    let grid = bounds::Grid::new(prep);
    iterate_with(prep, tie, pool, interval::Prover::new(prep, grid.as_ref()))
}

/// [`iterate`] with the given prover (tests compare both kinds).
pub(crate) fn iterate_with(
    prep: &Prepared,
    tie: TieBreak,
    pool: StopPool,
    prover: interval::Prover,
) -> Iterated {
    let all: Vec<usize> = (0..prep.cost.len()).collect();
    let (mut previous, bound) = starting_point(prep, pool);
    let buyable = prep.candidates.len() + prep.free.len();
    // The winners, in order, of the last step known (run or proved).
    let mut last_winners: Option<(u128, Vec<usize>)> = None;
    let (mut proof_cost, mut runs_saved): (u128, u128) = (0, 0);
    let mut stride_hint: u128 = 2;
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
        // Proofs pay off only on long stretches of equal outcomes; many
        // elections change their outcome at nearly every step, or repeat
        // it too briefly for a proof. So a proof is attempted only while
        // the work it has cost (forced evaluations, in runs' worth) stays
        // within twice the work it has saved (runs skipped) plus a few
        // runs: one costly early proof must not rule out later long
        // stretches. Exact proofs (each evaluation about one run) wait
        // until two consecutive runs agree; proofs with bounds are cheap
        // enough to try right after any run, which saves the confirming
        // run at the start of every stretch. Runs k+1 ..= last_same
        // provably select what run k selected, so none of them would stop
        // the loop.
        let winners = &out.selected[prep.free.len()..];
        let repeated = last_winners
            .as_ref()
            .is_some_and(|(at, w)| *at + 1 == k && w.as_slice() == winners);
        let affordable = prover.runs_worth(proof_cost) <= 2 * runs_saved + PROOF_ALLOWANCE;
        let last_same = if (repeated || prover.is_cheap()) && affordable {
            let cap = bound.unwrap_or(u128::MAX - 1);
            let (last, evals) = prover.last_same(k, winners, cap, stride_hint);
            proof_cost += evals;
            runs_saved += last - k;
            // Stretches tend to be of similar lengths: start the next
            // search at half of this one.
            stride_hint = ((last - k) / 2).max(2);
            last
        } else {
            k
        };
        last_winners = Some((last_same, winners.to_vec()));
        previous = Iterated {
            selected: out.selected,
            step: Some(last_same),
            runs: u64::try_from(last_same + 1).unwrap_or(u64::MAX),
        };
        k = last_same + 1;
    }
}

/// The loop without skipping: every run made, one unit apart. The reference
/// that [`iterate`] must agree with exactly.
#[cfg(test)]
pub(crate) fn iterate_by_one(prep: &Prepared, tie: TieBreak, pool: StopPool) -> Iterated {
    let all: Vec<usize> = (0..prep.cost.len()).collect();
    let (mut previous, bound) = starting_point(prep, pool);
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
