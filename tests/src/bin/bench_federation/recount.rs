//! Regional recount: a region's process collected by 20 member nodes, each
//! registering its share of the voters (census, codes, credentials) and
//! taking their ballots (signed beforehand, cast in batches through
//! `Node::cast_ballots`); after close, `aggregate_members` verifies every
//! member log and combines them. Against it: the raw cofactored batch
//! verification rate (the rule voter signatures use) on as many ballot
//! signatures, in batches of 1024, on one core.

use crate::cluster::open_node;
use crate::process;
use crate::stats::timed;
use pbnode::service::{BallotSubmission, Node, Review};
use pbnode_protocol::ballot::{BallotCommitment, BallotOpening, Nonce};
use pbnode_protocol::crypto::{
    BatchItem, PublicKey, Signable, SigningKey, verify_batch_cofactored,
};
use pbnode_protocol::objects::{Ballot, Choice, Phase, ProcessId, ProposalId};
use pbnode_protocol::recount::aggregate_members;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What the run measured.
pub struct Recount {
    /// Member nodes.
    pub members: usize,
    /// Ballots counted over all members.
    pub ballots: u64,
    /// Setting up: registering, signing and casting (not part of the figures).
    pub build: Duration,
    /// `aggregate_members` over the member logs.
    pub recount: Duration,
    /// Raw batch verification of as many signatures, keys already parsed
    /// (as ed25519-dalek's own batch benchmark does).
    pub raw: Duration,
    /// Parsing as many signer keys from their bytes (one point
    /// decompression each): what a verifier of keys it has not seen adds to
    /// `raw`, and the recount must do once per voter.
    pub key_parsing: Duration,
    /// CPU time of `recount` and `raw` on the measuring thread (both run
    /// on it alone), where Linux reports it.
    pub cpu: Option<(Duration, Duration)>,
}

/// Signature checks a batch holds.
const BATCH: usize = 1024;

fn voter_key(member: usize, i: u64) -> SigningKey {
    let mut seed = [3u8; 32];
    seed[..8].copy_from_slice(&i.to_be_bytes());
    seed[8..16].copy_from_slice(&(member as u64).to_be_bytes());
    SigningKey::from_seed(&seed)
}

/// A ballot approving a non-empty subset of `projects` (sorted by id).
fn ballot(id: ProcessId, key: &SigningKey, projects: &[ProposalId], i: u64) -> BallotSubmission {
    let mask = 1 + (i % 7) as usize;
    let choices: Vec<Choice> = projects
        .iter()
        .enumerate()
        .filter(|(n, _)| mask & (1 << n) != 0)
        .map(|(_, p)| Choice {
            project: *p,
            points: 1,
        })
        .collect();
    let ballot = Ballot {
        process: id,
        district: "north".into(),
        voter: key.public_key(),
        choices,
    };
    let mut nonce = [0u8; 32];
    getrandom::fill(&mut nonce).expect("random nonce");
    let nonce = Nonce(nonce);
    let commitment = BallotCommitment::new(&ballot, &nonce).expect("commitment");
    BallotSubmission {
        process: id,
        signed: commitment.sign(key).expect("sign ballot"),
        opening: BallotOpening { ballot, nonce },
    }
}

/// Registers `voters` voters at `member` and casts their ballots; returns
/// their signatures as batch items.
fn collect(
    member: &Node,
    index: usize,
    id: ProcessId,
    projects: &[ProposalId],
    voters: u64,
) -> Vec<BatchItem> {
    let csv: String = (0..voters).map(|i| format!("v{i},north\n")).collect();
    let report = member
        .import_census(&id, &format!("voter_ref,district\n{csv}"))
        .expect("census");
    assert_eq!(report.imported as u64, voters);
    let codes: BTreeMap<String, String> = member
        .issue_codes(&id)
        .expect("codes")
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].to_string(), f[2].to_string())
        })
        .collect();
    let mut items = Vec::with_capacity(voters as usize);
    let mut submissions = Vec::with_capacity(BATCH);
    for i in 0..voters {
        let key = voter_key(index, i);
        member
            .register_voter(&id, &codes[&format!("v{i}")], key.public_key())
            .expect("register voter");
        let submission = ballot(id, &key, projects, i);
        items.push(BatchItem::from_signed(&submission.signed).expect("batch item"));
        submissions.push(submission);
        if submissions.len() == BATCH || i + 1 == voters {
            for result in member.cast_ballots(std::mem::take(&mut submissions)) {
                result.expect("ballot accepted");
            }
        }
    }
    items
}

/// The region and its members, the process voted and closed; returns the
/// measurements.
pub fn run(members: usize, ballots: u64) -> Recount {
    let built = Instant::now();
    let region = open_node("region", None);
    let mut nodes: Vec<Arc<Node>> = (0..members)
        .map(|i| open_node(&format!("m{i:02}"), Some(region.jurisdiction_id())))
        .collect();
    nodes.sort_by_key(|n| n.jurisdiction_id());
    let ids = nodes.iter().map(|n| n.jurisdiction_id()).collect();
    region
        .create_process(process::def("regional", ids))
        .expect("create");
    let id = region
        .open_process("regional")
        .expect("open")
        .id
        .expect("an id");
    let mut projects: Vec<ProposalId> = [30_000u64, 50_000, 10_000]
        .iter()
        .enumerate()
        .map(|(i, cost)| {
            region
                .submit_proposal(&id, process::proposal(i as u64, *cost))
                .expect("submit")
                .id
        })
        .collect();
    region.advance_phase(&id, Phase::Review).expect("review");
    for (p, cost) in projects.iter().zip([30_000u64, 50_000, 10_000]) {
        region
            .review_proposal(&id, p, Review::Accept { cost })
            .expect("accept");
    }
    region.advance_phase(&id, Phase::Voting).expect("voting");
    projects.sort();
    let region_log = region.log_entries(&id, 0, usize::MAX).expect("log");
    let per_member = ballots / members as u64;
    // Members work two at a time (the machine's cores).
    let items: Vec<BatchItem> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..2)
            .map(|worker| {
                let (nodes, projects, region_log) = (&nodes, &projects, &region_log);
                let region_key = region.public_key();
                s.spawn(move || {
                    let mut items = Vec::new();
                    for (index, member) in nodes.iter().enumerate().skip(worker).step_by(2) {
                        member
                            .adopt_regional_process(region_log, &region_key)
                            .expect("adopt");
                        items.extend(collect(member, index, id, projects, per_member));
                        eprintln!("  recount: member {index} collected {per_member} ballots");
                    }
                    items
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("worker"))
            .collect()
    });
    region.advance_phase(&id, Phase::Closed).expect("close");
    let region_log = region.log_entries(&id, 0, usize::MAX).expect("log");
    for member in &nodes {
        member
            .follow_region(&id, &region_log)
            .expect("member closes");
    }
    let logs: Vec<_> = nodes
        .iter()
        .map(|m| m.member_log(&id).expect("member log"))
        .collect();
    let definition = region.signed_definition(&id).expect("definition");
    let build = built.elapsed();

    let (aggregate, recount, recount_cpu) =
        timed(|| aggregate_members(&definition, &logs).expect("the recount verifies"));
    assert_eq!(aggregate.members.len(), members);
    let counted: u64 = aggregate
        .members
        .iter()
        .map(|m| m.tally.value.ballots_counted)
        .sum();
    assert_eq!(counted, per_member * members as u64);

    let ((), raw, raw_cpu) = timed(|| {
        for chunk in items.chunks(BATCH) {
            verify_batch_cofactored(chunk).expect("valid signatures");
        }
    });
    let start = Instant::now();
    for item in &items {
        let key = PublicKey::from_bytes(item.signer.as_bytes()).expect("valid key");
        std::hint::black_box(key);
    }
    let key_parsing = start.elapsed();
    Recount {
        members,
        ballots: per_member * members as u64,
        build,
        recount,
        raw,
        key_parsing,
        cpu: recount_cpu.zip(raw_cpu),
    }
}
