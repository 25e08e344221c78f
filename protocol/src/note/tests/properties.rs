//! Property tests: checkpoint text is canonical, any byte flip breaks a
//! signed (or cosigned) checkpoint, and log signatures and cosignatures can
//! never stand in for each other.

use proptest::prelude::*;

use super::support::{leaves, log_vkey, signed_checkpoint, witness_signer};
use crate::note::signed_note::verify_signature;
use crate::note::{
    Checkpoint, Cosignature, SignatureType, SignedCheckpoint, SignedNote, SignerKey, VerifierKey,
    WitnessPolicy,
};

/// Lines without ASCII control characters (any other Unicode allowed).
const LINE: &str = "[^\\x00-\\x1f]{1,24}";

fn checkpoint_strategy() -> impl Strategy<Value = Checkpoint> {
    (
        LINE,
        any::<u64>(),
        any::<[u8; 32]>(),
        prop::collection::vec(LINE, 0..3),
    )
        .prop_map(|(origin, size, root, extensions)| Checkpoint {
            origin,
            size,
            root,
            extensions,
        })
}

fn cosigned() -> SignedCheckpoint {
    let mut signed = signed_checkpoint(&leaves("a", 13));
    let cosig = Cosignature::sign(&witness_signer(0), signed.checkpoint(), 1_750_000_000).unwrap();
    signed.add_signature(cosig.to_note_signature()).unwrap();
    signed
}

/// Whether the bytes still pass as the log's checkpoint with a 1-of-1
/// witness cosignature.
fn accepted(bytes: &[u8], with_witness: bool) -> bool {
    let Ok(note) = SignedNote::parse_bytes(bytes) else {
        return false;
    };
    let Ok(signed) = SignedCheckpoint::from_note(note) else {
        return false;
    };
    if signed.verify_log_signature(&[log_vkey()]).is_err() {
        return false;
    }
    if !with_witness {
        return true;
    }
    let policy = WitnessPolicy::new(vec![witness_signer(0).verifier_key()], 1).unwrap();
    policy.check(&signed).is_ok()
}

proptest! {
    #[test]
    fn checkpoint_format_parse_format_is_identity(checkpoint in checkpoint_strategy()) {
        let text = checkpoint.to_text().unwrap();
        let parsed = Checkpoint::parse(&text).unwrap();
        prop_assert_eq!(&parsed, &checkpoint);
        prop_assert_eq!(parsed.to_text().unwrap(), text);
    }

    #[test]
    fn flipping_any_byte_of_a_signed_checkpoint_is_detected(
        position in any::<prop::sample::Index>(),
        mask in 1u8..=255,
    ) {
        let original = signed_checkpoint(&leaves("a", 13)).to_text().into_bytes();
        prop_assert!(accepted(&original, false));
        let mut flipped = original.clone();
        let i = position.index(flipped.len());
        flipped[i] ^= mask;
        prop_assert!(!accepted(&flipped, false), "byte {} ^ {:#x} accepted", i, mask);
    }

    #[test]
    fn flipping_any_byte_of_a_cosigned_checkpoint_is_detected(
        position in any::<prop::sample::Index>(),
        mask in 1u8..=255,
    ) {
        let original = cosigned().to_text().into_bytes();
        prop_assert!(accepted(&original, true));
        let mut flipped = original.clone();
        let i = position.index(flipped.len());
        flipped[i] ^= mask;
        prop_assert!(!accepted(&flipped, true), "byte {} ^ {:#x} accepted", i, mask);
    }

    #[test]
    fn cosignatures_and_note_signatures_never_cross(
        checkpoint in checkpoint_strategy(),
        seed in any::<[u8; 32]>(),
        timestamp in 0u64..=crate::note::MAX_TIMESTAMP,
    ) {
        let text = checkpoint.to_text().unwrap();
        let as_log = SignerKey::from_seed("k", SignatureType::Ed25519, &seed).unwrap();
        let as_witness = SignerKey::from_seed("k", SignatureType::CosignatureV1, &seed).unwrap();
        let (log_vkey, witness_vkey) = (as_log.verifier_key(), as_witness.verifier_key());
        // Same key material, different ids: lines are never even matched.
        prop_assert_ne!(log_vkey.key_id(), witness_vkey.key_id());

        let note_sig = SignedNote::sign(&text, &as_log).unwrap().signatures()[0].clone();
        let cosig = Cosignature::sign(&as_witness, &checkpoint, timestamp).unwrap();
        let cosig_line = cosig.to_note_signature();
        prop_assert!(verify_signature(&log_vkey, &text, &note_sig.signature).is_some());
        prop_assert!(verify_signature(&witness_vkey, &text, &cosig_line.signature).is_some());

        // A cosignature, whole or stripped of its timestamp, is no note signature.
        prop_assert!(verify_signature(&log_vkey, &text, &cosig_line.signature).is_none());
        prop_assert!(verify_signature(&log_vkey, &text, &cosig.signature).is_none());
        // A note signature, bare or with any timestamp, is no cosignature.
        prop_assert!(verify_signature(&witness_vkey, &text, &note_sig.signature).is_none());
        let mut stamped = timestamp.to_be_bytes().to_vec();
        stamped.extend_from_slice(&note_sig.signature);
        prop_assert!(verify_signature(&witness_vkey, &text, &stamped).is_none());
        // And through the note verifier, with only the other kind of key.
        let mut note = SignedNote::from_parts(&text, vec![note_sig]).unwrap();
        prop_assert!(note.verify(std::slice::from_ref(&witness_vkey)).is_err());
        note.add_signature(cosig_line).unwrap();
        let only_witness: Vec<VerifierKey> = vec![witness_vkey];
        let verified = note.verify(&only_witness).unwrap();
        prop_assert_eq!(verified.verified.len(), 1);
        prop_assert_eq!(verified.verified[0].timestamp, Some(timestamp));
    }
}
