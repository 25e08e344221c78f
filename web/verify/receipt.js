// A voter's receipt verified in the browser, independently of what the
// node says, by the steps of protocol/README.md ("Verifying a receipt
// (offline)"), in their order: the first failure is the answer, and the
// steps after it are reported as not checked. Nothing here throws: every
// problem becomes the failure of the step it belongs to.

import { blake3 } from './blake3.js';
import * as canonical from './canonical.js';
import { equal, fromHex, toHex } from './bytes.js';
import { unavailable, verifyEd25519 } from './ed25519.js';
import { leafHash, verifyInclusion } from './merkle.js';
import {
  COSIGNATURE_V1, ED25519, checkCosignatures, parseCheckpointText, parseNote, parseVkey,
  verifyLogSignature, witnessKey,
} from './note.js';

/** The steps, numbered as in the specification (0 reads the receipt). */
export const STEPS = [
  [0, 'The receipt is readable'],
  [1, 'The checkpoint is signed by the node\'s key'],
  [2, 'Witnesses cosigned the checkpoint'],
  [3, 'The checkpoint is the log of the receipt\'s process'],
  [4, 'The voter key signed the ballot commitment'],
  [5, 'The commitment is for the receipt\'s process'],
  [6, 'The opening (your ballot and nonce) opens the commitment'],
  [7, 'The leaf index is inside the checkpoint'],
  [8, 'The inclusion proof leads to the checkpoint root'],
];

const ORIGIN_PART = /^[a-z0-9._-]{1,64}$/;

/** A witness policy from vkey lines (type 0x04) and a threshold. */
export async function policyFromVkeys(lines, threshold) {
  const keys = [];
  for (const line of lines.map((l) => l.trim()).filter(Boolean)) {
    keys.push(await parseVkey(line, COSIGNATURE_V1));
  }
  return checkedPolicy(keys, threshold);
}

/**
 * A witness policy from a process definition's `witnesses` ({witnesses:
 * [{name, key}], threshold}); null when its threshold is 0 (no policy).
 */
export async function policyFromProcess(witnesses) {
  if (!witnesses || !witnesses.threshold) return null;
  const keys = [];
  for (const w of witnesses.witnesses) keys.push(await witnessKey(w.name, w.key));
  return checkedPolicy(keys, witnesses.threshold);
}

function checkedPolicy(keys, threshold) {
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > keys.length) {
    throw new Error(`a threshold of ${threshold} of ${keys.length} witnesses is not a policy`);
  }
  return { keys, threshold };
}

/** The receipt's JSON, its fields' forms checked; throws an Error saying what is wrong. */
function readReceipt(input) {
  let r = input;
  if (typeof input === 'string') {
    try {
      r = JSON.parse(input);
    } catch (e) {
      throw new Error('the receipt is not JSON (' + e.message + ')');
    }
  }
  if (!r || typeof r !== 'object') throw new Error('the receipt is not a JSON object');
  const missing = ['process', 'commitment', 'opening', 'leaf_index', 'inclusion_proof', 'checkpoint']
    .filter((k) => r[k] === undefined || r[k] === null);
  if (missing.length) throw new Error('the receipt has no ' + missing.join(', '));
  const process = fromHex(r.process, 32, 'the receipt\'s process');
  if (!Number.isSafeInteger(r.leaf_index) || r.leaf_index < 0) {
    throw new Error('the leaf index is not a whole number this page can read exactly');
  }
  if (!Array.isArray(r.inclusion_proof)) throw new Error('the inclusion proof is not a list');
  const proof = r.inclusion_proof.map((p, i) => fromHex(p, 32, `proof hash ${i}`));
  const note = parseNote(r.checkpoint);
  const checkpoint = parseCheckpointText(note.text);
  if (!r.commitment.value || typeof r.commitment.value !== 'object') {
    throw new Error('the commitment has no value');
  }
  if (!r.opening.ballot || typeof r.opening.ballot !== 'object') {
    throw new Error('the opening has no ballot');
  }
  return { r, process, leaf: BigInt(r.leaf_index), proof, note, checkpoint };
}

/**
 * Verifies `receipt` (its JSON text or the parsed object) against the
 * node's note key `logKey` (vkey text) and optionally a witness `policy`
 * ({keys, threshold}, from policyFromVkeys or policyFromProcess);
 * `noPolicy` says why there is none, for step 2's report.
 *
 * Returns {ok, steps: [{n, title, status, detail}], failure, facts}:
 * status is 'pass', 'fail', 'info' (step 2 without a policy) or 'skip'
 * (after a failure); `failure` is the first failed step or null.
 */
export async function verifyReceipt(receipt, { logKey, policy = null, noPolicy = 'no witness policy given' }) {
  const steps = [];
  const facts = {};
  let failed = null;
  const run = async (n, check) => {
    const title = STEPS[n][1];
    if (failed) {
      steps.push({ n, title, status: 'skip', detail: 'not checked: an earlier step failed' });
      return;
    }
    let outcome;
    try {
      outcome = await check();
    } catch (e) {
      outcome = { fail: e && e.message ? e.message : String(e) };
    }
    if (outcome.fail) {
      failed = { n, title, detail: outcome.fail };
      steps.push({ n, title, status: 'fail', detail: outcome.fail });
    } else {
      steps.push({ n, title, status: outcome.info ? 'info' : 'pass', detail: outcome.info || outcome.pass });
    }
  };

  let rc = null;
  await run(0, async () => {
    rc = readReceipt(receipt);
    return { pass: `leaf ${rc.leaf} of the log ${rc.checkpoint.origin}, checkpoint of ${rc.checkpoint.size} entries` };
  });
  const { r } = rc || {};

  await run(1, async () => {
    const missing = unavailable();
    if (missing) return { fail: missing };
    let key;
    try {
      key = await parseVkey(logKey, ED25519);
    } catch (e) {
      return { fail: 'the node key is not a usable vkey: ' + e.message };
    }
    facts.logKey = key.text;
    const why = await verifyLogSignature(rc.note, key);
    return why ? { fail: why } : { pass: `signed by ${key.name}+${key.id.toString(16).padStart(8, '0')}` };
  });

  await run(2, async () => {
    if (!policy) {
      const others = rc.note.signatures.filter((l) => l.signature.length === 72).map((l) => l.name);
      facts.cosignatures = { checked: false, names: others };
      return {
        info: others.length
          ? `${noPolicy}, so not checked: ${others.length} cosignature lines present (${others.join(', ')})`
          : `${noPolicy}; the checkpoint carries no cosignature`,
      };
    }
    const c = await checkCosignatures(rc.note, policy);
    facts.cosignatures = { checked: true, ...c };
    if (c.error) return { fail: c.error };
    return { pass: `${c.valid} of ${c.witnesses} policy witnesses cosigned (${c.required} required): ${c.names.join(', ')}` };
  });

  await run(3, async () => {
    const origin = rc.checkpoint.origin;
    const parts = origin.split('/');
    if (parts.length !== 3 || parts[0] !== 'pbnode' || !ORIGIN_PART.test(parts[1]) || !ORIGIN_PART.test(parts[2])) {
      return { fail: `the origin "${origin}" is not pbnode/<jurisdiction>/<process id>` };
    }
    if (parts[2] !== toHex(rc.process)) {
      return { fail: `the origin "${origin}" is not the log of process ${toHex(rc.process)}` };
    }
    facts.jurisdiction = parts[1];
    return { pass: origin };
  });

  await run(4, async () => {
    const c = r.commitment;
    const voter = fromHex(c.value.voter, 32, 'the commitment\'s voter key');
    const signer = fromHex(c.signer, 32, 'the commitment\'s signer');
    if (!equal(voter, signer)) return { fail: 'the signer is not the commitment\'s voter key' };
    const signature = fromHex(c.signature, 64, 'the commitment\'s signature');
    const message = canonical.message('ballot-commitment', canonical.ballotCommitment(c.value));
    const why = await verifyEd25519(voter, signature, message, { strict: false });
    facts.commitmentId = toHex(blake3(message));
    return why ? { fail: 'the voter signature is invalid: ' + why } : { pass: `by voter key ${toHex(voter)}` };
  });

  await run(5, async () => {
    const found = fromHex(r.commitment.value.process, 32, 'the commitment\'s process');
    return equal(found, rc.process)
      ? { pass: toHex(found) }
      : { fail: `the commitment is for process ${toHex(found)}, not ${toHex(rc.process)}` };
  });

  await run(6, async () => {
    const ballot = r.opening.ballot;
    const value = r.commitment.value;
    if (!equal(fromHex(ballot.process, 32, 'the ballot\'s process'), fromHex(value.process, 32, 'the commitment\'s process'))) {
      return { fail: 'the process differs: the ballot is for another process than the commitment' };
    }
    if (!equal(fromHex(ballot.voter, 32, 'the ballot\'s voter key'), fromHex(value.voter, 32, 'the commitment\'s voter key'))) {
      return { fail: 'the voter key differs: the ballot names another voter key than the commitment' };
    }
    const hash = canonical.commitmentHash(ballot, r.opening.nonce);
    if (!equal(hash, fromHex(value.commitment, 32, 'the commitment hash'))) {
      return { fail: `the commitment hash differs: the ballot and nonce hash to ${toHex(hash)}, not the committed ${value.commitment}` };
    }
    return { pass: `the ballot (district ${ballot.district}, ${ballot.choices.length} choices) and nonce hash to the commitment` };
  });

  await run(7, async () => (rc.leaf < rc.checkpoint.size
    ? { pass: `${rc.leaf} < ${rc.checkpoint.size}` }
    : { fail: `leaf index ${rc.leaf} is not below the checkpoint size ${rc.checkpoint.size}` }));

  await run(8, async () => {
    const leaf = leafHash(canonical.ballotCommittedEntry(r.commitment));
    const why = verifyInclusion(leaf, rc.leaf, rc.checkpoint.size, rc.proof, rc.checkpoint.root);
    return why ? { fail: why } : { pass: `${rc.proof.length} hashes from leaf ${rc.leaf} to root ${toHex(rc.checkpoint.root)}` };
  });

  return { ok: !failed, steps, failure: failed, facts };
}

/** "Step n (title) failed: why", or null when every step passed. */
export function summary(result) {
  const f = result.failure;
  return f ? `Step ${f.n} (${f.title}) failed: ${f.detail}` : null;
}
