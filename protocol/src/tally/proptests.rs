//! Property tests on random small elections: every rule stays within budget,
//! greedy rules leave no affordable project unfunded, max_welfare is optimal
//! (checked against brute force), and `.pb` writing round-trips.

use super::greedy::{greedy_score, greedy_utilitarian, greedy_utilitarian_from};
use super::max_welfare::max_welfare;
use super::phragmen::sequential_phragmen;
use super::satisfaction::welfare;
use super::{Outcome, Rule, TieBreak, tally};
use crate::election::{Election, Money, Project, VoteType, Voter};
use crate::pabulib::{parse, write};
use num_bigint::BigInt;
use proptest::prelude::*;

fn money(n: i64, d: i64) -> Money {
    Money::new(BigInt::from(n), BigInt::from(d))
}

/// Random elections: up to 9 projects with few distinct costs (some not
/// whole numbers), up to 14 voters, every vote type.
fn election() -> impl Strategy<Value = Election> {
    let vote_type = prop_oneof![
        Just(VoteType::Approval),
        Just(VoteType::ChooseOne),
        Just(VoteType::Cumulative),
        Just(VoteType::Scoring),
        Just(VoteType::Ordinal),
    ];
    (vote_type, 1usize..10, any::<bool>()).prop_flat_map(|(vote_type, n, numeric_ids)| {
        let costs = prop::collection::vec((1i64..6, prop_oneof![Just(1i64), Just(1), Just(3)]), n);
        let ballot = prop::collection::vec((0..n as u32, 0i64..6), 0..=n.min(5));
        let voters = prop::collection::vec(ballot, 0..15);
        (costs, voters, 0i64..20).prop_map(move |(costs, ballots, budget)| {
            let projects: Vec<Project> = costs
                .iter()
                .enumerate()
                .map(|(i, &(c, d))| Project {
                    id: if numeric_ids {
                        (i + 5).to_string()
                    } else {
                        format!("p{i}")
                    },
                    cost: money(c * 100, d),
                    extra: vec![],
                })
                .collect();
            let voters = ballots
                .into_iter()
                .enumerate()
                .map(|(v, ballot)| {
                    let mut choices: Vec<u32> = Vec::new();
                    let mut points = Vec::new();
                    for (p, pts) in ballot {
                        if !choices.contains(&p) {
                            choices.push(p);
                            points.push(pts + 1);
                        }
                    }
                    if vote_type == VoteType::ChooseOne {
                        choices.truncate(1);
                    }
                    if !vote_type.has_points() {
                        points.clear();
                    } else {
                        points.truncate(choices.len());
                    }
                    Voter {
                        id: format!("v{v}"),
                        choices,
                        points,
                        extra: vec![],
                    }
                })
                .collect();
            let budget = money(budget * 100, 1);
            Election {
                meta: vec![
                    ("budget".into(), crate::pabulib::format_money(&budget)),
                    ("vote_type".into(), vote_type.as_str().into()),
                ],
                vote_type,
                budget,
                projects,
                project_columns: vec![],
                voters,
                vote_columns: vec![],
            }
        })
    })
}

fn tie() -> impl Strategy<Value = TieBreak> {
    prop_oneof![Just(TieBreak::SmallestId), Just(TieBreak::LargestId)]
}

/// No project outside the selection fits in what the selection leaves.
fn no_affordable_project_left(e: &Election, outcome: &Outcome) -> Result<(), TestCaseError> {
    let left = &e.budget - &outcome.total_cost;
    for (p, project) in e.projects.iter().enumerate() {
        if !outcome.selected.contains(&p) {
            prop_assert!(
                project.cost > left,
                "project {} costs {} but {} is left",
                project.id,
                project.cost,
                left
            );
        }
    }
    Ok(())
}

/// The best welfare over all affordable subsets, by enumeration.
fn brute_force_welfare(e: &Election) -> Money {
    let n = e.projects.len();
    let mut best = money(0, 1);
    for mask in 0u32..(1 << n) {
        let set: Vec<usize> = (0..n).filter(|&p| mask & (1 << p) != 0).collect();
        let cost = set
            .iter()
            .fold(money(0, 1), |acc, &p| acc + &e.projects[p].cost);
        if cost <= e.budget {
            let w = welfare(e, &set);
            if w > best {
                best = w;
            }
        }
    }
    best
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn every_rule_stays_within_budget(e in election(), tie in tie()) {
        for rule in [Rule::Greedy, Rule::GreedyScore, Rule::Phragmen, Rule::MaxWelfare] {
            if !rule.applies_to(e.vote_type) {
                continue;
            }
            let outcome = tally(rule, &e, tie).unwrap();
            prop_assert!(outcome.total_cost <= e.budget, "{}: {} > {}", rule.name(), outcome.total_cost, e.budget);
            let mut unique = outcome.selected.clone();
            unique.sort_unstable();
            unique.dedup();
            prop_assert_eq!(unique.len(), outcome.selected.len(), "{} selected a project twice", rule.name());
        }
    }

    #[test]
    fn greedy_leaves_no_affordable_project(e in election(), tie in tie()) {
        no_affordable_project_left(&e, &greedy_utilitarian(&e, tie).unwrap())?;
        if e.vote_type.has_points() {
            no_affordable_project_left(&e, &greedy_score(&e, tie).unwrap())?;
        }
    }

    #[test]
    fn greedy_completion_keeps_the_initial_projects_and_fills_up(e in election(), tie in tie(), pick in any::<u16>()) {
        // An affordable initial allocation: projects picked by the bits of `pick` while they fit.
        let mut initial = Vec::new();
        let mut cost = money(0, 1);
        for (p, project) in e.projects.iter().enumerate() {
            if pick & (1 << p) != 0 && &cost + &project.cost <= e.budget {
                cost += &project.cost;
                initial.push(p);
            }
        }
        let outcome = greedy_utilitarian_from(&e, &initial, tie).unwrap();
        prop_assert_eq!(&outcome.selected[..initial.len()], &initial[..]);
        prop_assert!(outcome.total_cost <= e.budget);
        no_affordable_project_left(&e, &outcome)?;
    }

    #[test]
    fn max_welfare_is_optimal(e in election(), tie in tie()) {
        prop_assume!(e.vote_type != VoteType::Ordinal);
        let outcome = max_welfare(&e, tie).unwrap();
        prop_assert_eq!(welfare(&e, &outcome.selected), brute_force_welfare(&e));
        let greedy = greedy_utilitarian(&e, tie).unwrap();
        prop_assert!(welfare(&e, &outcome.selected) >= welfare(&e, &greedy.selected));
    }

    #[test]
    fn phragmen_funds_in_order_of_load(e in election(), tie in tie()) {
        prop_assume!(e.vote_type.is_approval());
        let outcome = sequential_phragmen(&e, tie).unwrap();
        let super::Explanation::Phragmen(explanation) = &outcome.explanation else {
            return Err(TestCaseError::fail("not a Phragmén explanation"));
        };
        // Loads never decrease from one round to the next (infinite = None last).
        for pair in explanation.rounds.windows(2) {
            match (&pair[0].load, &pair[1].load) {
                (Some(a), Some(b)) => prop_assert!(a <= b),
                (None, Some(_)) => prop_assert!(false, "finite load after an infinite one"),
                _ => {}
            }
        }
        prop_assert_eq!(explanation.rounds.len(), outcome.selected.len());
    }

    #[test]
    fn written_elections_parse_back_identical(e in election()) {
        let text = write(&e).unwrap();
        prop_assert_eq!(parse(&text).unwrap(), e);
    }
}
