//! Nodes outside the manifest are refused: a non-member cannot run with the
//! federation's manifest, cannot connect to a member from outside, and a
//! manifest signed by the wrong key stops a node at start.

use pbnode::federation::Transport;
use pbnode_protocol::crypto::PublicKey;
use pbnode_protocol::federation::{SyncRequest, SyncResponse};
use pbnode_tests::federation_net::{
    FedSetup, bare_peer, caught_up, member, origin, run_demo, wait_until,
};
use pbnode_tests::pbnode_binary;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const LIMIT: Duration = Duration::from_secs(60);

/// Runs `pbnode run` that must fail at start; its exit code and stderr.
fn failed_start(data: &Path, env: Vec<(String, String)>) -> (Option<i32>, String) {
    let err_path = data.parent().expect("parent").join("refused.err");
    let mut child = Command::new(pbnode_binary())
        .args(["run", "--data"])
        .arg(data)
        .args(["--http", "127.0.0.1:0"])
        .env_remove("RUST_LOG")
        .envs(env)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&err_path).expect("stderr file"))
        .spawn()
        .expect("spawn pbnode run");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("pbnode run kept running although it must refuse to start");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    (
        status.code(),
        std::fs::read_to_string(&err_path).unwrap_or_default(),
    )
}

#[test]
fn a_manifest_signed_by_another_key_or_not_listing_the_node_stops_it() {
    let fed = FedSetup::new(&["town-1"], &["stranger"]);
    // A node left out of the manifest, given it anyway.
    let (code, stderr) = failed_start(&fed.data("stranger"), fed.env(None, &[]));
    assert_ne!(code, Some(0), "{stderr}");
    assert!(stderr.contains("not a member"), "{stderr}");
    // A member whose pinned signer is not the manifest's signer.
    let town1_key = {
        let region = fed.start("region", None, &[]);
        member(&region, "town-1")["key"]
            .as_str()
            .expect("hex")
            .to_owned()
    };
    let (code, stderr) = failed_start(
        &fed.data("town-1"),
        fed.env(None, &[("PBNODE_FEDERATION_SIGNER", &town1_key)]),
    );
    assert_ne!(code, Some(0), "{stderr}");
    assert!(stderr.contains("federation manifest"), "{stderr}");
}

#[test]
fn a_non_member_peer_is_never_admitted_nor_served() {
    let fed = FedSetup::new(&["town-1"], &["stranger"]);
    let region = fed.start("region", None, &[]);
    let town1 = fed.start("town-1", Some(&region), &[]);
    let process = run_demo(&town1, "demo-2027", 3);
    let log = origin("town-1", &process);
    wait_until(
        "the region replicates town-1",
        LIMIT,
        &[&region, &town1],
        || caught_up(&town1, &region, &log),
    );

    // The stranger dials the region with its own node key.
    let region_key: PublicKey = fed.signer.parse().expect("region key");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let answer = runtime.block_on(async {
        let (net, _inbound) = bare_peer(&fed, "stranger", &region);
        tokio::time::sleep(Duration::from_secs(3)).await;
        let connected = net.connected();
        let answer = tokio::time::timeout(
            Duration::from_secs(20),
            net.request(
                region_key,
                SyncRequest::Entries {
                    origin: log.clone(),
                    start: 0,
                    limit: 10,
                },
            ),
        )
        .await;
        net.shutdown().await;
        (connected, answer)
    });
    assert!(
        !answer.0.contains(&region_key),
        "the region admitted a stranger"
    );
    assert!(
        !matches!(answer.1, Ok(Ok(SyncResponse::Entries { .. }))),
        "the region served a stranger: {:?}",
        answer.1
    );
    // The region still lists exactly the manifest's members, town-1 connected.
    let summary = pbnode_tests::federation_net::summary(&region);
    let slugs: Vec<&str> = summary["members"]
        .as_array()
        .expect("members")
        .iter()
        .filter_map(|m| m["slug"].as_str())
        .collect();
    assert_eq!(slugs, ["region", "town-1"], "{summary}");
    assert_eq!(member(&region, "town-1")["connected"], true);
}
