//! `pbnode verify` as a user runs it: the real binary, its output and its
//! exit codes (0 verified, 1 verification failure, 2 bad input, 3 node
//! unreachable). Offline cases use the protocol's golden receipt; the
//! end-to-end cases against a real node are in [`e2e`].

mod e2e;

use pbnode_protocol::note::{SignatureType, SignerKey};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../protocol/tests/vectors/receipt")
}

fn golden_receipt() -> Value {
    let text = std::fs::read_to_string(vectors().join("receipt.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn log_vkey() -> String {
    std::fs::read_to_string(vectors().join("log.vkey"))
        .unwrap()
        .trim()
        .to_owned()
}

fn witness_args(threshold: usize) -> Vec<String> {
    let text = std::fs::read_to_string(vectors().join("witnesses.vkey")).unwrap();
    let mut args: Vec<String> = text
        .lines()
        .flat_map(|w| ["--witness".to_owned(), w.trim().to_owned()])
        .collect();
    args.extend(["--threshold".to_owned(), threshold.to_string()]);
    args
}

/// Runs `pbnode verify <args>`.
pub fn verify(args: &[&str]) -> Output {
    Command::new(pbnode_tests::pbnode_binary())
        .arg("verify")
        .args(args)
        .output()
        .unwrap()
}

/// Asserts the exit code and returns (stdout, stderr).
pub fn expect(out: &Output, code: i32) -> (String, String) {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    (stdout, stderr)
}

/// Writes `value` as a receipt file in `dir`.
pub fn receipt_file(dir: &Path, name: &str, value: &Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(value).unwrap()).unwrap();
    path
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// A vkey with the log's name but another key: a node impersonator's.
fn impostor_vkey() -> String {
    let name = log_vkey().split('+').next().unwrap().to_owned();
    SignerKey::from_seed(&name, SignatureType::Ed25519, &[9; 32])
        .unwrap()
        .verifier_key()
        .to_string()
}

/// A port nothing listens on: bound, then released.
fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

#[test]
fn golden_receipt_verifies_offline_with_a_pinned_key_and_witnesses() {
    let dir = tempfile::tempdir().unwrap();
    let file = receipt_file(dir.path(), "r.json", &golden_receipt());
    let vkey = log_vkey();
    let mut args = vec!["receipt", s(&file), "--vkey", &vkey];
    let witnesses = witness_args(2);
    args.extend(witnesses.iter().map(String::as_str));
    let (stdout, _) = expect(&verify(&args), 0);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 5, "{stdout}");
    assert!(
        lines.iter().all(|l| l.starts_with("receipt OK: ")),
        "{stdout}"
    );
    assert!(lines[0].ends_with("(pinned key)"), "{stdout}");
    assert_eq!(
        lines[1],
        "receipt OK: cosigned by 2 of the 3 witnesses given (2 required)"
    );
    assert!(lines[3].contains("district `north`"), "{stdout}");
    assert!(
        lines[4].starts_with("receipt OK: the commitment is leaf 7 of that checkpoint"),
        "{stdout}"
    );
}

#[test]
fn a_vkey_file_works_like_the_vkey_text() {
    let dir = tempfile::tempdir().unwrap();
    let file = receipt_file(dir.path(), "r.json", &golden_receipt());
    let vkey = vectors().join("log.vkey");
    let (stdout, _) = expect(&verify(&["receipt", s(&file), "--vkey", s(&vkey)]), 0);
    assert_eq!(
        stdout.lines().count(),
        4,
        "no witness line without witnesses"
    );
}

#[test]
fn too_few_witnesses_fail_with_the_counts() {
    let dir = tempfile::tempdir().unwrap();
    let file = receipt_file(dir.path(), "r.json", &golden_receipt());
    let vkey = log_vkey();
    let mut args = vec!["receipt", s(&file), "--vkey", &vkey];
    let witnesses = witness_args(3);
    args.extend(witnesses.iter().map(String::as_str));
    let (stdout, stderr) = expect(&verify(&args), 1);
    assert!(stdout.is_empty(), "nothing is OK: {stdout}");
    assert!(
        stderr.contains("2 valid witness cosignatures, 3 of 3 required"),
        "{stderr}"
    );
}

#[test]
fn a_flipped_choice_fails_because_the_opening_no_longer_opens_the_commitment() {
    let dir = tempfile::tempdir().unwrap();
    let mut receipt = golden_receipt();
    // The voter (or anyone) claims the ballot gave 2 points to the first project.
    receipt["opening"]["ballot"]["choices"][0]["points"] = 2.into();
    let file = receipt_file(dir.path(), "tampered.json", &receipt);
    let (_, stderr) = expect(&verify(&["receipt", s(&file), "--vkey", &log_vkey()]), 1);
    assert!(
        stderr.starts_with("pbnode verify receipt: FAILED: the receipt does not verify: the opening does not open the commitment"),
        "{stderr}"
    );
}

#[test]
fn a_moved_leaf_index_fails_the_inclusion_proof() {
    let dir = tempfile::tempdir().unwrap();
    let mut receipt = golden_receipt();
    receipt["leaf_index"] = 6.into();
    let file = receipt_file(dir.path(), "moved.json", &receipt);
    let (_, stderr) = expect(&verify(&["receipt", s(&file), "--vkey", &log_vkey()]), 1);
    assert!(
        stderr.contains("inclusion proof does not lead to the checkpoint root"),
        "{stderr}"
    );
}

#[test]
fn a_wrong_vkey_fails_the_checkpoint_signature() {
    let dir = tempfile::tempdir().unwrap();
    let file = receipt_file(dir.path(), "r.json", &golden_receipt());
    let (_, stderr) = expect(
        &verify(&["receipt", s(&file), "--vkey", &impostor_vkey()]),
        1,
    );
    assert!(
        stderr.contains("checkpoint not signed by the node key"),
        "{stderr}"
    );
}

#[test]
fn bad_receipt_input_is_exit_2_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let vkey = log_vkey();
    let missing = dir.path().join("missing.json");
    let (_, stderr) = expect(&verify(&["receipt", s(&missing), "--vkey", &vkey]), 2);
    assert!(stderr.contains("cannot read"), "{stderr}");
    assert!(stderr.contains("missing.json"), "{stderr}");

    let garbage = dir.path().join("garbage.json");
    std::fs::write(&garbage, "{\"process\": 12").unwrap();
    let (_, stderr) = expect(&verify(&["receipt", s(&garbage), "--vkey", &vkey]), 2);
    assert!(stderr.contains("is not a receipt"), "{stderr}");

    let mut receipt = golden_receipt();
    receipt["checkpoint"] = "not a note".into();
    let file = receipt_file(dir.path(), "badnote.json", &receipt);
    let (_, stderr) = expect(&verify(&["receipt", s(&file), "--vkey", &vkey]), 2);
    assert!(stderr.contains("is not a receipt"), "{stderr}");

    let good = receipt_file(dir.path(), "r.json", &golden_receipt());
    let (_, stderr) = expect(&verify(&["receipt", s(&good)]), 2);
    assert!(stderr.contains("no key to check the receipt"), "{stderr}");
    let (_, stderr) = expect(&verify(&["receipt", s(&good), "--vkey", "nope"]), 2);
    assert!(
        stderr.contains("--vkey `nope` is neither a verifier key"),
        "{stderr}"
    );
    let (_, stderr) = expect(
        &verify(&["receipt", s(&good), "--vkey", &vkey, "--threshold", "1"]),
        2,
    );
    assert!(
        stderr.contains("--threshold needs at least one --witness"),
        "{stderr}"
    );
    let (_, stderr) = expect(
        &verify(&[
            "receipt",
            s(&good),
            "--vkey",
            &vkey,
            "--node",
            "localhost:80",
        ]),
        2,
    );
    assert!(stderr.contains("is not a node URL"), "{stderr}");
}

#[test]
fn usage_errors_are_exit_2() {
    let (_, stderr) = expect(&verify(&["receipt"]), 2);
    assert!(stderr.contains("FILE"), "{stderr}");
    let (_, stderr) = expect(&verify(&["process", "abc"]), 2);
    assert!(stderr.contains("--node"), "{stderr}");
    let (_, stderr) = expect(
        &verify(&["process", "--node", "http://127.0.0.1:1", "../etc"]),
        2,
    );
    assert!(stderr.contains("is not a process id"), "{stderr}");
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("cp.txt");
    std::fs::write(&bad, "hello\n").unwrap();
    let (_, stderr) = expect(
        &verify(&[
            "process",
            "--node",
            "http://127.0.0.1:1",
            "budget",
            "--since-checkpoint",
            s(&bad),
        ]),
        2,
    );
    assert!(stderr.contains("is not a signed checkpoint"), "{stderr}");
}

#[test]
fn an_unreachable_node_is_exit_3_after_the_offline_checks() {
    let dir = tempfile::tempdir().unwrap();
    let file = receipt_file(dir.path(), "r.json", &golden_receipt());
    let url = closed_port_url();
    let (stdout, stderr) = expect(
        &verify(&["receipt", s(&file), "--vkey", &log_vkey(), "--node", &url]),
        3,
    );
    assert_eq!(stdout.lines().count(), 4, "offline checks still reported");
    assert!(
        stderr.starts_with(&format!(
            "pbnode verify receipt: cannot reach the node: GET {url}/api/v1/processes/"
        )),
        "{stderr}"
    );
    let (_, stderr) = expect(&verify(&["process", "--node", &url, "budget"]), 3);
    assert!(stderr.contains("cannot reach the node"), "{stderr}");
}
