//! What an MES outcome says about itself: per bought project its round, its
//! rho, its effective vote count and who paid what.

use super::comparison::Verdict;
use super::core::{self, Prepared};
use super::exact::Q;
use super::money_string;
use super::run;
use crate::election::Money;
use crate::tally::{Explanation, Outcome, Rule, TieBreak};
use num_traits::Zero;
use serde::Serialize;

/// Why an MES rule selected what it selected. Money is an exact string
/// (an integer or `p/q`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MesExplanation {
    /// The satisfaction measure: `cost` (approval), `points` (cumulative,
    /// scoring) or `borda` (ordinal).
    pub satisfaction: &'static str,
    /// The tie-breaking order used.
    pub tie_break: TieBreak,
    /// Each voter's initial budget in the run whose outcome was returned
    /// (`None` if no run's outcome was returned).
    pub per_voter_budget: Option<String>,
    /// Iterated rules: how many MES runs were made (the over-budget run that
    /// ended the loop included, as pabutools counts).
    pub runs: Option<u64>,
    /// Supported projects that cost nothing, selected before any round.
    pub free_projects: Vec<String>,
    /// The projects MES bought, in the order it bought them.
    pub purchases: Vec<MesPurchase>,
    /// Projects added afterwards by greedy completion (`mes_add1_greedy`).
    pub completion: Vec<String>,
    /// The comparison step of `mes_add1_comparison`.
    pub comparison: Option<Box<Comparison>>,
}

/// One project bought by MES.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MesPurchase {
    /// Project id.
    pub project: String,
    /// Round in which it was bought (1 = first).
    pub round: usize,
    /// The price per unit of satisfaction (pabutools "affordability"); the
    /// lowest among the projects still affordable in that round.
    pub rho: String,
    /// Cost divided by the price per satisfaction unit: with approval
    /// ballots, the number of voters that would pay the same price in full
    /// (equalshares.net's "effective vote count"); with points or Borda, the
    /// effective score.
    pub effective_vote_count: String,
    /// Who paid what: each distinct amount with the number of voters who
    /// paid it, largest amount first. Amounts below the full price are
    /// voters who paid everything they had left.
    pub payments: Vec<PaymentGroup>,
}

/// A number of voters who each paid the same amount for one project.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PaymentGroup {
    /// What each of them paid.
    pub amount: String,
    /// How many voters paid it.
    pub voters: u128,
}

/// The outcome of the comparison step against utilitarian greedy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// Voters strictly more satisfied by the MES outcome.
    pub prefers_mes: u128,
    /// Voters strictly more satisfied by the greedy outcome.
    pub prefers_greedy: u128,
    /// The greedy outcome's project ids, in greedy order.
    pub greedy_selected: Vec<String>,
    /// `mes` or `greedy`: which outcome was returned.
    pub kept: &'static str,
}

fn satisfaction_name(prep: &Prepared, election_ordinal: bool) -> &'static str {
    if prep.cost_sat {
        "cost"
    } else if election_ordinal {
        "borda"
    } else {
        "points"
    }
}

fn ids(prep: &Prepared, projects: &[usize]) -> Vec<String> {
    projects.iter().map(|&p| prep.ids[p].clone()).collect()
}

fn total_cost(prep: &Prepared, projects: &[usize]) -> Money {
    projects
        .iter()
        .fold(Money::zero(), |acc, &p| acc + prep.cost[p].to_big())
}

fn base_explanation(prep: &Prepared, tie: TieBreak) -> MesExplanation {
    MesExplanation {
        satisfaction: satisfaction_name(prep, prep.ordinal),
        tie_break: tie,
        per_voter_budget: None,
        runs: None,
        free_projects: Vec::new(),
        purchases: Vec::new(),
        completion: Vec::new(),
        comparison: None,
    }
}

fn outcome(rule: Rule, prep: &Prepared, selected: Vec<usize>, ex: MesExplanation) -> Outcome {
    Outcome {
        rule,
        total_cost: total_cost(prep, &selected),
        selected,
        explanation: Explanation::Mes(ex),
    }
}

/// No ballots: pabutools returns the (empty) initial allocation.
pub(crate) fn empty_outcome(rule: Rule, prep: &Prepared, tie: TieBreak) -> Outcome {
    let mut ex = base_explanation(prep, tie);
    ex.runs = matches!(rule, Rule::MesAdd1 | Rule::MesAdd1Greedy | Rule::MesExh).then_some(0);
    outcome(rule, prep, Vec::new(), ex)
}

/// An iterated rule that returned a selection no run produced (the initial
/// allocation, when the very first run went over budget).
pub(crate) fn outcome_of_selection(
    rule: Rule,
    prep: &Prepared,
    tie: TieBreak,
    selected: Vec<usize>,
    runs: u64,
) -> Outcome {
    let mut ex = base_explanation(prep, tie);
    ex.runs = Some(runs);
    ex.free_projects = ids(prep, &selected);
    outcome(rule, prep, selected, ex)
}

/// Reruns MES at per-voter budget `budget / ballots + step`, recording every payment, and explains it.
pub(crate) fn outcome_of_run(
    rule: Rule,
    prep: &Prepared,
    step: u128,
    tie: TieBreak,
    runs: Option<u64>,
    completion: Vec<usize>,
    comparison: Option<Comparison>,
) -> Outcome {
    let run = run::run(prep, step, tie, true);
    let mut ex = base_explanation(prep, tie);
    ex.per_voter_budget = Some(money_string(&prep.per_voter(step)));
    ex.runs = runs;
    ex.free_projects = ids(prep, &prep.free);
    ex.purchases = run
        .purchases
        .iter()
        .enumerate()
        .map(|(i, buy)| purchase(prep, i + 1, buy))
        .collect();
    ex.completion = ids(prep, &completion);
    ex.comparison = comparison.map(Box::new);
    let mut selected = run.selected;
    selected.extend(completion);
    outcome(rule, prep, selected, ex)
}

fn purchase(prep: &Prepared, round: usize, buy: &core::Purchase) -> MesPurchase {
    let mut amounts: Vec<(Q, u128)> = buy
        .payments
        .iter()
        .map(|(g, paid)| (paid.clone(), prep.weight[*g as usize]))
        .collect();
    amounts.sort_by(|a, b| b.0.cmp(&a.0));
    let mut payments: Vec<PaymentGroup> = Vec::new();
    let mut last: Option<Q> = None;
    for (amount, voters) in amounts {
        match (&last, payments.last_mut()) {
            (Some(prev), Some(group)) if *prev == amount => group.voters += voters,
            _ => {
                payments.push(PaymentGroup {
                    amount: money_string(&amount),
                    voters,
                });
                last = Some(amount);
            }
        }
    }
    MesPurchase {
        project: prep.ids[buy.project].clone(),
        round,
        rho: money_string(&buy.rho),
        effective_vote_count: money_string(&prep.cost[buy.project].div(&buy.unit_price)),
        payments,
    }
}

/// Appends greedy completion to an outcome.
pub(crate) fn with_completion(mut base: Outcome, prep: &Prepared, added: Vec<usize>) -> Outcome {
    if let Explanation::Mes(ex) = &mut base.explanation {
        ex.completion = ids(prep, &added);
    }
    base.selected.extend(added);
    base.total_cost = total_cost(prep, &base.selected);
    base
}

fn comparison_note(
    prep: &Prepared,
    greedy: &[usize],
    v: Verdict,
    kept: &'static str,
) -> Comparison {
    Comparison {
        prefers_mes: v.prefers_mes,
        prefers_greedy: v.prefers_greedy,
        greedy_selected: ids(prep, greedy),
        kept,
    }
}

/// The comparison step kept the MES outcome.
pub(crate) fn with_comparison(
    mut base: Outcome,
    prep: &Prepared,
    greedy: &[usize],
    v: Verdict,
) -> Outcome {
    if let Explanation::Mes(ex) = &mut base.explanation {
        ex.comparison = Some(Box::new(comparison_note(prep, greedy, v, "mes")));
    }
    base
}

/// The comparison step replaced the MES outcome by greedy's.
pub(crate) fn replaced_by_greedy(
    mut base: Outcome,
    prep: &Prepared,
    greedy: Vec<usize>,
    v: Verdict,
) -> Outcome {
    if let Explanation::Mes(ex) = &mut base.explanation {
        ex.comparison = Some(Box::new(comparison_note(prep, &greedy, v, "greedy")));
    }
    base.total_cost = total_cost(prep, &greedy);
    base.selected = greedy;
    base
}
