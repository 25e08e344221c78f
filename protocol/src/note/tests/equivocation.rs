//! Equivocation proofs: what makes two signed checkpoints a proof.

use crate::merkle::Sha256Hasher;

use super::support::{consistency_proof, leaves, log_vkey, root, signed_checkpoint};
use crate::note::{
    Checkpoint, Conflict, Equivocation, EquivocationError, NoteError, SignatureType,
    SignedCheckpoint, SignerKey,
};

#[test]
fn same_size_different_roots_is_proven() {
    let proof = Equivocation::new(
        signed_checkpoint(&leaves("a", 5)),
        signed_checkpoint(&leaves("b", 5)),
        Conflict::SameSize,
    );
    assert_eq!(proof.verify(&[log_vkey()], &Sha256Hasher), Ok(()));
    assert_eq!(proof.conflict(), &Conflict::SameSize);
}

#[test]
fn same_root_or_other_sizes_are_not_a_same_size_conflict() {
    let a = signed_checkpoint(&leaves("a", 5));
    let same = Equivocation::new(a.clone(), a.clone(), Conflict::SameSize);
    assert_eq!(
        same.verify(&[log_vkey()], &Sha256Hasher),
        Err(EquivocationError::NoConflict)
    );
    let bigger = Equivocation::new(a, signed_checkpoint(&leaves("b", 6)), Conflict::SameSize);
    assert_eq!(
        bigger.verify(&[log_vkey()], &Sha256Hasher),
        Err(EquivocationError::NoConflict)
    );
}

#[test]
fn both_checkpoints_must_be_signed_by_the_log() {
    let impostor = SignerKey::from_seed(
        "pbnode/test-town/pb-2026",
        SignatureType::Ed25519,
        &[66; 32],
    )
    .unwrap();
    let forged = SignedCheckpoint::sign(
        Checkpoint::new("pbnode/test-town/pb-2026", 5, [1; 32]),
        &impostor,
    )
    .unwrap();
    let proof = Equivocation::new(
        signed_checkpoint(&leaves("a", 5)),
        forged,
        Conflict::SameSize,
    );
    assert_eq!(
        proof.verify(&[log_vkey()], &Sha256Hasher),
        Err(EquivocationError::Signature(NoteError::NoKnownSignature))
    );
}

#[test]
fn different_origins_prove_nothing() {
    let signer = SignerKey::from_seed("pbnode/x/y", SignatureType::Ed25519, &[7; 32]).unwrap();
    let other = SignedCheckpoint::sign(Checkpoint::new("pbnode/x/y", 5, [1; 32]), &signer).unwrap();
    let proof = Equivocation::new(
        signed_checkpoint(&leaves("a", 5)),
        other,
        Conflict::SameSize,
    );
    assert_eq!(
        proof.verify(&[log_vkey(), signer.verifier_key()], &Sha256Hasher),
        Err(EquivocationError::DifferentOrigins)
    );
}

#[test]
fn a_fork_is_proven_by_the_root_the_larger_checkpoint_implies() {
    // The log signed a 4-leaf tree "a", then a 9-leaf tree "b" that does not
    // extend it. From tree "b", the log (or anyone with its leaves) proves
    // that size 4 had root MTH(b[..4]) != MTH(a).
    let (a, b) = (leaves("a", 4), leaves("b", 9));
    let fork = Conflict::Fork {
        implied_old_root: root(&b[..4]),
        proof: consistency_proof(4, &b),
    };
    let proof = Equivocation::new(signed_checkpoint(&a), signed_checkpoint(&b), fork);
    assert_eq!(proof.verify(&[log_vkey()], &Sha256Hasher), Ok(()));
}

#[test]
fn a_fork_claim_against_an_honest_log_fails() {
    let all = leaves("a", 9);
    let (small, large) = (signed_checkpoint(&all[..4]), signed_checkpoint(&all));
    // Implied root equal to the signed one: no conflict.
    let honest = Conflict::Fork {
        implied_old_root: root(&all[..4]),
        proof: consistency_proof(4, &all),
    };
    let claim = Equivocation::new(small.clone(), large.clone(), honest);
    assert_eq!(
        claim.verify(&[log_vkey()], &Sha256Hasher),
        Err(EquivocationError::NoConflict)
    );
    // Another implied root with a proof that does not verify: no conflict.
    let made_up = Conflict::Fork {
        implied_old_root: [3; 32],
        proof: consistency_proof(4, &all),
    };
    let claim = Equivocation::new(small.clone(), large.clone(), made_up);
    assert_eq!(
        claim.verify(&[log_vkey()], &Sha256Hasher),
        Err(EquivocationError::NoConflict)
    );
    // Sizes in the wrong order: no conflict.
    let reversed = Conflict::Fork {
        implied_old_root: [3; 32],
        proof: vec![],
    };
    let claim = Equivocation::new(large, small, reversed);
    assert_eq!(
        claim.verify(&[log_vkey()], &Sha256Hasher),
        Err(EquivocationError::NoConflict)
    );
}
