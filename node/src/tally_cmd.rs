//! `pbnode tally`: count a Pabulib `.pb` file with one rule (or all rules that
//! apply) and print the outcome with its explanation, as JSON or as a table.

use pbnode_protocol::election::Election;
use pbnode_protocol::pabulib::{ParseError, format_money, parse_bytes};
use pbnode_protocol::tally::greedy::GreedyDecision;
use pbnode_protocol::tally::satisfaction::project_satisfaction;
use pbnode_protocol::tally::{Explanation, Outcome, Rule, TallyError, TieBreak, tally};
use serde::Serialize;
use std::fmt::Write as _;
use std::path::PathBuf;

/// Arguments of `pbnode tally`.
#[derive(Debug, Clone, clap::Args)]
pub struct TallyArgs {
    /// The rule: greedy, greedy_score, mes, mes_add1, mes_add1_greedy,
    /// mes_add1_comparison, mes_exh, phragmen, max_welfare (`-` or `_`), or
    /// `all` for every rule that applies to the file's vote type.
    #[arg(long)]
    pub rule: String,
    /// The Pabulib `.pb` file.
    pub file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    pub format: Format,
    /// How ties between projects are broken.
    #[arg(long, value_enum, default_value_t = TieBreakArg::SmallestId)]
    pub tie_break: TieBreakArg,
}

/// Output formats of `pbnode tally`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// `{"rule", "rule_version", "selected", "total_cost", "explanation"}` (an array for `--rule all`).
    Json,
    /// A table per rule: project, name, cost, score, outcome.
    Table,
}

/// Tie-breaking orders on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TieBreakArg {
    /// The smallest project id wins, comparing ids byte-wise (the pabutools default).
    SmallestId,
    /// The largest project id wins.
    LargestId,
}

impl From<TieBreakArg> for TieBreak {
    fn from(arg: TieBreakArg) -> TieBreak {
        match arg {
            TieBreakArg::SmallestId => TieBreak::SmallestId,
            TieBreakArg::LargestId => TieBreak::LargestId,
        }
    }
}

/// Why `pbnode tally` failed.
#[derive(Debug, thiserror::Error)]
pub enum TallyCmdError {
    /// The file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not a valid Pabulib file.
    #[error("{}: {source}", path.display())]
    Malformed {
        /// The file.
        path: PathBuf,
        /// Where and what (the message names the line and field).
        source: ParseError,
    },
    /// The rule name is not known.
    #[error("unknown rule {0:?}; expected one of {rules} or all", rules = rule_names())]
    UnknownRule(String),
    /// The rule could not count this election.
    #[error(transparent)]
    Tally(#[from] TallyError),
}

impl TallyCmdError {
    /// The process exit code: 2 for bad input (unreadable or malformed file,
    /// unknown or inapplicable rule), 1 for a failure while counting.
    pub fn exit_code(&self) -> u8 {
        match self {
            TallyCmdError::Tally(TallyError::InvalidElection(_)) => 1,
            _ => 2,
        }
    }
}

fn rule_names() -> String {
    Rule::ALL.map(Rule::name).join(", ")
}

/// One rule's result as printed in JSON.
#[derive(Debug, Serialize)]
pub struct TallyReport<'a> {
    /// The rule's name.
    pub rule: &'static str,
    /// The version of the rule's definition.
    pub rule_version: &'static str,
    /// Selected project ids, sorted byte-wise.
    pub selected: Vec<String>,
    /// The exact total cost (an integer or `p/q`).
    pub total_cost: String,
    /// Why the rule selected these projects.
    pub explanation: &'a Explanation,
}

/// Runs `pbnode tally` and returns what it prints on standard output.
pub fn run(args: &TallyArgs) -> Result<String, TallyCmdError> {
    let rules = parse_rules(&args.rule)?;
    let bytes = std::fs::read(&args.file).map_err(|source| TallyCmdError::Read {
        path: args.file.clone(),
        source,
    })?;
    let election = parse_bytes(&bytes).map_err(|source| TallyCmdError::Malformed {
        path: args.file.clone(),
        source,
    })?;
    let all = rules.len() > 1;
    let rules: Vec<Rule> = if all {
        rules
            .into_iter()
            .filter(|r| r.applies_to(election.vote_type))
            .collect()
    } else {
        rules
    };
    let outcomes = rules
        .into_iter()
        .map(|rule| tally(rule, &election, args.tie_break.into()))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(match args.format {
        Format::Json => {
            let reports: Vec<TallyReport<'_>> =
                outcomes.iter().map(|o| report(&election, o)).collect();
            let json = if all {
                serde_json::to_string_pretty(&reports)
            } else {
                serde_json::to_string_pretty(&reports[0])
            };
            // Serializing plain strings and numbers cannot fail.
            json.unwrap_or_default() + "\n"
        }
        Format::Table => outcomes
            .iter()
            .map(|o| table(&election, o))
            .collect::<Vec<_>>()
            .join("\n"),
    })
}

/// One rule, or every rule for `all`.
fn parse_rules(name: &str) -> Result<Vec<Rule>, TallyCmdError> {
    if name.trim().eq_ignore_ascii_case("all") {
        return Ok(Rule::ALL.to_vec());
    }
    Rule::parse(name)
        .map(|r| vec![r])
        .ok_or_else(|| TallyCmdError::UnknownRule(name.to_string()))
}

/// The JSON report of one outcome.
pub fn report<'a>(election: &Election, outcome: &'a Outcome) -> TallyReport<'a> {
    TallyReport {
        rule: outcome.rule.name(),
        rule_version: outcome.rule.version(),
        selected: outcome.selected_ids_sorted(election),
        total_cost: format_money(&outcome.total_cost),
        explanation: &outcome.explanation,
    }
}

/// A readable table: one row per project with its score and what happened to it.
pub fn table(election: &Election, outcome: &Outcome) -> String {
    let satisfaction = project_satisfaction(election);
    let name_col = election.project_columns.iter().position(|c| c == "name");
    let mut rows: Vec<[String; 5]> = Vec::new();
    let name_of =
        |p: usize| name_col.map_or(String::new(), |c| election.projects[p].extra[c].clone());
    let mut listed = vec![false; election.projects.len()];
    let push = |p: usize,
                score: String,
                fate: String,
                rows: &mut Vec<[String; 5]>,
                listed: &mut [bool]| {
        listed[p] = true;
        rows.push([
            election.projects[p].id.clone(),
            name_of(p),
            format_money(&election.projects[p].cost),
            score,
            fate,
        ]);
    };
    let score_title = match &outcome.explanation {
        Explanation::Greedy(g) => {
            for entry in &g.projects {
                let Some(p) = election.project_index(&entry.id) else {
                    continue;
                };
                let fate = match &entry.decision {
                    GreedyDecision::Initial => "selected (initial allocation)".to_string(),
                    GreedyDecision::Selected { remaining_after } => {
                        format!("selected, {} left", format_money(remaining_after))
                    }
                    GreedyDecision::DidNotFit { remaining } => format!(
                        "skipped: costs {} > {} left",
                        format_money(&entry.cost),
                        format_money(remaining)
                    ),
                };
                push(p, format_money(&entry.score), fate, &mut rows, &mut listed);
            }
            g.score
        }
        Explanation::Phragmen(ph) => {
            for (round, r) in ph.rounds.iter().enumerate() {
                let Some(p) = election.project_index(&r.id) else {
                    continue;
                };
                let load = r.load.as_ref().map_or("infinite".to_string(), format_money);
                push(
                    p,
                    r.approvals.to_string(),
                    format!("selected in round {}, load {load}", round + 1),
                    &mut rows,
                    &mut listed,
                );
            }
            "approvals"
        }
        Explanation::MaxWelfare(_) | Explanation::Mes(_) => "satisfaction",
    };
    let selected: Vec<bool> = (0..election.projects.len())
        .map(|p| outcome.selected.contains(&p))
        .collect();
    for &p in &outcome.selected {
        if !listed[p] {
            push(
                p,
                format_money(&satisfaction[p]),
                "selected".into(),
                &mut rows,
                &mut listed,
            );
        }
    }
    let mut rest: Vec<usize> = (0..election.projects.len())
        .filter(|&p| !listed[p])
        .collect();
    rest.sort_by(|&a, &b| election.projects[a].id.cmp(&election.projects[b].id));
    for p in rest {
        let fate = match &outcome.explanation {
            Explanation::Phragmen(ph) if ph.over_budget.contains(&election.projects[p].id) => {
                "not considered: costs more than the budget".to_string()
            }
            Explanation::Phragmen(ph) => match &ph.stop {
                Some(stop) if stop.id == election.projects[p].id => format!(
                    "stopped here: costs {} > {} left",
                    format_money(&stop.cost),
                    format_money(&stop.remaining)
                ),
                _ => "not selected (rule stopped)".to_string(),
            },
            _ if selected[p] => "selected".to_string(),
            _ => "not selected".to_string(),
        };
        let score = match &outcome.explanation {
            Explanation::Phragmen(_) => String::new(),
            _ => format_money(&satisfaction[p]),
        };
        push(p, score, fate, &mut rows, &mut listed);
    }
    render(outcome, election, score_title, &rows)
}

fn render(
    outcome: &Outcome,
    election: &Election,
    score_title: &str,
    rows: &[[String; 5]],
) -> String {
    let header = ["project", "name", "cost", score_title, "outcome"];
    let mut widths = header.map(|h| h.chars().count());
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count().min(48));
        }
    }
    let mut out = format!(
        "rule {} (version {}): {} of {} projects selected, total cost {} of {}\n",
        outcome.rule.name(),
        outcome.rule.version(),
        outcome.selected.len(),
        election.projects.len(),
        format_money(&outcome.total_cost),
        format_money(&election.budget)
    );
    let line = |out: &mut String, cells: [&str; 5]| {
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            let cell: String = cell.chars().take(48).collect();
            let pad = w.saturating_sub(cell.chars().count());
            if i == 4 {
                out.push_str(&cell);
            } else if i == 2 || i == 3 {
                let _ = write!(out, "{}{}", " ".repeat(pad), cell);
            } else {
                let _ = write!(out, "{}{}", cell, " ".repeat(pad));
            }
            out.push_str(if i < 4 { "  " } else { "\n" });
        }
    };
    line(&mut out, header);
    for row in rows {
        line(
            &mut out,
            [&row[0], &row[1], &row[2], &row[3], &row[4]].map(String::as_str),
        );
    }
    out
}
