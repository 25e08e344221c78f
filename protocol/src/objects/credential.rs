//! Voter credentials: the key a voter registered, never their identity.

use super::process::ProcessId;
use crate::crypto::{PublicKey, Signable};
use crate::ids::Id;
use serde::{Deserialize, Serialize};

/// The id of a [`VoterCredential`].
pub type CredentialId = Id<VoterCredential>;

/// A credential the node issued to a voter key, signed by the node.
///
/// Versioned so stronger secrecy can be added without breaking old logs:
/// `V1` (variant index 0) is issued after the voter proves eligibility with
/// a one-time code, so the node could link key and person. A planned `V2`
/// (variant index 1) will carry an RFC 9474 blind signature by the node over
/// the voter key, so the node cannot link them; it will be added as the next
/// variant, and `V1` will keep its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum VoterCredential {
    /// Credential issued after a one-time-code check.
    V1 {
        /// The process the credential is for.
        process: ProcessId,
        /// The voter's district (a district id of the process).
        district: String,
        /// The key the voter made on their own device.
        voter: PublicKey,
        /// When it was issued (unix seconds).
        issued_at: u64,
    },
}

impl VoterCredential {
    /// The voter key this credential registers.
    pub fn voter(&self) -> &PublicKey {
        match self {
            VoterCredential::V1 { voter, .. } => voter,
        }
    }

    /// The district the voter votes in.
    pub fn district(&self) -> &str {
        match self {
            VoterCredential::V1 { district, .. } => district,
        }
    }

    /// The process it is for.
    pub fn process(&self) -> &ProcessId {
        match self {
            VoterCredential::V1 { process, .. } => process,
        }
    }
}

impl Signable for VoterCredential {
    const TYPE: &'static str = "voter-credential";
}
