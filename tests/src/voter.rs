//! A voter as their device behaves: a key made locally, ballots committed
//! with a fresh random nonce and signed with that key.

use pbnode_protocol::ballot::{BallotCommitment, BallotOpening, Nonce};
use pbnode_protocol::crypto::{Signable, Signed, SigningKey};
use pbnode_protocol::ids::Id;
use pbnode_protocol::objects::{Ballot, Choice, ProcessId, ProposalId};
use serde_json::{Value, json};

/// A voter key.
pub struct Voter {
    /// The key (the device keeps it; the node sees only its public half).
    pub key: SigningKey,
}

impl std::fmt::Debug for Voter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Voter({})", self.public_hex())
    }
}

/// A ballot ready to send: the signed commitment and its opening.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedBallot {
    /// The commitment, signed by the voter key.
    pub commitment: Signed<BallotCommitment>,
    /// The ballot and the nonce that hides it.
    pub opening: BallotOpening,
}

impl SealedBallot {
    /// The body of `POST /api/v1/processes/{p}/ballots`.
    pub fn body(&self) -> Value {
        json!({ "commitment": self.commitment, "opening": self.opening })
    }

    /// The commitment id (the key of its receipt).
    pub fn id(&self) -> Id<BallotCommitment> {
        self.commitment
            .id()
            .unwrap_or_else(|e| panic!("commitment id: {e}"))
    }
}

impl Voter {
    /// A voter with the key of `seed`.
    pub fn from_seed(seed: [u8; 32]) -> Voter {
        Voter {
            key: SigningKey::from_seed(&seed),
        }
    }

    /// Voter number `i`: a fixed key per number, so runs are reproducible.
    pub fn numbered(i: u32) -> Voter {
        let mut seed = [0x5e; 32];
        seed[..4].copy_from_slice(&i.to_be_bytes());
        Voter::from_seed(seed)
    }

    /// A voter with a fresh random key.
    pub fn random() -> Voter {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).unwrap_or_else(|e| panic!("randomness: {e}"));
        Voter::from_seed(seed)
    }

    /// The public key in hex (the `voter_key` of a registration).
    pub fn public_hex(&self) -> String {
        hex::encode(self.key.public_key().as_bytes())
    }

    /// The body of `POST /api/v1/processes/{p}/voters` with `code`.
    pub fn registration(&self, code: &str) -> Value {
        json!({ "code": code, "voter_key": self.public_hex() })
    }

    /// A ballot giving each project its points (1 for approval), committed
    /// with a fresh random nonce and signed.
    pub fn ballot(
        &self,
        process: ProcessId,
        district: &str,
        choices: &[(ProposalId, u32)],
    ) -> SealedBallot {
        let mut choices: Vec<Choice> = choices
            .iter()
            .map(|&(project, points)| Choice { project, points })
            .collect();
        choices.sort_by_key(|c| c.project);
        let ballot = Ballot {
            process,
            district: district.to_owned(),
            voter: self.key.public_key(),
            choices,
        };
        let mut nonce = [0u8; 32];
        getrandom::fill(&mut nonce).unwrap_or_else(|e| panic!("randomness: {e}"));
        let nonce = Nonce(nonce);
        let commitment = BallotCommitment::new(&ballot, &nonce)
            .and_then(|c| c.sign(&self.key))
            .unwrap_or_else(|e| panic!("sealing a ballot: {e}"));
        SealedBallot {
            commitment,
            opening: BallotOpening { ballot, nonce },
        }
    }

    /// An approval ballot for `projects`.
    pub fn approve(
        &self,
        process: ProcessId,
        district: &str,
        projects: &[ProposalId],
    ) -> SealedBallot {
        let choices: Vec<_> = projects.iter().map(|p| (*p, 1)).collect();
        self.ballot(process, district, &choices)
    }
}
