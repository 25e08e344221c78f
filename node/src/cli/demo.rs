//! `pbnode demo`: fills a running node with a demonstration process through
//! its public HTTP API, exactly as a municipality and its residents would:
//! the admin creates and opens a process, residents submit proposals, the
//! admin accepts them with costs, imports a census and issues codes; voters
//! make keys on their "devices", register with their codes and cast signed,
//! committed ballots; optionally the admin closes the process (tally).
//!
//! It exists for `scripts/devnet.sh` and for anyone trying pbnode out; it is
//! an API client, so it also exercises the API end to end.

use anyhow::{Context, anyhow, bail};
use pbnode_protocol::ballot::{BallotCommitment, BallotOpening, Nonce};
use pbnode_protocol::crypto::{Signable, SigningKey};
use pbnode_protocol::objects::{Ballot, Choice, ProcessId, ProposalId};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Arguments of `pbnode demo`.
#[derive(Debug, Clone, clap::Args)]
pub struct DemoArgs {
    /// The node's URL (`http://127.0.0.1:8080`).
    #[arg(long, value_name = "URL")]
    pub node: String,
    /// The file holding the node's admin token (`DIR/admin-token`).
    #[arg(long, value_name = "FILE")]
    pub token_file: PathBuf,
    /// The new process's slug.
    #[arg(long, default_value = "demo-2027")]
    pub slug: String,
    /// How many residents vote.
    #[arg(long, default_value_t = 40)]
    pub voters: u32,
    /// Close voting at the end (the node tallies and publishes results).
    #[arg(long)]
    pub close: bool,
    /// Make a regional process for these member jurisdictions (comma-
    /// separated ids, from each member's `GET /api/v1/node`), run on a
    /// region's node: proposals and review here, then voting, where the
    /// members collect the ballots.
    #[arg(
        long,
        value_name = "IDS",
        value_delimiter = ',',
        conflicts_with = "vote_in"
    )]
    pub regional_members: Vec<String>,
    /// Only vote: import a census, issue codes, register voters and cast
    /// ballots in this existing process (in its voting phase), e.g. a
    /// regional process this member node adopted.
    #[arg(long, value_name = "PROCESS")]
    pub vote_in: Option<String>,
}

/// A blocking client of the node's API for one caller (admin or citizen).
struct Api {
    root: String,
    agent: ureq::Agent,
    token: Option<String>,
}

impl Api {
    fn new(node: &str, token: Option<String>) -> Api {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        Api {
            root: format!("{}/api/v1", node.trim_end_matches('/')),
            agent,
            token,
        }
    }

    /// POSTs `body` (`content_type`) and returns the answer text; any status
    /// other than `expect` is an error naming the API's message.
    fn post(
        &self,
        path: &str,
        content_type: &str,
        body: &[u8],
        expect: u16,
    ) -> anyhow::Result<String> {
        let url = format!("{}{path}", self.root);
        // Citizen endpoints are rate limited per client, and the demo is one
        // client speaking for many residents: wait and retry on 429.
        for _ in 0..200 {
            let mut request = self.agent.post(&url).header("Content-Type", content_type);
            if let Some(token) = &self.token {
                request = request.header("Authorization", format!("Bearer {token}"));
            }
            let mut response = request.send(body).with_context(|| format!("POST {url}"))?;
            let status = response.status().as_u16();
            let text = response
                .body_mut()
                .read_to_string()
                .with_context(|| format!("POST {url}: reading the answer"))?;
            if status == 429 {
                std::thread::sleep(Duration::from_millis(100));
                continue;
            }
            if status != expect {
                bail!("POST {url}: the node answered {status}: {text}");
            }
            return Ok(text);
        }
        bail!("POST {url}: still rate limited after 20 s")
    }

    fn post_json(&self, path: &str, body: &Value, expect: u16) -> anyhow::Result<Value> {
        let text = self.post(
            path,
            "application/json",
            body.to_string().as_bytes(),
            expect,
        )?;
        serde_json::from_str(&text).with_context(|| format!("POST {path}: not JSON: {text}"))
    }
}

/// The demo projects: title, cost, district, category.
const PROJECTS: &[(&str, u64, &str, &str)] = &[
    ("Trees along the river walk", 30_000, "north", "greenery"),
    (
        "Protected bike lane on Main Street",
        55_000,
        "north",
        "mobility",
    ),
    (
        "Benches and shade in the market square",
        12_000,
        "north",
        "public space",
    ),
    ("Neighbourhood library corner", 40_000, "south", "culture"),
    ("Playground renovation", 35_000, "south", "children"),
    ("Community garden", 18_000, "south", "greenery"),
];

fn draft(slug: &str, members: &[String]) -> Value {
    // A definition lists its members sorted (hex order is byte order).
    let mut members: Vec<String> = members.iter().map(|m| m.to_ascii_lowercase()).collect();
    members.sort();
    members.dedup();
    json!({
        "slug": slug,
        "texts": [{
            "lang": "en",
            "title": "Participatory budget 2027",
            "description": "Residents propose and choose what the city builds next year."
        }],
        "budget": { "minor_units": 100_000, "currency": "EUR" },
        "districts": [
            { "id": "north", "name": "North", "budget": null },
            { "id": "south", "name": "South", "budget": null }
        ],
        "schedule": { "proposals": 0, "review": 0, "voting": 0, "closed": 0, "implementation": 0 },
        "ballot_format": { "Approval": { "min": 1, "max": 3, "budget_cap": true } },
        "rule": { "name": "mes", "version": "1" },
        "eligibility": { "census": "demo census" },
        "witnesses": { "witnesses": [], "threshold": 0 },
        "members": members
    })
}

fn random_seed() -> anyhow::Result<[u8; 32]> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| anyhow!("randomness: {e}"))?;
    Ok(seed)
}

/// A voter's ballot: approve up to three projects of its district, chosen
/// from the voter's key so runs differ but each voter is consistent.
fn sealed_ballot(
    key: &SigningKey,
    process: ProcessId,
    district: &str,
    projects: &[ProposalId],
) -> anyhow::Result<Value> {
    let pick = key.public_key().as_bytes()[0] as usize;
    let mut choices: Vec<Choice> = projects
        .iter()
        .enumerate()
        .filter(|(i, _)| (pick >> i) & 1 == 1 || projects.len() == 1)
        .take(3)
        .map(|(_, p)| Choice {
            project: *p,
            points: 1,
        })
        .collect();
    if choices.is_empty() {
        choices.push(Choice {
            project: projects[pick % projects.len()],
            points: 1,
        });
    }
    choices.sort_by_key(|c| c.project);
    let ballot = Ballot {
        process,
        district: district.to_owned(),
        voter: key.public_key(),
        choices,
    };
    let nonce = Nonce(random_seed()?);
    let commitment = BallotCommitment::new(&ballot, &nonce)
        .and_then(|c| c.sign(key))
        .map_err(|e| anyhow!("sealing a ballot: {e}"))?;
    let opening = BallotOpening { ballot, nonce };
    Ok(json!({ "commitment": commitment, "opening": opening }))
}

/// Runs the demonstration; returns the process id.
pub fn run(args: &DemoArgs) -> anyhow::Result<ProcessId> {
    let token = std::fs::read_to_string(&args.token_file)
        .with_context(|| format!("reading {}", args.token_file.display()))?
        .trim()
        .to_owned();
    let admin = Api::new(&args.node, Some(token));
    let citizen = Api::new(&args.node, None);
    if let Some(process) = &args.vote_in {
        let id: ProcessId = process
            .parse()
            .map_err(|_| anyhow!("--vote-in {process:?}: expected a 64-digit process id"))?;
        let by_district = accepted_projects(&args.node, &id)?;
        vote(&admin, &citizen, id, &by_district, args.voters, false)?;
        if args.close {
            admin.post_json(
                &format!("/processes/{id}/phase"),
                &json!({ "phase": "closed" }),
                200,
            )?;
        }
        return Ok(id);
    }
    let regional = !args.regional_members.is_empty();
    admin.post_json(
        "/processes",
        &draft(&args.slug, &args.regional_members),
        201,
    )?;
    let opened = admin.post(
        &format!("/processes/{}/open", args.slug),
        "application/json",
        b"",
        200,
    )?;
    let opened: Value = serde_json::from_str(&opened)?;
    let id: ProcessId = opened["id"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| anyhow!("no process id in {opened}"))?;
    let base = format!("/processes/{id}");
    let mut by_district: BTreeMap<String, Vec<ProposalId>> = BTreeMap::new();
    let mut costs = Vec::new();
    for (title, cost, district, category) in PROJECTS {
        let body = json!({
            "title": title,
            "description": format!("{title}: proposed by residents of the {district}."),
            "cost": cost,
            "district": district,
            "category": category,
            "authors": [{ "name": "Demo resident", "jurisdiction": "00".repeat(32) }]
        });
        let record = citizen.post_json(&format!("{base}/proposals"), &body, 201)?;
        let pid: ProposalId = record["id"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| anyhow!("no proposal id in {record}"))?;
        by_district
            .entry((*district).to_owned())
            .or_default()
            .push(pid);
        costs.push((pid, *cost));
    }
    let phase = |to: &str| admin.post_json(&format!("{base}/phase"), &json!({ "phase": to }), 200);
    phase("review")?;
    for (pid, cost) in &costs {
        admin.post_json(
            &format!("{base}/proposals/{pid}/review"),
            &json!({ "decision": "accept", "cost": cost }),
            200,
        )?;
    }
    if regional {
        // The members collect the ballots; the region only opens voting.
        phase("voting")?;
        return Ok(id);
    }
    vote(&admin, &citizen, id, &by_district, args.voters, true)?;
    if args.close {
        phase("closed")?;
    }
    Ok(id)
}

/// The accepted projects of a process, by district, read from its API.
fn accepted_projects(
    node: &str,
    id: &ProcessId,
) -> anyhow::Result<BTreeMap<String, Vec<ProposalId>>> {
    let url = format!(
        "{}/api/v1/processes/{id}/proposals?status=accepted",
        node.trim_end_matches('/')
    );
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into();
    let text = agent
        .get(&url)
        .call()
        .with_context(|| format!("GET {url}"))?
        .body_mut()
        .read_to_string()
        .with_context(|| format!("GET {url}"))?;
    let list: Value = serde_json::from_str(&text)?;
    let records = list
        .as_array()
        .or_else(|| list["proposals"].as_array())
        .ok_or_else(|| anyhow!("GET {url}: not a proposal list: {text}"))?;
    let mut by_district: BTreeMap<String, Vec<ProposalId>> = BTreeMap::new();
    for record in records {
        let id = record["id"].as_str().and_then(|s| s.parse().ok());
        let district = record["proposal"]["district"].as_str();
        if let (Some(id), Some(district)) = (id, district) {
            by_district.entry(district.to_owned()).or_default().push(id);
        }
    }
    if by_district.is_empty() {
        bail!("process {id} has no accepted projects");
    }
    Ok(by_district)
}

/// Imports a census of `voters` residents, issues their codes, opens
/// voting if `open_voting` (a regional process is already in voting), and
/// has each resident register a fresh key and cast a ballot.
fn vote(
    admin: &Api,
    citizen: &Api,
    id: ProcessId,
    by_district: &BTreeMap<String, Vec<ProposalId>>,
    voters: u32,
    open_voting: bool,
) -> anyhow::Result<()> {
    let base = format!("/processes/{id}");
    let districts: Vec<&String> = by_district.keys().collect();
    let csv: String = (0..voters)
        .map(|i| format!("resident-{i},{}\n", districts[i as usize % districts.len()]))
        .collect();
    admin.post(&format!("{base}/census"), "text/csv", csv.as_bytes(), 200)?;
    let codes_csv = admin.post(&format!("{base}/codes"), "application/json", b"", 200)?;
    let codes: BTreeMap<String, String> = codes_csv
        .lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            Some((f.first()?.to_string(), f.get(2)?.to_string()))
        })
        .collect();
    if open_voting {
        admin.post_json(&format!("{base}/phase"), &json!({ "phase": "voting" }), 200)?;
    }
    for i in 0..voters {
        let district = districts[i as usize % districts.len()];
        let code = codes
            .get(&format!("resident-{i}"))
            .ok_or_else(|| anyhow!("no code issued for resident-{i}"))?;
        let key = SigningKey::from_seed(&random_seed()?);
        citizen.post_json(
            &format!("{base}/voters"),
            &json!({ "code": code, "voter_key": hex::encode(key.public_key().as_bytes()) }),
            201,
        )?;
        let ballot = sealed_ballot(&key, id, district, &by_district[district])?;
        citizen.post_json(&format!("{base}/ballots"), &ballot, 201)?;
    }
    Ok(())
}

/// Runs `pbnode demo`, printing the process id.
pub fn main(args: &DemoArgs) -> ExitCode {
    match run(args) {
        Ok(id) => {
            println!("{id}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("pbnode demo: {e:#}");
            ExitCode::FAILURE
        }
    }
}
