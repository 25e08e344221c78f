//! Decoding the per-voter entries of a log with each key decompressed once.
//!
//! Why: a voter key appears four times in a log (credential, commitment
//! value and signer, ballot) and the node key once per credential, and
//! decoding a [`PublicKey`] decompresses a curve point, which costs about a
//! third of a batched signature check. Over a million ballots that was most
//! of a recount. And the generic decoder reads fixed-size fields (ids, keys,
//! signatures: 192 bytes of a commitment) one byte per call.
//!
//! How, without loosening anything: the hot entry kinds (credentials of
//! both kinds, commitment, opening) are read by hand, field by field in the
//! order of the real types and by the rules of the canonical encoding
//! (`encoding`: fixed-size fields raw, integers and variant indices big
//! endian, lengths and counts as `u32` no larger than the bytes left,
//! strings valid UTF-8, nothing left over), with keys kept as raw bytes;
//! each distinct key is then checked once with [`PublicKey::from_bytes`],
//! exactly what decoding a `PublicKey` does. Whenever the fast path refuses
//! an entry (bad bytes, bad key), [`encoding::from_bytes`] decodes it again
//! so the error is exactly the one the canonical decoder gives.

use crate::ballot::{BallotCommitment, BallotOpening, Commitment, Nonce};
use crate::crypto::{PublicKey, Signature, Signed};
use crate::encoding::{self, DecodeError};
use crate::ids::Id;
use crate::objects::{Ballot, BallotOpened, Choice, LogEntry, ProcessId, VoterCredential};
use std::collections::HashMap;

/// Variant indices of the hot [`LogEntry`] kinds (fixed by the format).
const CREDENTIAL_ISSUED: u32 = 4;
const BALLOT_COMMITTED: u32 = 5;
const BALLOT_OPENED: u32 = 6;
const VOTER_REGISTERED: u32 = 10;

/// The variant index of [`VoterCredential::V1`].
const CREDENTIAL_V1: u32 = 0;

/// The bytes of one entry still to read, by the canonical encoding's rules;
/// every method gives `None` where the canonical decoder gives an error.
struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (head, rest) = self.rest.split_first_chunk::<N>()?;
        self.rest = rest;
        Some(*head)
    }

    fn u32(&mut self) -> Option<u32> {
        self.array().map(u32::from_be_bytes)
    }

    fn u64(&mut self) -> Option<u64> {
        self.array().map(u64::from_be_bytes)
    }

    /// A length or count: refused when larger than the bytes left.
    fn len(&mut self) -> Option<usize> {
        let len = usize::try_from(self.u32()?).ok()?;
        (len <= self.rest.len()).then_some(len)
    }

    fn string(&mut self) -> Option<String> {
        let len = self.len()?;
        let (text, rest) = self.rest.split_at_checked(len)?;
        self.rest = rest;
        std::str::from_utf8(text).ok().map(str::to_owned)
    }

    fn id<T>(&mut self) -> Option<Id<T>> {
        self.array().map(Id::from_bytes)
    }

    /// Succeeds only when every byte was read.
    fn end(&self) -> Option<()> {
        self.rest.is_empty().then_some(())
    }
}

/// [`VoterCredential`] with its voter key unchecked.
struct RawCredential {
    process: ProcessId,
    district: String,
    voter: [u8; 32],
    issued_at: u64,
}

impl RawCredential {
    fn read(reader: &mut Reader) -> Option<Self> {
        if reader.u32()? != CREDENTIAL_V1 {
            return None;
        }
        Some(RawCredential {
            process: reader.id()?,
            district: reader.string()?,
            voter: reader.array()?,
            issued_at: reader.u64()?,
        })
    }
}

/// A choice: the project id and the points.
fn read_choice(reader: &mut Reader) -> Option<Choice> {
    Some(Choice {
        project: reader.id()?,
        points: reader.u32()?,
    })
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

    /// The hot kinds read by hand; `None` for other kinds and for anything
    /// the canonical decoder must judge.
    fn decode_hot(&mut self, data: &[u8]) -> Option<LogEntry> {
        let (tag, payload) = data.split_first_chunk::<4>()?;
        let mut reader = Reader { rest: payload };
        let entry = match u32::from_be_bytes(*tag) {
            CREDENTIAL_ISSUED => {
                let raw = RawCredential::read(&mut reader)?;
                let signer: [u8; 32] = reader.array()?;
                let signature = Signature(reader.array()?);
                reader.end()?;
                let value = self.credential(raw)?;
                LogEntry::CredentialIssued(Signed {
                    value,
                    signer: self.key(&signer)?,
                    signature,
                })
            }
            VOTER_REGISTERED => {
                let raw = RawCredential::read(&mut reader)?;
                reader.end()?;
                LogEntry::VoterRegistered(self.credential(raw)?)
            }
            BALLOT_COMMITTED => {
                let process = reader.id()?;
                let voter_bytes: [u8; 32] = reader.array()?;
                let commitment = Commitment(reader.array()?);
                let signer_bytes: [u8; 32] = reader.array()?;
                let signature = Signature(reader.array()?);
                reader.end()?;
                let voter = self.key(&voter_bytes)?;
                // The signer is the voter on every valid commitment: one
                // look-up for both.
                let signer = if signer_bytes == voter_bytes {
                    voter
                } else {
                    self.key(&signer_bytes)?
                };
                LogEntry::BallotCommitted(Signed {
                    value: BallotCommitment {
                        process,
                        voter,
                        commitment,
                    },
                    signer,
                    signature,
                })
            }
            BALLOT_OPENED => {
                let commitment = reader.id()?;
                let process = reader.id()?;
                let district = reader.string()?;
                let voter: [u8; 32] = reader.array()?;
                let count = reader.len()?;
                let choices = (0..count)
                    .map(|_| read_choice(&mut reader))
                    .collect::<Option<Vec<Choice>>>()?;
                let nonce = Nonce(reader.array()?);
                reader.end()?;
                let ballot = Ballot {
                    process,
                    district,
                    voter: self.key(&voter)?,
                    choices,
                };
                LogEntry::BallotOpened(BallotOpened {
                    commitment,
                    opening: BallotOpening { ballot, nonce },
                })
            }
            _ => return None,
        };
        Some(entry)
    }

    fn credential(&mut self, raw: RawCredential) -> Option<VoterCredential> {
        Some(VoterCredential::V1 {
            process: raw.process,
            district: raw.district,
            voter: self.key(&raw.voter)?,
            issued_at: raw.issued_at,
        })
    }

    /// The key, checked by [`PublicKey::from_bytes`] the first time it is
    /// seen; `None` when it is not a valid key.
    fn key(&mut self, bytes: &[u8; 32]) -> Option<PublicKey> {
        if let Some(key) = self.keys.get(bytes) {
            return Some(*key);
        }
        let key = PublicKey::from_bytes(bytes).ok()?;
        self.keys.insert(*bytes, key);
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
            choices: vec![
                Choice {
                    project: Id::from_bytes([4; 32]),
                    points: 1,
                },
                Choice {
                    project: Id::from_bytes([6; 32]),
                    points: 0x0102_0304,
                },
            ],
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
