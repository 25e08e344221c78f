// C2SP signed notes and checkpoints (protocol/README.md, "Checkpoints,
// signed notes and cosignatures"; c2sp.org/signed-note): verifier keys and
// their key ids, the note's syntax, the log's signature line and witnesses'
// cosignature/v1 lines. Parsers throw an Error that says what is wrong;
// the verifying functions return null or why the check failed.

import { concat, fromBase64, fromHex, readU64, utf8 } from './bytes.js';
import { verifyEd25519 } from './ed25519.js';

/** Key type bytes: the log's own signature, and a witness's cosignature. */
export const ED25519 = 0x01;
export const COSIGNATURE_V1 = 0x04;

const MAX_SIGNATURES = 100;
const MAX_TIMESTAMP = (1n << 63n) - 1n;
const DASH = '\u2014 ';

function checkKeyName(name) {
  if (!name || /[\s+]/u.test(name) || /[\u0000-\u001f]/.test(name)) {
    throw new Error(`"${name}" is not a valid key name`);
  }
}

/** The 4-byte key id: SHA-256(name || 0x0A || type || key)[:4], as a number. */
export async function keyId(name, type, key) {
  const digest = new Uint8Array(
    await crypto.subtle.digest('SHA-256', concat(utf8(name + '\n'), Uint8Array.of(type), key)),
  );
  return new DataView(digest.buffer).getUint32(0);
}

/** A key's id as 8 hex digits. */
export function idHex(id) {
  return id.toString(16).padStart(8, '0');
}

/**
 * Parses a vkey `<name>+<hex id>+<base64(type || key)>`, requiring key type
 * `type` and a key id that matches the name and key.
 */
export async function parseVkey(text, type) {
  const vkey = String(text).trim();
  const first = vkey.indexOf('+');
  const second = vkey.indexOf('+', first + 1);
  if (first < 0 || second < 0) throw new Error(`"${vkey}" is not a vkey (name+id+key)`);
  const name = vkey.slice(0, first);
  const hex = vkey.slice(first + 1, second);
  checkKeyName(name);
  if (!/^[0-9a-f]{8}$/.test(hex)) throw new Error(`the key id "${hex}" is not 8 lower-case hex digits`);
  const typed = fromBase64(vkey.slice(second + 1), 'the key');
  if (typed.length !== 33) throw new Error(`the key has ${typed.length - 1} bytes, not 32`);
  if (typed[0] !== type) {
    throw new Error(`the key of ${name} has type 0x${idHex(typed[0]).slice(6)}, not 0x0${type}`);
  }
  const key = typed.slice(1);
  const id = await keyId(name, type, key);
  if (idHex(id) !== hex) throw new Error(`the key id ${hex} of ${name} does not match its key (${idHex(id)})`);
  return { name, id, type, key, text: vkey };
}

/** A witness key from the process definition's `{name, key (hex)}`. */
export async function witnessKey(name, keyHex) {
  checkKeyName(name);
  const key = fromHex(keyHex, 32, `the key of witness ${name}`);
  const id = await keyId(name, COSIGNATURE_V1, key);
  return { name, id, type: COSIGNATURE_V1, key, text: `${name}+${idHex(id)}+(key ${keyHex})` };
}

/**
 * Parses a signed note: its text (up to and including the newline before
 * the last blank line) and its signature lines `— name base64(id || sig)`.
 */
export function parseNote(note) {
  if (typeof note !== 'string') throw new Error('the note is not text');
  if (/[\u0000-\u0009\u000b-\u001f]/.test(note)) throw new Error('the note holds a control character');
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) throw new Error('the note has no signature lines');
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw new Error(`the note has more than ${MAX_SIGNATURES} signatures`);
  const signatures = lines.map((line) => {
    const bad = new Error(`malformed signature line "${line}"`);
    if (!line.startsWith(DASH)) throw bad;
    const rest = line.slice(DASH.length);
    const space = rest.indexOf(' ');
    if (space < 0) throw bad;
    const name = rest.slice(0, space);
    checkKeyName(name);
    const bytes = fromBase64(rest.slice(space + 1), `the signature of ${name}`);
    if (bytes.length < 5) throw bad;
    return { name, id: new DataView(bytes.buffer).getUint32(0), signature: bytes.slice(4) };
  });
  return { text, signatures };
}

/**
 * Parses a checkpoint's text: origin, size (decimal, no leading zero, a
 * u64), canonical base64 of a 32-byte root, then non-empty extension lines.
 */
export function parseCheckpointText(text) {
  const lines = text.split('\n').slice(0, -1);
  if (lines.length < 3) throw new Error('the checkpoint has no origin, size and root lines');
  const [origin, sizeText, rootText, ...extensions] = lines;
  if (!origin) throw new Error('the checkpoint\'s origin is empty');
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText) || BigInt(sizeText) >= 1n << 64n) {
    throw new Error(`the checkpoint size "${sizeText}" is not a decimal u64`);
  }
  const root = fromBase64(rootText, 'the checkpoint root');
  if (root.length !== 32) throw new Error(`the checkpoint root has ${root.length} bytes, not 32`);
  if (extensions.some((l) => l === '')) throw new Error('the checkpoint has an empty extension line');
  return { origin, size: BigInt(sizeText), root, extensions };
}

function matches(line, key) {
  return line.name === key.name && line.id === key.id;
}

/**
 * Checks the note's signature by the log key (type 0x01): every line of
 * that key must verify (strict rule), and there must be one.
 */
export async function verifyLogSignature(note, key) {
  const own = note.signatures.filter((line) => matches(line, key));
  if (!own.length) {
    const names = note.signatures.map((l) => `${l.name}+${idHex(l.id)}`).join(', ');
    return `no signature line of the key ${key.name}+${idHex(key.id)} (the note is signed by ${names})`;
  }
  for (const line of own) {
    const why = await verifyEd25519(key.key, line.signature, utf8(note.text), { strict: true });
    if (why) return `the signature line of ${key.name} does not verify: ${why}`;
  }
  return null;
}

/**
 * The witnesses' cosignatures: with `policy` ({keys, threshold}), every line
 * of a policy witness must verify and at least `threshold` distinct ones
 * must; returns {error, valid, required, witnesses, names}.
 */
export async function checkCosignatures(note, policy) {
  const valid = [];
  for (const line of note.signatures) {
    const key = policy.keys.find((k) => matches(line, k));
    if (!key) continue;
    const bad = (why) => ({ error: `the cosignature of witness ${key.name} is invalid: ${why}` });
    if (line.signature.length !== 72) return bad(`it has ${line.signature.length} bytes after the key id, not 72`);
    const time = readU64(line.signature.subarray(0, 8));
    if (time > MAX_TIMESTAMP) return bad(`its time ${time} is beyond 2^63 - 1`);
    const message = utf8(`cosignature/v1\ntime ${time}\n${note.text}`);
    const why = await verifyEd25519(key.key, line.signature.subarray(8), message, { strict: true });
    if (why) return bad(why);
    if (!valid.some((k) => k === key)) valid.push(key);
  }
  const counts = { valid: valid.length, required: policy.threshold, witnesses: policy.keys.length };
  const names = valid.map((k) => k.name);
  if (valid.length < policy.threshold) {
    return {
      ...counts,
      names,
      error: `${valid.length} of the ${policy.keys.length} policy witnesses validly cosigned; ${policy.threshold} are required`,
    };
  }
  return { ...counts, names, error: null };
}
