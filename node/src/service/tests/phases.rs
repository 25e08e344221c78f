//! Drafts, phase order, proposals, review and checkpoints.

use super::support::*;
use crate::service::{CheckpointPolicy, Clock, ProposalFilter, Review};
use pbnode_protocol::crypto::Signable;
use pbnode_protocol::objects::{Phase, ProposalStatus};

#[test]
fn drafts_edit_until_open_and_phases_only_move_one_step_forward() {
    let (node, _clock) = node_on(memory(), CheckpointPolicy::default());
    let draft = node.create_process(def("budget")).unwrap();
    assert_eq!((draft.id, draft.phase, draft.log_size), (None, None, 0));
    assert_eq!(draft.def.owner, node.jurisdiction_id());
    assert_eq!(
        node.create_process(def("budget")).unwrap_err().code(),
        "slug_taken"
    );
    assert_eq!(
        node.create_process(def("Bad Slug")).unwrap_err().code(),
        "invalid_input"
    );
    let mut no_districts = def("empty");
    no_districts.districts.clear();
    assert_eq!(
        node.create_process(no_districts).unwrap_err().code(),
        "invalid_process_definition"
    );
    let mut edited = def("budget");
    edited.budget.minor_units = 250_000;
    node.edit_process("budget", edited.clone()).unwrap();
    assert_eq!(
        node.edit_process("budget", def("other"))
            .unwrap_err()
            .code(),
        "invalid_input"
    );

    let open = node.open_process("budget").unwrap();
    let id = open.id.unwrap();
    edited.owner = node.jurisdiction_id();
    assert_eq!(
        id,
        edited.id().unwrap(),
        "the id is the hash of the opened definition"
    );
    assert_eq!(open.phase, Some(Phase::Proposals));
    assert_eq!(
        node.open_process("budget").unwrap_err().code(),
        "process_already_open"
    );
    assert_eq!(
        node.edit_process("budget", def("budget"))
            .unwrap_err()
            .code(),
        "process_already_open"
    );
    assert_eq!(node.get_process(&id.to_string()).unwrap().slug, "budget");
    assert_eq!(node.list_processes().unwrap().len(), 1);

    // Every phase change is followed by a checkpoint of the whole log.
    let covered = |node: &crate::service::Node| {
        node.latest_checkpoint(&id)
            .unwrap()
            .unwrap()
            .checkpoint()
            .size
            == node.log_size(&id).unwrap()
    };
    assert!(covered(&node));
    let order = |from, to| {
        node.advance_phase(&id, to)
            .map(|_| ())
            .map_err(|e| (from, e.code()))
    };
    assert_eq!(
        order(Phase::Proposals, Phase::Voting),
        Err((Phase::Proposals, "invalid_phase_transition"))
    );
    order(Phase::Proposals, Phase::Review).unwrap();
    assert!(covered(&node));
    assert_eq!(
        order(Phase::Review, Phase::Proposals),
        Err((Phase::Review, "invalid_phase_transition"))
    );
    assert_eq!(
        order(Phase::Review, Phase::Closed),
        Err((Phase::Review, "invalid_phase_transition"))
    );
    let late = node
        .submit_proposal(&id, submission("Late", 100, "north"))
        .unwrap_err();
    assert_eq!(late.code(), "wrong_phase");
    let v = to_voting(&node, "second", 2);
    let early = node
        .advance_phase(&v.id, Phase::Implementation)
        .unwrap_err();
    assert_eq!(early.code(), "invalid_phase_transition");
    order(Phase::Review, Phase::Voting).unwrap();
    assert!(covered(&node));
    order(Phase::Voting, Phase::Closed).unwrap();
    order(Phase::Closed, Phase::Implementation).unwrap();
    assert!(covered(&node));
    assert_eq!(
        order(Phase::Implementation, Phase::Implementation),
        Err((Phase::Implementation, "invalid_phase_transition"))
    );
}

#[test]
fn proposals_filter_review_and_revise_their_cost_in_the_log() {
    let (node, _clock) = node_on(memory(), CheckpointPolicy::default());
    node.create_process(def("budget")).unwrap();
    let id = node.open_process("budget").unwrap().id.unwrap();
    let trees = node
        .submit_proposal(&id, submission("Trees", 30_000, "north"))
        .unwrap();
    let bikes = node
        .submit_proposal(&id, submission("Bike lane", 50_000, "north"))
        .unwrap();
    let library = node
        .submit_proposal(&id, submission("Library", 60_000, "south"))
        .unwrap();
    let dup = node
        .submit_proposal(&id, submission("Trees", 30_000, "north"))
        .unwrap_err();
    assert_eq!(dup.code(), "duplicate_proposal");
    assert_eq!(
        node.submit_proposal(&id, submission("X", 5, "west"))
            .unwrap_err()
            .code(),
        "invalid_input"
    );
    assert_eq!(
        node.submit_proposal(&id, submission("X", 0, "north"))
            .unwrap_err()
            .code(),
        "invalid_input"
    );
    let early = node
        .review_proposal(&id, &trees.id, Review::Accept { cost: 30_000 })
        .unwrap_err();
    assert_eq!(early.code(), "wrong_phase");
    node.comment(&id, &trees.id, "Ola", "Yes, oaks please")
        .unwrap();
    node.comment(&id, &trees.id, "Jan", "And lindens").unwrap();
    let comments = node.comments(&id, &trees.id).unwrap();
    assert_eq!(
        comments
            .iter()
            .map(|c| c.author.as_str())
            .collect::<Vec<_>>(),
        ["Ola", "Jan"]
    );

    let filter = |f: ProposalFilter| {
        node.list_proposals(&id, &f)
            .unwrap()
            .into_iter()
            .map(|p| p.proposal.title)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        filter(ProposalFilter::default()),
        ["Trees", "Bike lane", "Library"]
    );
    let north = ProposalFilter {
        district: Some("north".into()),
        ..Default::default()
    };
    assert_eq!(filter(north), ["Trees", "Bike lane"]);
    let transport = ProposalFilter {
        category: Some("transport".into()),
        ..Default::default()
    };
    assert_eq!(filter(transport), ["Bike lane", "Library"]);
    let text = ProposalFilter {
        text: Some("LANE".into()),
        ..Default::default()
    };
    assert_eq!(filter(text), ["Bike lane"]);

    node.advance_phase(&id, Phase::Review).unwrap();
    node.review_proposal(&id, &trees.id, Review::Accept { cost: 30_000 })
        .unwrap();
    let no_reason = node.review_proposal(&id, &bikes.id, Review::Reject { reason: " ".into() });
    assert_eq!(no_reason.unwrap_err().code(), "invalid_input");
    node.review_proposal(
        &id,
        &bikes.id,
        Review::Reject {
            reason: "too narrow".into(),
        },
    )
    .unwrap();
    let again = node
        .review_proposal(&id, &bikes.id, Review::Accept { cost: 50_000 })
        .unwrap_err();
    assert_eq!(again.code(), "invalid_status_change");
    // Accepting at a reviewed cost logs a revised proposal with that cost.
    let revised = node
        .review_proposal(&id, &library.id, Review::Accept { cost: 75_000 })
        .unwrap();
    assert_eq!(
        (revised.proposal.cost, revised.status),
        (75_000, ProposalStatus::Accepted)
    );
    let original = node.proposal(&id, &library.id).unwrap();
    assert_eq!(original.status, ProposalStatus::Rejected);
    assert_eq!(original.revised_as, Some(revised.id));
    let accepted = ProposalFilter {
        status: Some(ProposalStatus::Accepted),
        ..Default::default()
    };
    assert_eq!(filter(accepted), ["Trees", "Library"]);
}

#[test]
fn checkpoints_follow_the_policy_and_never_sign_two_roots_for_one_size() {
    let policy = CheckpointPolicy {
        every_entries: 3,
        every_seconds: 100,
    };
    let (node, clock) = node_on(memory(), policy);
    let v = to_voting(&node, "budget", 8);
    let keys: Vec<_> = (0..4).map(|i| register(&node, &v, i * 2)).collect();
    let signed_at_phase = node.latest_checkpoint(&v.id).unwrap().unwrap();
    let now = clock.now();
    let cast = |i: usize| {
        node.cast_ballot(ballot(v.id, &keys[i], "north", &[v.north[0]]))
            .unwrap()
    };
    // Four registrations since the voting checkpoint... registration came
    // after it, so the log already grew by 4: the count trigger fires.
    assert_eq!(node.maybe_checkpoint(now).unwrap().len(), 1);
    cast(0);
    cast(1);
    assert!(
        node.maybe_checkpoint(now).unwrap().is_empty(),
        "2 new entries, policy 3"
    );
    cast(2);
    let signed = node.maybe_checkpoint(now).unwrap();
    assert_eq!(signed, [(v.id, node.log_size(&v.id).unwrap())]);
    cast(3);
    assert!(node.maybe_checkpoint(now + 99).unwrap().is_empty());
    assert_eq!(
        node.maybe_checkpoint(now + 100).unwrap().len(),
        1,
        "time trigger"
    );
    assert!(
        node.maybe_checkpoint(now + 500).unwrap().is_empty(),
        "no growth, no checkpoint"
    );
    // Asking for a checkpoint of an already signed size returns the same one.
    let size = node.log_size(&v.id).unwrap();
    let first = node.checkpoint_at(&v.id, size).unwrap().unwrap();
    let receipt = node.receipt(&v.id, &cast(0).commitment).unwrap();
    let again = node.checkpoint_at(&v.id, size).unwrap().unwrap();
    assert_eq!(first, again);
    assert!(receipt.checkpoint.contains(&format!("\n{}\n", size + 1)));
    let sizes: Vec<u64> = node
        .checkpoints(&v.id)
        .unwrap()
        .iter()
        .map(|c| c.checkpoint().size)
        .collect();
    assert!(
        sizes.windows(2).all(|w| w[0] < w[1]),
        "one checkpoint per size"
    );
    assert!(sizes.contains(&signed_at_phase.checkpoint().size));
    assert!(
        signed_at_phase
            .checkpoint()
            .origin
            .starts_with("pbnode/gdansk/")
    );
}
