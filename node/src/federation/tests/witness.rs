//! Witnessing: cosigning with tlog-witness rules, conflicts, and k-of-n
//! cosignatures stored with the checkpoint.

use super::net::Network;
use super::support::*;
use crate::service::Node;
use pbnode_protocol::federation::{SyncRequest, SyncResponse, WireError};
use pbnode_protocol::note::AddCheckpoint;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn witnesses_cosign_and_the_stored_checkpoint_carries_k_of_n() {
    let net = Network::new();
    // hel is a witness of the process but never joins: 2 of 3 must do.
    let slugs = ["gdansk", "gdynia", "hel", "sopot"];
    let m = manifest(1, &slugs);
    let mut peers: Vec<_> = ["gdansk", "gdynia", "sopot"]
        .iter()
        .map(|s| join(&net, open(s, memory(), config(), m.clone())))
        .collect();
    for p in &mut peers[1..] {
        p.start();
    }
    let owner = &peers[0];
    let id = open_process(owner.node(), def("budget", &["gdynia", "sopot", "hel"], 2));
    grow(owner.node(), &id, 5);
    let report = owner
        .fed
        .request_cosignatures(&*owner.transport, id)
        .await
        .unwrap();
    assert_eq!(report.cosigned_by.len(), 2, "{:?}", report.failed);
    assert_eq!(report.failed.len(), 1);
    assert_eq!(report.failed[0].0, key_of("hel"));
    assert_eq!(report.policy_met, Some(true));
    // The stored checkpoint (what receipts and the API hand out) carries
    // the cosignatures, and they meet the process's policy.
    let stored = owner.node().latest_checkpoint(&id).unwrap().unwrap();
    assert_eq!(stored, report.checkpoint);
    let def = owner.node().get_process("budget").unwrap().def;
    let policy = Node::witness_policy(&def).unwrap().unwrap();
    assert_eq!(policy.check(&stored).unwrap().len(), 2);
    stored
        .verify_log_signature(&[owner.node().log_verifier_key(&id).unwrap()])
        .unwrap();
    // Each witness remembers what it cosigned.
    let origin = stored.checkpoint().origin.clone();
    for p in &peers[1..] {
        let witnessed = p.fed.witnessed(&origin).unwrap().unwrap();
        assert_eq!(witnessed.checkpoint(), stored.checkpoint());
    }
    for p in &mut peers {
        p.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_old_size_gets_a_conflict_and_the_log_retries_with_a_proof() {
    let net = Network::new();
    let m = manifest(1, &["gdansk", "gdynia"]);
    let owner = join(&net, open("gdansk", memory(), config(), m.clone()));
    let mut witness = join(&net, open("gdynia", memory(), config(), m));
    witness.start();
    let id = open_process(owner.node(), def("budget", &["gdynia"], 1));
    let first = grow(owner.node(), &id, 4);
    let report = owner
        .fed
        .request_cosignatures(&*owner.transport, id)
        .await
        .unwrap();
    assert_eq!(report.policy_met, Some(true));
    let second = grow(owner.node(), &id, 7);
    let origin = second.checkpoint().origin.clone();
    // A request claiming the witness has cosigned nothing is answered with
    // the size it has (tlog-witness 409).
    let stale = AddCheckpoint {
        old_size: 0,
        proof: Vec::new(),
        checkpoint: second.clone(),
    };
    let answer = witness.fed.handle_request(
        &owner.key(),
        SyncRequest::Cosign {
            body: stale.to_text(),
        },
    );
    assert_eq!(
        answer,
        SyncResponse::CosignConflict {
            latest_size: first.checkpoint().size
        }
    );
    // A wrong proof from the right old size is refused.
    let wrong = AddCheckpoint {
        old_size: first.checkpoint().size,
        proof: owner
            .node()
            .consistency_proof(&id, first.checkpoint().size - 1, second.checkpoint().size)
            .unwrap(),
        checkpoint: second.clone(),
    };
    let answer = witness.fed.handle_request(
        &owner.key(),
        SyncRequest::Cosign {
            body: wrong.to_text(),
        },
    );
    assert!(
        matches!(answer, SyncResponse::Error(WireError::Refused(_))),
        "{answer:?}"
    );
    // The log forgets its guess; its request conflicts, then it retries
    // with the witness's size and a consistency proof.
    owner.fed.cosigned_sizes.lock().unwrap().clear();
    let report = owner
        .fed
        .request_cosignatures(&*owner.transport, id)
        .await
        .unwrap();
    assert_eq!(
        report.cosigned_by,
        vec![witness.key()],
        "{:?}",
        report.failed
    );
    assert_eq!(report.checkpoint.checkpoint(), second.checkpoint());
    assert_eq!(
        witness
            .fed
            .witnessed(&origin)
            .unwrap()
            .unwrap()
            .checkpoint(),
        second.checkpoint()
    );
    // A rollback to the first checkpoint is refused.
    let rollback = AddCheckpoint {
        old_size: second.checkpoint().size,
        proof: Vec::new(),
        checkpoint: first,
    };
    let answer = witness.fed.handle_request(
        &owner.key(),
        SyncRequest::Cosign {
            body: rollback.to_text(),
        },
    );
    assert!(matches!(answer, SyncResponse::Error(_)), "{answer:?}");
    witness.stop().await;
}
