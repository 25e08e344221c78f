//! Fixed sample objects: the golden vectors and the ballot tests use them.

use pbnode_protocol::ballot::{BallotCommitment, BallotOpening, Nonce, WithheldOpeningProof};
use pbnode_protocol::crypto::{Signable, SigningKey};
use pbnode_protocol::ids::Digest;
use pbnode_protocol::objects::*;

/// The test key of the golden vectors: seed `[1u8; 32]`.
pub fn test_key() -> SigningKey {
    SigningKey::from_seed(&[1u8; 32])
}

/// Another key, for voters and witnesses.
pub fn key(seed: u8) -> SigningKey {
    SigningKey::from_seed(&[seed; 32])
}

pub fn jurisdiction() -> Jurisdiction {
    Jurisdiction {
        name: "Gdańsk".into(),
        key: test_key().public_key(),
        parent: Some(region().id().unwrap()),
    }
}

pub fn region() -> Jurisdiction {
    Jurisdiction {
        name: "Pomorskie".into(),
        key: key(9).public_key(),
        parent: None,
    }
}

pub const VOTING_OPENS: u64 = 1_800_000_000;
pub const VOTING_CLOSES: u64 = 1_801_000_000;

fn witnesses(seeds: &[u8]) -> Vec<Witness> {
    let mut witnesses: Vec<Witness> = seeds
        .iter()
        .map(|s| Witness {
            name: format!("witness-{s}.pbnode.example"),
            key: key(*s).public_key(),
        })
        .collect();
    witnesses.sort_by_key(|w| w.key);
    witnesses
}

pub fn process_with(format: BallotFormat) -> ProcessDef {
    ProcessDef {
        slug: "budget-2027".into(),
        owner: jurisdiction().id().unwrap(),
        texts: vec![
            LocalizedText {
                lang: "en".into(),
                title: "Civic budget 2027".into(),
                description: "Propose and choose projects.".into(),
            },
            LocalizedText {
                lang: "pl".into(),
                title: "Budżet obywatelski 2027".into(),
                description: "Zgłoś i wybierz projekty.".into(),
            },
        ],
        budget: Money {
            minor_units: 100_000_000,
            currency: "PLN".into(),
        },
        districts: vec![
            District {
                id: "north".into(),
                name: "Północ".into(),
                budget: Some(60_000_000),
            },
            District {
                id: "south".into(),
                name: "Południe".into(),
                budget: None,
            },
        ],
        schedule: PhaseSchedule {
            proposals: VOTING_OPENS - 3_000_000,
            review: VOTING_OPENS - 1_000_000,
            voting: VOTING_OPENS,
            closed: VOTING_CLOSES,
            implementation: VOTING_CLOSES + 1_000_000,
        },
        ballot_format: format,
        rule: RuleRef {
            name: "greedy".into(),
            version: "1".into(),
        },
        eligibility: Eligibility {
            census: "gdansk-census-2026-10-01".into(),
        },
        witnesses: WitnessPolicy {
            witnesses: witnesses(&[2, 3, 4]),
            threshold: 2,
        },
        members: vec![],
    }
}

pub fn process() -> ProcessDef {
    process_with(BallotFormat::Approval {
        min: 1,
        max: 3,
        budget_cap: true,
    })
}

pub fn process_id() -> ProcessId {
    process().id().unwrap()
}

pub fn proposal(title: &str, cost: u64, district: &str) -> Proposal {
    Proposal {
        process: process_id(),
        title: title.into(),
        description: format!("{title}: details"),
        cost,
        district: district.into(),
        category: "greenery".into(),
        authors: vec![
            Author {
                name: "Anna".into(),
                jurisdiction: jurisdiction().id().unwrap(),
            },
            Author {
                name: "Jonas".into(),
                jurisdiction: region().id().unwrap(),
            },
        ],
    }
}

pub fn phase_change() -> PhaseChange {
    PhaseChange {
        process: process_id(),
        phase: Phase::Voting,
        at: VOTING_OPENS,
    }
}

pub fn status_change() -> ProposalStatusChange {
    ProposalStatusChange {
        proposal: proposal("Trees", 1_000_000, "north").id().unwrap(),
        change: StatusChange {
            status: ProposalStatus::Rejected,
            at: VOTING_OPENS - 500_000,
            reason: "not on city land".into(),
        },
    }
}

pub fn voter() -> SigningKey {
    key(7)
}

pub fn credential() -> VoterCredential {
    VoterCredential::V1 {
        process: process_id(),
        district: "north".into(),
        voter: voter().public_key(),
        issued_at: VOTING_OPENS + 60,
    }
}

pub fn ballot() -> Ballot {
    let mut projects = [
        proposal("Trees", 1_000_000, "north").id().unwrap(),
        proposal("Bike lane", 5_000_000, "north").id().unwrap(),
    ];
    projects.sort();
    Ballot {
        process: process_id(),
        district: "north".into(),
        voter: voter().public_key(),
        choices: projects
            .iter()
            .map(|p| Choice {
                project: *p,
                points: 1,
            })
            .collect(),
    }
}

pub fn nonce() -> Nonce {
    Nonce([0x42; 32])
}

pub fn opening() -> BallotOpening {
    BallotOpening {
        ballot: ballot(),
        nonce: nonce(),
    }
}

pub fn commitment() -> BallotCommitment {
    BallotCommitment::new(&ballot(), &nonce()).unwrap()
}

pub fn withheld_proof() -> WithheldOpeningProof {
    WithheldOpeningProof {
        commitment: commitment().sign(&voter()).unwrap(),
        opening: opening(),
    }
}

pub fn ballot_opened() -> BallotOpened {
    BallotOpened {
        commitment: commitment().id().unwrap(),
        opening: opening(),
    }
}

pub fn close() -> Close {
    Close {
        process: process_id(),
        at: VOTING_CLOSES,
    }
}

pub fn tally() -> Tally {
    let mut totals: Vec<ProjectTotal> = ballot()
        .choices
        .iter()
        .zip([412u64, 377])
        .map(|(c, total)| ProjectTotal {
            project: c.project,
            total,
        })
        .collect();
    totals.sort_by_key(|t| t.project);
    Tally {
        process: process_id(),
        checkpoint: CheckpointRef {
            size: 1_234,
            root: Digest([0x5a; 32]),
        },
        rule: process().rule,
        ballots_counted: 789,
        totals,
        selected: vec![ballot().choices[0].project],
    }
}

pub fn aggregate() -> Aggregate {
    let member = MemberTally {
        jurisdiction: jurisdiction().id().unwrap(),
        tally: tally().sign(&test_key()).unwrap(),
        checkpoint_note: "pbnode.example/gdansk/budget-2027\n1234\nWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlo=\n\n— gdansk AAAA\n".into(),
    };
    Aggregate {
        process: process_id(),
        members: vec![member],
        rule: process().rule,
        totals: tally().totals,
        selected: tally().selected,
    }
}

/// One log entry of every kind, in variant order.
pub fn log_entries() -> Vec<(&'static str, LogEntry)> {
    vec![
        (
            "process-defined",
            LogEntry::ProcessDefined(process().sign(&test_key()).unwrap()),
        ),
        ("phase-changed", LogEntry::PhaseChanged(phase_change())),
        (
            "proposal-submitted",
            LogEntry::ProposalSubmitted(proposal("Trees", 1_000_000, "north")),
        ),
        (
            "proposal-status-changed",
            LogEntry::ProposalStatusChanged(status_change()),
        ),
        (
            "credential-issued",
            LogEntry::CredentialIssued(credential().sign(&test_key()).unwrap()),
        ),
        ("voter-registered", LogEntry::VoterRegistered(credential())),
        (
            "ballot-committed",
            LogEntry::BallotCommitted(commitment().sign(&voter()).unwrap()),
        ),
        ("ballot-opened", LogEntry::BallotOpened(ballot_opened())),
        ("closed", LogEntry::Closed(close())),
        (
            "tallied",
            LogEntry::Tallied(tally().sign(&test_key()).unwrap()),
        ),
        (
            "aggregated",
            LogEntry::Aggregated(aggregate().sign(&key(9)).unwrap()),
        ),
    ]
}
