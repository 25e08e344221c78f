//! Checkpoint propagation, log sync to a member started late, and witness
//! cosignatures on the owner's checkpoints.

use pbnode_protocol::crypto::PublicKey;
use pbnode_protocol::note::{Cosignature, SignatureType, SignedCheckpoint, VerifierKey};
use pbnode_tests::federation_net::{
    FedSetup, all_entries, member, origin, run_demo, served, wait_until,
};
use pbnode_tests::real_node::RealNode;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(60);

/// The owner's (size, root) once its latest checkpoint covers its whole log.
fn settled(owner: &RealNode, process: &str, slug: &str) -> (u64, [u8; 32]) {
    let origin = origin(slug, process);
    let mut at = None;
    wait_until(
        "the owner checkpoints its whole log",
        LIMIT,
        &[owner],
        || {
            let size = all_entries(owner, &format!("/api/v1/processes/{process}/log")).len() as u64;
            at = served(owner, &origin).filter(|(s, _)| *s == size && size > 0);
            at.is_some()
        },
    );
    at.expect("settled")
}

#[test]
fn checkpoints_reach_every_member_and_a_late_member_catches_up() {
    let fed = FedSetup::new(&["town-1", "town-2", "town-3"], &[]);
    let region = fed.start("region", None, &[]);
    let town1 = fed.start("town-1", Some(&region), &[]);
    let town2 = fed.start("town-2", Some(&region), &[]);
    let process = run_demo(&town1, "demo-2027", 12);
    let log = origin("town-1", &process);
    let head = settled(&town1, &process, "town-1");
    let nodes = [&region, &town1, &town2];
    wait_until(
        "every member serves town-1's checkpoint",
        LIMIT,
        &nodes,
        || nodes.iter().all(|n| served(n, &log) == Some(head)),
    );
    for node in [&region, &town2] {
        let summary = pbnode_tests::federation_net::summary(node);
        let entry = summary["logs"]
            .as_array()
            .and_then(|l| l.iter().find(|l| l["origin"] == log.as_str()))
            .expect("listed");
        assert_eq!(entry["replica"], true, "{summary}");
        assert_eq!(entry["size"], head.0, "{summary}");
    }

    // A member in the manifest from the start, started only now.
    let town3 = fed.start("town-3", Some(&region), &[]);
    wait_until(
        "the late member catches up",
        LIMIT,
        &[&region, &town3],
        || served(&town3, &log) == Some(head),
    );
    let owner = all_entries(&town1, &format!("/api/v1/processes/{process}/log"));
    let replica = all_entries(&town3, &format!("/api/v1/logs/town-1/{process}/entries"));
    assert_eq!(owner.len() as u64, head.0);
    assert_eq!(replica, owner, "the replica's entries are the owner's");
}

#[test]
fn witnesses_cosign_the_owners_checkpoints() {
    let fed = FedSetup::new(&["town-1", "town-2"], &[]);
    let region = fed.start("region", None, &[]);
    let town2 = fed.start("town-2", Some(&region), &[]);
    let town1 = fed.start(
        "town-1",
        Some(&region),
        &[("PBNODE_WITNESSES", "region,town-2")],
    );
    let process = run_demo(&town1, "demo-2027", 4);
    let path = format!("/api/v1/processes/{process}/checkpoint");
    let nodes = [&region, &town1, &town2];
    let has_line =
        |note: &str, name: &str| note.lines().any(|l| l.starts_with(&format!("— {name} ")));
    let mut note = String::new();
    wait_until(
        "town-1's checkpoint carries both cosignatures",
        LIMIT,
        &nodes,
        || {
            let reply = town1.client().get(&path);
            note = reply.body;
            reply.status == 200
                && has_line(&note, "region/witness")
                && has_line(&note, "town-2/witness")
        },
    );
    let signed = SignedCheckpoint::parse(&note).expect("a signed checkpoint");
    for (slug, witness) in [(&region, "region"), (&town2, "town-2")] {
        let key: PublicKey = member(slug, witness)["key"]
            .as_str()
            .expect("hex key")
            .parse()
            .expect("a member key");
        let name = format!("{witness}/witness");
        let vkey = VerifierKey::new(&name, SignatureType::CosignatureV1, *key.as_dalek())
            .expect("witness key");
        let line = signed
            .signatures()
            .iter()
            .find(|s| s.name == name)
            .expect("the cosignature line");
        let cosig = Cosignature::from_note_signature(line).expect("a cosignature");
        cosig
            .verify(&vkey, signed.body())
            .unwrap_or_else(|e| panic!("{name}'s cosignature does not verify: {e}"));
        // The same line does not verify for the other witness.
        let other = VerifierKey::new(
            &name,
            SignatureType::CosignatureV1,
            *member(&town1, "town-1")["key"]
                .as_str()
                .expect("hex")
                .parse::<PublicKey>()
                .expect("key")
                .as_dalek(),
        )
        .expect("key");
        assert!(cosig.verify(&other, signed.body()).is_err());
    }

    // A replica serves what a receipt is checked with, as the owner does:
    // the owner's log key (from the manifest) and the witness policy (from
    // the replicated process definition).
    let owner_key = town1
        .client()
        .get(&format!("/api/v1/processes/{process}/log-key"))
        .json();
    let owner_def = town1
        .client()
        .get(&format!("/api/v1/processes/{process}"))
        .json();
    assert!(owner_def["def"]["witnesses"].is_object(), "{owner_def}");
    let path = format!("/api/v1/logs/town-1/{process}/log-key");
    let mut replica_key = serde_json::Value::Null;
    wait_until("the replica holds the definition", LIMIT, &nodes, || {
        replica_key = town2.client().get(&path).json();
        !replica_key["witnesses"].is_null()
    });
    for field in ["vkey", "node_key", "origin"] {
        assert_eq!(
            replica_key[field], owner_key[field],
            "{field}: {replica_key}"
        );
    }
    assert_eq!(replica_key["witnesses"], owner_def["def"]["witnesses"]);
    let unknown = town2
        .client()
        .get(&format!("/api/v1/logs/town-9/{process}/log-key"));
    assert_eq!(unknown.status, 404, "{}", unknown.body);
    assert!(unknown.json()["error"].is_string(), "{}", unknown.body);
}
