//! The process definition and proposals the benchmark uses.

use pbnode::service::ProposalSubmission;
use pbnode_protocol::ids::Id;
use pbnode_protocol::objects::{
    Author, BallotFormat, District, Eligibility, JurisdictionId, LocalizedText, Money,
    PhaseSchedule, ProcessDef, RuleRef, WitnessPolicy,
};

/// An approval process (1 to 3 projects, within the budget) of one
/// district, without witnesses; `members` makes it a regional process.
pub fn def(slug: &str, members: Vec<JurisdictionId>) -> ProcessDef {
    ProcessDef {
        slug: slug.into(),
        owner: Id::from_bytes([0; 32]),
        texts: vec![LocalizedText {
            lang: "en".into(),
            title: "Budget 2027".into(),
            description: "What should we build?".into(),
        }],
        budget: Money {
            minor_units: 100_000,
            currency: "EUR".into(),
        },
        districts: vec![District {
            id: "north".into(),
            name: "North".into(),
            budget: None,
        }],
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
        members,
    }
}

/// Proposal number `i` (a distinct title, a realistic description).
pub fn proposal(i: u64, cost: u64) -> ProposalSubmission {
    ProposalSubmission {
        title: format!("Project {i}"),
        description: format!("Project {i}: trees, benches and a path along the river"),
        cost,
        district: "north".into(),
        category: "greenery".into(),
        authors: vec![Author {
            name: "Ala".into(),
            jurisdiction: Id::from_bytes([1; 32]),
        }],
    }
}
