//! Exhaustive and randomised checks of proof generation and verification
//! with BLAKE3, against a naive implementation of the RFC 9162 definitions.

use std::cell::Cell;
use std::collections::HashMap;

use proptest::prelude::*;

use super::*;

/// MTH(D[n]) by the recursive definition of RFC 9162 §2.1.1, from leaf data.
fn reference_root<H: MerkleHasher>(hasher: &H, leaves: &[Vec<u8>]) -> Digest {
    let hashes: Vec<Digest> = leaves.iter().map(|d| hasher.hash_leaf(d)).collect();
    reference_mth(hasher, &hashes)
}

/// MTH over leaf hashes, recursively.
fn reference_mth<H: MerkleHasher>(hasher: &H, leaf_hashes: &[Digest]) -> Digest {
    match leaf_hashes.len() {
        0 => hasher.empty_root(),
        1 => leaf_hashes[0],
        n => {
            let k = 1usize << (usize::BITS - 1 - (n - 1).leading_zeros());
            let (left, right) = leaf_hashes.split_at(k);
            hasher.hash_children(&reference_mth(hasher, left), &reference_mth(hasher, right))
        }
    }
}

/// PATH(m, D[n]) of RFC 9162 §2.1.3.1, recursively.
fn reference_path<H: MerkleHasher>(hasher: &H, m: usize, d: &[Digest]) -> Vec<Digest> {
    if d.len() <= 1 {
        return Vec::new();
    }
    let k = 1usize << (usize::BITS - 1 - (d.len() - 1).leading_zeros());
    let (left, right) = d.split_at(k);
    if m < k {
        let mut p = reference_path(hasher, m, left);
        p.push(reference_mth(hasher, right));
        p
    } else {
        let mut p = reference_path(hasher, m - k, right);
        p.push(reference_mth(hasher, left));
        p
    }
}

/// SUBPROOF(m, D[n], b) of RFC 9162 §2.1.4.1, recursively.
fn reference_subproof<H: MerkleHasher>(hasher: &H, m: usize, d: &[Digest], b: bool) -> Vec<Digest> {
    let n = d.len();
    if m == n {
        return if b {
            Vec::new()
        } else {
            vec![reference_mth(hasher, d)]
        };
    }
    let k = 1usize << (usize::BITS - 1 - (n - 1).leading_zeros());
    let (left, right) = d.split_at(k);
    if m <= k {
        let mut p = reference_subproof(hasher, m, left, b);
        p.push(reference_mth(hasher, right));
        p
    } else {
        let mut p = reference_subproof(hasher, m - k, right, false);
        p.push(reference_mth(hasher, left));
        p
    }
}

/// Leaf data that differs in length and content from leaf to leaf.
fn leaf_data(i: u64) -> Vec<u8> {
    format!("pbnode test leaf {i}").into_bytes()
}

fn blake3_log(n: u64) -> (MemoryLog<Blake3Hasher>, Vec<Vec<u8>>) {
    let mut log = MemoryLog::new(Blake3Hasher);
    let leaves: Vec<Vec<u8>> = (0..n).map(leaf_data).collect();
    for leaf in &leaves {
        log.append(leaf);
    }
    (log, leaves)
}

/// The root as a formula over named leaf ranges, following the recursive
/// definition: `None` if some leaf is covered by no named range. Two proofs
/// whose formulas agree compute the same root from the same hashes, which is
/// how a verifier given a wrong size can still (harmlessly) accept: the size
/// is bound to the root by the signed checkpoint, not by the proof.
fn formula(start: u64, end: u64, atoms: &HashMap<(u64, u64), String>) -> Option<String> {
    if let Some(atom) = atoms.get(&(start, end)) {
        return Some(atom.clone());
    }
    if end - start <= 1 {
        return None;
    }
    let k = tree::split_point(end - start);
    Some(format!(
        "({},{})",
        formula(start, start + k, atoms)?,
        formula(start + k, end, atoms)?
    ))
}

fn inclusion_formula(index: u64, size: u64) -> Option<String> {
    let mut atoms: HashMap<_, _> = inclusion_proof_ranges(index, size)
        .ok()?
        .into_iter()
        .enumerate()
        .map(|(k, r)| ((r.start, r.end), format!("p{k}")))
        .collect();
    atoms.insert((index, index + 1), "leaf".to_string());
    formula(0, size, &atoms)
}

/// (old root formula, new root formula) of a consistency proof.
fn consistency_formulas(old: u64, new: u64) -> Option<(String, String)> {
    if old == new {
        // No proof: the verifier only compares the two given roots.
        return Some(("old".to_string(), "old".to_string()));
    }
    let mut atoms: HashMap<_, _> = consistency_proof_ranges(old, new)
        .ok()?
        .into_iter()
        .enumerate()
        .map(|(k, r)| ((r.start, r.end), format!("p{k}")))
        .collect();
    if old.is_power_of_two() {
        atoms.insert((0, old), "old".to_string());
    }
    Some((formula(0, old, &atoms)?, formula(0, new, &atoms)?))
}

fn flip_bit(proof: &[Digest], element: usize, bit: usize) -> Vec<Digest> {
    let mut corrupted = proof.to_vec();
    corrupted[element][bit / 8] ^= 1 << (bit % 8);
    corrupted
}

#[test]
fn roots_of_every_size_up_to_64_match_the_recursive_definition() {
    let (log, leaves) = blake3_log(64);
    assert_eq!(log.root(0), Ok(Blake3Hasher.empty_root()));
    for n in 1..=64usize {
        assert_eq!(
            log.root(n as u64),
            Ok(reference_root(&Blake3Hasher, &leaves[..n])),
            "size {n}"
        );
    }
    assert_eq!(
        log.root(65),
        Err(MerkleError::SizeBeyondLog {
            size: 65,
            leaf_count: 64
        })
    );
}

#[test]
fn every_inclusion_proof_up_to_64_is_the_rfc_path_and_only_verifies_uncorrupted() {
    let (log, leaves) = blake3_log(64);
    let h = Blake3Hasher;
    let leaf_hashes: Vec<Digest> = leaves.iter().map(|d| h.hash_leaf(d)).collect();
    let mut checked = 0;
    for n in 1..=64u64 {
        let root = reference_root(&h, &leaves[..n as usize]);
        for i in 0..n {
            let leaf = leaf_hashes[i as usize];
            let proof = log.inclusion_proof(i, n).expect("valid sizes");
            assert_eq!(
                proof,
                reference_path(&h, i as usize, &leaf_hashes[..n as usize]),
                "PATH({i}, {n})"
            );
            assert_eq!(proof.len(), inclusion_proof_len(i, n).expect("valid"));
            assert_eq!(verify_inclusion(&h, &leaf, i, n, &proof, &root), Ok(()));

            for element in 0..proof.len() {
                let bit = (element * 37 + i as usize) % 256;
                let bad = flip_bit(&proof, element, bit);
                assert_eq!(
                    verify_inclusion(&h, &leaf, i, n, &bad, &root),
                    Err(MerkleError::RootMismatch)
                );
            }
            let mut wrong_leaf = leaf;
            wrong_leaf[0] ^= 0x80;
            assert_eq!(
                verify_inclusion(&h, &wrong_leaf, i, n, &proof, &root),
                Err(MerkleError::RootMismatch)
            );
            let mut extended = proof.clone();
            extended.push(root);
            assert!(matches!(
                verify_inclusion(&h, &leaf, i, n, &extended, &root),
                Err(MerkleError::WrongProofLength { .. })
            ));
            if !proof.is_empty() {
                assert!(matches!(
                    verify_inclusion(&h, &leaf, i, n, &proof[1..], &root),
                    Err(MerkleError::WrongProofLength { .. })
                ));
            }
            // A wrong index never verifies; a wrong size verifies only when
            // it gives the very same root formula.
            for wrong_i in [i.wrapping_sub(1), i + 1, i ^ 2, i + n] {
                if wrong_i != i && wrong_i != u64::MAX {
                    assert!(
                        verify_inclusion(&h, &leaf, wrong_i, n, &proof, &root).is_err(),
                        "index {wrong_i} of {n}"
                    );
                }
            }
            for wrong_n in [n - 1, n + 1, n * 2, n / 2] {
                if wrong_n == n {
                    continue;
                }
                let result = verify_inclusion(&h, &leaf, i, wrong_n, &proof, &root);
                let same_formula =
                    wrong_n > i && inclusion_formula(i, wrong_n) == inclusion_formula(i, n);
                assert_eq!(
                    result.is_ok(),
                    same_formula,
                    "leaf {i}, size {n} checked as size {wrong_n}"
                );
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 64 * 65 / 2);
}

#[test]
fn every_consistency_proof_up_to_64_is_the_rfc_subproof_and_only_verifies_uncorrupted() {
    let (log, leaves) = blake3_log(64);
    let h = Blake3Hasher;
    let leaf_hashes: Vec<Digest> = leaves.iter().map(|d| h.hash_leaf(d)).collect();
    let roots: Vec<Digest> = (0..=64).map(|n| reference_root(&h, &leaves[..n])).collect();
    let mut checked = 0;
    for n in 1..=64u64 {
        for m in 1..=n {
            let (old_root, new_root) = (roots[m as usize], roots[n as usize]);
            let proof = log.consistency_proof(m, n).expect("valid sizes");
            let expected = if m == n {
                Vec::new()
            } else {
                reference_subproof(&h, m as usize, &leaf_hashes[..n as usize], true)
            };
            assert_eq!(proof, expected, "PROOF({m}, D[{n}])");
            assert_eq!(
                verify_consistency(&h, m, n, &old_root, &new_root, &proof),
                Ok(())
            );

            for element in 0..proof.len() {
                let bit = (element * 53 + m as usize) % 256;
                let bad = flip_bit(&proof, element, bit);
                assert!(
                    verify_consistency(&h, m, n, &old_root, &new_root, &bad).is_err(),
                    "{m}->{n} flip {element}"
                );
            }
            let mut extended = proof.clone();
            extended.push(new_root);
            assert!(matches!(
                verify_consistency(&h, m, n, &old_root, &new_root, &extended),
                Err(MerkleError::WrongProofLength { .. })
            ));
            if !proof.is_empty() {
                assert!(matches!(
                    verify_consistency(&h, m, n, &old_root, &new_root, &proof[..proof.len() - 1]),
                    Err(MerkleError::WrongProofLength { .. })
                ));
            }
            if m != n {
                assert!(verify_consistency(&h, m, n, &new_root, &old_root, &proof).is_err());
                let mut other_old = old_root;
                other_old[31] ^= 1;
                // A perfect old tree's root seeds both chains, so a wrong
                // one surfaces in the new root; otherwise in the old root.
                let expected = if m.is_power_of_two() {
                    MerkleError::RootMismatch
                } else {
                    MerkleError::OldRootMismatch
                };
                assert_eq!(
                    verify_consistency(&h, m, n, &other_old, &new_root, &proof),
                    Err(expected)
                );
            }
            let mut other_new = new_root;
            other_new[0] ^= 1;
            assert_eq!(
                verify_consistency(&h, m, n, &old_root, &other_new, &proof),
                Err(MerkleError::RootMismatch)
            );
            let genuine = consistency_formulas(m, n).expect("a genuine proof covers both trees");
            for (wrong_m, wrong_n) in [(m - 1, n), (m + 1, n), (m, n - 1), (m, n + 1), (m, 2 * n)] {
                if (wrong_m, wrong_n) == (m, n) || wrong_m == 0 || wrong_m > wrong_n {
                    continue;
                }
                let result = verify_consistency(&h, wrong_m, wrong_n, &old_root, &new_root, &proof);
                let same = consistency_formulas(wrong_m, wrong_n).as_ref() == Some(&genuine);
                assert_eq!(
                    result.is_ok(),
                    same,
                    "{m}->{n} checked as {wrong_m}->{wrong_n}: {result:?}"
                );
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 64 * 65 / 2);
}

#[test]
fn consistency_rejects_meaningless_sizes() {
    let (log, _) = blake3_log(8);
    let h = Blake3Hasher;
    let r = log.root(8).expect("size in log");
    assert_eq!(log.consistency_proof(0, 8), Err(MerkleError::EmptyOldTree));
    assert_eq!(
        log.consistency_proof(5, 3),
        Err(MerkleError::OldSizeGreaterThanNew {
            old_size: 5,
            new_size: 3
        })
    );
    assert_eq!(
        log.consistency_proof(3, 9),
        Err(MerkleError::SizeBeyondLog {
            size: 9,
            leaf_count: 8
        })
    );
    assert_eq!(
        verify_consistency(&h, 0, 8, &h.empty_root(), &r, &[]),
        Err(MerkleError::EmptyOldTree)
    );
    assert_eq!(
        verify_consistency(&h, 8, 8, &r, &r, &[r]),
        Err(MerkleError::WrongProofLength {
            expected: 0,
            got: 1
        })
    );
    assert_eq!(
        log.inclusion_proof(8, 8),
        Err(MerkleError::IndexOutOfRange { index: 8, size: 8 })
    );
    assert_eq!(
        log.inclusion_proof(0, 0),
        Err(MerkleError::IndexOutOfRange { index: 0, size: 0 })
    );
    assert_eq!(
        verify_inclusion(&h, &r, 0, 0, &[], &h.empty_root()),
        Err(MerkleError::IndexOutOfRange { index: 0, size: 0 })
    );
}

#[test]
fn the_store_holds_exactly_the_complete_subtrees() {
    let mut log = MemoryLog::new(Blake3Hasher);
    let mut snapshot: Vec<(u32, u64, Digest)> = Vec::new();
    for n in 1..=70u64 {
        log.append(&leaf_data(n - 1));
        let newly: Vec<(u32, u64)> = completed_subtrees(n).collect();
        for level in 0..8u32 {
            for index in 0..80u64 {
                let complete = (index + 1) << level <= n;
                let stored = log.subtree_hash(level, index);
                assert_eq!(
                    stored.is_ok(),
                    complete,
                    "({level}, {index}) after {n} leaves"
                );
                let new_now = complete && ((index + 1) << level > n - 1);
                assert_eq!(
                    new_now,
                    newly.contains(&(level, index)),
                    "completed_subtrees({n})"
                );
                if let Ok(hash) = stored {
                    let first = index << level;
                    let range = LeafRange {
                        start: first,
                        end: first + (1 << level),
                    };
                    let data: Vec<Vec<u8>> = (range.start..range.end).map(leaf_data).collect();
                    assert_eq!(hash, reference_root(&Blake3Hasher, &data));
                }
            }
        }
        // Append-only: nothing stored earlier ever changes.
        for (level, index, hash) in &snapshot {
            assert_eq!(log.subtree_hash(*level, *index), Ok(*hash));
        }
        snapshot.extend(
            newly
                .iter()
                .map(|&(l, i)| (l, i, log.subtree_hash(l, i).expect("just stored"))),
        );
    }
}

/// A store wrapper that counts subtree reads, to show proofs cost O(log n).
struct CountingStore<'a, S> {
    inner: &'a S,
    reads: Cell<u64>,
}

impl<S: HashStore> HashStore for CountingStore<'_, S> {
    type Error = S::Error;
    fn leaf_count(&self) -> u64 {
        self.inner.leaf_count()
    }
    fn subtree_hash(&self, level: u32, index: u64) -> Result<Digest, S::Error> {
        self.reads.set(self.reads.get() + 1);
        self.inner.subtree_hash(level, index)
    }
}

fn read_bound(n: u64) -> u64 {
    // 2 * ceil(log2 n) + 2
    let ceil_log2 = if n <= 1 {
        0
    } else {
        64 - u64::from((n - 1).leading_zeros())
    };
    2 * ceil_log2 + 2
}

fn reads_for<F: FnOnce(&CountingStore<'_, MemoryLog<Blake3Hasher>>)>(
    log: &MemoryLog<Blake3Hasher>,
    f: F,
) -> u64 {
    let counting = CountingStore {
        inner: log,
        reads: Cell::new(0),
    };
    f(&counting);
    counting.reads.get()
}

#[test]
fn proofs_and_roots_read_logarithmically_many_stored_hashes() {
    const N: u64 = 100_000;
    let (log, _) = blake3_log(N);
    let h = Blake3Hasher;
    let mut worst = (0u64, 0u64); // (reads, size)
    let mut check = |reads: u64, n: u64, what: &str| {
        assert!(reads <= read_bound(n), "{what}: {reads} reads for size {n}");
        if reads > worst.0 {
            worst = (reads, n);
        }
    };
    // Every index and every old size for small trees, where the shapes vary most.
    for n in 1..=200u64 {
        check(reads_for(&log, |s| drop(root_at(&h, s, n))), n, "root");
        for i in 0..n {
            check(
                reads_for(&log, |s| drop(inclusion_proof(&h, s, i, n))),
                n,
                "inclusion",
            );
            check(
                reads_for(&log, |s| drop(consistency_proof(&h, s, i + 1, n))),
                n,
                "consistency",
            );
        }
    }
    // Sizes near powers of two and a deterministic spread up to 100,000.
    let mut sizes: Vec<u64> = (8..17)
        .flat_map(|b| [(1u64 << b) - 1, 1 << b, (1 << b) + 1])
        .collect();
    sizes.extend((1..=50).map(|k| k * 1999));
    sizes.push(N);
    for n in sizes {
        for i in [0, 1, n / 3, n / 2, n - 2, n - 1] {
            check(
                reads_for(&log, |s| drop(inclusion_proof(&h, s, i, n))),
                n,
                "inclusion",
            );
            check(
                reads_for(&log, |s| drop(consistency_proof(&h, s, i + 1, n))),
                n,
                "consistency",
            );
        }
    }
    assert!(worst.0 > 0);
}

#[test]
fn random_proofs_in_a_log_of_100_000_leaves_verify() {
    const N: u64 = 100_000;
    let (log, leaves) = blake3_log(N);
    let h = Blake3Hasher;
    // The store's root agrees with the recursive definition at a few sizes.
    for n in [N, 65_537, 99_999, 31_415] {
        assert_eq!(log.root(n), Ok(reference_root(&h, &leaves[..n as usize])));
    }
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 300,
        rng_seed: proptest::test_runner::RngSeed::Fixed(9162),
        ..ProptestConfig::default()
    });
    runner
        .run(&(1..=N, 1..=N, any::<u64>()), |(a, b, pick)| {
            let (old, new) = (a.min(b), a.max(b));
            let index = pick % new;
            let new_root = log.root(new).expect("in log");
            let old_root = log.root(old).expect("in log");
            let proof = log.inclusion_proof(index, new).expect("valid");
            let leaf = h.hash_leaf(&leaves[index as usize]);
            prop_assert_eq!(
                verify_inclusion(&h, &leaf, index, new, &proof, &new_root),
                Ok(())
            );
            let proof = log.consistency_proof(old, new).expect("valid");
            prop_assert_eq!(
                verify_consistency(&h, old, new, &old_root, &new_root, &proof),
                Ok(())
            );
            if !proof.is_empty() {
                let bad = flip_bit(
                    &proof,
                    (pick % proof.len() as u64) as usize,
                    (pick % 256) as usize,
                );
                prop_assert!(verify_consistency(&h, old, new, &old_root, &new_root, &bad).is_err());
            }
            Ok(())
        })
        .expect("every random proof verifies");
}

/// True when `ranges` (plus `extra`) partition `[0, size)`.
fn partitions(mut ranges: Vec<LeafRange>, extra: Option<LeafRange>, size: u64) -> bool {
    ranges.extend(extra);
    ranges.sort_by_key(|r| r.start);
    let mut next = 0;
    for r in &ranges {
        if r.start != next || r.is_empty() {
            return false;
        }
        next = r.end;
    }
    next == size
}

proptest! {
    /// Proof shapes hold for any size, up to 2^64 - 1 leaves: every element
    /// is an aligned range (so a store can serve it), the elements and the
    /// proven part partition the tree, and lengths match the closed formula.
    #[test]
    fn proof_shapes_hold_for_any_tree_size(a in 1..=u64::MAX, b in 1..=u64::MAX, pick in any::<u64>()) {
        let (old, new) = (a.min(b), a.max(b));
        let index = pick % new;
        let ranges = inclusion_proof_ranges(index, new).expect("index < size");
        prop_assert_eq!(ranges.len(), inclusion_proof_len(index, new).expect("index < size"));
        prop_assert!(ranges.len() <= 64);
        for r in &ranges {
            prop_assert!(perfect_subtrees(*r).is_ok());
        }
        let leaf = LeafRange { start: index, end: index + 1 };
        prop_assert!(partitions(ranges, Some(leaf), new));

        let ranges = consistency_proof_ranges(old, new).expect("0 < old <= new");
        prop_assert!(ranges.len() <= 128);
        for r in &ranges {
            prop_assert!(perfect_subtrees(*r).is_ok());
        }
        let old_tree_whole = old == new || !ranges.iter().any(|r| r.end <= old);
        let old_part = old_tree_whole.then_some(LeafRange { start: 0, end: old });
        prop_assert!(partitions(ranges, old_part, new));
    }

    /// Verification never panics, whatever the sizes and proof: it answers
    /// with an error for garbage.
    #[test]
    fn verification_of_garbage_is_an_error_not_a_panic(
        index in any::<u64>(),
        old in any::<u64>(),
        new in any::<u64>(),
        proof in proptest::collection::vec(any::<[u8; 32]>(), 0..70),
        leaf in any::<[u8; 32]>(),
        root in any::<[u8; 32]>(),
    ) {
        let h = Blake3Hasher;
        prop_assert!(verify_inclusion(&h, &leaf, index, new, &proof, &root).is_err());
        prop_assert!(old == new || verify_consistency(&h, old, new, &leaf, &root, &proof).is_err());
    }
}

#[test]
fn unaligned_ranges_are_refused() {
    assert_eq!(
        perfect_subtrees(LeafRange { start: 1, end: 3 }),
        Err(MerkleError::UnalignedRange { start: 1, end: 3 })
    );
    assert_eq!(
        perfect_subtrees(LeafRange { start: 4, end: 7 }),
        Ok(vec![(1, 2), (0, 6)])
    );
    assert_eq!(perfect_subtrees(LeafRange { start: 0, end: 0 }), Ok(vec![]));
}
