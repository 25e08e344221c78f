//! Serde forms are the C2SP texts, and round-trip.

use crate::merkle::Sha256Hasher;

use super::support::{
    consistency_proof, leaves, log_vkey, root, signed_checkpoint, witness_signer,
};
use crate::note::{Checkpoint, Conflict, Cosignature, Equivocation, SignedCheckpoint, VerifierKey};

#[test]
fn keys_and_checkpoints_serialize_as_their_text() {
    let vkey = log_vkey();
    assert_eq!(serde_json::to_value(&vkey).unwrap(), vkey.to_string());
    let back: VerifierKey = serde_json::from_value(serde_json::to_value(&vkey).unwrap()).unwrap();
    assert_eq!(back, vkey);

    let signed = signed_checkpoint(&leaves("a", 3));
    let json = serde_json::to_value(&signed).unwrap();
    assert_eq!(json, signed.to_text());
    let back: SignedCheckpoint = serde_json::from_value(json).unwrap();
    assert_eq!(back, signed);

    let checkpoint: Checkpoint =
        serde_json::from_value(serde_json::to_value(signed.checkpoint()).unwrap()).unwrap();
    assert_eq!(&checkpoint, signed.checkpoint());
    assert!(serde_json::to_value(Checkpoint::new("", 0, [0; 32])).is_err());
    assert!(serde_json::from_str::<SignedCheckpoint>("\"not a note\"").is_err());
}

#[test]
fn cosignatures_serialize_as_their_signature_line() {
    let signed = signed_checkpoint(&leaves("a", 3));
    let cosig = Cosignature::sign(&witness_signer(0), signed.checkpoint(), 42).unwrap();
    let json = serde_json::to_value(&cosig).unwrap();
    let line = cosig.to_note_signature().to_line();
    assert_eq!(json, line.trim_end_matches('\n'));
    let back: Cosignature = serde_json::from_value(json).unwrap();
    assert_eq!(back, cosig);
}

#[test]
fn equivocations_round_trip_and_still_verify() {
    let (a, b) = (leaves("a", 4), leaves("b", 9));
    let fork = Equivocation::new(
        signed_checkpoint(&a),
        signed_checkpoint(&b),
        Conflict::Fork {
            implied_old_root: root(&b[..4]),
            proof: consistency_proof(4, &b),
        },
    );
    let same = Equivocation::new(
        signed_checkpoint(&a),
        signed_checkpoint(&leaves("b", 4)),
        Conflict::SameSize,
    );
    for proof in [fork, same] {
        let json = serde_json::to_string(&proof).unwrap();
        let back: Equivocation = serde_json::from_str(&json).unwrap();
        assert_eq!(back, proof);
        assert_eq!(back.verify(&[log_vkey()], &Sha256Hasher), Ok(()));
    }
    let bad_hash = serde_json::json!({
        "first": signed_checkpoint(&a).to_text(),
        "second": signed_checkpoint(&b).to_text(),
        "conflict": "fork",
        "implied_old_root": "AAAA",
        "proof": [],
    });
    assert!(serde_json::from_value::<Equivocation>(bad_hash).is_err());
}
