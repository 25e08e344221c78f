//! Helpers shared by the rule modules' hand-checked unit tests.

use super::Outcome;
use crate::election::Election;
use crate::pabulib::parse;

/// Parses a small Pabulib election written inline: `projects` as
/// `id;cost\n` lines, `votes` as `voter;choices\n` lines (with `;points`
/// for cumulative ballots).
pub(crate) fn pabulib_election(
    vote_type: &str,
    budget: u32,
    projects: &str,
    votes: &str,
) -> Election {
    let points = if vote_type == "cumulative" {
        ";points"
    } else {
        ""
    };
    parse(&format!(
        "META\nkey;value\nbudget;{budget}\nvote_type;{vote_type}\nPROJECTS\nproject_id;cost\n{projects}VOTES\nvoter_id;vote{points}\n{votes}"
    ))
    .unwrap()
}

/// The selected project ids in the order the rule funded them (unlike
/// [`Outcome::selected_ids_sorted`]), since these tests check that order.
pub(crate) fn funded_ids(e: &Election, o: &Outcome) -> Vec<String> {
    o.selected
        .iter()
        .map(|&p| e.projects[p].id.clone())
        .collect()
}
