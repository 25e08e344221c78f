//! Golden vectors: `protocol/tests/vectors/objects/<type>.json`, one file per
//! object type. Each case holds the value as JSON, its canonical bytes, the
//! domain-tagged message, the id and the signature by the test key (seed
//! `[1u8; 32]`). The test regenerates every file and compares it byte for
//! byte; `PBNODE_REGEN_VECTORS=1` rewrites the files instead.

use super::fixtures::*;
use pbnode_protocol::ballot::{COMMITMENT_TAG, Commitment};
use pbnode_protocol::crypto::{PublicKey, Signable, Signature, domain_tagged};
use pbnode_protocol::encoding::from_bytes;
use pbnode_protocol::objects::OBJECT_TYPES;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::fmt::Debug;
use std::path::PathBuf;

fn vector_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/objects")
}

fn case<T>(name: &str, value: &T) -> Value
where
    T: Signable + Clone + DeserializeOwned + PartialEq + Debug,
{
    let canonical = value.canonical_bytes().unwrap();
    assert_eq!(&from_bytes::<T>(&canonical).unwrap(), value, "{name}");
    let signed = value.clone().sign(&test_key()).unwrap();
    json!({
        "name": name,
        "value": serde_json::to_value(value).unwrap(),
        "canonical_hex": hex::encode(&canonical),
        "message_hex": hex::encode(value.domain_bytes().unwrap()),
        "id_hex": value.id().unwrap().to_string(),
        "signature_hex": signed.signature.to_string(),
    })
}

fn file<T: Signable>(cases: Vec<Value>) -> (String, Value) {
    let key = test_key();
    let body = json!({
        "type": T::TYPE,
        "about": "pbnode/v1 canonical encoding golden vectors; see protocol/README.md. \
                  message = \"pbnode/v1/\" || type || 0x00 || canonical; id = BLAKE3-256(message); \
                  signature = Ed25519(message) by the key below.",
        "signing_key": {
            "seed_hex": hex::encode(key.seed()),
            "public_key_hex": key.public_key().to_string(),
        },
        "cases": cases,
    });
    (T::TYPE.to_string(), body)
}

/// Re-reads a vector file as an independent implementer would: decode the
/// JSON value, re-encode, compare bytes, check id and signature.
fn check_file_contents<T>(body: &Value)
where
    T: Signable + DeserializeOwned + PartialEq + Debug,
{
    let key: PublicKey = body["signing_key"]["public_key_hex"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    for case in body["cases"].as_array().unwrap() {
        let value: T = serde_json::from_value(case["value"].clone()).unwrap();
        let canonical = hex::decode(case["canonical_hex"].as_str().unwrap()).unwrap();
        assert_eq!(value.canonical_bytes().unwrap(), canonical);
        assert_eq!(from_bytes::<T>(&canonical).unwrap(), value);
        let message = domain_tagged(T::TYPE, &canonical);
        assert_eq!(hex::encode(&message), case["message_hex"].as_str().unwrap());
        assert_eq!(
            hex::encode(blake3::hash(&message).as_bytes()),
            case["id_hex"].as_str().unwrap()
        );
        let signature: Signature = case["signature_hex"].as_str().unwrap().parse().unwrap();
        key.verify_tagged(T::TYPE, &canonical, &signature).unwrap();
    }
}

fn single<T>(name: &str, value: T) -> (String, Value)
where
    T: Signable + Clone + DeserializeOwned + PartialEq + Debug,
{
    let (type_tag, body) = file::<T>(vec![case(name, &value)]);
    check_file_contents::<T>(&body);
    (type_tag, body)
}

fn all_files() -> Vec<(String, Value)> {
    let mut opening = case("approval-ballot", &opening());
    let mut input = domain_tagged(COMMITMENT_TAG, &ballot().canonical_bytes().unwrap());
    input.extend_from_slice(&nonce().0);
    opening["commitment_input_hex"] = json!(hex::encode(&input));
    opening["commitment_hex"] = json!(
        Commitment::compute(&ballot(), &nonce())
            .unwrap()
            .to_string()
    );
    let opening_file = file::<pbnode_protocol::ballot::BallotOpening>(vec![opening]);
    check_file_contents::<pbnode_protocol::ballot::BallotOpening>(&opening_file.1);

    let entries = log_entries()
        .iter()
        .map(|(name, entry)| case(name, entry))
        .collect();
    let log_file = file::<pbnode_protocol::objects::LogEntry>(entries);
    check_file_contents::<pbnode_protocol::objects::LogEntry>(&log_file.1);

    vec![
        single("municipality", jurisdiction()),
        single("approval-knapsack", process()),
        single("voting-opens", phase_change()),
        single("tree-planting", proposal("Trees", 1_000_000, "north")),
        single("rejected-with-reason", status_change()),
        single("v1", credential()),
        single("approval-ballot", ballot()),
        single("approval-ballot", commitment()),
        opening_file,
        single("approval-ballot", ballot_opened()),
        single("approval-ballot", withheld_proof()),
        single("voting-closed", close()),
        single("greedy", tally()),
        single("one-member", aggregate()),
        log_file,
    ]
}

#[test]
fn golden_vectors_match_the_committed_files() {
    let regenerate = std::env::var("PBNODE_REGEN_VECTORS").as_deref() == Ok("1");
    let files = all_files();
    let generated: BTreeSet<String> = files.iter().map(|(t, _)| format!("{t}.json")).collect();
    let expected: BTreeSet<String> = OBJECT_TYPES.iter().map(|t| format!("{t}.json")).collect();
    assert_eq!(generated, expected, "every object type has one vector file");
    let mut stale = Vec::new();
    for (type_tag, body) in files {
        let path = vector_dir().join(format!("{type_tag}.json"));
        let text = serde_json::to_string_pretty(&body).unwrap() + "\n";
        if regenerate {
            std::fs::create_dir_all(vector_dir()).unwrap();
            std::fs::write(&path, text).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "vector files differ from the code (if the change is intended, rerun with \
         PBNODE_REGEN_VECTORS=1 and review the diff): {stale:?}"
    );
    let on_disk: BTreeSet<String> = std::fs::read_dir(vector_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(on_disk, expected, "no stray vector files");
}
