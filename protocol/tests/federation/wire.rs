//! Wire messages: canonical round trips, size caps, content-derived ids,
//! request checks, and garbage that must be refused without a panic.

use pbnode_protocol::federation::wire::MAX_PROOF_HASHES;
use pbnode_protocol::federation::{
    ForkEvidence, GossipMessage, LogInfo, MAX_ENTRIES_PER_REQUEST, MAX_GOSSIP_BYTES, ProcessEvent,
    SyncRequest, SyncResponse, WireError, message_id,
};
use pbnode_protocol::ids::Id;
use proptest::prelude::*;

fn origin() -> String {
    format!("pbnode/gdansk/{}", "ab".repeat(32))
}

fn bad_request(result: Result<(), WireError>) -> String {
    match result {
        Err(WireError::BadRequest(text)) => text,
        other => panic!("expected a bad request, got {other:?}"),
    }
}

#[test]
fn an_oversize_gossip_message_is_refused_both_ways() {
    let big = GossipMessage::Manifest {
        signed: vec![7; MAX_GOSSIP_BYTES],
    };
    let error = big.encode().unwrap_err();
    assert!(error.to_string().contains("exceeds"), "{error}");
    let bytes = pbnode_protocol::encoding::to_bytes(&big).unwrap();
    let error = GossipMessage::decode(&bytes).unwrap_err();
    assert!(error.to_string().contains("exceeds"), "{error}");
    // Exactly at the cap passes: 4 bytes variant, 4 bytes length, the rest.
    let fits = GossipMessage::Manifest {
        signed: vec![7; MAX_GOSSIP_BYTES - 8],
    };
    assert_eq!(fits.encode().unwrap().len(), MAX_GOSSIP_BYTES);
    assert_eq!(GossipMessage::decode(&fits.encode().unwrap()), Ok(fits));
}

#[test]
fn decoding_is_strict() {
    let message = GossipMessage::Checkpoint { note: "x".into() };
    let mut bytes = message.encode().unwrap();
    bytes.push(0);
    assert!(GossipMessage::decode(&bytes).is_err(), "trailing byte");
    // Variant 5 does not exist.
    assert!(GossipMessage::decode(&[0, 0, 0, 5, 0, 0, 0, 0]).is_err());
}

#[test]
fn the_message_id_is_blake3_of_the_bytes() {
    let message = GossipMessage::Cosigned { note: "n".into() };
    let bytes = message.encode().unwrap();
    assert_eq!(message_id(&bytes), *blake3::hash(&bytes).as_bytes());
    let other = GossipMessage::Checkpoint { note: "n".into() }
        .encode()
        .unwrap();
    assert_ne!(message_id(&bytes), message_id(&other));
}

#[test]
fn gossip_content_checks() {
    let process = Id::from_bytes([0xab; 32]);
    let announce = |origin: &str| GossipMessage::Process {
        origin: origin.into(),
        process,
        owner: Id::from_bytes([1; 32]),
        event: ProcessEvent::Closed,
    };
    announce(&origin()).check().unwrap();
    assert!(announce("pbnode/gdansk/cd").check().is_err());
    assert!(announce("elsewhere").check().is_err());
    let same = GossipMessage::Equivocation {
        first: "a".into(),
        second: "a".into(),
        fork: None,
    };
    assert!(same.check().is_err());
    let fork = |hashes: usize| GossipMessage::Equivocation {
        first: "a".into(),
        second: "b".into(),
        fork: Some(ForkEvidence {
            implied_old_root: [1; 32],
            proof: vec![[2; 32]; hashes],
        }),
    };
    fork(MAX_PROOF_HASHES).check().unwrap();
    assert!(fork(MAX_PROOF_HASHES + 1).check().is_err());
}

#[test]
fn requests_are_checked_the_same_on_both_sides() {
    let entries = |start: u64, limit: u32| SyncRequest::Entries {
        origin: origin(),
        start,
        limit,
    };
    entries(0, 1).check().unwrap();
    entries(5, MAX_ENTRIES_PER_REQUEST).check().unwrap();
    assert!(bad_request(entries(0, 0).check()).contains("limit 0"));
    assert!(bad_request(entries(0, MAX_ENTRIES_PER_REQUEST + 1).check()).contains("limit"));
    assert!(bad_request(entries(u64::MAX, 1).check()).contains("overflows"));
    let bad_origin = SyncRequest::Checkpoint {
        origin: "pbnode/Gdansk/x".into(),
    };
    assert!(bad_request(bad_origin.check()).contains("origin"));
    let inclusion = |index, size| SyncRequest::Inclusion {
        origin: origin(),
        index,
        size,
    };
    inclusion(3, 4).check().unwrap();
    assert!(bad_request(inclusion(4, 4).check()).contains("leaf 4"));
    let consistency = |old_size, new_size| SyncRequest::Consistency {
        origin: origin(),
        old_size,
        new_size,
    };
    consistency(0, 4).check().unwrap();
    consistency(4, 4).check().unwrap();
    assert!(bad_request(consistency(5, 4).check()).contains("smaller"));
    assert!(
        bad_request(
            SyncRequest::Cosign {
                body: String::new()
            }
            .check()
        )
        .contains("empty")
    );
    SyncRequest::Logs.check().unwrap();
    SyncRequest::Manifest.check().unwrap();
    SyncRequest::Object { id: [0; 32] }.check().unwrap();
}

#[test]
fn responses_over_their_caps_are_refused() {
    let many = SyncResponse::Entries {
        start: 0,
        entries: vec![vec![1]; MAX_ENTRIES_PER_REQUEST as usize + 1],
    };
    assert!(bad_request(many.check()).contains("entries"));
    let long = SyncResponse::Proof(vec![[0; 32]; MAX_PROOF_HASHES + 1]);
    assert!(bad_request(long.check()).contains("proof"));
    SyncResponse::Proof(vec![[0; 32]; MAX_PROOF_HASHES])
        .check()
        .unwrap();
}

fn text() -> impl Strategy<Value = String> {
    "[ -~\n]{0,40}"
}

fn id32() -> impl Strategy<Value = [u8; 32]> {
    any::<[u8; 32]>()
}

pub fn gossip() -> impl Strategy<Value = GossipMessage> {
    let event = prop_oneof![
        Just(ProcessEvent::Opened),
        Just(ProcessEvent::Closed),
        Just(ProcessEvent::Tallied),
        Just(ProcessEvent::Aggregated),
    ];
    prop_oneof![
        text().prop_map(|note| GossipMessage::Checkpoint { note }),
        text().prop_map(|note| GossipMessage::Cosigned { note }),
        (text(), id32(), id32(), event).prop_map(|(origin, p, o, event)| {
            GossipMessage::Process {
                origin,
                process: Id::from_bytes(p),
                owner: Id::from_bytes(o),
                event,
            }
        }),
        (
            text(),
            text(),
            prop::option::of((
                any::<[u8; 32]>(),
                prop::collection::vec(any::<[u8; 32]>(), 0..4)
            ))
        )
            .prop_map(|(first, second, fork)| GossipMessage::Equivocation {
                first,
                second,
                fork: fork.map(|(implied_old_root, proof)| ForkEvidence {
                    implied_old_root,
                    proof
                }),
            }),
        prop::collection::vec(any::<u8>(), 0..64)
            .prop_map(|signed| GossipMessage::Manifest { signed }),
    ]
}

fn request() -> impl Strategy<Value = SyncRequest> {
    prop_oneof![
        Just(SyncRequest::Logs),
        Just(SyncRequest::Manifest),
        text().prop_map(|origin| SyncRequest::Checkpoint { origin }),
        (text(), any::<u64>(), any::<u32>()).prop_map(|(origin, start, limit)| {
            SyncRequest::Entries {
                origin,
                start,
                limit,
            }
        }),
        (text(), any::<u64>(), any::<u64>()).prop_map(|(origin, index, size)| {
            SyncRequest::Inclusion {
                origin,
                index,
                size,
            }
        }),
        (text(), any::<u64>(), any::<u64>()).prop_map(|(origin, old_size, new_size)| {
            SyncRequest::Consistency {
                origin,
                old_size,
                new_size,
            }
        }),
        id32().prop_map(|id| SyncRequest::Object { id }),
        text().prop_map(|body| SyncRequest::Cosign { body }),
    ]
}

fn wire_error() -> impl Strategy<Value = WireError> {
    prop_oneof![
        text().prop_map(WireError::NotFound),
        text().prop_map(WireError::BadRequest),
        text().prop_map(WireError::Refused),
        text().prop_map(WireError::Internal),
    ]
}

fn response() -> impl Strategy<Value = SyncResponse> {
    let bytes = || prop::collection::vec(any::<u8>(), 0..40);
    prop_oneof![
        prop::collection::vec((text(), text()), 0..3).prop_map(|logs| SyncResponse::Logs(
            logs.into_iter()
                .map(|(origin, checkpoint)| LogInfo { origin, checkpoint })
                .collect()
        )),
        text().prop_map(SyncResponse::Checkpoint),
        (any::<u64>(), prop::collection::vec(bytes(), 0..4))
            .prop_map(|(start, entries)| SyncResponse::Entries { start, entries }),
        prop::collection::vec(id32(), 0..4).prop_map(SyncResponse::Proof),
        bytes().prop_map(SyncResponse::Object),
        text().prop_map(SyncResponse::Cosignature),
        any::<u64>().prop_map(|latest_size| SyncResponse::CosignConflict { latest_size }),
        bytes().prop_map(SyncResponse::Manifest),
        wire_error().prop_map(SyncResponse::Error),
    ]
}

proptest! {
    #[test]
    fn gossip_round_trips_and_its_id_is_of_its_bytes(message in gossip()) {
        let bytes = message.encode().unwrap();
        prop_assert_eq!(GossipMessage::decode(&bytes).unwrap(), message.clone());
        prop_assert_eq!(message_id(&bytes), message_id(&message.encode().unwrap()));
    }

    #[test]
    fn sync_messages_round_trip(request in request(), response in response()) {
        let bytes = request.encode().unwrap();
        prop_assert_eq!(SyncRequest::decode(&bytes).unwrap(), request);
        let bytes = response.encode().unwrap();
        prop_assert_eq!(SyncResponse::decode(&bytes).unwrap(), response);
    }

    /// Whatever the bytes: no panic, and anything accepted re-encodes to
    /// exactly those bytes (one message, one encoding).
    #[test]
    fn garbage_never_panics_and_accepted_bytes_are_canonical(
        bytes in prop::collection::vec(any::<u8>(), 0..200),
    ) {
        if let Ok(message) = GossipMessage::decode(&bytes) {
            let _ = message.check();
            prop_assert_eq!(message.encode().unwrap(), bytes.clone());
        }
        if let Ok(request) = SyncRequest::decode(&bytes) {
            let _ = request.check();
            prop_assert_eq!(request.encode().unwrap(), bytes.clone());
        }
        if let Ok(response) = SyncResponse::decode(&bytes) {
            let _ = response.check();
            prop_assert_eq!(response.encode().unwrap(), bytes);
        }
    }

    /// Valid messages with one byte changed or cut short never panic.
    #[test]
    fn mutated_messages_never_panic(message in gossip(), at in any::<prop::sample::Index>(), cut in any::<bool>()) {
        let mut bytes = message.encode().unwrap();
        let i = at.index(bytes.len());
        if cut { bytes.truncate(i) } else { bytes[i] ^= 0x5a }
        let _ = GossipMessage::decode(&bytes).map(|m| m.check());
    }
}
