//! Equivocation: a node that signs two checkpoints of one size is caught
//! by every honest peer, which stores a proof that verifies.

use super::net::Network;
use super::support::*;
use crate::federation::{FederationError, Transport, Verdict};
use pbnode_protocol::crypto::PublicKey;
use pbnode_protocol::federation::GossipMessage;
use pbnode_protocol::merkle::Blake3Hasher;
use pbnode_protocol::note::Conflict;

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
