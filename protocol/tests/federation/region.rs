//! A test region: the region node defines a regional process; each member
//! node keeps its own log of it (the same regional proposals, its own
//! voters, close, openings, its own signed tally) with a checkpoint
//! cosigned by the process's witness. Fixed keys and nonces: every run
//! produces the same bytes.

use pbnode_protocol::ballot::{BallotOpening, Nonce};
use pbnode_protocol::crypto::{Signable, Signed, SigningKey};
use pbnode_protocol::ids::Digest;
use pbnode_protocol::merkle::{Blake3Hasher, MemoryLog};
use pbnode_protocol::note::{
    Checkpoint, Cosignature, SignatureType, SignedCheckpoint, SignerKey, process_log_origin,
};
use pbnode_protocol::objects::*;
use pbnode_protocol::recount::{BallotProject, LogKeys, MemberLog, election::tally_process};

pub const REGION_SEED: u8 = 1;
pub const WITNESS_SEED: u8 = 2;
pub const OPENS: u64 = 1_800_000_000;
pub const CLOSES: u64 = 1_801_000_000;
pub const COSIGNED_AT: u64 = 1_801_000_500;

pub fn key(seed: u8) -> SigningKey {
    SigningKey::from_seed(&[seed; 32])
}

pub const WITNESS_NAME: &str = "witness-2.pbnode.example";

pub fn witness_signer() -> SignerKey {
    SignerKey::from_seed(
        WITNESS_NAME,
        SignatureType::CosignatureV1,
        &[WITNESS_SEED; 32],
    )
    .unwrap()
}

pub fn region() -> Jurisdiction {
    Jurisdiction {
        name: "Pomorskie".into(),
        key: key(REGION_SEED).public_key(),
        parent: None,
    }
}

/// A member municipality: slug, display name, key seed.
#[derive(Clone, Copy)]
pub struct MemberSpec {
    pub slug: &'static str,
    pub name: &'static str,
    pub seed: u8,
}

pub const GDANSK: MemberSpec = MemberSpec {
    slug: "gdansk",
    name: "Gdańsk",
    seed: 11,
};
pub const GDYNIA: MemberSpec = MemberSpec {
    slug: "gdynia",
    name: "Gdynia",
    seed: 12,
};
pub const SOPOT: MemberSpec = MemberSpec {
    slug: "sopot",
    name: "Sopot",
    seed: 13,
};

impl MemberSpec {
    pub fn jurisdiction(&self) -> Jurisdiction {
        Jurisdiction {
            name: self.name.into(),
            key: key(self.seed).public_key(),
            parent: Some(region().id().unwrap()),
        }
    }

    pub fn id(&self) -> JurisdictionId {
        self.jurisdiction().id().unwrap()
    }
}

/// The regional process: approval of up to 2 projects, one regional
/// budget of 1,000,000 over two districts, greedy, witnessed by one witness.
pub fn regional_process(members: &[MemberSpec]) -> ProcessDef {
    let mut ids: Vec<JurisdictionId> = members.iter().map(MemberSpec::id).collect();
    ids.sort();
    ProcessDef {
        slug: "metropolia-2027".into(),
        owner: region().id().unwrap(),
        texts: vec![LocalizedText {
            lang: "en".into(),
            title: "Metropolitan budget 2027".into(),
            description: "Projects for the whole metropolis.".into(),
        }],
        budget: Money {
            minor_units: 1_000_000,
            currency: "PLN".into(),
        },
        districts: vec![
            District {
                id: "coast".into(),
                name: "Coast".into(),
                budget: None,
            },
            District {
                id: "inland".into(),
                name: "Inland".into(),
                budget: None,
            },
        ],
        schedule: PhaseSchedule {
            proposals: OPENS - 3_000_000,
            review: OPENS - 1_000_000,
            voting: OPENS,
            closed: CLOSES,
            implementation: CLOSES + 1_000_000,
        },
        ballot_format: BallotFormat::Approval {
            min: 1,
            max: 2,
            budget_cap: false,
        },
        rule: RuleRef {
            name: "greedy".into(),
            version: "1".into(),
        },
        eligibility: Eligibility {
            census: "metropolia-census-2026".into(),
        },
        witnesses: WitnessPolicy {
            witnesses: vec![Witness {
                name: WITNESS_NAME.into(),
                key: key(WITNESS_SEED).public_key(),
            }],
            threshold: 1,
        },
        members: ids,
    }
}

/// The regional proposals: (title, cost, district).
pub const PROPOSALS: [(&str, u64, &str); 3] = [
    ("Coastal bike route", 600_000, "coast"),
    ("Tram line extension", 500_000, "inland"),
    ("Beach lifeguards", 300_000, "coast"),
];

pub fn proposal(process: ProcessId, index: usize) -> Proposal {
    let (title, cost, district) = PROPOSALS[index];
    Proposal {
        process,
        title: title.into(),
        description: format!("{title}, for the whole region"),
        cost,
        district: district.into(),
        category: if index == 1 { "transport" } else { "leisure" }.into(),
        authors: vec![],
    }
}

/// One member's log of the regional process.
pub struct MemberNode {
    pub spec: MemberSpec,
    pub key: SigningKey,
    pub log_signer: SignerKey,
    pub process: ProcessDef,
    pub id: ProcessId,
    pub entries: Vec<LogEntry>,
    pub tree: MemoryLog<Blake3Hasher>,
    pub proposals: Vec<ProposalId>,
    casts: Vec<(
        Ballot,
        BallotOpening,
        Signed<pbnode_protocol::ballot::BallotCommitment>,
    )>,
}

impl MemberNode {
    /// The member's log up to the open vote: the region-signed definition,
    /// the regional proposals (accepted), voting opened.
    pub fn new(spec: MemberSpec, process: &Signed<ProcessDef>) -> Self {
        let id = process.value.id().unwrap();
        let origin = process_log_origin(spec.slug, &id.to_string()).unwrap();
        let log_signer =
            SignerKey::from_seed(&origin, SignatureType::Ed25519, &[spec.seed; 32]).unwrap();
        let mut node = MemberNode {
            spec,
            key: key(spec.seed),
            log_signer,
            process: process.value.clone(),
            id,
            entries: Vec::new(),
            tree: MemoryLog::new(Blake3Hasher),
            proposals: Vec::new(),
            casts: Vec::new(),
        };
        node.append(LogEntry::ProcessDefined(process.clone()));
        for i in 0..PROPOSALS.len() {
            let p = proposal(id, i);
            let pid = p.id().unwrap();
            node.append(LogEntry::ProposalSubmitted(p));
            node.append(LogEntry::ProposalStatusChanged(ProposalStatusChange {
                proposal: pid,
                change: StatusChange {
                    status: ProposalStatus::Accepted,
                    at: OPENS - 500_000,
                    reason: String::new(),
                },
            }));
            node.proposals.push(pid);
        }
        node.append(LogEntry::PhaseChanged(PhaseChange {
            process: id,
            phase: Phase::Voting,
            at: OPENS,
        }));
        node
    }

    pub fn append(&mut self, entry: LogEntry) {
        self.tree.append(&entry.leaf_data().unwrap());
        self.entries.push(entry);
    }

    pub fn size(&self) -> u64 {
        self.entries.len() as u64
    }

    /// Registers the voter of `seed` in `district` and logs their ballot
    /// for the proposals at `choices` (indices into [`PROPOSALS`]).
    pub fn vote(&mut self, seed: u8, district: &str, choices: &[usize]) {
        let voter = key(seed);
        let credential = VoterCredential::V1 {
            process: self.id,
            district: district.into(),
            voter: voter.public_key(),
            issued_at: OPENS + 60,
        };
        self.append(LogEntry::VoterRegistered(credential));
        let mut choices: Vec<Choice> = choices
            .iter()
            .map(|&i| Choice {
                project: self.proposals[i],
                points: 1,
            })
            .collect();
        choices.sort_by_key(|c| c.project);
        let ballot = Ballot {
            process: self.id,
            district: district.into(),
            voter: voter.public_key(),
            choices,
        };
        let opening = BallotOpening {
            ballot: ballot.clone(),
            nonce: Nonce([seed; 32]),
        };
        let commitment = opening.commitment().unwrap().sign(&voter).unwrap();
        self.append(LogEntry::BallotCommitted(commitment.clone()));
        self.casts.push((ballot, opening, commitment));
    }

    /// Closes, publishes every opening and appends the member's own tally.
    pub fn close_and_tally(&mut self) {
        self.append(LogEntry::Closed(Close {
            process: self.id,
            at: CLOSES,
        }));
        for (_, opening, commitment) in self.casts.clone() {
            self.append(LogEntry::BallotOpened(BallotOpened {
                commitment: commitment.value.id().unwrap(),
                opening,
            }));
        }
        let on_ballot = self.on_ballot();
        let ballots: Vec<Ballot> = self.casts.iter().map(|c| c.0.clone()).collect();
        let content = tally_process(&self.process, &on_ballot, &ballots).unwrap();
        let tally = Tally {
            process: self.id,
            checkpoint: CheckpointRef {
                size: self.size(),
                root: Digest(self.tree.root(self.size()).unwrap()),
            },
            rule: self.process.rule.clone(),
            ballots_counted: content.ballots_counted,
            totals: content.totals,
            selected: content.selected,
        };
        self.append(LogEntry::Tallied(tally.sign(&self.key).unwrap()));
    }

    /// The proposals on the ballot: statuses as the log has them.
    pub fn on_ballot(&self) -> Vec<BallotProject> {
        let mut status = std::collections::BTreeMap::new();
        let mut projects = std::collections::BTreeMap::new();
        for entry in &self.entries {
            match entry {
                LogEntry::ProposalSubmitted(p) => {
                    projects.insert(p.id().unwrap(), (p.cost, p.district.clone()));
                }
                LogEntry::ProposalStatusChanged(c) => {
                    status.insert(c.proposal, c.change.status);
                }
                _ => {}
            }
        }
        projects
            .into_iter()
            .filter(|(id, _)| {
                status
                    .get(id)
                    .is_some_and(|s: &ProposalStatus| s.is_on_ballot())
            })
            .map(|(id, (cost, district))| BallotProject { id, cost, district })
            .collect()
    }

    pub fn leaves(&self) -> Vec<Vec<u8>> {
        self.entries
            .iter()
            .map(|e| e.leaf_data().unwrap())
            .collect()
    }

    /// The checkpoint of `leaves`, signed by the member and cosigned by the
    /// witness.
    pub fn checkpoint_of(&self, leaves: &[Vec<u8>]) -> SignedCheckpoint {
        let mut tree = MemoryLog::new(Blake3Hasher);
        for leaf in leaves {
            tree.append(leaf);
        }
        let size = leaves.len() as u64;
        let checkpoint = Checkpoint::new(self.log_signer.name(), size, tree.root(size).unwrap());
        let mut signed = SignedCheckpoint::sign(checkpoint.clone(), &self.log_signer).unwrap();
        let cosignature = Cosignature::sign(&witness_signer(), &checkpoint, COSIGNED_AT).unwrap();
        signed
            .add_signature(cosignature.to_note_signature())
            .unwrap();
        signed
    }

    pub fn member_log(&self) -> MemberLog {
        let leaves = self.leaves();
        MemberLog {
            jurisdiction: self.spec.jurisdiction(),
            keys: LogKeys {
                owner: key(REGION_SEED).public_key(),
                node: self.key.public_key(),
                log: self.log_signer.verifier_key(),
                owner_id: None,
            },
            checkpoint: self.checkpoint_of(&leaves),
            entries: leaves,
        }
    }
}

/// A regional process over `members` with its signed definition and the
/// member nodes, each with voters already voted, closed and tallied.
pub struct Region {
    pub process: Signed<ProcessDef>,
    pub members: Vec<MemberNode>,
}

impl Region {
    pub fn logs(&self) -> Vec<MemberLog> {
        self.members.iter().map(MemberNode::member_log).collect()
    }

    pub fn proposal_ids(&self) -> Vec<ProposalId> {
        self.members[0].proposals.clone()
    }
}

/// Two members: Gdańsk with three voters, Gdynia with two.
///
/// A voter chooses among the projects of their own district. Approvals:
/// bike route 3 (Gdańsk 2, Gdynia 1), tram 3 (Gdańsk 1, Gdynia 2),
/// lifeguards 2 (Gdańsk 1, Gdynia 1). Greedy over the one
/// regional budget of 1,000,000: the tied bike route (600k) and tram (500k)
/// break by the smaller id, the other no longer fits, the lifeguards (300k)
/// do.
pub fn two_members() -> Region {
    build(&[GDANSK, GDYNIA], |node| match node.spec.slug {
        "gdansk" => {
            node.vote(30, "coast", &[0, 2]);
            node.vote(31, "coast", &[0]);
            node.vote(32, "inland", &[1]);
        }
        _ => {
            node.vote(40, "inland", &[1]);
            node.vote(41, "inland", &[1]);
            node.vote(42, "coast", &[0, 2]);
        }
    })
}

/// Three members. Approvals: bike route 2, tram 1, lifeguards 3.
pub fn three_members() -> Region {
    build(&[GDANSK, GDYNIA, SOPOT], |node| match node.spec.slug {
        "gdansk" => {
            node.vote(30, "coast", &[0, 2]);
            node.vote(31, "coast", &[0]);
        }
        "gdynia" => node.vote(40, "inland", &[1]),
        _ => {
            node.vote(50, "coast", &[2]);
            node.vote(51, "coast", &[2]);
        }
    })
}

pub fn build(specs: &[MemberSpec], mut votes: impl FnMut(&mut MemberNode)) -> Region {
    let process = regional_process(specs).sign(&key(REGION_SEED)).unwrap();
    let members = specs
        .iter()
        .map(|&spec| {
            let mut node = MemberNode::new(spec, &process);
            votes(&mut node);
            node.close_and_tally();
            node
        })
        .collect();
    Region { process, members }
}
