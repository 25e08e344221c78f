//! Where proofs read their hashes from: stored perfect subtrees.
//!
//! # Layout
//!
//! The node at `(level, index)` is the root of the perfect subtree covering
//! leaves `[index * 2^level, (index + 1) * 2^level)`; level 0 holds the leaf
//! hashes `LEAF(d)`. Only complete subtrees are ever stored, so a stored node
//! never changes: after `n` leaves, `(level, index)` exists exactly when
//! `(index + 1) * 2^level <= n`, i.e. level `l` holds `n >> l` nodes, about
//! `2n` in total. Appending leaf number `n` (0-based) completes the nodes
//! listed by [`completed_subtrees`]`(n + 1)`. The root of any size, and of
//! any range a proof needs, is combined from at most `log2(n) + 1` of them.

use super::error::MerkleError;
use super::hasher::{Digest, MerkleHasher};
use super::{consistency, inclusion, tree};

/// Read access to a log's stored perfect-subtree hashes (see the module
/// documentation for the layout). The node's persistent store implements it
/// with the same `(level, index)` keys as [`MemoryLog`].
pub trait HashStore {
    /// The store's failure type; it must carry [`MerkleError`] because proof
    /// generation also fails on bad sizes.
    type Error: From<MerkleError>;

    /// How many leaves the log holds.
    fn leaf_count(&self) -> u64;

    /// The root of the perfect subtree at `(level, index)`.
    fn subtree_hash(&self, level: u32, index: u64) -> Result<Digest, Self::Error>;
}

impl<S: HashStore + ?Sized> HashStore for &S {
    type Error = S::Error;

    fn leaf_count(&self) -> u64 {
        (**self).leaf_count()
    }

    fn subtree_hash(&self, level: u32, index: u64) -> Result<Digest, Self::Error> {
        (**self).subtree_hash(level, index)
    }
}

/// The `(level, index)` nodes that become complete when the log reaches
/// `new_leaf_count` leaves, lowest level first: the new leaf itself, then one
/// parent per trailing zero bit of `new_leaf_count`. A persistent store
/// writes exactly these on each append.
pub fn completed_subtrees(new_leaf_count: u64) -> impl Iterator<Item = (u32, u64)> {
    let levels = if new_leaf_count == 0 {
        0
    } else {
        new_leaf_count.trailing_zeros() + 1
    };
    (0..levels).map(move |level| (level, (new_leaf_count >> level) - 1))
}

/// An append-only in-memory log: the reference [`HashStore`], used by tests
/// and by anything that holds a whole log in memory (a verifier replaying a
/// downloaded log).
#[derive(Debug, Clone)]
pub struct MemoryLog<H> {
    hasher: H,
    /// `levels[l][i]` is the perfect subtree `(l, i)`.
    levels: Vec<Vec<Digest>>,
}

impl<H: MerkleHasher> MemoryLog<H> {
    /// An empty log hashing with `hasher`.
    pub fn new(hasher: H) -> Self {
        Self {
            hasher,
            levels: vec![Vec::new()],
        }
    }

    /// The hash function of this log.
    pub fn hasher(&self) -> &H {
        &self.hasher
    }

    /// Appends an entry (hashed as `LEAF(data)`) and returns its leaf index.
    pub fn append(&mut self, data: &[u8]) -> u64 {
        let leaf_hash = self.hasher.hash_leaf(data);
        self.append_leaf_hash(leaf_hash)
    }

    /// Appends an already computed leaf hash and returns its leaf index.
    /// Amortised O(1): each append completes one node per trailing one bit
    /// of the old leaf count.
    pub fn append_leaf_hash(&mut self, leaf_hash: Digest) -> u64 {
        let index = self.leaf_count();
        let mut carry = leaf_hash;
        let mut level = 0;
        loop {
            if self.levels.len() <= level {
                self.levels.push(Vec::new());
            }
            let row = &mut self.levels[level];
            row.push(carry);
            // An even count means the new node closed a pair: their parent
            // is complete and goes one level up.
            if row.len() % 2 == 1 {
                break;
            }
            let (left, right) = (row[row.len() - 2], row[row.len() - 1]);
            carry = self.hasher.hash_children(&left, &right);
            level += 1;
        }
        index
    }

    /// The number of leaves appended so far.
    pub fn leaf_count(&self) -> u64 {
        self.levels.first().map_or(0, |row| row.len() as u64)
    }

    /// The root of the first `size` leaves (current or historical).
    pub fn root(&self, size: u64) -> Result<Digest, MerkleError> {
        tree::root_at(&self.hasher, self, size)
    }

    /// The RFC 9162 inclusion proof of leaf `index` in the tree of `size`.
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Digest>, MerkleError> {
        inclusion::inclusion_proof(&self.hasher, self, index, size)
    }

    /// The RFC 9162 consistency proof from tree size `old_size` to `new_size`.
    pub fn consistency_proof(
        &self,
        old_size: u64,
        new_size: u64,
    ) -> Result<Vec<Digest>, MerkleError> {
        consistency::consistency_proof(&self.hasher, self, old_size, new_size)
    }
}

impl<H: MerkleHasher> HashStore for MemoryLog<H> {
    type Error = MerkleError;

    fn leaf_count(&self) -> u64 {
        MemoryLog::leaf_count(self)
    }

    fn subtree_hash(&self, level: u32, index: u64) -> Result<Digest, MerkleError> {
        usize::try_from(level)
            .ok()
            .and_then(|l| self.levels.get(l))
            .zip(usize::try_from(index).ok())
            .and_then(|(row, i)| row.get(i))
            .copied()
            .ok_or(MerkleError::SubtreeNotStored { level, index })
    }
}
