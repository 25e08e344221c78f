//! Inclusion proofs: RFC 9162 §2.1.3.
//!
//! The proof for leaf `m` in a tree of `n` leaves is `PATH(m, D[n])` of
//! RFC 9162 §2.1.3.1: the MTHs of the sibling ranges met on the way from the
//! root down to the leaf, listed from the leaf up.

use super::error::MerkleError;
use super::hasher::{Digest, MerkleHasher};
use super::store::HashStore;
use super::tree::{self, LeafRange, split_point};

/// The leaf ranges whose MTHs form the inclusion proof of leaf `index` in the
/// tree of `size` leaves, in proof order (leaf level first).
pub fn inclusion_proof_ranges(index: u64, size: u64) -> Result<Vec<LeafRange>, MerkleError> {
    if index >= size {
        return Err(MerkleError::IndexOutOfRange { index, size });
    }
    // Walk RFC 9162's recursion from the root down, keeping the subtree
    // [start, end) that holds the leaf; each step records the other half.
    let mut ranges = Vec::new();
    let (mut start, mut end) = (0, size);
    while end - start > 1 {
        let mid = start + split_point(end - start);
        if index < mid {
            ranges.push(LeafRange { start: mid, end });
            end = mid;
        } else {
            ranges.push(LeafRange { start, end: mid });
            start = mid;
        }
    }
    ranges.reverse();
    Ok(ranges)
}

/// The number of hashes in the inclusion proof of `index` in a tree of
/// `size` (`index < size`): one per level below the point where the leaf's
/// path leaves the right border, plus one per left sibling above it.
pub fn inclusion_proof_len(index: u64, size: u64) -> Result<usize, MerkleError> {
    if index >= size {
        return Err(MerkleError::IndexOutOfRange { index, size });
    }
    let inner = 64 - (index ^ (size - 1)).leading_zeros();
    // `inner` reaches 64 for trees above 2^63 leaves, where a plain shift
    // would overflow.
    let border = index.checked_shr(inner).unwrap_or(0).count_ones();
    Ok((inner + border) as usize)
}

/// Generates the inclusion proof of leaf `index` in the tree of the first
/// `size` leaves of `store`, reading `O(log size)` stored subtrees.
pub fn inclusion_proof<H, S>(
    hasher: &H,
    store: &S,
    index: u64,
    size: u64,
) -> Result<Vec<Digest>, S::Error>
where
    H: MerkleHasher,
    S: HashStore,
{
    tree::check_size(store, size)?;
    inclusion_proof_ranges(index, size)?
        .into_iter()
        .map(|range| tree::range_hash(hasher, store, range))
        .collect()
}

/// Recomputes the root from a leaf hash and its inclusion proof with the
/// algorithm of RFC 9162 §2.1.3.2, after checking the proof length.
pub fn root_from_inclusion_proof<H: MerkleHasher>(
    hasher: &H,
    leaf_hash: &Digest,
    index: u64,
    size: u64,
    proof: &[Digest],
) -> Result<Digest, MerkleError> {
    // Step 1 (and a length check that names the problem; the RFC loop below
    // would reject a wrong length too, less explicitly).
    let expected = inclusion_proof_len(index, size)?;
    if proof.len() != expected {
        return Err(MerkleError::WrongProofLength {
            expected,
            got: proof.len(),
        });
    }
    // Steps 2-3.
    let mut fnode = index;
    let mut snode = size - 1;
    let mut r = *leaf_hash;
    // Step 4.
    for p in proof {
        if snode == 0 {
            return Err(MerkleError::MalformedProof);
        }
        if fnode & 1 == 1 || fnode == snode {
            r = hasher.hash_children(p, &r);
            if fnode & 1 == 0 {
                while fnode & 1 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            }
        } else {
            r = hasher.hash_children(&r, p);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    // Step 5 (the root comparison is the caller's).
    if snode != 0 {
        return Err(MerkleError::MalformedProof);
    }
    Ok(r)
}

/// Verifies that `leaf_hash` is leaf `index` of the tree of `size` leaves
/// whose root is `root` (RFC 9162 §2.1.3.2).
pub fn verify_inclusion<H: MerkleHasher>(
    hasher: &H,
    leaf_hash: &Digest,
    index: u64,
    size: u64,
    proof: &[Digest],
    root: &Digest,
) -> Result<(), MerkleError> {
    let computed = root_from_inclusion_proof(hasher, leaf_hash, index, size, proof)?;
    if &computed != root {
        return Err(MerkleError::RootMismatch);
    }
    Ok(())
}
