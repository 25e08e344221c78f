//! A member cut off (SIGSTOP) and back converges to the same checkpoints; a
//! replica killed mid-sync resumes without losing or duplicating entries.

use pbnode_tests::federation_net::{
    FedSetup, all_entries, connected, origin, run_demo, served, wait_until,
};
use pbnode_tests::real_node::RealNode;
use std::process::Command;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(90);

fn signal(node: &RealNode, name: &str) {
    let sent = Command::new("kill")
        .args([name, &node.pid().to_string()])
        .status()
        .expect("kill");
    assert!(sent.success());
}

/// The owner's whole log is checkpointed and `replicas` serve that head.
fn converged(owner: &RealNode, process: &str, replicas: &[&RealNode]) -> bool {
    let log = origin("town-1", process);
    let size = all_entries(owner, &format!("/api/v1/processes/{process}/log")).len() as u64;
    let head = served(owner, &log);
    head.is_some_and(|(s, _)| s == size) && replicas.iter().all(|r| served(r, &log) == head)
}

#[test]
fn a_partitioned_member_converges_when_it_comes_back() {
    let fed = FedSetup::new(&["town-1", "town-2"], &[]);
    let region = fed.start("region", None, &[]);
    let town1 = fed.start("town-1", Some(&region), &[]);
    let town2 = fed.start("town-2", Some(&region), &[]);
    let nodes = [&region, &town1, &town2];
    let first = run_demo(&town1, "demo-2027", 4);
    wait_until("everyone has the first log", LIMIT, &nodes, || {
        converged(&town1, &first, &[&region, &town2])
    });

    signal(&town2, "-STOP");
    let second = run_demo(&town1, "x", 6);
    wait_until("the region has the second log", LIMIT, &nodes, || {
        converged(&town1, &second, &[&region])
    });
    let log = origin("town-1", &second);
    signal(&town2, "-CONT");
    wait_until("the partitioned member converges", LIMIT, &nodes, || {
        converged(&town1, &first, &[&region, &town2])
            && converged(&town1, &second, &[&region, &town2])
    });
    assert!(served(&town2, &log).is_some_and(|(s, _)| s > 0));
}

#[test]
fn a_replica_killed_mid_sync_resumes_without_loss_or_duplication() {
    let fed = FedSetup::new(&["town-1", "town-2"], &[]);
    let region = fed.start("region", None, &[]);
    let town1 = fed.start("town-1", Some(&region), &[]);
    let mut town2 = fed.start("town-2", Some(&region), &[]);
    wait_until(
        "town-2 joins the federation",
        LIMIT,
        &[&region, &town1, &town2],
        || connected(&region, "town-2") && connected(&region, "town-1"),
    );
    let url = town1.url().to_owned();
    let data = town1.data().to_owned();
    // The demo grows town-1's log for a while; town-2 syncs as it grows.
    let demo = std::thread::spawn(move || {
        let out = Command::new(pbnode_tests::pbnode_binary())
            .args(["demo", "--node", &url, "--token-file"])
            .arg(data.join("admin-token"))
            .args(["--voters", "400"])
            .output()
            .expect("pbnode demo");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .expect("utf-8")
            .trim()
            .to_owned()
    });
    // Wait until town-2 holds part of the log, then kill it.
    let mut partial = 0;
    wait_until(
        "town-2 starts replicating",
        LIMIT,
        &[&region, &town1, &town2],
        || {
            let summary = pbnode_tests::federation_net::summary(&town2);
            partial = summary["logs"]
                .as_array()
                .and_then(|l| l.iter().find(|l| l["replica"] == true))
                .and_then(|l| l["size"].as_u64())
                .unwrap_or(0);
            partial > 0
        },
    );
    town2.kill();
    assert!(
        !demo.is_finished(),
        "the demo ended before the replica was killed"
    );
    let process = demo.join().expect("the demo thread");
    town2.restart();
    wait_until(
        "the restarted replica converges",
        LIMIT,
        &[&region, &town1, &town2],
        || converged(&town1, &process, &[&region, &town2]),
    );
    let owner = all_entries(&town1, &format!("/api/v1/processes/{process}/log"));
    let replica = all_entries(&town2, &format!("/api/v1/logs/town-1/{process}/entries"));
    assert!(owner.len() as u64 > partial, "the log grew after the kill");
    assert_eq!(replica.len(), owner.len());
    assert_eq!(replica, owner, "entry for entry");
}
