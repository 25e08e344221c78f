//! C2SP `tlog-cosignature`, Ed25519 `cosignature/v1` (type 0x04): a
//! witness's timestamped statement that a checkpoint is the largest
//! consistent tree head it has seen for the log, and the k-of-n check that a
//! client applies to a checkpoint's cosignatures.

use ed25519_dalek::{Signature, Signer};

use super::checkpoint::{Checkpoint, SignedCheckpoint};
use super::error::{CosignatureError, NoteError};
use super::keys::{SignatureType, SignerKey, VerifierKey};
use super::signed_note::NoteSignature;

/// The domain-separation header line of the signed message.
pub const COSIGNATURE_V1_HEADER: &str = "cosignature/v1\n";

/// Largest timestamp a cosignature may carry (tlog-cosignature: 2^63 - 1).
pub const MAX_TIMESTAMP: u64 = i64::MAX as u64;

/// Bytes after the key id in a cosignature line: timestamp and signature.
const PAYLOAD_LEN: usize = 8 + 64;

/// The message a cosigner signs: `cosignature/v1\ntime <t>\n` followed by
/// the whole checkpoint note text (extension lines included).
pub fn cosigned_message(checkpoint_text: &str, timestamp: u64) -> Vec<u8> {
    format!("{COSIGNATURE_V1_HEADER}time {timestamp}\n{checkpoint_text}").into_bytes()
}

/// One witness's cosignature on a checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cosignature {
    /// The witness key name.
    pub name: String,
    /// The witness key id (computed with type byte 0x04).
    pub key_id: u32,
    /// When the witness signed, POSIX seconds.
    pub timestamp: u64,
    /// Ed25519 signature over [`cosigned_message`].
    pub signature: [u8; 64],
}

impl Cosignature {
    /// Signs `checkpoint` at `timestamp` with a witness (type 0x04) key.
    pub fn sign(
        cosigner: &SignerKey,
        checkpoint: &Checkpoint,
        timestamp: u64,
    ) -> Result<Self, CosignatureError> {
        Self::sign_text(cosigner, &checkpoint.to_text()?, timestamp)
    }

    /// Signs an already formatted checkpoint text.
    pub(crate) fn sign_text(
        cosigner: &SignerKey,
        checkpoint_text: &str,
        timestamp: u64,
    ) -> Result<Self, CosignatureError> {
        cosigner.require_type(SignatureType::CosignatureV1)?;
        if timestamp > MAX_TIMESTAMP {
            return Err(CosignatureError::TimestampOutOfRange(timestamp));
        }
        let message = cosigned_message(checkpoint_text, timestamp);
        Ok(Self {
            name: cosigner.name().to_owned(),
            key_id: cosigner.key_id(),
            timestamp,
            signature: cosigner.signing_key().sign(&message).to_bytes(),
        })
    }

    /// Reads a signature line as a cosignature (layout only, not validity):
    /// the bytes after the key id must be timestamp (8, big-endian) ||
    /// signature (64), with the timestamp at most 2^63 - 1.
    pub fn from_note_signature(line: &NoteSignature) -> Result<Self, CosignatureError> {
        let (timestamp, signature) = split_payload(&line.signature)?;
        Ok(Self {
            name: line.name.clone(),
            key_id: line.key_id,
            timestamp,
            signature,
        })
    }

    /// The signature line form.
    pub fn to_note_signature(&self) -> NoteSignature {
        let mut signature = Vec::with_capacity(PAYLOAD_LEN);
        signature.extend_from_slice(&self.timestamp.to_be_bytes());
        signature.extend_from_slice(&self.signature);
        NoteSignature {
            name: self.name.clone(),
            key_id: self.key_id,
            signature,
        }
    }

    /// Checks this cosignature against a witness key and a checkpoint text.
    pub fn verify(
        &self,
        witness: &VerifierKey,
        checkpoint_text: &str,
    ) -> Result<(), CosignatureError> {
        let invalid = || CosignatureError::InvalidCosignature {
            name: witness.name().to_owned(),
            key_id: witness.key_id(),
        };
        if witness.sig_type() != SignatureType::CosignatureV1
            || !witness.matches(&self.name, self.key_id)
            || self.timestamp > MAX_TIMESTAMP
        {
            return Err(invalid());
        }
        let message = cosigned_message(checkpoint_text, self.timestamp);
        witness
            .public_key()
            .verify_strict(&message, &Signature::from_bytes(&self.signature))
            .map_err(|_| invalid())
    }
}

fn split_payload(payload: &[u8]) -> Result<(u64, [u8; 64]), CosignatureError> {
    let bytes: &[u8; PAYLOAD_LEN] = payload
        .try_into()
        .map_err(|_| CosignatureError::BadLength(payload.len()))?;
    let (time, signature) = bytes.split_at(8);
    let mut time_bytes = [0u8; 8];
    time_bytes.copy_from_slice(time);
    let timestamp = u64::from_be_bytes(time_bytes);
    if timestamp > MAX_TIMESTAMP {
        return Err(CosignatureError::TimestampOutOfRange(timestamp));
    }
    let mut signature_bytes = [0u8; 64];
    signature_bytes.copy_from_slice(signature);
    Ok((timestamp, signature_bytes))
}

/// Verifies the bytes after the key id of a cosignature line; the timestamp
/// if valid. Used by the generic note verifier for type 0x04 keys.
pub(crate) fn verify_cosignature_bytes(
    key: &VerifierKey,
    text: &str,
    payload: &[u8],
) -> Option<u64> {
    let (timestamp, signature) = split_payload(payload).ok()?;
    let message = cosigned_message(text, timestamp);
    key.public_key()
        .verify_strict(&message, &Signature::from_bytes(&signature))
        .ok()
        .map(|()| timestamp)
}

/// Which witnesses a client trusts and how many must have cosigned (k of n).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WitnessPolicy {
    witnesses: Vec<VerifierKey>,
    threshold: usize,
}

impl WitnessPolicy {
    /// A policy of `threshold` out of `witnesses`. Every key must be a type
    /// 0x04 key, no name and key id twice, and `1 <= threshold <= n`.
    pub fn new(witnesses: Vec<VerifierKey>, threshold: usize) -> Result<Self, CosignatureError> {
        if threshold == 0 || threshold > witnesses.len() {
            return Err(CosignatureError::BadThreshold {
                threshold,
                witnesses: witnesses.len(),
            });
        }
        for (i, key) in witnesses.iter().enumerate() {
            if key.sig_type() != SignatureType::CosignatureV1 {
                return Err(CosignatureError::Key(NoteError::WrongKeyType {
                    name: key.name().to_owned(),
                    expected: SignatureType::CosignatureV1.id(),
                    actual: key.sig_type().id(),
                }));
            }
            if witnesses[..i]
                .iter()
                .any(|k| k.matches(key.name(), key.key_id()))
            {
                return Err(CosignatureError::DuplicateWitness {
                    name: key.name().to_owned(),
                    key_id: key.key_id(),
                });
            }
        }
        Ok(Self {
            witnesses,
            threshold,
        })
    }

    /// The witness keys (n).
    pub fn witnesses(&self) -> &[VerifierKey] {
        &self.witnesses
    }

    /// The threshold (k).
    pub fn threshold(&self) -> usize {
        self.threshold
    }

    /// Checks that at least k distinct witnesses of the policy validly
    /// cosigned `signed`. Lines from keys outside the policy (the log's own,
    /// other witnesses') are ignored; a line from a policy witness that fails
    /// to verify rejects the checkpoint, as signed-note asks for known keys.
    /// Returns the valid cosignatures, one per witness, in line order. It
    /// does not check the log's signature: see
    /// [`SignedCheckpoint::verify_log_signature`].
    pub fn check(&self, signed: &SignedCheckpoint) -> Result<Vec<Cosignature>, CosignatureError> {
        let mut valid: Vec<Cosignature> = Vec::new();
        for line in signed.signatures() {
            let Some(witness) = self
                .witnesses
                .iter()
                .find(|w| w.matches(&line.name, line.key_id))
            else {
                continue;
            };
            let invalid = || CosignatureError::InvalidCosignature {
                name: witness.name().to_owned(),
                key_id: witness.key_id(),
            };
            let cosignature = Cosignature::from_note_signature(line).map_err(|_| invalid())?;
            cosignature.verify(witness, signed.body())?;
            if !valid
                .iter()
                .any(|c| c.name == line.name && c.key_id == line.key_id)
            {
                valid.push(cosignature);
            }
        }
        if valid.len() < self.threshold {
            return Err(CosignatureError::ThresholdNotMet {
                valid: valid.len(),
                required: self.threshold,
                witnesses: self.witnesses.len(),
            });
        }
        Ok(valid)
    }
}
