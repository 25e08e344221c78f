//! Tally rules: exact (rational arithmetic, never floats), deterministic, and
//! explained. The correctness reference is pabutools 1.2.3 on the real Pabulib
//! elections in `tests/data/pabulib/` (see `expected.json` there).
//!
//! One module per rule family; this module holds what they share: the rule
//! names, the tie-breaking orders, the outcome and the dispatcher.

pub mod exact;
pub mod greedy;
pub mod max_welfare;
pub mod mes;
pub mod phragmen;
#[cfg(test)]
mod proptests;
pub mod satisfaction;
#[cfg(test)]
mod test_support;

use crate::election::{Election, Money, VoteType};
use serde::Serialize;

/// A tally rule, named as in `expected.json` and on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// Utilitarian greedy by satisfaction per unit of cost (pabutools `greedy_utilitarian_welfare`).
    Greedy,
    /// Greedy by total points (the common city practice for cumulative and scoring ballots).
    GreedyScore,
    /// Method of Equal Shares without completion.
    Mes,
    /// MES with the per-voter budget raised by one currency unit per run (`equalshares/add1`).
    MesAdd1,
    /// `mes_add1`, then utilitarian greedy completion.
    MesAdd1Greedy,
    /// `mes_add1` with Wieliczka's final comparison against the greedy outcome
    /// (`equalshares/add1-comparison`).
    MesAdd1Comparison,
    /// MES with exhaustion by budget increase (pabutools `exhaustion_by_budget_increase`).
    MesExh,
    /// Sequential Phragmén (approval ballots), stopping at the first winner that does not fit.
    Phragmen,
    /// Maximum utilitarian welfare (an exact knapsack).
    MaxWelfare,
}

impl Rule {
    /// Every rule, in a fixed order.
    pub const ALL: [Rule; 9] = [
        Rule::Greedy,
        Rule::GreedyScore,
        Rule::Mes,
        Rule::MesAdd1,
        Rule::MesAdd1Greedy,
        Rule::MesAdd1Comparison,
        Rule::MesExh,
        Rule::Phragmen,
        Rule::MaxWelfare,
    ];

    /// The canonical name (`snake_case`).
    pub fn name(self) -> &'static str {
        match self {
            Rule::Greedy => "greedy",
            Rule::GreedyScore => "greedy_score",
            Rule::Mes => "mes",
            Rule::MesAdd1 => "mes_add1",
            Rule::MesAdd1Greedy => "mes_add1_greedy",
            Rule::MesAdd1Comparison => "mes_add1_comparison",
            Rule::MesExh => "mes_exh",
            Rule::Phragmen => "phragmen",
            Rule::MaxWelfare => "max_welfare",
        }
    }

    /// Parses a rule name; `_` and `-` are interchangeable.
    pub fn parse(s: &str) -> Option<Rule> {
        let norm = s.trim().replace('-', "_");
        Rule::ALL.into_iter().find(|r| r.name() == norm)
    }

    /// The version of this rule's definition. It is bumped whenever an outcome
    /// could change, and it is recorded in every signed tally.
    pub fn version(self) -> &'static str {
        "1"
    }

    /// Whether the rule is defined for ballots of this type.
    pub fn applies_to(self, vote_type: VoteType) -> bool {
        match self {
            Rule::Phragmen => vote_type.is_approval(),
            Rule::GreedyScore => vote_type.has_points(),
            Rule::MaxWelfare => vote_type != VoteType::Ordinal,
            _ => true,
        }
    }
}

/// How ties between projects are broken. Part of each rule's definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TieBreak {
    /// The smallest project id wins, comparing ids byte-wise as strings
    /// (`"10"` before `"9"`), as pabutools' default `lexico_tie_breaking` does.
    #[default]
    SmallestId,
    /// The largest project id wins (the reverse order; used to detect
    /// tie-sensitive outcomes).
    LargestId,
}

impl TieBreak {
    /// Orders two project ids so that the preferred one compares `Less`.
    pub fn cmp_ids(self, a: &str, b: &str) -> std::cmp::Ordering {
        match self {
            TieBreak::SmallestId => a.as_bytes().cmp(b.as_bytes()),
            TieBreak::LargestId => b.as_bytes().cmp(a.as_bytes()),
        }
    }
}

/// Why a tally could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TallyError {
    /// The rule is not defined for this vote type.
    #[error("rule {rule} does not apply to {vote_type} ballots")]
    RuleNotApplicable {
        /// The rule's name.
        rule: &'static str,
        /// The vote type's Pabulib name.
        vote_type: &'static str,
    },
    /// The election is malformed in a way the rule cannot work with.
    #[error("invalid election: {0}")]
    InvalidElection(String),
}

/// Why the rule chose what it chose, per rule family.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Explanation {
    /// Greedy rules.
    Greedy(greedy::GreedyExplanation),
    /// The Method of Equal Shares family.
    Mes(mes::MesExplanation),
    /// Sequential Phragmén.
    Phragmen(phragmen::PhragmenExplanation),
    /// Maximum welfare.
    MaxWelfare(max_welfare::MaxWelfareExplanation),
}

/// The result of a tally.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The rule that produced it.
    pub rule: Rule,
    /// Selected projects as indices into [`Election::projects`], in the order the rule selected them.
    pub selected: Vec<usize>,
    /// The exact total cost of the selected projects.
    pub total_cost: Money,
    /// Why these projects and not others.
    pub explanation: Explanation,
}

impl Outcome {
    /// Selected project ids sorted as strings (byte-wise), the order `expected.json` uses.
    pub fn selected_ids_sorted(&self, election: &Election) -> Vec<String> {
        let mut ids: Vec<String> = self
            .selected
            .iter()
            .map(|&i| election.projects[i].id.clone())
            .collect();
        ids.sort();
        ids
    }
}

/// Checks what every rule relies on: each project costs more than nothing
/// (satisfaction per unit of cost must be defined), each ballot refers to
/// existing projects, and point ballots carry one point value per choice.
pub fn validate(election: &Election) -> Result<(), TallyError> {
    use num_traits::Signed;
    if election.budget.is_negative() {
        return Err(TallyError::InvalidElection("the budget is negative".into()));
    }
    if let Some(p) = election.projects.iter().find(|p| !p.cost.is_positive()) {
        return Err(TallyError::InvalidElection(format!(
            "project {} has cost {}, but every cost must be positive",
            p.id, p.cost
        )));
    }
    let n = election.projects.len();
    for voter in &election.voters {
        if voter.choices.iter().any(|&p| p as usize >= n) {
            return Err(TallyError::InvalidElection(format!(
                "voter {} names a project that does not exist",
                voter.id
            )));
        }
        if election.vote_type.has_points() && voter.points.len() != voter.choices.len() {
            return Err(TallyError::InvalidElection(format!(
                "voter {} has {} points for {} choices",
                voter.id,
                voter.points.len(),
                voter.choices.len()
            )));
        }
    }
    Ok(())
}

/// Runs `rule` on `election` with the given tie-breaking order.
pub fn tally(rule: Rule, election: &Election, tie: TieBreak) -> Result<Outcome, TallyError> {
    if !rule.applies_to(election.vote_type) {
        return Err(TallyError::RuleNotApplicable {
            rule: rule.name(),
            vote_type: election.vote_type.as_str(),
        });
    }
    match rule {
        Rule::Greedy => greedy::greedy_utilitarian(election, tie),
        Rule::GreedyScore => greedy::greedy_score(election, tie),
        Rule::Mes => mes::mes(election, tie),
        Rule::MesAdd1 => mes::mes_add1(election, tie),
        Rule::MesAdd1Greedy => mes::mes_add1_greedy(election, tie),
        Rule::MesAdd1Comparison => mes::mes_add1_comparison(election, tie),
        Rule::MesExh => mes::mes_exh(election, tie),
        Rule::Phragmen => phragmen::sequential_phragmen(election, tie),
        Rule::MaxWelfare => max_welfare::max_welfare(election, tie),
    }
}
