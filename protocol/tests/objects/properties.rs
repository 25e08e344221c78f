//! Property tests, for every object type:
//! - encode -> decode -> encode gives identical bytes (and JSON round-trips);
//! - flipping any byte of the canonical bytes or of the signature breaks
//!   verification, and a flipped encoding that still decodes re-encodes to itself;
//! - a signature made for one object type never verifies under another
//!   type's tag, on the very same bytes.

use super::strategies as s;
use pbnode_protocol::crypto::{RESERVED_TYPES, Signable, SigningKey};
use pbnode_protocol::encoding::from_bytes;
use pbnode_protocol::objects::OBJECT_TYPES;
use proptest::prelude::*;
use proptest::sample::Index;
use serde::de::DeserializeOwned;
use std::collections::BTreeSet;
use std::fmt::Debug;

/// Cases per object type (proptest's default, stated explicitly).
const CASES: u32 = 256;

fn check<T>(value: &T, key: &SigningKey, flip: Index, mask: u8) -> Result<(), TestCaseError>
where
    T: Signable + Clone + DeserializeOwned + PartialEq + Debug,
{
    let bytes = value.canonical_bytes().unwrap();
    let decoded: T = from_bytes(&bytes).unwrap();
    prop_assert_eq!(&decoded, value);
    prop_assert_eq!(&decoded.canonical_bytes().unwrap(), &bytes);
    let json = serde_json::to_string(value).unwrap();
    prop_assert_eq!(&serde_json::from_str::<T>(&json).unwrap(), value);

    let public = key.public_key();
    let signed = value.clone().sign(key).unwrap();
    prop_assert!(signed.verify(&public).is_ok());

    let mut tampered = bytes.clone();
    tampered[flip.index(bytes.len())] ^= mask;
    prop_assert!(
        public
            .verify_tagged(T::TYPE, &tampered, &signed.signature)
            .is_err()
    );
    if let Ok(other) = from_bytes::<T>(&tampered) {
        prop_assert_eq!(other.canonical_bytes().unwrap(), tampered);
    }

    let mut signature = signed.signature;
    signature.0[flip.index(64)] ^= mask;
    prop_assert!(public.verify_tagged(T::TYPE, &bytes, &signature).is_err());

    for other in OBJECT_TYPES.iter().filter(|t| **t != T::TYPE) {
        prop_assert!(
            public
                .verify_tagged(other, &bytes, &signed.signature)
                .is_err()
        );
    }
    Ok(())
}

macro_rules! object_properties {
    ($($name:ident: $strategy:expr;)*) => {
        proptest! {
            #![proptest_config(ProptestConfig::with_cases(CASES))]
            $(
                #[test]
                fn $name(
                    value in $strategy,
                    key in s::signing_key(),
                    flip in any::<Index>(),
                    mask in 1..=255u8,
                ) {
                    check(&value, &key, flip, mask)?;
                }
            )*
        }
    };
}

object_properties! {
    jurisdiction: s::jurisdiction();
    process_def: s::process_def();
    phase_change: s::phase_change();
    proposal: s::proposal();
    proposal_status_change: s::status_change();
    voter_credential: s::credential();
    ballot: s::ballot();
    ballot_commitment: s::commitment();
    ballot_opening: s::opening();
    ballot_opened: s::ballot_opened();
    withheld_opening_proof: s::withheld_proof();
    close: s::close();
    tally: s::tally();
    aggregate: s::aggregate();
    log_entry: s::log_entry();
}

#[test]
fn type_tags_are_distinct_unreserved_and_unambiguous() {
    let distinct: BTreeSet<&str> = OBJECT_TYPES.iter().copied().collect();
    assert_eq!(distinct.len(), OBJECT_TYPES.len());
    for tag in OBJECT_TYPES {
        assert!(!RESERVED_TYPES.contains(tag), "{tag} is reserved");
        assert!(
            tag.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
            "{tag}: lower-case ASCII and '-' only (so never 0x00)"
        );
    }
}

/// An edit to a valid encoding: flip, insert or delete one byte, or truncate.
fn mutate(bytes: &mut Vec<u8>, op: u8, at: Index, byte: u8) {
    let i = at.index(bytes.len());
    match op {
        0 => bytes[i] ^= byte | 1,
        1 => bytes.insert(i, byte),
        2 => {
            bytes.remove(i);
        }
        _ => bytes.truncate(i),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    /// The decoder never panics on damaged input, and whatever it accepts
    /// re-encodes to exactly the same bytes (one value, one encoding).
    #[test]
    fn damaged_log_entries_are_rejected_or_canonical(
        entry in s::log_entry(),
        op in 0..4u8,
        at in any::<Index>(),
        byte in any::<u8>(),
    ) {
        let mut bytes = entry.leaf_data().unwrap();
        mutate(&mut bytes, op, at, byte);
        if let Ok(decoded) = from_bytes::<pbnode_protocol::objects::LogEntry>(&bytes) {
            prop_assert_eq!(decoded.leaf_data().unwrap(), bytes);
        }
    }

    /// The variant peek replication uses agrees with a full decode.
    #[test]
    fn object_holding_entries_are_recognised_without_decoding(entry in s::log_entry()) {
        use pbnode_protocol::objects::LogEntry;
        let holds = matches!(
            entry,
            LogEntry::ProcessDefined(_) | LogEntry::Tallied(_) | LogEntry::Aggregated(_)
        );
        prop_assert_eq!(LogEntry::may_hold_object(&entry.leaf_data().unwrap()), holds);
    }
}
