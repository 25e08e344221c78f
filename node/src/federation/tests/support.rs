//! A federation of real nodes (each a `Node` over its own store and a
//! `Federation`) on the in-process network, with helpers to grow logs.

use super::net::{NetTransport, Network};
use crate::federation::{Federation, FederationConfig, Inbound, run};
use crate::service::{CheckpointPolicy, ManualClock, Node, NodeIdentity, ProposalSubmission};
use crate::store::{KvStore, MemoryStore, SledStore};
use pbnode_protocol::crypto::{PublicKey, Signable, Signed, SigningKey};
use pbnode_protocol::federation::{FederationManifest, Member, MemberRole};
use pbnode_protocol::ids::Id;
use pbnode_protocol::note::SignedCheckpoint;
use pbnode_protocol::objects::{
    Author, BallotFormat, District, Eligibility, LocalizedText, Money, PhaseSchedule, ProcessDef,
    ProcessId, RuleRef, Witness, WitnessPolicy,
};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

/// The region: a member that signs the manifest (it runs no node here).
pub const REGION: &str = "pomorskie";

/// The node seed of a slug (fixed per slug, so a reopened node is the same).
pub fn seed_of(slug: &str) -> [u8; 32] {
    *blake3::hash(slug.as_bytes()).as_bytes()
}

pub fn key_of(slug: &str) -> PublicKey {
    SigningKey::from_seed(&seed_of(slug)).public_key()
}

/// The manifest listing `slugs` as municipalities of the region, signed by
/// the region's key.
pub fn manifest(version: u64, slugs: &[&str]) -> Signed<FederationManifest> {
    let mut members: Vec<Member> = slugs
        .iter()
        .map(|slug| Member {
            slug: (*slug).into(),
            name: slug.to_uppercase(),
            key: key_of(slug),
            role: MemberRole::Municipality,
            parent: Some(REGION.into()),
            addresses: Vec::new(),
        })
        .collect();
    members.push(Member {
        slug: REGION.into(),
        name: "Pomorskie".into(),
        key: key_of(REGION),
        role: MemberRole::Region,
        parent: None,
        addresses: Vec::new(),
    });
    members.sort_by(|a, b| a.slug.cmp(&b.slug));
    let signer = SigningKey::from_seed(&seed_of(REGION));
    FederationManifest {
        federation: "pomorskie-pb".into(),
        version,
        issued_at: 1_800_000_000,
        signer: signer.public_key(),
        members,
    }
    .sign(&signer)
    .unwrap()
}

pub fn manifest_signer() -> PublicKey {
    key_of(REGION)
}

/// Fast timers, small sync batches.
pub fn config() -> FederationConfig {
    let mut config = FederationConfig::new(manifest_signer());
    config.sync_batch = 16;
    config.announce_interval = Duration::from_millis(50);
    config.retry_base = Duration::from_millis(50);
    config.retry_max = Duration::from_millis(400);
    config
}

pub fn memory() -> Arc<dyn KvStore> {
    Arc::new(MemoryStore::new())
}

/// Opens (or reopens) a sled store. sled's background threads may hold
/// the directory lock for a moment after the last handle is dropped, so a
/// reopen retries for a while.
pub fn sled(dir: &tempfile::TempDir) -> Arc<dyn KvStore> {
    for _ in 0..50 {
        if let Ok(store) = SledStore::open(dir.path()) {
            return Arc::new(store);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Arc::new(SledStore::open(dir.path()).unwrap())
}

/// Opens the node `slug` over `store` and its federation.
pub fn open(
    slug: &str,
    store: Arc<dyn KvStore>,
    config: FederationConfig,
    manifest: Signed<FederationManifest>,
) -> Arc<Federation> {
    let identity = NodeIdentity {
        slug: slug.into(),
        name: slug.to_uppercase(),
        parent: None,
    };
    let policy = CheckpointPolicy {
        every_entries: 1,
        every_seconds: 0,
    };
    let clock = Arc::new(ManualClock::new(1_800_000_000));
    let node = Node::open(store, &seed_of(slug), identity, policy, clock).unwrap();
    Arc::new(Federation::open(Arc::new(node), config, Some(manifest)).unwrap())
}

/// One running member.
pub struct Peer {
    pub fed: Arc<Federation>,
    pub transport: Arc<NetTransport>,
    inbound: Option<mpsc::Receiver<Inbound>>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Peer {
    pub fn node(&self) -> &Arc<Node> {
        self.fed.node()
    }

    pub fn key(&self) -> PublicKey {
        self.fed.node().public_key()
    }

    /// Starts its driver.
    pub fn start(&mut self) {
        let inbound = self.inbound.take().expect("started once");
        let (stop, stopped) = oneshot::channel::<()>();
        let fed = self.fed.clone();
        let transport = self.transport.clone();
        self.task = Some(tokio::spawn(run(fed, transport, inbound, async move {
            let _ = stopped.await;
        })));
        self.stop = Some(stop);
    }

    /// Stops its driver and waits for it.
    pub async fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap();
        }
    }
}

/// Joins a federation instance to the network (driver not started).
pub fn join(net: &Arc<Network>, fed: Arc<Federation>) -> Peer {
    let (transport, inbound) = net.join(fed.node().public_key());
    Peer {
        fed,
        transport,
        inbound: Some(inbound),
        stop: None,
        task: None,
    }
}

/// Members `slugs` over memory stores, joined and running.
pub fn cluster(
    net: &Arc<Network>,
    slugs: &[&str],
    configure: impl Fn(&str, &mut FederationConfig),
) -> Vec<Peer> {
    let m = manifest(1, slugs);
    slugs
        .iter()
        .map(|slug| {
            let mut c = config();
            configure(slug, &mut c);
            let mut peer = join(net, open(slug, memory(), c, m.clone()));
            peer.start();
            peer
        })
        .collect()
}

pub fn def(slug: &str, witnesses: &[&str], threshold: u32) -> ProcessDef {
    let mut witnesses: Vec<Witness> = witnesses
        .iter()
        .map(|w| Witness {
            name: format!("{w}/witness"),
            key: key_of(w),
        })
        .collect();
    witnesses.sort_by_key(|w| w.key);
    ProcessDef {
        slug: slug.into(),
        owner: Id::from_bytes([0; 32]),
        texts: vec![LocalizedText {
            lang: "en".into(),
            title: "Budget 2027".into(),
            description: "What should the city build?".into(),
        }],
        budget: Money {
            minor_units: 100_000,
            currency: "EUR".into(),
        },
        districts: vec![District {
            id: "north".into(),
            name: "North".into(),
            budget: None,
        }],
        schedule: PhaseSchedule {
            proposals: 0,
            review: 0,
            voting: 0,
            closed: 0,
            implementation: 0,
        },
        ballot_format: BallotFormat::Approval {
            min: 1,
            max: 3,
            budget_cap: true,
        },
        rule: RuleRef {
            name: "greedy".into(),
            version: "1".into(),
        },
        eligibility: Eligibility {
            census: "census 2027-01".into(),
        },
        witnesses: WitnessPolicy {
            witnesses,
            threshold,
        },
        members: Vec::new(),
    }
}

/// Opens a process (its definition is entry 0) and signs a checkpoint.
pub fn open_process(node: &Node, def: ProcessDef) -> ProcessId {
    let slug = def.slug.clone();
    node.create_process(def).unwrap();
    let id = node.open_process(&slug).unwrap().id.unwrap();
    node.maybe_checkpoint(node.now()).unwrap();
    id
}

/// Appends `n` proposals and signs a checkpoint of the new size.
pub fn grow(node: &Node, id: &ProcessId, n: usize) -> SignedCheckpoint {
    grow_titled(node, id, n, "Project")
}

/// [`grow`] with proposal titles starting with `prefix` (two histories of
/// one log differ by their titles).
pub fn grow_titled(node: &Node, id: &ProcessId, n: usize, prefix: &str) -> SignedCheckpoint {
    let base = node.log_size(id).unwrap();
    for i in 0..n {
        let submission = ProposalSubmission {
            title: format!("{prefix} {base}-{i}"),
            description: format!("Project {i}, described"),
            cost: 1_000 + i as u64,
            district: "north".into(),
            category: "greenery".into(),
            authors: vec![Author {
                name: "Ala".into(),
                jurisdiction: Id::from_bytes([1; 32]),
            }],
        };
        node.submit_proposal(id, submission).unwrap();
    }
    node.maybe_checkpoint(node.now()).unwrap();
    node.latest_checkpoint(id).unwrap().unwrap()
}

/// Waits until `done` holds (checked every 20 ms, at most 30 s).
pub async fn eventually(what: &str, done: impl Fn() -> bool) {
    for _ in 0..1500 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("timed out waiting until {what}");
}
