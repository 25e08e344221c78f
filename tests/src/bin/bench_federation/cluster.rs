//! Real nodes for the benchmark: each a `Node` over its own `MemoryStore`,
//! its own libp2p network on 127.0.0.1 (port 0) and its federation driver,
//! wired as `pbnode run` wires them (`pbnode::federated`).

use pbnode::federation::{self, Federation, FederationConfig};
use pbnode::net::{self, NetConfig, NetHandle};
use pbnode::service::{CheckpointPolicy, ManualClock, Node, NodeIdentity};
use pbnode::store::{KvStore, MemoryStore};
use pbnode_protocol::crypto::{PublicKey, Signable, Signed, SigningKey};
use pbnode_protocol::federation::{FederationManifest, Member, MemberRole};
use pbnode_protocol::objects::JurisdictionId;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The federation every benchmark node belongs to.
const FEDERATION: &str = "bench-pb";

/// The node seed of a slug (fixed per slug; slugs here are short).
pub fn seed_of(slug: &str) -> [u8; 32] {
    let mut seed = [0x5a; 32];
    for (s, b) in seed.iter_mut().zip(slug.bytes()) {
        *s = b;
    }
    seed
}

/// A node of `slug` over a fresh memory store, signing a checkpoint as
/// soon as a log grew (the benchmark calls `maybe_checkpoint` itself).
pub fn open_node(slug: &str, parent: Option<JurisdictionId>) -> Arc<Node> {
    let store: Arc<dyn KvStore> = Arc::new(MemoryStore::new());
    let identity = NodeIdentity {
        slug: slug.into(),
        name: slug.to_uppercase(),
        parent,
    };
    let policy = CheckpointPolicy {
        every_entries: 1,
        every_seconds: 0,
    };
    let clock = Arc::new(ManualClock::new(1_800_000_000));
    Arc::new(Node::open(store, &seed_of(slug), identity, policy, clock).expect("open node"))
}

/// A member whose network is bound but whose federation is not open yet.
struct Bound {
    slug: String,
    net: NetHandle,
    inbound: tokio::sync::mpsc::Receiver<federation::Inbound>,
    addresses: Vec<String>,
}

/// One running member.
pub struct Peer {
    /// Its slug.
    pub slug: String,
    /// Its federation (and through it, its node).
    pub fed: Arc<Federation>,
    /// Its libp2p network.
    pub net: Arc<NetHandle>,
    stop: oneshot::Sender<()>,
    driver: JoinHandle<()>,
}

impl Peer {
    /// Its node.
    pub fn node(&self) -> &Arc<Node> {
        self.fed.node()
    }

    /// Stops the driver, then the network.
    pub async fn shutdown(self) {
        let _ = self.stop.send(());
        let _ = tokio::time::timeout(Duration::from_secs(10), self.driver).await;
        self.net.shutdown().await;
    }
}

async fn bind(slug: &str) -> Bound {
    let mut config = NetConfig::new(FEDERATION);
    config.listen = vec!["/ip4/127.0.0.1/tcp/0".into()];
    let (net, inbound) = net::start(config, seed_of(slug)).expect("start network");
    let peer = net.local_peer_id();
    let addresses = net
        .listen_addrs()
        .await
        .expect("listen addresses")
        .into_iter()
        .map(|a| format!("{a}/p2p/{peer}"))
        .collect();
    Bound {
        slug: slug.into(),
        net,
        inbound,
        addresses,
    }
}

fn key_of(slug: &str) -> PublicKey {
    SigningKey::from_seed(&seed_of(slug)).public_key()
}

/// The manifest of `bound`, the first being the region, signed by it.
fn manifest(bound: &[Bound]) -> Signed<FederationManifest> {
    let region = &bound[0].slug;
    let mut members: Vec<Member> = bound
        .iter()
        .enumerate()
        .map(|(i, b)| Member {
            slug: b.slug.clone(),
            name: b.slug.to_uppercase(),
            key: key_of(&b.slug),
            role: if i == 0 {
                MemberRole::Region
            } else {
                MemberRole::Municipality
            },
            parent: (i > 0).then(|| region.clone()),
            addresses: b.addresses.clone(),
        })
        .collect();
    members.sort_by(|a, b| a.slug.cmp(&b.slug));
    let signer = SigningKey::from_seed(&seed_of(region));
    FederationManifest {
        federation: FEDERATION.into(),
        version: 1,
        issued_at: 1_800_000_000,
        signer: signer.public_key(),
        members,
    }
    .sign(&signer)
    .expect("sign manifest")
}

/// Binds a network per slug (the first is the region), then opens each
/// node's federation under a manifest listing every bound address, signed
/// by the region. The drivers are not started.
pub async fn federation(slugs: &[String]) -> Vec<Starter> {
    let mut bound = Vec::new();
    for slug in slugs {
        bound.push(bind(slug).await);
    }
    let manifest = manifest(&bound);
    let signer = key_of(&slugs[0]);
    let mut starters = Vec::new();
    for b in bound {
        let node = open_node(&b.slug, None);
        let config = FederationConfig::new(signer);
        let fed = Federation::open(node, config, Some(manifest.clone())).expect("open federation");
        let starter = Starter {
            slug: b.slug,
            fed: Arc::new(fed),
            net: Arc::new(b.net),
            inbound: b.inbound,
        };
        starters.push(starter);
    }
    starters
}

/// A member with its federation open and its driver not started.
pub struct Starter {
    /// Its slug.
    pub slug: String,
    /// Its federation.
    pub fed: Arc<Federation>,
    net: Arc<NetHandle>,
    inbound: tokio::sync::mpsc::Receiver<federation::Inbound>,
}

impl Starter {
    /// Starts its driver: from now on it talks to the federation.
    pub fn start(self) -> Peer {
        let (stop, stopped) = oneshot::channel::<()>();
        let driver = tokio::spawn(federation::run(
            self.fed.clone(),
            self.net.clone(),
            self.inbound,
            async {
                let _ = stopped.await;
            },
        ));
        Peer {
            slug: self.slug,
            fed: self.fed,
            net: self.net,
            stop,
            driver,
        }
    }
}
