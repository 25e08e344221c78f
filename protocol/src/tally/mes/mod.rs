//! The Method of Equal Shares (MES) family, replicating pabutools 1.2.3
//! exactly (exact rationals, never floats).
//!
//! Each voter gets an equal share of the budget. In every round the project
//! whose supporters can pay for it at the lowest price per unit of
//! satisfaction ("rho") is bought, each supporter paying `rho × satisfaction`
//! or, if that is more than they have left, everything they have left. Ties
//! are broken by [`TieBreak`] (default: smallest project id as a string). The
//! round stops when no remaining project can be paid for.
//!
//! Satisfaction by vote type (as in `expected.json`): approval and choose-1
//! `Cost_Sat` (a supporter's satisfaction is the project's cost, so rho is
//! the per-voter price divided by the cost), cumulative and scoring
//! `Additive_Cardinal_Sat` (the points given), ordinal `Additive_Borda_Sat`
//! (`ballot length - position - 1`, so a ballot's last choice counts nothing).
//! Projects nobody supports are never bought by MES; supported projects that
//! cost nothing are selected upfront (under `Cost_Sat` a free project gives
//! no satisfaction, hence has no supporters and is not selected).
//!
//! Rules:
//! - [`mes`]: one run at `budget / number of ballot lines` per voter.
//! - [`mes_add1`]: pabutools `voter_budget_increment=1`.
//! - [`mes_add1_greedy`]: `mes_add1`, then utilitarian greedy completion.
//! - [`mes_exh`]: pabutools `exhaustion_by_budget_increase` with
//!   `budget_step = number of ballots`.
//! - [`mes_add1_comparison`]: Wieliczka 2023's `equalshares/add1-comparison`.

mod bounds;
mod chord;
mod comparison;
mod core;
mod exact;
mod explanation;
mod interval;
mod iterated;
mod run;
mod tangent;

pub use explanation::{Comparison, MesExplanation, MesPurchase, PaymentGroup};

use super::{Outcome, Rule, TallyError, TieBreak};
use crate::election::Election;
use core::Prepared;
use iterated::{Iterated, StopPool};

/// Method of Equal Shares without completion: one run with each voter's
/// budget `budget / number of ballot lines` (pabutools
/// `method_of_equal_shares(instance, profile, sat_class=S)`).
pub fn mes(election: &Election, tie: TieBreak) -> Result<Outcome, TallyError> {
    let prep = Prepared::new(election)?;
    if prep.num_ballots == 0 {
        return Ok(explanation::empty_outcome(Rule::Mes, &prep, tie));
    }
    Ok(explanation::outcome_of_run(
        Rule::Mes,
        &prep,
        0,
        tie,
        None,
        Vec::new(),
        None,
    ))
}

/// MES with the per-voter budget raised by exactly one currency unit per run
/// (pabutools `voter_budget_increment=1`, `equalshares/add1`).
///
/// Runs at `budget / ballots`, then `+1`, `+2`, …; stops at the first
/// outcome that is exhaustive over the projects MES can buy (supported, with
/// a positive cost) and returns it, or, as soon as a run's outcome costs more
/// than the budget, returns the previous run's outcome (before any run: the
/// free projects only). The explanation records the number of runs (the
/// over-budget one included, as in `expected.json`'s `mes_runs`) and the
/// per-voter budget of the returned run.
///
/// Runs that provably select exactly what the previous run selected are
/// not made (their stop tests would answer the same); the proof is sound
/// (monotonicity of MES in the per-voter budget, see `interval.rs`; it is
/// made with integer lower and upper bounds of the budgets, `bounds.rs`,
/// or exactly), so the result, the run count and the returned run are
/// those of stepping by one.
pub fn mes_add1(election: &Election, tie: TieBreak) -> Result<Outcome, TallyError> {
    let prep = Prepared::new(election)?;
    Ok(add1_outcome(Rule::MesAdd1, &prep, tie))
}

fn add1_outcome(rule: Rule, prep: &Prepared, tie: TieBreak) -> Outcome {
    if prep.num_ballots == 0 {
        return explanation::empty_outcome(rule, prep, tie);
    }
    let it = iterated::iterate(prep, tie, StopPool::Candidates);
    outcome_of_iterated(rule, prep, tie, &it)
}

fn outcome_of_iterated(rule: Rule, prep: &Prepared, tie: TieBreak, it: &Iterated) -> Outcome {
    match it.step {
        Some(b) => explanation::outcome_of_run(rule, prep, b, tie, Some(it.runs), Vec::new(), None),
        None => explanation::outcome_of_selection(rule, prep, tie, it.selected.clone(), it.runs),
    }
}

/// `mes_add1`, then utilitarian greedy completion (pabutools
/// `completion_by_rule_combination([method_of_equal_shares,
/// greedy_utilitarian_welfare], [{sat_class, voter_budget_increment: 1},
/// {sat_class}])`): the remaining projects by decreasing total satisfaction
/// per unit of cost (ties by [`TieBreak`]), each taken if it still fits.
pub fn mes_add1_greedy(election: &Election, tie: TieBreak) -> Result<Outcome, TallyError> {
    let prep = Prepared::new(election)?;
    let base = add1_outcome(Rule::MesAdd1Greedy, &prep, tie);
    let completed = super::greedy::greedy_utilitarian_from(election, &base.selected, tie)?;
    let added = completed.selected[base.selected.len()..].to_vec();
    Ok(explanation::with_completion(base, &prep, added))
}

/// MES with exhaustion by budget increase (pabutools
/// `exhaustion_by_budget_increase(instance, profile, method_of_equal_shares,
/// {sat_class}, budget_step=num_ballots)`).
///
/// The total budget given to MES grows by the number of ballots per step,
/// i.e. every voter's share by one unit, exactly as in [`mes_add1`]; the stop
/// tests differ: exhaustiveness counts every project, including ones nobody
/// supports, an over-budget run returns the previous outcome (before any run:
/// nothing), and after `floor(budget)` steps (pabutools' `budget_bound`) the
/// last outcome is returned.
///
/// One deliberate shortcut: once a run buys every project MES can buy (only
/// possible when all supported projects fit the budget together), we return
/// it instead of repeating identical-looking runs up to `floor(budget)`
/// times as pabutools would; with a large budget that is millions of runs.
/// We have not proved that later runs cannot differ, so on such an election
/// the result could in principle differ from pabutools (no real file in
/// `expected.json` reaches this case).
pub fn mes_exh(election: &Election, tie: TieBreak) -> Result<Outcome, TallyError> {
    let prep = Prepared::new(election)?;
    if prep.num_ballots == 0 {
        return Ok(explanation::empty_outcome(Rule::MesExh, &prep, tie));
    }
    let it = iterated::iterate(&prep, tie, StopPool::AllProjects);
    Ok(outcome_of_iterated(Rule::MesExh, &prep, tie, &it))
}

/// Wieliczka 2023's `equalshares/add1-comparison` (Zielony Milion).
///
/// **Definition (inferred, see below):**
/// 1. *Add1 without the exhaustive stop*: run MES at `budget / ballots`,
///    `+1`, `+2`, … per voter and keep the last outcome that fits the budget,
///    stopping only when a run goes over budget. (Plain [`mes_add1`] stops
///    earlier, at the first exhaustive outcome.)
/// 2. *Comparison step*: compare that outcome with the utilitarian greedy
///    outcome (projects by decreasing satisfaction per cost, i.e. approval
///    count for approval ballots); count the voters with strictly more
///    satisfaction (approval: more approved winners) under each. If more
///    voters prefer greedy, greedy's outcome is returned, otherwise MES's.
///
/// Sources: the comparison step is the `comparisonStep(…, "satisfaction")`
/// of the equalshares.net compute tool
/// (github.com/equalshares/equalshares-compute-tool,
/// `js/methodOfEqualSharesWorker.js`), which replaces the MES outcome by the
/// greedy one when more voters prefer greedy. The add1 stop rule is
/// inferred, not documented for 2023: on Wieliczka's data plain `mes_add1`
/// stops at 993950/3293 ≈ 301.8 zł per voter (first exhaustive outcome,
/// 984 579 zł, with projects 66 and 67), while the city reports that the
/// share "increased to 313 zł" and funded 995 079 zł with project 46
/// instead (equalshares.net, "Wieliczka 2023"). MES gives exactly the city's
/// selection for every whole share from 306 to 315 zł (checked with
/// pabutools), and continuing past exhaustiveness until the budget is
/// exceeded ends at 1040052/3293 ≈ 315.8 zł (166 runs), inside that range;
/// the comparison step then keeps MES (more voters prefer it). This rule
/// reproduces Wieliczka's funded projects exactly; the exact share the city
/// stopped at (≈313 zł by its report) is not reproduced and does not change
/// the selection.
pub fn mes_add1_comparison(election: &Election, tie: TieBreak) -> Result<Outcome, TallyError> {
    let prep = Prepared::new(election)?;
    if prep.num_ballots == 0 {
        return Ok(explanation::empty_outcome(
            Rule::MesAdd1Comparison,
            &prep,
            tie,
        ));
    }
    let it = iterated::iterate(&prep, tie, StopPool::NoExhaustiveStop);
    let mes_outcome = outcome_of_iterated(Rule::MesAdd1Comparison, &prep, tie, &it);
    let greedy = super::greedy::greedy_utilitarian(election, tie)?.selected;
    let verdict = comparison::compare(&prep, &mes_outcome.selected, &greedy);
    if verdict.prefers_greedy > verdict.prefers_mes {
        return Ok(explanation::replaced_by_greedy(
            mes_outcome,
            &prep,
            greedy,
            verdict,
        ));
    }
    Ok(explanation::with_comparison(
        mes_outcome,
        &prep,
        &greedy,
        verdict,
    ))
}

/// Money as an exact string: an integer or `p/q`.
fn money_string(q: &exact::Q) -> String {
    q.to_big().to_string()
}

#[cfg(test)]
mod tests;
