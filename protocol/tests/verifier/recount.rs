//! The independent verifier on a valid log, then on each way a node can lie.

use crate::node::*;
use pbnode_protocol::ballot::{BallotError, BallotOpening, OpeningError};
use pbnode_protocol::crypto::{Signable, SignatureError};
use pbnode_protocol::objects::{ProjectTotal, ProposalId};
use pbnode_protocol::recount::{LogKeys, VerifyError, verify_log};
use proptest::prelude::*;

fn verify(node: &TestNode) -> Result<pbnode_protocol::recount::RecountReport, VerifyError> {
    verify_log(&node.leaves(), &node.keys(), &node.checkpoint())
}

#[test]
fn a_complete_honest_log_verifies_and_recounts_to_the_signed_tally() {
    let s = scenario();
    let report = verify(&s.node).unwrap();
    let p = &s.projects;
    assert_eq!(report.process, s.node.id);
    assert_eq!(report.entries, s.node.size());
    assert_eq!(report.proposals, 6);
    assert_eq!(report.credentials, 6);
    assert_eq!(report.commitments, 7);
    assert_eq!(report.superseded, 1);
    assert_eq!(report.counted, 6);
    assert_eq!(report.openings, 7);
    assert_eq!(report.tally_index, s.node.size() - 1);
    let total = |id: ProposalId| {
        report
            .totals
            .iter()
            .find(|t| t.project == id)
            .unwrap()
            .total
    };
    // Voter 2's first ballot (p1) is superseded by their second (p0).
    assert_eq!([p[0], p[1], p[2], p[3], p[4]].map(total), [3, 1, 2, 2, 1]);
    // Rejected proposals are not on the ballot and have no total.
    assert_eq!(report.totals.len(), 5);
    // Greedy: p0 (300k), then the tied p2/p3 by smallest id (450k), p1
    // (500k) no longer fits, p4 (50k) does.
    let (first, second) = if p[2] < p[3] {
        (p[2], p[3])
    } else {
        (p[3], p[2])
    };
    assert_eq!(report.selected, vec![p[0], first, second, p[4]]);
    assert_eq!(report.selected, s.tally.selected);
    assert_eq!(report.totals, s.tally.totals);
}

#[test]
fn district_budgets_and_rankings_recount_too() {
    let mut node = TestNode::new(
        pbnode_protocol::objects::BallotFormat::Ranking { min: 1, max: 2 },
        "greedy",
        [Some(400_000), Some(300_000)],
    );
    let n1 = node.propose("North A", 300_000, "north");
    let n2 = node.propose("North B", 200_000, "north");
    let s1 = node.propose("South A", 300_000, "south");
    let a = node.register(30, "north");
    let b = node.register(31, "north");
    let c = node.register(32, "south");
    node.cast(&a, "north", &[(n1, 2), (n2, 1)], 1);
    node.cast(&b, "north", &[(n1, 1), (n2, 2)], 2);
    node.cast(&c, "south", &[(s1, 1)], 3);
    node.close();
    node.tally();
    let report = verify(&node).unwrap();
    assert_eq!(report.counted, 3);
    // Borda: the first of two ranked gets 1, the second 0; n1 and n2 tie
    // at 1 in the north, only one of them fits 400k.
    let north_winner = if n1 < n2 { n1 } else { n2 };
    assert_eq!(report.selected, vec![north_winner, s1]);
}

fn flip(leaves: &mut [Vec<u8>], index: usize, at_end: usize) {
    let leaf = &mut leaves[index];
    let at = leaf.len() - 1 - at_end;
    leaf[at] ^= 0x01;
}

#[test]
fn a_flipped_byte_changes_the_root_and_a_resigned_log_fails_on_the_entry() {
    let s = scenario();
    let commitment = s.casts[0].index as usize;
    let mut leaves = s.node.leaves();
    flip(&mut leaves, commitment, 0);
    assert!(matches!(
        verify_log(&leaves, &s.node.keys(), &s.node.checkpoint()),
        Err(VerifyError::RootMismatch { .. })
    ));
    // The node re-signs a checkpoint of the altered log: the voter's
    // signature no longer matches.
    let resigned = s.node.sign_leaves(&leaves);
    assert_eq!(
        verify_log(&leaves, &s.node.keys(), &resigned),
        Err(VerifyError::VoterSignature {
            index: commitment as u64,
            error: SignatureError::Invalid
        })
    );
    // A byte that breaks the encoding is named by its entry.
    let mut leaves = s.node.leaves();
    leaves[3][0] = 0xff;
    let resigned = s.node.sign_leaves(&leaves);
    assert!(matches!(
        verify_log(&leaves, &s.node.keys(), &resigned),
        Err(VerifyError::Decode { index: 3, .. })
    ));
}

#[test]
fn a_withheld_opening_is_named_by_its_commitment() {
    let mut node = TestNode::approval();
    let p = node.propose("Trees", 100, "north");
    let a = node.register(40, "north");
    let b = node.register(41, "north");
    node.cast(&a, "north", &[(p, 1)], 1);
    let hidden = node.cast(&b, "north", &[(p, 1)], 2);
    let hidden_index = hidden.index;
    node.close_with(|c| {
        if c.index == hidden_index {
            Open::Withhold
        } else {
            Open::Publish
        }
    });
    node.tally();
    assert_eq!(
        verify(&node),
        Err(VerifyError::MissingOpening {
            index: hidden.index,
            commitment: commitment_id(&hidden),
        })
    );
}

#[test]
fn a_superseded_commitment_need_not_be_opened() {
    let mut node = TestNode::approval();
    let p = node.propose("Trees", 100, "north");
    let a = node.register(40, "north");
    let old = node.cast(&a, "north", &[(p, 1)], 1);
    node.cast(&a, "north", &[(p, 1)], 2);
    node.close_with(|c| {
        if c.index == old.index {
            Open::Withhold
        } else {
            Open::Publish
        }
    });
    node.tally();
    let report = verify(&node).unwrap();
    assert_eq!(
        (report.commitments, report.superseded, report.openings),
        (2, 1, 1)
    );
}

#[test]
fn an_altered_opening_does_not_open_its_commitment() {
    let mut node = TestNode::approval();
    let p = node.propose("Trees", 100, "north");
    let q = node.propose("Bikes", 100, "north");
    let a = node.register(40, "north");
    let cast = node.cast(&a, "north", &[(p, 1)], 1);
    let altered = BallotOpening {
        ballot: node.ballot(&a, "north", &[(q, 1)]),
        nonce: cast.opening.nonce,
    };
    node.close_with(move |_| Open::Replace(Box::new(altered.clone())));
    node.tally();
    assert_eq!(
        verify(&node),
        Err(VerifyError::OpeningMismatch {
            index: cast.index + 2,
            error: OpeningError::HashMismatch
        })
    );
}

#[test]
fn a_ballot_from_an_unregistered_key_is_refused() {
    let mut node = TestNode::approval();
    let p = node.propose("Trees", 100, "north");
    node.register(40, "north");
    let stranger = key(66);
    let cast = node.cast(&stranger, "north", &[(p, 1)], 1);
    node.close();
    node.tally();
    assert_eq!(
        verify(&node),
        Err(VerifyError::UnregisteredVoter {
            index: cast.index,
            voter: stranger.public_key().to_string()
        })
    );
}

#[test]
fn double_counting_a_recast_voter_is_caught() {
    let mut node = TestNode::approval();
    let p = node.propose("Trees", 100, "north");
    let q = node.propose("Bikes", 100, "north");
    let a = node.register(40, "north");
    node.cast(&a, "north", &[(p, 1)], 1);
    node.cast(&a, "north", &[(q, 1)], 2);
    node.close();
    let key = node.key.clone();
    // The node counts both of the voter's ballots.
    node.tally_with(&key, |t| {
        t.ballots_counted = 2;
        t.totals = vec![
            ProjectTotal {
                project: p.min(q),
                total: 1,
            },
            ProjectTotal {
                project: p.max(q),
                total: 1,
            },
        ];
    });
    assert_eq!(
        verify(&node),
        Err(VerifyError::TallyBallotsCounted {
            expected: 1,
            found: 2
        })
    );
}

#[test]
fn a_logged_commitment_repeated_is_refused() {
    let mut node = TestNode::approval();
    let p = node.propose("Trees", 100, "north");
    let a = node.register(40, "north");
    let cast = node.cast(&a, "north", &[(p, 1)], 1);
    let again = node.append(pbnode_protocol::objects::LogEntry::BallotCommitted(
        cast.commitment.clone(),
    ));
    node.close();
    node.tally();
    assert_eq!(
        verify(&node),
        Err(VerifyError::DuplicateCommitment {
            index: again,
            first: cast.index
        })
    );
}

/// Builds the scenario's log with the tally changed by `tamper`.
fn scenario_with_tally(tamper: impl FnOnce(&mut pbnode_protocol::objects::Tally)) -> TestNode {
    let mut s = scenario();
    s.node.entries.pop();
    let mut rebuilt = TestNode::with_process(s.node.process.clone());
    for entry in s.node.entries.iter().skip(1) {
        rebuilt.append(entry.clone());
    }
    rebuilt.casts = s.node.casts.clone();
    let key = rebuilt.key.clone();
    rebuilt.tally_with(&key, tamper);
    rebuilt
}

#[test]
fn every_field_of_a_wrong_tally_is_named() {
    let honest = scenario_with_tally(|_| {});
    assert!(verify(&honest).is_ok());
    let s = scenario();
    let p = s.projects.clone();

    let node = scenario_with_tally(|t| t.totals[0].total += 1);
    let project = s.tally.totals[0].project;
    let expected = s.tally.totals[0].total;
    assert_eq!(
        verify(&node),
        Err(VerifyError::TallyTotals {
            project,
            expected: Some(expected),
            found: Some(expected + 1)
        })
    );

    let node = scenario_with_tally(|t| t.selected.push(p[1]));
    assert!(matches!(
        verify(&node),
        Err(VerifyError::TallySelected { .. })
    ));

    let node = scenario_with_tally(|t| t.selected.reverse());
    assert!(matches!(
        verify(&node),
        Err(VerifyError::TallySelected { .. })
    ));

    let node = scenario_with_tally(|t| t.checkpoint.size -= 1);
    assert!(matches!(
        verify(&node),
        Err(VerifyError::TallyCheckpoint { .. })
    ));

    let node = scenario_with_tally(|t| t.rule.name = "max_welfare".into());
    assert!(matches!(verify(&node), Err(VerifyError::TallyRule { .. })));

    let node = scenario_with_tally(|t| {
        t.totals.pop();
    });
    assert!(matches!(
        verify(&node),
        Err(VerifyError::TallyTotals { found: None, .. })
    ));
}

#[test]
fn wrong_size_and_wrong_root_are_refused() {
    let s = scenario();
    let leaves = s.node.leaves();
    assert_eq!(
        verify_log(
            &leaves[..leaves.len() - 1],
            &s.node.keys(),
            &s.node.checkpoint()
        ),
        Err(VerifyError::SizeMismatch {
            checkpoint: leaves.len() as u64,
            entries: leaves.len() as u64 - 1
        })
    );
    // The right root under another process's origin.
    let root = s.node.tree.root(s.node.size()).unwrap();
    let other = pbnode_protocol::note::process_log_origin("gdansk", &"ab".repeat(32)).unwrap();
    let foreign = pbnode_protocol::note::SignedCheckpoint::sign(
        pbnode_protocol::note::Checkpoint::new(&other, s.node.size(), root),
        &s.node.log_signer,
    )
    .unwrap();
    assert_eq!(
        verify_log(&leaves, &s.node.keys(), &foreign),
        Err(VerifyError::OriginNotThisProcess {
            origin: other,
            process: s.node.id
        })
    );
    let wrong_root = s.node.sign_checkpoint(s.node.size(), [7; 32], 0);
    assert!(matches!(
        verify_log(&leaves, &s.node.keys(), &wrong_root),
        Err(VerifyError::RootMismatch { .. })
    ));
}

#[test]
fn forged_signatures_are_named() {
    let s = scenario();
    let leaves = s.node.leaves();
    let other = key(99);
    // The checkpoint: another key signs it under the node's key name.
    let forger = pbnode_protocol::note::SignerKey::from_seed(
        &s.node.origin(),
        pbnode_protocol::note::SignatureType::Ed25519,
        &[99; 32],
    )
    .unwrap();
    let mut keys = s.node.keys();
    keys.log = forger.verifier_key();
    assert!(matches!(
        verify_log(&leaves, &keys, &s.node.checkpoint()),
        Err(VerifyError::CheckpointSignature(_))
    ));
    // The process definition, under an owner key the verifier does not trust.
    let keys = LogKeys {
        owner: other.public_key(),
        ..s.node.keys()
    };
    assert!(matches!(
        verify_log(&leaves, &keys, &s.node.checkpoint()),
        Err(VerifyError::ProcessSignature(
            SignatureError::WrongSigner { .. }
        ))
    ));
    // The definition names another owner than the one the verifier knows.
    let keys = LogKeys {
        owner_id: Some(pbnode_protocol::ids::Id::from_bytes([8; 32])),
        ..s.node.keys()
    };
    assert!(matches!(
        verify_log(&leaves, &keys, &s.node.checkpoint()),
        Err(VerifyError::OwnerMismatch { .. })
    ));
    let keys = LogKeys {
        owner_id: Some(s.node.process.owner),
        ..s.node.keys()
    };
    assert!(verify_log(&leaves, &keys, &s.node.checkpoint()).is_ok());
    // A credential signed by another key.
    let mut node = TestNode::approval();
    let p = node.propose("Trees", 100, "north");
    let voter = key(40);
    let forged = pbnode_protocol::objects::VoterCredential::V1 {
        process: node.id,
        district: "north".into(),
        voter: voter.public_key(),
        issued_at: OPENS,
    };
    let index = node.append(pbnode_protocol::objects::LogEntry::CredentialIssued(
        forged.sign(&other).unwrap(),
    ));
    node.cast(&voter, "north", &[(p, 1)], 1);
    node.close();
    node.tally();
    assert!(matches!(
        verify(&node),
        Err(VerifyError::NodeSignature { index: i, kind: "credential", .. }) if i == index
    ));
    // A tally signed by another key.
    let mut node = TestNode::approval();
    let p = node.propose("Trees", 100, "north");
    let a = node.register(40, "north");
    node.cast(&a, "north", &[(p, 1)], 1);
    node.close();
    node.tally_with(&other, |_| {});
    assert!(matches!(
        verify(&node),
        Err(VerifyError::NodeSignature { kind: "tally", .. })
    ));
}

#[test]
fn invalid_ballots_and_districts_are_refused_at_recount() {
    let mut node = TestNode::approval();
    let big = node.propose("Bridge", 900_000, "north");
    let big2 = node.propose("Tunnel", 900_000, "north");
    let a = node.register(40, "north");
    let cast = node.cast(&a, "north", &[(big, 1), (big2, 1)], 1);
    node.close();
    node.tally_with(&node.key.clone(), |_| {});
    // The honest node's tally cannot be built from an over-budget ballot,
    // but the verifier refuses the ballot before counting.
    assert_eq!(
        verify(&node),
        Err(VerifyError::InvalidBallot {
            index: cast.index,
            error: BallotError::OverBudget {
                cost: 1_800_000,
                cap: 1_000_000
            }
        })
    );

    let mut node = TestNode::approval();
    let p = node.propose("Trees", 100, "north");
    let a = node.register(40, "south");
    let cast = node.cast(&a, "north", &[(p, 1)], 1);
    node.close();
    node.tally();
    assert_eq!(
        verify(&node),
        Err(VerifyError::BallotDistrictNotCredential {
            index: cast.index,
            ballot: "north".into(),
            credential: "south".into()
        })
    );
}

#[test]
fn credentials_of_both_kinds_count_and_obey_the_same_rules() {
    use pbnode_protocol::objects::LogEntry;
    // Legacy node-signed credentials and unsigned ones in one log (a node
    // upgraded mid-process): both voters count.
    let mut node = TestNode::approval();
    let p = node.propose("Trees", 100, "north");
    let old = node.register_legacy(40, "north");
    let new = node.register(41, "north");
    node.cast(&old, "north", &[(p, 1)], 1);
    node.cast(&new, "north", &[(p, 1)], 1);
    node.close();
    node.tally();
    let report = verify(&node).unwrap();
    assert_eq!((report.credentials, report.counted), (2, 2));

    // One key registered once of each kind.
    let mut node = TestNode::approval();
    let voter = node.register_legacy(40, "north");
    let first = node.size() - 1;
    let again = node.append(LogEntry::VoterRegistered(node.credential(&voter, "north")));
    node.close();
    node.tally();
    assert_eq!(
        verify(&node),
        Err(VerifyError::DuplicateCredential {
            index: again,
            voter: voter.public_key().to_string(),
            first,
        })
    );

    // A district the process does not have.
    let mut node = TestNode::approval();
    let index = node.append(LogEntry::VoterRegistered(
        node.credential(&key(40), "atlantis"),
    ));
    node.close();
    node.tally();
    assert_eq!(
        verify(&node),
        Err(VerifyError::CredentialDistrictUnknown {
            index,
            district: "atlantis".into()
        })
    );

    // Another process's credential.
    let mut node = TestNode::approval();
    let mut foreign = node.credential(&key(40), "north");
    let pbnode_protocol::objects::VoterCredential::V1 { process, .. } = &mut foreign;
    *process = pbnode_protocol::ids::Id::from_bytes([9; 32]);
    let index = node.append(LogEntry::VoterRegistered(foreign));
    node.close();
    node.tally();
    assert!(matches!(
        verify(&node),
        Err(VerifyError::WrongProcess { index: i, .. }) if i == index
    ));

    // Registered after the close.
    let mut node = TestNode::approval();
    node.close();
    let index = node.append(LogEntry::VoterRegistered(
        node.credential(&key(40), "north"),
    ));
    node.tally();
    assert_eq!(
        verify(&node),
        Err(VerifyError::AfterClose {
            index,
            kind: "credential"
        })
    );
}

#[test]
fn entries_out_of_phase_are_refused() {
    // A commitment after the close.
    let mut node = TestNode::approval();
    let p = node.propose("Trees", 100, "north");
    let a = node.register(40, "north");
    node.close();
    let late = node.cast(&a, "north", &[(p, 1)], 1);
    node.tally();
    assert_eq!(
        verify(&node),
        Err(VerifyError::AfterClose {
            index: late.index,
            kind: "commitment"
        })
    );
    // No close, no tally.
    let mut node = TestNode::approval();
    node.propose("Trees", 100, "north");
    assert_eq!(verify(&node), Err(VerifyError::NotClosed));
    node.close();
    assert_eq!(verify(&node), Err(VerifyError::NoTally));
    // The first entry must be the process definition.
    let s = scenario();
    let leaves = s.node.leaves()[1..].to_vec();
    assert!(matches!(
        verify_log(&leaves, &s.node.keys(), &s.node.sign_leaves(&leaves)),
        Err(VerifyError::FirstEntryNotProcess { found: "proposal" })
    ));
}

#[test]
fn a_proposal_rejected_before_close_cannot_be_voted_for() {
    let mut node = TestNode::approval();
    let p = node.propose("Trees", 100, "north");
    let a = node.register(40, "north");
    let cast = node.cast(&a, "north", &[(p, 1)], 1);
    node.set_status(p, pbnode_protocol::objects::ProposalStatus::Rejected);
    node.close();
    node.tally_with(&node.key.clone(), |_| {});
    assert!(matches!(
        verify(&node),
        Err(VerifyError::InvalidBallot { index, error: BallotError::ProjectNotOnBallot { .. } }) if index == cast.index
    ));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Any electorate, with any recasts: the log verifies, one ballot per
    /// voter counts, and any flipped byte breaks the root.
    #[test]
    fn random_electorates_verify_and_any_flip_breaks_the_root(
        votes in prop::collection::vec((0u8..6, prop::collection::btree_set(0usize..4, 1..=3)), 1..20),
        flip_entry in any::<prop::sample::Index>(),
        flip_byte in any::<prop::sample::Index>(),
    ) {
        let mut node = TestNode::approval();
        let projects: Vec<ProposalId> = (0..4)
            .map(|i| node.propose(&format!("P{i}"), 100_000 * (i as u64 + 1), "north"))
            .collect();
        let voters: Vec<_> = (0..6).map(|i| node.register(50 + i, "north")).collect();
        for (nonce, (voter, chosen)) in votes.iter().enumerate() {
            let choices: Vec<(ProposalId, u32)> = chosen.iter().map(|&c| (projects[c], 1)).collect();
            node.cast(&voters[*voter as usize], "north", &choices, nonce as u8);
        }
        node.close();
        node.tally();
        let report = verify(&node).unwrap();
        let distinct = votes.iter().map(|(v, _)| *v).collect::<std::collections::BTreeSet<_>>().len() as u64;
        prop_assert_eq!(report.counted, distinct);
        prop_assert_eq!(report.superseded, votes.len() as u64 - distinct);
        let mut leaves = node.leaves();
        let entry = flip_entry.index(leaves.len());
        let byte = flip_byte.index(leaves[entry].len());
        leaves[entry][byte] ^= 0x80;
        let is_root_mismatch = matches!(
            verify_log(&leaves, &node.keys(), &node.checkpoint()),
            Err(VerifyError::RootMismatch { .. })
        );
        prop_assert!(is_root_mismatch);
    }
}

/// Throughput of the recount on a large log. Run with
/// `cargo test -p pbnode-protocol --test verifier -- --ignored --nocapture large_log`.
#[test]
#[ignore = "timing, not a check"]
fn large_log_timing() {
    let voters: u32 = std::env::var("PBNODE_RECOUNT_VOTERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let mut node = TestNode::approval();
    let projects: Vec<ProposalId> = (0..20)
        .map(|i| node.propose(&format!("P{i}"), 40_000 + 1_000 * i, "north"))
        .collect();
    for v in 0..voters {
        let seed: [u8; 32] = *blake3_seed(v).as_bytes();
        let voter = pbnode_protocol::crypto::SigningKey::from_seed(&seed);
        let credential = node.credential(&voter, "north");
        node.append(pbnode_protocol::objects::LogEntry::VoterRegistered(
            credential,
        ));
        let a = projects[(v % 20) as usize];
        let b = projects[((v * 7 + 3) % 20) as usize];
        let choices: Vec<(ProposalId, u32)> = if a == b {
            vec![(a, 1)]
        } else {
            vec![(a, 1), (b, 1)]
        };
        node.cast(&voter, "north", &choices, (v % 251) as u8);
    }
    node.close();
    node.tally();
    let leaves = node.leaves();
    let checkpoint = node.checkpoint();
    let start = std::time::Instant::now();
    let report = verify_log(&leaves, &node.keys(), &checkpoint).unwrap();
    let elapsed = start.elapsed();
    println!(
        "verify_log: {} entries, {} ballots in {:.2?} ({:.0} ballots/s)",
        report.entries,
        report.counted,
        elapsed,
        report.counted as f64 / elapsed.as_secs_f64()
    );
}

fn blake3_seed(v: u32) -> pbnode_protocol::ids::Digest {
    use pbnode_protocol::merkle::MerkleHasher;
    pbnode_protocol::ids::Digest(pbnode_protocol::merkle::Blake3Hasher.hash_leaf(&v.to_le_bytes()))
}
