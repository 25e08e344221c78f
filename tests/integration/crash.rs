//! Crash safety of the real binary: ballots from concurrent clients while
//! the node is killed with SIGKILL at random moments and restarted on the
//! same data, then a kill around the close. Every acknowledged ballot must
//! be in the log where its receipt says, under checkpoints the restarted
//! node still agrees with; nothing may be duplicated or invented; the
//! closed log must verify and count each credential once.
//!
//! The moments and the voters are drawn from a seeded generator; the seed
//! is printed, and `PBNODE_TEST_SEED=<seed>` replays the schedule (thread
//! timing still varies).

use pbnode_protocol::ballot::BallotCommitment;
use pbnode_protocol::ids::Id;
use pbnode_protocol::merkle::{Blake3Hasher, MemoryLog};
use pbnode_protocol::objects::{LogEntry, Phase};
use pbnode_protocol::receipt::Receipt;
use pbnode_tests::crash_support::{CastOutcome, SeededRng, agent, test_seed, try_cast};
use pbnode_tests::real_node::{RealNode, init_data};
use pbnode_tests::voter::SealedBallot;
use pbnode_tests::voting_setup::{
    VotingProcess, latest_checkpoint, log_key, log_leaves, opened_commitments, tally_of,
    verified_closed_log,
};
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

const VOTERS: u32 = 40;
const CLIENTS: usize = 4;
const KILLS: usize = 30;

/// Where clients send ballots: the URL of the current run (each restart
/// binds a new port) and a generation bumped at every restart.
struct Target {
    url: Mutex<String>,
    generation: AtomicU64,
    stop: AtomicBool,
}

impl Target {
    fn current(&self) -> (String, u64) {
        let url = self.url.lock().unwrap().clone();
        (url, self.generation.load(Ordering::SeqCst))
    }

    fn publish(&self, url: &str) {
        *self.url.lock().unwrap() = url.to_owned();
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// Waits for the node that replaces run `generation` (or the end).
    fn wait_past(&self, generation: u64) {
        let started = Instant::now();
        while self.generation.load(Ordering::SeqCst) == generation
            && !self.stop.load(Ordering::SeqCst)
        {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "no restart came"
            );
            std::thread::sleep(Duration::from_millis(2));
        }
    }
}

/// What one client sent and what it was told.
#[derive(Default)]
struct Journal {
    /// Every ballot sent at least once, in the order sent.
    sent: Vec<(u32, SealedBallot)>,
    /// The receipts of acknowledged ballots.
    acknowledged: Vec<Receipt>,
    /// Requests that got no answer (the node died under them).
    lost: usize,
    /// Lost ballots that a resend found already durable (409 duplicate).
    durable_unanswered: usize,
}

/// A random approval ballot of voter `i`: a non-empty subset of its
/// district's projects (each district's projects fit the budget together).
fn random_ballot(rng: &mut SeededRng, process: &VotingProcess, i: u32) -> SealedBallot {
    let (voter, district) = &process.voters[i as usize];
    let projects = process.projects(district);
    let mask = rng.between(1, (1 << projects.len()) - 1);
    let chosen: Vec<_> = projects
        .iter()
        .enumerate()
        .filter(|(k, _)| mask & (1 << k) != 0)
        .map(|(_, p)| *p)
        .collect();
    voter.approve(process.id, district, &chosen)
}

/// Sends ballots of `mine` (one request at a time) until told to stop. A
/// request that gets no answer is either resent to the restarted node (a
/// 409 then proves it was durable) or abandoned.
fn voting_client(target: &Target, process: &VotingProcess, mine: &[u32], seed: u64) -> Journal {
    let agent = agent();
    let mut rng = SeededRng::new(seed);
    let mut journal = Journal::default();
    while !target.stop.load(Ordering::SeqCst) {
        let i = mine[rng.below(mine.len() as u64) as usize];
        let ballot = random_ballot(&mut rng, process, i);
        journal.sent.push((i, ballot.clone()));
        let mut resent = false;
        loop {
            let (url, generation) = target.current();
            match try_cast(&agent, &url, &process.id, &ballot) {
                CastOutcome::Acknowledged(receipt) => {
                    journal.acknowledged.push(*receipt);
                    break;
                }
                CastOutcome::Duplicate if resent => {
                    journal.durable_unanswered += 1;
                    break;
                }
                CastOutcome::Duplicate => panic!("a ballot never sent before was a duplicate"),
                CastOutcome::Refused(status, body) => panic!("ballot refused: {status} {body}"),
                CastOutcome::Lost(_) => {
                    journal.lost += 1;
                    target.wait_past(generation);
                    if target.stop.load(Ordering::SeqCst) || rng.coin() {
                        break;
                    }
                    resent = true;
                }
            }
        }
    }
    journal
}

#[test]
fn acknowledged_ballots_survive_sigkill_and_the_closed_log_verifies() {
    let started = Instant::now();
    let seed = test_seed(0x5eed_c4a5);
    println!("crash test seed {seed} (PBNODE_TEST_SEED to replay)");
    let mut rng = SeededRng::new(seed);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("node");
    init_data(&data, "Crash Town");
    let mut node = RealNode::start(&data);
    let process = VotingProcess::setup(&node.admin(), "crash", VOTERS, 4);
    let target = Target {
        url: Mutex::new(node.url().to_owned()),
        generation: AtomicU64::new(0),
        stop: AtomicBool::new(false),
    };

    let journals: Vec<Journal> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..CLIENTS)
            .map(|c| {
                let mine: Vec<u32> = (0..VOTERS).filter(|i| *i as usize % CLIENTS == c).collect();
                let (target, process, seed) = (&target, &process, rng.next_u64());
                scope.spawn(move || voting_client(target, process, &mine, seed))
            })
            .collect();
        for _ in 0..KILLS {
            std::thread::sleep(Duration::from_millis(rng.between(30, 250)));
            node.kill();
            node.restart();
            target.publish(node.url());
        }
        std::thread::sleep(Duration::from_millis(300));
        target.stop.store(true, Ordering::SeqCst);
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    assert_eq!(node.starts() as usize, KILLS + 1);
    let sent: Vec<&(u32, SealedBallot)> = journals.iter().flat_map(|j| &j.sent).collect();
    let acknowledged: Vec<&Receipt> = journals.iter().flat_map(|j| &j.acknowledged).collect();
    let lost: usize = journals.iter().map(|j| j.lost).sum();
    let durable_unanswered: usize = journals.iter().map(|j| j.durable_unanswered).sum();
    println!(
        "{} ballots sent, {} acknowledged, {lost} requests cut by a kill, \
         {durable_unanswered} of those found durable on resend",
        sent.len(),
        acknowledged.len()
    );
    assert!(
        lost > 0,
        "no kill ever hit a request: the test proved nothing"
    );
    assert!(acknowledged.len() > 100, "too few ballots to mean anything");

    // While voting: the latest checkpoint verifies and matches the log.
    let client = node.client();
    let (_, vkey) = log_key(&client, &process.id);
    let voting_checkpoint = latest_checkpoint(&client, &process.id);
    voting_checkpoint
        .verify_log_signature(std::slice::from_ref(&vkey))
        .unwrap();
    let voting_size = voting_checkpoint.checkpoint().size;
    let prefix = log_leaves(&client, &process.id, voting_size);
    let mut tree = MemoryLog::new(Blake3Hasher);
    prefix.iter().for_each(|leaf| {
        tree.append(leaf);
    });
    assert_eq!(
        tree.root(voting_size).unwrap(),
        voting_checkpoint.checkpoint().root
    );

    // Close, with one more kill racing the close request.
    let close = std::thread::spawn({
        let (url, admin_token, id) = (node.url().to_owned(), node.token.clone(), process.id);
        move || {
            agent()
                .post(format!("{url}/api/v1/processes/{id}/phase"))
                .header("authorization", format!("Bearer {admin_token}"))
                .header("content-type", "application/json")
                .send(r#"{"phase":"closed"}"#.as_bytes())
                .map(|r| r.status().as_u16())
        }
    });
    std::thread::sleep(Duration::from_micros(rng.below(8_000)));
    node.kill();
    let close_answer = close.join().unwrap();
    node.restart();
    let admin = node.admin();
    let info = admin
        .get(&format!("/api/v1/processes/{}", process.id))
        .expect_json(200);
    let phase: Phase = serde_json::from_value(info["phase"].clone()).unwrap();
    println!("close request: {close_answer:?}; phase after restart: {phase:?}");
    if phase == Phase::Voting {
        assert!(close_answer.is_err(), "a 2xx close left the process voting");
        admin
            .post_json(
                &format!("/api/v1/processes/{}/phase", process.id),
                &serde_json::json!({"phase": "closed"}),
            )
            .expect_json(200);
    } else {
        assert_eq!(phase, Phase::Closed);
    }

    // The closed log: signed, complete, and it verifies end to end.
    let (report, entries, leaves) = verified_closed_log(&node.client(), &process.id);
    assert_eq!(
        &leaves[..prefix.len()],
        &prefix[..],
        "the log was rewritten"
    );
    let mut tree = MemoryLog::new(Blake3Hasher);
    leaves.iter().for_each(|leaf| {
        tree.append(leaf);
    });

    // No ballot twice, none that nobody sent.
    let sent_ids: HashSet<Id<BallotCommitment>> = sent.iter().map(|(_, b)| b.id()).collect();
    let mut logged = HashMap::new();
    let mut last_of_voter = HashMap::new();
    for (leaf, entry) in entries.iter().enumerate() {
        if let LogEntry::BallotCommitted(signed) = entry {
            let id = signed.id().unwrap();
            assert!(sent_ids.contains(&id), "leaf {leaf}: a ballot nobody sent");
            assert!(
                logged.insert(id, leaf as u64).is_none(),
                "leaf {leaf}: logged twice"
            );
            last_of_voter.insert(signed.value.voter, id);
        }
    }
    assert_eq!(report.commitments, logged.len() as u64);

    // Every acknowledged ballot: its receipt verifies, its leaf holds it,
    // and the checkpoint it was given is a prefix of today's log.
    for receipt in &acknowledged {
        receipt
            .verify(&vkey, None)
            .unwrap_or_else(|e| panic!("receipt of leaf {}: {e}", receipt.leaf_index));
        let id = receipt.commitment.id().unwrap();
        assert_eq!(
            logged.get(&id),
            Some(&receipt.leaf_index),
            "acknowledged ballot missing"
        );
        assert_eq!(
            leaves[receipt.leaf_index as usize],
            receipt.log_entry().leaf_data().unwrap()
        );
        let signed = receipt.checkpoint.checkpoint();
        assert_eq!(
            tree.root(signed.size).unwrap(),
            signed.root,
            "a checkpoint signed before a crash disagrees with the log"
        );
    }

    // Counted: the last logged ballot of each credential, once; and a
    // voter's last ballot, when acknowledged, is the one counted.
    let opened: HashSet<Id<BallotCommitment>> = opened_commitments(&entries).into_iter().collect();
    let counted: HashSet<Id<BallotCommitment>> = last_of_voter.values().copied().collect();
    assert_eq!(opened, counted);
    assert_eq!(report.counted, last_of_voter.len() as u64);
    assert_eq!(
        tally_of(&entries).ballots_counted,
        last_of_voter.len() as u64
    );
    let acknowledged_ids: HashSet<_> = acknowledged
        .iter()
        .map(|r| r.commitment.id().unwrap())
        .collect();
    let mut last_sent = HashMap::new();
    for (i, ballot) in &sent {
        last_sent.insert(*i, ballot.id());
    }
    for (i, id) in last_sent {
        if acknowledged_ids.contains(&id) {
            assert!(
                counted.contains(&id),
                "voter {i}: last acknowledged ballot not counted"
            );
        }
    }

    node.stop();
    let elapsed = started.elapsed();
    println!("crash test: {KILLS} kills plus one at close, {elapsed:?}");
}
