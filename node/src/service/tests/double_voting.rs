//! Replayed, concurrent and re-cast ballots are never counted twice; bad
//! ballots are refused with precise codes.

use super::support::*;
use crate::ingest::{Ingest, IngestConfig};
use crate::service::{CheckpointPolicy, ServiceError};
use crate::store::KvStore;
use pbnode_protocol::encoding;
use pbnode_protocol::objects::{LogEntry, Phase};
use std::collections::HashMap;
use std::sync::Arc;

async fn concurrent_casts_count_once(store: Arc<dyn KvStore>) {
    let (node, _clock) = node_on(store, CheckpointPolicy::default());
    let v = to_voting(&node, "budget", 4);
    let key = register(&node, &v, 0);
    let other = register(&node, &v, 2);
    let (ingest, writer) = Ingest::spawn(
        node.clone(),
        IngestConfig {
            max_batch: 8,
            queue: 16,
        },
    );
    // 30 different ballots of one credential, each sent twice at once
    // (a replay racing its original), plus one ballot of another voter.
    let mut ballots: Vec<_> = (0..30)
        .map(|i| ballot(v.id, &key, "north", &[v.north[i % 3]]))
        .collect();
    ballots.push(ballot(v.id, &other, "north", &[v.north[0], v.north[2]]));
    let mut tasks = Vec::new();
    for b in ballots.iter().chain(ballots.iter()) {
        let (ingest, b) = (ingest.clone(), b.clone());
        tasks.push(tokio::spawn(async move {
            (b.signed.id().unwrap(), ingest.cast(b).await)
        }));
    }
    let mut accepted = HashMap::new();
    let mut duplicates = 0;
    for task in tasks {
        match task.await.unwrap() {
            (commitment, Ok(receipt)) => {
                assert_eq!(receipt.commitment, commitment);
                assert!(accepted.insert(commitment, receipt.leaf_index).is_none());
            }
            (_, Err(ServiceError::DuplicateBallot)) => duplicates += 1,
            (_, Err(e)) => panic!("unexpected refusal: {e}"),
        }
    }
    assert_eq!(accepted.len(), 31, "each distinct ballot accepted once");
    assert_eq!(duplicates, 31, "each replay refused");
    let mut leaves: Vec<u64> = accepted.values().copied().collect();
    leaves.sort();
    leaves.dedup();
    assert_eq!(leaves.len(), 31, "one leaf per accepted ballot");
    drop(ingest);
    writer.await.unwrap();

    // A replay long after the original is refused too.
    assert!(matches!(
        node.cast_ballot(ballots[5].clone()),
        Err(ServiceError::DuplicateBallot)
    ));

    node.advance_phase(&v.id, Phase::Closed).unwrap();
    let tally = node.results(&v.id).unwrap().value;
    assert_eq!(tally.ballots_counted, 2);
    assert_eq!(tally.totals.iter().map(|t| t.total).sum::<u64>(), 3);
    // The credential's counted ballot is its last accepted one.
    let last = ballots[..30]
        .iter()
        .max_by_key(|b| accepted[&b.signed.id().unwrap()])
        .unwrap();
    let opened: Vec<_> = node
        .log_entries(&v.id, 0, usize::MAX)
        .unwrap()
        .iter()
        .filter_map(|bytes| match encoding::from_bytes(bytes).unwrap() {
            LogEntry::BallotOpened(o) => Some(o),
            _ => None,
        })
        .collect();
    assert_eq!(opened.len(), 2);
    assert!(
        opened
            .iter()
            .any(|o| o.commitment == last.signed.id().unwrap())
    );
    // After close, ballots are refused by phase.
    let late = ballot(v.id, &key, "north", &[v.north[0]]);
    assert_eq!(node.cast_ballot(late).unwrap_err().code(), "wrong_phase");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_and_replayed_casts_count_once_on_memory() {
    concurrent_casts_count_once(memory()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_and_replayed_casts_count_once_on_sled() {
    let dir = tempfile::tempdir().unwrap();
    concurrent_casts_count_once(sled(&dir)).await;
}

#[test]
fn bad_ballots_are_refused_with_precise_codes_and_good_ones_in_the_batch_pass() {
    let (node, _clock) = node_on(memory(), CheckpointPolicy::default());
    let v = to_voting(&node, "budget", 4);
    let north = register(&node, &v, 0);
    let stranger = voter_key(99);

    let good = ballot(v.id, &north, "north", &[v.north[0]]);
    let mut forged = ballot(v.id, &north, "north", &[v.north[1]]);
    forged.signature_tamper();
    let mut wrong_signer = ballot(v.id, &north, "north", &[v.north[1]]);
    wrong_signer.signed.signer = stranger.public_key();
    let unregistered = ballot(v.id, &stranger, "north", &[v.north[0]]);
    let mut mismatched = ballot(v.id, &north, "north", &[v.north[2]]);
    mismatched.opening = ballot(v.id, &north, "north", &[v.north[0]]).opening;
    let other_district = ballot(v.id, &north, "south", &v.south);
    let project_elsewhere = ballot(v.id, &north, "north", &v.south);
    let rejected = ballot(v.id, &north, "north", &[v.rejected]);
    let too_many = ballot(
        v.id,
        &north,
        "north",
        &[v.north[0], v.north[1], v.north[2], v.south[0]],
    );
    let good_too = ballot(v.id, &north, "north", &[v.north[2]]);

    let answers = node.cast_ballots(vec![
        good,
        forged,
        wrong_signer,
        unregistered,
        mismatched,
        other_district,
        project_elsewhere,
        rejected,
        too_many,
        good_too,
    ]);
    let codes: Vec<&str> = answers
        .iter()
        .map(|a| a.as_ref().map_or_else(|e| e.code(), |_| "ok"))
        .collect();
    assert_eq!(
        codes,
        [
            "ok",
            "invalid_signature",
            "invalid_signature",
            "not_registered",
            "opening_mismatch",
            "invalid_ballot",
            "invalid_ballot",
            "invalid_ballot",
            "invalid_ballot",
            "ok"
        ]
    );
    let (first, second) = (answers[0].as_ref().unwrap(), answers[9].as_ref().unwrap());
    assert_eq!(
        second.leaf_index,
        first.leaf_index + 1,
        "refused ballots take no leaf"
    );
    assert_eq!(
        second.supersedes,
        Some(first.commitment),
        "same-batch re-cast supersedes"
    );
}

trait Tamper {
    fn signature_tamper(&mut self);
}

impl Tamper for crate::service::BallotSubmission {
    fn signature_tamper(&mut self) {
        self.signed.signature.0[5] ^= 1;
    }
}

/// A re-cast's duplicate check is answered from memory for a voter whose
/// every ballot this node saw (see `service::ballot_caches`); a node that
/// did not see them (here: another node on the same store, as after a
/// restart) asks the store. Either way every earlier ballot is a replay.
#[test]
fn a_replay_of_any_earlier_ballot_is_refused_with_or_without_its_history_in_memory() {
    let store = memory();
    let (node, _clock) = node_on(store.clone(), CheckpointPolicy::default());
    let v = to_voting(&node, "budget", 4);
    let key = register(&node, &v, 0);
    let ballots: Vec<_> = (0..5)
        .map(|i| ballot(v.id, &key, "north", &[v.north[i % 3]]))
        .collect();
    for b in &ballots {
        node.cast_ballot(b.clone()).unwrap();
    }
    let replayed = |node: &crate::service::Node| {
        for b in &ballots {
            assert!(matches!(
                node.cast_ballot(b.clone()),
                Err(ServiceError::DuplicateBallot)
            ));
        }
    };
    replayed(&node);
    // In one batch, a new ballot and then replays of the stored latest and
    // an earlier one: the batch's own latest is the new one by then.
    let first_fresh = ballot(v.id, &key, "north", &[v.north[0]]);
    let answers = node.cast_ballots(vec![
        first_fresh.clone(),
        ballots[4].clone(),
        ballots[3].clone(),
    ]);
    assert!(answers[0].is_ok(), "{:?}", answers[0]);
    for answer in &answers[1..] {
        assert!(
            matches!(answer, Err(ServiceError::DuplicateBallot)),
            "{answer:?}"
        );
    }
    replayed(&node);
    let (restarted, _clock) = node_on(store, CheckpointPolicy::default());
    replayed(&restarted);
    let fresh = ballot(v.id, &key, "north", &[v.north[1]]);
    let cast = restarted.cast_ballot(fresh).unwrap();
    assert_eq!(cast.supersedes, Some(first_fresh.signed.id().unwrap()));
    replayed(&restarted);
}
