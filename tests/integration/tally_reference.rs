//! Our tally rules against pabutools 1.2.3 on the 20 real Pabulib elections
//! (`tests/data/pabulib/expected.json`), and against what cities actually
//! funded where their rule is known.
//!
//! Every (file, rule) pair with status `ok` is run; failures are collected and
//! reported together. `PBNODE_RULES=greedy,phragmen` restricts the rules while
//! developing; by default every rule is checked.

use pbnode_protocol::election::{Election, Money};
use pbnode_protocol::pabulib::{parse_bytes, parse_money};
use pbnode_protocol::tally::satisfaction::welfare;
use pbnode_protocol::tally::{Rule, TieBreak, tally};
use serde_json::Value;
use std::path::PathBuf;

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/pabulib")
}

fn load(name: &str) -> Election {
    let bytes = std::fs::read(data_dir().join(name)).unwrap();
    parse_bytes(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn expected() -> Value {
    let text = std::fs::read_to_string(data_dir().join("expected.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Rules selected by `PBNODE_RULES` (comma-separated), or all of them.
fn rules_under_test() -> Vec<Rule> {
    match std::env::var("PBNODE_RULES") {
        Ok(list) if !list.trim().is_empty() => list
            .split(',')
            .map(|name| {
                Rule::parse(name).unwrap_or_else(|| panic!("PBNODE_RULES: unknown rule {name:?}"))
            })
            .collect(),
        _ => Rule::ALL.to_vec(),
    }
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

fn money(value: &Value) -> Money {
    parse_money(value.as_str().unwrap()).unwrap()
}

/// Projects in one list and not the other, for failure messages.
fn difference(ours: &[String], theirs: &[String]) -> String {
    let only_ours: Vec<&String> = ours.iter().filter(|p| !theirs.contains(p)).collect();
    let only_theirs: Vec<&String> = theirs.iter().filter(|p| !ours.contains(p)).collect();
    format!("only ours {only_ours:?}, only pabutools {only_theirs:?}")
}

/// Compares one rule's outcome with pabutools'; `Err` describes the difference.
fn check(election: &Election, rule: Rule, reference: &Value) -> Result<(), String> {
    let outcome = tally(rule, election, TieBreak::SmallestId).map_err(|e| format!("error: {e}"))?;
    let ours = outcome.selected_ids_sorted(election);
    let theirs = strings(&reference["selected"]);
    let budget_ok = outcome.total_cost <= election.budget;
    if !budget_ok {
        return Err(format!("over budget: {}", outcome.total_cost));
    }
    if rule == Rule::MaxWelfare {
        let our_welfare = welfare(election, &outcome.selected);
        let their_welfare = money(&reference["welfare"]);
        return if our_welfare == their_welfare {
            Ok(())
        } else {
            Err(format!(
                "welfare {our_welfare} vs pabutools {their_welfare}"
            ))
        };
    }
    if ours != theirs {
        return Err(difference(&ours, &theirs));
    }
    if outcome.total_cost != money(&reference["total_cost"]) {
        return Err(format!("same set but total cost {}", outcome.total_cost));
    }
    Ok(())
}

#[test]
fn every_reference_outcome_of_pabutools() {
    let expected = expected();
    let rules = rules_under_test();
    let mut checked = 0;
    let mut failures = Vec::new();
    for (file, info) in expected["files"].as_object().unwrap() {
        let election = load(file);
        for (rule_name, reference) in info["rules"].as_object().unwrap() {
            let rule = Rule::parse(rule_name)
                .unwrap_or_else(|| panic!("unknown rule {rule_name} in expected.json"));
            if reference["status"] != "ok" || !rules.contains(&rule) {
                continue;
            }
            checked += 1;
            if let Err(why) = check(&election, rule, reference) {
                failures.push(format!("{file} / {rule_name}: {why}"));
            }
        }
    }
    assert!(checked > 0, "no (file, rule) pair selected");
    assert!(
        failures.is_empty(),
        "{} of {checked} (file, rule) pairs differ from pabutools:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// A city's real selection (the file's `selected` column) reproduced by a rule.
fn reproduces_city(file: &str, rule: Rule) {
    let election = load(file);
    let expected = expected();
    let city = strings(&expected["files"][file]["pabulib_selected_column"]);
    let outcome = tally(rule, &election, TieBreak::SmallestId).unwrap();
    let ours = outcome.selected_ids_sorted(&election);
    assert_eq!(
        ours,
        city,
        "{file} with {}: {}",
        rule.name(),
        difference(&ours, &city)
    );
}

#[test]
fn poznan_2024_funded_the_greedy_outcome() {
    reproduces_city(
        "Poland_Poznan_2024_6_-_Ogrody_Solacz_Winiary_Wola__small.pb",
        Rule::Greedy,
    );
}

#[test]
fn czestochowa_2024_funded_the_greedy_by_points_outcome() {
    reproduces_city("Poland_Czestochowa_2024.pb", Rule::GreedyScore);
}

/// Small random elections built to tie (`scripts/gen-tie-fixtures.py`): each
/// rule must break ties as pabutools does, both with the default order
/// (smallest id first) and with the reverse order (largest id first).
#[test]
fn tie_breaking_matches_pabutools_both_ways() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/ties");
    let text = std::fs::read_to_string(dir.join("expected.json")).unwrap();
    let expected: Value = serde_json::from_str(&text).unwrap();
    let rules = rules_under_test();
    let mut checked = 0;
    let mut tie_sensitive_checked = 0;
    let mut failures = Vec::new();
    for (file, info) in expected["files"].as_object().unwrap() {
        let bytes = std::fs::read(dir.join(file)).unwrap();
        let election = parse_bytes(&bytes).unwrap_or_else(|e| panic!("{file}: {e}"));
        for (rule_name, reference) in info["rules"].as_object().unwrap() {
            let rule = Rule::parse(rule_name).unwrap();
            if !rules.contains(&rule) {
                continue;
            }
            checked += 1;
            if rule == Rule::MaxWelfare {
                if let Err(why) = check(&election, rule, reference) {
                    failures.push(format!("{file} / {rule_name}: {why}"));
                }
                continue;
            }
            if reference["tie_sensitive"] == true {
                tie_sensitive_checked += 1;
            }
            for (tie, key) in [
                (TieBreak::SmallestId, "selected"),
                (TieBreak::LargestId, "selected_reversed"),
            ] {
                let theirs = strings(&reference[key]);
                match tally(rule, &election, tie) {
                    Ok(outcome) => {
                        let ours = outcome.selected_ids_sorted(&election);
                        if ours != theirs {
                            failures.push(format!(
                                "{file} / {rule_name} / {tie:?}: {}",
                                difference(&ours, &theirs)
                            ));
                        }
                    }
                    Err(e) => failures.push(format!("{file} / {rule_name} / {tie:?}: error: {e}")),
                }
            }
        }
    }
    assert!(checked > 0, "no (file, rule) pair selected");
    // The fixtures are only worth something if reversing the order changes outcomes.
    let all_rules = std::env::var("PBNODE_RULES").map_or(true, |v| v.trim().is_empty());
    assert!(
        !all_rules || tie_sensitive_checked >= 20,
        "only {tie_sensitive_checked} tie-sensitive cases"
    );
    assert!(
        failures.is_empty(),
        "{} tie-breaking differences from pabutools:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
