//! The body of `POST /api/v1/processes/{process}/ballots`, parsed straight
//! from the wire bytes.
//!
//! Why: this is the hottest route, and the generic path (serde_json through
//! the derived impls) decompresses the voter key three times per ballot
//! (the commitment's voter, its signer and the opening's voter: each a
//! `PublicKey`, each a curve point decompression, together a sizable share
//! of one signature check). The fast parser reads the one JSON shape the
//! route takes, decompresses a key that repeats only once, and copies no
//! string but the district.
//!
//! It never decides anything on its own: whatever it does not recognise
//! (escapes, unknown or repeated fields, other number forms, a key that
//! does not decode, trailing bytes) makes it step aside, and serde_json
//! parses the body as before, so an accepted body means the same and a bad
//! body gets the same `bad_json` message as ever.

use super::ApiError;
use pbnode_protocol::ballot::{BallotCommitment, BallotOpening, Commitment, Nonce};
use pbnode_protocol::crypto::{PublicKey, Signature, Signed};
use pbnode_protocol::ids::Id;
use pbnode_protocol::objects::{Ballot, Choice};
use serde::Deserialize;

/// What the route takes: the voter-signed commitment and its opening.
#[derive(Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CastBody {
    /// The commitment, signed by the voter key it names.
    pub commitment: Signed<BallotCommitment>,
    /// The ballot and nonce.
    pub opening: BallotOpening,
}

/// Parses a cast body: the fast reader when it recognises the body,
/// serde_json otherwise (and always for the error message).
pub fn parse(bytes: &[u8]) -> Result<CastBody, ApiError> {
    match fast(bytes) {
        Some(body) => Ok(body),
        None => serde_json::from_slice(bytes)
            .map_err(|e| ApiError::bad_request("bad_json", e.to_string())),
    }
}

/// The fast reader: `Some` only for a body serde_json would read to the
/// very same value.
fn fast(bytes: &[u8]) -> Option<CastBody> {
    let mut r = Reader { b: bytes, i: 0 };
    let raw = r.body()?;
    r.ws();
    if r.i != bytes.len() {
        return None;
    }
    // One decompression per distinct key (normally all three are equal).
    let voter = PublicKey::from_bytes(&raw.voter).ok()?;
    let key = |bytes: &[u8; 32]| match *bytes == raw.voter {
        true => Some(voter),
        false => PublicKey::from_bytes(bytes).ok(),
    };
    Some(CastBody {
        commitment: Signed {
            value: BallotCommitment {
                process: Id::from_bytes(raw.process),
                voter,
                commitment: Commitment(raw.commitment),
            },
            signer: key(&raw.signer)?,
            signature: Signature(raw.signature),
        },
        opening: BallotOpening {
            ballot: Ballot {
                process: Id::from_bytes(raw.ballot_process),
                district: raw.district,
                voter: key(&raw.ballot_voter)?,
                choices: raw.choices,
            },
            nonce: Nonce(raw.nonce),
        },
    })
}

/// The fields of a body before its keys are decoded.
struct Raw {
    process: [u8; 32],
    voter: [u8; 32],
    commitment: [u8; 32],
    signer: [u8; 32],
    signature: [u8; 64],
    ballot_process: [u8; 32],
    district: String,
    ballot_voter: [u8; 32],
    choices: Vec<Choice>,
    nonce: [u8; 32],
}

/// A cursor over the body. Every method returns `None` for anything it
/// does not recognise (the caller then falls back to serde_json).
struct Reader<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Reader<'a> {
    /// Skips JSON whitespace.
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.b.get(self.i) {
            self.i += 1;
        }
    }

    /// Consumes `byte` (after whitespace).
    fn eat(&mut self, byte: u8) -> Option<()> {
        self.ws();
        (self.b.get(self.i) == Some(&byte)).then(|| self.i += 1)
    }

    /// Consumes `byte` if it comes next (after whitespace).
    fn try_eat(&mut self, byte: u8) -> bool {
        self.eat(byte).is_some()
    }

    /// A string without escapes or control characters, as raw bytes.
    fn string(&mut self) -> Option<&'a [u8]> {
        self.eat(b'"')?;
        let start = self.i;
        loop {
            match *self.b.get(self.i)? {
                b'"' => break,
                b'\\' | 0..0x20 => return None,
                _ => self.i += 1,
            }
        }
        self.i += 1;
        Some(&self.b[start..self.i - 1])
    }

    /// `N` bytes as hex digits (either case, as `encoding::fixed` reads them).
    fn hex<const N: usize>(&mut self) -> Option<[u8; N]> {
        let mut out = [0u8; N];
        hex::decode_to_slice(self.string()?, &mut out).ok()?;
        Some(out)
    }

    /// A `u32` in plain decimal (no sign, fraction, exponent or leading zero).
    fn u32(&mut self) -> Option<u32> {
        self.ws();
        let start = self.i;
        while let Some(b'0'..=b'9') = self.b.get(self.i) {
            self.i += 1;
        }
        let digits = &self.b[start..self.i];
        if digits.is_empty() || (digits.len() > 1 && digits[0] == b'0') {
            return None;
        }
        if let Some(b'.' | b'e' | b'E') = self.b.get(self.i) {
            return None;
        }
        std::str::from_utf8(digits).ok()?.parse().ok()
    }

    /// An object whose fields are exactly `names` (any order, each once),
    /// each value read by `field` with the field's position in `names`.
    fn object(
        &mut self,
        names: &[&[u8]],
        mut field: impl FnMut(&mut Self, usize) -> Option<()>,
    ) -> Option<()> {
        self.eat(b'{')?;
        let mut seen = 0u32;
        if !self.try_eat(b'}') {
            loop {
                let name = self.string()?;
                let at = names.iter().position(|n| *n == name)?;
                if seen & (1 << at) != 0 {
                    return None;
                }
                seen |= 1 << at;
                self.eat(b':')?;
                field(self, at)?;
                if self.try_eat(b'}') {
                    break;
                }
                self.eat(b',')?;
            }
        }
        (seen == (1 << names.len()) - 1).then_some(())
    }

    /// `{"commitment": {...}, "opening": {...}}`.
    fn body(&mut self) -> Option<Raw> {
        let mut raw = Raw {
            process: [0; 32],
            voter: [0; 32],
            commitment: [0; 32],
            signer: [0; 32],
            signature: [0; 64],
            ballot_process: [0; 32],
            district: String::new(),
            ballot_voter: [0; 32],
            choices: Vec::new(),
            nonce: [0; 32],
        };
        self.object(&[b"commitment", b"opening"], |r, at| match at {
            0 => r.signed(&mut raw),
            _ => r.opening(&mut raw),
        })?;
        Some(raw)
    }

    /// `Signed<BallotCommitment>`: `value`, `signer`, `signature`.
    fn signed(&mut self, raw: &mut Raw) -> Option<()> {
        self.object(&[b"value", b"signer", b"signature"], |r, at| {
            match at {
                0 => r.object(&[b"process", b"voter", b"commitment"], |r, at| {
                    match at {
                        0 => raw.process = r.hex()?,
                        1 => raw.voter = r.hex()?,
                        _ => raw.commitment = r.hex()?,
                    }
                    Some(())
                })?,
                1 => raw.signer = r.hex()?,
                _ => raw.signature = r.hex()?,
            }
            Some(())
        })
    }

    /// `BallotOpening`: `ballot`, `nonce`.
    fn opening(&mut self, raw: &mut Raw) -> Option<()> {
        self.object(&[b"ballot", b"nonce"], |r, at| {
            match at {
                0 => r.ballot(raw)?,
                _ => raw.nonce = r.hex()?,
            }
            Some(())
        })
    }

    /// `Ballot`: `process`, `district`, `voter`, `choices`.
    fn ballot(&mut self, raw: &mut Raw) -> Option<()> {
        self.object(&[b"process", b"district", b"voter", b"choices"], |r, at| {
            match at {
                0 => raw.ballot_process = r.hex()?,
                1 => raw.district = std::str::from_utf8(r.string()?).ok()?.to_owned(),
                2 => raw.ballot_voter = r.hex()?,
                _ => raw.choices = r.choices()?,
            }
            Some(())
        })
    }

    /// `[{"project": ..., "points": ...}, ...]`.
    fn choices(&mut self) -> Option<Vec<Choice>> {
        self.eat(b'[')?;
        let mut choices = Vec::new();
        if self.try_eat(b']') {
            return Some(choices);
        }
        loop {
            let (mut project, mut points) = ([0u8; 32], 0);
            self.object(&[b"project", b"points"], |r, at| {
                match at {
                    0 => project = r.hex()?,
                    _ => points = r.u32()?,
                }
                Some(())
            })?;
            choices.push(Choice {
                project: Id::from_bytes(project),
                points,
            });
            if self.try_eat(b']') {
                return Some(choices);
            }
            self.eat(b',')?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pbnode_protocol::crypto::{Signable, SigningKey};
    use pbnode_protocol::objects::ProcessId;

    fn body(seed: u8) -> (CastBody, String) {
        let key = SigningKey::from_seed(&[seed; 32]);
        let process: ProcessId = Id::from_bytes([seed.wrapping_add(1); 32]);
        let ballot = Ballot {
            process,
            district: "Nord-Ost é".into(),
            voter: key.public_key(),
            choices: vec![
                Choice {
                    project: Id::from_bytes([3; 32]),
                    points: 1,
                },
                Choice {
                    project: Id::from_bytes([4; 32]),
                    points: 4_000_000_000,
                },
            ],
        };
        let opening = BallotOpening {
            ballot,
            nonce: Nonce([9; 32]),
        };
        let commitment = opening.commitment().unwrap().sign(&key).unwrap();
        let json = serde_json::json!({ "commitment": commitment, "opening": opening }).to_string();
        (
            CastBody {
                commitment,
                opening,
            },
            json,
        )
    }

    /// What serde_json makes of `bytes`, as the route answered before.
    fn reference(bytes: &[u8]) -> Result<CastBody, String> {
        serde_json::from_slice(bytes).map_err(|e| e.to_string())
    }

    #[test]
    fn a_client_body_is_read_by_the_fast_reader() {
        let (want, json) = body(1);
        assert_eq!(fast(json.as_bytes()), Some(want));
        // Pretty-printed, and fields in another order: still fast.
        let pretty = serde_json::to_string_pretty(&serde_json::json!({
            "opening": serde_json::from_str::<serde_json::Value>(&json).unwrap()["opening"],
            "commitment": serde_json::from_str::<serde_json::Value>(&json).unwrap()["commitment"],
        }))
        .unwrap();
        assert!(fast(pretty.as_bytes()).is_some(), "{pretty}");
        assert_eq!(fast(pretty.as_bytes()), reference(pretty.as_bytes()).ok());
    }

    #[test]
    fn odd_bodies_fall_back_and_get_serde_messages() {
        let (_, json) = body(2);
        let hex_key = json
            .split("\"voter\":\"")
            .nth(1)
            .map(|s| &s[..64])
            .unwrap()
            .to_owned();
        let cases = [
            json.replacen("\"nonce\"", "\"nonc\\u0065\"", 1),
            json.replacen("\"nonce\"", "\"extra\":1,\"nonce\"", 1),
            json.replacen('{', "{\"opening\":null,", 1),
            json.replacen("\"points\":1", "\"points\":1.0", 1),
            json.replacen("\"points\":1", "\"points\":01", 1),
            json.replacen("\"points\":1", "\"points\":-1", 1),
            json.replacen("4000000000", "5000000000", 1),
            json.replacen(&hex_key, &hex_key.to_uppercase(), 1),
            json.replacen(&hex_key, &"00".repeat(32), 1),
            json.replacen(&hex_key[..2], "zz", 1),
            format!("{json} x"),
            format!("{json}\n"),
            json[..json.len() - 1].to_owned(),
            String::new(),
            "[]".into(),
            "{}".into(),
        ];
        for case in &cases {
            let fast = fast(case.as_bytes());
            let want = reference(case.as_bytes());
            if let Some(got) = &fast {
                assert_eq!(Ok(got), want.as_ref(), "{case}");
            }
            match (parse(case.as_bytes()), want) {
                (Ok(got), Ok(want)) => assert_eq!(got, want, "{case}"),
                (Err(got), Err(want)) => {
                    assert_eq!(got.code, "bad_json");
                    assert_eq!(got.message, want, "{case}");
                }
                (got, want) => panic!("{case}: {got:?} vs {want:?}"),
            }
        }
    }

    #[test]
    fn a_key_that_differs_is_decoded_on_its_own() {
        let (mut want, _) = body(3);
        want.commitment.signer = SigningKey::from_seed(&[7; 32]).public_key();
        let json = serde_json::to_string(&serde_json::json!({
            "commitment": want.commitment, "opening": want.opening,
        }))
        .unwrap();
        assert_eq!(fast(json.as_bytes()), Some(want));
    }

    /// Every byte changed, dropped or doubled in turn: whenever the fast
    /// reader accepts the result, serde_json reads the very same value.
    #[test]
    fn the_fast_reader_never_disagrees_with_serde() {
        let (_, json) = body(4);
        let bytes = json.as_bytes();
        let mut accepted = 0;
        for i in 0..bytes.len() {
            let mut variants = vec![
                [&bytes[..i], &bytes[i + 1..]].concat(),
                [&bytes[..=i], &bytes[i..]].concat(),
            ];
            for replacement in [b' ', b'"', b'0', b'f', b'\\', b'}', b',', 0xc3] {
                let mut changed = bytes.to_vec();
                changed[i] = replacement;
                variants.push(changed);
            }
            for v in variants {
                if let Some(got) = fast(&v) {
                    accepted += 1;
                    assert_eq!(Ok(got), reference(&v), "{}", String::from_utf8_lossy(&v));
                }
            }
        }
        // Some variants stay valid (a hex digit changed, a space added).
        assert!(accepted > 0);
    }
}
