//! Test keys and a small RFC 9162 SHA-256 Merkle tree (root, consistency
//! proof, proof verification) so the witness logic is exercised with real
//! proofs before `crate::merkle` is wired in. It follows RFC 9162 §2.1.1,
//! §2.1.4.1 (SUBPROOF) and §2.1.4.2 (verification) step by step.

use sha2::{Digest, Sha256};

use crate::note::{
    Checkpoint, ConsistencyVerifier, SignatureType, SignedCheckpoint, SignerKey, VerifierKey,
};

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

fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().into()
}

fn node(left: &[u8; 32], right: &[u8; 32]) -> [u8; 32] {
    sha256(&[&[1], left, right])
}

/// Largest power of two strictly below `n` (n >= 2).
fn split_point(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

/// RFC 9162 MTH over leaf data.
pub fn root(leaves: &[Vec<u8>]) -> [u8; 32] {
    match leaves.len() {
        0 => sha256(&[]),
        1 => sha256(&[&[0], &leaves[0]]),
        n => {
            let k = split_point(n);
            node(&root(&leaves[..k]), &root(&leaves[k..]))
        }
    }
}

/// RFC 9162 PROOF(m, D[n]).
pub fn consistency_proof(m: usize, leaves: &[Vec<u8>]) -> Vec<[u8; 32]> {
    fn subproof(m: usize, leaves: &[Vec<u8>], complete: bool) -> Vec<[u8; 32]> {
        let n = leaves.len();
        if m == n {
            return if complete { vec![] } else { vec![root(leaves)] };
        }
        let k = split_point(n);
        if m <= k {
            let mut proof = subproof(m, &leaves[..k], complete);
            proof.push(root(&leaves[k..]));
            proof
        } else {
            let mut proof = subproof(m - k, &leaves[k..], false);
            proof.push(root(&leaves[..k]));
            proof
        }
    }
    subproof(m, leaves, true)
}

/// `n` distinct leaves, tagged so two logs can differ.
pub fn leaves(tag: &str, n: usize) -> Vec<Vec<u8>> {
    (0..n).map(|i| format!("{tag}-{i}").into_bytes()).collect()
}

/// RFC 9162 §2.1.4.2 verification over SHA-256.
pub struct Sha256Tree;

impl ConsistencyVerifier for Sha256Tree {
    fn empty_root(&self) -> [u8; 32] {
        sha256(&[])
    }

    fn verify_consistency(
        &self,
        first: u64,
        second: u64,
        first_hash: &[u8; 32],
        second_hash: &[u8; 32],
        proof: &[[u8; 32]],
    ) -> bool {
        if first == 0 || first >= second || proof.is_empty() {
            return false;
        }
        let mut path = proof.to_vec();
        if first.is_power_of_two() {
            path.insert(0, *first_hash);
        }
        let (mut fn_, mut sn) = (first - 1, second - 1);
        while fn_ & 1 == 1 {
            fn_ >>= 1;
            sn >>= 1;
        }
        let (mut fr, mut sr) = (path[0], path[0]);
        for c in &path[1..] {
            if sn == 0 {
                return false;
            }
            if fn_ & 1 == 1 || fn_ == sn {
                fr = node(c, &fr);
                sr = node(c, &sr);
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            } else {
                sr = node(&sr, c);
            }
            fn_ >>= 1;
            sn >>= 1;
        }
        fr == *first_hash && sr == *second_hash && sn == 0
    }
}

/// The test log's checkpoint over `leaves`, signed by the test log key.
pub fn signed_checkpoint(leaves: &[Vec<u8>]) -> SignedCheckpoint {
    let checkpoint = Checkpoint::new(ORIGIN, leaves.len() as u64, root(leaves));
    SignedCheckpoint::sign(checkpoint, &log_signer()).unwrap()
}
