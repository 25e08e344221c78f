//! The append-only Merkle log of RFC 9162 (Certificate Transparency v2)
//! §2.1, generic over the hash function.
//!
//! - [`hasher`]: `LEAF(d) = H(0x00 || d)`, `NODE(l, r) = H(0x01 || l || r)`,
//!   with [`Blake3Hasher`] (pbnode's logs) and [`Sha256Hasher`] (the public
//!   CT test vectors).
//! - [`store`]: the stored perfect-subtree layout ([`HashStore`]) and the
//!   in-memory log [`MemoryLog`].
//! - [`tree`], [`inclusion`], [`consistency`]: roots of any size, proofs
//!   generated from `O(log n)` stored hashes, and the pure RFC 9162
//!   verification algorithms.
//!
//! See `protocol/README.md` for the byte-level format.

pub mod consistency;
pub mod error;
pub mod hasher;
pub mod inclusion;
pub mod store;
pub mod tree;

pub use consistency::{consistency_proof, consistency_proof_ranges, verify_consistency};
pub use error::MerkleError;
pub use hasher::{Blake3Hasher, DIGEST_LEN, Digest, MerkleHasher, Sha256Hasher, digest_from_slice};
pub use inclusion::{
    inclusion_proof, inclusion_proof_len, inclusion_proof_ranges, root_from_inclusion_proof,
    verify_inclusion,
};
pub use store::{HashStore, MemoryLog, completed_subtrees};
pub use tree::{LeafRange, perfect_subtrees, root_at};

#[cfg(test)]
mod tests;
