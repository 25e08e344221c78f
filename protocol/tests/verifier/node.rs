//! A test node: it plays every role a real node plays in a process log
//! (owner signs the process, staff accept proposals, the node issues
//! credentials, voters commit and recast, the node closes, opens, tallies
//! and signs checkpoints that witnesses cosign), with fixed keys and nonces
//! so that every run produces the same bytes. Tests then make it misbehave
//! in one precise way.

use pbnode_protocol::ballot::{BallotCommitment, BallotOpening, Nonce};
use pbnode_protocol::crypto::{PublicKey, Signable, Signed, SigningKey};
use pbnode_protocol::ids::{Digest, Id};
use pbnode_protocol::merkle::{Blake3Hasher, MemoryLog};
use pbnode_protocol::note::{
    Checkpoint, Cosignature, SignatureType, SignedCheckpoint, SignerKey, VerifierKey,
    WitnessPolicy as NotePolicy, process_log_origin,
};
use pbnode_protocol::objects::*;
use pbnode_protocol::receipt::Receipt;
use pbnode_protocol::recount::{BallotProject, LogKeys, TallyContent, tally_process};

pub const NODE_SEED: u8 = 1;
pub const WITNESS_SEEDS: [u8; 3] = [2, 3, 4];
pub const OPENS: u64 = 1_800_000_000;
pub const CLOSES: u64 = 1_801_000_000;
/// Cosignature timestamp: fixed so vectors are stable.
pub const COSIGNED_AT: u64 = 1_800_500_000;

pub fn key(seed: u8) -> SigningKey {
    SigningKey::from_seed(&[seed; 32])
}

pub fn witness_name(seed: u8) -> String {
    format!("witness-{seed}.pbnode.example")
}

pub fn witness_signer(seed: u8) -> SignerKey {
    SignerKey::from_seed(
        &witness_name(seed),
        SignatureType::CosignatureV1,
        &[seed; 32],
    )
    .unwrap()
}

pub const APPROVAL: BallotFormat = BallotFormat::Approval {
    min: 1,
    max: 3,
    budget_cap: true,
};

/// A process definition owned by the node's jurisdiction.
pub fn process_def(format: BallotFormat, rule: &str, budgets: [Option<u64>; 2]) -> ProcessDef {
    let owner = Jurisdiction {
        name: "Gdańsk".into(),
        key: key(NODE_SEED).public_key(),
        parent: None,
    };
    let mut witnesses: Vec<Witness> = WITNESS_SEEDS
        .iter()
        .map(|&s| Witness {
            name: witness_name(s),
            key: key(s).public_key(),
        })
        .collect();
    witnesses.sort_by_key(|w| w.key);
    ProcessDef {
        slug: "budget-2027".into(),
        owner: owner.id().unwrap(),
        texts: vec![LocalizedText {
            lang: "en".into(),
            title: "Civic budget 2027".into(),
            description: "Propose and choose projects.".into(),
        }],
        budget: Money {
            minor_units: 1_000_000,
            currency: "PLN".into(),
        },
        districts: vec![
            District {
                id: "north".into(),
                name: "North".into(),
                budget: budgets[0],
            },
            District {
                id: "south".into(),
                name: "South".into(),
                budget: budgets[1],
            },
        ],
        schedule: PhaseSchedule {
            proposals: OPENS - 3_000_000,
            review: OPENS - 1_000_000,
            voting: OPENS,
            closed: CLOSES,
            implementation: CLOSES + 1_000_000,
        },
        ballot_format: format,
        rule: RuleRef {
            name: rule.into(),
            version: "1".into(),
        },
        eligibility: Eligibility {
            census: "gdansk-census-2026".into(),
        },
        witnesses: WitnessPolicy {
            witnesses,
            threshold: 2,
        },
        members: vec![],
    }
}

/// One logged commitment with what the node keeps until close.
#[derive(Clone)]
pub struct Cast {
    pub index: u64,
    pub commitment: Signed<BallotCommitment>,
    pub opening: BallotOpening,
}

/// What the node does with one commitment's opening at close.
pub enum Open {
    Publish,
    Withhold,
    Replace(Box<BallotOpening>),
}

pub struct TestNode {
    pub key: SigningKey,
    pub log_signer: SignerKey,
    pub process: ProcessDef,
    pub id: ProcessId,
    pub entries: Vec<LogEntry>,
    pub tree: MemoryLog<Blake3Hasher>,
    pub casts: Vec<Cast>,
    pub credentials: Vec<(PublicKey, String)>,
}

impl TestNode {
    pub fn new(format: BallotFormat, rule: &str, budgets: [Option<u64>; 2]) -> Self {
        Self::with_process(process_def(format, rule, budgets))
    }

    pub fn approval() -> Self {
        Self::new(APPROVAL, "greedy", [None, None])
    }

    pub fn with_process(process: ProcessDef) -> Self {
        let key = key(NODE_SEED);
        let id = process.id().unwrap();
        let origin = process_log_origin("gdansk", &id.to_string()).unwrap();
        let log_signer =
            SignerKey::from_seed(&origin, SignatureType::Ed25519, &[NODE_SEED; 32]).unwrap();
        let mut node = TestNode {
            key,
            log_signer,
            process: process.clone(),
            id,
            entries: Vec::new(),
            tree: MemoryLog::new(Blake3Hasher),
            casts: Vec::new(),
            credentials: Vec::new(),
        };
        let signed = process.sign(&node.key).unwrap();
        node.append(LogEntry::ProcessDefined(signed));
        node
    }

    pub fn size(&self) -> u64 {
        self.entries.len() as u64
    }

    pub fn append(&mut self, entry: LogEntry) -> u64 {
        self.tree.append(&entry.leaf_data().unwrap());
        self.entries.push(entry);
        self.size() - 1
    }

    pub fn keys(&self) -> LogKeys {
        LogKeys::municipal(self.key.public_key(), self.log_signer.verifier_key())
    }

    pub fn log_vkey(&self) -> VerifierKey {
        self.log_signer.verifier_key()
    }

    pub fn witness_policy(&self) -> NotePolicy {
        let keys = WITNESS_SEEDS
            .iter()
            .map(|&s| witness_signer(s).verifier_key())
            .collect();
        NotePolicy::new(keys, 2).unwrap()
    }

    /// Submits a proposal and accepts it; returns its id.
    pub fn propose(&mut self, title: &str, cost: u64, district: &str) -> ProposalId {
        let id = self.submit(title, cost, district);
        self.set_status(id, ProposalStatus::Accepted);
        id
    }

    pub fn submit(&mut self, title: &str, cost: u64, district: &str) -> ProposalId {
        let proposal = Proposal {
            process: self.id,
            title: title.into(),
            description: format!("{title}, described"),
            cost,
            district: district.into(),
            category: "greenery".into(),
            authors: vec![],
        };
        let id = proposal.id().unwrap();
        self.append(LogEntry::ProposalSubmitted(proposal));
        id
    }

    pub fn set_status(&mut self, proposal: ProposalId, status: ProposalStatus) {
        self.append(LogEntry::ProposalStatusChanged(ProposalStatusChange {
            proposal,
            change: StatusChange {
                status,
                at: OPENS - 500_000,
                reason: String::new(),
            },
        }));
    }

    pub fn open_voting(&mut self) {
        self.append(LogEntry::PhaseChanged(PhaseChange {
            process: self.id,
            phase: Phase::Voting,
            at: OPENS,
        }));
    }

    /// Registers the voter key made from `seed` (a `VoterRegistered`
    /// entry, what nodes write).
    pub fn register(&mut self, seed: u8, district: &str) -> SigningKey {
        let voter = key(seed);
        let credential = self.credential(&voter, district);
        self.append(LogEntry::VoterRegistered(credential));
        self.credentials.push((voter.public_key(), district.into()));
        voter
    }

    /// The credential of `voter` for `district` of this process.
    pub fn credential(&self, voter: &SigningKey, district: &str) -> VoterCredential {
        VoterCredential::V1 {
            process: self.id,
            district: district.into(),
            voter: voter.public_key(),
            issued_at: OPENS + 60,
        }
    }

    /// Registers the voter key made from `seed` the legacy way: a
    /// `CredentialIssued` entry signed by the node.
    pub fn register_legacy(&mut self, seed: u8, district: &str) -> SigningKey {
        let voter = key(seed);
        let credential = self.credential(&voter, district);
        self.append(LogEntry::CredentialIssued(
            credential.sign(&self.key).unwrap(),
        ));
        self.credentials.push((voter.public_key(), district.into()));
        voter
    }

    pub fn ballot(
        &self,
        voter: &SigningKey,
        district: &str,
        choices: &[(ProposalId, u32)],
    ) -> Ballot {
        let mut choices: Vec<Choice> = choices
            .iter()
            .map(|&(project, points)| Choice { project, points })
            .collect();
        choices.sort_by_key(|c| c.project);
        Ballot {
            process: self.id,
            district: district.into(),
            voter: voter.public_key(),
            choices,
        }
    }

    /// The voter commits to a ballot (the node does not check it: tests
    /// use this to log what an honest node would refuse).
    pub fn cast_ballot(&mut self, voter: &SigningKey, ballot: Ballot, nonce: u8) -> Cast {
        let opening = BallotOpening {
            ballot,
            nonce: Nonce([nonce; 32]),
        };
        let commitment = opening.commitment().unwrap().sign(voter).unwrap();
        let index = self.append(LogEntry::BallotCommitted(commitment.clone()));
        let cast = Cast {
            index,
            commitment,
            opening,
        };
        self.casts.push(cast.clone());
        cast
    }

    pub fn cast(
        &mut self,
        voter: &SigningKey,
        district: &str,
        choices: &[(ProposalId, u32)],
        nonce: u8,
    ) -> Cast {
        let ballot = self.ballot(voter, district, choices);
        self.cast_ballot(voter, ballot, nonce)
    }

    /// The receipt of `cast` against the current checkpoint.
    pub fn receipt(&self, cast: &Cast) -> Receipt {
        Receipt {
            process: self.id,
            commitment: cast.commitment.clone(),
            opening: cast.opening.clone(),
            leaf_index: cast.index,
            inclusion_proof: self.inclusion(cast.index, self.size()),
            checkpoint: self.checkpoint(),
        }
    }

    pub fn inclusion(&self, index: u64, size: u64) -> Vec<Digest> {
        let proof = self.tree.inclusion_proof(index, size).unwrap();
        proof.into_iter().map(Digest).collect()
    }

    pub fn consistency(&self, old: u64, new: u64) -> Vec<[u8; 32]> {
        self.tree.consistency_proof(old, new).unwrap()
    }

    /// Closes voting and publishes every opening (in commitment order) as
    /// `action` says.
    pub fn close_with(&mut self, action: impl Fn(&Cast) -> Open) {
        self.append(LogEntry::Closed(Close {
            process: self.id,
            at: CLOSES,
        }));
        for cast in self.casts.clone() {
            let opening = match action(&cast) {
                Open::Publish => cast.opening.clone(),
                Open::Withhold => continue,
                Open::Replace(other) => *other,
            };
            self.append(LogEntry::BallotOpened(BallotOpened {
                commitment: cast.commitment.value.id().unwrap(),
                opening,
            }));
        }
    }

    pub fn close(&mut self) {
        self.close_with(|_| Open::Publish);
    }

    /// The honest count: the last commitment per voter key, in log order.
    pub fn counted(&self) -> Vec<Ballot> {
        let mut counted: Vec<&Cast> = Vec::new();
        for cast in &self.casts {
            counted.retain(|c| c.commitment.value.voter != cast.commitment.value.voter);
            counted.push(cast);
        }
        counted.iter().map(|c| c.opening.ballot.clone()).collect()
    }

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
            .filter(|(id, _)| status.get(id).is_some_and(|s| s.is_on_ballot()))
            .map(|(id, (cost, district))| BallotProject { id, cost, district })
            .collect()
    }

    /// The honest count. A log holding a ballot the count refuses (tests
    /// log such ballots on purpose) gets an empty count.
    pub fn count(&self) -> TallyContent {
        tally_process(&self.process, &self.on_ballot(), &self.counted()).unwrap_or(TallyContent {
            ballots_counted: 0,
            totals: Vec::new(),
            selected: Vec::new(),
        })
    }

    /// Appends the tally, after letting `tamper` change it, signed by `signer`.
    pub fn tally_with(&mut self, signer: &SigningKey, tamper: impl FnOnce(&mut Tally)) -> Tally {
        let content = self.count();
        let mut tally = Tally {
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
        tamper(&mut tally);
        self.append(LogEntry::Tallied(tally.clone().sign(signer).unwrap()));
        tally
    }

    pub fn tally(&mut self) -> Tally {
        let key = self.key.clone();
        self.tally_with(&key, |_| {})
    }

    /// The node-signed checkpoint of the whole log, cosigned by the first
    /// `cosigners` witnesses.
    pub fn checkpoint_cosigned(&self, cosigners: usize) -> SignedCheckpoint {
        let size = self.size();
        self.sign_checkpoint(size, self.tree.root(size).unwrap(), cosigners)
    }

    pub fn checkpoint(&self) -> SignedCheckpoint {
        self.checkpoint_cosigned(2)
    }

    pub fn origin(&self) -> String {
        self.log_signer.name().to_owned()
    }

    pub fn sign_checkpoint(&self, size: u64, root: [u8; 32], cosigners: usize) -> SignedCheckpoint {
        let checkpoint = Checkpoint::new(&self.origin(), size, root);
        let mut signed = SignedCheckpoint::sign(checkpoint.clone(), &self.log_signer).unwrap();
        for &seed in WITNESS_SEEDS.iter().take(cosigners) {
            let cosignature =
                Cosignature::sign(&witness_signer(seed), &checkpoint, COSIGNED_AT).unwrap();
            signed
                .add_signature(cosignature.to_note_signature())
                .unwrap();
        }
        signed
    }

    /// A node-signed checkpoint of arbitrary leaves (a lying node re-signs
    /// whatever it publishes).
    pub fn sign_leaves(&self, leaves: &[Vec<u8>]) -> SignedCheckpoint {
        let mut tree = MemoryLog::new(Blake3Hasher);
        for leaf in leaves {
            tree.append(leaf);
        }
        let size = leaves.len() as u64;
        self.sign_checkpoint(size, tree.root(size).unwrap(), 0)
    }

    pub fn leaves(&self) -> Vec<Vec<u8>> {
        self.entries
            .iter()
            .map(|e| e.leaf_data().unwrap())
            .collect()
    }
}

/// The id of a ballot commitment.
pub fn commitment_id(cast: &Cast) -> Id<BallotCommitment> {
    cast.commitment.value.id().unwrap()
}

/// A realistic closed process: five approval projects over two districts
/// (no district budgets: one election), six voters, one of whom recasts.
pub struct Scenario {
    pub node: TestNode,
    pub projects: Vec<ProposalId>,
    pub casts: Vec<Cast>,
    pub tally: Tally,
}

pub fn scenario() -> Scenario {
    let mut node = TestNode::approval();
    let projects = vec![
        node.propose("Trees on Długa", 300_000, "north"),
        node.propose("Bike lane", 500_000, "north"),
        node.propose("Playground", 250_000, "south"),
        node.propose("Library hours", 200_000, "south"),
        node.propose("Benches", 50_000, "south"),
    ];
    let rejected = node.submit("Statue", 900_000, "north");
    node.set_status(rejected, ProposalStatus::Rejected);
    node.open_voting();
    let districts = ["north", "north", "north", "south", "south", "south"];
    let voters: Vec<SigningKey> = districts
        .iter()
        .enumerate()
        .map(|(i, d)| node.register(20 + i as u8, d))
        .collect();
    let p = &projects;
    let choices: [&[ProposalId]; 6] = [
        &[p[0], p[1]],
        &[p[0]],
        &[p[1]],
        &[p[2], p[3]],
        &[p[2], p[4]],
        &[p[3]],
    ];
    let mut casts = Vec::new();
    for (i, voter) in voters.iter().enumerate() {
        let chosen: Vec<(ProposalId, u32)> = choices[i].iter().map(|&x| (x, 1)).collect();
        casts.push(node.cast(voter, districts[i], &chosen, 100 + i as u8));
    }
    // Voter 2 changes their mind: the second ballot counts.
    casts.push(node.cast(&voters[2], "north", &[(p[0], 1)], 120));
    node.close();
    let tally = node.tally();
    Scenario {
        node,
        projects,
        casts,
        tally,
    }
}
