// BLAKE3-256 (the default 32-byte output, unkeyed), in plain JavaScript,
// for inputs of any length: the compression function, chunks of 1024 bytes
// chained block by block, and the binary tree of parent nodes over the
// chunks. It follows the BLAKE3 specification (section 2) and its
// reference implementation; the browser tests check it against the
// official test vectors and the Rust `blake3` crate.

const IV = Uint32Array.of(
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
);
const PERMUTATION = [2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8];
const BLOCK_LEN = 64;
const CHUNK_LEN = 1024;
const CHUNK_START = 1;
const CHUNK_END = 2;
const PARENT = 4;
const ROOT = 8;

function rotr(x, n) {
  return (x >>> n) | (x << (32 - n));
}

function g(s, a, b, c, d, mx, my) {
  s[a] = (s[a] + s[b] + mx) | 0;
  s[d] = rotr(s[d] ^ s[a], 16);
  s[c] = (s[c] + s[d]) | 0;
  s[b] = rotr(s[b] ^ s[c], 12);
  s[a] = (s[a] + s[b] + my) | 0;
  s[d] = rotr(s[d] ^ s[a], 8);
  s[c] = (s[c] + s[d]) | 0;
  s[b] = rotr(s[b] ^ s[c], 7);
}

/**
 * The compression function: chaining value `cv` (8 words), a 16-word
 * block, the 64-bit counter, the block's length and flags; returns the
 * first 8 words of the output (all a 32-byte hash needs).
 */
function compress(cv, block, counter, blockLen, flags) {
  const s = new Uint32Array(16);
  s.set(cv, 0);
  s.set(IV.subarray(0, 4), 8);
  s[12] = counter % 0x100000000;
  s[13] = Math.floor(counter / 0x100000000);
  s[14] = blockLen;
  s[15] = flags;
  let m = Uint32Array.from(block);
  for (let round = 0; round < 7; round++) {
    g(s, 0, 4, 8, 12, m[0], m[1]);
    g(s, 1, 5, 9, 13, m[2], m[3]);
    g(s, 2, 6, 10, 14, m[4], m[5]);
    g(s, 3, 7, 11, 15, m[6], m[7]);
    g(s, 0, 5, 10, 15, m[8], m[9]);
    g(s, 1, 6, 11, 12, m[10], m[11]);
    g(s, 2, 7, 8, 13, m[12], m[13]);
    g(s, 3, 4, 9, 14, m[14], m[15]);
    if (round < 6) m = Uint32Array.from(PERMUTATION, (i) => m[i]);
  }
  const out = new Uint32Array(8);
  for (let i = 0; i < 8; i++) out[i] = s[i] ^ s[i + 8];
  return out;
}

/** Up to 64 bytes as 16 little-endian words, zero-padded. */
function blockWords(bytes, start, end) {
  const words = new Uint32Array(16);
  for (let i = start; i < end; i++) {
    const k = i - start;
    words[k >> 2] |= bytes[i] << (8 * (k & 3));
  }
  return words;
}

/**
 * The chaining value of chunk `index` (bytes `[start, end)`), with the
 * ROOT flag on its last block when it is the whole input.
 */
function chunk(bytes, start, end, index, root) {
  let cv = IV;
  const blocks = Math.max(1, Math.ceil((end - start) / BLOCK_LEN));
  for (let b = 0; b < blocks; b++) {
    const from = start + b * BLOCK_LEN;
    const to = Math.min(end, from + BLOCK_LEN);
    let flags = 0;
    if (b === 0) flags |= CHUNK_START;
    if (b === blocks - 1) flags |= CHUNK_END | (root ? ROOT : 0);
    cv = compress(cv, blockWords(bytes, from, to), index, to - from, flags);
  }
  return cv;
}

/**
 * The chaining value of chunks `[first, first + count)`: a chunk alone,
 * else a parent node over a left subtree of the largest power of two of
 * chunks below `count` and the rest.
 */
function subtree(bytes, first, count, root) {
  if (count === 1) {
    const start = first * CHUNK_LEN;
    return chunk(bytes, start, Math.min(bytes.length, start + CHUNK_LEN), first, root);
  }
  let left = 1;
  while (left * 2 < count) left *= 2;
  const block = new Uint32Array(16);
  block.set(subtree(bytes, first, left, false), 0);
  block.set(subtree(bytes, first + left, count - left, false), 8);
  return compress(IV, block, 0, BLOCK_LEN, PARENT | (root ? ROOT : 0));
}

/** BLAKE3-256 of `bytes` (a Uint8Array): 32 bytes. */
export function blake3(bytes) {
  const chunks = Math.max(1, Math.ceil(bytes.length / CHUNK_LEN));
  const words = subtree(bytes, 0, chunks, true);
  const out = new Uint8Array(32);
  for (let i = 0; i < 8; i++) {
    out[4 * i] = words[i] & 0xff;
    out[4 * i + 1] = (words[i] >>> 8) & 0xff;
    out[4 * i + 2] = (words[i] >>> 16) & 0xff;
    out[4 * i + 3] = words[i] >>> 24;
  }
  return out;
}
