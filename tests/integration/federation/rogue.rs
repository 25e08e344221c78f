//! A member's node sending forged, garbage or oversize gossip is scored
//! down, struck out and dropped by the region, while honest members keep
//! syncing. The rogue is a real libp2p peer (`pbnode::net`) holding a
//! manifest member's key, talking to real `pbnode run` processes.

use pbnode::federation::{Inbound, Transport};
use pbnode::net::NetHandle;
use pbnode_protocol::federation::GossipMessage;
use pbnode_protocol::federation::wire::MAX_GOSSIP_BYTES;
use pbnode_protocol::note::{Checkpoint, SignatureType, SignedCheckpoint, SignerKey};
use pbnode_tests::federation_net::{
    FedSetup, bare_peer, caught_up, connected, member, origin, run_demo, served, wait_until,
};
use pbnode_tests::real_node::RealNode;
use serde_json::Value;
use std::time::Duration;
use tokio::runtime::Runtime;
use tokio::sync::mpsc;

const LIMIT: Duration = Duration::from_secs(60);
/// The nodes' default strike limit (`NetConfig::strike_limit`).
const STRIKE_LIMIT: u64 = 5;

/// A region and town-1 (running `pbnode run`), town-1's demo log replicated
/// at the region, and the manifest member "ghost" connected as a bare
/// network peer that the test drives by hand. Fields drop in order: the
/// network, then the nodes, then their data directories.
struct Rogue {
    net: NetHandle,
    /// Kept open so the ghost's network task can deliver what it receives.
    _inbound: mpsc::Receiver<Inbound>,
    runtime: Runtime,
    town1: RealNode,
    region: RealNode,
    /// Origin of town-1's first demo log.
    log: String,
    /// The ghost's node key seed.
    seed: [u8; 32],
    /// Holds the members' directories until the nodes have stopped.
    _fed: FedSetup,
}

impl Rogue {
    fn start() -> Rogue {
        let fed = FedSetup::new(&["town-1", "ghost"], &[]);
        let region = fed.start("region", None, &[]);
        let town1 = fed.start("town-1", Some(&region), &[]);
        let first = run_demo(&town1, "demo-2027", 3);
        let log = origin("town-1", &first);
        wait_until(
            "the region replicates town-1",
            LIMIT,
            &[&region, &town1],
            || caught_up(&town1, &region, &log),
        );

        let seed = pbnode::secrets::load_node_key(&fed.data("ghost"))
            .expect("ghost key")
            .seed();
        let runtime = Runtime::new().expect("runtime");
        let (net, inbound) = {
            let _guard = runtime.enter();
            bare_peer(&fed, "ghost", &region)
        };
        wait_until(
            "the region admits the ghost member",
            LIMIT,
            &[&region],
            || connected(&region, "ghost"),
        );
        Rogue {
            net,
            _inbound: inbound,
            runtime,
            town1,
            region,
            log,
            seed,
            _fed: fed,
        }
    }

    /// What the region's federation summary says against the ghost.
    fn score(&self) -> Value {
        member(&self.region, "ghost")["misbehaviour"].clone()
    }

    fn rejected(&self) -> u64 {
        self.score()["rejected_messages"].as_u64().unwrap_or(0)
    }

    /// Publishes `data` until the region has rejected one more message.
    /// Publishing fails until the gossip mesh forms, and the same bytes
    /// are one message (ids derive from content), so repeats count once.
    fn send_until_rejected(&self, what: &str, data: &[u8]) {
        let before = self.rejected();
        wait_until(what, LIMIT, &[&self.region], || {
            let _ = self.net.publish_raw(data.to_vec());
            self.rejected() > before
        });
    }

    /// Honest sync still works: a new town-1 process reaches the region;
    /// and the ghost stays cut off.
    fn honest_sync_goes_on(self) {
        let second = run_demo(&self.town1, "after", 3);
        let log2 = origin("town-1", &second);
        let nodes = [&self.region, &self.town1];
        wait_until(
            "the region replicates town-1's new log",
            LIMIT,
            &nodes,
            || caught_up(&self.town1, &self.region, &log2),
        );
        assert!(!connected(&self.region, "ghost"), "the rogue stays blocked");
        assert!(
            served(&self.region, &self.log).is_some_and(|(size, _)| size < 1_000),
            "the region took something from the rogue"
        );
        self.runtime.block_on(self.net.shutdown());
    }
}

#[test]
fn a_member_sending_forged_checkpoints_is_dropped_while_sync_goes_on() {
    let rogue = Rogue::start();
    // Checkpoints of town-1's log signed with the ghost's key: forgeries.
    // Each differs (gossip ids derive from content), so each is judged.
    let forger =
        SignerKey::from_seed(&rogue.log, SignatureType::Ed25519, &rogue.seed).expect("signer");
    let mut sent = 0u64;
    wait_until(
        "the region drops the forger",
        LIMIT,
        &[&rogue.region],
        || {
            for _ in 0..3 {
                sent += 1;
                let forged = Checkpoint::new(&rogue.log, 1_000 + sent, [sent as u8; 32]);
                let note = SignedCheckpoint::sign(forged, &forger)
                    .expect("sign")
                    .to_text();
                // Before the gossip mesh forms, publishing fails: try again.
                let _ = rogue.net.publish(GossipMessage::Checkpoint { note });
            }
            sent > 5 && !connected(&rogue.region, "ghost")
        },
    );
    let score = rogue.score();
    assert_eq!(score["blocked"], true, "{score}");
    assert!(
        score["rejected_messages"].as_u64() >= Some(STRIKE_LIMIT),
        "{score}"
    );
    rogue.honest_sync_goes_on();
}

#[test]
fn a_member_sending_garbage_and_oversize_gossip_is_scored_down_then_dropped() {
    let rogue = Rogue::start();
    assert_eq!(rogue.score(), Value::Null, "a fresh member has no record");

    // Bytes that decode as no gossip message at all.
    for n in 0..2u8 {
        let garbage: Vec<u8> = (0..200u8).map(|i| i.wrapping_mul(37) ^ n).collect();
        rogue.send_until_rejected("the region rejects garbage", &garbage);
    }
    // Frames over MAX_GOSSIP_BYTES that gossipsub's transmit limit (which
    // leaves room for the envelope) still lets through: our cap rejects them.
    for n in 0..2u8 {
        let oversize = vec![n; MAX_GOSSIP_BYTES + 1];
        rogue.send_until_rejected("the region rejects an oversize message", &oversize);
    }
    // The size cap judged those two, before any decoding (a decoder
    // would have rejected them too, so the log line is what tells).
    let stderr = rogue.region.stderr();
    assert_eq!(
        stderr.matches("oversize gossip message").count(),
        2,
        "{stderr}"
    );

    // Scored down but below the strike limit: still connected.
    let score = rogue.score();
    assert_eq!(score["rejected_messages"], 4, "{score}");
    assert_eq!(score["blocked"], false, "{score}");
    assert!(
        connected(&rogue.region, "ghost"),
        "dropped before the limit"
    );

    // The fifth strike blocks and disconnects it.
    rogue.send_until_rejected("the region rejects garbage", b"not a gossip message");
    wait_until(
        "the region drops the rogue",
        LIMIT,
        &[&rogue.region],
        || !connected(&rogue.region, "ghost"),
    );
    let score = rogue.score();
    assert_eq!(score["rejected_messages"], STRIKE_LIMIT, "{score}");
    assert_eq!(
        (&score["blocked"], &score["blocks"]),
        (&Value::Bool(true), &Value::from(1)),
        "{score}"
    );
    rogue.honest_sync_goes_on();
}
