//! Equivocation: a node that signs two checkpoints of one size is caught
//! by every honest peer, which stores a proof that verifies.

use super::net::Network;
use super::support::*;
use crate::federation::{Federation, FederationError, FollowUp, Transport, Verdict};
use pbnode_protocol::crypto::{PublicKey, Signed};
use pbnode_protocol::encoding;
use pbnode_protocol::federation::{FederationManifest, GossipMessage};
use pbnode_protocol::merkle::Blake3Hasher;
use pbnode_protocol::note::{Conflict, SignedCheckpoint};
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_equivocating_node_is_caught_by_every_honest_peer() {
    let net = Network::new();
    let slugs = ["gdansk", "gdynia", "hel", "sopot"];
    let mut peers = cluster(&net, &slugs, |slug, c| {
        c.allow_equivocation = slug == "gdansk";
    });
    let cheat = peers[0].fed.clone();
    let id = open_process(cheat.node(), def("budget", &[], 0));
    let honest = grow(cheat.node(), &id, 20);
    let origin = honest.checkpoint().origin.clone();
    for peer in &peers[1..] {
        let fed = peer.fed.clone();
        let o = origin.clone();
        let honest = honest.clone();
        eventually("every peer replicates the honest log", move || {
            fed.replica(&o)
                .unwrap()
                .and_then(|r| r.verified())
                .is_some_and(|v| v.checkpoint() == honest.checkpoint())
        })
        .await;
    }
    let forked = cheat.sign_forked_checkpoint_for_test(&id).unwrap();
    assert_eq!(forked.checkpoint().size, honest.checkpoint().size);
    assert_ne!(forked.checkpoint().root, honest.checkpoint().root);
    peers[0]
        .transport
        .publish(GossipMessage::Checkpoint {
            note: forked.to_text(),
        })
        .unwrap();
    let cheat_key = cheat.node().public_key();
    for peer in &peers[1..] {
        let fed = peer.fed.clone();
        eventually("the peer marks the cheat", move || {
            fed.is_marked(&cheat_key).unwrap()
        })
        .await;
        let proofs = peer.fed.equivocations().unwrap();
        assert_eq!(proofs.len(), 1);
        assert_eq!(proofs[0].offender, cheat_key);
        let proof = proofs[0].proof().unwrap();
        assert_eq!(proof.conflict(), &Conflict::SameSize);
        proof
            .verify(
                &[cheat.node().log_verifier_key(&id).unwrap()],
                &Blake3Hasher,
            )
            .unwrap();
        // The honest replica was not replaced by the fork.
        let record = peer.fed.replica(&origin).unwrap().unwrap();
        assert_eq!(record.verified().unwrap().checkpoint(), honest.checkpoint());
        let honest_peer: PublicKey = peer.key();
        assert!(!peer.fed.is_marked(&honest_peer).unwrap());
    }
    // The forked checkpoint was judged valid evidence, not spam.
    assert!(
        net.verdicts_on(&cheat_key)
            .iter()
            .all(|(_, v)| *v != Verdict::Reject)
    );
    for peer in &mut peers {
        peer.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_equivocation_switch_is_off_unless_configured() {
    let net = Network::new();
    let peers = cluster(&net, &["gdansk"], |_, _| {});
    let id = open_process(peers[0].node(), def("budget", &[], 0));
    let err = peers[0]
        .fed
        .sign_forked_checkpoint_for_test(&id)
        .unwrap_err();
    assert!(matches!(err, FederationError::Forbidden(_)), "{err}");
}

/// The cheat's twin: the same key and identity over another store, with
/// the same process (same id, same first entries) and another history.
fn twin_with_fork(
    m: &Signed<FederationManifest>,
    entries: usize,
) -> (Arc<Federation>, SignedCheckpoint) {
    let twin = open("gdansk", memory(), config(), m.clone());
    let id = open_process(twin.node(), def("budget", &[], 0));
    let forked = grow_titled(twin.node(), &id, entries, "Forked");
    (twin, forked)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_longer_forked_history_is_proven_against_the_replica() {
    let net = Network::new();
    let m = manifest(1, &["gdansk", "gdynia"]);
    let mut cheat = join(&net, open("gdansk", memory(), config(), m.clone()));
    cheat.start();
    let replica = join(&net, open("gdynia", memory(), config(), m.clone()));
    let id = open_process(cheat.node(), def("budget", &[], 0));
    let honest = grow(cheat.node(), &id, 10);
    let origin = honest.checkpoint().origin.clone();
    replica
        .fed
        .sync_log(&*replica.transport, cheat.key(), &origin, honest.clone())
        .await
        .unwrap();
    // The cheat now shows another, longer history of the same log.
    cheat.stop().await;
    net.leave(&cheat.key());
    let (twin, forked) = twin_with_fork(&m, 20);
    assert_eq!(forked.checkpoint().origin, origin);
    let mut twin = join(&net, twin);
    twin.start();
    let err = replica
        .fed
        .sync_log(&*replica.transport, twin.key(), &origin, forked.clone())
        .await
        .unwrap_err();
    assert!(matches!(err, FederationError::Equivocation(_)), "{err}");
    assert!(replica.fed.is_marked(&twin.key()).unwrap());
    let proofs = replica.fed.equivocations().unwrap();
    assert_eq!(proofs.len(), 1);
    let proof = proofs[0].proof().unwrap();
    assert!(matches!(proof.conflict(), Conflict::Fork { .. }));
    assert_eq!(proof.first().checkpoint(), honest.checkpoint());
    assert_eq!(proof.second().checkpoint(), forked.checkpoint());
    proof
        .verify(&[twin.node().log_verifier_key(&id).unwrap()], &Blake3Hasher)
        .unwrap();
    // The replica kept the honest history and will not retry the fork.
    let record = replica.fed.replica(&origin).unwrap().unwrap();
    assert_eq!(record.verified().unwrap().checkpoint(), honest.checkpoint());
    assert!(replica.fed.pending_syncs().unwrap().is_empty());
    assert_eq!(
        replica.fed.replica_size(&origin).unwrap(),
        honest.checkpoint().size
    );
    twin.stop().await;
}

#[test]
fn a_shorter_forked_checkpoint_is_proven_from_the_replica() {
    let m = manifest(1, &["gdansk", "gdynia"]);
    let cheat = open("gdansk", memory(), config(), m.clone());
    let judge = open("gdynia", memory(), config(), m.clone());
    let id = open_process(cheat.node(), def("budget", &[], 0));
    let honest = grow(cheat.node(), &id, 20);
    let origin = honest.checkpoint().origin.clone();
    // Replicate by serving the judge straight from the cheat's handler.
    let entries = cheat.node().log_entries(&id, 0, 100).unwrap();
    {
        let log = judge.replica_log(&origin).unwrap();
        let mut log = log.lock().unwrap();
        log.append_durable(&entries).unwrap();
    }
    let record = crate::federation::ReplicaRecord {
        origin: origin.clone(),
        owner: cheat.node().public_key(),
        checkpoint: Some(honest.to_text()),
        target: None,
    };
    let mut batch = crate::store::WriteBatch::default();
    crate::federation::replica::put_record(&mut batch, &record).unwrap();
    judge.node().store().apply(batch).unwrap();
    let (_, forked) = twin_with_fork(&m, 5);
    assert!(forked.checkpoint().size < honest.checkpoint().size);
    let gossip = encoding::to_bytes(&GossipMessage::Checkpoint {
        note: forked.to_text(),
    })
    .unwrap();
    let outcome = judge.handle_gossip(&cheat.node().public_key(), &gossip);
    assert_eq!(outcome.verdict, Verdict::Accept);
    assert!(matches!(
        outcome.follow_ups.as_slice(),
        [FollowUp::Publish(GossipMessage::Equivocation { .. })]
    ));
    assert!(judge.is_marked(&cheat.node().public_key()).unwrap());
    let proof = judge.equivocations().unwrap()[0].proof().unwrap();
    assert_eq!(proof.first().checkpoint(), forked.checkpoint());
    assert!(matches!(proof.conflict(), Conflict::Fork { .. }));
    // A judge holding the honest replica also verifies the bare pair.
    let third = open("gdynia", memory(), config(), m.clone());
    {
        let log = third.replica_log(&origin).unwrap();
        log.lock().unwrap().append_durable(&entries).unwrap();
    }
    let pair = encoding::to_bytes(&GossipMessage::Equivocation {
        first: proof.first().to_text(),
        second: proof.second().to_text(),
        fork: None,
    })
    .unwrap();
    assert_eq!(
        third
            .handle_gossip(&cheat.node().public_key(), &pair)
            .verdict,
        Verdict::Accept
    );
    assert!(third.is_marked(&cheat.node().public_key()).unwrap());
    // A judge with no copy of either tree cannot check the bare pair, but
    // the gossiped proof carries its evidence and convinces it alone.
    let blind = open("gdynia", memory(), config(), m);
    assert_eq!(
        blind
            .handle_gossip(&cheat.node().public_key(), &pair)
            .verdict,
        Verdict::Ignore
    );
    let gossiped = match outcome.follow_ups.as_slice() {
        [FollowUp::Publish(message)] => encoding::to_bytes(message).unwrap(),
        other => panic!("expected one publication, got {other:?}"),
    };
    assert_eq!(
        blind
            .handle_gossip(&cheat.node().public_key(), &gossiped)
            .verdict,
        Verdict::Accept
    );
    assert!(blind.is_marked(&cheat.node().public_key()).unwrap());
    assert!(matches!(
        blind.equivocations().unwrap()[0]
            .proof()
            .unwrap()
            .conflict(),
        Conflict::Fork { .. }
    ));
}
