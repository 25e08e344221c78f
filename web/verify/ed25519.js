// Ed25519 verification through the browser's WebCrypto, with the checks
// pbnode's rules add that WebCrypto does not promise: the public key is a
// canonical encoding (y < p) and not of small order, `s < ℓ`, and for the
// strict rule (node and witness signatures) `R` is not of small order.
//
// WebCrypto applies the cofactorless equation. Voter signatures follow the
// cofactored rule (protocol/README.md, "Signatures"); the two agree on
// every signature made by an honest signer, and differ only on a signature
// a key holder crafts with a small-order component, which this page would
// refuse and `pbnode verify receipt` accept.

import { toHex } from './bytes.js';

const P = (1n << 255n) - 19n;
const L = (1n << 252n) + 27742317777372353535851937790883648493n;

// The encodings of the 8 points of small order with a canonical y (y < p),
// including both signs of x where x = 0 (two spellings of one point).
const SMALL_ORDER = new Set([
  '0100000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000080',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0000000000000000000000000000000000000000000000000000000000000080',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85',
]);

/** A little-endian byte string as a BigInt. */
function littleEndian(bytes) {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]);
  return n;
}

/** Why a 32-byte point encoding is refused, or null if it is acceptable. */
function pointProblem(bytes) {
  const y = littleEndian(bytes) & ((1n << 255n) - 1n);
  if (y >= P) return 'is not a canonical encoding (y ≥ p)';
  if (SMALL_ORDER.has(toHex(bytes))) return 'is of small order';
  return null;
}

/** Whether this browser can verify Ed25519 at all (and why not). */
export function unavailable() {
  if (!globalThis.crypto || !crypto.subtle) {
    return 'this page has no WebCrypto (browsers offer it only to HTTPS pages and localhost)';
  }
  return null;
}

/**
 * Verifies an Ed25519 signature (64 bytes) by `key` (32 bytes) over
 * `message`. Returns null when it verifies, else why not. `strict` also
 * refuses an `R` of small order (the rule of node and witness signatures).
 * Never throws.
 */
export async function verifyEd25519(key, signature, message, { strict }) {
  if (key.length !== 32) return `the key has ${key.length} bytes, not 32`;
  if (signature.length !== 64) return `the signature has ${signature.length} bytes, not 64`;
  const keyProblem = pointProblem(key);
  if (keyProblem) return 'the public key ' + keyProblem;
  if (littleEndian(signature.subarray(32)) >= L) return 'the signature is not canonical (s ≥ ℓ)';
  if (strict && SMALL_ORDER.has(toHex(signature.subarray(0, 32)))) {
    return 'the signature\'s R is of small order';
  }
  const missing = unavailable();
  if (missing) return missing;
  try {
    const imported = await crypto.subtle.importKey('raw', key, { name: 'Ed25519' }, false, ['verify']);
    const ok = await crypto.subtle.verify({ name: 'Ed25519' }, imported, signature, message);
    return ok ? null : 'the signature does not verify';
  } catch (e) {
    return 'this browser could not check an Ed25519 signature (' + e.message + ')';
  }
}
