//! The region's dataset of its members' processes
//! (`GET /api/v1/federation/dataset`), built from the replicas it holds:
//! figures that match the member's own verified log, and a member caught
//! equivocating listed as failed rather than dropped.

use pbnode_protocol::objects::{LogEntry, ProcessId};
use pbnode_tests::federation_net::{
    FedSetup, caught_up, origin, pbnode, run_closed_demo, wait_until,
};
use pbnode_tests::real_node::RealNode;
use pbnode_tests::voting_setup::verified_closed_log;
use serde_json::Value;
use std::collections::BTreeMap;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(45);

fn dataset(region: &RealNode) -> Value {
    region
        .client()
        .get("/api/v1/federation/dataset")
        .expect_json(200)
}

/// The dataset row of the member named `name`, if listed.
fn row(dataset: &Value, name: &str) -> Option<Value> {
    dataset["members"]
        .as_array()?
        .iter()
        .find(|r| r["name"] == name)
        .cloned()
}

/// Selected funds by category, computed from the owner's verified log.
fn funds_from_log(town: &RealNode, process: &str) -> (u64, BTreeMap<String, u64>) {
    let id: ProcessId = process.parse().expect("process id");
    let (report, entries, _) = verified_closed_log(&town.client(), &id);
    let mut by_category = BTreeMap::new();
    for entry in &entries {
        if let LogEntry::ProposalSubmitted(p) = entry {
            let pid = pbnode_protocol::crypto::Signable::id(p).expect("proposal id");
            if report.selected.contains(&pid) {
                *by_category.entry(p.category.clone()).or_default() += p.cost;
            }
        }
    }
    (report.counted, by_category)
}

#[test]
fn the_region_serves_a_verified_dataset_and_lists_an_equivocator_as_failed() {
    let fed = FedSetup::new(&["town-1", "town-2"], &["loner"]);
    let region = fed.start("region", None, &[]);
    let town1 = fed.start("town-1", Some(&region), &[]);
    let town2 = fed.start(
        "town-2",
        Some(&region),
        &[("PBNODE_TESTING_ALLOW_EQUIVOCATION", "true")],
    );
    let nodes = [&region, &town1, &town2];
    let p1 = run_closed_demo(&town1, "demo-2027", 8);
    let p2 = run_closed_demo(&town2, "demo-2027", 6);
    wait_until(
        "the dataset lists both members' processes as verified",
        LIMIT,
        &nodes,
        || {
            let d = dataset(&region);
            ["town-1", "town-2"]
                .iter()
                .all(|n| row(&d, n).is_some_and(|r| r["status"] == "Ok"))
        },
    );
    let d = dataset(&region);
    let t1 = row(&d, "town-1").expect("town-1 listed");
    let (counted, by_category) = funds_from_log(&town1, &p1);
    assert_eq!(counted, 8);
    assert_eq!(t1["participation"]["ballots_counted"], counted, "{t1}");
    assert_eq!(t1["participation"]["credentials"], 8, "{t1}");
    assert_eq!(t1["participation"]["per_mille"], 1000, "{t1}");
    let served_funds: BTreeMap<String, u64> = t1["by_category"]
        .as_array()
        .expect("by_category")
        .iter()
        .map(|f| {
            (
                f["key"].as_str().expect("key").to_owned(),
                f["amount"].as_u64().expect("amount"),
            )
        })
        .collect();
    assert_eq!(served_funds, by_category, "{t1}");
    let totals = &d["totals"][0];
    assert_eq!(totals["currency"], "EUR", "{d}");
    assert_eq!(totals["processes"], 2, "{d}");
    assert_eq!(totals["participation"]["ballots_counted"], 14, "{d}");

    // The CLI prints the same dataset.
    let out = pbnode(&["federation", "dataset", "--node", region.url()]);
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("8/8 ballots"), "{table}");
    assert!(table.contains("total EUR: 2 verified processes"), "{table}");

    // town-2 signs a forked checkpoint: once the region holds the proof,
    // town-2's process stays listed, as failed, and drops out of the sums.
    let log2 = origin("town-2", &p2);
    wait_until("the region replicates town-2's log", LIMIT, &nodes, || {
        caught_up(&town2, &region, &log2)
    });
    let forked = town2
        .admin()
        .post_empty(&format!("/api/v1/testing/equivocate/{p2}"));
    assert_eq!(forked.status, 200, "{}", forked.body);
    wait_until("town-2 is listed as failed", LIMIT, &nodes, || {
        row(&dataset(&region), "town-2").is_some_and(|r| {
            r["status"]["Failed"]
                .as_str()
                .is_some_and(|why| why.contains("equivocating"))
        })
    });
    let d = dataset(&region);
    let t2 = row(&d, "town-2").expect("town-2 still listed");
    assert!(t2["participation"].is_null(), "{t2}");
    assert_eq!(row(&d, "town-1").expect("town-1")["status"], "Ok");
    assert_eq!(d["totals"][0]["processes"], 1, "{d}");

    // A municipality is not a region: a JSON error. A node outside any
    // federation has no members: an empty dataset.
    town1
        .client()
        .get("/api/v1/federation/dataset")
        .assert_error(404, "not_found");
    let loner = RealNode::start(&fed.data("loner"));
    let empty = dataset(&loner);
    assert_eq!(empty["members"], serde_json::json!([]), "{empty}");
    assert_eq!(empty["totals"], serde_json::json!([]), "{empty}");
}
