//! Golden vectors in `protocol/tests/vectors/note/`: regenerated from the
//! fixed test keys and compared byte for byte with the committed files, so
//! any change of format is seen in review. `PBNODE_REGEN_VECTORS=1` rewrites
//! the files instead. The committed files are also parsed and verified on
//! their own, as a third party would.

use std::path::PathBuf;

use super::support::{
    ORIGIN, consistency_proof, leaves, log_signer, log_vkey, signed_checkpoint, witness_signer,
};
use crate::note::{
    AddCheckpoint, Checkpoint, Cosignature, SignedCheckpoint, VerifierKey, WitnessPolicy,
    cosigned_message,
};

/// Cosignature timestamps: 2026-01-01T00:00:00Z and one minute later.
const TIMESTAMPS: [u64; 2] = [1_767_225_600, 1_767_225_660];

fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/note")
}

/// Every vector file and its expected content.
fn generate() -> Vec<(&'static str, String)> {
    let all = leaves("a", 13);
    let signed = signed_checkpoint(&all);
    let mut cosigned = signed.clone();
    for (i, timestamp) in TIMESTAMPS.into_iter().enumerate() {
        let cosig = Cosignature::sign(&witness_signer(i as u8), signed.checkpoint(), timestamp);
        cosigned
            .add_signature(cosig.unwrap().to_note_signature())
            .unwrap();
    }
    let request = AddCheckpoint {
        old_size: 8,
        proof: consistency_proof(8, &all),
        checkpoint: signed.clone(),
    };
    let message = cosigned_message(signed.body(), TIMESTAMPS[0]);
    vec![
        ("log.vkey", format!("{}\n", log_vkey())),
        ("log.skey", format!("{}\n", log_signer().to_skey_string())),
        (
            "witness1.vkey",
            format!("{}\n", witness_signer(0).verifier_key()),
        ),
        (
            "witness2.vkey",
            format!("{}\n", witness_signer(1).verifier_key()),
        ),
        ("checkpoint.txt", signed.body().to_owned()),
        ("signed_checkpoint.txt", signed.to_text()),
        ("cosigned_checkpoint.txt", cosigned.to_text()),
        (
            "cosigned_message_witness1.txt",
            String::from_utf8(message).unwrap(),
        ),
        ("add_checkpoint_request.txt", request.to_text()),
    ]
}

#[test]
fn golden_vectors_match_the_committed_files() {
    let dir = vectors_dir();
    let regenerate = std::env::var("PBNODE_REGEN_VECTORS").is_ok_and(|v| v == "1");
    for (name, expected) in generate() {
        let path = dir.join(name);
        if regenerate {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &expected).unwrap();
            continue;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!("{}: {e} (PBNODE_REGEN_VECTORS=1 writes it)", path.display())
        });
        assert_eq!(
            committed, expected,
            "{name} differs from what the code produces"
        );
    }
}

fn read(name: &str) -> String {
    std::fs::read_to_string(vectors_dir().join(name)).unwrap()
}

#[test]
fn committed_vectors_verify_on_their_own() {
    let log = VerifierKey::parse(read("log.vkey").trim_end()).unwrap();
    let witnesses: Vec<VerifierKey> = ["witness1.vkey", "witness2.vkey"]
        .iter()
        .map(|f| VerifierKey::parse(read(f).trim_end()).unwrap())
        .collect();
    let cosigned = SignedCheckpoint::parse(&read("cosigned_checkpoint.txt")).unwrap();
    assert_eq!(cosigned.checkpoint().origin, ORIGIN);
    assert_eq!(cosigned.checkpoint().size, 13);
    assert_eq!(cosigned.body(), read("checkpoint.txt"));
    cosigned
        .verify_log_signature(std::slice::from_ref(&log))
        .unwrap();
    let valid = WitnessPolicy::new(witnesses, 2)
        .unwrap()
        .check(&cosigned)
        .unwrap();
    assert_eq!(
        valid.iter().map(|c| c.timestamp).collect::<Vec<_>>(),
        TIMESTAMPS
    );
    let signed = SignedCheckpoint::parse(&read("signed_checkpoint.txt")).unwrap();
    signed.verify_log_signature(&[log]).unwrap();
    let request = AddCheckpoint::parse(&read("add_checkpoint_request.txt")).unwrap();
    assert_eq!(request.checkpoint, signed);
    assert_eq!(
        Checkpoint::parse(&read("checkpoint.txt")).unwrap(),
        *signed.checkpoint()
    );
}
