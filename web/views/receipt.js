// Receipt check. A voter pastes the receipt their ballot got; this page
// verifies it in the browser, step by step as protocol/README.md specifies
// (the checkpoint's signature under the node's note key, witnesses'
// cosignatures, the voter's signature, the opening, the inclusion proof),
// independently of what the node claims; then asks this node how far the
// log has grown since. The note key comes from this node unless the voter
// pins the one the municipality publishes. The receipt never leaves the
// browser (it holds the opening of the ballot): only the process id is
// sent, to fetch the public key, witness policy and latest checkpoint.

import { h, link, facts, errorBox, field } from '../dom.js';
import { get, getText, getOptional } from '../api.js';
import { count } from '../format.js';
import { parseCheckpoint, checkpointView } from './log.js';
import { verifyReceipt, policyFromProcess, summary } from '../verify/receipt.js';

/** The receipt's fields that matter here, or an Error saying what is missing. */
export function readReceipt(text) {
  let r;
  try {
    r = JSON.parse(text);
  } catch (e) {
    throw new Error('this is not JSON (' + e.message + ')');
  }
  const missing = ['process', 'commitment', 'leaf_index', 'inclusion_proof', 'checkpoint']
    .filter((k) => !r || r[k] === undefined);
  if (missing.length) throw new Error('this is not a pbnode receipt: it has no ' + missing.join(', '));
  if (typeof r.checkpoint !== 'string') throw new Error('the receipt\'s checkpoint is not a signed note');
  return r;
}

/** What this node serves about the receipt's log: its process, key, latest checkpoint. */
async function lookup(r) {
  const cp = parseCheckpoint(r.checkpoint);
  const [slug, process] = cp.origin.split('/').slice(1);
  const node = await get('/node');
  const own = slug === node.slug;
  const found = { cp, own, info: null, key: null, latest: null, witnesses: null };
  if (own) {
    found.info = await getOptional('/processes/' + r.process);
    if (found.info) {
      found.latest = parseCheckpoint(await getText('/processes/' + found.info.id + '/checkpoint'));
      found.key = await get('/processes/' + found.info.id + '/log-key');
    }
    found.where = 'this node (the log\'s owner)';
  } else {
    const note = await getText(`/logs/${slug}/${process}/checkpoint`).catch(() => null);
    if (note) found.latest = parseCheckpoint(note);
    // The owner's key as the region-signed manifest lists it, and the
    // witness policy from the replicated process definition: a replica
    // verifies receipts as fully as the owner does.
    const served = await getOptional(`/logs/${slug}/${process}/log-key`).catch(() => null);
    if (served) {
      found.key = served;
      found.keySource = 'manifest';
      found.witnesses = served.witnesses;
    }
    found.where = 'this node\'s replica of ' + slug + '\'s log';
  }
  return found;
}

const STATUS = {
  pass: ['Passed', 'step-pass'],
  fail: ['Failed', 'step-fail'],
  info: ['Not checked', 'step-info'],
  skip: ['Not checked', 'step-skip'],
};

/** The verifier's steps as a list a person reads top to bottom. */
function stepsView(result) {
  return h('ol', { class: 'verify-steps' }, result.steps.map((s) => {
    const [label, cls] = STATUS[s.status];
    return h('li', { class: cls, 'data-step': s.n, 'data-status': s.status },
      h('strong', {}, label + ': '), s.title, h('br'), h('span', { class: 'hint' }, s.detail));
  }));
}

/** Verifies in the browser with the pinned key, else the node's; shows the outcome. */
async function verification(text, found, pinned) {
  const served = found.key ? found.key.vkey : null;
  const logKey = pinned || served;
  let policy = null;
  let policyText = 'none: this node does not serve the process definition, so the cosignatures present are listed but not checked';
  const w = found.info ? found.info.def.witnesses : found.witnesses;
  if (w) {
    try {
      policy = await policyFromProcess(w);
      policyText = policy
        ? `the process definition's: ${w.threshold} of ${w.witnesses.map((x) => x.name).join(', ')}`
        : 'the process definition requires no witness cosignature';
    } catch (e) {
      policyText = 'the process definition\'s witnesses cannot be used (' + e.message + '), so cosignatures are not checked';
    }
  }
  const keyText = pinned
    ? [h('code', { class: 'hex' }, pinned), ' (the key you pinned)',
      served && served !== pinned ? h('p', { class: 'error' }, 'This node serves a different key: ', h('code', { class: 'hex' }, served)) : null]
    : served
      ? [h('code', { class: 'hex' }, served), h('p', { class: 'notice' },
        found.keySource === 'manifest'
          ? 'This key is the log owner\'s key as this replica\'s copy of the region-signed federation manifest lists it (/api/v1/logs/…/log-key). A replica could serve a key of its own making: '
          : 'This key was served by this node (/api/v1/processes/…/log-key). A node could serve a key of its own making: ',
        'for a check that does not trust this node, paste the key the municipality publishes in the field above.')]
      : 'none: this node does not serve the log\'s key; paste the key the municipality publishes in the field above';
  if (!logKey) {
    return [h('h2', {}, 'Checked in this browser'), facts([['Node key', keyText]]),
      h('p', { class: 'error', role: 'status' }, 'Not verified: no node key to check the checkpoint\'s signature with.')];
  }
  const noPolicy = w ? 'the process requires no witness cosignature' : 'no witness policy known';
  const result = await verifyReceipt(text, { logKey, policy, noPolicy });
  const outcome = result.ok
    ? h('p', { class: 'success', role: 'status' }, 'Verified in this browser: every check passed. ' +
      'Your ballot, as you cast it, is in the log the node signed.')
    : h('p', { class: 'error', role: 'status' }, 'Not verified. ' + summary(result));
  return [
    h('h2', {}, 'Checked in this browser'),
    outcome,
    facts([['Node key', keyText], ['Witness policy', policyText],
      ['Commitment id', result.facts.commitmentId ? h('code', { class: 'hex' }, result.facts.commitmentId) : null]]),
    stepsView(result),
  ];
}

/** What this node says now about the log's growth past the ballot. */
function nodeNow(r, found) {
  const leaf = BigInt(r.leaf_index);
  const { latest, where } = found;
  if (!latest) {
    return [h('p', { class: 'notice' }, 'This node holds no log ', h('code', {}, found.cp.origin),
      '. Ask the node that issued the receipt, or any federation member that replicates it.')];
  }
  const covers = BigInt(latest.size) > leaf;
  return [
    h('p', { class: covers ? 'success' : 'error' },
      covers
        ? `Covered: ${where} now has a checkpoint of ${count(latest.size)} entries, which includes your ballot at index ${count(r.leaf_index)}.`
        : `Not covered: the latest checkpoint held by ${where} has ${count(latest.size)} entries, fewer than your ballot's index ${count(r.leaf_index)} + 1.`),
    h('h3', {}, 'Latest checkpoint held here'),
    checkpointView(latest),
  ];
}

async function check(text, pinned) {
  const r = readReceipt(text);
  const found = await lookup(r);
  const vkey = pinned || (found.key ? found.key.vkey : '<the node key the municipality publishes>');
  return [
    ...(await verification(text, found, pinned)),
    h('h2', {}, 'What the receipt says'),
    facts([
      ['Process', found.info ? link('/p/' + found.info.id, r.process) : h('code', { class: 'hex' }, r.process)],
      ['Log', h('code', {}, found.cp.origin)],
      ['Your ballot\'s leaf index', count(r.leaf_index)],
      ['Voter key', h('code', { class: 'hex' }, r.commitment.signer || '')],
      ['Inclusion proof', `${r.inclusion_proof.length} hashes`],
    ]),
    h('h3', {}, 'Checkpoint in the receipt'),
    checkpointView(found.cp),
    h('h2', {}, 'What this node says now'),
    ...nodeNow(r, found),
    h('h2', {}, 'Check it again outside this page'),
    h('p', {}, 'This page runs the checks with code this node served. The independent check is the ' +
      'command-line verifier, with the key the municipality publishes: save the receipt as ',
      h('code', {}, 'receipt.json'), ' and run'),
    h('pre', {}, `# offline: the signatures, the commitment, the inclusion proof
pbnode verify receipt receipt.json --vkey "${vkey}"
# online: still in the log (consistency to the latest checkpoint); after close, opened as cast
pbnode verify receipt receipt.json --node ${location.origin}`),
    h('p', {}, 'Any federation member that replicates this log can answer the online check too.'),
  ];
}

export async function receiptPage() {
  const input = h('textarea', { name: 'receipt', rows: 8, spellcheck: 'false', class: 'mono' });
  const vkey = h('input', { name: 'vkey', type: 'text', spellcheck: 'false', class: 'mono', autocomplete: 'off' });
  const out = h('div', { 'aria-live': 'polite' });
  const button = h('button', { type: 'submit' }, 'Verify');
  return [
    h('h1', {}, 'Check a receipt'),
    h('p', {}, 'When you vote, the node gives you a receipt. Paste it here: this browser checks its ' +
      'signatures and proof itself, then asks the node whether the public log has grown past your ' +
      'ballot. Your receipt stays in this browser (it shows how you voted): only the process id is ' +
      'sent to the node.'),
    h('form', {
      onsubmit: async (e) => {
        e.preventDefault();
        button.disabled = true;
        out.replaceChildren(h('p', {}, 'Checking…'));
        try {
          out.replaceChildren(...(await check(input.value, vkey.value.trim())));
        } catch (err) {
          out.replaceChildren(errorBox('Cannot check this receipt:', err));
        } finally {
          button.disabled = false;
        }
      },
    }, field('Receipt (JSON)', input),
    field('Node key (optional)', vkey, 'The checkpoint key the municipality publishes (name+id+key). ' +
      'Empty: the key this node serves.'),
    button),
    out,
  ];
}
