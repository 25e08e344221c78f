//! Replication: propagation, batching, resume after a restart, and a
//! byzantine source.

use super::net::{Fault, Network};
use super::support::*;
use crate::federation::FederationError;
use pbnode_protocol::federation::{GossipMessage, ProcessEvent, SyncRequest, SyncResponse};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_checkpoint_reaches_every_peer_and_a_late_peer_syncs_from_replicas() {
    let net = Network::new();
    let slugs = ["gdansk", "gdynia", "sopot", "hel"];
    let mut peers = cluster(&net, &slugs[..3], |_, _| {});
    let owner = peers[0].fed.clone();
    let id = open_process(owner.node(), def("budget", &[], 0));
    // Over 40 entries: several batches of 16 and a partial one.
    let target = grow(owner.node(), &id, 40);
    let origin = target.checkpoint().origin.clone();
    let n = target.checkpoint().size;
    assert!(n > 40 && !n.is_multiple_of(16));
    for peer in &peers[1..] {
        let fed = peer.fed.clone();
        let o = origin.clone();
        eventually("the replica reaches the owner's checkpoint", move || {
            fed.replica(&o)
                .unwrap()
                .is_some_and(|r| r.verified_size() == n)
        })
        .await;
        assert_eq!(peer.fed.replica_size(&origin).unwrap(), n);
        let requests = net.entries_requests(&peer.key());
        assert!(requests.len() >= 3, "{requests:?}");
        assert!(requests.iter().all(|(_, _, limit)| *limit <= 16));
    }
    // The driver asked the region (the two others) to cosign, stored the
    // cosignatures with the checkpoint, and the replicas got them by gossip.
    let node = owner.node().clone();
    eventually(
        "the owner's checkpoint carries two cosignatures",
        move || {
            node.latest_checkpoint(&id)
                .unwrap()
                .unwrap()
                .signatures()
                .len()
                == 3
        },
    )
    .await;
    for peer in &peers[1..] {
        let fed = peer.fed.clone();
        let o = origin.clone();
        eventually("the replica's checkpoint carries them too", move || {
            fed.replica(&o)
                .unwrap()
                .and_then(|r| r.verified())
                .is_some_and(|v| v.signatures().len() == 3)
        })
        .await;
    }
    // The owner announced the process.
    assert!(net.published_by(&owner.node().public_key()).iter().any(|m| matches!(
        m,
        GossipMessage::Process { process, event: ProcessEvent::Opened, .. } if *process == id
    )));
    // The replica serves exactly the owner's entries.
    let from_owner = owner.node().log_entries(&id, 0, 100).unwrap();
    let replica = peers[1].fed.handle_request(
        &peers[2].key(),
        SyncRequest::Entries {
            origin: origin.clone(),
            start: 0,
            limit: 100,
        },
    );
    assert_eq!(
        replica,
        SyncResponse::Entries {
            start: 0,
            entries: from_owner
        }
    );
    // A late member that cannot reach the owner catches up from replicas
    // when it connects (PeerUp → Logs → sync).
    let m = manifest(2, &slugs);
    for peer in &peers {
        peer.fed.update_manifest(m.clone()).unwrap();
    }
    let late = open("hel", memory(), config(), m);
    net.cut(late.node().public_key(), owner.node().public_key());
    let mut late = join(&net, late);
    late.start();
    let fed = late.fed.clone();
    let o = origin.clone();
    eventually("the late peer holds the log", move || {
        fed.replica(&o)
            .unwrap()
            .is_some_and(|r| r.verified_size() == n)
    })
    .await;
    assert!(
        net.entries_requests(&late.key())
            .iter()
            .all(|(to, _, _)| *to != owner.node().public_key())
    );
    // Process definition is served by id from the replica.
    let def_entry = peers[1].fed.object(id.as_bytes()).unwrap();
    assert_eq!(def_entry, owner.node().log_entries(&id, 0, 1).unwrap()[0]);
    late.stop().await;
    for peer in &mut peers {
        peer.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_sync_resumes_where_it_stopped_after_a_restart() {
    let net = Network::new();
    let slugs = ["gdansk", "gdynia"];
    let m = manifest(1, &slugs);
    let mut owner = join(&net, open("gdansk", memory(), config(), m.clone()));
    owner.start();
    let id = open_process(owner.node(), def("budget", &[], 0));
    let target = grow(owner.node(), &id, 50);
    let origin = target.checkpoint().origin.clone();
    let dir = tempfile::tempdir().unwrap();
    // The replica syncs by hand (no driver), and the owner's connection
    // drops after two batches.
    net.set_fault(
        owner.key(),
        Fault {
            drop_after_entries: Some(2),
            ..Fault::default()
        },
    );
    {
        let replica = join(&net, open("gdynia", sled(&dir), config(), m.clone()));
        let err = replica
            .fed
            .sync_log(&*replica.transport, owner.key(), &origin, target.clone())
            .await
            .unwrap_err();
        assert!(matches!(err, FederationError::PeerFailed(_)), "{err}");
        assert_eq!(replica.fed.replica_size(&origin).unwrap(), 32);
        net.leave(&replica.key());
    }
    // Restart: the same sled directory, a new node and federation.
    net.set_fault(owner.key(), Fault::default());
    let replica = join(&net, open("gdynia", sled(&dir), config(), m));
    assert_eq!(replica.fed.replica_size(&origin).unwrap(), 32);
    let pending = replica.fed.pending_syncs().unwrap();
    assert_eq!(pending, vec![(origin.clone(), target.clone())]);
    let before = net.entries_requests(&replica.key()).len();
    let outcome = replica
        .fed
        .sync_log(&*replica.transport, owner.key(), &origin, target.clone())
        .await
        .unwrap();
    let n = target.checkpoint().size;
    assert_eq!(outcome.fetched, n - 32, "nothing fetched twice");
    let resumed = net.entries_requests(&replica.key());
    assert_eq!(resumed[before].1, 32, "resumes at the replica's size");
    let record = replica.fed.replica(&origin).unwrap().unwrap();
    assert_eq!(record.verified(), Some(target));
    assert!(record.target.is_none());
    assert!(replica.fed.pending_syncs().unwrap().is_empty());
    assert_eq!(
        replica.fed.replica_size(&origin).unwrap(),
        owner.node().log_size(&id).unwrap()
    );
    owner.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_serving_a_tampered_entry_is_named_and_nothing_bad_is_committed() {
    let net = Network::new();
    let slugs = ["gdansk", "gdynia", "sopot"];
    let m = manifest(1, &slugs);
    let mut owner = join(&net, open("gdansk", memory(), config(), m.clone()));
    let mut liar = join(&net, open("gdynia", memory(), config(), m.clone()));
    owner.start();
    let id = open_process(owner.node(), def("budget", &[], 0));
    let target = grow(owner.node(), &id, 40);
    let origin = target.checkpoint().origin.clone();
    // The liar holds an honest replica but alters what it serves from
    // entry 16 on.
    liar.fed
        .sync_log(&*liar.transport, owner.key(), &origin, target.clone())
        .await
        .unwrap();
    liar.start();
    net.set_fault(
        liar.key(),
        Fault {
            tamper_entries_from: Some(16),
            ..Fault::default()
        },
    );
    let victim = join(&net, open("sopot", memory(), config(), m));
    let err = victim
        .fed
        .sync_log(&*victim.transport, liar.key(), &origin, target.clone())
        .await
        .unwrap_err();
    match err {
        FederationError::PeerMisbehaved(fault) => assert_eq!(fault.peer, liar.key()),
        other => panic!("expected the liar named, got {other}"),
    }
    // The first, honest batch stays; the tampered one was not committed.
    assert_eq!(victim.fed.replica_size(&origin).unwrap(), 16);
    assert_eq!(
        victim
            .fed
            .replica(&origin)
            .unwrap()
            .unwrap()
            .verified_size(),
        0
    );
    // An honest source completes it, and the result is the owner's log.
    victim
        .fed
        .sync_log(&*victim.transport, owner.key(), &origin, target)
        .await
        .unwrap();
    let served = victim.fed.handle_request(
        &owner.key(),
        SyncRequest::Entries {
            origin,
            start: 0,
            limit: 64,
        },
    );
    assert_eq!(
        served,
        SyncResponse::Entries {
            start: 0,
            entries: owner.node().log_entries(&id, 0, 64).unwrap()
        }
    );
    liar.stop().await;
    owner.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_are_checked_and_capped() {
    let net = Network::new();
    let peers = cluster(&net, &["gdansk", "gdynia"], |_, _| {});
    let (owner, other) = (&peers[0], &peers[1]);
    let id = open_process(owner.node(), def("budget", &[], 0));
    let cp = grow(owner.node(), &id, 3);
    let origin = cp.checkpoint().origin.clone();
    let ask = |request| owner.fed.handle_request(&other.key(), request);
    let bad = |r: SyncResponse| matches!(r, SyncResponse::Error(_));
    assert!(bad(ask(SyncRequest::Entries {
        origin: origin.clone(),
        start: 0,
        limit: 0
    })));
    assert!(bad(ask(SyncRequest::Entries {
        origin: origin.clone(),
        start: 0,
        limit: 5000
    })));
    assert!(bad(ask(SyncRequest::Entries {
        origin: origin.clone(),
        start: cp.checkpoint().size,
        limit: 1
    })));
    assert!(bad(ask(SyncRequest::Consistency {
        origin: origin.clone(),
        old_size: 2,
        new_size: cp.checkpoint().size + 1
    })));
    assert_eq!(
        ask(SyncRequest::Checkpoint {
            origin: origin.clone()
        }),
        SyncResponse::Checkpoint(cp.to_text())
    );
    let SyncResponse::Logs(logs) = ask(SyncRequest::Logs) else {
        panic!("logs")
    };
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].origin, origin);
    // A stranger is refused whatever it asks.
    let stranger = key_of("outsider");
    assert!(bad(owner.fed.handle_request(&stranger, SyncRequest::Logs)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partitioned_peer_converges_when_the_partition_heals() {
    let net = Network::new();
    let mut peers = cluster(&net, &["gdansk", "gdynia", "sopot"], |_, _| {});
    let (owner, cut_off) = (peers[0].key(), peers[2].key());
    net.cut(owner, cut_off);
    net.cut(peers[1].key(), cut_off);
    let id = open_process(peers[0].node(), def("budget", &[], 0));
    let target = grow(peers[0].node(), &id, 30);
    let origin = target.checkpoint().origin.clone();
    let n = target.checkpoint().size;
    let (fed, o) = (peers[1].fed.clone(), origin.clone());
    eventually("the connected peer syncs", move || {
        fed.replica(&o)
            .unwrap()
            .is_some_and(|r| r.verified_size() == n)
    })
    .await;
    assert!(peers[2].fed.replica(&origin).unwrap().is_none());
    // Only the link to the other replica heals: the log comes from there.
    net.heal(peers[1].key(), cut_off);
    let (fed, o) = (peers[2].fed.clone(), origin.clone());
    eventually("the partitioned peer catches up", move || {
        fed.replica(&o)
            .unwrap()
            .is_some_and(|r| r.verified_size() == n)
    })
    .await;
    assert!(
        net.entries_requests(&cut_off)
            .iter()
            .all(|(to, _, _)| *to == peers[1].key())
    );
    for peer in &mut peers {
        peer.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_sync_is_retried_until_it_completes() {
    let net = Network::new();
    let slugs = ["gdansk", "gdynia"];
    let m = manifest(1, &slugs);
    let mut owner = join(&net, open("gdansk", memory(), config(), m.clone()));
    owner.start();
    net.set_fault(
        owner.key(),
        Fault {
            drop_after_entries: Some(1),
            ..Fault::default()
        },
    );
    let id = open_process(owner.node(), def("budget", &[], 0));
    let target = grow(owner.node(), &id, 40);
    let origin = target.checkpoint().origin.clone();
    let mut replica = join(&net, open("gdynia", memory(), config(), m));
    replica.start();
    let (net2, key) = (net.clone(), replica.key());
    eventually("a sync fails after one batch", move || {
        net2.entries_requests(&key).len() >= 2
    })
    .await;
    assert_eq!(
        replica
            .fed
            .replica(&origin)
            .unwrap()
            .unwrap()
            .verified_size(),
        0
    );
    net.set_fault(owner.key(), Fault::default());
    let (fed, o, n) = (
        replica.fed.clone(),
        origin.clone(),
        target.checkpoint().size,
    );
    eventually("the retry completes the replica", move || {
        fed.replica(&o)
            .unwrap()
            .is_some_and(|r| r.verified_size() == n)
    })
    .await;
    replica.stop().await;
    owner.stop().await;
}
