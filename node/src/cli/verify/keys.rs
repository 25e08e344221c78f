//! The keys a verification trusts: given by the user (pinned), or fetched
//! from the node being checked (and then reported as such).

use super::Failure;
use crate::client::Client;
use pbnode_protocol::crypto::PublicKey;
use pbnode_protocol::note::{VerifierKey, WitnessPolicy};
use std::fmt;
use std::path::Path;

/// Where the log key came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// Given on the command line (or in a file the user named).
    Pinned,
    /// Fetched from the node at this URL: the node vouches for itself.
    Fetched(String),
}

impl fmt::Display for KeySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeySource::Pinned => f.write_str("pinned key"),
            KeySource::Fetched(url) => write!(
                f,
                "key FETCHED from {url}, not pinned: this shows only that the node agrees \
                 with itself; pin the key with --vkey"
            ),
        }
    }
}

/// Parses a C2SP verifier key given as `what`: the vkey text itself or,
/// when that does not parse and names a file, the file's first line.
pub fn load_vkey(value: &str, what: &str) -> Result<VerifierKey, Failure> {
    let direct = VerifierKey::parse(value.trim());
    if let Ok(key) = direct {
        return Ok(key);
    }
    let path = Path::new(value);
    if !path.is_file() {
        let error = direct.err().map(|e| e.to_string()).unwrap_or_default();
        return Err(Failure::BadInput(format!(
            "{what} `{value}` is neither a verifier key ({error}) nor a file"
        )));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::BadInput(format!("cannot read {what} file {value}: {e}")))?;
    let line = text.lines().next().unwrap_or("").trim();
    VerifierKey::parse(line).map_err(|e| {
        Failure::BadInput(format!(
            "{what} file {value} does not hold a verifier key: {e}"
        ))
    })
}

/// The witness policy of `--witness` keys and `--threshold` (default: all
/// of them), or `None` when no witness is given.
pub fn witness_policy(
    witnesses: &[String],
    threshold: Option<usize>,
) -> Result<Option<WitnessPolicy>, Failure> {
    if witnesses.is_empty() {
        if threshold.is_some() {
            return Err(Failure::BadInput(
                "--threshold needs at least one --witness".into(),
            ));
        }
        return Ok(None);
    }
    let keys = witnesses
        .iter()
        .map(|w| load_vkey(w, "--witness"))
        .collect::<Result<Vec<_>, _>>()?;
    let k = threshold.unwrap_or(keys.len());
    WitnessPolicy::new(keys, k)
        .map(Some)
        .map_err(|e| Failure::BadInput(format!("witness policy: {e}")))
}

/// Parses an Ed25519 public key in hex, given as `what`.
pub fn public_key_hex(hex_key: &str, what: &str) -> Result<PublicKey, Failure> {
    let bad = |reason: String| Failure::BadInput(format!("{what} `{hex_key}`: {reason}"));
    let bytes = hex::decode(hex_key.trim()).map_err(|e| bad(e.to_string()))?;
    let bytes: [u8; 32] = bytes
        .try_into()
        .map_err(|b: Vec<u8>| bad(format!("{} bytes, 32 expected", b.len())))?;
    PublicKey::from_bytes(&bytes).map_err(|e| bad(e.to_string()))
}

/// The Ed25519 key inside a note verifier key, as an object-signing key.
/// pbnode signs checkpoints and objects with one key, so a pinned log key
/// also pins the node key.
pub fn node_key_of(vkey: &VerifierKey) -> Result<PublicKey, Failure> {
    PublicKey::from_bytes(vkey.public_key().as_bytes())
        .map_err(|e| Failure::BadInput(format!("the log key is not a usable node key: {e}")))
}

/// The log key of `process` as the node states it, and its node key.
/// A key that does not parse is an answer outside the API.
pub fn fetch_keys(client: &Client, process: &str) -> Result<(VerifierKey, PublicKey), Failure> {
    let info = client.log_key(process)?;
    let url = client.url(&format!("/processes/{process}/log-key"));
    let malformed = |reason: String| {
        Failure::Network(crate::client::ClientError::Malformed {
            url: url.clone(),
            reason,
        })
    };
    let vkey = VerifierKey::parse(&info.vkey).map_err(|e| malformed(format!("vkey: {e}")))?;
    let node = public_key_hex(&info.node_key, "node_key").map_err(|e| malformed(e.to_string()))?;
    Ok((vkey, node))
}

/// `name+keyid` of a verifier key, for reports.
pub fn describe(key: &VerifierKey) -> String {
    format!("{}+{:08x}", key.name(), key.key_id())
}
