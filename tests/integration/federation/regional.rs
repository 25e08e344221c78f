//! A regional process end to end on real nodes: the region defines it, two
//! towns adopt it and collect their own residents' ballots, the region
//! aggregates the member logs and publishes; then the real `pbnode verify
//! aggregate` reproduces it from the region's replicas, and its totals are
//! checked against what the test itself counts from the ballots it cast.
//! A town's receipt verifies at the region's replica too, by the CLI and in
//! the browser. A voter with a
//! counted ballot in both towns makes the region refuse to aggregate.

use pbnode_protocol::objects::ProposalId;
use pbnode_tests::browser::Browser;
use pbnode_tests::federation_net::{
    FedSetup, accepted_by_district, census_codes, member, pbnode, pbnode_unchecked,
    regional_process, register_and_vote, wait_until,
};
use pbnode_tests::real_node::RealNode;
use pbnode_tests::voter::Voter;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(45);

/// A region and two towns, started and connected.
struct Region {
    fed: FedSetup,
    region: RealNode,
    towns: Vec<RealNode>,
}

fn start() -> Region {
    let fed = FedSetup::new(&["town-1", "town-2"], &[]);
    let region = fed.start("region", None, &[]);
    let towns = vec![
        fed.start("town-1", Some(&region), &[]),
        fed.start("town-2", Some(&region), &[]),
    ];
    Region { fed, region, towns }
}

impl Region {
    fn nodes(&self) -> Vec<&RealNode> {
        std::iter::once(&self.region).chain(&self.towns).collect()
    }

    /// Defines the regional process and waits until both towns adopted it.
    fn regional_process(&self) -> String {
        let towns: Vec<&RealNode> = self.towns.iter().collect();
        let process = regional_process(&self.region, "regional-2027", &towns);
        let path = format!("/api/v1/processes/{process}");
        wait_until(
            "both towns adopt the regional process",
            LIMIT,
            &self.nodes(),
            || {
                self.towns
                    .iter()
                    .all(|t| t.client().get(&path).status == 200)
            },
        );
        process
    }

    /// The region closes voting.
    fn close(&self, process: &str) {
        self.region
            .admin()
            .post_json(
                &format!("/api/v1/processes/{process}/phase"),
                &json!({ "phase": "closed" }),
            )
            .expect_json(200);
    }

    fn region_arg(&self, slug: &str) -> String {
        member(&self.region, slug)["key"]
            .as_str()
            .expect("hex key")
            .to_owned()
    }
}

/// Voter `k` of a district approves its `k % 3`-th project, and the next
/// one too when `k` is even: at most two of three, within the budget.
fn choices(k: usize, projects: &[ProposalId]) -> Vec<ProposalId> {
    let mut chosen = vec![projects[k % projects.len()]];
    if k.is_multiple_of(2) {
        chosen.push(projects[(k + 1) % projects.len()]);
    }
    chosen
}

/// `count` residents of `town` (references `<prefix>-<i>`, alternating
/// districts) register and vote; their approvals are added to `expected`.
/// Returns the receipts.
fn residents_vote(
    town: &RealNode,
    process: &str,
    prefix: &str,
    count: usize,
    expected: &mut BTreeMap<ProposalId, u64>,
) -> Vec<Value> {
    let projects = accepted_by_district(town, process);
    let districts: Vec<&String> = projects.keys().collect();
    assert_eq!(districts.len(), 2, "{projects:?}");
    let census: Vec<(String, &str)> = (0..count)
        .map(|i| (format!("{prefix}-{i}"), districts[i % 2].as_str()))
        .collect();
    let codes = census_codes(town, process, &census);
    let id = process.parse().expect("process id");
    let mut receipts = Vec::new();
    for (i, (reference, district)) in census.iter().enumerate() {
        let chosen = choices(i / 2, &projects[*district]);
        for project in &chosen {
            *expected.entry(*project).or_default() += 1;
        }
        let voter = Voter::random();
        let ballot = voter.approve(id, district, &chosen);
        receipts.push(register_and_vote(
            town,
            process,
            &voter,
            &codes[reference],
            &ballot,
        ));
    }
    receipts
}

/// The `(project, total)` lines of `pbnode verify aggregate`'s report.
fn reported_totals(report: &str) -> BTreeMap<ProposalId, u64> {
    report
        .lines()
        .filter_map(|line| {
            let mut words = line.trim_start_matches(['*', ' ']).split_whitespace();
            let project: ProposalId = words.next()?.parse().ok()?;
            let total: u64 = words.next()?.parse().ok()?;
            words.next().is_none().then_some((project, total))
        })
        .filter(|(_, total)| *total > 0)
        .collect()
}

fn verify_aggregate(region: &RealNode, process: &str, key: &str) -> std::process::Output {
    pbnode_unchecked(&[
        "verify",
        "aggregate",
        "--node",
        region.url(),
        process,
        "--region-key",
        key,
    ])
}

#[test]
fn a_regional_process_is_aggregated_and_independently_recounted() {
    let net = start();
    let process = net.regional_process();
    let mut expected = BTreeMap::new();
    let town1_receipts = residents_vote(&net.towns[0], &process, "t1", 7, &mut expected);
    residents_vote(&net.towns[1], &process, "t2", 6, &mut expected);
    net.close(&process);
    let aggregate = format!("/api/v1/processes/{process}/aggregate");
    wait_until(
        "the region publishes the aggregate",
        LIMIT,
        &net.nodes(),
        || net.region.client().get(&aggregate).status == 200,
    );

    // The real verifier, with the region's key pinned.
    let region_key = net.region_arg("region");
    let out = verify_aggregate(&net.region, &process, &region_key);
    let report = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "verify aggregate refused: {report}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        report.contains("aggregate OK: 2 members, 13 ballots"),
        "{report}"
    );
    assert_eq!(
        reported_totals(&report),
        expected,
        "the verified totals are the sum of the ballots cast: {report}"
    );

    // The region names each member by the jurisdiction id aggregates use,
    // and its web UI shows the aggregate with the members by name.
    let federation = net
        .region
        .client()
        .get("/api/v1/federation")
        .expect_json(200);
    for town in &net.towns {
        let node = town.client().get("/api/v1/node").expect_json(200);
        let listed = federation["members"]
            .as_array()
            .expect("members")
            .iter()
            .find(|m| m["slug"] == node["slug"])
            .expect("the town is a member");
        assert_eq!(listed["jurisdiction"], node["jurisdiction"]);
    }
    let browser = Browser::start();
    browser.open(&format!("{}/#/p/{process}", net.region.url()));
    browser.wait_for_all(&[
        "Regional result (aggregate of member logs)",
        "town-1 (town-1): 7 ballots",
        "town-2 (town-2): 6 ballots",
    ]);
    drop(browser);

    // Pinned to another key (a town's), the same aggregate is refused.
    let wrong = verify_aggregate(&net.region, &process, &net.region_arg("town-1"));
    assert!(!wrong.status.success(), "a wrong region key was accepted");

    // A town-1 voter checks their receipt at the region's replica of
    // town-1's log, with town-1's log key pinned.
    let receipt_file = net.fed.root().join("receipt.json");
    std::fs::write(&receipt_file, town1_receipts[0].to_string()).expect("receipt file");
    let log_key = net.towns[0]
        .client()
        .get(&format!("/api/v1/processes/{process}/log-key"))
        .expect_json(200);
    let vkey = log_key["vkey"].as_str().expect("vkey");
    let out = pbnode(&[
        "verify",
        "receipt",
        receipt_file.to_str().expect("utf-8"),
        "--node",
        net.region.url(),
        "--vkey",
        vkey,
    ]);
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains("opened as cast"), "{report}");
    assert!(report.contains("replica of `pbnode/town-1/"), "{report}");
    // Without a pinned key the replica's word for the owner's key is used,
    // and the report says so.
    let out = pbnode(&[
        "verify",
        "receipt",
        receipt_file.to_str().expect("utf-8"),
        "--node",
        net.region.url(),
    ]);
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains("opened as cast"), "{report}");
    assert!(report.contains("FETCHED"), "{report}");

    // The same receipt verifies in the browser at the replica, every step,
    // with the owner's key as the region-signed manifest lists it.
    let browser = Browser::start();
    browser.open(&format!("{}/#/receipt", net.region.url()));
    browser.wait_for_all(&["Check a receipt"]);
    browser.fill("textarea[name=receipt]", &town1_receipts[0].to_string());
    browser.click("form button[type=submit]");
    let text = browser.wait_for_all(&[
        "Verified in this browser: every check passed",
        "region-signed federation manifest",
        "Covered: this node's replica of town-1",
    ]);
    assert!(
        text.contains(vkey),
        "the owner's key is the one used: {text}"
    );
}

#[test]
fn a_voter_counted_in_two_towns_stops_the_aggregate() {
    let net = start();
    let process = net.regional_process();
    let id = process.parse().expect("process id");
    // One person in both towns' census: the same key votes in each.
    let voter = Voter::random();
    for town in &net.towns {
        let projects = accepted_by_district(town, &process);
        let codes = census_codes(town, &process, &[("both".to_owned(), "north")]);
        let ballot = voter.approve(id, "north", &projects["north"][..1]);
        register_and_vote(town, &process, &voter, &codes["both"], &ballot);
    }
    net.close(&process);
    wait_until(
        "the region names the voter counted twice",
        LIMIT,
        &net.nodes(),
        || {
            net.region
                .stderr()
                .contains("has a counted ballot in member")
        },
    );
    let aggregate = format!("/api/v1/processes/{process}/aggregate");
    net.region
        .client()
        .get(&aggregate)
        .assert_error(404, "not_found");
    let out = verify_aggregate(&net.region, &process, &net.region_arg("region"));
    assert!(
        !out.status.success(),
        "verify aggregate accepted a region that published nothing"
    );
}
