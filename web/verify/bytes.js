// Byte helpers for the verifier: hex, base64, UTF-8, concatenation and
// big-endian integers. Every decoder refuses malformed input with an Error
// that names what was wrong, so the verifier can report it as a step's
// failure instead of checking garbage.

const encoder = new TextEncoder();

/** The UTF-8 bytes of a string. */
export function utf8(text) {
  return encoder.encode(text);
}

/**
 * Lower- or upper-case hex to bytes. With `length`, exactly that many
 * bytes are required (`what` names the value in the error).
 */
export function fromHex(hex, length, what = 'value') {
  if (typeof hex !== 'string' || hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new Error(`${what} is not hex`);
  }
  if (length !== undefined && hex.length !== length * 2) {
    throw new Error(`${what} has ${hex.length / 2} bytes, not ${length}`);
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Bytes to lower-case hex. */
export function toHex(bytes) {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/**
 * Canonical standard base64 (RFC 4648 §4, with padding) to bytes: text
 * that does not re-encode to itself is refused, as the Rust side does.
 */
export function fromBase64(text, what = 'base64') {
  let raw;
  try {
    raw = atob(text);
  } catch (_) {
    throw new Error(`${what} is not base64`);
  }
  const out = Uint8Array.from(raw, (c) => c.charCodeAt(0));
  if (toBase64(out) !== text) throw new Error(`${what} is not canonical base64`);
  return out;
}

/** Bytes to standard base64 with padding. */
export function toBase64(bytes) {
  let raw = '';
  for (const b of bytes) raw += String.fromCharCode(b);
  return btoa(raw);
}

/** The concatenation of byte arrays. */
export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Whether two byte arrays are equal. */
export function equal(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A u32 as 4 big-endian bytes. */
export function u32(n) {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new Error(`${n} is not a u32`);
  return Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

/** A u64 (a BigInt) as 8 big-endian bytes. */
export function u64(n) {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, n);
  return out;
}

/** 8 big-endian bytes as a BigInt. */
export function readU64(bytes) {
  return new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0);
}
