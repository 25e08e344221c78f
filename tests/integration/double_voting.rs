//! Double voting over HTTP against the real binary: a replayed ballot is
//! refused (409) and counted once, concurrent casts of one credential are
//! serialised and the last acknowledged one counts, a re-cast supersedes
//! the earlier ballot, and the closed log counts each credential once.

use pbnode_protocol::ballot::BallotCommitment;
use pbnode_protocol::ids::Id;
use pbnode_protocol::objects::{LogEntry, ProposalId};
use pbnode_protocol::receipt::Receipt;
use pbnode_tests::client::Client;
use pbnode_tests::real_node::{RealNode, init_data};
use pbnode_tests::voter::SealedBallot;
use pbnode_tests::voting_setup::{
    VotingProcess, opened_commitments, tally_of, verified_closed_log,
};
use serde_json::json;
use std::collections::{BTreeMap, HashSet};

/// A fresh node with a process in voting and `voters` registered voters.
fn voting_node(voters: u32) -> (tempfile::TempDir, RealNode, VotingProcess) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("node");
    init_data(&data, "Double Town");
    let node = RealNode::start(&data);
    let process = VotingProcess::setup(&node.admin(), "double", voters, 2);
    (dir, node, process)
}

fn cast(client: &Client, process: &VotingProcess, ballot: &SealedBallot) -> (u16, String) {
    let reply = client.post_json(
        &format!("/api/v1/processes/{}/ballots", process.id),
        &ballot.body(),
    );
    (reply.status, reply.body)
}

fn receipt(answer: &(u16, String)) -> Receipt {
    assert_eq!(answer.0, 201, "{}", answer.1);
    serde_json::from_str(&answer.1).unwrap()
}

fn assert_duplicate(answer: &(u16, String)) {
    assert_eq!(answer.0, 409, "{}", answer.1);
    let body: serde_json::Value = serde_json::from_str(&answer.1).unwrap();
    assert_eq!(body["error"], "duplicate_ballot", "{}", answer.1);
}

fn close(node: &RealNode, process: &VotingProcess) {
    node.admin()
        .post_json(
            &format!("/api/v1/processes/{}/phase", process.id),
            &json!({"phase": "closed"}),
        )
        .expect_json(200);
}

/// Totals per project as the signed tally has them (zero totals dropped).
fn signed_totals(entries: &[LogEntry]) -> BTreeMap<ProposalId, u64> {
    tally_of(entries)
        .totals
        .iter()
        .filter(|t| t.total > 0)
        .map(|t| (t.project, t.total))
        .collect()
}

/// Approval totals of `ballots`.
fn expected_totals(ballots: &[&SealedBallot]) -> BTreeMap<ProposalId, u64> {
    let mut totals = BTreeMap::new();
    for ballot in ballots {
        for choice in &ballot.opening.ballot.choices {
            *totals.entry(choice.project).or_default() += u64::from(choice.points);
        }
    }
    totals
}

#[test]
fn replays_are_refused_and_a_recast_supersedes_the_earlier_ballot() {
    let (_dir, mut node, process) = voting_node(4);
    let client = node.client();
    let (alice, north) = &process.voters[0];
    let (bob, south) = &process.voters[1];
    let first = alice.approve(process.id, north, &process.north[..1]);
    let first_receipt = receipt(&cast(&client, &process, &first));
    assert_duplicate(&cast(&client, &process, &first));

    let recast = alice.approve(process.id, north, &process.north[1..]);
    let recast_receipt = receipt(&cast(&client, &process, &recast));
    assert!(recast_receipt.leaf_index > first_receipt.leaf_index);
    // Replaying the superseded ballot does not bring it back.
    assert_duplicate(&cast(&client, &process, &first));
    assert_duplicate(&cast(&client, &process, &recast));
    let bobs = bob.approve(process.id, south, &process.south);
    receipt(&cast(&client, &process, &bobs));

    // A replay after a restart is still a replay.
    node.restart();
    let client = node.client();
    assert_duplicate(&cast(&client, &process, &first));
    close(&node, &process);

    let (report, entries, _) = verified_closed_log(&client, &process.id);
    assert_eq!(report.commitments, 3);
    assert_eq!(report.superseded, 1);
    assert_eq!(report.counted, 2);
    assert_eq!(tally_of(&entries).ballots_counted, 2);
    let opened: HashSet<_> = opened_commitments(&entries).into_iter().collect();
    assert_eq!(opened, HashSet::from([recast.id(), bobs.id()]));
    assert_eq!(signed_totals(&entries), expected_totals(&[&recast, &bobs]));
    // The superseded ballot stays in the log: its receipt is still served.
    client
        .get(&format!(
            "/api/v1/processes/{}/receipts/{}",
            process.id,
            first.id()
        ))
        .expect_json(200);
    // After close, no ballot is taken.
    let late = alice.approve(process.id, north, &process.north[..1]);
    let (status, body) = cast(&client, &process, &late);
    assert!((400..500).contains(&status), "{status} {body}");
    assert!(body.contains("wrong_phase"), "{body}");
    node.stop();
}

#[test]
fn concurrent_casts_of_one_credential_are_serialised_and_the_last_acknowledged_counts() {
    const THREADS: usize = 12;
    const PER_THREAD: usize = 3;
    let (_dir, mut node, process) = voting_node(6);
    let (voter, district) = &process.voters[0];
    let projects = process.projects(district);
    // Distinct ballots of one credential; each is sent by two threads at
    // once (the original racing its replay).
    let ballots: Vec<SealedBallot> = (0..THREADS * PER_THREAD)
        .map(|k| voter.approve(process.id, district, &projects[k % projects.len()..][..1]))
        .collect();
    // Voters 1 to 5 vote once each, at the same time.
    let others: Vec<SealedBallot> = (1..6)
        .map(|i| {
            let (v, d) = &process.voters[i];
            v.approve(process.id, d, &process.projects(d)[..1])
        })
        .collect();
    let client = node.client();
    let answers: Vec<(Id<BallotCommitment>, (u16, String))> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..THREADS)
            .map(|t| {
                let (client, ballots, others) = (client.clone(), &ballots, &others);
                let process = &process;
                scope.spawn(move || {
                    let mut answers = Vec::new();
                    for k in 0..PER_THREAD {
                        let mine = &ballots[t * PER_THREAD + k];
                        let neighbour = &ballots[((t + 1) % THREADS) * PER_THREAD + k];
                        answers.push((mine.id(), cast(&client, process, mine)));
                        answers.push((neighbour.id(), cast(&client, process, neighbour)));
                    }
                    if let Some(other) = others.get(t) {
                        answers.push((other.id(), cast(&client, process, other)));
                    }
                    answers
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });

    let mut accepted: BTreeMap<Id<BallotCommitment>, u64> = BTreeMap::new();
    let mut duplicates = 0;
    for (id, answer) in &answers {
        if answer.0 == 409 {
            assert_duplicate(answer);
            duplicates += 1;
        } else {
            let r = receipt(answer);
            assert_eq!(r.commitment.id().unwrap(), *id);
            assert!(
                accepted.insert(*id, r.leaf_index).is_none(),
                "accepted twice"
            );
        }
    }
    assert_eq!(accepted.len(), THREADS * PER_THREAD + others.len());
    assert_eq!(duplicates, THREADS * PER_THREAD, "each replay refused once");
    let leaves: HashSet<u64> = accepted.values().copied().collect();
    assert_eq!(leaves.len(), accepted.len(), "one leaf per accepted ballot");
    let last = ballots.iter().max_by_key(|b| accepted[&b.id()]).unwrap();

    node.restart();
    close(&node, &process);
    let (report, entries, _) = verified_closed_log(&node.client(), &process.id);
    assert_eq!(report.counted, 6, "six credentials voted");
    assert_eq!(tally_of(&entries).ballots_counted, 6);
    assert_eq!(report.superseded, (THREADS * PER_THREAD - 1) as u64);
    let opened: HashSet<_> = opened_commitments(&entries).into_iter().collect();
    let mut counted: Vec<&SealedBallot> = others.iter().collect();
    counted.push(last);
    assert_eq!(opened, counted.iter().map(|b| b.id()).collect());
    assert_eq!(signed_totals(&entries), expected_totals(&counted));
    node.stop();
}
