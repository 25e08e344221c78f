//! Golden receipt vectors: a receipt made with fixed keys, seeds, nonces
//! and cosignature timestamps, committed under `tests/vectors/receipt/`.
//! `PBNODE_REGEN_VECTORS=1` rewrites the files instead of comparing.

use crate::node::*;
use pbnode_protocol::note::{VerifierKey, WitnessPolicy};
use pbnode_protocol::receipt::Receipt;
use std::path::PathBuf;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/receipt")
}

/// The vector's process: two accepted projects, two voters; the receipt is
/// the first voter's, taken after the second voter's ballot is logged.
fn golden() -> (TestNode, Receipt) {
    let mut node = TestNode::approval();
    let trees = node.propose("Trees on Długa", 300_000, "north");
    let bikes = node.propose("Bike lane", 500_000, "north");
    let a = node.register(40, "north");
    let b = node.register(41, "north");
    let cast = node.cast(&a, "north", &[(trees, 1), (bikes, 1)], 0x42);
    node.cast(&b, "north", &[(bikes, 1)], 0x43);
    let receipt = node.receipt(&cast);
    (node, receipt)
}

fn files() -> Vec<(&'static str, String)> {
    let (node, receipt) = golden();
    let witnesses: Vec<String> = WITNESS_SEEDS
        .iter()
        .map(|&s| witness_signer(s).verifier_key().to_string())
        .collect();
    vec![
        (
            "receipt.json",
            serde_json::to_string_pretty(&receipt).unwrap() + "\n",
        ),
        ("log.vkey", node.log_vkey().to_string() + "\n"),
        ("witnesses.vkey", witnesses.join("\n") + "\n"),
    ]
}

#[test]
fn golden_receipt_files_are_reproduced() {
    let regen = std::env::var("PBNODE_REGEN_VECTORS").is_ok_and(|v| v == "1");
    for (name, content) in files() {
        let path = dir().join(name);
        if regen {
            std::fs::create_dir_all(dir()).unwrap();
            std::fs::write(&path, &content).unwrap();
            continue;
        }
        let stored = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!("{}: {e} (PBNODE_REGEN_VECTORS=1 writes it)", path.display())
        });
        assert_eq!(stored, content, "{name} differs from the golden file");
    }
}

/// What a third party does with the files alone: parse and verify.
#[test]
fn the_stored_receipt_verifies_with_the_stored_keys() {
    let read = |name: &str| std::fs::read_to_string(dir().join(name)).unwrap();
    let receipt: Receipt = serde_json::from_str(&read("receipt.json")).unwrap();
    let log_key: VerifierKey = read("log.vkey").trim().parse().unwrap();
    let witnesses: Vec<VerifierKey> = read("witnesses.vkey")
        .lines()
        .map(|l| l.parse().unwrap())
        .collect();
    let policy = WitnessPolicy::new(witnesses, 2).unwrap();
    let verified = receipt.verify(&log_key, Some(&policy)).unwrap();
    assert_eq!(verified.cosignatures, 2);
    assert_eq!(verified.leaf_index, receipt.leaf_index);
}
