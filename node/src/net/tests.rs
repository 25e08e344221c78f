//! Real swarms on 127.0.0.1, in one process. Every test bounds its own run
//! time; waits poll shared state rather than sleeping fixed amounts.

use super::*;
use crate::federation::{Inbound, PeerAddress, Transport, TransportError, Verdict};
use libp2p::PeerId;
use pbnode_protocol::crypto::PublicKey;
use pbnode_protocol::encoding;
use pbnode_protocol::federation::wire::MAX_GOSSIP_BYTES;
use pbnode_protocol::federation::{GossipMessage, SyncRequest, SyncResponse, WireError};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep, timeout};

/// Upper bound on any single wait in these tests.
const WAIT: Duration = Duration::from_secs(15);

/// What a node's federation side saw.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Seen {
    /// Author, forwarder, data (boxed: node keys are large).
    Gossip(Box<(PublicKey, PublicKey, Vec<u8>)>),
    Request(PublicKey),
    Up(PublicKey),
    Down(PublicKey),
}

/// How the federation side of a test node judges gossip.
type Judge = Arc<dyn Fn(&PublicKey) -> Verdict + Send + Sync>;

struct Node {
    net: NetHandle,
    key: PublicKey,
    address: PeerAddress,
    seen: mpsc::UnboundedReceiver<Seen>,
}

fn test_config() -> NetConfig {
    NetConfig {
        listen: vec!["/ip4/127.0.0.1/tcp/0".to_string()],
        request_timeout: Duration::from_secs(5),
        answer_timeout: Duration::from_secs(1),
        block_duration: Duration::from_secs(120),
        ..NetConfig::new("test")
    }
}

/// A node whose federation side accepts all gossip and answers checkpoint
/// requests with `<origin>@<its key>`.
async fn node(seed: u8) -> Node {
    node_judging(seed, Arc::new(|_: &PublicKey| Verdict::Accept)).await
}

async fn node_judging(seed: u8, judge: Judge) -> Node {
    let (net, inbound) = start(test_config(), [seed; 32]).expect("network starts");
    let key = net.local_key();
    let addresses = net.listen_addrs().await.expect("listening");
    assert!(!addresses.is_empty());
    let address = PeerAddress {
        key,
        addresses: addresses.iter().map(ToString::to_string).collect(),
    };
    let (seen_tx, seen) = mpsc::unbounded_channel();
    tokio::spawn(federation_side(key, inbound, judge, seen_tx));
    Node {
        net,
        key,
        address,
        seen,
    }
}

/// The other side of the seam in these tests: judges, answers, and records.
async fn federation_side(
    me: PublicKey,
    mut inbound: mpsc::Receiver<Inbound>,
    judge: Judge,
    seen: mpsc::UnboundedSender<Seen>,
) {
    while let Some(event) = inbound.recv().await {
        let record = match event {
            Inbound::Gossip {
                author,
                via,
                data,
                verdict,
            } => {
                let _ = verdict.send(judge(&author));
                Seen::Gossip(Box::new((author, via, data)))
            }
            Inbound::Request {
                from,
                request,
                reply,
            } => {
                let response = match request {
                    SyncRequest::Checkpoint { origin } => {
                        SyncResponse::Checkpoint(format!("{origin}@{me}"))
                    }
                    // Held without an answer: the network must answer for us.
                    SyncRequest::Logs => {
                        tokio::spawn(async move {
                            sleep(Duration::from_secs(3)).await;
                            drop(reply);
                        });
                        let _ = seen.send(Seen::Request(from));
                        continue;
                    }
                    _ => SyncResponse::Error(WireError::NotFound("test".into())),
                };
                let _ = reply.send(response);
                Seen::Request(from)
            }
            Inbound::PeerUp(key) => Seen::Up(key),
            Inbound::PeerDown(key) => Seen::Down(key),
        };
        let _ = seen.send(record);
    }
}

async fn within<T>(what: &str, future: impl Future<Output = T>) -> T {
    match timeout(WAIT, future).await {
        Ok(value) => value,
        Err(_) => panic!("timed out waiting for {what}"),
    }
}

async fn wait_until(what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + WAIT;
    while !condition() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        sleep(Duration::from_millis(20)).await;
    }
}

/// The next gossip a node's federation side saw, skipping other events.
async fn next_gossip(node: &mut Node) -> (PublicKey, PublicKey, Vec<u8>) {
    within("a gossip message", async {
        loop {
            match node.seen.recv().await {
                Some(Seen::Gossip(seen)) => return *seen,
                Some(_) => {}
                None => panic!("federation side stopped"),
            }
        }
    })
    .await
}

/// Makes every node a member of every node's federation and waits until
/// each sees all the others subscribed.
async fn federate(nodes: &[&Node]) {
    let members: Vec<PeerAddress> = nodes.iter().map(|node| node.address.clone()).collect();
    for node in nodes {
        node.net
            .set_members(members.clone())
            .expect("valid members");
    }
    for node in nodes {
        wait_until("every member subscribed", || {
            node.net.subscribers().len() == nodes.len() - 1
        })
        .await;
    }
}

fn checkpoint(note: &str) -> GossipMessage {
    GossipMessage::Checkpoint {
        note: note.to_string(),
    }
}

fn bytes(message: &GossipMessage) -> Vec<u8> {
    encoding::to_bytes(message).expect("encodes")
}

#[test]
fn peer_ids_and_node_keys_convert_both_ways() {
    let signing = pbnode_protocol::crypto::SigningKey::from_seed(&[7; 32]);
    let key = signing.public_key();
    let libp2p_peer = keypair_from_seed([7; 32]).public().to_peer_id();
    assert_eq!(peer_id_of(&key), libp2p_peer);
    assert_eq!(public_key_of(&libp2p_peer), Some(key));
    let other = pbnode_protocol::crypto::SigningKey::from_seed(&[8; 32]).public_key();
    assert_ne!(peer_id_of(&other), libp2p_peer);
    // An id that does not inline an Ed25519 key names no member.
    assert_eq!(public_key_of(&PeerId::random()), None);
}

#[test]
fn strikes_block_at_the_limit_and_expiry_clears_them() {
    let mut board = scores::Scoreboard::new(3, Duration::from_secs(10));
    let peer = PeerId::random();
    let start = std::time::Instant::now();
    assert!(!board.strike(peer, scores::Offence::RejectedMessage, start));
    assert!(!board.strike(peer, scores::Offence::MalformedFrame, start));
    assert!(board.strike(peer, scores::Offence::RejectedMessage, start));
    assert!(board.is_blocked(&peer));
    // Further offences while blocked are counted but do not re-block.
    assert!(!board.strike(peer, scores::Offence::RejectedMessage, start));
    let score = board.snapshot()[&peer];
    assert_eq!((score.rejected_messages, score.malformed_frames), (3, 1));
    assert_eq!((score.blocks, score.blocked), (1, true));
    assert!(board.expire(start + Duration::from_secs(9)).is_empty());
    assert_eq!(board.expire(start + Duration::from_secs(10)), vec![peer]);
    assert!(!board.is_blocked(&peer));
    assert_eq!(board.snapshot()[&peer].strikes, 0);
}

#[tokio::test]
async fn gossip_from_one_node_reaches_the_other_two_with_its_author() {
    let (a, mut b, mut c) = (node(1).await, node(2).await, node(3).await);
    federate(&[&a, &b, &c]).await;
    let message = checkpoint("a's checkpoint");
    a.net.publish(message.clone()).expect("published");
    for receiver in [&mut b, &mut c] {
        let (author, _via, data) = next_gossip(receiver).await;
        assert_eq!(author, a.key);
        assert_eq!(data, bytes(&message));
    }
    let mut connected = a.net.connected();
    connected.sort();
    let mut expected = vec![b.key, c.key];
    expected.sort();
    assert_eq!(connected, expected);
    a.net.shutdown().await;
    assert_eq!(
        a.net.publish(checkpoint("after shutdown")),
        Err(TransportError::Stopped)
    );
}

#[tokio::test]
async fn requests_get_answers_and_unknown_peers_fail_cleanly() {
    let (a, mut b) = (node(11).await, node(12).await);
    federate(&[&a, &b]).await;
    let answer = within(
        "an answer",
        a.net.request(
            b.key,
            SyncRequest::Checkpoint {
                origin: "pbnode/x/1".into(),
            },
        ),
    )
    .await;
    assert_eq!(
        answer,
        Ok(SyncResponse::Checkpoint(format!("pbnode/x/1@{}", b.key)))
    );
    loop {
        match within("the request record", b.seen.recv()).await {
            Some(Seen::Request(from)) => {
                assert_eq!(from, a.key);
                break;
            }
            Some(_) => {}
            None => panic!("federation side stopped"),
        }
    }

    let stranger = pbnode_protocol::crypto::SigningKey::from_seed(&[99; 32]).public_key();
    let refused = within("a refusal", a.net.request(stranger, SyncRequest::Manifest)).await;
    assert!(
        matches!(refused, Err(TransportError::Unreachable(_))),
        "{refused:?}"
    );

    // B's federation side holds a Logs request unanswered: the network
    // answers for it once `answer_timeout` (1 s) has passed.
    let held = within("the held request", a.net.request(b.key, SyncRequest::Logs)).await;
    assert!(
        matches!(held, Ok(SyncResponse::Error(WireError::Internal(_)))),
        "{held:?}"
    );
}

#[tokio::test]
async fn a_non_member_cannot_connect_or_request() {
    let (mut a, b, outsider) = (node(21).await, node(22).await, node(23).await);
    federate(&[&a, &b]).await;
    // The outsider lists A, but A's manifest does not list the outsider.
    outsider
        .net
        .set_members(vec![a.address.clone()])
        .expect("valid members");
    let refused = within(
        "a refusal",
        outsider.net.request(a.key, SyncRequest::Manifest),
    )
    .await;
    assert!(
        matches!(refused, Err(TransportError::Unreachable(_))),
        "{refused:?}"
    );
    wait_until("the outsider to see no connection", || {
        outsider.net.connected().is_empty()
    })
    .await;
    assert_eq!(a.net.connected(), vec![b.key]);
    // A's members still talk; A's federation side never saw the outsider.
    let answer = within("an answer", b.net.request(a.key, SyncRequest::Manifest)).await;
    assert!(answer.is_ok(), "{answer:?}");
    let mut saw_b_request = false;
    while let Ok(seen) = a.seen.try_recv() {
        assert!(
            !matches!(&seen, Seen::Request(k) | Seen::Up(k) | Seen::Down(k) if *k == outsider.key),
            "{seen:?}"
        );
        saw_b_request |= seen == Seen::Request(b.key);
    }
    assert!(saw_b_request);
}

#[tokio::test]
async fn a_peer_whose_gossip_is_rejected_is_cut_off_while_others_continue() {
    let bad_seed = 33;
    let bad_key = pbnode_protocol::crypto::SigningKey::from_seed(&[bad_seed; 32]).public_key();
    let judge: Judge = Arc::new(move |author: &PublicKey| {
        if *author == bad_key {
            Verdict::Reject
        } else {
            Verdict::Accept
        }
    });
    let a = node_judging(31, judge.clone()).await;
    let mut b = node_judging(32, judge).await;
    let c = node(bad_seed).await;
    federate(&[&a, &b, &c]).await;

    let limit = test_config().strike_limit;
    for n in 0..limit {
        c.net
            .publish(checkpoint(&format!("forged {n}")))
            .expect("published while still connected");
    }
    for judge in [&a, &b] {
        wait_until("the bad peer to be blocked", || {
            judge
                .net
                .peer_scores()
                .get(&c.key)
                .is_some_and(|score| score.blocked && score.rejected_messages == u64::from(limit))
        })
        .await;
        wait_until("the bad peer to be disconnected", || {
            !judge.net.connected().contains(&c.key)
        })
        .await;
    }
    wait_until("the bad peer to lose both links", || {
        c.net.connected().is_empty()
    })
    .await;
    let refused = within("a refusal", c.net.request(a.key, SyncRequest::Manifest)).await;
    assert!(refused.is_err(), "{refused:?}");

    let message = checkpoint("still talking");
    a.net.publish(message.clone()).expect("published");
    loop {
        let (author, _via, data) = next_gossip(&mut b).await;
        if author == a.key {
            assert_eq!(data, bytes(&message));
            break;
        }
        assert_eq!(author, c.key, "only the bad peer's messages came before");
    }
    assert_eq!(a.net.connected(), vec![b.key]);
}

#[tokio::test]
async fn oversize_gossip_is_refused_and_a_maximal_one_is_delivered() {
    let (a, mut b) = (node(41).await, node(42).await);
    let too_big = GossipMessage::Manifest {
        signed: vec![0; MAX_GOSSIP_BYTES],
    };
    assert!(matches!(
        a.net.publish(too_big),
        Err(TransportError::Invalid(_))
    ));
    // Refused for size before any peer is there, then for want of peers.
    assert!(matches!(
        a.net.publish(checkpoint("nobody listens")),
        Err(TransportError::Publish(_))
    ));

    federate(&[&a, &b]).await;
    // Exactly MAX_GOSSIP_BYTES of data still fits gossipsub's frame limit.
    let mut filler = MAX_GOSSIP_BYTES - bytes(&GossipMessage::Manifest { signed: vec![] }).len();
    let maximal = loop {
        let message = GossipMessage::Manifest {
            signed: vec![7; filler],
        };
        if bytes(&message).len() <= MAX_GOSSIP_BYTES {
            break message;
        }
        filler -= 1;
    };
    assert!(bytes(&maximal).len() > MAX_GOSSIP_BYTES - 8);
    a.net.publish(maximal.clone()).expect("published");
    let (author, via, data) = next_gossip(&mut b).await;
    assert_eq!((author, via), (a.key, a.key));
    assert_eq!(data, bytes(&maximal));
}

#[tokio::test]
async fn removing_a_member_disconnects_it() {
    let (a, mut b) = (node(51).await, node(52).await);
    federate(&[&a, &b]).await;
    assert_eq!(a.net.connected(), vec![b.key]);
    a.net
        .set_members(vec![a.address.clone()])
        .expect("valid members");
    wait_until("A to drop B", || a.net.connected().is_empty()).await;
    wait_until("B to lose A", || b.net.connected().is_empty()).await;
    loop {
        match within("B's PeerDown", b.seen.recv()).await {
            Some(Seen::Down(key)) => {
                assert_eq!(key, a.key);
                break;
            }
            Some(_) => {}
            None => panic!("federation side stopped"),
        }
    }
    // B still lists A, but A no longer admits B.
    let refused = within("a refusal", b.net.request(a.key, SyncRequest::Manifest)).await;
    assert!(refused.is_err(), "{refused:?}");
    assert!(a.net.connected().is_empty());
}

#[tokio::test]
async fn bad_addresses_and_listen_addresses_are_refused() {
    let config = NetConfig {
        listen: vec!["not a multiaddr".into()],
        ..test_config()
    };
    assert!(matches!(
        start(config, [61; 32]),
        Err(NetError::Address { .. })
    ));
    let a = node(62).await;
    let bad = PeerAddress {
        key: a.key,
        addresses: vec!["/ip4/999.0.0.1/tcp/1".into()],
    };
    assert!(matches!(
        a.net.set_members(vec![bad]),
        Err(TransportError::Invalid(_))
    ));
}
