//! An equivocating member (the test-only switch) is caught by every honest
//! peer with a proof, and marked; without the switch the endpoint refuses.

use pbnode_tests::federation_net::{FedSetup, member, origin, run_demo, served, wait_until};
use serde_json::Value;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(60);

#[test]
fn an_equivocating_member_is_proven_and_marked_by_every_honest_peer() {
    let fed = FedSetup::new(&["town-1", "town-2"], &[]);
    let region = fed.start("region", None, &[]);
    let town1 = fed.start("town-1", Some(&region), &[]);
    let town2 = fed.start(
        "town-2",
        Some(&region),
        &[("PBNODE_TESTING_ALLOW_EQUIVOCATION", "true")],
    );
    let process = run_demo(&town2, "demo-2027", 4);
    let log = origin("town-2", &process);
    let nodes = [&region, &town1, &town2];
    wait_until(
        "the honest peers replicate town-2's log",
        LIMIT,
        &nodes,
        || {
            let head = served(&town2, &log);
            head.is_some() && served(&region, &log) == head && served(&town1, &log) == head
        },
    );
    let town2_key = member(&region, "town-2")["key"].clone();
    assert_eq!(member(&region, "town-2")["equivocated"], false);

    // Without the switch, the endpoint refuses with the JSON error contract.
    town1
        .admin()
        .post_empty(&format!("/api/v1/testing/equivocate/{process}"))
        .assert_error(403, "forbidden");
    // And it is an admin endpoint.
    assert_eq!(
        town2
            .client()
            .post_empty(&format!("/api/v1/testing/equivocate/{process}"))
            .status,
        401
    );

    let forked = town2
        .admin()
        .post_empty(&format!("/api/v1/testing/equivocate/{process}"));
    assert_eq!(forked.status, 200, "{}", forked.body);
    for honest in [&region, &town1] {
        wait_until("an equivocation proof naming town-2", LIMIT, &nodes, || {
            let proofs = honest
                .client()
                .get("/api/v1/federation/equivocations")
                .expect_json(200);
            proofs.as_array().is_some_and(|p| {
                p.iter()
                    .any(|r| r["offender"] == town2_key && r["origin"] == log.as_str())
            }) && member(honest, "town-2")["equivocated"] == Value::Bool(true)
        });
        assert_eq!(member(honest, "town-1")["equivocated"], false);
        assert_eq!(member(honest, "region")["equivocated"], false);
    }
}
