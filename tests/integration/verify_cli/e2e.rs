//! `pbnode verify` against a real node over HTTP: a small process run
//! through the API (re-voting included), receipts saved as the voter's
//! device saves them, then the real binary checking them before and after
//! close, and the whole log recounted.

use super::{expect, receipt_file, s, verify};
use pbnode_protocol::note::{Checkpoint, SignatureType, SignedCheckpoint, SignerKey};
use pbnode_tests::node::TestNode;
use pbnode_tests::scenario::{Voting, to_voting};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

/// A node with a process in voting: v0 votes, v1..v3 vote, then v0 votes
/// again (so v0's first receipt is superseded). Receipts are in `dir`.
struct Cast {
    node: TestNode,
    url: String,
    voting: Voting,
    vkey: String,
    /// v0's first receipt (superseded), v0's last, v1's.
    first: PathBuf,
    last: PathBuf,
    other: PathBuf,
    dir: tempfile::TempDir,
}

fn cast_ballots() -> Cast {
    let node = TestNode::start(|_| {});
    let (admin, citizen) = (node.admin(), node.client());
    let voting = to_voting(&admin, &citizen, "budget-2027", 4);
    let url = node.running().url();
    let dir = tempfile::tempdir().unwrap();
    let (trees, bike, benches) = (voting.north[0], voting.north[1], voting.north[2]);
    let library = voting.south[0];
    let cast = |i: usize, projects: &[_], name: &str| -> PathBuf {
        let district = Voting::district(i);
        let ballot = voting.voters[i].approve(voting.id, district, projects);
        let reply = citizen.post_json(&format!("{}/ballots", voting.base), &ballot.body());
        let receipt: Value = reply.expect_json(201);
        receipt_file(dir.path(), name, &receipt)
    };
    let first = cast(0, &[trees, benches], "v0-first.json");
    let other = cast(1, &[library], "v1.json");
    cast(2, &[bike], "v2.json");
    cast(3, &[library], "v3.json");
    let last = cast(0, &[benches], "v0-last.json");
    let log_key = citizen
        .get(&format!("{}/log-key", voting.base))
        .expect_json(200);
    let vkey = log_key["vkey"].as_str().unwrap().to_owned();
    Cast {
        node,
        url,
        voting,
        vkey,
        first,
        last,
        other,
        dir,
    }
}

impl Cast {
    fn close(&self) {
        self.node
            .admin()
            .post_json(
                &format!("{}/phase", self.voting.base),
                &json!({ "phase": "closed" }),
            )
            .expect_json(200);
    }

    fn checkpoint_file(&self, name: &str) -> PathBuf {
        let text = self
            .node
            .client()
            .get(&format!("{}/checkpoint", self.voting.base))
            .expect_text(200)
            .to_owned();
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn receipt(&self, file: &Path) -> (String, String) {
        expect(
            &verify(&[
                "receipt",
                s(file),
                "--node",
                &self.url,
                "--vkey",
                &self.vkey,
            ]),
            0,
        )
    }

    fn process(&self, extra: &[&str]) -> std::process::Output {
        let id = self.voting.id.to_string();
        let mut args = vec!["process", "--node", &self.url, &id];
        args.extend_from_slice(extra);
        verify(&args)
    }
}

#[test]
fn receipts_and_the_whole_process_verify_before_and_after_close() {
    let cast = cast_ballots();

    // During voting: in the log, not yet opened; the superseded one says so.
    let (out, _) = cast.receipt(&cast.other);
    assert!(out.contains("the ballot is still in the log"), "{out}");
    assert!(
        out.contains("voting is not closed in the latest checkpoint"),
        "{out}"
    );
    assert!(!out.contains("later ballot"), "{out}");
    let (out, _) = cast.receipt(&cast.first);
    assert!(
        out.contains("receipt note: this voter key cast a later ballot at entry"),
        "{out}"
    );
    let (out, _) = expect(&cast.process(&["--vkey", &cast.vkey]), 0);
    assert!(
        out.contains("process OK: voting is not closed yet"),
        "{out}"
    );
    assert!(out.contains("5 ballot commitments"), "{out}");
    let during = cast.checkpoint_file("during-voting.checkpoint");

    cast.close();

    // After close: the last ballot was opened as cast, the first superseded.
    let (out, _) = cast.receipt(&cast.last);
    assert!(out.contains("receipt OK: opened as cast: entry"), "{out}");
    let (out, _) = cast.receipt(&cast.other);
    assert!(out.contains("receipt OK: opened as cast: entry"), "{out}");
    let (out, _) = cast.receipt(&cast.first);
    assert!(
        out.contains("receipt OK: superseded: this voter key cast a later ballot"),
        "{out}"
    );
    assert!(out.contains("rightly not opened"), "{out}");

    // The whole process, consistent with the checkpoint kept during voting.
    let (out, _) = expect(
        &cast.process(&["--vkey", &cast.vkey, "--since-checkpoint", s(&during)]),
        0,
    );
    assert!(
        out.contains("4 credentials, 5 ballot commitments (1 superseded), 4 openings"),
        "{out}"
    );
    assert!(
        out.contains("process OK: the recount (greedy v1) equals the signed tally at entry"),
        "{out}"
    );
    assert!(out.contains(": 4 ballots counted"), "{out}");
    assert!(
        out.contains("process OK: it extends the earlier checkpoint of size"),
        "{out}"
    );
    // Library has the votes of v1 and v3, and is selected.
    let library = cast.voting.south[0];
    assert!(out.contains(&format!("* {library}  Library: 2")), "{out}");
    assert!(out.contains("(pinned key)"), "{out}");
}

#[test]
fn fetched_keys_are_reported_as_such() {
    let cast = cast_ballots();
    let out = verify(&["receipt", s(&cast.other), "--node", &cast.url]);
    let (stdout, stderr) = expect(&out, 0);
    assert!(stdout.contains("key FETCHED from"), "{stdout}");
    assert!(stderr.contains("warning: no --vkey given"), "{stderr}");
    let (stdout, stderr) = expect(&cast.process(&[]), 0);
    assert!(stdout.contains("key FETCHED from"), "{stdout}");
    assert!(stderr.contains("warning: no --vkey given"), "{stderr}");
}

#[test]
fn tampering_and_wrong_keys_fail_with_exit_1() {
    let cast = cast_ballots();
    cast.close();

    // The voter's receipt with a choice flipped to another project.
    let mut receipt: Value =
        serde_json::from_str(&std::fs::read_to_string(&cast.other).unwrap()).unwrap();
    receipt["opening"]["ballot"]["choices"][0]["project"] = cast.voting.north[0].to_string().into();
    let flipped = receipt_file(cast.dir.path(), "flipped.json", &receipt);
    let (_, stderr) = expect(
        &verify(&[
            "receipt",
            s(&flipped),
            "--node",
            &cast.url,
            "--vkey",
            &cast.vkey,
        ]),
        1,
    );
    assert!(
        stderr.contains(
            "FAILED: the receipt does not verify: the opening does not open the commitment"
        ),
        "{stderr}"
    );

    // Another key under the log's name: receipt and process both refuse it.
    let name = cast.vkey.split('+').next().unwrap();
    let impostor = SignerKey::from_seed(name, SignatureType::Ed25519, &[9; 32]).unwrap();
    let wrong = impostor.verifier_key().to_string();
    let (_, stderr) = expect(
        &verify(&[
            "receipt",
            s(&cast.last),
            "--node",
            &cast.url,
            "--vkey",
            &wrong,
        ]),
        1,
    );
    assert!(
        stderr.contains("checkpoint not signed by the node key"),
        "{stderr}"
    );
    let (_, stderr) = expect(&cast.process(&["--vkey", &wrong]), 1);
    assert!(
        stderr.contains("the node's latest checkpoint is not signed by the log key"),
        "{stderr}"
    );

    // An "earlier checkpoint" the node never signed (the impostor's).
    let origin = name.to_owned();
    let forged = SignedCheckpoint::sign(Checkpoint::new(&origin, 3, [7; 32]), &impostor).unwrap();
    let path = cast.dir.path().join("forged.checkpoint");
    std::fs::write(&path, forged.to_text()).unwrap();
    let (_, stderr) = expect(
        &cast.process(&["--vkey", &cast.vkey, "--since-checkpoint", s(&path)]),
        1,
    );
    assert!(
        stderr.contains("the earlier checkpoint is not signed by the log key"),
        "{stderr}"
    );

    // A process this node does not have: the node's 404, exit 3.
    let (_, stderr) = expect(
        &verify(&["process", "--node", &cast.url, &"ab".repeat(32)]),
        3,
    );
    assert!(stderr.contains("the node answered 404"), "{stderr}");
}

/// A process of 1500 voters, so the log spans several 1000-entry pages
/// (page boundaries in the download and in the receipt's scan for its
/// opening); prints how long the full verification takes.
#[test]
fn a_log_of_several_pages_is_downloaded_and_recounted() {
    let node = TestNode::start(|_| {});
    let (admin, citizen) = (node.admin(), node.client());
    let voting = to_voting(&admin, &citizen, "big", 1500);
    let dir = tempfile::tempdir().unwrap();
    let mut first = None;
    for (i, voter) in voting.voters.iter().enumerate() {
        let projects = if Voting::district(i) == "north" {
            &voting.north[i % 3..i % 3 + 1]
        } else {
            &voting.south[..]
        };
        let ballot = voter.approve(voting.id, Voting::district(i), projects);
        let receipt = citizen
            .post_json(&format!("{}/ballots", voting.base), &ballot.body())
            .expect_json(201);
        if i == 0 {
            first = Some(receipt_file(dir.path(), "v0.json", &receipt));
        }
    }
    admin
        .post_json(
            &format!("{}/phase", voting.base),
            &json!({ "phase": "closed" }),
        )
        .expect_json(200);
    let id = voting.id.to_string();
    let url = node.running().url();
    let started = std::time::Instant::now();
    let (out, err) = expect(&verify(&["process", "--node", &url, &id]), 0);
    eprintln!("{out}{err}verify process: {:?}", started.elapsed());
    assert!(out.contains(": 1500 ballots counted"), "{out}");
    let first = first.unwrap();
    let (out, _) = expect(&verify(&["receipt", s(&first), "--node", &url]), 0);
    assert!(out.contains("receipt OK: opened as cast: entry"), "{out}");
}
