//! Serde forms: every note type serializes as its C2SP text, so JSON, the
//! store and the wire all carry the exact bytes that were signed (no second
//! encoding to keep in sync). Hashes inside an equivocation are base64.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::checkpoint::{Checkpoint, SignedCheckpoint};
use super::cosignature::Cosignature;
use super::equivocation::{Conflict, Equivocation};
use super::keys::VerifierKey;
use super::signed_note::{NoteSignature, SignedNote};

/// Implements serde for a type through a text form.
macro_rules! serde_as_text {
    ($ty:ty, $to:expr, $from:expr) => {
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let text: Result<String, _> = $to(self);
                serializer.serialize_str(&text.map_err(serde::ser::Error::custom)?)
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                $from(text.as_str()).map_err(D::Error::custom)
            }
        }
    };
}

fn infallible(text: String) -> Result<String, std::convert::Infallible> {
    Ok(text)
}

/// A signature line without its final newline.
fn line_of(signature: &NoteSignature) -> String {
    let line = signature.to_line();
    line.trim_end_matches('\n').to_owned()
}

serde_as_text!(
    VerifierKey,
    |k: &VerifierKey| infallible(k.to_string()),
    VerifierKey::parse
);
serde_as_text!(Checkpoint, Checkpoint::to_text, Checkpoint::parse);
serde_as_text!(
    SignedCheckpoint,
    |c: &SignedCheckpoint| infallible(c.to_text()),
    SignedCheckpoint::parse
);
serde_as_text!(
    SignedNote,
    |n: &SignedNote| infallible(n.to_text()),
    SignedNote::parse
);
serde_as_text!(
    NoteSignature,
    |s: &NoteSignature| infallible(line_of(s)),
    NoteSignature::parse_line
);
serde_as_text!(
    Cosignature,
    |c: &Cosignature| infallible(line_of(&c.to_note_signature())),
    |line: &str| -> Result<Cosignature, String> {
        let signature = NoteSignature::parse_line(line).map_err(|e| e.to_string())?;
        Cosignature::from_note_signature(&signature).map_err(|e| e.to_string())
    }
);

/// The JSON shape of an [`Equivocation`].
#[derive(Serialize, Deserialize)]
struct EquivocationForm {
    first: SignedCheckpoint,
    second: SignedCheckpoint,
    #[serde(flatten)]
    conflict: ConflictForm,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "conflict", rename_all = "kebab-case")]
enum ConflictForm {
    SameSize,
    Fork {
        implied_old_root: String,
        proof: Vec<String>,
    },
}

fn decode_hash<E: serde::de::Error>(b64: &str) -> Result<[u8; 32], E> {
    STANDARD
        .decode(b64)
        .ok()
        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
        .ok_or_else(|| E::custom(format!("not the base64 of 32 bytes: {b64:?}")))
}

impl Serialize for Equivocation {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let conflict = match self.conflict() {
            Conflict::SameSize => ConflictForm::SameSize,
            Conflict::Fork {
                implied_old_root,
                proof,
            } => ConflictForm::Fork {
                implied_old_root: STANDARD.encode(implied_old_root),
                proof: proof.iter().map(|h| STANDARD.encode(h)).collect(),
            },
        };
        EquivocationForm {
            first: self.first().clone(),
            second: self.second().clone(),
            conflict,
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Equivocation {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let form = EquivocationForm::deserialize(deserializer)?;
        let conflict = match form.conflict {
            ConflictForm::SameSize => Conflict::SameSize,
            ConflictForm::Fork {
                implied_old_root,
                proof,
            } => Conflict::Fork {
                implied_old_root: decode_hash(&implied_old_root)?,
                proof: proof
                    .iter()
                    .map(|h| decode_hash(h))
                    .collect::<Result<_, _>>()?,
            },
        };
        Ok(Equivocation::new(form.first, form.second, conflict))
    }
}
