//! The web UI: its files served by the node (types, caching, 404s, the API
//! untouched), then a real headless Chromium reading and using it against
//! a real node filled through the API: processes, proposals and the API's
//! filters, a submission the API refuses (its message shown), a submission
//! and a comment that succeed, results after close with implementation
//! progress, the public log, a receipt lookup, a phone-width layout; and on
//! a federation where a member equivocated, the warning banner on every
//! page with the proof one click away. Then the in-browser receipt
//! verifier (`web/verify/`): BLAKE3 and the canonical encoding against Rust
//! and the golden vectors, the golden receipt and tampered copies of it,
//! and a ballot cast on a real node verified on the receipt page.

use pbnode_tests::browser::Browser;
use pbnode_tests::client::Client;
use pbnode_tests::federation_net::{FedSetup, caught_up, member, origin, run_demo, wait_until};
use pbnode_tests::fixtures::{process_draft, proposal};
use pbnode_tests::node::TestNode;
use pbnode_tests::scenario::{Voting, to_voting};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
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
        "Verified in this browser: every check passed",
        "pbnode verify receipt receipt.json",
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
        caught_up(&town2, &region, &log)
    });
    let browser = Browser::start();
    browser.open(&format!("{}/#/federation", region.url()));
    let text = browser.wait_for_all(&[
        "Federation testnet",
        "town-2",
        "replica",
        "Misbehaviour",
        "none seen",
    ]);
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

/// The protocol's golden vectors (`protocol/tests/vectors/<dir>/<name>`).
fn vector(dir: &str, name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../protocol/tests/vectors")
        .join(dir)
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn vector_json(dir: &str, name: &str) -> Value {
    serde_json::from_str(&vector(dir, name)).unwrap()
}

/// A browser on a node's front page, so that the UI's modules load from
/// the node as they do for a voter.
fn browser_on(node: &TestNode) -> Browser {
    let browser = Browser::start();
    browser.open(&format!("{}/", node.client().base()));
    browser.wait_for_all(&["Check a receipt"]);
    browser
}

/// The input of the BLAKE3 test vectors: 0, 1, …, 250, 0, 1, … (`len` bytes).
fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

#[test]
fn blake3_encoding_and_merkle_proofs_in_the_browser_match_rust_and_the_golden_vectors() {
    let node = TestNode::start(|_| {});
    let browser = browser_on(&node);

    let official_path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/blake3/official.json");
    let official: Value =
        serde_json::from_str(&std::fs::read_to_string(official_path).unwrap()).unwrap();
    let mut lengths: Vec<usize> = vec![2, 3, 63, 64, 65, 127, 128, 129, 1000, 5000, 65_536];
    for case in official["cases"].as_array().unwrap() {
        let len = case["input_len"].as_u64().unwrap() as usize;
        // The committed official values are what the Rust crate computes.
        assert_eq!(
            case["hash"],
            blake3::hash(&pattern(len)).to_hex().as_str(),
            "official vector {len}"
        );
        lengths.push(len);
    }
    let from_js = browser.script(
        "const [lengths] = arguments;
         return Promise.all([import('/ui/verify/blake3.js'), import('/ui/verify/bytes.js')])
           .then(([b, bytes]) => lengths.map((n) =>
             bytes.toHex(b.blake3(Uint8Array.from({ length: n }, (_, i) => i % 251)))));",
        json!([lengths]),
    );
    for (len, js) in lengths.iter().zip(from_js.as_array().unwrap()) {
        assert_eq!(
            js,
            blake3::hash(&pattern(*len)).to_hex().as_str(),
            "BLAKE3 of {len} bytes"
        );
    }
    assert_eq!(from_js.as_array().unwrap().len(), lengths.len());

    // The receipt's objects encode byte for byte as the golden vectors say.
    let ballot = &vector_json("objects", "ballot.json")["cases"][0];
    let commitment = &vector_json("objects", "ballot-commitment.json")["cases"][0];
    let opening = &vector_json("objects", "ballot-opening.json")["cases"][0];
    let entries = vector_json("objects", "log-entry.json");
    let committed = entries["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "ballot-committed")
        .unwrap();
    let encoded = browser.script(
        "const [ballot, commitment, opening, entry] = arguments;
         return Promise.all([import('/ui/verify/canonical.js'), import('/ui/verify/bytes.js'),
                             import('/ui/verify/blake3.js')])
           .then(([c, bytes, b]) => ({
             ballot: bytes.toHex(c.ballot(ballot)),
             commitment: bytes.toHex(c.ballotCommitment(commitment)),
             commitmentId: bytes.toHex(b.blake3(c.message('ballot-commitment', c.ballotCommitment(commitment)))),
             committed: bytes.toHex(c.commitmentHash(opening.ballot, opening.nonce)),
             entry: bytes.toHex(c.ballotCommittedEntry(entry.BallotCommitted)),
           }));",
        json!([
            ballot["value"],
            commitment["value"],
            opening["value"],
            committed["value"]
        ]),
    );
    assert_eq!(encoded["ballot"], ballot["canonical_hex"]);
    assert_eq!(encoded["commitment"], commitment["canonical_hex"]);
    assert_eq!(encoded["commitmentId"], commitment["id_hex"]);
    assert_eq!(encoded["committed"], opening["commitment_hex"]);
    assert_eq!(encoded["entry"], committed["canonical_hex"]);

    // RFC 9162 over BLAKE3: the protocol's leaf hashes and inclusion
    // proofs; each proof refused for the neighbouring leaf.
    let merkle = vector_json("merkle", "blake3.json");
    let checked = browser.script(
        "const [v] = arguments;
         return Promise.all([import('/ui/verify/merkle.js'), import('/ui/verify/bytes.js')])
           .then(([m, b]) => ({
             leaves: v.leaves.map((l) => b.toHex(m.leafHash(b.fromHex(l)))),
             proofs: v.inclusion.map((c) => [0n, 1n].map((shift) => m.verifyInclusion(
               b.fromHex(c.leaf_hash), BigInt(c.leaf_index) + shift, BigInt(c.tree_size),
               c.proof.map((p) => b.fromHex(p)), b.fromHex(c.root)))),
           }));",
        json!([merkle]),
    );
    assert_eq!(checked["leaves"], merkle["leaf_hashes"]);
    let proofs = checked["proofs"].as_array().unwrap();
    assert_eq!(proofs.len(), merkle["inclusion"].as_array().unwrap().len());
    for (i, verdicts) in proofs.iter().enumerate() {
        assert_eq!(verdicts[0], Value::Null, "inclusion case {i}");
        assert!(
            verdicts[1].is_string(),
            "inclusion case {i}, next leaf: {verdicts}"
        );
    }
}

/// Runs `web/verify/receipt.js` in the page on `receipt` with the node key
/// `log_key` and, if given, a policy of `threshold` of the witness vkeys.
fn verify_in_browser(
    browser: &Browser,
    receipt: &Value,
    log_key: &str,
    witnesses: Option<(&[&str], u32)>,
) -> Value {
    let (vkeys, threshold) = witnesses.map_or((None, 0), |(v, t)| (Some(v), t));
    browser.script(
        "const [receipt, logKey, vkeys, threshold] = arguments;
         return import('/ui/verify/receipt.js').then(async (m) => {
           const policy = vkeys ? await m.policyFromVkeys(vkeys, threshold) : null;
           return m.verifyReceipt(receipt, { logKey, policy });
         });",
        json!([receipt, log_key, vkeys, threshold]),
    )
}

/// The statuses of steps 0 to 8, in order.
fn statuses(result: &Value) -> Vec<String> {
    result["steps"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(i, s)| {
            assert_eq!(s["n"], i, "{result}");
            s["status"].as_str().unwrap().to_owned()
        })
        .collect()
}

/// Asserts that verification failed at `step` with a reason containing
/// `why`, every step before it passed and none after it ran.
fn assert_fails_at(result: &Value, step: usize, why: &str, case: &str) {
    assert_eq!(result["ok"], false, "{case}: {result}");
    assert_eq!(result["failure"]["n"], step, "{case}: {result}");
    let detail = result["failure"]["detail"].as_str().unwrap();
    assert!(detail.contains(why), "{case}: {detail}");
    let statuses = statuses(result);
    assert_eq!(statuses.len(), 9, "{case}");
    for (i, status) in statuses.iter().enumerate() {
        let expected = match i.cmp(&step) {
            std::cmp::Ordering::Less => "pass",
            std::cmp::Ordering::Equal => "fail",
            std::cmp::Ordering::Greater => "skip",
        };
        assert_eq!(status, expected, "{case}: step {i} of {result}");
    }
}

/// `hex` with the bits of byte `at` flipped by `mask`.
fn flip_hex(hex: &str, at: usize, mask: u8) -> String {
    let mut bytes = hex::decode(hex).unwrap();
    bytes[at] ^= mask;
    hex::encode(bytes)
}

/// The note with one base64 character of the signature line of `name`
/// changed (in the signature's bytes, past the 4-byte key id).
fn flip_note_signature(note: &str, name: &str) -> String {
    let prefix = format!("\u{2014} {name} ");
    note.lines()
        .map(|line| match line.strip_prefix(&prefix) {
            Some(b64) => {
                let mut chars: Vec<char> = b64.chars().collect();
                chars[20] = if chars[20] == 'A' { 'B' } else { 'A' };
                format!("{prefix}{}\n", chars.into_iter().collect::<String>())
            }
            None => format!("{line}\n"),
        })
        .collect()
}

#[test]
fn the_browser_verifies_the_golden_receipt_and_names_the_step_each_tampering_breaks() {
    let node = TestNode::start(|_| {});
    let browser = browser_on(&node);
    let receipt = vector_json("receipt", "receipt.json");
    let log_key = vector("receipt", "log.vkey");
    let log_key = log_key.trim();
    let witness_file = vector("receipt", "witnesses.vkey");
    let witnesses: Vec<&str> = witness_file.lines().collect();
    let policy = Some((witnesses.as_slice(), 2));

    let good = verify_in_browser(&browser, &receipt, log_key, policy);
    assert_eq!(good["ok"], true, "{good}");
    assert_eq!(statuses(&good), vec!["pass"; 9], "{good}");
    assert_eq!(good["failure"], Value::Null);
    let cosigned = good["steps"][2]["detail"].as_str().unwrap();
    assert!(
        cosigned.starts_with("2 of 3 policy witnesses"),
        "{cosigned}"
    );
    // Without a policy the cosignatures are listed, not checked.
    let unchecked = verify_in_browser(&browser, &receipt, log_key, None);
    assert_eq!(unchecked["ok"], true, "{unchecked}");
    assert_eq!(unchecked["steps"][2]["status"], "info", "{unchecked}");

    let origin = receipt["checkpoint"]
        .as_str()
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_owned();
    let with = |edit: &dyn Fn(&mut Value)| {
        let mut copy = receipt.clone();
        edit(&mut copy);
        copy
    };
    let note = |r: &Value| r["checkpoint"].as_str().unwrap().to_owned();
    let cases: Vec<(&str, Value, usize, &str)> = vec![
        (
            "a receipt without its opening",
            with(&|r| {
                r.as_object_mut().unwrap().remove("opening");
            }),
            0,
            "the receipt has no opening",
        ),
        (
            "a flipped byte in the node's checkpoint signature",
            with(&|r| r["checkpoint"] = json!(flip_note_signature(&note(r), &origin))),
            1,
            "does not verify",
        ),
        (
            "a checkpoint root the node did not sign",
            with(&|r| {
                let changed = note(r).replacen("9P+0x4VI", "9P+0x4VJ", 1);
                r["checkpoint"] = json!(changed);
            }),
            1,
            "does not verify",
        ),
        (
            "a flipped byte in a witness cosignature",
            with(&|r| {
                r["checkpoint"] = json!(flip_note_signature(&note(r), "witness-2.pbnode.example"))
            }),
            2,
            "the cosignature of witness witness-2.pbnode.example is invalid",
        ),
        (
            "a receipt for another process than its log",
            with(&|r| r["process"] = json!("11".repeat(32))),
            3,
            "is not the log of process 1111",
        ),
        (
            "a flipped byte in the voter's signature",
            with(&|r| {
                let flipped = flip_hex(r["commitment"]["signature"].as_str().unwrap(), 0, 1);
                r["commitment"]["signature"] = json!(flipped);
            }),
            4,
            "the voter signature is invalid: the signature does not verify",
        ),
        (
            "a changed choice in the opening",
            with(&|r| r["opening"]["ballot"]["choices"][1]["points"] = json!(2)),
            6,
            "the commitment hash differs",
        ),
        (
            "another voter key in the opening",
            with(&|r| r["opening"]["ballot"]["voter"] = json!("22".repeat(32))),
            6,
            "the voter key differs",
        ),
        (
            "a leaf index past the checkpoint",
            with(&|r| r["leaf_index"] = json!(9)),
            7,
            "leaf index 9 is not below the checkpoint size 9",
        ),
        (
            "a wrong leaf index inside the checkpoint",
            with(&|r| r["leaf_index"] = json!(6)),
            8,
            "does not lead to the checkpoint's root",
        ),
        (
            "a flipped byte in the inclusion proof",
            with(&|r| {
                let flipped = flip_hex(r["inclusion_proof"][1].as_str().unwrap(), 31, 0x80);
                r["inclusion_proof"][1] = json!(flipped);
            }),
            8,
            "does not lead to the checkpoint's root",
        ),
        (
            "an inclusion proof one hash short",
            with(&|r| {
                r["inclusion_proof"].as_array_mut().unwrap().pop();
            }),
            8,
            "has 3 hashes; leaf 7 of a tree of 9 needs 4",
        ),
    ];
    for (case, tampered, step, why) in &cases {
        let result = verify_in_browser(&browser, tampered, log_key, policy);
        assert_fails_at(&result, *step, why, case);
    }

    // A witness's cosigning key is no node key; another log's key signed
    // no line of this checkpoint.
    let result = verify_in_browser(&browser, &receipt, witnesses[0], policy);
    assert_fails_at(
        &result,
        1,
        "the node key is not a usable vkey: the key of witness-2.pbnode.example has type 0x04, not 0x01",
        "a witness key as node key",
    );
    let stranger = vector("note", "log.vkey");
    let result = verify_in_browser(&browser, &receipt, stranger.trim(), policy);
    assert_fails_at(
        &result,
        1,
        "no signature line of the key",
        "another log's key",
    );
    // Three witnesses required, two cosigned.
    let strict = Some((witnesses.as_slice(), 3));
    let result = verify_in_browser(&browser, &receipt, log_key, strict);
    assert_fails_at(
        &result,
        2,
        "2 of the 3 policy witnesses validly cosigned; 3 are required",
        "a threshold the checkpoint does not meet",
    );
}

#[test]
fn a_voter_pastes_the_receipt_of_a_ballot_cast_on_a_real_node_and_every_check_passes() {
    let node = TestNode::start(|_| {});
    let admin = node.admin();
    let citizen = node.client();
    let voting = to_voting(&admin, &citizen, "receipts-2027", 1);
    let ballot = voting.voters[0].approve(voting.id, "north", &[voting.north[0], voting.north[2]]);
    let receipt = citizen
        .post_json(&format!("{}/ballots", voting.base), &ballot.body())
        .expect_json(201);
    let served_key = citizen
        .get(&format!("{}/log-key", voting.base))
        .expect_json(200)["vkey"]
        .as_str()
        .unwrap()
        .to_owned();
    let browser = browser_on(&node);
    let page_statuses = |browser: &Browser| {
        browser.script(
            "return [...document.querySelectorAll('.verify-steps li')].map((li) => li.dataset.status);",
            json!([]),
        )
    };

    browser.open(&format!("{}/#/receipt", citizen.base()));
    browser.wait_for_all(&["Check a receipt", "Node key (optional)"]);
    browser.fill("textarea[name=receipt]", &receipt.to_string());
    browser.click("form button[type=submit]");
    let text = browser.wait_for_all(&[
        "Verified in this browser: every check passed",
        "This key was served by this node",
        "What this node says now",
        "Covered:",
    ]);
    assert!(text.contains(&served_key), "the key used is shown: {text}");
    assert!(
        text.contains("the process requires no witness cosignature"),
        "{text}"
    );
    let statuses = page_statuses(&browser);
    let expected = [
        "pass", "pass", "info", "pass", "pass", "pass", "pass", "pass", "pass",
    ];
    assert_eq!(statuses, json!(expected), "{text}");

    // Pinning the key the node serves passes too; another key fails step 1.
    browser.fill("input[name=vkey]", &served_key);
    browser.click("form button[type=submit]");
    browser.wait_for_all(&["Verified in this browser", "(the key you pinned)"]);
    browser.fill("input[name=vkey]", vector("receipt", "log.vkey").trim());
    browser.click("form button[type=submit]");
    let text = browser.wait_for_all(&[
        "Not verified. Step 1 (The checkpoint is signed by the node's key) failed",
        "This node serves a different key",
    ]);
    assert!(!text.contains("every check passed"), "{text}");

    // A receipt whose ballot was changed after the fact fails at the opening.
    let mut changed = receipt.clone();
    changed["opening"]["ballot"]["choices"][0]["points"] = json!(3);
    browser.fill("input[name=vkey]", "");
    browser.fill("textarea[name=receipt]", &changed.to_string());
    browser.click("form button[type=submit]");
    browser.wait_for_all(&[
        "Not verified. Step 6 (The opening (your ballot and nonce) opens the commitment) failed",
        "the commitment hash differs",
    ]);
    let statuses = page_statuses(&browser);
    let expected = [
        "pass", "pass", "info", "pass", "pass", "pass", "fail", "skip", "skip",
    ];
    assert_eq!(statuses, json!(expected));
}
