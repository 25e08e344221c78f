//! Counting hand-checked processes through the bridge to the tally engine.

use super::election::*;
use crate::crypto::SigningKey;
use crate::ids::Id;
use crate::objects::*;

fn pid(n: u8) -> ProposalId {
    Id::from_bytes([n; 32])
}

fn process(format: BallotFormat, budgets: [Option<u64>; 2], rule: &str) -> ProcessDef {
    ProcessDef {
        slug: "t".into(),
        owner: Id::from_bytes([9; 32]),
        texts: vec![],
        budget: Money {
            minor_units: 100,
            currency: "EUR".into(),
        },
        districts: vec![
            District {
                id: "north".into(),
                name: "North".into(),
                budget: budgets[0],
            },
            District {
                id: "south".into(),
                name: "South".into(),
                budget: budgets[1],
            },
        ],
        schedule: PhaseSchedule {
            proposals: 0,
            review: 1,
            voting: 2,
            closed: 3,
            implementation: 4,
        },
        ballot_format: format,
        rule: RuleRef {
            name: rule.into(),
            version: "1".into(),
        },
        eligibility: Eligibility { census: "c".into() },
        witnesses: WitnessPolicy {
            witnesses: vec![],
            threshold: 0,
        },
        members: vec![],
    }
}

const APPROVAL: BallotFormat = BallotFormat::Approval {
    min: 1,
    max: 5,
    budget_cap: false,
};

fn project(n: u8, cost: u64, district: &str) -> BallotProject {
    BallotProject {
        id: pid(n),
        cost,
        district: district.into(),
    }
}

fn ballot(voter: u8, district: &str, choices: &[(u8, u32)]) -> Ballot {
    Ballot {
        process: Id::from_bytes([1; 32]),
        district: district.into(),
        voter: SigningKey::from_seed(&[voter; 32]).public_key(),
        choices: choices
            .iter()
            .map(|&(p, points)| Choice {
                project: pid(p),
                points,
            })
            .collect(),
    }
}

fn total(content: &TallyContent, n: u8) -> u64 {
    content
        .totals
        .iter()
        .find(|t| t.project == pid(n))
        .map(|t| t.total)
        .unwrap()
}

#[test]
fn one_election_with_the_whole_budget_when_no_district_has_its_own() {
    let p = process(APPROVAL, [None, None], "greedy");
    // Costs 60, 50, 30; approvals 3, 2, 1: greedy takes 1 (60), skips 2 (50
    // does not fit in the 40 left), takes 3 (30).
    let projects = [
        project(3, 30, "south"),
        project(1, 60, "north"),
        project(2, 50, "south"),
    ];
    let ballots = [
        ballot(10, "north", &[(1, 1)]),
        ballot(11, "north", &[(1, 1)]),
        ballot(12, "south", &[(1, 1), (2, 1), (3, 1)]),
        ballot(13, "south", &[(2, 1)]),
    ];
    let elections = election_for(&p, &projects, &ballots).unwrap();
    assert_eq!(elections.len(), 1);
    assert_eq!(elections[0].district, None);
    assert_eq!(elections[0].project_ids, vec![pid(1), pid(2), pid(3)]);
    assert_eq!(elections[0].election.projects[0].id, pid(1).to_string());
    let content = tally_process(&p, &projects, &ballots).unwrap();
    assert_eq!(content.ballots_counted, 4);
    let ids: Vec<_> = content.totals.iter().map(|t| t.project).collect();
    assert_eq!(ids, vec![pid(1), pid(2), pid(3)]);
    assert_eq!(
        (total(&content, 1), total(&content, 2), total(&content, 3)),
        (3, 2, 1)
    );
    assert_eq!(content.selected, vec![pid(1), pid(3)]);
}

#[test]
fn districts_with_budgets_are_counted_separately_in_district_order() {
    // North has 50 of its own, south falls back to the process's 100.
    let p = process(APPROVAL, [Some(50), None], "greedy");
    let projects = [
        project(1, 40, "north"),
        project(2, 20, "north"),
        project(3, 90, "south"),
        project(4, 20, "south"),
    ];
    let ballots = [
        ballot(10, "north", &[(1, 1)]),
        ballot(11, "north", &[(1, 1), (2, 1)]),
        ballot(12, "south", &[(3, 1), (4, 1)]),
        ballot(13, "south", &[(3, 1)]),
    ];
    let elections = election_for(&p, &projects, &ballots).unwrap();
    let districts: Vec<_> = elections.iter().map(|e| e.district.clone()).collect();
    assert_eq!(districts, vec![Some("north".into()), Some("south".into())]);
    assert_eq!(elections[0].election.voters.len(), 2);
    assert_eq!(
        elections[0].election.budget,
        crate::election::Money::from_integer(50.into())
    );
    let content = tally_process(&p, &projects, &ballots).unwrap();
    // North: 1 (40) fits, 2 (20) does not fit in 10. South: 3 (90), then 4 does not fit.
    assert_eq!(content.selected, vec![pid(1), pid(3)]);
    assert_eq!(content.totals.len(), 4);
}

#[test]
fn a_ballot_naming_a_project_of_another_district_is_refused_per_district() {
    let p = process(APPROVAL, [Some(50), Some(50)], "greedy");
    let projects = [project(1, 40, "north"), project(2, 40, "south")];
    let ballots = [ballot(10, "north", &[(2, 1)])];
    assert_eq!(
        tally_process(&p, &projects, &ballots),
        Err(RecountError::ProjectNotCounted {
            voter: ballots[0].voter.to_string(),
            project: pid(2),
        })
    );
}

#[test]
fn rankings_are_ordered_by_rank_and_totalled_as_borda() {
    let p = process(
        BallotFormat::Ranking { min: 1, max: 3 },
        [None, None],
        "greedy",
    );
    let projects = [
        project(1, 10, "north"),
        project(2, 10, "north"),
        project(3, 10, "north"),
    ];
    // Choices are stored by project id; the ranks say 3 > 1 > 2.
    let ballots = [ballot(10, "north", &[(1, 2), (2, 3), (3, 1)])];
    let elections = election_for(&p, &projects, &ballots).unwrap();
    assert_eq!(
        elections[0].election.vote_type,
        crate::election::VoteType::Ordinal
    );
    assert_eq!(elections[0].election.voters[0].choices, vec![2, 0, 1]);
    assert!(elections[0].election.voters[0].points.is_empty());
    let content = tally_process(&p, &projects, &ballots).unwrap();
    assert_eq!(
        (total(&content, 1), total(&content, 2), total(&content, 3)),
        (1, 0, 2)
    );
}

#[test]
fn cumulative_and_scoring_totals_are_points() {
    for format in [
        BallotFormat::Cumulative {
            total_points: 10,
            max_per_project: 10,
        },
        BallotFormat::Scoring {
            min_score: 0,
            max_score: 5,
            max_projects: 3,
        },
    ] {
        let p = process(format, [None, None], "greedy_score");
        let projects = [project(1, 60, "north"), project(2, 60, "north")];
        let ballots = [
            ballot(10, "north", &[(1, 2), (2, 3)]),
            ballot(11, "north", &[(1, 4)]),
        ];
        let content = tally_process(&p, &projects, &ballots).unwrap();
        assert_eq!((total(&content, 1), total(&content, 2)), (6, 3));
        assert_eq!(content.selected, vec![pid(1)]);
    }
}

#[test]
fn ties_break_by_the_smallest_hex_id() {
    let p = process(APPROVAL, [None, None], "greedy");
    let projects = [project(0xb0, 60, "north"), project(0xa0, 60, "north")];
    let ballots = [ballot(10, "north", &[(0xa0, 1), (0xb0, 1)])];
    let content = tally_process(&p, &projects, &ballots).unwrap();
    assert_eq!(content.selected, vec![pid(0xa0)]);
}

#[test]
fn unknown_rules_versions_and_districts_are_named() {
    let projects = [project(1, 10, "north")];
    let p = process(APPROVAL, [None, None], "coin_toss");
    assert_eq!(
        tally_process(&p, &projects, &[]),
        Err(RecountError::UnknownRule("coin_toss".into()))
    );
    let mut p = process(APPROVAL, [None, None], "greedy");
    p.rule.version = "7".into();
    assert!(matches!(
        tally_process(&p, &projects, &[]),
        Err(RecountError::RuleVersion { .. })
    ));
    let p = process(APPROVAL, [None, None], "greedy");
    assert!(matches!(
        tally_process(&p, &[project(1, 10, "east")], &[]),
        Err(RecountError::ProjectDistrictUnknown { .. })
    ));
    assert!(matches!(
        tally_process(&p, &projects, &[ballot(1, "east", &[])]),
        Err(RecountError::BallotDistrictUnknown { .. })
    ));
    assert_eq!(
        tally_process(&p, &[project(1, 10, "north"), project(1, 10, "north")], &[]),
        Err(RecountError::DuplicateProject(pid(1)))
    );
    let phragmen = process(
        BallotFormat::Ranking { min: 1, max: 3 },
        [None, None],
        "phragmen",
    );
    assert!(matches!(
        tally_process(&phragmen, &projects, &[]),
        Err(RecountError::Tally(_))
    ));
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Whatever the ballots: every proposal has a total, approvals add up
        /// to the choices made, nothing is selected twice, and each district
        /// stays within its budget.
        #[test]
        fn counts_add_up_and_budgets_hold(
            costs in prop::collection::vec((1u64..60, any::<bool>()), 1..8),
            ballots in prop::collection::vec((any::<bool>(), prop::collection::btree_set(0usize..8, 0..4)), 0..12),
            split in any::<bool>(),
        ) {
            let budgets = if split { [Some(50), Some(70)] } else { [None, None] };
            let p = process(APPROVAL, budgets, "greedy");
            let district = |north: bool| if north { "north" } else { "south" };
            let projects: Vec<BallotProject> = costs
                .iter()
                .enumerate()
                .map(|(i, &(cost, north))| project(i as u8, cost, district(north)))
                .collect();
            let ballots: Vec<Ballot> = ballots
                .iter()
                .enumerate()
                .map(|(v, (north, chosen))| {
                    let choices: Vec<(u8, u32)> = chosen
                        .iter()
                        .filter(|&&c| c < projects.len() && (!split || projects[c].district == district(*north)))
                        .map(|&c| (c as u8, 1))
                        .collect();
                    ballot(v as u8, district(*north), &choices)
                })
                .collect();
            let content = tally_process(&p, &projects, &ballots).unwrap();
            prop_assert_eq!(content.totals.len(), projects.len());
            let approvals: u64 = content.totals.iter().map(|t| t.total).sum();
            let choices: u64 = ballots.iter().map(|b| b.choices.len() as u64).sum();
            prop_assert_eq!(approvals, choices);
            let mut seen = std::collections::BTreeSet::new();
            prop_assert!(content.selected.iter().all(|id| seen.insert(*id)));
            for (d, budget) in [("north", p.budget_for("north")), ("south", p.budget_for("south"))] {
                let spent: u64 = projects
                    .iter()
                    .filter(|x| content.selected.contains(&x.id) && (!split || x.district == d))
                    .map(|x| x.cost)
                    .sum();
                let cap = if split { budget } else { p.budget.minor_units };
                prop_assert!(spent <= cap, "{} spent {} over {}", d, spent, cap);
            }
        }
    }
}
