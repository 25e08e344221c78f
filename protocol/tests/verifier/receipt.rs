//! Receipts: a valid one verifies, and each way it can fail is named.

use crate::node::*;
use pbnode_protocol::ballot::{
    BallotContext, BallotError, BallotOpening, Nonce, OpeningError, ProjectInfo,
};
use pbnode_protocol::crypto::{Signable, SignatureError};
use pbnode_protocol::ids::{Digest, Id};
use pbnode_protocol::note::{Checkpoint, SignedCheckpoint};
use pbnode_protocol::objects::{LogEntry, ProposalId, ProposalStatus};
use pbnode_protocol::receipt::{CountedEvidence, CountedVerdict, Receipt, ReceiptError};
use std::collections::BTreeMap;

/// A process with two projects, two voters, and the first voter's receipt
/// taken right after their ballot.
struct Voting {
    node: TestNode,
    projects: [ProposalId; 2],
    receipt: Receipt,
    cast: Cast,
}

fn voting() -> Voting {
    let mut node = TestNode::approval();
    let projects = [
        node.propose("Trees", 300_000, "north"),
        node.propose("Bikes", 800_000, "north"),
    ];
    let a = node.register(40, "north");
    let b = node.register(41, "north");
    let cast = node.cast(&a, "north", &[(projects[0], 1)], 7);
    let receipt = node.receipt(&cast);
    node.cast(&b, "north", &[(projects[1], 1)], 8);
    Voting {
        node,
        projects,
        receipt,
        cast,
    }
}

fn check(receipt: &Receipt, node: &TestNode) -> Result<(), ReceiptError> {
    receipt
        .verify(&node.log_vkey(), Some(&node.witness_policy()))
        .map(|_| ())
}

#[test]
fn a_valid_receipt_verifies_offline_and_round_trips_through_json() {
    let v = voting();
    let verified = v
        .receipt
        .verify(&v.node.log_vkey(), Some(&v.node.witness_policy()))
        .unwrap();
    assert_eq!(verified.process, v.node.id);
    assert_eq!(verified.jurisdiction, "gdansk");
    assert_eq!(verified.voter, key(40).public_key());
    assert_eq!(verified.commitment, commitment_id(&v.cast));
    assert_eq!(verified.leaf_index, v.cast.index);
    assert_eq!(verified.checkpoint_size, v.cast.index + 1);
    assert_eq!(verified.cosignatures, 2);
    let json = serde_json::to_string(&v.receipt).unwrap();
    let back: Receipt = serde_json::from_str(&json).unwrap();
    assert_eq!(back, v.receipt);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["inclusion_proof"][0].as_str().unwrap().len(), 64);
    assert!(
        value["checkpoint"]
            .as_str()
            .unwrap()
            .starts_with("pbnode/gdansk/")
    );
}

#[test]
fn a_checkpoint_not_signed_by_the_node_is_refused() {
    let v = voting();
    let forger = pbnode_protocol::note::SignerKey::from_seed(
        &v.node.origin(),
        pbnode_protocol::note::SignatureType::Ed25519,
        &[99; 32],
    )
    .unwrap();
    let mut receipt = v.receipt.clone();
    let checkpoint = receipt.checkpoint.checkpoint().clone();
    receipt.checkpoint = SignedCheckpoint::sign(checkpoint, &forger).unwrap();
    assert!(matches!(
        check(&receipt, &v.node),
        Err(ReceiptError::CheckpointSignature(_))
    ));
}

#[test]
fn too_few_cosignatures_are_counted() {
    let v = voting();
    let mut receipt = v.receipt.clone();
    let size = receipt.checkpoint.checkpoint().size;
    receipt.checkpoint = v
        .node
        .sign_checkpoint(size, receipt.checkpoint.checkpoint().root, 1);
    assert_eq!(
        check(&receipt, &v.node),
        Err(ReceiptError::TooFewCosignatures {
            valid: 1,
            required: 2,
            witnesses: 3
        })
    );
    // Without a witness policy the node's signature is enough.
    assert!(receipt.verify(&v.node.log_vkey(), None).is_ok());
}

#[test]
fn a_checkpoint_of_another_process_is_refused() {
    let v = voting();
    let mut receipt = v.receipt.clone();
    let other = Id::<pbnode_protocol::objects::ProcessDef>::from_bytes([5; 32]);
    let origin = pbnode_protocol::note::process_log_origin("gdansk", &other.to_string()).unwrap();
    let cp = receipt.checkpoint.checkpoint().clone();
    let checkpoint = Checkpoint::new(&origin, cp.size, cp.root);
    receipt.checkpoint = SignedCheckpoint::sign(checkpoint, &v.node.log_signer).unwrap();
    assert_eq!(
        receipt.verify(&v.node.log_vkey(), None),
        Err(ReceiptError::OriginNotThisProcess {
            origin,
            process: v.node.id
        })
    ); // An origin that is not a pbnode process log at all.
    let checkpoint = Checkpoint::new("example.com/log", cp.size, cp.root);
    receipt.checkpoint = SignedCheckpoint::sign(checkpoint, &v.node.log_signer).unwrap();
    assert!(matches!(
        receipt.verify(&v.node.log_vkey(), None),
        Err(ReceiptError::Origin(_))
    ));
}

#[test]
fn a_bad_voter_signature_and_a_foreign_commitment_are_named() {
    let v = voting();
    let mut receipt = v.receipt.clone();
    receipt.commitment.signature.0[0] ^= 1;
    assert_eq!(
        check(&receipt, &v.node),
        Err(ReceiptError::VoterSignature(SignatureError::Invalid))
    );
    // A commitment the voter signed for another process.
    let mut receipt = v.receipt.clone();
    let mut commitment = receipt.commitment.value.clone();
    let other = Id::from_bytes([5; 32]);
    commitment.process = other;
    receipt.commitment = commitment.sign(&key(40)).unwrap();
    assert_eq!(
        check(&receipt, &v.node),
        Err(ReceiptError::CommitmentForOtherProcess {
            expected: v.node.id,
            found: other
        })
    );
}

#[test]
fn an_opening_that_does_not_open_says_which_way() {
    let v = voting();
    let with_opening = |opening: BallotOpening| {
        let mut receipt = v.receipt.clone();
        receipt.opening = opening;
        check(&receipt, &v.node)
    };
    let mut opening = v.receipt.opening.clone();
    opening.nonce = Nonce([0; 32]);
    assert_eq!(
        with_opening(opening),
        Err(ReceiptError::OpeningMismatch(OpeningError::HashMismatch))
    );
    let mut opening = v.receipt.opening.clone();
    opening.ballot.choices[0].project = v.projects[1];
    assert_eq!(
        with_opening(opening),
        Err(ReceiptError::OpeningMismatch(OpeningError::HashMismatch))
    );
    let mut opening = v.receipt.opening.clone();
    opening.ballot.voter = key(41).public_key();
    assert_eq!(
        with_opening(opening),
        Err(ReceiptError::OpeningMismatch(OpeningError::WrongVoter))
    );
    let mut opening = v.receipt.opening.clone();
    opening.ballot.process = Id::from_bytes([5; 32]);
    assert_eq!(
        with_opening(opening),
        Err(ReceiptError::OpeningMismatch(OpeningError::WrongProcess))
    );
}

#[test]
fn leaf_index_and_inclusion_failures_are_named() {
    let v = voting();
    let size = v.receipt.checkpoint.checkpoint().size;
    let mut receipt = v.receipt.clone();
    receipt.leaf_index = size;
    assert_eq!(
        check(&receipt, &v.node),
        Err(ReceiptError::LeafBeyondCheckpoint { index: size, size })
    );
    let mut receipt = v.receipt.clone();
    let expected = receipt.inclusion_proof.len();
    receipt.inclusion_proof.pop();
    assert_eq!(
        check(&receipt, &v.node),
        Err(ReceiptError::InclusionProofLength {
            expected,
            got: expected - 1
        })
    );
    let mut receipt = v.receipt.clone();
    receipt.inclusion_proof[0].0[0] ^= 1;
    assert_eq!(
        check(&receipt, &v.node),
        Err(ReceiptError::InclusionRootMismatch)
    );
    // The right proof for another leaf.
    let mut receipt = v.receipt.clone();
    receipt.inclusion_proof = v.node.inclusion(v.cast.index - 1, size);
    receipt.leaf_index = v.cast.index - 1;
    assert_eq!(
        check(&receipt, &v.node),
        Err(ReceiptError::InclusionRootMismatch)
    );
}

fn projects_of(node: &TestNode) -> BTreeMap<ProposalId, ProjectInfo> {
    node.on_ballot()
        .into_iter()
        .map(|p| {
            (
                p.id,
                ProjectInfo {
                    cost: p.cost,
                    district: p.district,
                    status: ProposalStatus::Accepted,
                },
            )
        })
        .collect()
}

#[test]
fn with_the_process_the_ballot_is_validated_and_its_witnesses_applied() {
    let mut v = voting();
    let projects = projects_of(&v.node);
    let process = v.node.process.clone();
    let context = BallotContext {
        process_id: v.node.id,
        process: &process,
        projects: &projects,
    };
    let verified = v
        .receipt
        .verify_with_process(&context, &v.node.log_vkey(), None)
        .unwrap();
    assert_eq!(verified.cosignatures, 2, "the process's own 2-of-3 policy");
    // An over-budget ballot, committed and logged by a node that did not check.
    let voter = key(40);
    let ballot = v
        .node
        .ballot(&voter, "north", &[(v.projects[0], 1), (v.projects[1], 1)]);
    let cast = v.node.cast_ballot(&voter, ballot, 9);
    let receipt = v.node.receipt(&cast);
    assert_eq!(
        receipt.verify_with_process(&context, &v.node.log_vkey(), None),
        Err(ReceiptError::InvalidBallot(BallotError::OverBudget {
            cost: 1_100_000,
            cap: 1_000_000
        }))
    );
    let mut other = v.node.process.clone();
    other.slug = "another".into();
    let other_id = other.id().unwrap();
    let context = BallotContext {
        process_id: other_id,
        process: &other,
        projects: &projects,
    };
    assert_eq!(
        v.receipt
            .verify_with_process(&context, &v.node.log_vkey(), None),
        Err(ReceiptError::ProcessMismatch {
            receipt: v.node.id,
            supplied: other_id
        })
    );
}

#[test]
fn a_later_checkpoint_must_extend_the_receipts() {
    let mut v = voting();
    v.node.close();
    v.node.tally();
    let old = v.receipt.checkpoint.checkpoint().size;
    let later = v.node.checkpoint();
    let proof = v.node.consistency(old, v.node.size());
    let vkey = v.node.log_vkey();
    assert_eq!(
        v.receipt.verify_consistent_with(&later, &proof, &vkey),
        Ok(())
    );
    // Same size, empty proof.
    assert_eq!(
        v.receipt
            .verify_consistent_with(&v.receipt.checkpoint, &[], &vkey),
        Ok(())
    );
    let mut bad = proof.clone();
    bad[0][0] ^= 1;
    assert!(matches!(
        v.receipt.verify_consistent_with(&later, &bad, &vkey),
        Err(ReceiptError::Consistency(_))
    ));
    let smaller = v
        .node
        .sign_checkpoint(old - 1, v.node.tree.root(old - 1).unwrap(), 0);
    assert_eq!(
        v.receipt.verify_consistent_with(&smaller, &[], &vkey),
        Err(ReceiptError::LaterCheckpointSmaller {
            receipt: old,
            later: old - 1
        })
    );
    // A forked log: same size as `later`, another root.
    let forked = v.node.sign_checkpoint(v.node.size(), [3; 32], 0);
    assert!(matches!(
        v.receipt.verify_consistent_with(&forked, &proof, &vkey),
        Err(ReceiptError::Consistency(_))
    ));
    let other_origin = SignedCheckpoint::sign(
        Checkpoint::new("pbnode/gdansk/other", v.node.size(), [0; 32]),
        &v.node.log_signer,
    )
    .unwrap();
    assert!(matches!(
        v.receipt
            .verify_consistent_with(&other_origin, &proof, &vkey),
        Err(ReceiptError::LaterOriginMismatch { .. })
    ));
    let forger = pbnode_protocol::note::SignerKey::from_seed(
        &v.node.origin(),
        pbnode_protocol::note::SignatureType::Ed25519,
        &[99; 32],
    )
    .unwrap();
    let forged = SignedCheckpoint::sign(later.checkpoint().clone(), &forger).unwrap();
    assert!(matches!(
        v.receipt.verify_consistent_with(&forged, &proof, &vkey),
        Err(ReceiptError::LaterCheckpointSignature(_))
    ));
}

/// The evidence for the receipt's commitment from the node's closed log.
fn evidence(node: &TestNode, receipt: &Receipt) -> CountedEvidence {
    let commitment = receipt.commitment.value.id().unwrap();
    let (index, opened) = node
        .entries
        .iter()
        .enumerate()
        .find_map(|(i, e)| match e {
            LogEntry::BallotOpened(o) if o.commitment == commitment => Some((i as u64, o.clone())),
            _ => None,
        })
        .unwrap();
    let old = receipt.checkpoint.checkpoint().size;
    CountedEvidence {
        final_checkpoint: node.checkpoint(),
        consistency_proof: node
            .consistency(old, node.size())
            .into_iter()
            .map(Digest)
            .collect(),
        opened,
        opened_index: index,
        opened_proof: node.inclusion(index, node.size()),
    }
}

#[test]
fn after_close_the_opening_published_is_the_receipts() {
    let mut v = voting();
    v.node.close();
    v.node.tally();
    let vkey = v.node.log_vkey();
    let e = evidence(&v.node, &v.receipt);
    assert_eq!(
        v.receipt.check_counted(&e, &vkey),
        Ok(CountedVerdict::OpenedAsCast)
    );
    let mut wrong = e.clone();
    wrong.opened_proof[0].0[0] ^= 1;
    assert!(matches!(
        v.receipt.check_counted(&wrong, &vkey),
        Err(ReceiptError::OpenedInclusion(_))
    ));
    let mut wrong = e.clone();
    wrong.opened.commitment = Id::from_bytes([1; 32]);
    assert_eq!(
        v.receipt.check_counted(&wrong, &vkey),
        Err(ReceiptError::OpenedOtherCommitment)
    );
}

#[test]
fn an_altered_opening_yields_the_voters_proof() {
    let mut v = voting();
    let altered = BallotOpening {
        ballot: v.node.ballot(&key(40), "north", &[(v.projects[1], 1)]),
        nonce: v.receipt.opening.nonce,
    };
    let target = v.cast.index;
    let published = altered.clone();
    v.node.close_with(move |c| {
        if c.index == target {
            Open::Replace(Box::new(altered.clone()))
        } else {
            Open::Publish
        }
    });
    v.node.tally();
    let e = evidence(&v.node, &v.receipt);
    match v.receipt.check_counted(&e, &v.node.log_vkey()).unwrap() {
        CountedVerdict::Altered {
            proof,
            published: p,
        } => {
            assert_eq!(*p, published);
            assert_eq!(proof.commitment, v.receipt.commitment);
            assert_eq!(proof.opening, v.receipt.opening);
            // The proof stands on its own.
            assert!(proof.check(std::slice::from_ref(&*p)).is_ok());
        }
        other => panic!("expected Altered, got {other:?}"),
    }
}
