//! Ballot validation: each rule of each ballot format, with the exact error
//! a voter (or a recount) gets.

use super::fixtures::*;
use pbnode_protocol::ballot::{BallotContext, BallotError, ProjectInfo};
use pbnode_protocol::crypto::Signable;
use pbnode_protocol::objects::*;
use std::collections::BTreeMap;

fn id_of(title: &str) -> ProposalId {
    let (cost, district) = match title {
        "Trees" => (1_000_000, "north"),
        "Bike lane" => (5_000_000, "north"),
        "Library" => (55_000_000, "north"),
        "Fountain" => (2_000_000, "north"),
        _ => (3_000_000, "south"),
    };
    proposal(title, cost, district).id().unwrap()
}

fn projects() -> BTreeMap<ProposalId, ProjectInfo> {
    let info = |cost: u64, district: &str, status| ProjectInfo {
        cost,
        district: district.into(),
        status,
    };
    BTreeMap::from([
        (
            id_of("Trees"),
            info(1_000_000, "north", ProposalStatus::Accepted),
        ),
        (
            id_of("Bike lane"),
            info(5_000_000, "north", ProposalStatus::Accepted),
        ),
        (
            id_of("Library"),
            info(55_000_000, "north", ProposalStatus::Accepted),
        ),
        (
            id_of("Fountain"),
            info(2_000_000, "north", ProposalStatus::Rejected),
        ),
        (
            id_of("Park"),
            info(3_000_000, "south", ProposalStatus::Accepted),
        ),
    ])
}

/// A north ballot with these (project, points), in canonical order.
fn ballot_of(choices: &[(&str, u32)]) -> Ballot {
    let mut choices: Vec<Choice> = choices
        .iter()
        .map(|(title, points)| Choice {
            project: id_of(title),
            points: *points,
        })
        .collect();
    choices.sort_by_key(|c| c.project);
    Ballot {
        process: process_id(),
        district: "north".into(),
        voter: voter().public_key(),
        choices,
    }
}

fn validate(format: BallotFormat, ballot: &Ballot) -> Result<(), BallotError> {
    let process = process_with(format);
    let projects = projects();
    let context = BallotContext {
        process_id: process.id().unwrap(),
        process: &process,
        projects: &projects,
    };
    // Fixture ballots name the approval process; retarget them to this one.
    let mut ballot = ballot.clone();
    if ballot.process == process_id() {
        ballot.process = context.process_id;
    }
    context.validate(&ballot)
}

const APPROVAL: BallotFormat = BallotFormat::Approval {
    min: 1,
    max: 3,
    budget_cap: true,
};

#[test]
fn a_valid_approval_ballot_passes_while_voting_is_open() {
    let process = process();
    let projects = projects();
    let context = BallotContext {
        process_id: process_id(),
        process: &process,
        projects: &projects,
    };
    let ballot = ballot_of(&[("Trees", 1), ("Bike lane", 1)]);
    assert_eq!(
        context.validate_cast(&ballot, "north", VOTING_OPENS),
        Ok(())
    );
    assert_eq!(
        context.validate_cast(&ballot, "north", VOTING_CLOSES),
        Err(BallotError::VotingNotOpen {
            now: VOTING_CLOSES,
            opens: VOTING_OPENS,
            closes: VOTING_CLOSES
        })
    );
    assert!(matches!(
        context.validate_cast(&ballot, "north", VOTING_OPENS - 1),
        Err(BallotError::VotingNotOpen { .. })
    ));
    assert_eq!(
        context.validate_cast(&ballot, "south", VOTING_OPENS),
        Err(BallotError::WrongDistrict {
            ballot: "north".into(),
            credential: "south".into()
        })
    );
}

#[test]
fn wrong_process_and_unknown_district_are_named() {
    let mut ballot = ballot_of(&[("Trees", 1)]);
    let other = proposal("x", 1, "north").process;
    let mut foreign = ballot.clone();
    foreign.process = pbnode_protocol::ids::Id::from_bytes([9; 32]);
    assert!(matches!(
        validate(APPROVAL, &foreign),
        Err(BallotError::WrongProcess { found, .. }) if found == foreign.process && found != other
    ));
    ballot.district = "east".into();
    assert_eq!(
        validate(APPROVAL, &ballot),
        Err(BallotError::UnknownDistrict {
            district: "east".into()
        })
    );
}

#[test]
fn duplicate_and_unsorted_choices_are_refused() {
    let mut ballot = ballot_of(&[("Trees", 1), ("Bike lane", 1)]);
    ballot.choices.swap(0, 1);
    assert_eq!(
        validate(APPROVAL, &ballot),
        Err(BallotError::ChoicesNotSorted)
    );
    ballot.choices[1] = ballot.choices[0];
    assert_eq!(
        validate(APPROVAL, &ballot),
        Err(BallotError::DuplicateChoice {
            project: ballot.choices[0].project
        })
    );
}

#[test]
fn projects_must_exist_be_accepted_and_be_in_the_district() {
    let unknown = ballot_of(&[("Nowhere", 1)]);
    let mut unknown_north = unknown.clone();
    unknown_north.choices[0].project = pbnode_protocol::ids::Id::from_bytes([1; 32]);
    assert_eq!(
        validate(APPROVAL, &unknown_north),
        Err(BallotError::UnknownProject {
            project: unknown_north.choices[0].project
        })
    );
    assert_eq!(
        validate(APPROVAL, &ballot_of(&[("Fountain", 1)])),
        Err(BallotError::ProjectNotOnBallot {
            project: id_of("Fountain"),
            status: ProposalStatus::Rejected
        })
    );
    assert_eq!(
        validate(APPROVAL, &ballot_of(&[("Park", 1)])),
        Err(BallotError::ProjectInOtherDistrict {
            project: id_of("Park"),
            project_district: "south".into(),
            ballot_district: "north".into()
        })
    );
}

#[test]
fn approval_counts_points_and_budget_cap() {
    assert_eq!(
        validate(APPROVAL, &ballot_of(&[])),
        Err(BallotError::TooFewChoices { min: 1, found: 0 })
    );
    let two = BallotFormat::Approval {
        min: 1,
        max: 2,
        budget_cap: false,
    };
    let three = ballot_of(&[("Trees", 1), ("Bike lane", 1), ("Library", 1)]);
    assert_eq!(
        validate(two, &three),
        Err(BallotError::TooManyChoices { max: 2, found: 3 })
    );
    assert_eq!(
        validate(APPROVAL, &ballot_of(&[("Trees", 2)])),
        Err(BallotError::ApprovalPointsNotOne {
            project: id_of("Trees"),
            points: 2
        })
    );
    // North's own budget (60 M) caps the ballot, not the process's 100 M.
    assert_eq!(
        validate(APPROVAL, &three),
        Err(BallotError::OverBudget {
            cost: 61_000_000,
            cap: 60_000_000
        })
    );
    let uncapped = BallotFormat::Approval {
        min: 1,
        max: 3,
        budget_cap: false,
    };
    assert_eq!(validate(uncapped, &three), Ok(()));
}

#[test]
fn cumulative_points_respect_total_and_per_project_limits() {
    let format = BallotFormat::Cumulative {
        total_points: 10,
        max_per_project: 6,
    };
    assert_eq!(
        validate(
            format.clone(),
            &ballot_of(&[("Trees", 6), ("Bike lane", 4)])
        ),
        Ok(())
    );
    assert_eq!(validate(format.clone(), &ballot_of(&[])), Ok(()));
    assert_eq!(
        validate(
            format.clone(),
            &ballot_of(&[("Trees", 6), ("Bike lane", 5)])
        ),
        Err(BallotError::PointsOverTotal {
            given: 11,
            total: 10
        })
    );
    assert_eq!(
        validate(format.clone(), &ballot_of(&[("Trees", 7)])),
        Err(BallotError::PointsOverPerProject {
            project: id_of("Trees"),
            points: 7,
            max: 6
        })
    );
    assert_eq!(
        validate(format, &ballot_of(&[("Trees", 0)])),
        Err(BallotError::ZeroPoints {
            project: id_of("Trees")
        })
    );
}

#[test]
fn scores_stay_in_range_and_under_the_project_limit() {
    let format = BallotFormat::Scoring {
        min_score: 1,
        max_score: 5,
        max_projects: 2,
    };
    assert_eq!(
        validate(format.clone(), &ballot_of(&[("Trees", 5), ("Library", 1)])),
        Ok(())
    );
    assert_eq!(
        validate(format.clone(), &ballot_of(&[("Trees", 6)])),
        Err(BallotError::ScoreOutOfRange {
            project: id_of("Trees"),
            score: 6,
            min: 1,
            max: 5
        })
    );
    assert!(matches!(
        validate(format.clone(), &ballot_of(&[("Trees", 0)])),
        Err(BallotError::ScoreOutOfRange { score: 0, .. })
    ));
    assert_eq!(
        validate(
            format,
            &ballot_of(&[("Trees", 1), ("Bike lane", 1), ("Library", 1)])
        ),
        Err(BallotError::TooManyChoices { max: 2, found: 3 })
    );
}

#[test]
fn rankings_are_exactly_one_to_n() {
    let format = BallotFormat::Ranking { min: 2, max: 3 };
    assert_eq!(
        validate(
            format.clone(),
            &ballot_of(&[("Trees", 2), ("Bike lane", 1), ("Library", 3)])
        ),
        Ok(())
    );
    assert_eq!(
        validate(
            format.clone(),
            &ballot_of(&[("Trees", 1), ("Bike lane", 1)])
        ),
        Err(BallotError::DuplicateRank { rank: 1 })
    );
    assert_eq!(
        validate(
            format.clone(),
            &ballot_of(&[("Trees", 1), ("Bike lane", 3)])
        ),
        Err(BallotError::RankGap { missing: 2 })
    );
    assert_eq!(
        validate(
            format.clone(),
            &ballot_of(&[("Trees", 0), ("Bike lane", 1)])
        ),
        Err(BallotError::RankGap { missing: 2 })
    );
    assert_eq!(
        validate(format, &ballot_of(&[("Trees", 1)])),
        Err(BallotError::TooFewChoices { min: 2, found: 1 })
    );
}

#[test]
fn process_definitions_are_checked_for_canonical_sets() {
    assert_eq!(process().check(), Ok(()));
    let mut p = process();
    p.districts.reverse();
    assert_eq!(p.check(), Err(ProcessDefError::DistrictsNotSorted));
    let mut p = process();
    p.texts.reverse();
    assert_eq!(p.check(), Err(ProcessDefError::TextsNotSorted));
    let mut p = process();
    p.witnesses.threshold = 4;
    assert_eq!(
        p.check(),
        Err(ProcessDefError::ThresholdTooHigh {
            threshold: 4,
            count: 3
        })
    );
    let mut p = process();
    p.schedule.closed = p.schedule.voting - 1;
    assert_eq!(p.check(), Err(ProcessDefError::ScheduleNotOrdered));
    let mut p = process();
    p.ballot_format = BallotFormat::Ranking { min: 3, max: 2 };
    assert_eq!(p.check(), Err(ProcessDefError::InconsistentFormat));
}
