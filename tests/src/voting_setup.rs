//! A process taken to the voting phase through the HTTP API with many
//! registered voters, and the reads a verifier makes of its public log.

use crate::client::Client;
use crate::fixtures::{process_draft, proposal};
use crate::voter::Voter;
use pbnode_protocol::ballot::BallotCommitment;
use pbnode_protocol::crypto::PublicKey;
use pbnode_protocol::encoding;
use pbnode_protocol::ids::Id;
use pbnode_protocol::note::{SignedCheckpoint, VerifierKey};
use pbnode_protocol::objects::{LogEntry, ProcessId, ProposalId, Tally};
use pbnode_protocol::recount::{LogKeys, RecountReport, verify_log};
use serde_json::json;

/// A process in the voting phase and its registered voters.
#[derive(Debug)]
pub struct VotingProcess {
    /// The process id.
    pub id: ProcessId,
    /// Accepted projects of the north (costs 30 000, 50 000, 10 000).
    pub north: Vec<ProposalId>,
    /// Accepted projects of the south (costs 60 000, 20 000).
    pub south: Vec<ProposalId>,
    /// Registered voters with their district: voter `i` is
    /// `Voter::numbered(i)`, in the north when `i` is even.
    pub voters: Vec<(Voter, &'static str)>,
}

/// Parses a JSON value, naming it when it does not parse. A macro: a
/// generic function would need `serde`'s `DeserializeOwned` bound, and
/// this crate reaches serde only through `serde_json`.
macro_rules! parse {
    ($value:expr, $what:expr) => {
        serde_json::from_value($value.clone())
            .unwrap_or_else(|e| panic!("{} {}: {e}", $what, $value))
    };
}

impl VotingProcess {
    /// The district of voter `i`.
    pub fn district_of(i: u32) -> &'static str {
        if i.is_multiple_of(2) {
            "north"
        } else {
            "south"
        }
    }

    /// The accepted projects of `district`.
    pub fn projects(&self, district: &str) -> &[ProposalId] {
        if district == "north" {
            &self.north
        } else {
            &self.south
        }
    }

    /// Creates process `slug` through `admin`, with three projects in the
    /// north and two in the south, a census of `voters` people, their codes,
    /// and registers one key per voter (on `threads` connections at once).
    pub fn setup(admin: &Client, slug: &str, voters: u32, threads: usize) -> VotingProcess {
        admin
            .post_json("/api/v1/processes", &process_draft(slug))
            .expect_json(201);
        let opened = admin
            .post_empty(&format!("/api/v1/processes/{slug}/open"))
            .expect_json(200);
        let id: ProcessId = parse!(&opened["id"], "process id");
        let base = format!("/api/v1/processes/{id}");
        let submit = |title: &str, cost: u64, district: &str| -> ProposalId {
            let body = proposal(title, cost, district, "greenery");
            let record = admin
                .post_json(&format!("{base}/proposals"), &body)
                .expect_json(201);
            parse!(&record["id"], "proposal id")
        };
        let north = vec![
            submit("Trees", 30_000, "north"),
            submit("Bike lane", 50_000, "north"),
            submit("Benches", 10_000, "north"),
        ];
        let south = vec![
            submit("Library", 60_000, "south"),
            submit("Playground", 20_000, "south"),
        ];
        admin
            .post_json(&format!("{base}/phase"), &json!({"phase": "review"}))
            .expect_json(200);
        let costs = [30_000, 50_000, 10_000, 60_000, 20_000];
        for (project, cost) in north.iter().chain(&south).zip(costs) {
            admin
                .post_json(
                    &format!("{base}/proposals/{project}/review"),
                    &json!({"decision": "accept", "cost": cost}),
                )
                .expect_json(200);
        }
        let census: String = std::iter::once("voter_ref,district\n".to_owned())
            .chain((0..voters).map(|i| format!("v{i},{}\n", Self::district_of(i))))
            .collect();
        admin
            .post_raw(&format!("{base}/census"), "text/csv", census.as_bytes())
            .expect_json(200);
        let codes_csv = admin.post_empty(&format!("{base}/codes"));
        let mut codes = vec![String::new(); voters as usize];
        for line in codes_csv.expect_text(200).lines().skip(1) {
            let fields: Vec<&str> = line.split(',').collect();
            let i: usize = fields[0][1..].parse().expect("voter ref v<i>");
            codes[i] = fields[2].to_owned();
        }
        admin
            .post_json(&format!("{base}/phase"), &json!({"phase": "voting"}))
            .expect_json(200);
        let voters = register_all(&admin.anonymous(), &id, &codes, threads.max(1));
        VotingProcess {
            id,
            north,
            south,
            voters,
        }
    }
}

/// Registers `Voter::numbered(i)` with `codes[i]`, `threads` at a time.
fn register_all(
    client: &Client,
    id: &ProcessId,
    codes: &[String],
    threads: usize,
) -> Vec<(Voter, &'static str)> {
    let path = format!("/api/v1/processes/{id}/voters");
    let per_thread = codes.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        for (t, chunk) in codes.chunks(per_thread).enumerate() {
            let (client, path) = (client.clone(), &path);
            scope.spawn(move || {
                for (k, code) in chunk.iter().enumerate() {
                    let i = (t * per_thread + k) as u32;
                    let body = Voter::numbered(i).registration(code);
                    client.post_json(path, &body).expect_json(201);
                }
            });
        }
    });
    (0..codes.len() as u32)
        .map(|i| (Voter::numbered(i), VotingProcess::district_of(i)))
        .collect()
}

/// The keys a verifier needs for a process: the node key and the note
/// verifier key of its checkpoints (`GET …/log-key`).
pub fn log_key(client: &Client, id: &ProcessId) -> (PublicKey, VerifierKey) {
    let key = client
        .get(&format!("/api/v1/processes/{id}/log-key"))
        .expect_json(200);
    let node: PublicKey = parse!(&key["node_key"], "node key");
    let vkey = key["vkey"]
        .as_str()
        .and_then(|v| VerifierKey::parse(v).ok())
        .unwrap_or_else(|| panic!("vkey in {key}"));
    (node, vkey)
}

/// The latest signed checkpoint of a process.
pub fn latest_checkpoint(client: &Client, id: &ProcessId) -> SignedCheckpoint {
    let reply = client.get(&format!("/api/v1/processes/{id}/checkpoint"));
    SignedCheckpoint::parse(reply.expect_text(200))
        .unwrap_or_else(|e| panic!("checkpoint {}: {e}", reply.body))
}

/// The first `size` leaves of a process log (canonical bytes), page by page.
pub fn log_leaves(client: &Client, id: &ProcessId, size: u64) -> Vec<Vec<u8>> {
    let mut leaves = Vec::with_capacity(size as usize);
    while (leaves.len() as u64) < size {
        let start = leaves.len() as u64;
        let limit = (size - start).min(1000);
        let page = client
            .get(&format!(
                "/api/v1/processes/{id}/log?start={start}&limit={limit}"
            ))
            .expect_json(200);
        let entries = page["entries"]
            .as_array()
            .unwrap_or_else(|| panic!("log page {page}"));
        assert!(!entries.is_empty(), "log ends before {size}: {page}");
        for entry in entries {
            let hex = entry.as_str().unwrap_or_else(|| panic!("entry {entry}"));
            leaves.push(hex::decode(hex).unwrap_or_else(|e| panic!("entry hex: {e}")));
        }
    }
    leaves.truncate(size as usize);
    leaves
}

/// Decodes leaves into log entries (panics on any leaf that does not decode:
/// a corrupt log).
pub fn decode_entries(leaves: &[Vec<u8>]) -> Vec<LogEntry> {
    leaves
        .iter()
        .enumerate()
        .map(|(i, leaf)| {
            encoding::from_bytes(leaf).unwrap_or_else(|e| panic!("leaf {i} does not decode: {e}"))
        })
        .collect()
}

/// The log of a closed process as a verifier sees it: its latest signed
/// checkpoint must cover the whole log, and [`verify_log`] (signatures,
/// root, eligibility, one ballot per credential, recount against the signed
/// tally) must pass. Returns the report, the decoded entries and the leaves.
///
/// [`verify_log`]: pbnode_protocol::recount::verify_log
pub fn verified_closed_log(
    client: &Client,
    id: &ProcessId,
) -> (RecountReport, Vec<LogEntry>, Vec<Vec<u8>>) {
    let (node_key, vkey) = log_key(client, id);
    let checkpoint = latest_checkpoint(client, id);
    let size = checkpoint.checkpoint().size;
    let info = client
        .get(&format!("/api/v1/processes/{id}"))
        .expect_json(200);
    assert_eq!(
        info["log_size"], size,
        "the final checkpoint covers the log"
    );
    let leaves = log_leaves(client, id, size);
    let report = verify_log(&leaves, &LogKeys::municipal(node_key, vkey), &checkpoint)
        .unwrap_or_else(|e| panic!("the closed log does not verify: {e}"));
    (report, decode_entries(&leaves), leaves)
}

/// The signed tally in a closed log's entries.
pub fn tally_of(entries: &[LogEntry]) -> &Tally {
    entries
        .iter()
        .find_map(|e| match e {
            LogEntry::Tallied(t) => Some(&t.value),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no tally in the log"))
}

/// The commitments opened (counted) at close.
pub fn opened_commitments(entries: &[LogEntry]) -> Vec<Id<BallotCommitment>> {
    entries
        .iter()
        .filter_map(|e| match e {
            LogEntry::BallotOpened(o) => Some(o.commitment),
            _ => None,
        })
        .collect()
}
