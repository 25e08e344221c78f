//! tlog-witness decision logic with real RFC 9162 trees and proofs.

use crate::merkle::{Blake3Hasher, MemoryLog, Sha256Hasher};

use super::support::{
    ORIGIN, consistency_proof, leaves, log_signer, log_vkey, root, signed_checkpoint,
    witness_signer,
};
use crate::note::{
    AddCheckpoint, Checkpoint, ConsistencyVerifier, Cosignature, CosignatureError, NoteError,
    NoteSignature, SignatureType, SignedCheckpoint, SignerKey, WitnessError, WitnessPolicy,
    WitnessState, check_and_cosign,
};

const NOW: u64 = 1_800_000_000;

fn submit(
    state: &mut WitnessState,
    old_size: u64,
    proof: Vec<[u8; 32]>,
    checkpoint: SignedCheckpoint,
) -> Result<Cosignature, WitnessError> {
    let request = AddCheckpoint {
        old_size,
        proof,
        checkpoint,
    };
    check_and_cosign(
        state,
        &request,
        &[log_vkey()],
        &witness_signer(0),
        &Sha256Hasher,
        NOW,
    )
}

/// A state that has cosigned the "a" log at `size`.
fn state_at(size: usize) -> WitnessState {
    let mut state = WitnessState::new(ORIGIN);
    submit(&mut state, 0, vec![], signed_checkpoint(&leaves("a", size))).unwrap();
    state
}

#[test]
fn merkle_hashers_are_consistency_verifiers() {
    let all = leaves("a", 11);
    let (old, new) = (root(&all[..6]), root(&all));
    let proof = consistency_proof(6, &all);
    assert!(Sha256Hasher.verify_consistency(6, 11, &old, &new, &proof));
    let mut bad = proof.clone();
    bad[0][0] ^= 1;
    assert!(!Sha256Hasher.verify_consistency(6, 11, &old, &new, &bad));
    assert!(!Sha256Hasher.verify_consistency(6, 11, &new, &new, &proof));
    assert_eq!(Sha256Hasher.empty_tree_root(), root(&[]));
}

#[test]
fn a_blake3_log_is_witnessed_like_pbnode_logs() {
    let mut log = MemoryLog::new(Blake3Hasher);
    let mut state = WitnessState::new(ORIGIN);
    let (mut cosigned_size, witness) = (0, witness_signer(1));
    for size in [0u64, 1, 5, 5, 12, 40] {
        while log.leaf_count() < size {
            log.append(format!("ballot-{}", log.leaf_count()).as_bytes());
        }
        let checkpoint = Checkpoint::new(ORIGIN, size, log.root(size).unwrap());
        let request = AddCheckpoint {
            old_size: cosigned_size,
            proof: if cosigned_size == 0 || cosigned_size == size {
                vec![]
            } else {
                log.consistency_proof(cosigned_size, size).unwrap()
            },
            checkpoint: SignedCheckpoint::sign(checkpoint, &log_signer()).unwrap(),
        };
        let cosig = check_and_cosign(
            &mut state,
            &request,
            &[log_vkey()],
            &witness,
            &Blake3Hasher,
            NOW,
        );
        assert!(cosig.is_ok(), "size {size}: {cosig:?}");
        cosigned_size = size;
    }
    // A rewritten history of the same length is an equivocation.
    let mut forked = MemoryLog::new(Blake3Hasher);
    for i in 0..40 {
        forked.append(format!("other-{i}").as_bytes());
    }
    let fork = Checkpoint::new(ORIGIN, 40, forked.root(40).unwrap());
    let request = AddCheckpoint {
        old_size: 40,
        proof: vec![],
        checkpoint: SignedCheckpoint::sign(fork, &log_signer()).unwrap(),
    };
    let refused = check_and_cosign(
        &mut state,
        &request,
        &[log_vkey()],
        &witness,
        &Blake3Hasher,
        NOW,
    );
    let Err(WitnessError::Equivocation(proof)) = refused else {
        panic!("expected an equivocation, got {refused:?}");
    };
    assert_eq!(proof.verify(&[log_vkey()], &Blake3Hasher), Ok(()));
}

#[test]
fn first_checkpoint_is_cosigned_and_recorded() {
    let mut state = WitnessState::new(ORIGIN);
    assert_eq!(state.latest_size(), 0);
    let signed = signed_checkpoint(&leaves("a", 4));
    let cosig = submit(&mut state, 0, vec![], signed.clone()).unwrap();
    assert_eq!(cosig.timestamp, NOW);
    assert_eq!(
        cosig.verify(&witness_signer(0).verifier_key(), signed.body()),
        Ok(())
    );
    assert_eq!(state.latest_size(), 4);
    // The stored checkpoint holds the log signature and our cosignature.
    let stored = state.latest().unwrap();
    assert!(stored.verify_log_signature(&[log_vkey()]).is_ok());
    let policy = WitnessPolicy::new(vec![witness_signer(0).verifier_key()], 1).unwrap();
    assert_eq!(policy.check(stored).unwrap(), vec![cosig]);
}

#[test]
fn consistent_growth_is_cosigned_step_by_step() {
    let all = leaves("a", 20);
    let mut state = state_at(3);
    for (old, new) in [(3, 4), (4, 4), (4, 11), (11, 20)] {
        let proof = if old == new {
            vec![]
        } else {
            consistency_proof(old, &all[..new])
        };
        submit(
            &mut state,
            old as u64,
            proof,
            signed_checkpoint(&all[..new]),
        )
        .unwrap();
        assert_eq!(state.latest_size(), new as u64);
    }
}

#[test]
fn unknown_origin_and_bad_signatures_are_refused() {
    let mut state = WitnessState::new("pbnode/other-town/pb-1");
    let signed = signed_checkpoint(&leaves("a", 2));
    assert_eq!(
        submit(&mut state, 0, vec![], signed.clone()),
        Err(WitnessError::UnknownOrigin(ORIGIN.into()))
    );

    let mut state = WitnessState::new(ORIGIN);
    let impostor = SignerKey::from_seed(ORIGIN, SignatureType::Ed25519, &[66; 32]).unwrap();
    let forged = SignedCheckpoint::sign(signed.checkpoint().clone(), &impostor).unwrap();
    assert_eq!(
        submit(&mut state, 0, vec![], forged),
        Err(WitnessError::BadLogSignature(NoteError::NoKnownSignature))
    );
    let mut tampered_line = signed.signatures()[0].clone();
    tampered_line.signature[0] ^= 1;
    let mut tampered = signed.clone();
    tampered.add_signature(tampered_line).unwrap();
    assert!(matches!(
        submit(&mut state, 0, vec![], tampered),
        Err(WitnessError::BadLogSignature(
            NoteError::InvalidSignature { .. }
        ))
    ));
    assert_eq!(state.latest(), None);
}

#[test]
fn rollback_and_size_mismatches_are_refused_without_state_change() {
    let all = leaves("a", 10);
    let mut state = state_at(8);
    let before = state.clone();
    assert_eq!(
        submit(&mut state, 8, vec![], signed_checkpoint(&all[..5])),
        Err(WitnessError::OldSizeTooLarge {
            old_size: 8,
            size: 5
        })
    );
    assert_eq!(
        submit(&mut state, 5, vec![], signed_checkpoint(&all[..5])),
        Err(WitnessError::Rollback {
            cosigned: 8,
            submitted: 5
        })
    );
    assert_eq!(
        submit(&mut state, 11, vec![], signed_checkpoint(&all[..10])),
        Err(WitnessError::OldSizeTooLarge {
            old_size: 11,
            size: 10
        })
    );
    assert_eq!(
        submit(
            &mut state,
            4,
            consistency_proof(4, &all),
            signed_checkpoint(&all)
        ),
        Err(WitnessError::OldSizeMismatch {
            old_size: 4,
            latest_size: 8
        })
    );
    assert_eq!(state, before);
}

#[test]
fn same_size_other_root_returns_a_verifiable_equivocation() {
    let mut state = state_at(6);
    let fork = signed_checkpoint(&leaves("b", 6));
    let Err(WitnessError::Equivocation(proof)) = submit(&mut state, 6, vec![], fork.clone()) else {
        panic!("expected an equivocation");
    };
    assert_eq!(proof.second(), &fork);
    assert_eq!(
        proof.first().checkpoint(),
        signed_checkpoint(&leaves("a", 6)).checkpoint()
    );
    assert_eq!(proof.verify(&[log_vkey()], &Sha256Hasher), Ok(()));
    assert_eq!(
        state.latest().unwrap().checkpoint().root,
        root(&leaves("a", 6))
    );
}

#[test]
fn a_fork_at_a_larger_size_fails_the_consistency_proof() {
    let mut state = state_at(4);
    let fork = leaves("b", 9);
    // The proof is honest for the fork, but from the fork's own old root.
    let proof = consistency_proof(4, &fork);
    assert_eq!(
        submit(&mut state, 4, proof, signed_checkpoint(&fork)),
        Err(WitnessError::InconsistentProof {
            old_size: 4,
            size: 9
        })
    );
    assert_eq!(state.latest_size(), 4);
}

#[test]
fn proofs_are_refused_where_none_is_due_and_when_too_long() {
    let all = leaves("a", 8);
    let mut state = WitnessState::new(ORIGIN);
    assert_eq!(
        submit(&mut state, 0, vec![[1; 32]], signed_checkpoint(&all)),
        Err(WitnessError::UnexpectedProof)
    );
    let mut state = state_at(8);
    assert_eq!(
        submit(&mut state, 8, vec![[1; 32]], signed_checkpoint(&all)),
        Err(WitnessError::UnexpectedProof)
    );
    assert_eq!(
        submit(
            &mut state,
            8,
            vec![[1; 32]; 64],
            signed_checkpoint(&leaves("a", 9))
        ),
        Err(WitnessError::ProofTooLong(64))
    );
}

#[test]
fn size_zero_needs_the_empty_tree_root() {
    let mut state = WitnessState::new(ORIGIN);
    submit(&mut state, 0, vec![], signed_checkpoint(&[])).unwrap();
    let bogus = Checkpoint::new(ORIGIN, 0, [9; 32]);
    let bogus = SignedCheckpoint::sign(bogus, &super::support::log_signer()).unwrap();
    assert_eq!(
        submit(&mut WitnessState::new(ORIGIN), 0, vec![], bogus),
        Err(WitnessError::BadEmptyRoot)
    );
}

#[test]
fn a_zero_timestamp_or_a_log_key_as_witness_key_is_refused() {
    let request = AddCheckpoint {
        old_size: 0,
        proof: vec![],
        checkpoint: signed_checkpoint(&leaves("a", 1)),
    };
    let mut state = WitnessState::new(ORIGIN);
    let zero = check_and_cosign(
        &mut state,
        &request,
        &[log_vkey()],
        &witness_signer(0),
        &Sha256Hasher,
        0,
    );
    assert_eq!(
        zero,
        Err(WitnessError::Cosign(CosignatureError::TimestampOutOfRange(
            0
        )))
    );
    let log_key = super::support::log_signer();
    let wrong = check_and_cosign(
        &mut state,
        &request,
        &[log_vkey()],
        &log_key,
        &Sha256Hasher,
        NOW,
    );
    assert!(matches!(
        wrong,
        Err(WitnessError::Cosign(CosignatureError::Key(_)))
    ));
    assert_eq!(state.latest(), None);
}

#[test]
fn request_bodies_round_trip_and_are_strict() {
    let all = leaves("a", 7);
    let request = AddCheckpoint {
        old_size: 3,
        proof: consistency_proof(3, &all),
        checkpoint: signed_checkpoint(&all),
    };
    let text = request.to_text();
    assert!(text.starts_with("old 3\n"));
    assert_eq!(AddCheckpoint::parse(&text).unwrap(), request);
    let note = signed_checkpoint(&all).to_text();
    for bad in [
        format!("old 03\n\n{note}"),
        format!("old -1\n\n{note}"),
        format!("new 3\n\n{note}"),
        format!("old 3\nnot-a-hash\n\n{note}"),
        format!("old 3\n{note}"),
    ] {
        assert!(
            matches!(
                AddCheckpoint::parse(&bad),
                Err(WitnessError::MalformedRequest(_))
            ),
            "{bad:?}"
        );
    }
    let hash = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
    let long = format!("old 3\n{}\n{note}", hash.repeat(64));
    assert_eq!(
        AddCheckpoint::parse(&long),
        Err(WitnessError::ProofTooLong(64))
    );
    let max = format!("old 3\n{}\n{note}", hash.repeat(63));
    assert_eq!(AddCheckpoint::parse(&max).unwrap().proof.len(), 63);
}

#[test]
fn the_stored_checkpoint_keeps_one_line_per_log_key_and_our_cosignature() {
    let signed = signed_checkpoint(&leaves("a", 3));
    let log_line = signed.signatures()[0].clone();
    let stranger = NoteSignature {
        name: "someone.example".into(),
        key_id: 7,
        signature: vec![1; 64],
    };
    let text = format!(
        "{}{}{}",
        signed.to_text(),
        log_line.to_line(),
        stranger.to_line()
    );
    let noisy = SignedCheckpoint::parse(&text).unwrap();
    assert_eq!(noisy.signatures().len(), 3);
    let mut state = WitnessState::new(ORIGIN);
    let cosig = submit(&mut state, 0, vec![], noisy).unwrap();
    let stored = state.latest().unwrap().signatures().to_vec();
    assert_eq!(stored, vec![log_line, cosig.to_note_signature()]);
}
