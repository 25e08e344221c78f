// Receipt lookup. A voter pastes the receipt their ballot got; the page
// reads its leaf index and checkpoint, asks this node (or the replica it
// holds) how far the log has grown since, and explains how to verify the
// receipt independently. It checks no signature or proof itself, and says
// so: the independent check is `pbnode verify receipt`. The receipt never
// leaves the browser (it holds the opening of the ballot).

import { h, link, facts, errorBox, field } from '../dom.js';
import { get, getText, getOptional } from '../api.js';
import { count } from '../format.js';
import { parseCheckpoint, checkpointView } from './log.js';

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

async function lookup(r) {
  const cp = parseCheckpoint(r.checkpoint);
  const [slug, process] = cp.origin.split('/').slice(1);
  const node = await get('/node');
  const own = slug === node.slug;
  let latest = null;
  let where;
  let info = null;
  let key = null;
  if (own) {
    info = await getOptional('/processes/' + r.process);
    if (info) {
      latest = parseCheckpoint(await getText('/processes/' + info.id + '/checkpoint'));
      key = await get('/processes/' + info.id + '/log-key');
    }
    where = 'this node (the log\'s owner)';
  } else {
    const note = await getText(`/logs/${slug}/${process}/checkpoint`).catch(() => null);
    if (note) latest = parseCheckpoint(note);
    where = 'this node\'s replica of ' + slug + '\'s log';
  }
  const leaf = BigInt(r.leaf_index);
  const rows = [];
  if (!latest) {
    rows.push(h('p', { class: 'notice' }, 'This node holds no log ', h('code', {}, cp.origin),
      '. Ask the node that issued the receipt, or any federation member that replicates it.'));
  } else {
    const covers = BigInt(latest.size) > leaf;
    rows.push(
      h('p', { class: covers ? 'success' : 'error', role: 'status' },
        covers
          ? `Covered: ${where} now has a checkpoint of ${count(latest.size)} entries, which includes your ballot at index ${count(r.leaf_index)}.`
          : `Not covered: the latest checkpoint held by ${where} has ${count(latest.size)} entries, fewer than your ballot's index ${count(r.leaf_index)} + 1.`),
      h('h3', {}, 'Latest checkpoint held here'),
      checkpointView(latest),
    );
  }
  const vkey = key ? key.vkey : '<the node key the municipality publishes>';
  return [
    h('h2', {}, 'What the receipt says'),
    facts([
      ['Process', info ? link('/p/' + info.id, r.process) : h('code', { class: 'hex' }, r.process)],
      ['Log', h('code', {}, cp.origin)],
      ['Your ballot\'s leaf index', count(r.leaf_index)],
      ['Voter key', h('code', { class: 'hex' }, r.commitment.signer || '')],
      ['Inclusion proof', `${r.inclusion_proof.length} hashes`],
    ]),
    h('h3', {}, 'Checkpoint in the receipt'),
    checkpointView(cp),
    h('h2', {}, 'What this node says now'),
    ...rows,
    h('h2', {}, 'Verify it yourself'),
    h('p', { class: 'notice' }, 'This page did not check any signature or proof: it only compared ' +
      'numbers the node gave it. To verify independently, save the receipt as ',
      h('code', {}, 'receipt.json'), ' and run:'),
    h('pre', {}, `# offline: the signatures, the commitment, the inclusion proof
pbnode verify receipt receipt.json --vkey "${vkey}"
# online: still in the log (consistency to the latest checkpoint); after close, opened as cast
pbnode verify receipt receipt.json --node ${location.origin}`),
    h('p', {}, 'Any federation member that replicates this log can answer the online check too.'),
  ];
}

export async function receiptPage() {
  const input = h('textarea', { name: 'receipt', rows: 8, spellcheck: 'false', class: 'mono' });
  const out = h('div', { 'aria-live': 'polite' });
  const button = h('button', { type: 'submit' }, 'Look up');
  return [
    h('h1', {}, 'Check a receipt'),
    h('p', {}, 'When you vote, the node gives you a receipt. Paste it here to see whether the ' +
      'public log has grown past your ballot. Your receipt stays in this browser (it shows how ' +
      'you voted): only the names of the process and its log are sent to the node.'),
    h('form', {
      onsubmit: async (e) => {
        e.preventDefault();
        button.disabled = true;
        out.replaceChildren(h('p', {}, 'Looking up…'));
        try {
          out.replaceChildren(...(await lookup(readReceipt(input.value))));
        } catch (err) {
          out.replaceChildren(errorBox('Cannot check this receipt:', err));
        } finally {
          button.disabled = false;
        }
      },
    }, field('Receipt (JSON)', input), button),
    out,
  ];
}
