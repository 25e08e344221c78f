//! A federation of real `pbnode run` processes on 127.0.0.1, made exactly as
//! `scripts/devnet.sh` makes one: `pbnode init` per member, `pbnode
//! federation id` into a members file, `pbnode federation manifest` signed
//! with the region's key, then every node started with the `PBNODE_*`
//! federation variables and bootstrapped from the region.
//!
//! Each member lives in `<root>/<slug>/data` so that [`RealNode`]'s stdout
//! and stderr files (written beside the data directory) stay per member.

use crate::pbnode_binary;
use crate::real_node::RealNode;
use crate::voter::{SealedBallot, Voter};
use pbnode::federation::{Inbound, PeerAddress, Transport};
use pbnode::net::{NetConfig, NetHandle};
use pbnode_protocol::crypto::PublicKey;
use pbnode_protocol::note::{SignedCheckpoint, process_log_origin};
use pbnode_protocol::objects::ProposalId;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// Seconds between a node's checkpoints and its federation announcements:
/// short, so that tests converge in seconds.
const INTERVAL_SECS: &str = "1";

/// The members, their data directories and the signed manifest.
#[derive(Debug)]
pub struct FedSetup {
    root: tempfile::TempDir,
    /// The region's hex key: the manifest's signer.
    pub signer: String,
    /// The signed manifest file.
    pub manifest: PathBuf,
}

/// Runs a `pbnode` subcommand, panicking with its stderr when it fails.
pub fn pbnode(args: &[&str]) -> Output {
    let out = Command::new(pbnode_binary())
        .args(args)
        .env_remove("RUST_LOG")
        .output()
        .unwrap_or_else(|e| panic!("running pbnode {args:?}: {e}"));
    assert!(
        out.status.success(),
        "pbnode {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `pbnode init` of one node with its slug.
pub fn init_member(data: &Path, slug: &str) {
    let data = data.to_str().expect("utf-8 path");
    pbnode(&["init", "--data", data, "--name", slug, "--slug", slug]);
}

/// The member's `[[members]]` block (`pbnode federation id`).
fn member_block(data: &Path, region: bool) -> String {
    let data = data.to_str().expect("utf-8 path");
    let mut args = vec!["federation", "id", "--data", data];
    if region {
        args.extend(["--role", "region"]);
    } else {
        args.extend(["--parent", "region"]);
    }
    String::from_utf8(pbnode(&args).stdout).expect("utf-8 members block")
}

impl FedSetup {
    /// Initialises `region` and the municipalities `towns`, all in the
    /// manifest, signed by the region. `outsiders` are initialised too but
    /// left out of the manifest.
    pub fn new(towns: &[&str], outsiders: &[&str]) -> FedSetup {
        let root = tempfile::tempdir().expect("temp dir");
        let mut members = String::from("federation = \"testnet\"\nversion = 1\n");
        for (i, slug) in std::iter::once(&"region").chain(towns).enumerate() {
            let data = root.path().join(slug).join("data");
            init_member(&data, slug);
            members.push_str(&member_block(&data, i == 0));
        }
        for slug in outsiders {
            init_member(&root.path().join(slug).join("data"), slug);
        }
        let members_file = root.path().join("members.toml");
        std::fs::write(&members_file, &members).expect("members file");
        let manifest = root.path().join("manifest.json");
        let region = root.path().join("region").join("data");
        pbnode(&[
            "federation",
            "manifest",
            "--data",
            region.to_str().expect("utf-8"),
            "--members",
            members_file.to_str().expect("utf-8"),
            "--out",
            manifest.to_str().expect("utf-8"),
        ]);
        let signer = member_key(&members, "region");
        FedSetup {
            root,
            signer,
            manifest,
        }
    }

    /// The data directory of `slug`.
    pub fn data(&self, slug: &str) -> PathBuf {
        self.root.path().join(slug).join("data")
    }

    /// The scratch directory of the federation (for extra files).
    pub fn root(&self) -> &Path {
        self.root.path()
    }

    /// The federation environment of a node bootstrapping from `bootstrap`
    /// (none for the region), plus `extra` variables.
    pub fn env(
        &self,
        bootstrap: Option<&RealNode>,
        extra: &[(&str, &str)],
    ) -> Vec<(String, String)> {
        let mut env: Vec<(String, String)> = vec![
            ("PBNODE_FEDERATION".into(), "true".into()),
            ("PBNODE_P2P_LISTEN".into(), "/ip4/127.0.0.1/tcp/0".into()),
            (
                "PBNODE_MANIFEST".into(),
                self.manifest.display().to_string(),
            ),
            ("PBNODE_FEDERATION_SIGNER".into(), self.signer.clone()),
            ("PBNODE_SYNC_INTERVAL_SECS".into(), INTERVAL_SECS.into()),
            (
                "PBNODE_CHECKPOINT_INTERVAL_SECS".into(),
                INTERVAL_SECS.into(),
            ),
        ];
        if let Some(region) = bootstrap {
            env.push(("PBNODE_BOOTSTRAP".into(), region.p2p_addrs().join(",")));
        }
        for (k, v) in extra {
            env.retain(|(key, _)| key != k);
            env.push(((*k).into(), (*v).into()));
        }
        env
    }

    /// Starts `slug` (bootstrapping from `bootstrap`) with `extra` variables.
    pub fn start(
        &self,
        slug: &str,
        bootstrap: Option<&RealNode>,
        extra: &[(&str, &str)],
    ) -> RealNode {
        RealNode::start_with_env(&self.data(slug), self.env(bootstrap, extra))
    }
}

/// The `key = "…"` of `slug`'s block in a members file.
pub fn member_key(members: &str, slug: &str) -> String {
    let mut in_block = false;
    for line in members.lines() {
        if let Some(s) = line.strip_prefix("slug = ") {
            in_block = s.trim_matches('"') == slug;
        }
        if in_block && let Some(k) = line.strip_prefix("key = ") {
            return k.trim_matches('"').to_owned();
        }
    }
    panic!("no key for {slug} in {members}")
}

/// Runs `pbnode demo` against `node` (a process `slug` with `voters`
/// voters, voting left open) and returns the process id.
pub fn run_demo(node: &RealNode, slug: &str, voters: u32) -> String {
    demo(node, slug, voters, false)
}

/// Runs `pbnode demo --close` against `node`: the process `slug` with
/// `voters` voters, closed and tallied. Returns the process id.
pub fn run_closed_demo(node: &RealNode, slug: &str, voters: u32) -> String {
    demo(node, slug, voters, true)
}

fn demo(node: &RealNode, slug: &str, voters: u32, close: bool) -> String {
    let token_file = node.data().join("admin-token");
    let voters = voters.to_string();
    let mut args = vec![
        "demo",
        "--node",
        node.url(),
        "--token-file",
        token_file.to_str().expect("utf-8"),
        "--slug",
        slug,
        "--voters",
        &voters,
    ];
    if close {
        args.push("--close");
    }
    let out = pbnode(&args);
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .trim()
        .to_owned()
}

/// The log origin of `process` on the node `slug`.
pub fn origin(slug: &str, process: &str) -> String {
    process_log_origin(slug, process).expect("valid origin")
}

/// `GET /api/v1/federation`.
pub fn summary(node: &RealNode) -> Value {
    node.client().get("/api/v1/federation").expect_json(200)
}

/// Whether `replica` serves the log `origin` at the checkpoint its owner
/// serves (and the owner serves one).
pub fn caught_up(owner: &RealNode, replica: &RealNode, origin: &str) -> bool {
    let head = served(owner, origin);
    head.is_some() && served(replica, origin) == head
}

/// A bare network peer (`pbnode::net`, no node behind it) holding member
/// `slug`'s node key, listening on 127.0.0.1 and dialling `region` only:
/// how tests play a member or an outsider that misbehaves. Call it inside a
/// tokio runtime; keep the receiver, or inbound messages are dropped.
pub fn bare_peer(
    fed: &FedSetup,
    slug: &str,
    region: &RealNode,
) -> (NetHandle, mpsc::Receiver<Inbound>) {
    let seed = pbnode::secrets::load_node_key(&fed.data(slug))
        .unwrap_or_else(|e| panic!("{slug}'s key: {e}"))
        .seed();
    let region_key: PublicKey = fed.signer.parse().expect("region key");
    let mut config = NetConfig::new("testnet");
    config.listen = vec!["/ip4/127.0.0.1/tcp/0".into()];
    let (net, inbound) = pbnode::net::start(config, seed).expect("network");
    net.set_members(vec![PeerAddress {
        key: region_key,
        addresses: region.p2p_addrs().to_vec(),
    }])
    .expect("members");
    (net, inbound)
}

/// The (size, root) of the log `origin` as `node` serves it, if it does.
pub fn served(node: &RealNode, origin: &str) -> Option<(u64, [u8; 32])> {
    let reply = node.client().get("/api/v1/federation");
    if reply.status != 200 {
        return None;
    }
    let body = reply.json();
    let log = body["logs"]
        .as_array()?
        .iter()
        .find(|l| l["origin"] == origin)?;
    let note = SignedCheckpoint::parse(log["checkpoint"].as_str()?).ok()?;
    Some((note.checkpoint().size, note.checkpoint().root))
}

/// Whether `node` lists the member `slug` as connected.
pub fn connected(node: &RealNode, slug: &str) -> bool {
    member(node, slug)["connected"] == true
}

/// The member `slug` in `node`'s federation summary.
pub fn member(node: &RealNode, slug: &str) -> Value {
    summary(node)["members"]
        .as_array()
        .and_then(|m| m.iter().find(|m| m["slug"] == slug).cloned())
        .unwrap_or_else(|| panic!("{slug} is not a member"))
}

/// Every entry of a log, read page by page from `path` (`/processes/{id}/log`
/// on the owner, `/logs/{slug}/{id}/entries` on a replica).
pub fn all_entries(node: &RealNode, path: &str) -> Vec<String> {
    let mut entries = Vec::new();
    loop {
        let reply = node
            .client()
            .get(&format!("{path}?start={}", entries.len()));
        // A replica answers a read at its end with 400 "past the log".
        if reply.status == 400 && !entries.is_empty() && reply.body.contains("past the log") {
            return entries;
        }
        let page = reply.expect_json(200);
        let got: Vec<String> = page["entries"]
            .as_array()
            .unwrap_or_else(|| panic!("no entries in {page}"))
            .iter()
            .map(|e| e.as_str().expect("hex entry").to_owned())
            .collect();
        if got.is_empty() {
            return entries;
        }
        entries.extend(got);
    }
}

/// The last lines of every node's stderr, for a failure message.
pub fn stderr_tails(nodes: &[&RealNode]) -> String {
    let mut out = String::new();
    for node in nodes {
        let err = node.stderr();
        let lines: Vec<&str> = err.lines().collect();
        let tail = lines[lines.len().saturating_sub(15)..].join("\n");
        out.push_str(&format!("\n--- {} ---\n{tail}", node.data().display()));
    }
    out
}

/// Polls `condition` every 200 ms until it holds; after `limit` panics
/// naming `what`, with the nodes' stderr tails.
pub fn wait_until(
    what: &str,
    limit: Duration,
    nodes: &[&RealNode],
    mut condition: impl FnMut() -> bool,
) {
    let started = Instant::now();
    while !condition() {
        assert!(
            started.elapsed() < limit,
            "{what}: not reached within {limit:?}{}",
            stderr_tails(nodes)
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Runs a `pbnode` subcommand and returns its output whatever its exit
/// status (for commands expected to refuse).
pub fn pbnode_unchecked(args: &[&str]) -> Output {
    Command::new(pbnode_binary())
        .args(args)
        .env_remove("RUST_LOG")
        .output()
        .unwrap_or_else(|e| panic!("running pbnode {args:?}: {e}"))
}

/// The jurisdiction id (hex) of `node` (`GET /api/v1/node`): what a
/// regional process lists as its members.
pub fn jurisdiction_id(node: &RealNode) -> String {
    let info = node.client().get("/api/v1/node").expect_json(200);
    info["jurisdiction"]
        .as_str()
        .unwrap_or_else(|| panic!("no jurisdiction in {info}"))
        .to_owned()
}

/// Defines a regional process on `region` for `members` with `pbnode demo
/// --regional-members` (as `scripts/devnet.sh` does): six accepted
/// projects, three per district (`north`, `south`), voting open. Returns
/// its id.
pub fn regional_process(region: &RealNode, slug: &str, members: &[&RealNode]) -> String {
    let ids: Vec<String> = members.iter().map(|m| jurisdiction_id(m)).collect();
    let token_file = region.data().join("admin-token");
    let out = pbnode(&[
        "demo",
        "--node",
        region.url(),
        "--token-file",
        token_file.to_str().expect("utf-8"),
        "--slug",
        slug,
        "--regional-members",
        &ids.join(","),
    ]);
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .trim()
        .to_owned()
}

/// The accepted projects of `process` on `node`, by district.
pub fn accepted_by_district(node: &RealNode, process: &str) -> BTreeMap<String, Vec<ProposalId>> {
    let list = node
        .client()
        .get(&format!(
            "/api/v1/processes/{process}/proposals?status=accepted"
        ))
        .expect_json(200);
    let records = list
        .as_array()
        .or_else(|| list["proposals"].as_array())
        .unwrap_or_else(|| panic!("not a proposal list: {list}"));
    let mut by_district: BTreeMap<String, Vec<ProposalId>> = BTreeMap::new();
    for record in records {
        let id: ProposalId = record["id"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("proposal id in {record}"));
        let district = record["proposal"]["district"]
            .as_str()
            .unwrap_or_else(|| panic!("district in {record}"));
        by_district.entry(district.to_owned()).or_default().push(id);
    }
    by_district
}

/// Imports `census` (voter reference, district) into `process` on `node`
/// and issues the codes; returns each reference's code.
pub fn census_codes(
    node: &RealNode,
    process: &str,
    census: &[(String, &str)],
) -> BTreeMap<String, String> {
    let admin = node.admin();
    let csv: String = std::iter::once("voter_ref,district\n".to_owned())
        .chain(census.iter().map(|(r, d)| format!("{r},{d}\n")))
        .collect();
    admin
        .post_raw(
            &format!("/api/v1/processes/{process}/census"),
            "text/csv",
            csv.as_bytes(),
        )
        .expect_json(200);
    let codes = admin.post_empty(&format!("/api/v1/processes/{process}/codes"));
    codes
        .expect_text(200)
        .lines()
        .skip(1)
        .map(|line| {
            let fields: Vec<&str> = line.split(',').collect();
            (fields[0].to_owned(), fields[2].to_owned())
        })
        .collect()
}

/// Registers `voter` with `code` in `process` on `node` and casts
/// `ballot`; returns the receipt the node answered.
pub fn register_and_vote(
    node: &RealNode,
    process: &str,
    voter: &Voter,
    code: &str,
    ballot: &SealedBallot,
) -> Value {
    let citizen = node.client();
    citizen
        .post_json(
            &format!("/api/v1/processes/{process}/voters"),
            &voter.registration(code),
        )
        .expect_json(201);
    citizen
        .post_json(
            &format!("/api/v1/processes/{process}/ballots"),
            &ballot.body(),
        )
        .expect_json(201)
}
