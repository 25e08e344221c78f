//! The RFC 9162 hashing rules and the two hash functions pbnode uses.

use sha2::Digest as _;

use super::error::MerkleError;

/// Length in bytes of every digest in the log.
pub const DIGEST_LEN: usize = 32;

/// A node or leaf hash. Both supported functions give 32 bytes, so a fixed
/// array keeps lengths checked by the type system instead of at run time.
pub type Digest = [u8; DIGEST_LEN];

/// Prefix of a leaf hash input (RFC 9162 §2.1.1): keeps a leaf from ever
/// being mistaken for an interior node (second-preimage defence).
pub const LEAF_PREFIX: u8 = 0x00;
/// Prefix of an interior node hash input (RFC 9162 §2.1.1).
pub const NODE_PREFIX: u8 = 0x01;

/// A hash function used with the RFC 9162 tree rules
/// `LEAF(d) = H(0x00 || d)`, `NODE(l, r) = H(0x01 || l || r)` and
/// `MTH({}) = H("")`.
///
/// Implementors only provide [`MerkleHasher::hash_parts`]; the tree rules are
/// fixed here so no implementation can get the prefixes wrong.
pub trait MerkleHasher {
    /// Hashes the concatenation of `parts`.
    fn hash_parts(&self, parts: &[&[u8]]) -> Digest;

    /// The root of the empty tree: the hash of the empty string.
    fn empty_root(&self) -> Digest {
        self.hash_parts(&[])
    }

    /// `LEAF(d) = H(0x00 || d)`.
    fn hash_leaf(&self, data: &[u8]) -> Digest {
        self.hash_parts(&[&[LEAF_PREFIX], data])
    }

    /// `NODE(l, r) = H(0x01 || l || r)`.
    fn hash_children(&self, left: &Digest, right: &Digest) -> Digest {
        self.hash_parts(&[&[NODE_PREFIX], left, right])
    }
}

/// BLAKE3 with 32-byte output: the hash of pbnode's logs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Blake3Hasher;

impl MerkleHasher for Blake3Hasher {
    fn hash_parts(&self, parts: &[&[u8]]) -> Digest {
        let mut hasher = blake3::Hasher::new();
        for part in parts {
            hasher.update(part);
        }
        *hasher.finalize().as_bytes()
    }
}

/// SHA-256: the hash of RFC 6962/9162 logs, used here so that the public
/// Certificate Transparency test vectors check this implementation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sha256Hasher;

impl MerkleHasher for Sha256Hasher {
    fn hash_parts(&self, parts: &[&[u8]]) -> Digest {
        let mut hasher = sha2::Sha256::new();
        for part in parts {
            hasher.update(part);
        }
        hasher.finalize().into()
    }
}

/// Reads a digest from untrusted bytes (a proof received over the wire, a
/// JSON field), refusing any length other than [`DIGEST_LEN`].
pub fn digest_from_slice(bytes: &[u8]) -> Result<Digest, MerkleError> {
    Digest::try_from(bytes).map_err(|_| MerkleError::WrongHashLength {
        expected: DIGEST_LEN,
        got: bytes.len(),
    })
}
