//! The web UI: its files served by the node (types, caching, 404s, the API
//! untouched), then a real headless Chromium reading and using it against
//! a real node filled through the API: processes, proposals and the API's
//! filters, a submission the API refuses (its message shown), a submission
//! and a comment that succeed, results after close with implementation
//! progress, the public log, a receipt lookup, a phone-width layout; and on
//! a federation where a member equivocated, the warning banner on every
//! page with the proof one click away.

use pbnode_tests::browser::Browser;
use pbnode_tests::client::Client;
use pbnode_tests::federation_net::{FedSetup, member, origin, run_demo, served, wait_until};
use pbnode_tests::fixtures::{process_draft, proposal};
use pbnode_tests::node::TestNode;
use pbnode_tests::scenario::{Voting, to_voting};
use serde_json::{Value, json};
use std::time::Duration;

#[test]
fn the_ui_is_served_beside_the_api_with_its_media_types() {
    let node = TestNode::start(|_| {});
    let client = node.client();

    let index = client.get("/");
    assert_eq!(index.status, 200);
    assert_eq!(index.content_type(), Some("text/html; charset=utf-8"));
    assert!(
        index
            .body
            .contains(r#"<script type="module" src="/ui/app.js">"#),
        "{}",
        index.body
    );
    assert!(
        index
            .headers
            .get("content-security-policy")
            .is_some_and(|v| v.to_str().unwrap().contains("script-src 'self'"))
    );

    for (path, media) in [
        ("/ui/app.js", "text/javascript; charset=utf-8"),
        ("/ui/views/process.js", "text/javascript; charset=utf-8"),
        ("/ui/app.css", "text/css; charset=utf-8"),
        ("/ui/icon.svg", "image/svg+xml"),
    ] {
        let reply = client.get(path);
        assert_eq!(reply.status, 200, "{path}");
        assert_eq!(reply.content_type(), Some(media), "{path}");
        assert_eq!(reply.headers["cache-control"], "no-cache", "{path}");
        assert_eq!(reply.headers["x-content-type-options"], "nosniff");
        // Revalidation: the same file answers 304 to its own ETag.
        let etag = reply.headers["etag"].to_str().unwrap().to_owned();
        let again = ureq::get(format!("{}{path}", client.base()))
            .header("if-none-match", &etag)
            .call()
            .unwrap();
        assert_eq!(again.status(), 304, "{path}");
    }

    for missing in [
        "/ui/nope.js",
        "/ui/",
        "/ui/views",
        "/ui/../Cargo.toml",
        "/index.html",
    ] {
        let reply = client.get(missing);
        assert_eq!(reply.status, 404, "{missing}: {}", reply.body);
    }

    // The API, health and metrics are untouched, and the UI is no API route.
    client.get("/api/v1/node").expect_json(200);
    client.get("/healthz").expect_json(200);
    assert_eq!(client.get("/metrics").status, 200);
    let doc = client.get("/api/v1/openapi.json").expect_json(200);
    let paths = doc["paths"].as_object().unwrap();
    assert!(
        paths
            .keys()
            .all(|p| p.starts_with("/api/v1/") || p == "/healthz" || p == "/metrics")
    );
}

/// A process left in its proposals phase, titled "Green Streets 2027",
/// with four proposals in two districts and three categories.
fn open_for_proposals(admin: &Client, citizen: &Client) -> String {
    let mut draft = process_draft("green-2027");
    draft["texts"][0]["title"] = json!("Green Streets 2027");
    admin
        .post_json("/api/v1/processes", &draft)
        .expect_json(201);
    let opened = admin
        .post_empty("/api/v1/processes/green-2027/open")
        .expect_json(200);
    let id = opened["id"].as_str().unwrap().to_owned();
    for (title, cost, district, category) in [
        ("Trees", 30_000, "north", "greenery"),
        ("Bike lane", 50_000, "north", "transport"),
        ("Benches", 10_000, "north", "greenery"),
        ("Library", 60_000, "south", "culture"),
    ] {
        citizen
            .post_json(
                &format!("/api/v1/processes/{id}/proposals"),
                &proposal(title, cost, district, category),
            )
            .expect_json(201);
    }
    id
}

/// The "Budget 2027" process voted by four residents and closed, with
/// implementation progress on one selected project; returns it and the
/// receipt of the first ballot.
fn closed_with_progress(admin: &Client, citizen: &Client) -> (Voting, Value) {
    let voting = to_voting(admin, citizen, "budget-2027", 4);
    let mut first_receipt = None;
    for (i, voter) in voting.voters.iter().enumerate() {
        let district = Voting::district(i);
        let projects = if district == "north" {
            vec![voting.north[0], voting.north[2]]
        } else {
            voting.south.clone()
        };
        let ballot = voter.approve(voting.id, district, &projects);
        let receipt = citizen
            .post_json(&format!("{}/ballots", voting.base), &ballot.body())
            .expect_json(201);
        first_receipt.get_or_insert(receipt);
    }
    admin
        .post_json(
            &format!("{}/phase", voting.base),
            &json!({ "phase": "closed" }),
        )
        .expect_json(200);
    admin
        .post_json(
            &format!(
                "{}/proposals/{}/implementation",
                voting.base, voting.north[0]
            ),
            &json!({ "status": "in_progress", "progress": 40, "note": "Planting started" }),
        )
        .expect_json(200);
    (voting, first_receipt.unwrap())
}

#[test]
fn a_resident_reads_filters_proposes_comments_and_checks_results_in_a_browser() {
    let node = TestNode::start(|_| {});
    let admin = node.admin();
    let citizen = node.client();
    let green = open_for_proposals(&admin, &citizen);
    let (closed, receipt) = closed_with_progress(&admin, &citizen);
    let url = citizen.base().to_owned();
    let browser = Browser::start();

    // The front page: the node and its processes with their phases.
    browser.open(&format!("{url}/"));
    let text = browser.wait_for_all(&["Test Town", "Green Streets 2027", "Budget 2027"]);
    assert!(text.contains("Proposals (submissions open)"), "{text}");
    assert!(text.contains("Closed (results published)"), "{text}");
    assert!(!text.contains("equivocation"), "{text}");

    // A process page lists its proposals; the filters are the API's.
    browser.open(&format!("{url}/#/p/{green}"));
    let text = browser.wait_for_all(&["Green Streets 2027", "4 proposals.", "Trees", "Library"]);
    assert!(text.contains("1,000.00 EUR"), "the budget, exactly: {text}");
    browser.choose("select[name=district]", "south");
    browser.click(".filters button[type=submit]");
    let text = browser.wait_for_all(&["1 of 4 proposals match.", "Library"]);
    assert!(
        !text.contains("Bike lane") && !text.contains("Trees"),
        "{text}"
    );
    browser.open(&format!("{url}/#/p/{green}?q=bike"));
    let text = browser.wait_for_all(&["1 of 4 proposals match.", "Bike lane"]);
    assert!(!text.contains("Library"), "{text}");
    browser.open(&format!("{url}/#/p/{green}?category=greenery"));
    let text = browser.wait_for_all(&["2 of 4 proposals match.", "Trees", "Benches"]);
    assert!(!text.contains("Bike lane"), "{text}");

    // A submission the API refuses shows the API's own message.
    browser.open(&format!("{url}/#/p/{green}"));
    browser.wait_for_all(&["Submit a proposal"]);
    browser.fill(".submit-proposal input[name=title]", "Fountain");
    browser.fill(".submit-proposal input[name=cost]", "0");
    browser.fill(".submit-proposal input[name=category]", "water");
    browser.fill(".submit-proposal input[name=author]", "Ola");
    browser.click(".submit-proposal button[type=submit]");
    browser.wait_for_all(&["Not submitted:", "a proposal's cost must be more than zero"]);

    // Corrected, it is accepted, logged and shown; the cost is exact.
    browser.fill(".submit-proposal input[name=cost]", "1200.50");
    browser.click(".submit-proposal button[type=submit]");
    browser.wait_for_all(&["Your proposal was submitted", "Fountain", "1,200.50 EUR"]);
    let listed = citizen
        .get(&format!("/api/v1/processes/{green}/proposals?q=fountain"))
        .expect_json(200);
    assert_eq!(listed[0]["proposal"]["cost"], 120_050, "{listed}");

    // A comment on it appears under it.
    browser.fill(".comment-form input[name=author]", "Jan");
    browser.fill(
        ".comment-form textarea[name=text]",
        "Please make it a drinking fountain",
    );
    browser.click(".comment-form button[type=submit]");
    browser.wait_for_all(&["Comments (1)", "Please make it a drinking fountain", "Jan"]);

    // No results before close, and the page says why.
    browser.open(&format!("{url}/#/p/{green}/results"));
    browser.wait_for_all(&["No results yet", "nobody sees running totals"]);

    // After close: the signed tally's selection, funds, progress, export.
    let results = citizen
        .get(&format!("{}/results", closed.base))
        .expect_json(200);
    browser.open(&format!("{url}/#/p/{}/results", closed.id));
    let text = browser.wait_for_all(&[
        "Selected projects",
        "Ballots counted",
        "Funds allocated",
        "Planting started",
        "download the Pabulib file (.pb)",
    ]);
    let selected = results["selected"].as_array().unwrap();
    assert_eq!(selected.len(), 3, "{results}");
    for title in ["Trees", "Benches", "Library"] {
        assert!(text.contains(title), "{title} in {text}");
    }
    assert!(
        text.contains("1,000.00 EUR of 1,000.00 EUR (100%)"),
        "all the budget is allocated: {text}"
    );
    let bike_row = browser.script(
        "return [...document.querySelectorAll('tr')].find(r => r.innerText.includes('Bike lane')).innerText;",
        json!([]),
    );
    assert!(
        bike_row.as_str().unwrap().contains("not selected"),
        "{bike_row}"
    );
    let export = browser.script(
        "return document.querySelector('a[href$=\"/export.pb\"]').getAttribute('href');",
        json!([]),
    );
    let pb = citizen.get(export.as_str().unwrap());
    assert_eq!(pb.status, 200);
    assert!(pb.body.starts_with("META"), "{}", pb.body);

    // The public log: the latest checkpoint's size, as the API serves it.
    let note = citizen
        .get(&format!("{}/checkpoint", closed.base))
        .expect_text(200)
        .to_owned();
    let size = note.lines().nth(1).unwrap().to_owned();
    browser.open(&format!("{url}/#/p/{}/log", closed.id));
    browser.wait_for_all(&[
        "Latest checkpoint",
        &format!("{size} entries"),
        "Entries 0–19",
    ]);

    // A receipt: covered by the node's latest checkpoint, and how to check it.
    browser.open(&format!("{url}/#/receipt"));
    browser.wait_for_all(&["Check a receipt"]);
    browser.fill("textarea[name=receipt]", &receipt.to_string());
    browser.click("form button[type=submit]");
    let leaf = receipt["leaf_index"].as_u64().unwrap();
    browser.wait_for_all(&[
        "Covered:",
        &format!("includes your ballot at index {leaf}"),
        "pbnode verify receipt receipt.json",
        "did not check any signature",
    ]);
    browser.fill("textarea[name=receipt]", "{\"process\": 1}");
    browser.click("form button[type=submit]");
    browser.wait_for_all(&["Cannot check this receipt:", "this is not a pbnode receipt"]);

    // Staff: a wrong token is refused with the API's message; the right
    // one moves the process to review, where a proposal is accepted.
    browser.open(&format!("{url}/#/admin"));
    browser.fill("input[name=token]", "not-the-token");
    browser.click("form button[type=submit]");
    browser.wait_for_all(&["Signed out:", "the admin token is wrong"]);
    browser.fill("input[name=token]", &node.token);
    browser.click("form button[type=submit]");
    browser.wait_for_all(&["Green Streets 2027", "Advance to review"]);
    browser.click_xpath("//button[normalize-space()='Advance to review']");
    browser.wait_for_all(&["Review (feasibility check)", "Review (5 waiting)"]);
    browser.click_xpath("//li[h4[normalize-space()='Trees']]//button[normalize-space()='Accept']");
    browser.wait_for_all(&["Review (4 waiting)"]);
    let trees = citizen
        .get(&format!("/api/v1/processes/{green}/proposals?q=trees"))
        .expect_json(200);
    assert_eq!(trees[0]["status"], "Accepted", "{trees}");

    // On a phone's width nothing runs off the side of the page.
    browser.resize(390, 844);
    for page in [format!("#/p/{green}"), format!("#/p/{}/results", closed.id)] {
        browser.open(&format!("{url}/{page}"));
        browser.wait_for_all(&["Public log"]);
        let fits = browser.script(
            "return document.documentElement.scrollWidth <= window.innerWidth;",
            json!([]),
        );
        assert_eq!(fits, true, "{page} is wider than a phone");
    }
}

#[test]
fn every_page_warns_of_a_recorded_equivocation_and_links_its_proof() {
    let fed = FedSetup::new(&["town-2"], &[]);
    let region = fed.start("region", None, &[]);
    let town2 = fed.start(
        "town-2",
        Some(&region),
        &[("PBNODE_TESTING_ALLOW_EQUIVOCATION", "true")],
    );
    let process = run_demo(&town2, "demo-2027", 2);
    let log = origin("town-2", &process);
    let nodes = [&region, &town2];
    let limit = Duration::from_secs(60);
    wait_until("the region replicates town-2's log", limit, &nodes, || {
        let head = served(&town2, &log);
        head.is_some() && served(&region, &log) == head
    });
    let browser = Browser::start();
    browser.open(&format!("{}/#/federation", region.url()));
    let text = browser.wait_for_all(&["Federation testnet", "town-2", "replica"]);
    assert!(!text.contains("Warning: equivocation"), "{text}");

    let forked = town2
        .admin()
        .post_empty(&format!("/api/v1/testing/equivocate/{process}"));
    assert_eq!(forked.status, 200, "{}", forked.body);
    wait_until(
        "the region records town-2's equivocation",
        limit,
        &nodes,
        || member(&region, "town-2")["equivocated"] == true,
    );

    for page in ["#/", "#/federation", "#/receipt"] {
        browser.open(&format!("{}/{page}", region.url()));
        browser.wait_for_all(&[
            "Warning: equivocation detected",
            "town-2 (town-2) signed two checkpoints of the log",
            &log,
        ]);
    }
    browser.click("#banner a");
    let text = browser.wait_for_all(&[
        "Equivocation by town-2",
        "First checkpoint",
        "Second checkpoint",
    ]);
    assert!(text.contains(&log), "{text}");
    browser.open(&format!("{}/#/federation", region.url()));
    browser.wait_for_all(&["PROVEN: signed inconsistent checkpoints"]);
}
