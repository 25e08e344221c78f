//! The Merkle log against published and golden test vectors.
//!
//! - `vectors/merkle/sha256-transparency-dev.json`: the inclusion and
//!   consistency probes of transparency-dev/merkle (valid and corrupted
//!   proofs), SHA-256.
//! - `vectors/merkle/sha256-ct-8leaf.json`: the classic CT 8-leaf tree, its
//!   roots, subtree hashes and published proofs, SHA-256.
//! - `vectors/merkle/blake3.json`: pbnode's own BLAKE3 golden vectors,
//!   regenerated with `PBNODE_REGEN_VECTORS=1`.

use std::path::PathBuf;

use pbnode_protocol::merkle::{
    Blake3Hasher, Digest, HashStore, MemoryLog, MerkleError, MerkleHasher, Sha256Hasher,
    digest_from_slice, verify_consistency, verify_inclusion,
};
use serde::{Deserialize, Serialize};

fn vector_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors/merkle")
        .join(name)
}

fn load<T: for<'de> Deserialize<'de>>(name: &str) -> T {
    let text = std::fs::read_to_string(vector_path(name)).expect("vector file is committed");
    serde_json::from_str(&text).expect("vector file parses")
}

/// Decodes a hex hash the way a verifier reading untrusted input must: any
/// length but 32 bytes is refused.
fn digest(hex_text: &str) -> Result<Digest, MerkleError> {
    let bytes = hex::decode(hex_text).expect("vector hex is well formed");
    digest_from_slice(&bytes)
}

fn digests(hex_texts: &[String]) -> Result<Vec<Digest>, MerkleError> {
    hex_texts.iter().map(|h| digest(h)).collect()
}

fn to_hex(ds: &[Digest]) -> Vec<String> {
    ds.iter().map(hex::encode).collect()
}

#[derive(Deserialize)]
struct InclusionProbe {
    name: String,
    leaf_index: u64,
    tree_size: u64,
    leaf_hash: String,
    root: String,
    proof: Vec<String>,
    want_err: bool,
}

#[derive(Deserialize)]
struct ConsistencyProbe {
    name: String,
    old_size: u64,
    new_size: u64,
    old_root: String,
    new_root: String,
    proof: Vec<String>,
    want_err: bool,
}

#[derive(Deserialize)]
struct Probes {
    inclusion: Vec<InclusionProbe>,
    consistency: Vec<ConsistencyProbe>,
}

/// The CT 8-leaf tree, built through the store.
fn ct_tree() -> (MemoryLog<Sha256Hasher>, CtTree) {
    let ct: CtTree = load("sha256-ct-8leaf.json");
    let mut log = MemoryLog::new(Sha256Hasher);
    for leaf in &ct.leaves {
        log.append(&hex::decode(leaf).expect("hex"));
    }
    (log, ct)
}

fn check_inclusion_probe(p: &InclusionProbe) -> Result<(), MerkleError> {
    let leaf = digest(&p.leaf_hash)?;
    let root = digest(&p.root)?;
    let proof = digests(&p.proof)?;
    verify_inclusion(
        &Sha256Hasher,
        &leaf,
        p.leaf_index,
        p.tree_size,
        &proof,
        &root,
    )
}

fn check_consistency_probe(p: &ConsistencyProbe) -> Result<(), MerkleError> {
    let old_root = digest(&p.old_root)?;
    let new_root = digest(&p.new_root)?;
    let proof = digests(&p.proof)?;
    verify_consistency(
        &Sha256Hasher,
        p.old_size,
        p.new_size,
        &old_root,
        &new_root,
        &proof,
    )
}

#[test]
fn transparency_dev_inclusion_probes_are_accepted_or_rejected_as_published() {
    let probes: Probes = load("sha256-transparency-dev.json");
    let (log, _) = ct_tree();
    let (mut accepted, mut rejected, mut regenerated) = (0, 0, 0);
    for p in &probes.inclusion {
        let result = check_inclusion_probe(p);
        assert_eq!(result.is_err(), p.want_err, "{}: {result:?}", p.name);
        if result.is_err() {
            rejected += 1;
            continue;
        }
        accepted += 1;
        // Valid proofs over the CT tree are exactly what our store generates.
        if p.tree_size <= log.leaf_count()
            && log.root(p.tree_size).map(hex::encode).ok().as_ref() == Some(&p.root)
        {
            let ours = log
                .inclusion_proof(p.leaf_index, p.tree_size)
                .expect("valid");
            assert_eq!(to_hex(&ours), p.proof, "{}", p.name);
            regenerated += 1;
        }
    }
    assert_eq!(probes.inclusion.len(), 98);
    assert_eq!((accepted, rejected), (6, 92));
    assert_eq!(regenerated, 5, "every happy path over the 8-leaf tree");
}

/// Upstream accepts equal sizes with equal roots of any length; our hashes
/// are typed 32-byte digests, so a 12-byte "root" is refused when decoded.
const STRICTER_THAN_UPSTREAM: &[&str] =
    &["consistency/additional/sizes-are-equal-one-and-proof-is-empty"];

#[test]
fn transparency_dev_consistency_probes_are_accepted_or_rejected_as_published() {
    let probes: Probes = load("sha256-transparency-dev.json");
    let (log, _) = ct_tree();
    let (mut accepted, mut rejected, mut regenerated) = (0, 0, 0);
    for p in &probes.consistency {
        let result = check_consistency_probe(p);
        if STRICTER_THAN_UPSTREAM.contains(&p.name.as_str()) {
            assert!(!p.want_err);
            assert_eq!(
                result,
                Err(MerkleError::WrongHashLength {
                    expected: 32,
                    got: 12
                })
            );
            continue;
        }
        assert_eq!(result.is_err(), p.want_err, "{}: {result:?}", p.name);
        if result.is_err() {
            rejected += 1;
            continue;
        }
        accepted += 1;
        if p.new_size <= log.leaf_count()
            && log.root(p.new_size).map(hex::encode).ok().as_ref() == Some(&p.new_root)
        {
            let ours = log
                .consistency_proof(p.old_size, p.new_size)
                .expect("valid");
            assert_eq!(to_hex(&ours), p.proof, "{}", p.name);
            regenerated += 1;
        }
    }
    assert_eq!(probes.consistency.len(), 98);
    assert_eq!((accepted, rejected), (5, 92));
    assert_eq!(regenerated, 5, "every happy path over the 8-leaf tree");
}

#[derive(Deserialize)]
struct CtTree {
    leaves: Vec<String>,
    roots_by_size: Vec<String>,
    subtree_hashes_by_level: Vec<Vec<String>>,
    inclusion_proofs: Vec<CtInclusion>,
    consistency_proofs: Vec<CtConsistency>,
}

#[derive(Deserialize)]
struct CtInclusion {
    leaf_index: u64,
    tree_size: u64,
    proof: Vec<String>,
}

#[derive(Deserialize)]
struct CtConsistency {
    old_size: u64,
    new_size: u64,
    proof: Vec<String>,
}

#[test]
fn ct_8_leaf_tree_roots_subtrees_and_proofs_match() {
    let (log, ct) = ct_tree();
    let h = Sha256Hasher;
    for (size, root) in ct.roots_by_size.iter().enumerate() {
        assert_eq!(
            hex::encode(log.root(size as u64).expect("in log")),
            *root,
            "root of size {size}"
        );
    }
    for (level, row) in ct.subtree_hashes_by_level.iter().enumerate() {
        for (index, hash) in row.iter().enumerate() {
            let stored = log
                .subtree_hash(level as u32, index as u64)
                .expect("stored");
            assert_eq!(hex::encode(stored), *hash, "subtree ({level}, {index})");
        }
    }
    let root = |size: u64| digest(&ct.roots_by_size[size as usize]).expect("32 bytes");
    for v in &ct.inclusion_proofs {
        let ours = log
            .inclusion_proof(v.leaf_index, v.tree_size)
            .expect("valid");
        assert_eq!(
            to_hex(&ours),
            v.proof,
            "inclusion {} in {}",
            v.leaf_index,
            v.tree_size
        );
        let leaf = h.hash_leaf(&hex::decode(&ct.leaves[v.leaf_index as usize]).expect("hex"));
        assert_eq!(
            verify_inclusion(
                &h,
                &leaf,
                v.leaf_index,
                v.tree_size,
                &ours,
                &root(v.tree_size)
            ),
            Ok(())
        );
    }
    for v in &ct.consistency_proofs {
        let ours = log
            .consistency_proof(v.old_size, v.new_size)
            .expect("valid");
        assert_eq!(
            to_hex(&ours),
            v.proof,
            "consistency {} -> {}",
            v.old_size,
            v.new_size
        );
        let (old, new) = (root(v.old_size), root(v.new_size));
        assert_eq!(
            verify_consistency(&h, v.old_size, v.new_size, &old, &new, &ours),
            Ok(())
        );
    }
    // Beyond the published proofs: every proof in the 8-leaf tree verifies
    // against the published roots.
    for n in 1..=8u64 {
        for i in 0..n {
            let leaf = h.hash_leaf(&hex::decode(&ct.leaves[i as usize]).expect("hex"));
            let proof = log.inclusion_proof(i, n).expect("valid");
            assert_eq!(verify_inclusion(&h, &leaf, i, n, &proof, &root(n)), Ok(()));
            let proof = log.consistency_proof(i + 1, n).expect("valid");
            assert_eq!(
                verify_consistency(&h, i + 1, n, &root(i + 1), &root(n), &proof),
                Ok(())
            );
        }
    }
}

/// pbnode's BLAKE3 golden vectors, for verifiers in other languages.
#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct Blake3Vectors {
    description: String,
    leaves: Vec<String>,
    leaf_hashes: Vec<String>,
    roots: Vec<SizedRoot>,
    inclusion: Vec<GoldenInclusion>,
    consistency: Vec<GoldenConsistency>,
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct SizedRoot {
    size: u64,
    root: String,
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct GoldenInclusion {
    leaf_index: u64,
    tree_size: u64,
    leaf_hash: String,
    root: String,
    proof: Vec<String>,
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct GoldenConsistency {
    old_size: u64,
    new_size: u64,
    old_root: String,
    new_root: String,
    proof: Vec<String>,
}

const GOLDEN_LEAVES: u64 = 37;

/// Leaf 0 is empty; leaf i > 0 is the ASCII text "pbnode leaf i".
fn golden_leaf(i: u64) -> Vec<u8> {
    if i == 0 {
        Vec::new()
    } else {
        format!("pbnode leaf {i}").into_bytes()
    }
}

fn generate_blake3_vectors() -> Blake3Vectors {
    let h = Blake3Hasher;
    let mut log = MemoryLog::new(h);
    let leaves: Vec<Vec<u8>> = (0..GOLDEN_LEAVES).map(golden_leaf).collect();
    for leaf in &leaves {
        log.append(leaf);
    }
    let root = |n: u64| hex::encode(log.root(n).expect("in log"));
    let inclusion = [(0u64, 1u64), (5, 8), (12, 37), (36, 37)]
        .into_iter()
        .map(|(i, n)| GoldenInclusion {
            leaf_index: i,
            tree_size: n,
            leaf_hash: hex::encode(h.hash_leaf(&leaves[i as usize])),
            root: root(n),
            proof: to_hex(&log.inclusion_proof(i, n).expect("valid")),
        })
        .collect();
    let consistency = [(8u64, 37u64), (13, 37), (31, 33)]
        .into_iter()
        .map(|(m, n)| GoldenConsistency {
            old_size: m,
            new_size: n,
            old_root: root(m),
            new_root: root(n),
            proof: to_hex(&log.consistency_proof(m, n).expect("valid")),
        })
        .collect();
    Blake3Vectors {
        description: "pbnode Merkle log, RFC 9162 tree with H = BLAKE3 (32-byte output). \
            LEAF(d) = H(0x00 || d), NODE(l, r) = H(0x01 || l || r), empty root = H(\"\"). \
            Leaf 0 is empty, leaf i > 0 is the ASCII text \"pbnode leaf i\". All hashes hex. \
            Regenerate with PBNODE_REGEN_VECTORS=1 cargo test -p pbnode-protocol --test merkle_vectors."
            .to_string(),
        leaves: leaves.iter().map(hex::encode).collect(),
        leaf_hashes: leaves.iter().map(|d| hex::encode(h.hash_leaf(d))).collect(),
        roots: [0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 31, 32, 33, 37]
            .into_iter()
            .map(|size| SizedRoot { size, root: root(size) })
            .collect(),
        inclusion,
        consistency,
    }
}

#[test]
fn blake3_golden_vectors_are_unchanged() {
    let path = vector_path("blake3.json");
    let generated = generate_blake3_vectors();
    let text = serde_json::to_string_pretty(&generated).expect("serialises") + "\n";
    if std::env::var("PBNODE_REGEN_VECTORS").as_deref() == Ok("1") {
        std::fs::write(&path, &text).expect("vector file is writable");
    }
    let committed = std::fs::read_to_string(&path).expect("blake3.json is committed");
    assert_eq!(
        committed, text,
        "BLAKE3 Merkle vectors changed: the log format would break"
    );

    // The committed proofs verify on their own, as a foreign verifier would
    // check them.
    let h = Blake3Hasher;
    let v: Blake3Vectors = serde_json::from_str(&committed).expect("parses");
    for p in &v.inclusion {
        let (leaf, root) = (
            digest(&p.leaf_hash).expect("32"),
            digest(&p.root).expect("32"),
        );
        let proof = digests(&p.proof).expect("32");
        assert_eq!(
            verify_inclusion(&h, &leaf, p.leaf_index, p.tree_size, &proof, &root),
            Ok(())
        );
    }
    for p in &v.consistency {
        let (old, new) = (
            digest(&p.old_root).expect("32"),
            digest(&p.new_root).expect("32"),
        );
        let proof = digests(&p.proof).expect("32");
        assert_eq!(
            verify_consistency(&h, p.old_size, p.new_size, &old, &new, &proof),
            Ok(())
        );
    }
}

#[test]
fn blake3_and_sha256_give_different_trees() {
    // Guards against a hasher silently delegating to the other one.
    assert_ne!(Blake3Hasher.hash_leaf(b""), Sha256Hasher.hash_leaf(b""));
    assert_eq!(
        hex::encode(Sha256Hasher.empty_root()),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(
        hex::encode(Blake3Hasher.empty_root()),
        blake3::hash(b"").to_hex().to_string()
    );
}
