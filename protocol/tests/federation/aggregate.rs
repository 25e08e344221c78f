//! The regional aggregate end to end, then each way a member log or the
//! aggregate can be wrong.

use crate::region::*;
use pbnode_protocol::crypto::{Signable, Signed};
use pbnode_protocol::objects::{Aggregate, LogEntry, ProjectTotal, ProposalId};
use pbnode_protocol::recount::{
    AggregateError, MemberLog, VerifyError, aggregate_members, verify_aggregate,
};

fn total(aggregate: &Aggregate, id: ProposalId) -> u64 {
    aggregate
        .totals
        .iter()
        .find(|t| t.project == id)
        .unwrap()
        .total
}

fn signed_aggregate(region: &Region) -> Signed<Aggregate> {
    aggregate_members(&region.process, &region.logs())
        .unwrap()
        .sign(&key(REGION_SEED))
        .unwrap()
}

fn verify(
    region: &Region,
    signed: &Signed<Aggregate>,
    logs: &[MemberLog],
) -> Result<(), AggregateError> {
    verify_aggregate(
        signed,
        &key(REGION_SEED).public_key(),
        &region.process,
        logs,
    )
    .map(|_| ())
}

#[test]
fn two_member_logs_combine_under_one_regional_budget() {
    let region = two_members();
    let aggregate = aggregate_members(&region.process, &region.logs()).unwrap();
    let p = region.proposal_ids();
    assert_eq!(aggregate.process, region.process.value.id().unwrap());
    assert_eq!(aggregate.rule, region.process.value.rule);
    assert_eq!(
        p.iter()
            .map(|&id| total(&aggregate, id))
            .collect::<Vec<_>>(),
        [3, 3, 2]
    );
    let mut sorted = p.clone();
    sorted.sort();
    let ids: Vec<ProposalId> = aggregate.totals.iter().map(|t| t.project).collect();
    assert_eq!(ids, sorted, "totals sorted by project id");
    let tie_winner = p[0].min(p[1]);
    assert_eq!(aggregate.selected, vec![tie_winner, p[2]]);
    // Members sorted by jurisdiction id, each with its own signed tally and
    // the cosigned checkpoint note of its log.
    let mut expected_ids = vec![GDANSK.id(), GDYNIA.id()];
    expected_ids.sort();
    let member_ids: Vec<_> = aggregate.members.iter().map(|m| m.jurisdiction).collect();
    assert_eq!(member_ids, expected_ids);
    for member in &aggregate.members {
        let node = region
            .members
            .iter()
            .find(|n| n.spec.id() == member.jurisdiction)
            .unwrap();
        assert_eq!(member.tally.signer, node.key.public_key());
        assert_eq!(member.tally.value.ballots_counted, 3);
        assert_eq!(
            member.checkpoint_note,
            node.member_log().checkpoint.to_text()
        );
        assert!(member.checkpoint_note.contains(WITNESS_NAME));
    }
}

#[test]
fn three_members_verify_and_the_report_counts_each() {
    let region = three_members();
    let signed = signed_aggregate(&region);
    let report = verify_aggregate(
        &signed,
        &key(REGION_SEED).public_key(),
        &region.process,
        &region.logs(),
    )
    .unwrap();
    assert_eq!(report.members.len(), 3);
    assert_eq!(report.ballots_counted, 5);
    let counted: u64 = report.members.iter().map(|m| m.ballots_counted).sum();
    assert_eq!(counted, 5);
    let p = region.proposal_ids();
    // Lifeguards 3, bike 2, tram 1: lifeguards (300k), bike (600k), and
    // the tram (500k) no longer fits the one regional budget.
    assert_eq!(report.selected, vec![p[2], p[0]]);
    assert_eq!(report.totals, signed.value.totals);
    assert_eq!(report.selected, signed.value.selected);
}

#[test]
fn the_order_of_member_logs_given_does_not_matter() {
    let region = three_members();
    let mut logs = region.logs();
    logs.reverse();
    let signed = signed_aggregate(&region);
    verify(&region, &signed, &logs).unwrap();
    assert_eq!(
        aggregate_members(&region.process, &logs).unwrap(),
        signed.value
    );
}

#[test]
fn a_missing_member_or_a_stranger_is_refused() {
    let region = three_members();
    let mut logs = region.logs();
    let sopot = logs.pop().unwrap();
    assert_eq!(
        aggregate_members(&region.process, &logs),
        Err(AggregateError::MissingMember(SOPOT.id()))
    );
    logs.push(sopot.clone());
    logs.push(sopot);
    assert_eq!(
        aggregate_members(&region.process, &logs),
        Err(AggregateError::DuplicateMember(SOPOT.id()))
    );
    // A member log from a jurisdiction the process does not list.
    let two = two_members();
    let stranger = build(&[SOPOT], |node| node.vote(50, "coast", &[2]));
    let mut logs = two.logs();
    logs.push(stranger.logs().pop().unwrap());
    assert_eq!(
        aggregate_members(&two.process, &logs),
        Err(AggregateError::NotAMember(SOPOT.id()))
    );
}

#[test]
fn a_member_log_of_another_process_is_named() {
    let two = two_members();
    let three = three_members();
    let mut logs = two.logs();
    // Gdańsk hands in its log of the three-member process: entry 0 is a
    // definition the region signed, but not this one.
    logs[0] = three.members[0].member_log();
    assert_eq!(
        aggregate_members(&two.process, &logs),
        Err(AggregateError::MemberProcess {
            jurisdiction: GDANSK.id(),
            found: three.process.value.id().unwrap(),
        })
    );
}

#[test]
fn keys_that_are_not_the_members_are_refused() {
    let region = two_members();
    let mut logs = region.logs();
    logs[1].keys.node = key(99).public_key();
    assert!(matches!(
        aggregate_members(&region.process, &logs),
        Err(AggregateError::MemberKey { jurisdiction, which: "node", .. }) if jurisdiction == GDYNIA.id()
    ));
    let mut logs = region.logs();
    logs[0].keys.owner = key(99).public_key();
    assert!(matches!(
        aggregate_members(&region.process, &logs),
        Err(AggregateError::MemberKey { which: "owner", .. })
    ));
    let mut logs = region.logs();
    logs[0].keys.log = region.members[1].log_signer.verifier_key();
    assert!(matches!(
        aggregate_members(&region.process, &logs),
        Err(AggregateError::MemberKey {
            which: "checkpoint",
            ..
        })
    ));
}

#[test]
fn a_tampered_member_log_is_named_with_the_verifier_error() {
    let region = two_members();
    let gdynia = &region.members[1];
    // Gdynia's node rewrites a voter's opening after the fact and re-signs
    // its checkpoint (and gets the witness to cosign it).
    let mut leaves = gdynia.leaves();
    let last_opening = leaves.len() - 2;
    let at = leaves[last_opening].len() - 1;
    leaves[last_opening][at] ^= 1;
    let mut logs = region.logs();
    logs[1].checkpoint = gdynia.checkpoint_of(&leaves);
    logs[1].entries = leaves;
    match aggregate_members(&region.process, &logs) {
        Err(AggregateError::MemberLog {
            jurisdiction,
            error,
        }) => {
            assert_eq!(jurisdiction, GDYNIA.id());
            assert!(
                matches!(*error, VerifyError::OpeningMismatch { index, .. } if index == last_opening as u64),
                "{error}"
            );
        }
        other => panic!("expected a member log error, got {other:?}"),
    }
    // Without re-signing, the root no longer matches the checkpoint.
    let mut logs = region.logs();
    logs[0].entries[1][5] ^= 1;
    assert!(matches!(
        aggregate_members(&region.process, &logs),
        Err(AggregateError::MemberLog { error, .. }) if matches!(*error, VerifyError::RootMismatch { .. })
    ));
}

#[test]
fn a_checkpoint_without_the_witness_cosignature_is_refused() {
    let region = two_members();
    let gdansk = &region.members[0];
    let mut logs = region.logs();
    let size = gdansk.size();
    let bare = pbnode_protocol::note::SignedCheckpoint::sign(
        pbnode_protocol::note::Checkpoint::new(
            gdansk.log_signer.name(),
            size,
            gdansk.tree.root(size).unwrap(),
        ),
        &gdansk.log_signer,
    )
    .unwrap();
    logs[0].checkpoint = bare;
    assert!(matches!(
        aggregate_members(&region.process, &logs),
        Err(AggregateError::MemberCosignatures { jurisdiction, .. }) if jurisdiction == GDANSK.id()
    ));
}

#[test]
fn a_voter_counted_in_two_members_is_refused() {
    // Voter 30 registers in both Gdańsk and Gdynia.
    let region = build(&[GDANSK, GDYNIA], |node| node.vote(30, "coast", &[0]));
    let (first, second) = if GDANSK.id() < GDYNIA.id() {
        (GDANSK.id(), GDYNIA.id())
    } else {
        (GDYNIA.id(), GDANSK.id())
    };
    assert_eq!(
        aggregate_members(&region.process, &region.logs()),
        Err(AggregateError::VoterInTwoMembers {
            voter: key(30).public_key().to_string(),
            first,
            second,
        })
    );
}

#[test]
fn a_member_with_another_ballot_is_refused() {
    let mut region = two_members();
    // Gdynia's staff reject the tram after review (before voting): its
    // ballot differs from Gdańsk's. It rebuilds its log so it verifies.
    let process = region.process.clone();
    let mut gdynia = MemberNode::new(GDYNIA, &process);
    let tram = gdynia.proposals[1];
    gdynia.append(LogEntry::ProposalStatusChanged(
        pbnode_protocol::objects::ProposalStatusChange {
            proposal: tram,
            change: pbnode_protocol::objects::StatusChange {
                status: pbnode_protocol::objects::ProposalStatus::Rejected,
                at: OPENS + 1,
                reason: "out of scope".into(),
            },
        },
    ));
    gdynia.vote(40, "coast", &[0]);
    gdynia.close_and_tally();
    region.members[1] = gdynia;
    let (first, differing) = if GDANSK.id() < GDYNIA.id() {
        (GDANSK.id(), GDYNIA.id())
    } else {
        (GDYNIA.id(), GDANSK.id())
    };
    assert_eq!(
        aggregate_members(&region.process, &region.logs()),
        Err(AggregateError::BallotDiffers {
            jurisdiction: differing,
            first,
        })
    );
}

#[test]
fn a_tampered_aggregate_is_named_by_its_field() {
    let region = two_members();
    let logs = region.logs();
    let honest = signed_aggregate(&region);
    let resign = |change: &dyn Fn(&mut Aggregate)| {
        let mut value = honest.value.clone();
        change(&mut value);
        value.sign(&key(REGION_SEED)).unwrap()
    };
    verify(&region, &honest, &logs).unwrap();

    // Signed by someone else.
    let forged = honest.value.clone().sign(&key(77)).unwrap();
    assert!(matches!(
        verify(&region, &forged, &logs),
        Err(AggregateError::AggregateSignature(_))
    ));
    // A flipped signature byte.
    let mut flipped = honest.clone();
    flipped.signature.0[0] ^= 1;
    assert!(matches!(
        verify(&region, &flipped, &logs),
        Err(AggregateError::AggregateSignature(_))
    ));

    let p = region.proposal_ids();
    let bumped = resign(&|a| a.totals[0].total += 1);
    assert_eq!(
        verify(&region, &bumped, &logs),
        Err(AggregateError::Totals {
            project: honest.value.totals[0].project,
            expected: Some(honest.value.totals[0].total),
            found: Some(honest.value.totals[0].total + 1),
        })
    );
    let reordered = resign(&|a| a.totals.reverse());
    assert_eq!(
        verify(&region, &reordered, &logs),
        Err(AggregateError::TotalsOrder)
    );
    let extra = resign(&|a| {
        a.totals.push(ProjectTotal {
            project: pbnode_protocol::ids::Id::from_bytes([0xff; 32]),
            total: 0,
        })
    });
    assert!(matches!(
        verify(&region, &extra, &logs),
        Err(AggregateError::Totals {
            expected: None,
            found: Some(0),
            ..
        })
    ));
    let all = resign(&|a| a.selected = p.clone());
    assert!(matches!(
        verify(&region, &all, &logs),
        Err(AggregateError::Selected { .. })
    ));
    let dropped = resign(&|a| {
        a.members.pop();
    });
    assert_eq!(
        verify(&region, &dropped, &logs),
        Err(AggregateError::MemberCount {
            expected: 2,
            found: 1
        })
    );
    let swapped = resign(&|a| a.members.swap(0, 1));
    assert!(matches!(
        verify(&region, &swapped, &logs),
        Err(AggregateError::MemberDiffers {
            position: 0,
            field: "jurisdiction",
            ..
        })
    ));
    let old_note = resign(&|a| a.members[1].checkpoint_note.push('\n'));
    assert!(matches!(
        verify(&region, &old_note, &logs),
        Err(AggregateError::MemberDiffers {
            position: 1,
            field: "checkpoint note",
            ..
        })
    ));
    let other_tally = resign(&|a| {
        let member = &mut a.members[0];
        member.tally = member.tally.value.clone().sign(&key(REGION_SEED)).unwrap();
    });
    assert!(matches!(
        verify(&region, &other_tally, &logs),
        Err(AggregateError::MemberDiffers {
            position: 0,
            field: "tally",
            ..
        })
    ));
    let other_rule = resign(&|a| a.rule.name = "mes_add1".into());
    assert!(matches!(
        verify(&region, &other_rule, &logs),
        Err(AggregateError::WrongRule { .. })
    ));
    let other_process =
        resign(&|a| a.process = pbnode_protocol::ids::Id::from_bytes(*p[0].as_bytes()));
    assert!(matches!(
        verify(&region, &other_process, &logs),
        Err(AggregateError::WrongProcess { .. })
    ));
}

#[test]
fn a_process_that_is_not_regional_cannot_be_aggregated() {
    let mut def = regional_process(&[GDANSK]);
    def.members.clear();
    let signed = def.sign(&key(REGION_SEED)).unwrap();
    assert!(matches!(
        aggregate_members(&signed, &[]),
        Err(AggregateError::NotRegional(_))
    ));
}
