//! cosignature/v1: signed message, payload layout, k-of-n policies.

use super::support::{leaves, log_signer, log_vkey, signed_checkpoint, witness_signer};
use crate::note::{
    COSIGNATURE_V1_HEADER, Cosignature, CosignatureError, MAX_TIMESTAMP, NoteError,
    SignedCheckpoint, WitnessPolicy, cosigned_message,
};

fn cosigned_by(witnesses: &[u8], timestamp: u64) -> SignedCheckpoint {
    let mut signed = signed_checkpoint(&leaves("a", 5));
    for &w in witnesses {
        let cosig = Cosignature::sign(&witness_signer(w), signed.checkpoint(), timestamp).unwrap();
        signed.add_signature(cosig.to_note_signature()).unwrap();
    }
    signed
}

fn policy(n: u8, k: usize) -> WitnessPolicy {
    WitnessPolicy::new(
        (0..n).map(|i| witness_signer(i).verifier_key()).collect(),
        k,
    )
    .unwrap()
}

#[test]
fn signed_message_is_header_time_line_and_body() {
    let body =
        "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
    let expected = format!("cosignature/v1\ntime 1679315147\n{body}");
    assert_eq!(cosigned_message(body, 1679315147), expected.into_bytes());
    assert_eq!(COSIGNATURE_V1_HEADER, "cosignature/v1\n");
    assert!(cosigned_message(body, 0).starts_with(b"cosignature/v1\ntime 0\n"));
}

#[test]
fn payload_is_key_id_timestamp_signature() {
    let signed = cosigned_by(&[0], 0x0102_0304_0506_0708);
    let line = &signed.signatures()[1];
    let payload = line.payload();
    assert_eq!(payload.len(), 4 + 8 + 64);
    assert_eq!(&payload[..4], &witness_signer(0).key_id().to_be_bytes());
    assert_eq!(&payload[4..12], &[1, 2, 3, 4, 5, 6, 7, 8]);
    let cosig = Cosignature::from_note_signature(line).unwrap();
    assert_eq!(cosig.to_note_signature(), *line);
    let witness = witness_signer(0).verifier_key();
    assert_eq!(cosig.verify(&witness, signed.body()), Ok(()));
    let mut later = cosig.clone();
    later.timestamp += 1;
    assert!(later.verify(&witness, signed.body()).is_err());
}

#[test]
fn timestamps_above_2_pow_63_minus_1_are_refused() {
    let checkpoint = signed_checkpoint(&leaves("a", 1)).checkpoint().clone();
    assert!(Cosignature::sign(&witness_signer(0), &checkpoint, MAX_TIMESTAMP).is_ok());
    assert_eq!(
        Cosignature::sign(&witness_signer(0), &checkpoint, MAX_TIMESTAMP + 1),
        Err(CosignatureError::TimestampOutOfRange(MAX_TIMESTAMP + 1))
    );
    let mut line = Cosignature::sign(&witness_signer(0), &checkpoint, 1)
        .unwrap()
        .to_note_signature();
    line.signature[0] = 0x80;
    assert!(matches!(
        Cosignature::from_note_signature(&line),
        Err(CosignatureError::TimestampOutOfRange(_))
    ));
}

#[test]
fn log_keys_cannot_cosign() {
    let checkpoint = signed_checkpoint(&leaves("a", 1)).checkpoint().clone();
    assert!(matches!(
        Cosignature::sign(&log_signer(), &checkpoint, 1),
        Err(CosignatureError::Key(NoteError::WrongKeyType { .. }))
    ));
}

#[test]
fn cosignatures_verify_through_the_generic_note_verifier() {
    let signed = cosigned_by(&[0, 1], 1_700_000_000);
    let keys = [log_vkey(), witness_signer(0).verifier_key()];
    let verified = signed.note().verify(&keys).unwrap();
    assert_eq!(verified.verified.len(), 2);
    assert_eq!(verified.verified[0].timestamp, None);
    assert_eq!(verified.verified[1].timestamp, Some(1_700_000_000));
    assert_eq!(verified.unverified.len(), 1);
}

#[test]
fn k_of_n_counts_distinct_valid_cosignatures() {
    let signed = cosigned_by(&[0, 2], 10);
    let valid = policy(3, 2).check(&signed).unwrap();
    assert_eq!(valid.len(), 2);
    assert_eq!(valid[0].name, "witness.example/w1");
    assert_eq!(valid[1].name, "witness.example/w3");
    assert_eq!(
        policy(3, 3).check(&signed),
        Err(CosignatureError::ThresholdNotMet {
            valid: 2,
            required: 3,
            witnesses: 3
        })
    );
}

#[test]
fn k_of_n_ignores_witnesses_outside_the_policy() {
    // Witnesses 3 and 4 are not in a 3-witness policy.
    let signed = cosigned_by(&[3, 4, 1], 10);
    assert!(matches!(
        policy(3, 2).check(&signed),
        Err(CosignatureError::ThresholdNotMet { valid: 1, .. })
    ));
}

#[test]
fn a_duplicated_cosignature_line_counts_once() {
    let signed = cosigned_by(&[0], 10);
    let line = signed.signatures()[1].clone();
    // Re-parse with the line duplicated (add_signature would replace it).
    let text = format!("{}{}", signed.to_text(), line.to_line());
    let doubled = SignedCheckpoint::parse(&text).unwrap();
    assert!(matches!(
        policy(2, 2).check(&doubled),
        Err(CosignatureError::ThresholdNotMet { valid: 1, .. })
    ));
}

#[test]
fn a_failing_cosignature_from_a_policy_witness_rejects() {
    let mut signed = cosigned_by(&[0, 1], 10);
    let mut line = signed.signatures()[2].clone();
    line.signature[20] ^= 1;
    signed.add_signature(line).unwrap();
    assert_eq!(
        policy(2, 1).check(&signed),
        Err(CosignatureError::InvalidCosignature {
            name: "witness.example/w2".into(),
            key_id: witness_signer(1).key_id()
        })
    );
    // Wrong length from a policy witness is also an invalid cosignature.
    let mut short = signed.signatures()[2].clone();
    short.signature.truncate(64);
    signed.add_signature(short).unwrap();
    assert!(matches!(
        policy(2, 1).check(&signed),
        Err(CosignatureError::InvalidCosignature { .. })
    ));
}

#[test]
fn a_cosignature_does_not_carry_over_to_another_checkpoint() {
    let signed = cosigned_by(&[0], 10);
    let line = signed.signatures()[1].clone();
    let mut other = signed_checkpoint(&leaves("a", 6));
    other.add_signature(line).unwrap();
    assert!(matches!(
        policy(1, 1).check(&other),
        Err(CosignatureError::InvalidCosignature { .. })
    ));
}

#[test]
fn policies_are_validated() {
    let keys = || {
        vec![
            witness_signer(0).verifier_key(),
            witness_signer(1).verifier_key(),
        ]
    };
    assert_eq!(
        WitnessPolicy::new(keys(), 0),
        Err(CosignatureError::BadThreshold {
            threshold: 0,
            witnesses: 2
        })
    );
    assert!(matches!(
        WitnessPolicy::new(keys(), 3),
        Err(CosignatureError::BadThreshold { .. })
    ));
    let mut duplicated = keys();
    duplicated.push(witness_signer(0).verifier_key());
    assert!(matches!(
        WitnessPolicy::new(duplicated, 1),
        Err(CosignatureError::DuplicateWitness { .. })
    ));
    assert!(matches!(
        WitnessPolicy::new(vec![log_vkey()], 1),
        Err(CosignatureError::Key(NoteError::WrongKeyType { .. }))
    ));
    let ok = WitnessPolicy::new(keys(), 2).unwrap();
    assert_eq!((ok.threshold(), ok.witnesses().len()), (2, 2));
}
