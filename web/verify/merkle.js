// RFC 9162 Merkle inclusion proofs with BLAKE3-256 (protocol/README.md,
// "The Merkle log"): LEAF(d) = H(0x00 || d), NODE(l, r) = H(0x01 || l || r).
// Indices and sizes are BigInts, as a log's size is a u64.

import { blake3 } from './blake3.js';
import { concat, equal } from './bytes.js';

/** H(0x00 || data). */
export function leafHash(data) {
  return blake3(concat(Uint8Array.of(0), data));
}

/** H(0x01 || left || right). */
export function nodeHash(left, right) {
  return blake3(concat(Uint8Array.of(1), left, right));
}

function bitLength(n) {
  return n === 0n ? 0 : n.toString(2).length;
}

function popcount(n) {
  return [...n.toString(2)].filter((b) => b === '1').length;
}

/** The length of a valid inclusion proof of leaf `index` in a tree of `size`. */
export function inclusionProofLength(index, size) {
  const inner = bitLength(index ^ (size - 1n));
  return inner + popcount(index >> BigInt(inner));
}

/**
 * Checks that `leaf` (its hash) is leaf `index` of the tree of `size`
 * whose root is `root`, with `proof` (32-byte hashes, leaf end first), by
 * RFC 9162 §2.1.3.2. Returns null when it holds, else why not; a proof of
 * the wrong length and a root mismatch are told apart.
 */
export function verifyInclusion(leaf, index, size, proof, root) {
  if (index >= size) return `leaf ${index} is not in a tree of ${size} leaves`;
  const expected = inclusionProofLength(index, size);
  if (proof.length !== expected) {
    return `the inclusion proof has ${proof.length} hashes; leaf ${index} of a tree of ${size} needs ${expected}`;
  }
  let fn = index;
  let sn = size - 1n;
  let r = leaf;
  for (const p of proof) {
    if ((fn & 1n) === 1n || fn === sn) {
      r = nodeHash(p, r);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n || !equal(r, root)) return 'the inclusion proof does not lead to the checkpoint\'s root';
  return null;
}
