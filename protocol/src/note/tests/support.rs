//! Test keys, and RFC 9162 SHA-256 trees built with `crate::merkle` (SHA-256
//! so that the golden vectors' roots are reproducible with any RFC 6962
//! library; pbnode's own logs use BLAKE3, see the witness tests).

use crate::merkle::{MemoryLog, Sha256Hasher};
use crate::note::{Checkpoint, SignatureType, SignedCheckpoint, SignerKey, VerifierKey};

/// Origin of the test log (also the log key's name).
pub const ORIGIN: &str = "pbnode/test-town/pb-2026";

/// The log key: Ed25519 seed `[7u8; 32]`, type 0x01, name = origin.
pub fn log_signer() -> SignerKey {
    SignerKey::from_seed(ORIGIN, SignatureType::Ed25519, &[7u8; 32]).unwrap()
}

/// The log's verifier key.
pub fn log_vkey() -> VerifierKey {
    log_signer().verifier_key()
}

/// Witness `i` (0-based): seed `[8 + i; 32]`, type 0x04, name
/// `witness.example/w<i+1>`.
pub fn witness_signer(i: u8) -> SignerKey {
    let name = format!("witness.example/w{}", i + 1);
    SignerKey::from_seed(&name, SignatureType::CosignatureV1, &[8 + i; 32]).unwrap()
}

fn log_of(leaves: &[Vec<u8>]) -> MemoryLog<Sha256Hasher> {
    let mut log = MemoryLog::new(Sha256Hasher);
    for leaf in leaves {
        log.append(leaf);
    }
    log
}

/// RFC 9162 MTH over leaf data, SHA-256.
pub fn root(leaves: &[Vec<u8>]) -> [u8; 32] {
    log_of(leaves).root(leaves.len() as u64).unwrap()
}

/// RFC 9162 PROOF(m, D[n]), SHA-256.
pub fn consistency_proof(m: usize, leaves: &[Vec<u8>]) -> Vec<[u8; 32]> {
    log_of(leaves)
        .consistency_proof(m as u64, leaves.len() as u64)
        .unwrap()
}

/// `n` distinct leaves, tagged so two logs can differ.
pub fn leaves(tag: &str, n: usize) -> Vec<Vec<u8>> {
    (0..n).map(|i| format!("{tag}-{i}").into_bytes()).collect()
}

/// The test log's checkpoint over `leaves`, signed by the test log key.
pub fn signed_checkpoint(leaves: &[Vec<u8>]) -> SignedCheckpoint {
    let checkpoint = Checkpoint::new(ORIGIN, leaves.len() as u64, root(leaves));
    SignedCheckpoint::sign(checkpoint, &log_signer()).unwrap()
}
