//! Golden vectors: `protocol/tests/vectors/federation/*.json`. The test
//! regenerates every file and compares it byte for byte;
//! `PBNODE_REGEN_VECTORS=1` rewrites the files instead. Every case is also
//! re-read as an independent implementer would (decode the hex, compare
//! with the value, check ids and signatures).

use crate::manifest::manifest;
use crate::region::*;
use pbnode_protocol::crypto::{PublicKey, Signable, Signed, domain_tagged};
use pbnode_protocol::encoding::{from_bytes, to_bytes};
use pbnode_protocol::federation::{
    FederationManifest, ForkEvidence, GossipMessage, LogInfo, ProcessEvent, SyncRequest,
    SyncResponse, WireError, message_id, verify_signed,
};
use pbnode_protocol::ids::Id;
use pbnode_protocol::objects::Aggregate;
use pbnode_protocol::recount::{aggregate_members, verify_aggregate};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::PathBuf;

fn vector_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/federation")
}

fn region_key_json() -> Value {
    let key = key(REGION_SEED);
    json!({
        "seed_hex": hex::encode(key.seed()),
        "public_key_hex": key.public_key().to_string(),
    })
}

fn manifest_file() -> Value {
    let value = manifest();
    let signed = value.clone().sign(&key(REGION_SEED)).unwrap();
    let canonical = value.canonical_bytes().unwrap();
    let signed_bytes = to_bytes(&signed).unwrap();
    // Re-read as an implementer would.
    let decoded: Signed<FederationManifest> = from_bytes(&signed_bytes).unwrap();
    assert_eq!(
        verify_signed(&decoded, &key(REGION_SEED).public_key()),
        Ok(&value)
    );
    json!({
        "type": <FederationManifest as Signable>::TYPE,
        "about": "A federation manifest signed by the region (seed 01 x 32). \
                  message = \"pbnode/v1/federation-manifest\" || 0x00 || canonical; \
                  signed_canonical = canonical || signer (32 bytes) || signature (64 bytes), \
                  the bytes a Manifest gossip message or sync response carries.",
        "signing_key": region_key_json(),
        "value": serde_json::to_value(&value).unwrap(),
        "canonical_hex": hex::encode(&canonical),
        "message_hex": hex::encode(value.domain_bytes().unwrap()),
        "id_hex": value.id().unwrap().to_string(),
        "signature_hex": signed.signature.to_string(),
        "signed_canonical_hex": hex::encode(&signed_bytes),
    })
}

fn origin() -> String {
    format!("pbnode/gdansk/{}", "ab".repeat(32))
}

fn note() -> String {
    let checkpoint = two_members().members[0].member_log().checkpoint;
    checkpoint.to_text()
}

fn gossip_cases() -> Vec<(&'static str, GossipMessage)> {
    let signed_manifest = to_bytes(&manifest().sign(&key(REGION_SEED)).unwrap()).unwrap();
    vec![
        ("checkpoint", GossipMessage::Checkpoint { note: note() }),
        ("cosigned", GossipMessage::Cosigned { note: note() }),
        (
            "process-closed",
            GossipMessage::Process {
                origin: origin(),
                process: Id::from_bytes([0xab; 32]),
                owner: Id::from_bytes([0x11; 32]),
                event: ProcessEvent::Closed,
            },
        ),
        (
            "equivocation",
            GossipMessage::Equivocation {
                first: "first note".into(),
                second: "second note".into(),
                fork: None,
            },
        ),
        (
            "equivocation-fork",
            GossipMessage::Equivocation {
                first: "smaller note".into(),
                second: "larger note".into(),
                fork: Some(ForkEvidence {
                    implied_old_root: [0x5a; 32],
                    proof: vec![[0x01; 32], [0x02; 32]],
                }),
            },
        ),
        (
            "manifest",
            GossipMessage::Manifest {
                signed: signed_manifest,
            },
        ),
    ]
}

fn gossip_file() -> Value {
    let cases: Vec<Value> = gossip_cases()
        .into_iter()
        .map(|(name, message)| {
            let bytes = message.encode().unwrap();
            assert_eq!(GossipMessage::decode(&bytes).unwrap(), message);
            json!({
                "name": name,
                "value": serde_json::to_value(&message).unwrap(),
                "canonical_hex": hex::encode(&bytes),
                "message_id_hex": hex::encode(message_id(&bytes)),
            })
        })
        .collect();
    json!({
        "about": "Gossip messages: canonical encoding (u32 variant index, then fields); \
                  message id = BLAKE3-256(canonical bytes); at most 65536 bytes.",
        "cases": cases,
    })
}

fn request_cases() -> Vec<(&'static str, SyncRequest)> {
    vec![
        ("logs", SyncRequest::Logs),
        ("checkpoint", SyncRequest::Checkpoint { origin: origin() }),
        (
            "entries",
            SyncRequest::Entries {
                origin: origin(),
                start: 16,
                limit: 1024,
            },
        ),
        (
            "inclusion",
            SyncRequest::Inclusion {
                origin: origin(),
                index: 5,
                size: 12,
            },
        ),
        (
            "consistency",
            SyncRequest::Consistency {
                origin: origin(),
                old_size: 7,
                new_size: 12,
            },
        ),
        ("object", SyncRequest::Object { id: [0xcd; 32] }),
        (
            "cosign",
            SyncRequest::Cosign {
                body: "old 7\n\nbody".into(),
            },
        ),
        ("manifest", SyncRequest::Manifest),
    ]
}

fn response_cases() -> Vec<(&'static str, SyncResponse)> {
    vec![
        (
            "logs",
            SyncResponse::Logs(vec![LogInfo {
                origin: origin(),
                checkpoint: note(),
            }]),
        ),
        ("checkpoint", SyncResponse::Checkpoint(note())),
        (
            "entries",
            SyncResponse::Entries {
                start: 16,
                entries: vec![vec![0, 0, 0, 7], vec![1, 2, 3]],
            },
        ),
        ("proof", SyncResponse::Proof(vec![[1; 32], [2; 32]])),
        ("object", SyncResponse::Object(vec![9, 8, 7])),
        (
            "cosignature",
            SyncResponse::Cosignature("— witness-2.pbnode.example AAAA".into()),
        ),
        (
            "cosign-conflict",
            SyncResponse::CosignConflict { latest_size: 9 },
        ),
        ("manifest", SyncResponse::Manifest(vec![4, 5, 6])),
        (
            "error",
            SyncResponse::Error(WireError::BadRequest(
                "entries limit 0 is outside 1..=1024".into(),
            )),
        ),
    ]
}

fn sync_file() -> Value {
    let requests: Vec<Value> = request_cases()
        .into_iter()
        .map(|(name, request)| {
            request.check().unwrap();
            let bytes = request.encode().unwrap();
            assert_eq!(SyncRequest::decode(&bytes).unwrap(), request);
            json!({
                "name": name,
                "value": serde_json::to_value(&request).unwrap(),
                "canonical_hex": hex::encode(&bytes),
            })
        })
        .collect();
    let responses: Vec<Value> = response_cases()
        .into_iter()
        .map(|(name, response)| {
            let bytes = response.encode().unwrap();
            assert_eq!(SyncResponse::decode(&bytes).unwrap(), response);
            json!({
                "name": name,
                "value": serde_json::to_value(&response).unwrap(),
                "canonical_hex": hex::encode(&bytes),
            })
        })
        .collect();
    json!({
        "about": "Sync requests and responses in the canonical encoding \
                  (u32 variant index, then fields); at most 8 MiB each.",
        "requests": requests,
        "responses": responses,
    })
}

fn aggregate_file() -> Value {
    let region = two_members();
    let logs = region.logs();
    let aggregate = aggregate_members(&region.process, &logs).unwrap();
    let signed = aggregate.clone().sign(&key(REGION_SEED)).unwrap();
    verify_aggregate(
        &signed,
        &key(REGION_SEED).public_key(),
        &region.process,
        &logs,
    )
    .unwrap();
    let members: Vec<Value> = logs
        .iter()
        .map(|log| {
            json!({
                "jurisdiction": serde_json::to_value(&log.jurisdiction).unwrap(),
                "jurisdiction_id_hex": log.jurisdiction.id().unwrap().to_string(),
                "checkpoint_note": log.checkpoint.to_text(),
                "entries_hex": log.entries.iter().map(hex::encode).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "type": <Aggregate as Signable>::TYPE,
        "about": "A regional aggregate over two member logs of a regional process. \
                  Recount each member log, combine the counted ballots (members in \
                  jurisdiction id order) under the process's rule and budget, and \
                  compare with the aggregate. Signed by the region (seed 01 x 32).",
        "signing_key": region_key_json(),
        "process_def_signed_hex": hex::encode(to_bytes(&region.process).unwrap()),
        "process_id_hex": region.process.value.id().unwrap().to_string(),
        "witness": {
            "name": WITNESS_NAME,
            "public_key_hex": key(WITNESS_SEED).public_key().to_string(),
        },
        "members": members,
        "value": serde_json::to_value(&aggregate).unwrap(),
        "canonical_hex": hex::encode(aggregate.canonical_bytes().unwrap()),
        "id_hex": aggregate.id().unwrap().to_string(),
        "signature_hex": signed.signature.to_string(),
    })
}

/// The independent implementer's pass over the aggregate file: decode,
/// re-encode, check the id and the signature.
fn check_aggregate_file(body: &Value) {
    let value: Aggregate = serde_json::from_value(body["value"].clone()).unwrap();
    let canonical = hex::decode(body["canonical_hex"].as_str().unwrap()).unwrap();
    assert_eq!(value.canonical_bytes().unwrap(), canonical);
    let message = domain_tagged(<Aggregate as Signable>::TYPE, &canonical);
    assert_eq!(
        hex::encode(blake3::hash(&message).as_bytes()),
        body["id_hex"].as_str().unwrap()
    );
    let key: PublicKey = body["signing_key"]["public_key_hex"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let signature = body["signature_hex"].as_str().unwrap().parse().unwrap();
    key.verify_tagged(<Aggregate as Signable>::TYPE, &canonical, &signature)
        .unwrap();
}

fn all_files() -> Vec<(&'static str, Value)> {
    let aggregate = aggregate_file();
    check_aggregate_file(&aggregate);
    vec![
        ("manifest", manifest_file()),
        ("gossip", gossip_file()),
        ("sync", sync_file()),
        ("aggregate", aggregate),
    ]
}

#[test]
fn golden_vectors_match_the_committed_files() {
    let regenerate = std::env::var("PBNODE_REGEN_VECTORS").as_deref() == Ok("1");
    let files = all_files();
    let mut stale = Vec::new();
    for (name, body) in &files {
        let path = vector_dir().join(format!("{name}.json"));
        let text = serde_json::to_string_pretty(body).unwrap() + "\n";
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
    let expected: BTreeSet<String> = files.iter().map(|(n, _)| format!("{n}.json")).collect();
    let on_disk: BTreeSet<String> = std::fs::read_dir(vector_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(on_disk, expected, "no stray vector files");
}

#[test]
fn every_wire_variant_has_a_vector() {
    // Adding a variant without a vector fails here: the match is exhaustive.
    let gossip: BTreeSet<u8> = gossip_cases()
        .iter()
        .map(|(_, m)| match m {
            GossipMessage::Checkpoint { .. } => 0,
            GossipMessage::Cosigned { .. } => 1,
            GossipMessage::Process { .. } => 2,
            GossipMessage::Equivocation { .. } => 3,
            GossipMessage::Manifest { .. } => 4,
        })
        .collect();
    assert_eq!(gossip.len(), 5);
    let requests: BTreeSet<u8> = request_cases()
        .iter()
        .map(|(_, r)| match r {
            SyncRequest::Logs => 0,
            SyncRequest::Checkpoint { .. } => 1,
            SyncRequest::Entries { .. } => 2,
            SyncRequest::Inclusion { .. } => 3,
            SyncRequest::Consistency { .. } => 4,
            SyncRequest::Object { .. } => 5,
            SyncRequest::Cosign { .. } => 6,
            SyncRequest::Manifest => 7,
        })
        .collect();
    assert_eq!(requests.len(), 8);
    let responses: BTreeSet<u8> = response_cases()
        .iter()
        .map(|(_, r)| match r {
            SyncResponse::Logs(_) => 0,
            SyncResponse::Checkpoint(_) => 1,
            SyncResponse::Entries { .. } => 2,
            SyncResponse::Proof(_) => 3,
            SyncResponse::Object(_) => 4,
            SyncResponse::Cosignature(_) => 5,
            SyncResponse::CosignConflict { .. } => 6,
            SyncResponse::Manifest(_) => 7,
            SyncResponse::Error(_) => 8,
        })
        .collect();
    assert_eq!(responses.len(), 9);
}
