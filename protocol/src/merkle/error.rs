//! Why a Merkle operation or proof check failed.

use thiserror::Error;

/// Everything that can be wrong with a Merkle proof, a tree size or a stored
/// hash. Verification never panics: each rejection names its reason so a
/// verifier can tell "the log lied" (a root mismatch) from "the caller asked
/// a meaningless question" (sizes out of range).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MerkleError {
    /// The leaf index is not inside the tree (`index >= size`); this includes
    /// every index of the empty tree.
    #[error("leaf index {index} is out of range for a tree of size {size}")]
    IndexOutOfRange {
        /// The requested leaf index.
        index: u64,
        /// The tree size it was checked against.
        size: u64,
    },
    /// A tree size larger than the number of leaves the store holds.
    #[error("tree size {size} exceeds the {leaf_count} leaves in the log")]
    SizeBeyondLog {
        /// The requested tree size.
        size: u64,
        /// How many leaves the log holds.
        leaf_count: u64,
    },
    /// A consistency question whose old tree is larger than the new one.
    #[error("old tree size {old_size} is larger than new tree size {new_size}")]
    OldSizeGreaterThanNew {
        /// The older tree's size.
        old_size: u64,
        /// The newer tree's size.
        new_size: u64,
    },
    /// A consistency proof from the empty tree: it would prove nothing, since
    /// every tree extends the empty one, so it is refused rather than accepted
    /// vacuously (transparency-dev/merkle refuses it too).
    #[error("a consistency proof from the empty tree is meaningless")]
    EmptyOldTree,
    /// The proof does not have the number of hashes the RFC 9162 shape for
    /// these sizes requires (truncated, extended, or for other sizes).
    #[error("proof has {got} hashes, a proof for these sizes has exactly {expected}")]
    WrongProofLength {
        /// The length the tree shape implies.
        expected: usize,
        /// The length received.
        got: usize,
    },
    /// The root recomputed from the proof differs from the claimed root (for a
    /// consistency proof: the claimed new root).
    #[error("the root computed from the proof does not match the claimed root")]
    RootMismatch,
    /// For a consistency proof: the old root recomputed from the proof differs
    /// from the claimed old root.
    #[error("the old root computed from the consistency proof does not match the claimed old root")]
    OldRootMismatch,
    /// The RFC 9162 verification loop ran past the root (`sn` reached 0
    /// before the proof was consumed) or ended below it; only reachable with a
    /// proof whose length was already wrong, kept so the loop mirrors the RFC.
    #[error("the proof does not follow the tree's shape")]
    MalformedProof,
    /// A hash given as bytes does not have the digest length (32 bytes).
    #[error("a hash has {got} bytes, expected {expected}")]
    WrongHashLength {
        /// The digest length of the hash function.
        expected: usize,
        /// The number of bytes received.
        got: usize,
    },
    /// A leaf range whose start is not aligned to its length, so its hash
    /// is not made of stored perfect subtrees; no proof ever needs one.
    #[error("leaf range [{start}, {end}) is not aligned to stored subtrees")]
    UnalignedRange {
        /// First leaf of the range.
        start: u64,
        /// One past the last leaf of the range.
        end: u64,
    },
    /// A store was asked for a perfect subtree it does not hold: either the
    /// subtree is not complete yet or the store lost it.
    #[error("subtree at level {level}, index {index} is not stored")]
    SubtreeNotStored {
        /// The subtree's level (0 = leaves).
        level: u32,
        /// The subtree's index within its level.
        index: u64,
    },
}
