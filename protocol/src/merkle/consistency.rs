//! Consistency proofs: RFC 9162 §2.1.4.
//!
//! The proof that the tree of `m` leaves is a prefix of the tree of `n`
//! leaves is `PROOF(m, D[n]) = SUBPROOF(m, D[n], true)` of RFC 9162
//! §2.1.4.1, for `0 < m < n`; for `m == n` it is empty.

use super::error::MerkleError;
use super::hasher::{Digest, MerkleHasher};
use super::store::HashStore;
use super::tree::{self, LeafRange, split_point};

/// Refuses size pairs no consistency proof exists for.
fn check_sizes(old_size: u64, new_size: u64) -> Result<(), MerkleError> {
    if old_size > new_size {
        return Err(MerkleError::OldSizeGreaterThanNew { old_size, new_size });
    }
    if old_size == 0 {
        return Err(MerkleError::EmptyOldTree);
    }
    Ok(())
}

/// The leaf ranges whose MTHs form the consistency proof from `old_size` to
/// `new_size`, in proof order (deepest first).
pub fn consistency_proof_ranges(
    old_size: u64,
    new_size: u64,
) -> Result<Vec<LeafRange>, MerkleError> {
    check_sizes(old_size, new_size)?;
    // SUBPROOF(m, D[start:end], b) unrolled from the root down; `m` is kept
    // absolute, so "m == n" of the RFC reads `old_size == end`.
    let mut ranges = Vec::new();
    let (mut start, mut end) = (0, new_size);
    let mut whole_old_tree = true; // the RFC's `b`
    while old_size != end {
        let mid = start + split_point(end - start);
        if old_size <= mid {
            ranges.push(LeafRange { start: mid, end });
            end = mid;
        } else {
            ranges.push(LeafRange { start, end: mid });
            start = mid;
            whole_old_tree = false;
        }
    }
    // SUBPROOF(m, D[m], false) = {MTH(D[m])}: the old tree is only part of
    // this subtree's hash, so the verifier needs it.
    if !whole_old_tree {
        ranges.push(LeafRange { start, end });
    }
    ranges.reverse();
    Ok(ranges)
}

/// Generates the consistency proof from tree size `old_size` to `new_size`
/// from the stored subtrees of `store`, reading `O(log new_size)` of them.
pub fn consistency_proof<H, S>(
    hasher: &H,
    store: &S,
    old_size: u64,
    new_size: u64,
) -> Result<Vec<Digest>, S::Error>
where
    H: MerkleHasher,
    S: HashStore,
{
    tree::check_size(store, new_size)?;
    consistency_proof_ranges(old_size, new_size)?
        .into_iter()
        .map(|range| tree::range_hash(hasher, store, range))
        .collect()
}

/// Verifies that the tree of `old_size` leaves with root `old_root` is a
/// prefix of the tree of `new_size` leaves with root `new_root`, with the
/// algorithm of RFC 9162 §2.1.4.2. Equal sizes need an empty proof and equal
/// roots; an empty old tree is refused ([`MerkleError::EmptyOldTree`]).
pub fn verify_consistency<H: MerkleHasher>(
    hasher: &H,
    old_size: u64,
    new_size: u64,
    old_root: &Digest,
    new_root: &Digest,
    proof: &[Digest],
) -> Result<(), MerkleError> {
    check_sizes(old_size, new_size)?;
    let expected = consistency_proof_ranges(old_size, new_size)?.len();
    if proof.len() != expected {
        return Err(MerkleError::WrongProofLength {
            expected,
            got: proof.len(),
        });
    }
    if old_size == new_size {
        return if old_root == new_root {
            Ok(())
        } else {
            Err(MerkleError::RootMismatch)
        };
    }
    // Step 1: an empty proof for different sizes cannot verify (already
    // caught by the length check, kept to mirror the RFC).
    let Some((first, rest)) = proof.split_first() else {
        return Err(MerkleError::MalformedProof);
    };
    // Step 2: when the old tree is a perfect subtree its root is the proof's
    // implicit first element.
    let (seed, path) = if old_size.is_power_of_two() {
        (old_root, proof)
    } else {
        (first, rest)
    };
    // Steps 3-4.
    let mut fnode = old_size - 1;
    let mut snode = new_size - 1;
    while fnode & 1 == 1 {
        fnode >>= 1;
        snode >>= 1;
    }
    // Step 5.
    let mut fr = *seed;
    let mut sr = *seed;
    // Step 6.
    for c in path {
        if snode == 0 {
            return Err(MerkleError::MalformedProof);
        }
        if fnode & 1 == 1 || fnode == snode {
            fr = hasher.hash_children(c, &fr);
            sr = hasher.hash_children(c, &sr);
            if fnode & 1 == 0 {
                while fnode & 1 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            }
        } else {
            sr = hasher.hash_children(&sr, c);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    // Step 7.
    if snode != 0 {
        return Err(MerkleError::MalformedProof);
    }
    if &fr != old_root {
        return Err(MerkleError::OldRootMismatch);
    }
    if &sr != new_root {
        return Err(MerkleError::RootMismatch);
    }
    Ok(())
}
