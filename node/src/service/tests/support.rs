//! A node with a manual clock, a process definition, voters and ballots.

use crate::service::{
    BallotSubmission, CheckpointPolicy, ManualClock, Node, NodeIdentity, ProposalSubmission, Review,
};
use crate::store::{KvStore, MemoryStore, SledStore};
use pbnode_protocol::ballot::{BallotCommitment, BallotOpening, Nonce};
use pbnode_protocol::crypto::{Signable, SigningKey};
use pbnode_protocol::ids::Id;
use pbnode_protocol::objects::{
    Author, Ballot, BallotFormat, Choice, District, Eligibility, LocalizedText, Money, Phase,
    PhaseSchedule, ProcessDef, ProcessId, ProposalId, RuleRef, WitnessPolicy,
};
use std::collections::BTreeMap;
use std::sync::Arc;

pub const SEED: [u8; 32] = [42; 32];

pub fn identity() -> NodeIdentity {
    NodeIdentity {
        slug: "gdansk".into(),
        name: "Gdańsk".into(),
        parent: None,
    }
}

/// The two store engines every service test runs against.
pub fn memory() -> Arc<dyn KvStore> {
    Arc::new(MemoryStore::new())
}

pub fn sled(dir: &tempfile::TempDir) -> Arc<dyn KvStore> {
    Arc::new(SledStore::open(dir.path()).unwrap())
}

pub fn node_on(store: Arc<dyn KvStore>, policy: CheckpointPolicy) -> (Arc<Node>, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(1_800_000_000));
    let node = Node::open(store, &SEED, identity(), policy, clock.clone()).unwrap();
    (Arc::new(node), clock)
}

pub fn def(slug: &str) -> ProcessDef {
    ProcessDef {
        slug: slug.into(),
        owner: Id::from_bytes([0; 32]),
        texts: vec![LocalizedText {
            lang: "en".into(),
            title: "Budget 2027".into(),
            description: "What should the city build?".into(),
        }],
        budget: Money {
            minor_units: 100_000,
            currency: "EUR".into(),
        },
        districts: vec![
            District {
                id: "north".into(),
                name: "North".into(),
                budget: None,
            },
            District {
                id: "south".into(),
                name: "South".into(),
                budget: None,
            },
        ],
        schedule: PhaseSchedule {
            proposals: 0,
            review: 0,
            voting: 0,
            closed: 0,
            implementation: 0,
        },
        ballot_format: BallotFormat::Approval {
            min: 1,
            max: 3,
            budget_cap: true,
        },
        rule: RuleRef {
            name: "greedy".into(),
            version: "1".into(),
        },
        eligibility: Eligibility {
            census: "census 2027-01".into(),
        },
        witnesses: WitnessPolicy {
            witnesses: Vec::new(),
            threshold: 0,
        },
        members: Vec::new(),
    }
}

pub fn submission(title: &str, cost: u64, district: &str) -> ProposalSubmission {
    ProposalSubmission {
        title: title.into(),
        description: format!("{title}: a longer description"),
        cost,
        district: district.into(),
        category: if cost > 40_000 {
            "transport"
        } else {
            "greenery"
        }
        .into(),
        authors: vec![Author {
            name: "Ala".into(),
            jurisdiction: Id::from_bytes([1; 32]),
        }],
    }
}

/// A process in the voting phase with three accepted projects in the north
/// and one in the south, one rejected, and registered voters.
pub struct Voting {
    pub id: ProcessId,
    /// Accepted projects of the north, sorted by id.
    pub north: Vec<ProposalId>,
    pub south: Vec<ProposalId>,
    pub rejected: ProposalId,
    /// One-time codes by voter reference, with the district.
    pub codes: BTreeMap<String, (String, String)>,
}

/// Parses the code CSV `voter_ref,district,code`.
pub fn parse_codes(csv: &str) -> BTreeMap<String, (String, String)> {
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("voter_ref,district,code"));
    lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].to_string(), (f[1].to_string(), f[2].to_string()))
        })
        .collect()
}

/// Drives a process from draft to voting with `voters` census rows
/// (`v0..`, even in the north, odd in the south) and codes issued.
pub fn to_voting(node: &Node, slug: &str, voters: usize) -> Voting {
    node.create_process(def(slug)).unwrap();
    let id = node.open_process(slug).unwrap().id.unwrap();
    let mut north: Vec<_> = [
        ("Trees", 30_000),
        ("Bike lane", 50_000),
        ("Benches", 10_000),
    ]
    .iter()
    .map(|(t, c)| {
        node.submit_proposal(&id, submission(t, *c, "north"))
            .unwrap()
            .id
    })
    .collect();
    let south = node
        .submit_proposal(&id, submission("Library", 60_000, "south"))
        .unwrap()
        .id;
    let rejected = node
        .submit_proposal(&id, submission("Statue", 20_000, "south"))
        .unwrap()
        .id;
    node.advance_phase(&id, Phase::Review).unwrap();
    for p in &north {
        let cost = node.proposal(&id, p).unwrap().proposal.cost;
        node.review_proposal(&id, p, Review::Accept { cost })
            .unwrap();
    }
    node.review_proposal(&id, &south, Review::Accept { cost: 60_000 })
        .unwrap();
    node.review_proposal(
        &id,
        &rejected,
        Review::Reject {
            reason: "not city land".into(),
        },
    )
    .unwrap();
    let csv: String = (0..voters)
        .map(|i| format!("v{i},{}\n", if i % 2 == 0 { "north" } else { "south" }))
        .collect();
    let report = node
        .import_census(&id, &format!("voter_ref,district\n{csv}"))
        .unwrap();
    assert_eq!(report.imported, voters);
    let codes = parse_codes(&node.issue_codes(&id).unwrap());
    node.advance_phase(&id, Phase::Voting).unwrap();
    north.sort();
    Voting {
        id,
        north,
        south: vec![south],
        rejected,
        codes,
    }
}

pub fn voter_key(i: u32) -> SigningKey {
    let mut seed = [7u8; 32];
    seed[..4].copy_from_slice(&i.to_be_bytes());
    SigningKey::from_seed(&seed)
}

/// Registers voter `v<i>` with its code and key `voter_key(i)`.
pub fn register(node: &Node, v: &Voting, i: u32) -> SigningKey {
    let key = voter_key(i);
    let code = &v.codes[&format!("v{i}")].1;
    node.register_voter(&v.id, code, key.public_key()).unwrap();
    key
}

/// A ballot approving `projects`, committed with a fresh nonce and signed.
pub fn ballot(
    process: ProcessId,
    key: &SigningKey,
    district: &str,
    projects: &[ProposalId],
) -> BallotSubmission {
    let mut choices: Vec<Choice> = projects
        .iter()
        .map(|p| Choice {
            project: *p,
            points: 1,
        })
        .collect();
    choices.sort_by_key(|c| c.project);
    let ballot = Ballot {
        process,
        district: district.into(),
        voter: key.public_key(),
        choices,
    };
    let mut nonce = [0u8; 32];
    getrandom::fill(&mut nonce).unwrap();
    let nonce = Nonce(nonce);
    let commitment = BallotCommitment::new(&ballot, &nonce).unwrap();
    BallotSubmission {
        process,
        signed: commitment.sign(key).unwrap(),
        opening: BallotOpening { ballot, nonce },
    }
}
