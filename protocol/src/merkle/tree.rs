//! Tree shape and root computation from stored perfect subtrees.
//!
//! Every hash in a proof is the Merkle Tree Hash (MTH, RFC 9162 §2.1.1) of a
//! contiguous leaf range. The functions here name those ranges from the tree
//! sizes alone, and compute any range's hash from at most `log2(n) + 1`
//! stored perfect subtrees, so that neither a root nor a proof ever rehashes
//! the log.

use super::error::MerkleError;
use super::hasher::{Digest, MerkleHasher};
use super::store::HashStore;

/// A half-open range of leaf indices `[start, end)` whose MTH is one proof
/// element or one root.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LeafRange {
    /// First leaf index in the range.
    pub start: u64,
    /// One past the last leaf index in the range.
    pub end: u64,
}

impl LeafRange {
    /// The number of leaves covered.
    pub fn len(&self) -> u64 {
        self.end.saturating_sub(self.start)
    }

    /// True when the range covers no leaf.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The largest power of two strictly below `n`, the split point `k` of
/// RFC 9162 §2.1.1. Callers guarantee `n >= 2`.
pub(crate) fn split_point(n: u64) -> u64 {
    let below = n.saturating_sub(1).max(1);
    1u64 << (63 - below.leading_zeros())
}

/// The perfect subtrees `(level, index)` whose hashes, combined right to left
/// with `NODE`, give the MTH of `range`, leftmost first.
///
/// The greedy split by the bits of the range's length lands on stored
/// subtrees only when `range.start` is a multiple of the largest power of
/// two not above its length; every range of the RFC 9162 recursion (a root
/// prefix `[0, n)` or a proof element) is. Other ranges are refused with
/// [`MerkleError::UnalignedRange`].
pub fn perfect_subtrees(range: LeafRange) -> Result<Vec<(u32, u64)>, MerkleError> {
    let mut remaining = range.len();
    if remaining > 0 {
        let top = 63 - remaining.leading_zeros();
        if range.start.trailing_zeros() < top {
            return Err(MerkleError::UnalignedRange {
                start: range.start,
                end: range.end,
            });
        }
    }
    let mut parts = Vec::with_capacity(remaining.count_ones() as usize);
    let mut position = range.start;
    while remaining > 0 {
        let level = 63 - remaining.leading_zeros();
        parts.push((level, position >> level));
        position += 1u64 << level;
        remaining -= 1u64 << level;
    }
    Ok(parts)
}

/// The MTH of `range` from stored subtrees: `popcount(range.len())` reads.
pub(crate) fn range_hash<H, S>(hasher: &H, store: &S, range: LeafRange) -> Result<Digest, S::Error>
where
    H: MerkleHasher,
    S: HashStore,
{
    let mut acc: Option<Digest> = None;
    for (level, index) in perfect_subtrees(range)?.into_iter().rev() {
        let hash = store.subtree_hash(level, index)?;
        acc = Some(match acc {
            None => hash,
            Some(right) => hasher.hash_children(&hash, &right),
        });
    }
    match acc {
        Some(hash) => Ok(hash),
        None => Ok(hasher.empty_root()),
    }
}

/// The root of the tree made of the first `size` leaves of `store`: the
/// current root when `size == store.leaf_count()`, a historical root
/// otherwise. Reads `popcount(size)` stored subtrees.
pub fn root_at<H, S>(hasher: &H, store: &S, size: u64) -> Result<Digest, S::Error>
where
    H: MerkleHasher,
    S: HashStore,
{
    check_size(store, size)?;
    range_hash(
        hasher,
        store,
        LeafRange {
            start: 0,
            end: size,
        },
    )
}

/// Refuses a size the store cannot answer for.
pub(crate) fn check_size<S: HashStore>(store: &S, size: u64) -> Result<(), MerkleError> {
    let leaf_count = store.leaf_count();
    if size > leaf_count {
        return Err(MerkleError::SizeBeyondLog { size, leaf_count });
    }
    Ok(())
}
