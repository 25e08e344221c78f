//! Gossip judgement: bogus proofs, forged checkpoints and strangers are
//! rejected; manifest updates are applied.

use super::support::*;
use crate::federation::{FollowUp, Verdict};
use pbnode_protocol::crypto::{PublicKey, Signed};
use pbnode_protocol::encoding;
use pbnode_protocol::federation::{FederationManifest, ForkEvidence, GossipMessage};
use pbnode_protocol::note::{Checkpoint, SignatureType, SignedCheckpoint, SignerKey};

fn bytes(message: &GossipMessage) -> Vec<u8> {
    encoding::to_bytes(message).unwrap()
}

/// A checkpoint of `origin` signed with `seed` under the origin's name.
fn signed_with(seed: &[u8; 32], origin: &str, size: u64, root: [u8; 32]) -> SignedCheckpoint {
    let key = SignerKey::from_seed(origin, SignatureType::Ed25519, seed).unwrap();
    SignedCheckpoint::sign(Checkpoint::new(origin, size, root), &key).unwrap()
}

#[test]
fn bogus_equivocation_proofs_and_forgeries_are_rejected() {
    let m = manifest(1, &["gdansk", "gdynia"]);
    let owner = open("gdansk", memory(), config(), m.clone());
    let judge = open("gdynia", memory(), config(), m);
    let id = open_process(owner.node(), def("budget", &[], 0));
    let real = grow(owner.node(), &id, 3);
    let origin = real.checkpoint().origin.clone();
    let author = owner.node().public_key();
    // The same checkpoint twice conflicts with nothing.
    let twice = GossipMessage::Equivocation {
        first: real.to_text(),
        second: real.to_text(),
        fork: None,
    };
    assert_eq!(
        judge.handle_gossip(&author, &bytes(&twice)).verdict,
        Verdict::Reject
    );
    // A "conflicting" checkpoint not signed by the log's key proves nothing.
    let forged = signed_with(&seed_of("gdynia"), &origin, 4, [9; 32]);
    let framed = GossipMessage::Equivocation {
        first: real.to_text(),
        second: forged.to_text(),
        fork: None,
    };
    assert_eq!(
        judge.handle_gossip(&author, &bytes(&framed)).verdict,
        Verdict::Reject
    );
    // Fork evidence that does not hold proves nothing either.
    let bigger = grow(owner.node(), &id, 2);
    let bogus_fork = GossipMessage::Equivocation {
        first: real.to_text(),
        second: bigger.to_text(),
        fork: Some(ForkEvidence {
            implied_old_root: [7; 32],
            proof: vec![[8; 32]],
        }),
    };
    assert_eq!(
        judge.handle_gossip(&author, &bytes(&bogus_fork)).verdict,
        Verdict::Reject
    );
    assert!(!judge.is_marked(&author).unwrap());
    assert!(judge.equivocations().unwrap().is_empty());
    // A forged checkpoint is rejected and not remembered.
    let forged_cp = GossipMessage::Checkpoint {
        note: forged.to_text(),
    };
    assert_eq!(
        judge.handle_gossip(&author, &bytes(&forged_cp)).verdict,
        Verdict::Reject
    );
    assert!(judge.replica(&origin).unwrap().is_none());
    // Garbage is rejected.
    assert_eq!(
        judge.handle_gossip(&author, b"\xff\x00junk").verdict,
        Verdict::Reject
    );
    // A real pair of same-size checkpoints is accepted once, then ignored.
    let other = signed_with(&seed_of("gdansk"), &origin, real.checkpoint().size, [9; 32]);
    let true_proof = GossipMessage::Equivocation {
        first: real.to_text(),
        second: other.to_text(),
        fork: None,
    };
    assert_eq!(
        judge.handle_gossip(&author, &bytes(&true_proof)).verdict,
        Verdict::Accept
    );
    assert!(judge.is_marked(&author).unwrap());
    assert_eq!(
        judge.handle_gossip(&author, &bytes(&true_proof)).verdict,
        Verdict::Ignore
    );
}

#[test]
fn gossip_from_a_non_member_is_rejected_and_a_member_checkpoint_asks_for_a_sync() {
    let m = manifest(1, &["gdansk", "gdynia"]);
    let owner = open("gdansk", memory(), config(), m.clone());
    let judge = open("gdynia", memory(), config(), m);
    let id = open_process(owner.node(), def("budget", &[], 0));
    let real = grow(owner.node(), &id, 3);
    let message = bytes(&GossipMessage::Checkpoint {
        note: real.to_text(),
    });
    let stranger: PublicKey = key_of("outsider");
    let outcome = judge.handle_gossip(&stranger, &message);
    assert_eq!(outcome.verdict, Verdict::Reject);
    assert!(outcome.follow_ups.is_empty());
    let outcome = judge.handle_gossip(&owner.node().public_key(), &message);
    assert_eq!(outcome.verdict, Verdict::Accept);
    assert_eq!(
        outcome.follow_ups,
        vec![FollowUp::Sync {
            origin: real.checkpoint().origin.clone(),
            target: real.clone(),
            source: owner.node().public_key(),
        }]
    );
    // Seen again: nothing new.
    let outcome = judge.handle_gossip(&owner.node().public_key(), &message);
    assert_eq!(
        outcome.verdict,
        Verdict::Accept,
        "still behind, still worth a sync"
    );
}

#[test]
fn a_manifest_update_is_applied_persisted_and_a_forged_one_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let m1 = manifest(1, &["gdansk", "gdynia"]);
    let judge = open("gdynia", sled(&dir), config(), m1);
    let author = key_of("gdansk");
    let m2 = manifest(2, &["gdansk", "gdynia", "sopot"]);
    let update = GossipMessage::Manifest {
        signed: encoding::to_bytes(&m2).unwrap(),
    };
    let outcome = judge.handle_gossip(&author, &bytes(&update));
    assert_eq!(outcome.verdict, Verdict::Accept);
    assert_eq!(outcome.follow_ups, vec![FollowUp::ManifestUpdated]);
    assert!(judge.is_member(&key_of("sopot")));
    assert_eq!(
        judge.handle_gossip(&author, &bytes(&update)).verdict,
        Verdict::Ignore
    );
    // Altered after signing: rejected.
    let mut forged: Signed<FederationManifest> = manifest(3, &["gdansk", "gdynia", "evil"]);
    forged.value.version = 4;
    let forged = GossipMessage::Manifest {
        signed: encoding::to_bytes(&forged).unwrap(),
    };
    assert_eq!(
        judge.handle_gossip(&author, &bytes(&forged)).verdict,
        Verdict::Reject
    );
    // Reopened without a manifest: the stored update is the current one.
    drop(judge);
    let identity_store = sled(&dir);
    let reopened = crate::federation::Federation::open(
        std::sync::Arc::new(
            crate::service::Node::open(
                identity_store,
                &seed_of("gdynia"),
                crate::service::NodeIdentity {
                    slug: "gdynia".into(),
                    name: "GDYNIA".into(),
                    parent: None,
                },
                Default::default(),
                std::sync::Arc::new(crate::service::ManualClock::new(1_800_000_000)),
            )
            .unwrap(),
        ),
        config(),
        None,
    )
    .unwrap();
    assert_eq!(reopened.manifest().value.version, 2);
}
