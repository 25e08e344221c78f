//! Decoding the per-voter entries of a log with each key decompressed once.
//!
//! Why: a voter key appears four times in a log (credential, commitment
//! value and signer, ballot) and the node key once per credential, and
//! decoding a [`PublicKey`] decompresses a curve point, which costs about a
//! third of a batched signature check. Over a million ballots that was most
//! of a recount.
//!
//! How, without loosening anything: the hot entry kinds (credentials of
//! both kinds, commitment, opening) are decoded by the same canonical decoder into
//! mirror types whose keys are raw bytes, and each distinct key is then
//! checked once with [`PublicKey::from_bytes`], exactly what decoding a
//! `PublicKey` does. The mirrors have the same fields in the same order as
//! the real types, so they accept exactly the same bytes apart from the key
//! check. Whenever the fast path refuses an entry (bad bytes, bad key),
//! [`encoding::from_bytes`] decodes it again so the error is exactly the
//! one the canonical decoder gives.

use crate::ballot::{BallotCommitment, BallotOpening, Commitment, Nonce};
use crate::crypto::{PublicKey, Signature, Signed};
use crate::encoding::{self, DecodeError, fixed};
use crate::ids::Id;
use crate::objects::{Ballot, BallotOpened, Choice, LogEntry, ProcessId, VoterCredential};
use serde::{Deserialize, Deserializer};
use std::collections::HashMap;

/// Variant indices of the hot [`LogEntry`] kinds (fixed by the format).
const CREDENTIAL_ISSUED: u32 = 4;
const BALLOT_COMMITTED: u32 = 5;
const BALLOT_OPENED: u32 = 6;
const VOTER_REGISTERED: u32 = 10;

/// A key's 32 bytes, not yet checked.
struct KeyBytes([u8; 32]);

impl<'de> Deserialize<'de> for KeyBytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        fixed::deserialize(d).map(KeyBytes)
    }
}

/// `Signed<T>` with its signer unchecked.
#[derive(Deserialize)]
struct RawSigned<T> {
    value: T,
    signer: KeyBytes,
    signature: Signature,
}

/// [`VoterCredential`] with its voter key unchecked.
#[derive(Deserialize)]
enum RawCredential {
    V1 {
        process: ProcessId,
        district: String,
        voter: KeyBytes,
        issued_at: u64,
    },
}

/// [`BallotCommitment`] with its voter key unchecked.
#[derive(Deserialize)]
struct RawCommitment {
    process: ProcessId,
    voter: KeyBytes,
    commitment: Commitment,
}

/// [`Ballot`] with its voter key unchecked.
#[derive(Deserialize)]
struct RawBallot {
    process: ProcessId,
    district: String,
    voter: KeyBytes,
    choices: Vec<Choice>,
}

/// [`BallotOpened`] with the ballot's voter key unchecked.
#[derive(Deserialize)]
struct RawOpened {
    commitment: Id<BallotCommitment>,
    ballot: RawBallot,
    nonce: Nonce,
}

/// How many entries of the per-voter kinds a log holds, by their variant
/// index alone (nothing decoded): to size the walk's tables once.
pub(crate) struct KindCounts {
    /// Credentials of either kind.
    pub(crate) credentials: usize,
    /// Commitments.
    pub(crate) commitments: usize,
}

/// Counts the per-voter kinds in `entries` (see [`KindCounts`]); entries
/// too short for a variant index count as neither.
pub(crate) fn count_kinds(entries: &[Vec<u8>]) -> KindCounts {
    let mut counts = KindCounts {
        credentials: 0,
        commitments: 0,
    };
    for data in entries {
        match data.first_chunk::<4>().map(|tag| u32::from_be_bytes(*tag)) {
            Some(CREDENTIAL_ISSUED | VOTER_REGISTERED) => counts.credentials += 1,
            Some(BALLOT_COMMITTED) => counts.commitments += 1,
            _ => {}
        }
    }
    counts
}

/// Decodes log entries, remembering every key it has checked.
#[derive(Default)]
pub(crate) struct EntryDecoder {
    keys: HashMap<[u8; 32], PublicKey>,
}

impl EntryDecoder {
    /// Room for `additional` more keys without growing the memory.
    pub(crate) fn reserve(&mut self, additional: usize) {
        self.keys.reserve(additional);
    }

    /// The entry `data` encodes: the same value, or the same error, as
    /// `encoding::from_bytes::<LogEntry>(data)`.
    pub(crate) fn decode(&mut self, data: &[u8]) -> Result<LogEntry, DecodeError> {
        match self.decode_hot(data) {
            Some(entry) => Ok(entry),
            None => encoding::from_bytes(data),
        }
    }

    /// The hot kinds through the mirrors; `None` for other kinds and for
    /// anything the canonical decoder must judge.
    fn decode_hot(&mut self, data: &[u8]) -> Option<LogEntry> {
        let (tag, payload) = data.split_first_chunk::<4>()?;
        match u32::from_be_bytes(*tag) {
            CREDENTIAL_ISSUED => {
                let raw: RawSigned<RawCredential> = encoding::from_bytes(payload).ok()?;
                let value = self.credential(raw.value)?;
                Some(LogEntry::CredentialIssued(self.signed(
                    value,
                    &raw.signer,
                    raw.signature,
                )?))
            }
            VOTER_REGISTERED => {
                let raw: RawCredential = encoding::from_bytes(payload).ok()?;
                Some(LogEntry::VoterRegistered(self.credential(raw)?))
            }
            BALLOT_COMMITTED => {
                let raw: RawSigned<RawCommitment> = encoding::from_bytes(payload).ok()?;
                let voter = self.key(&raw.value.voter)?;
                // The signer is the voter on every valid commitment: one
                // look-up for both.
                let signer = if raw.signer.0 == raw.value.voter.0 {
                    voter
                } else {
                    self.key(&raw.signer)?
                };
                let value = BallotCommitment {
                    process: raw.value.process,
                    voter,
                    commitment: raw.value.commitment,
                };
                Some(LogEntry::BallotCommitted(Signed {
                    value,
                    signer,
                    signature: raw.signature,
                }))
            }
            BALLOT_OPENED => {
                let raw: RawOpened = encoding::from_bytes(payload).ok()?;
                let ballot = Ballot {
                    process: raw.ballot.process,
                    district: raw.ballot.district,
                    voter: self.key(&raw.ballot.voter)?,
                    choices: raw.ballot.choices,
                };
                Some(LogEntry::BallotOpened(BallotOpened {
                    commitment: raw.commitment,
                    opening: BallotOpening {
                        ballot,
                        nonce: raw.nonce,
                    },
                }))
            }
            _ => None,
        }
    }

    fn credential(&mut self, raw: RawCredential) -> Option<VoterCredential> {
        let RawCredential::V1 {
            process,
            district,
            voter,
            issued_at,
        } = raw;
        Some(VoterCredential::V1 {
            process,
            district,
            voter: self.key(&voter)?,
            issued_at,
        })
    }

    fn signed<T>(
        &mut self,
        value: T,
        signer: &KeyBytes,
        signature: Signature,
    ) -> Option<Signed<T>> {
        Some(Signed {
            value,
            signer: self.key(signer)?,
            signature,
        })
    }

    /// The key, checked by [`PublicKey::from_bytes`] the first time it is
    /// seen; `None` when it is not a valid key.
    fn key(&mut self, bytes: &KeyBytes) -> Option<PublicKey> {
        if let Some(key) = self.keys.get(&bytes.0) {
            return Some(*key);
        }
        let key = PublicKey::from_bytes(&bytes.0).ok()?;
        self.keys.insert(bytes.0, key);
        Some(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::{Signable, SigningKey};
    use crate::objects::Close;

    fn entries() -> Vec<Vec<u8>> {
        let node = SigningKey::from_seed(&[1; 32]);
        let voter = SigningKey::from_seed(&[2; 32]);
        let process: ProcessId = Id::from_bytes([3; 32]);
        let ballot = Ballot {
            process,
            district: "north".into(),
            voter: voter.public_key(),
            choices: vec![Choice {
                project: Id::from_bytes([4; 32]),
                points: 1,
            }],
        };
        let opening = BallotOpening {
            ballot,
            nonce: Nonce([5; 32]),
        };
        let commitment = opening.commitment().unwrap();
        let credential = VoterCredential::V1 {
            process,
            district: "north".into(),
            voter: voter.public_key(),
            issued_at: 7,
        };
        [
            LogEntry::CredentialIssued(credential.clone().sign(&node).unwrap()),
            LogEntry::VoterRegistered(credential),
            LogEntry::BallotOpened(BallotOpened {
                commitment: commitment.id().unwrap(),
                opening,
            }),
            LogEntry::BallotCommitted(commitment.sign(&voter).unwrap()),
            LogEntry::Closed(Close { process, at: 9 }),
        ]
        .iter()
        .map(|e| e.leaf_data().unwrap())
        .collect()
    }

    /// Every byte position of `data` set to `value`, one at a time.
    fn damaged(data: &[u8], value: u8) -> impl Iterator<Item = Vec<u8>> + '_ {
        (0..data.len()).map(move |i| {
            let mut copy = data.to_vec();
            copy[i] = value;
            copy
        })
    }

    #[test]
    fn decodes_exactly_as_the_canonical_decoder_valid_or_damaged() {
        let mut decoder = EntryDecoder::default();
        let mut cases: Vec<Vec<u8>> = Vec::new();
        let mut truncated = 0;
        for data in entries() {
            cases.push(data.clone());
            // Every field damaged (keys invalid or of another voter, bad
            // lengths, tags, UTF-8), truncated, extended.
            cases.extend(damaged(&data, 0xff));
            cases.extend(damaged(&data, 0x00));
            cases.extend(damaged(&data, 0x80));
            for cut in 0..data.len() {
                cases.push(data[..cut].to_vec());
                truncated += 1;
            }
            let mut longer = data.clone();
            longer.push(0);
            cases.push(longer);
        }
        let mut refused = 0;
        for (i, data) in cases.iter().enumerate() {
            let expected = encoding::from_bytes::<LogEntry>(data);
            refused += usize::from(expected.is_err());
            // Twice: the second time its keys come from the memory.
            assert_eq!(decoder.decode(data), expected, "case {i}");
            assert_eq!(decoder.decode(data), expected, "case {i} again");
        }
        // Every truncation and some damage is refused.
        assert!(refused > truncated, "{refused} refused");
    }

    #[test]
    fn an_invalid_key_is_the_canonical_decoders_error_even_after_valid_keys() {
        let mut decoder = EntryDecoder::default();
        let data = entries().remove(3);
        decoder.decode(&data).unwrap();
        // The commitment's signer key (just before the signature) replaced by
        // a non-canonical encoding: y = p.
        let mut bad = data.clone();
        let at = bad.len() - 96;
        bad[at..at + 32].copy_from_slice(&{
            let mut p = [0xffu8; 32];
            p[0] = 0xed;
            p[31] = 0x7f;
            p
        });
        let expected = encoding::from_bytes::<LogEntry>(&bad);
        assert!(expected.is_err());
        assert_eq!(decoder.decode(&bad), expected);
    }
}
