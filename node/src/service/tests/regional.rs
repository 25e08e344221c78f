//! Regional processes: a region and its member municipalities, each a real
//! node over its own store, exchanging log entries as the federation would.

use super::support::*;
use crate::service::{CheckpointPolicy, ManualClock, Node, NodeIdentity, Review};
use crate::store::KvStore;
use pbnode_protocol::crypto::{Signable, SigningKey};
use pbnode_protocol::encoding;
use pbnode_protocol::objects::{
    Aggregate, Ballot, JurisdictionId, LogEntry, MemberTally, Phase, ProcessId, ProjectTotal,
    ProposalId, ProposalStatus,
};
use pbnode_protocol::recount::{
    AggregateError, BallotProject, LogKeys, MemberLog, VerifyError, aggregate_members,
    tally_process, verify_aggregate, verify_log,
};
use std::collections::BTreeMap;
use std::sync::Arc;

fn open_node(
    store: Arc<dyn KvStore>,
    seed: u8,
    slug: &str,
    parent: Option<JurisdictionId>,
) -> Node {
    let identity = NodeIdentity {
        slug: slug.into(),
        name: slug.to_uppercase(),
        parent,
    };
    let clock = Arc::new(ManualClock::new(1_800_000_000));
    Node::open(
        store,
        &[seed; 32],
        identity,
        CheckpointPolicy::default(),
        clock,
    )
    .unwrap()
}

/// A region, its two members and a municipality of the region that is not
/// a member of the process.
struct Federation {
    region_store: Arc<dyn KvStore>,
    region: Node,
    members: Vec<Node>,
    outsider: Node,
}

fn federation() -> Federation {
    let region_store = memory();
    let region = open_node(region_store.clone(), 1, "pomorskie", None);
    let parent = Some(region.jurisdiction_id());
    let mut members = vec![
        open_node(memory(), 2, "gdansk", parent),
        open_node(memory(), 3, "gdynia", parent),
    ];
    members.sort_by_key(Node::jurisdiction_id);
    Federation {
        region_store,
        region,
        members,
        outsider: open_node(memory(), 4, "sopot", parent),
    }
}

/// The region's regional process, with its proposals.
struct Regional {
    id: ProcessId,
    trees: ProposalId,
    bike: ProposalId,
    library: ProposalId,
    statue: ProposalId,
}

/// Opens a regional process at the region with four proposals (one
/// rejected in review) and moves it to `phase` (review or voting).
fn regional_process(f: &Federation, phase: Phase) -> Regional {
    let region = &f.region;
    let mut def = def("pomorskie-2027");
    def.members = f.members.iter().map(Node::jurisdiction_id).collect();
    region.create_process(def).unwrap();
    let id = region.open_process("pomorskie-2027").unwrap().id.unwrap();
    let submit = |title, cost, district| {
        region
            .submit_proposal(&id, submission(title, cost, district))
            .unwrap()
            .id
    };
    let trees = submit("Trees", 30_000, "north");
    let bike = submit("Bike lane", 50_000, "north");
    let library = submit("Library", 60_000, "south");
    let statue = submit("Statue", 20_000, "south");
    region.advance_phase(&id, Phase::Review).unwrap();
    if phase == Phase::Voting {
        for (p, cost) in [(trees, 30_000), (bike, 50_000), (library, 60_000)] {
            region
                .review_proposal(&id, &p, Review::Accept { cost })
                .unwrap();
        }
        let reject = Review::Reject {
            reason: "not public land".into(),
        };
        region.review_proposal(&id, &statue, reject).unwrap();
        region.advance_phase(&id, Phase::Voting).unwrap();
    }
    Regional {
        id,
        trees,
        bike,
        library,
        statue,
    }
}

fn all_entries(node: &Node, id: &ProcessId) -> Vec<Vec<u8>> {
    node.log_entries(id, 0, usize::MAX).unwrap()
}

fn decoded(node: &Node, id: &ProcessId) -> Vec<LogEntry> {
    all_entries(node, id)
        .iter()
        .map(|b| encoding::from_bytes(b).unwrap())
        .collect()
}

/// Imports a census at a member, registers every voter and casts each
/// voter's ballot: `votes[i]` is voter `i`'s district and approved projects.
fn vote(member: &Node, id: &ProcessId, first_key: u32, votes: &[(&str, Vec<ProposalId>)]) {
    let csv: String = votes
        .iter()
        .enumerate()
        .map(|(i, (district, _))| format!("r{i},{district}\n"))
        .collect();
    let report = member.import_census(id, &csv).unwrap();
    assert_eq!(report.imported, votes.len());
    let codes = parse_codes(&member.issue_codes(id).unwrap());
    for (i, (district, projects)) in votes.iter().enumerate() {
        let key = voter_key(first_key + i as u32);
        let code = &codes[&format!("r{i}")].1;
        member.register_voter(id, code, key.public_key()).unwrap();
        member
            .cast_ballot(ballot(*id, &key, district, projects))
            .unwrap();
    }
}

fn member_keys(region: &Node, member: &Node, id: &ProcessId) -> LogKeys {
    LogKeys {
        owner: region.public_key(),
        node: member.public_key(),
        log: member.log_verifier_key(id).unwrap(),
        owner_id: Some(region.jurisdiction_id()),
    }
}

/// Verifies a member's closed log end to end; the ballots counted.
fn verify_member(member: &Node, id: &ProcessId, keys: &LogKeys) -> Result<u64, VerifyError> {
    let checkpoint = member.latest_checkpoint(id).unwrap().unwrap();
    verify_log(&all_entries(member, id), keys, &checkpoint).map(|r| {
        assert_eq!(r.process, *id);
        r.counted
    })
}

/// The counted ballots a member's closed log opens.
fn opened_ballots(member: &Node, id: &ProcessId) -> Vec<Ballot> {
    decoded(member, id)
        .into_iter()
        .filter_map(|e| match e {
            LogEntry::BallotOpened(o) => Some(o.opening.ballot),
            _ => None,
        })
        .collect()
}

/// The aggregate recomputed by hand from the member logs: every member's
/// tally and checkpoint, and the rule applied to all their ballots.
fn combined(f: &Federation, r: &Regional) -> Aggregate {
    let def = f.region.get_process(&r.id.to_string()).unwrap().def;
    let projects: Vec<BallotProject> = [r.trees, r.bike, r.library]
        .iter()
        .map(|p| {
            let record = f.region.proposal(&r.id, p).unwrap();
            BallotProject {
                id: *p,
                cost: record.proposal.cost,
                district: record.proposal.district,
            }
        })
        .collect();
    let ballots: Vec<Ballot> = f
        .members
        .iter()
        .flat_map(|m| opened_ballots(m, &r.id))
        .collect();
    let count = tally_process(&def, &projects, &ballots).unwrap();
    let members = f
        .members
        .iter()
        .map(|m| {
            let tally = m.results(&r.id).unwrap();
            let note = m.latest_checkpoint(&r.id).unwrap().unwrap().to_text();
            MemberTally {
                jurisdiction: m.jurisdiction_id(),
                tally,
                checkpoint_note: note,
            }
        })
        .collect();
    Aggregate {
        process: r.id,
        members,
        rule: def.rule,
        totals: count.totals,
        selected: count.selected,
    }
}

#[test]
fn members_collect_the_ballots_of_a_regional_process_and_their_logs_verify() {
    let f = federation();
    let r = regional_process(&f, Phase::Voting);
    let region_log = all_entries(&f.region, &r.id);
    for member in &f.members {
        let info = member
            .adopt_regional_process(&region_log, &f.region.public_key())
            .unwrap();
        assert_eq!((info.id, info.phase), (Some(r.id), Some(Phase::Voting)));
        assert_eq!(info.def.owner, f.region.jurisdiction_id());
        // Adopting again changes nothing.
        let again = member
            .adopt_regional_process(&region_log, &f.region.public_key())
            .unwrap();
        assert_eq!(again, info);
        // Entry 0 is the region's own bytes; the rejected proposal is not copied.
        let ours = all_entries(member, &r.id);
        assert_eq!(ours[0], region_log[0]);
        assert!(ours.iter().all(|e| region_log.contains(e)));
        let on_ballot: Vec<_> = member
            .list_proposals(&r.id, &Default::default())
            .unwrap()
            .into_iter()
            .map(|p| (p.id, p.status))
            .collect();
        let mut expected = [r.trees, r.bike, r.library];
        expected.sort_by_key(|p| f.region.proposal(&r.id, p).unwrap().leaf);
        assert_eq!(
            on_ballot,
            expected
                .iter()
                .map(|p| (*p, ProposalStatus::Accepted))
                .collect::<Vec<_>>()
        );
        assert!(member.proposal(&r.id, &r.statue).is_err());
    }
    let (a, b) = (&f.members[0], &f.members[1]);
    vote(
        a,
        &r.id,
        0,
        &[
            ("north", vec![r.bike]),
            ("south", vec![r.library]),
            ("north", vec![r.bike]),
        ],
    );
    vote(
        b,
        &r.id,
        100,
        &[
            ("north", vec![r.trees]),
            ("south", vec![r.library]),
            ("north", vec![r.trees]),
            ("north", vec![r.trees, r.bike]),
        ],
    );
    // A member does not move the phases: the region's log does.
    assert_eq!(
        a.advance_phase(&r.id, Phase::Closed).unwrap_err().code(),
        "follows_region"
    );
    let before_close = all_entries(&f.region, &r.id);
    assert_eq!(
        a.follow_region(&r.id, &before_close).unwrap().phase,
        Some(Phase::Voting)
    );

    let closed = f.region.advance_phase(&r.id, Phase::Closed).unwrap();
    assert_eq!(closed.phase, Some(Phase::Closed));
    let region_log = decoded(&f.region, &r.id);
    assert!(
        region_log
            .iter()
            .all(|e| !matches!(e, LogEntry::Tallied(_) | LogEntry::BallotOpened(_))),
        "the region counts nothing itself"
    );
    assert_eq!(f.region.results(&r.id).unwrap_err().code(), "not_closed");
    let region_log = all_entries(&f.region, &r.id);
    for (member, voters) in [(a, 3), (b, 4)] {
        let info = member.follow_region(&r.id, &region_log).unwrap();
        assert_eq!(info.phase, Some(Phase::Closed));
        // Following again changes nothing.
        assert_eq!(member.follow_region(&r.id, &region_log).unwrap(), info);
        let tally = member.results(&r.id).unwrap();
        tally.verify(&member.public_key()).unwrap();
        assert_eq!(tally.value.ballots_counted, voters);
        // A member's partial count selects nothing on its own.
        for p in member.list_proposals(&r.id, &Default::default()).unwrap() {
            assert_eq!(p.status, ProposalStatus::Accepted);
        }
        let keys = member_keys(&f.region, member, &r.id);
        assert_eq!(verify_member(member, &r.id, &keys), Ok(voters));
        // The member did not define the process: its key does not own it.
        let municipal = LogKeys {
            owner: member.public_key(),
            ..keys.clone()
        };
        assert!(matches!(
            verify_member(member, &r.id, &municipal),
            Err(VerifyError::ProcessSignature(_))
        ));
        // Another jurisdiction named as owner is refused.
        let other_owner = LogKeys {
            owner_id: Some(member.jurisdiction_id()),
            ..keys
        };
        assert!(matches!(
            verify_member(member, &r.id, &other_owner),
            Err(VerifyError::OwnerMismatch { .. })
        ));
    }

    // The region combines the member logs and publishes the result.
    let logs: Vec<MemberLog> = f
        .members
        .iter()
        .map(|m| m.member_log(&r.id).unwrap())
        .collect();
    for (log, m) in logs.iter().zip(&f.members) {
        assert_eq!(log.keys, member_keys(&f.region, m, &r.id));
    }
    let definition = f.region.signed_definition(&r.id).unwrap();
    let aggregate = aggregate_members(&definition, &logs).unwrap();
    assert_eq!(aggregate, combined(&f, &r), "the rule over all ballots");
    assert!(matches!(
        aggregate_members(&definition, &logs[..1]),
        Err(AggregateError::MissingMember(_))
    ));
    let totals: BTreeMap<ProposalId, u64> = aggregate
        .totals
        .iter()
        .map(|t: &ProjectTotal| (t.project, t.total))
        .collect();
    assert_eq!(
        totals,
        [(r.trees, 3), (r.bike, 3), (r.library, 2)]
            .into_iter()
            .collect()
    );
    assert_eq!(f.region.aggregate_of(&r.id).unwrap(), None);
    let signed = f
        .region
        .publish_aggregate(&r.id, aggregate.clone())
        .unwrap();
    signed.verify(&f.region.public_key()).unwrap();
    assert_eq!(f.region.aggregate_of(&r.id).unwrap(), Some(signed.clone()));
    let report = verify_aggregate(&signed, &f.region.public_key(), &definition, &logs).unwrap();
    assert_eq!(report.ballots_counted, 7);
    // A region that signs another result than its members' logs give is caught.
    let region_key = SigningKey::from_seed(&[1; 32]);
    let mut inflated = aggregate.clone();
    inflated.totals[0].total += 1;
    let forged = inflated.sign(&region_key).unwrap();
    assert!(verify_aggregate(&forged, &f.region.public_key(), &definition, &logs).is_err());
    let mut dropped = logs.clone();
    dropped[1].entries.pop();
    assert!(verify_aggregate(&signed, &f.region.public_key(), &definition, &dropped).is_err());
    // The signature binds the region: another key's aggregate is refused.
    let stranger = aggregate
        .clone()
        .sign(&SigningKey::from_seed(&[9; 32]))
        .unwrap();
    assert!(matches!(
        verify_aggregate(&stranger, &f.region.public_key(), &definition, &logs),
        Err(AggregateError::AggregateSignature(_))
    ));
    // Publishing the same again is harmless; another result is refused.
    assert_eq!(
        f.region
            .publish_aggregate(&r.id, aggregate.clone())
            .unwrap(),
        signed
    );
    let mut other = aggregate.clone();
    other.selected.reverse();
    assert_eq!(
        f.region.publish_aggregate(&r.id, other).unwrap_err().code(),
        "aggregate_exists"
    );
    for p in [r.trees, r.bike, r.library] {
        let status = f.region.proposal(&r.id, &p).unwrap().status;
        let expected = if aggregate.selected.contains(&p) {
            ProposalStatus::Selected
        } else {
            ProposalStatus::Accepted
        };
        assert_eq!(status, expected);
    }
    // Logged as `Aggregated`, covered by a signed checkpoint.
    let log = decoded(&f.region, &r.id);
    assert!(log.contains(&LogEntry::Aggregated(signed)));
    let size = f.region.log_size(&r.id).unwrap();
    let checkpoint = f.region.latest_checkpoint(&r.id).unwrap().unwrap();
    assert_eq!(checkpoint.checkpoint().size, size);
    // Members cannot publish one.
    assert_eq!(
        a.publish_aggregate(&r.id, aggregate).unwrap_err().code(),
        "not_regional"
    );
}

#[test]
fn the_region_collects_no_ballots_of_its_regional_process() {
    let f = federation();
    let r = regional_process(&f, Phase::Voting);
    let region = &f.region;
    assert_eq!(
        region
            .import_census(&r.id, "r0,north\n")
            .unwrap_err()
            .code(),
        "region_collects_no_ballots"
    );
    assert_eq!(
        region.issue_codes(&r.id).unwrap_err().code(),
        "region_collects_no_ballots"
    );
    let key = voter_key(1);
    assert_eq!(
        region
            .register_voter(&r.id, "00000000000000000000000000000000", key.public_key())
            .unwrap_err()
            .code(),
        "region_collects_no_ballots"
    );
    // The ballot writer reports a whole process's failure in one error; its
    // message says why.
    let refused = region
        .cast_ballot(ballot(r.id, &key, "north", &[r.trees]))
        .unwrap_err();
    assert!(
        refused.to_string().contains("collected by its member"),
        "{refused}"
    );
    // An aggregate only after close, and only of a regional process.
    let empty = Aggregate {
        process: r.id,
        members: Vec::new(),
        rule: region.get_process("pomorskie-2027").unwrap().def.rule,
        totals: Vec::new(),
        selected: Vec::new(),
    };
    assert_eq!(
        region
            .publish_aggregate(&r.id, empty.clone())
            .unwrap_err()
            .code(),
        "wrong_phase"
    );
    let municipal = to_voting(region, "municipal", 2);
    region.advance_phase(&municipal.id, Phase::Closed).unwrap();
    let not_regional = Aggregate {
        process: municipal.id,
        ..empty
    };
    assert_eq!(
        region
            .publish_aggregate(&municipal.id, not_regional)
            .unwrap_err()
            .code(),
        "not_regional"
    );
}

#[test]
fn only_members_adopt_and_only_once_voting_opened() {
    let f = federation();
    let r = regional_process(&f, Phase::Review);
    let member = &f.members[0];
    let region_key = f.region.public_key();
    let in_review = all_entries(&f.region, &r.id);
    let early = member
        .adopt_regional_process(&in_review, &region_key)
        .unwrap_err();
    assert!(matches!(
        early,
        crate::service::ServiceError::WrongPhase {
            expected: Phase::Voting,
            actual: Phase::Review
        }
    ));
    for p in [r.trees, r.bike, r.library] {
        f.region
            .review_proposal(
                &r.id,
                &p,
                Review::Accept {
                    cost: f.region.proposal(&r.id, &p).unwrap().proposal.cost,
                },
            )
            .unwrap();
    }
    f.region.advance_phase(&r.id, Phase::Voting).unwrap();
    let voting = all_entries(&f.region, &r.id);
    assert_eq!(
        f.outsider
            .adopt_regional_process(&voting, &region_key)
            .unwrap_err()
            .code(),
        "not_a_member"
    );
    // Entry 0 must be signed by the key the caller trusts for the region.
    assert_eq!(
        member
            .adopt_regional_process(&voting, &SigningKey::from_seed(&[9; 32]).public_key())
            .unwrap_err()
            .code(),
        "invalid_region_log"
    );
    // The region's own process is not adopted by the region.
    assert_eq!(
        f.region
            .adopt_regional_process(&voting, &region_key)
            .unwrap_err()
            .code(),
        "not_regional"
    );
    // An entry that does not decode is refused.
    let mut tampered = voting.clone();
    tampered[1][0] ^= 0xff;
    assert_eq!(
        member
            .adopt_regional_process(&tampered, &region_key)
            .unwrap_err()
            .code(),
        "invalid_region_log"
    );
    // A municipal process is not adopted.
    let municipal = to_voting(&f.region, "municipal", 0);
    let municipal_log = all_entries(&f.region, &municipal.id);
    assert_eq!(
        member
            .adopt_regional_process(&municipal_log, &region_key)
            .unwrap_err()
            .code(),
        "not_regional"
    );
    // A slug already used on the member is reported.
    member.create_process(def("pomorskie-2027")).unwrap();
    assert_eq!(
        member
            .adopt_regional_process(&voting, &region_key)
            .unwrap_err()
            .code(),
        "slug_taken"
    );
    // The other member adopts; following another process's log is refused.
    let other = &f.members[1];
    other.adopt_regional_process(&voting, &region_key).unwrap();
    assert_eq!(
        other
            .follow_region(&r.id, &municipal_log)
            .unwrap_err()
            .code(),
        "invalid_region_log"
    );
}

#[test]
fn a_closed_regional_process_stays_without_a_tally_at_the_region_after_restart() {
    let f = federation();
    let r = regional_process(&f, Phase::Voting);
    f.region.advance_phase(&r.id, Phase::Closed).unwrap();
    let size = f.region.log_size(&r.id).unwrap();
    let store = f.region_store.clone();
    drop(f);
    let region = open_node(store, 1, "pomorskie", None);
    assert_eq!(region.log_size(&r.id).unwrap(), size);
    assert_eq!(region.results(&r.id).unwrap_err().code(), "not_closed");
    assert_eq!(
        region
            .latest_checkpoint(&r.id)
            .unwrap()
            .unwrap()
            .checkpoint()
            .size,
        size
    );
}

#[test]
fn a_member_that_adopts_after_the_close_publishes_an_empty_verifiable_tally() {
    let f = federation();
    let r = regional_process(&f, Phase::Voting);
    let (early, late) = (&f.members[0], &f.members[1]);
    early
        .adopt_regional_process(&all_entries(&f.region, &r.id), &f.region.public_key())
        .unwrap();
    vote(early, &r.id, 0, &[("south", vec![r.library])]);
    f.region.advance_phase(&r.id, Phase::Closed).unwrap();
    let closed_log = all_entries(&f.region, &r.id);
    let info = late
        .adopt_regional_process(&closed_log, &f.region.public_key())
        .unwrap();
    assert_eq!(info.phase, Some(Phase::Closed));
    assert_eq!(late.results(&r.id).unwrap().value.ballots_counted, 0);
    let keys = member_keys(&f.region, late, &r.id);
    assert_eq!(verify_member(late, &r.id, &keys), Ok(0));
    early.follow_region(&r.id, &closed_log).unwrap();
    let logs: Vec<MemberLog> = f
        .members
        .iter()
        .map(|m| m.member_log(&r.id).unwrap())
        .collect();
    let definition = f.region.signed_definition(&r.id).unwrap();
    let aggregate = aggregate_members(&definition, &logs).unwrap();
    let library = aggregate
        .totals
        .iter()
        .find(|t| t.project == r.library)
        .unwrap();
    assert_eq!(library.total, 1);
}
