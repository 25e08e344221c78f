//! A whole participatory-budgeting process on a real node (sled in a temp
//! dir, HTTP on 127.0.0.1:0), driven only through the HTTP API the way the
//! administration, citizens and an outside verifier would, then checked
//! with the protocol's own offline verifiers.

use pbnode_protocol::crypto::{PublicKey, Signed};
use pbnode_protocol::encoding;
use pbnode_protocol::merkle::{Blake3Hasher, verify_consistency};
use pbnode_protocol::note::{SignedCheckpoint, VerifierKey};
use pbnode_protocol::objects::{LogEntry, ProcessId, ProposalId, Tally};
use pbnode_protocol::pabulib;
use pbnode_protocol::receipt::Receipt;
use pbnode_protocol::recount::{LogKeys, verify_log};
use pbnode_tests::client::Client;
use pbnode_tests::fixtures::{process_draft, proposal};
use pbnode_tests::node::TestNode;
use pbnode_tests::scenario::{Voting, to_voting};
use pbnode_tests::voter::{SealedBallot, Voter};
use serde_json::{Value, json};
use std::collections::BTreeMap;

const SLUG: &str = "budget-2027";

/// Every entry of the log, fetched page by page as a verifier would.
fn fetch_log(client: &Client, base: &str) -> Vec<Vec<u8>> {
    let mut entries = Vec::new();
    loop {
        let page = client
            .get(&format!("{base}/log?start={}&limit=2", entries.len()))
            .expect_json(200);
        let got = page["entries"].as_array().unwrap();
        assert!(got.len() <= 2, "the limit is honoured");
        if got.is_empty() {
            assert_eq!(page["size"].as_u64().unwrap(), entries.len() as u64);
            return entries;
        }
        entries.extend(
            got.iter()
                .map(|e| hex::decode(e.as_str().unwrap()).unwrap()),
        );
    }
}

fn decoded(entries: &[Vec<u8>]) -> Vec<LogEntry> {
    entries
        .iter()
        .map(|e| encoding::from_bytes(e).unwrap())
        .collect()
}

fn latest_checkpoint(client: &Client, base: &str) -> SignedCheckpoint {
    let reply = client.get(&format!("{base}/checkpoint"));
    assert!(reply.content_type().unwrap().starts_with("text/plain"));
    SignedCheckpoint::parse(reply.expect_text(200)).unwrap()
}

fn id_of(record: &Value) -> ProposalId {
    record["id"].as_str().unwrap().parse().unwrap()
}

/// Casts `ballot` and checks its receipt offline with the log's key.
fn cast(client: &Client, base: &str, vkey: &VerifierKey, ballot: &SealedBallot) -> Receipt {
    let reply = client.post_json(&format!("{base}/ballots"), &ballot.body());
    let receipt: Receipt = serde_json::from_value(reply.expect_json(201)).unwrap();
    assert_eq!(receipt.commitment, ballot.commitment);
    assert_eq!(receipt.opening, ballot.opening);
    let verified = receipt.verify(vkey, None).unwrap();
    assert_eq!(verified.commitment, ballot.id());
    receipt
}

#[test]
fn a_process_from_draft_to_implementation_over_http() {
    let node = TestNode::start(|_| {});
    let admin = node.admin();
    let citizen = node.client();

    // Drafts: admin only, unpublished, editable.
    citizen
        .post_json("/api/v1/processes", &process_draft(SLUG))
        .assert_error(401, "unauthorized");
    let draft = admin
        .post_json("/api/v1/processes", &process_draft(SLUG))
        .expect_json(201);
    assert!(draft["id"].is_null());
    let drafts = admin.get("/api/v1/admin/processes").expect_json(200);
    assert_eq!(drafts[0]["slug"], SLUG);
    assert!(citizen.get("/api/v1/processes").expect_json(200)[0].is_null());
    admin
        .post_json("/api/v1/processes", &process_draft(SLUG))
        .assert_error(409, "slug_taken");
    citizen
        .get(&format!("/api/v1/processes/{SLUG}"))
        .assert_error(404, "process_not_found");
    let mut edited = process_draft(SLUG);
    edited["texts"][0]["title"] = json!("Budget 2027, edited");
    let edited = admin
        .put_json(&format!("/api/v1/processes/{SLUG}"), &edited)
        .expect_json(200);
    assert_eq!(edited["def"]["texts"][0]["title"], "Budget 2027, edited");

    // Opening fixes the id; the process is then public by id and by slug.
    let opened = admin
        .post_empty(&format!("/api/v1/processes/{SLUG}/open"))
        .expect_json(200);
    let id_hex = opened["id"].as_str().unwrap().to_owned();
    let process: ProcessId = id_hex.parse().unwrap();
    assert_eq!(opened["phase"], "Proposals");
    admin
        .post_empty(&format!("/api/v1/processes/{SLUG}/open"))
        .assert_error(409, "process_already_open");
    let base = format!("/api/v1/processes/{id_hex}");
    let by_slug = citizen
        .get(&format!("/api/v1/processes/{SLUG}"))
        .expect_json(200);
    assert_eq!(by_slug["id"], id_hex.as_str());
    let listed = citizen.get("/api/v1/processes").expect_json(200);
    assert_eq!(listed.as_array().unwrap().len(), 1);

    // The log key: verifier key, node key, origin.
    let log_key = citizen.get(&format!("{base}/log-key")).expect_json(200);
    let vkey = VerifierKey::parse(log_key["vkey"].as_str().unwrap()).unwrap();
    let node_key: PublicKey = log_key["node_key"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        log_key["node_key"],
        citizen.get("/api/v1/node").expect_json(200)["public_key"]
    );
    assert_eq!(vkey.name(), log_key["origin"].as_str().unwrap());

    // Proposals from citizens.
    let submit = |title: &str, cost: u64, district: &str, category: &str| {
        let body = proposal(title, cost, district, category);
        id_of(
            &citizen
                .post_json(&format!("{base}/proposals"), &body)
                .expect_json(201),
        )
    };
    let trees = submit("Trees", 30_000, "north", "greenery");
    let bike_submitted = submit("Bike lane", 50_000, "north", "transport");
    let benches = submit("Benches", 10_000, "north", "greenery");
    let library = submit("Library", 60_000, "south", "culture");
    let statue = submit("Statue", 20_000, "south", "culture");
    citizen
        .post_json(
            &format!("{base}/proposals"),
            &proposal("Trees", 30_000, "north", "greenery"),
        )
        .assert_error(409, "duplicate_proposal");
    citizen
        .post_json(
            &format!("{base}/proposals"),
            &proposal("Pier", 30_000, "east", "greenery"),
        )
        .assert_error(400, "invalid_input");
    let south = citizen
        .get(&format!("{base}/proposals?district=south"))
        .expect_json(200);
    assert_eq!(south.as_array().unwrap().len(), 2);
    let found = citizen
        .get(&format!("{base}/proposals?q=BENCH&status=submitted"))
        .expect_json(200);
    assert_eq!(found.as_array().unwrap().len(), 1);
    assert_eq!(id_of(&found[0]), benches);
    citizen
        .get(&format!("{base}/proposals?status=maybe"))
        .assert_error(400, "invalid_status");
    let comments = format!("{base}/proposals/{trees}/comments");
    citizen
        .post_json(
            &comments,
            &json!({ "author": "Ola", "text": "Oaks, please" }),
        )
        .expect_json(201);
    let listed = citizen.get(&comments).expect_json(200);
    assert_eq!(listed[0]["text"], "Oaks, please");

    // Review: accept (one at a reviewed cost), reject with a reason.
    let phase = |to: &str| {
        admin
            .post_json(&format!("{base}/phase"), &json!({ "phase": to }))
            .expect_json(200)
    };
    admin
        .post_json(&format!("{base}/phase"), &json!({ "phase": "voting" }))
        .assert_error(409, "invalid_phase_transition");
    admin
        .post_json(&format!("{base}/phase"), &json!({ "phase": "later" }))
        .assert_error(400, "invalid_phase");
    assert_eq!(phase("review")["phase"], "Review");
    let review = |p: ProposalId, body: Value| {
        admin.post_json(&format!("{base}/proposals/{p}/review"), &body)
    };
    for (p, cost) in [(trees, 30_000), (benches, 10_000)] {
        review(p, json!({ "decision": "accept", "cost": cost })).expect_json(200);
    }
    review(library, json!({ "decision": "accept", "cost": 60_000 })).expect_json(200);
    let revised = review(
        bike_submitted,
        json!({ "decision": "accept", "cost": 45_000 }),
    )
    .expect_json(200);
    let bike = id_of(&revised);
    assert_ne!(bike, bike_submitted, "a revised cost is a new proposal");
    assert_eq!(revised["proposal"]["cost"], 45_000);
    review(
        statue,
        json!({ "decision": "reject", "reason": "not city land" }),
    )
    .expect_json(200);
    review(statue, json!({ "decision": "accept", "cost": 1 }))
        .assert_error(409, "invalid_status_change");
    review(trees, json!({ "decision": "maybe" })).assert_error(400, "bad_json");

    // Census with one bad row, then codes.
    let csv =
        "voter_ref,district\nv0,north\nv1,south\nv2,north\nv3,south\nv4,north\nv5,south\nv6,east\n";
    let report = admin
        .post_raw(&format!("{base}/census"), "text/csv", csv.as_bytes())
        .expect_json(200);
    assert_eq!(report["imported"], 6);
    assert_eq!(
        report["errors"],
        json!([{ "row": 8, "problem": { "reason": "unknown_district", "detail": "east" } }])
    );
    let codes_reply = admin.post_empty(&format!("{base}/codes"));
    assert!(codes_reply.content_type().unwrap().starts_with("text/csv"));
    let mut lines = codes_reply.expect_text(200).lines();
    assert_eq!(lines.next(), Some("voter_ref,district,code"));
    let codes: BTreeMap<String, (String, String)> = lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].to_owned(), (f[1].to_owned(), f[2].to_owned()))
        })
        .collect();
    assert_eq!(codes.len(), 6);

    // Voting: registration with the codes.
    assert_eq!(phase("voting")["phase"], "Voting");
    let voters: Vec<Voter> = (0..6).map(Voter::numbered).collect();
    for (i, voter) in voters.iter().enumerate() {
        let (_, code) = &codes[&format!("v{i}")];
        let credential = citizen
            .post_json(&format!("{base}/voters"), &voter.registration(code))
            .expect_json(201);
        assert_eq!(credential["signer"], log_key["node_key"]);
    }
    let reused = &codes["v0"].1;
    citizen
        .post_json(
            &format!("{base}/voters"),
            &Voter::random().registration(reused),
        )
        .assert_error(409, "code_already_used");
    citizen
        .post_json(
            &format!("{base}/voters"),
            &Voter::random().registration(&"0".repeat(32)),
        )
        .assert_error(403, "unknown_code");

    // Ballots: each answered with a receipt that verifies offline.
    let first = voters[0].approve(process, "north", &[bike, trees]);
    let first_receipt = cast(&citizen, &base, &vkey, &first);
    cast(
        &citizen,
        &base,
        &vkey,
        &voters[2].approve(process, "north", &[bike]),
    );
    let replayed = voters[4].approve(process, "north", &[trees, benches]);
    cast(&citizen, &base, &vkey, &replayed);
    cast(
        &citizen,
        &base,
        &vkey,
        &voters[1].approve(process, "south", &[library]),
    );
    cast(
        &citizen,
        &base,
        &vkey,
        &voters[3].approve(process, "south", &[library]),
    );
    // v0 changes their mind: only the last ballot counts.
    let last = voters[0].approve(process, "north", &[benches]);
    let last_receipt = cast(&citizen, &base, &vkey, &last);
    assert!(last_receipt.leaf_index > first_receipt.leaf_index);
    citizen
        .post_json(&format!("{base}/ballots"), &replayed.body())
        .assert_error(409, "duplicate_ballot");
    // A ballot the opening does not open, one over budget, one unregistered.
    let mut forged = voters[2].approve(process, "north", &[trees]);
    forged.opening = voters[2].approve(process, "north", &[bike]).opening;
    citizen
        .post_json(&format!("{base}/ballots"), &forged.body())
        .assert_error(422, "opening_mismatch");
    let stranger = Voter::random().approve(process, "north", &[trees]);
    citizen
        .post_json(&format!("{base}/ballots"), &stranger.body())
        .assert_error(403, "not_registered");
    citizen
        .send(
            "POST",
            &format!("{base}/ballots"),
            Some("application/json"),
            br#"{"commitment": {"value": 1}"#,
        )
        .assert_error(400, "bad_json");

    // Before close: no totals, no openings, anywhere.
    citizen
        .get(&format!("{base}/results"))
        .assert_error(409, "not_closed");
    citizen
        .get(&format!("{base}/export.pb"))
        .assert_error(409, "not_closed");
    let early = citizen
        .get(&format!("{base}/receipts/{}", first.id()))
        .expect_json(200);
    assert!(early["opening"].is_null(), "{early}");
    assert!(
        decoded(&fetch_log(&citizen, &base))
            .iter()
            .all(|e| !matches!(
                e,
                LogEntry::BallotOpened(_) | LogEntry::Tallied(_) | LogEntry::Closed(_)
            ))
    );
    let before_close = latest_checkpoint(&citizen, &base);

    // Close: the node publishes the openings and the signed tally.
    assert_eq!(phase("closed")["phase"], "Closed");
    let results = citizen.get(&format!("{base}/results")).expect_json(200);
    let tally: Signed<Tally> = serde_json::from_value(results["tally"].clone()).unwrap();
    tally.verify(&node_key).unwrap();
    assert_eq!(results["ballots_counted"], 5);
    assert_eq!(tally.value.ballots_counted, 5);
    let totals: BTreeMap<ProposalId, u64> = tally
        .value
        .totals
        .iter()
        .map(|t| (t.project, t.total))
        .collect();
    let expected: BTreeMap<ProposalId, u64> = [(trees, 1), (bike, 1), (benches, 2), (library, 2)]
        .into_iter()
        .collect();
    assert_eq!(
        totals, expected,
        "only the ballots that count, only accepted projects"
    );
    assert_eq!(results["selected"], json!(tally.value.selected));

    // An outside verifier recounts the whole log and gets the same result.
    let entries = fetch_log(&citizen, &base);
    let final_checkpoint = latest_checkpoint(&citizen, &base);
    assert_eq!(final_checkpoint.checkpoint().size, entries.len() as u64);
    let report = verify_log(
        &entries,
        &LogKeys::municipal(node_key, vkey.clone()),
        &final_checkpoint,
    )
    .unwrap();
    assert_eq!(
        (report.counted, report.superseded, report.commitments),
        (5, 1, 6)
    );
    assert_eq!(report.totals, tally.value.totals);
    assert_eq!(report.selected, tally.value.selected);
    // The checkpoint the tally names was signed and served.
    let counted_at = citizen
        .get(&format!(
            "{base}/checkpoints/{}",
            tally.value.checkpoint.size
        ))
        .expect_text(200)
        .to_owned();
    assert_eq!(
        SignedCheckpoint::parse(&counted_at)
            .unwrap()
            .checkpoint()
            .root,
        tally.value.checkpoint.root.0
    );
    citizen
        .get(&format!("{base}/checkpoints/{}", entries.len() + 10))
        .assert_error(404, "not_found");

    // The pre-close checkpoint is a prefix of the final log.
    let (old, new) = (before_close.checkpoint(), final_checkpoint.checkpoint());
    let proof = citizen
        .get(&format!(
            "{base}/proofs/consistency?old={}&new={}",
            old.size, new.size
        ))
        .expect_json(200);
    let proof: Vec<[u8; 32]> = proof["proof"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            hex::decode(h.as_str().unwrap())
                .unwrap()
                .try_into()
                .unwrap()
        })
        .collect();
    verify_consistency(
        &Blake3Hasher,
        old.size,
        new.size,
        &old.root,
        &new.root,
        &proof,
    )
    .unwrap();
    // Receipts now carry the opening, and still verify.
    let view = citizen
        .get(&format!("{base}/receipts/{}", last.id()))
        .expect_json(200);
    assert_eq!(view["opening"], json!(last.opening));
    let inclusion = citizen
        .get(&format!(
            "{base}/proofs/inclusion?index={}&size={}",
            last_receipt.leaf_index, new.size
        ))
        .expect_json(200);
    assert_eq!(inclusion["index"], last_receipt.leaf_index);
    citizen
        .get(&format!("{base}/proofs/inclusion?index=x&size=1"))
        .assert_error(400, "bad_query");

    // Pabulib export of the counted ballots.
    let exported = citizen.get(&format!("{base}/export.pb"));
    let election = pabulib::parse(exported.expect_text(200)).unwrap();
    assert_eq!(election.voters.len(), 5);
    assert_eq!(election.projects.len(), 4);

    // Implementation of a selected project: in progress with progress, then done.
    assert_eq!(phase("implementation")["phase"], "Implementation");
    let chosen = tally.value.selected[0];
    let implementation = format!("{base}/proposals/{chosen}/implementation");
    let step = admin
        .post_json(
            &implementation,
            &json!({ "status": "in_progress", "progress": 40, "note": "foundations" }),
        )
        .expect_json(200);
    assert_eq!(step["status"], "InProgress");
    assert_eq!(step["progress"]["percent"], 40);
    admin
        .post_json(&implementation, &json!({ "status": "done" }))
        .expect_json(200);
    admin
        .post_json(&implementation, &json!({ "status": "in_progress" }))
        .assert_error(409, "invalid_status_change");
    admin
        .post_json(&implementation, &json!({}))
        .assert_error(400, "invalid_input");
    let done = citizen
        .get(&format!("{base}/proposals?status=done"))
        .expect_json(200);
    assert_eq!(id_of(&done[0]), chosen);
}

#[test]
fn errors_are_json_and_name_what_is_wrong() {
    let node = TestNode::start(|_| {});
    let admin = node.admin();
    let citizen = node.client();
    citizen
        .get("/api/v1/processes/no-such-process")
        .assert_error(404, "process_not_found");
    citizen
        .get(&format!("/api/v1/processes/{}/log", "ab".repeat(32)))
        .assert_error(404, "process_not_found");
    citizen
        .post_empty("/api/v1/processes/x/codes")
        .assert_error(401, "unauthorized");
    admin
        .post_json("/api/v1/processes", &json!({ "slug": "x" }))
        .assert_error(400, "bad_json");
    let mut bad = process_draft("Bad Slug");
    bad["budget"]["minor_units"] = json!(100);
    admin
        .post_json("/api/v1/processes", &bad)
        .assert_error(400, "invalid_input");
    admin
        .post_json("/api/v1/processes", &process_draft("p"))
        .expect_json(201);
    admin
        .post_empty("/api/v1/processes/p/open")
        .expect_json(200);
    citizen
        .get("/api/v1/processes/p/receipts/zz")
        .assert_error(400, "invalid_id");
    citizen
        .get(&format!("/api/v1/processes/p/receipts/{}", "00".repeat(32)))
        .assert_error(404, "receipt_not_found");
    citizen
        .get("/api/v1/processes/p/log?start=-1")
        .assert_error(400, "bad_query");
    // Ballots outside the voting phase are refused, never written.
    let early = Voter::random().approve(
        citizen.get("/api/v1/processes/p").json()["id"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap(),
        "north",
        &[],
    );
    citizen
        .post_json("/api/v1/processes/p/ballots", &early.body())
        .assert_error(409, "wrong_phase");
}

#[test]
fn a_growing_log_is_checkpointed_by_the_timer() {
    let node = TestNode::start(|c| c.checkpoint.interval_secs = 1);
    let (admin, citizen) = (node.admin(), node.client());
    admin
        .post_json("/api/v1/processes", &process_draft("p"))
        .expect_json(201);
    admin
        .post_empty("/api/v1/processes/p/open")
        .expect_json(200);
    let opened = latest_checkpoint(&citizen, "/api/v1/processes/p");
    citizen
        .post_json(
            "/api/v1/processes/p/proposals",
            &proposal("Trees", 30_000, "north", "greenery"),
        )
        .expect_json(201);
    let size = citizen.get("/api/v1/processes/p").expect_json(200)["log_size"]
        .as_u64()
        .unwrap();
    assert!(size > opened.checkpoint().size);
    // A proposal signs no checkpoint itself: only the timer can cover it.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let latest = latest_checkpoint(&citizen, "/api/v1/processes/p");
        if latest.checkpoint().size == size {
            latest
                .verify_log_signature(&[vkey_of(&citizen, "/api/v1/processes/p")])
                .unwrap();
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no checkpoint of size {size}"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

fn vkey_of(client: &Client, base: &str) -> VerifierKey {
    let key = client.get(&format!("{base}/log-key")).expect_json(200);
    VerifierKey::parse(key["vkey"].as_str().unwrap()).unwrap()
}

/// Acknowledged ballots survive a stop and start: the stop drains the
/// ballot writer and flushes, and the restarted node serves the same log.
#[test]
fn acknowledged_ballots_survive_a_restart() {
    let mut node = TestNode::start(|_| {});
    let v = to_voting(&node.admin(), &node.client(), "p", 8);
    let vkey = vkey_of(&node.client(), &v.base);
    // Cast from several threads at once, as many voters would.
    let receipts: Vec<Receipt> = std::thread::scope(|scope| {
        let workers: Vec<_> = v
            .voters
            .iter()
            .enumerate()
            .map(|(i, voter)| {
                let (client, v, vkey) = (node.client(), &v, &vkey);
                scope.spawn(move || {
                    let projects = if i.is_multiple_of(2) {
                        &v.north[..1]
                    } else {
                        &v.south[..]
                    };
                    let ballot = voter.approve(v.id, Voting::district(i), projects);
                    cast(&client, &v.base, vkey, &ballot)
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let size = node.client().get(&v.base).expect_json(200)["log_size"].clone();
    let entries = fetch_log(&node.client(), &v.base);

    node.restart(|_| {});
    let client = node.client();
    assert_eq!(client.get(&v.base).expect_json(200)["log_size"], size);
    assert_eq!(fetch_log(&client, &v.base), entries);
    for receipt in &receipts {
        let view = client
            .get(&format!(
                "{}/receipts/{}",
                v.base,
                receipt.commitment.id().unwrap()
            ))
            .expect_json(200);
        assert_eq!(view["leaf_index"], receipt.leaf_index);
    }
    // Voting goes on after the restart.
    let again = v.voters[0].approve(v.id, "north", &v.north[1..2]);
    cast(&client, &v.base, &vkey, &again);
}

/// Ballots per second over HTTP: `PBNODE_BENCH_VOTERS` voters (default
/// 2000) cast from 16 client threads, each ballot acknowledged only once
/// durable. Run with `cargo test -p pbnode-tests --test integration
/// http_ballot_throughput -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement, not a check"]
fn http_ballot_throughput() {
    let voters: usize = std::env::var("PBNODE_BENCH_VOTERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let node = TestNode::start(|_| {});
    let started = std::time::Instant::now();
    let v = to_voting(&node.admin(), &node.client(), "bench", voters);
    println!("{voters} voters registered in {:?}", started.elapsed());
    let ballots: Vec<SealedBallot> = v
        .voters
        .iter()
        .enumerate()
        .map(|(i, voter)| {
            let projects = if i.is_multiple_of(2) {
                &v.north[..2]
            } else {
                &v.south[..]
            };
            voter.approve(v.id, Voting::district(i), projects)
        })
        .collect();
    let threads = 16;
    let started = std::time::Instant::now();
    std::thread::scope(|scope| {
        for part in ballots.chunks(voters.div_ceil(threads)) {
            let (client, base) = (node.client(), &v.base);
            scope.spawn(move || {
                for ballot in part {
                    client
                        .post_json(&format!("{base}/ballots"), &ballot.body())
                        .expect_json(201);
                }
            });
        }
    });
    let elapsed = started.elapsed();
    let stats = node.running().context.ingest.stats();
    println!(
        "{voters} ballots over HTTP from {threads} threads in {elapsed:?}: {:.0} ballots/s; \
         writer: {} batches, largest {}",
        voters as f64 / elapsed.as_secs_f64(),
        stats.batches,
        stats.largest_batch
    );
    assert_eq!(stats.accepted, voters as u64);
}
