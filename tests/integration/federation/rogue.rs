//! A member's node sending forged gossip is struck out and dropped by the
//! region, while honest members keep syncing.

use pbnode::federation::{PeerAddress, Transport};
use pbnode::net::{NetConfig, start};
use pbnode_protocol::crypto::PublicKey;
use pbnode_protocol::federation::GossipMessage;
use pbnode_protocol::note::{Checkpoint, SignatureType, SignedCheckpoint, SignerKey};
use pbnode_tests::federation_net::{FedSetup, connected, origin, run_demo, served, wait_until};
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(60);

#[test]
fn a_member_sending_forged_checkpoints_is_dropped_while_sync_goes_on() {
    let fed = FedSetup::new(&["town-1", "ghost"], &[]);
    let region = fed.start("region", None, &[]);
    let town1 = fed.start("town-1", Some(&region), &[]);
    let nodes = [&region, &town1];
    let first = run_demo(&town1, "demo-2027", 3);
    let log = origin("town-1", &first);
    wait_until("the region replicates town-1", LIMIT, &nodes, || {
        let head = served(&town1, &log);
        head.is_some() && served(&region, &log) == head
    });

    // The ghost member's key in a process of our own: a real libp2p peer.
    let seed = pbnode::secrets::load_node_key(&fed.data("ghost"))
        .expect("ghost key")
        .seed();
    let region_key: PublicKey = fed.signer.parse().expect("region key");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let _guard = runtime.enter();
    let mut config = NetConfig::new("testnet");
    config.listen = vec!["/ip4/127.0.0.1/tcp/0".into()];
    let (net, _inbound) = start(config, seed).expect("network");
    net.set_members(vec![PeerAddress {
        key: region_key,
        addresses: region.p2p_addrs().to_vec(),
    }])
    .expect("members");
    wait_until("the region admits the ghost member", LIMIT, &nodes, || {
        connected(&region, "ghost")
    });

    // Checkpoints of town-1's log signed with the ghost's key: forgeries.
    // Each differs (gossip ids derive from content), so each is judged.
    let forger = SignerKey::from_seed(&log, SignatureType::Ed25519, &seed).expect("signer");
    let mut sent = 0u64;
    wait_until("the region drops the forger", LIMIT, &nodes, || {
        for _ in 0..3 {
            sent += 1;
            let forged = Checkpoint::new(&log, 1_000 + sent, [sent as u8; 32]);
            let note = SignedCheckpoint::sign(forged, &forger)
                .expect("sign")
                .to_text();
            // Before the gossip mesh forms, publishing fails: try again.
            let _ = net.publish(GossipMessage::Checkpoint { note });
        }
        sent > 5 && !connected(&region, "ghost")
    });
    assert!(
        served(&region, &log).is_some_and(|(size, _)| size < 1_000),
        "a forgery was taken"
    );

    // Honest sync still works: a new town-1 process reaches the region.
    let second = run_demo(&town1, "after", 3);
    let log2 = origin("town-1", &second);
    wait_until(
        "the region replicates town-1's new log",
        LIMIT,
        &nodes,
        || {
            let head = served(&town1, &log2);
            head.is_some() && served(&region, &log2) == head
        },
    );
    assert!(!connected(&region, "ghost"), "the forger stays blocked");
    runtime.block_on(net.shutdown());
}
