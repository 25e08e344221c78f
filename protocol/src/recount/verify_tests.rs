//! The recount defers signature checks into batches: the error must still
//! be the first one in log order, whichever kind of signature it is.

use super::verify::{LogKeys, verify_log};
use super::verify_error::VerifyError;
use crate::ballot::{BallotOpening, Nonce};
use crate::crypto::{Signable, SigningKey};
use crate::ids::Id;
use crate::merkle::{Blake3Hasher, MemoryLog};
use crate::note::{Checkpoint, SignatureType, SignedCheckpoint, SignerKey, process_log_origin};
use crate::objects::*;

fn process() -> ProcessDef {
    ProcessDef {
        slug: "p".into(),
        owner: Id::from_bytes([9; 32]),
        texts: vec![],
        budget: Money {
            minor_units: 100,
            currency: "EUR".into(),
        },
        districts: vec![District {
            id: "north".into(),
            name: "North".into(),
            budget: None,
        }],
        schedule: PhaseSchedule {
            proposals: 0,
            review: 1,
            voting: 2,
            closed: 3,
            implementation: 4,
        },
        ballot_format: BallotFormat::Approval {
            min: 1,
            max: 1,
            budget_cap: false,
        },
        rule: RuleRef {
            name: "greedy".into(),
            version: "1".into(),
        },
        eligibility: Eligibility { census: "c".into() },
        witnesses: WitnessPolicy {
            witnesses: vec![],
            threshold: 0,
        },
        members: vec![],
    }
}

/// What to spoil in a log of three voters (entries: definition, then per
/// voter a credential and a commitment).
#[derive(Default)]
struct Spoil {
    credential: Option<usize>,
    commitment: Option<usize>,
    duplicate_credential: bool,
}

fn verify_spoiled(spoil: Spoil) -> Result<(), VerifyError> {
    let node = SigningKey::from_seed(&[1; 32]);
    let process = process();
    let id = process.id().unwrap();
    let mut entries = vec![LogEntry::ProcessDefined(process.sign(&node).unwrap())];
    for v in 0..3usize {
        let voter = SigningKey::from_seed(&[10 + v as u8; 32]);
        let credential = VoterCredential::V1 {
            process: id,
            district: "north".into(),
            voter: voter.public_key(),
            issued_at: 5,
        };
        let mut signed = credential.sign(&node).unwrap();
        if spoil.credential == Some(v) {
            signed.signature.0[40] ^= 1;
        }
        entries.push(LogEntry::CredentialIssued(signed.clone()));
        if spoil.duplicate_credential && v == 0 {
            entries.push(LogEntry::CredentialIssued(signed));
        }
        let ballot = Ballot {
            process: id,
            district: "north".into(),
            voter: voter.public_key(),
            choices: vec![],
        };
        let opening = BallotOpening {
            ballot,
            nonce: Nonce([v as u8; 32]),
        };
        let mut commitment = opening.commitment().unwrap().sign(&voter).unwrap();
        if spoil.commitment == Some(v) {
            commitment.signature.0[40] ^= 1;
        }
        entries.push(LogEntry::BallotCommitted(commitment));
    }
    let leaves: Vec<Vec<u8>> = entries.iter().map(|e| e.leaf_data().unwrap()).collect();
    let mut tree = MemoryLog::new(Blake3Hasher);
    for leaf in &leaves {
        tree.append(leaf);
    }
    let origin = process_log_origin("town", &id.to_string()).unwrap();
    let log_key = SignerKey::from_seed(&origin, SignatureType::Ed25519, &[1; 32]).unwrap();
    let size = leaves.len() as u64;
    let checkpoint = Checkpoint::new(&origin, size, tree.root(size).unwrap());
    let checkpoint = SignedCheckpoint::sign(checkpoint, &log_key).unwrap();
    let keys = LogKeys::municipal(node.public_key(), log_key.verifier_key());
    verify_log(&leaves, &keys, &checkpoint).map(|_| ())
}

#[test]
fn a_log_with_nothing_spoiled_fails_only_for_being_open() {
    assert_eq!(
        verify_spoiled(Spoil::default()),
        Err(VerifyError::NotClosed)
    );
}

#[test]
fn a_bad_credential_signature_before_a_bad_voter_signature_is_the_error() {
    // Voter 0's credential is entry 1; voter 1's commitment is entry 4.
    let found = verify_spoiled(Spoil {
        credential: Some(0),
        commitment: Some(1),
        ..Spoil::default()
    });
    assert!(
        matches!(
            found,
            Err(VerifyError::NodeSignature {
                index: 1,
                kind: "credential",
                ..
            })
        ),
        "{found:?}"
    );
}

#[test]
fn a_bad_voter_signature_before_a_bad_credential_signature_is_the_error() {
    // Voter 0's commitment is entry 2; voter 2's credential is entry 5.
    let found = verify_spoiled(Spoil {
        credential: Some(2),
        commitment: Some(0),
        ..Spoil::default()
    });
    assert!(
        matches!(found, Err(VerifyError::VoterSignature { index: 2, .. })),
        "{found:?}"
    );
}

#[test]
fn a_bad_credential_signature_comes_before_a_later_error_in_its_own_entry_or_after() {
    // Voter 0's credential (entry 1, spoiled) is logged twice: the second
    // copy (entry 2) is a duplicate, with the same bad signature.
    let found = verify_spoiled(Spoil {
        credential: Some(0),
        duplicate_credential: true,
        ..Spoil::default()
    });
    assert!(
        matches!(found, Err(VerifyError::NodeSignature { index: 1, .. })),
        "{found:?}"
    );
    let found = verify_spoiled(Spoil {
        duplicate_credential: true,
        ..Spoil::default()
    });
    assert!(
        matches!(
            found,
            Err(VerifyError::DuplicateCredential { index: 2, .. })
        ),
        "{found:?}"
    );
}
