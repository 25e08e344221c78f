//! A process brought to the voting phase over HTTP, for tests that start
//! there (ballots, crashes, verification).

use crate::client::Client;
use crate::fixtures::{process_draft, proposal};
use crate::voter::Voter;
use pbnode_protocol::objects::{ProcessId, ProposalId};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// A process in the voting phase with registered voters.
#[derive(Debug)]
pub struct Voting {
    /// The process id.
    pub id: ProcessId,
    /// `/api/v1/processes/<id hex>`.
    pub base: String,
    /// Accepted projects of the north: trees (30 000), bike lane (50 000),
    /// benches (10 000).
    pub north: Vec<ProposalId>,
    /// Accepted project of the south: library (60 000).
    pub south: Vec<ProposalId>,
    /// Voter `i` lives in the north when `i` is even, else in the south.
    pub voters: Vec<Voter>,
}

impl Voting {
    /// The district of voter `i`.
    pub fn district(i: usize) -> &'static str {
        if i.is_multiple_of(2) {
            "north"
        } else {
            "south"
        }
    }
}

fn id_of(record: &Value) -> ProposalId {
    record["id"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no id in {record}"))
}

/// Creates and opens process `slug`, submits and accepts four proposals,
/// imports `voters` census rows with codes, opens voting and registers
/// [`Voter::numbered`] keys `0..voters` (`admin` holds the token).
pub fn to_voting(admin: &Client, citizen: &Client, slug: &str, voters: usize) -> Voting {
    admin
        .post_json("/api/v1/processes", &process_draft(slug))
        .expect_json(201);
    let opened = admin
        .post_empty(&format!("/api/v1/processes/{slug}/open"))
        .expect_json(200);
    let id: ProcessId = opened["id"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no id in {opened}"));
    let base = format!("/api/v1/processes/{id}");
    let submit = |title: &str, cost: u64, district: &str| {
        let body = proposal(title, cost, district, "greenery");
        id_of(
            &citizen
                .post_json(&format!("{base}/proposals"), &body)
                .expect_json(201),
        )
    };
    let north = vec![
        submit("Trees", 30_000, "north"),
        submit("Bike lane", 50_000, "north"),
        submit("Benches", 10_000, "north"),
    ];
    let south = vec![submit("Library", 60_000, "south")];
    let phase = |to: &str| {
        admin
            .post_json(&format!("{base}/phase"), &json!({ "phase": to }))
            .expect_json(200);
    };
    phase("review");
    for (p, cost) in north
        .iter()
        .zip([30_000, 50_000, 10_000])
        .chain(south.iter().zip([60_000]))
    {
        admin
            .post_json(
                &format!("{base}/proposals/{p}/review"),
                &json!({ "decision": "accept", "cost": cost }),
            )
            .expect_json(200);
    }
    let csv: String = (0..voters)
        .map(|i| format!("v{i},{}\n", Voting::district(i)))
        .collect();
    let report = admin
        .post_raw(&format!("{base}/census"), "text/csv", csv.as_bytes())
        .expect_json(200);
    assert_eq!(report["imported"], voters, "{report}");
    let codes: BTreeMap<String, String> = admin
        .post_empty(&format!("{base}/codes"))
        .expect_text(200)
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].to_owned(), f[2].to_owned())
        })
        .collect();
    phase("voting");
    let voters: Vec<Voter> = (0..voters)
        .map(|i| {
            let voter = Voter::numbered(i as u32);
            citizen
                .post_json(
                    &format!("{base}/voters"),
                    &voter.registration(&codes[&format!("v{i}")]),
                )
                .expect_json(201);
            voter
        })
        .collect();
    Voting {
        id,
        base,
        north,
        south,
        voters,
    }
}
