//! Commit, then reveal: openings match their commitments, and a voter's
//! receipt shows whether the log withheld or altered their opening.

use super::fixtures::*;
use super::strategies as s;
use pbnode_protocol::ballot::{
    BallotOpening, Nonce, OpeningError, OpeningVerdict, ProofError, WithheldOpeningProof,
};
use pbnode_protocol::crypto::{Signable, SignatureError};
use proptest::prelude::*;

#[test]
fn an_opening_opens_only_its_own_commitment() {
    let commitment = commitment();
    assert_eq!(opening().opens(&commitment), Ok(()));
    let mut other_nonce = opening();
    other_nonce.nonce = Nonce([0x43; 32]);
    assert_eq!(
        other_nonce.opens(&commitment),
        Err(OpeningError::HashMismatch)
    );
    let mut other_choice = opening();
    other_choice.ballot.choices.pop();
    assert_eq!(
        other_choice.opens(&commitment),
        Err(OpeningError::HashMismatch)
    );
    let mut other_voter = opening();
    other_voter.ballot.voter = key(8).public_key();
    assert_eq!(
        other_voter.opens(&commitment),
        Err(OpeningError::WrongVoter)
    );
    let mut other_process = opening();
    other_process.ballot.process = pbnode_protocol::ids::Id::from_bytes([3; 32]);
    assert_eq!(
        other_process.opens(&commitment),
        Err(OpeningError::WrongProcess)
    );
}

#[test]
fn the_commitment_formula_is_domain_tagged_blake3() {
    let mut input = b"pbnode/v1/ballot-commit\0".to_vec();
    input.extend(ballot().canonical_bytes().unwrap());
    input.extend([0x42; 32]);
    assert_eq!(commitment().commitment.0, *blake3::hash(&input).as_bytes());
}

#[test]
fn receipts_tell_withheld_altered_and_consistent_logs_apart() {
    let proof = withheld_proof();
    assert_eq!(proof.check(&[]), Ok(OpeningVerdict::Withheld));
    assert_eq!(proof.check(&[opening()]), Ok(OpeningVerdict::Consistent));
    let mut altered = opening();
    altered.ballot.choices.truncate(1);
    assert_eq!(
        proof.check(&[altered.clone()]),
        Ok(OpeningVerdict::Altered { index: 0 })
    );
    assert_eq!(
        proof.check(&[opening(), altered]),
        Ok(OpeningVerdict::Altered { index: 1 })
    );
}

#[test]
fn a_forged_receipt_proves_nothing() {
    // Signed by a key other than the voter key the commitment names.
    let forged = WithheldOpeningProof {
        commitment: commitment().sign(&key(8)).unwrap(),
        opening: opening(),
    };
    assert!(matches!(
        forged.check(&[]),
        Err(ProofError::BadSignature(SignatureError::WrongSigner { .. }))
    ));
    // A valid commitment with an opening that does not open it.
    let mut wrong = withheld_proof();
    wrong.opening.nonce = Nonce([0; 32]);
    assert_eq!(
        wrong.check(&[]),
        Err(ProofError::NotAnOpening(OpeningError::HashMismatch))
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_ballot_opens_its_commitment_and_no_other_nonce_does(
        ballot in s::ballot(),
        nonce in any::<[u8; 32]>(),
        other in any::<[u8; 32]>(),
    ) {
        let opening = BallotOpening { ballot, nonce: Nonce(nonce) };
        let commitment = opening.commitment().unwrap();
        prop_assert_eq!(opening.opens(&commitment), Ok(()));
        prop_assume!(other != nonce);
        let wrong = BallotOpening { nonce: Nonce(other), ..opening };
        prop_assert_eq!(wrong.opens(&commitment), Err(OpeningError::HashMismatch));
    }
}
