// A process's public append-only log: the latest signed checkpoint (size,
// root, the node's signature and witnesses' cosignatures) and the entries,
// page by page. The same for a replica of a peer's log held by this node.

import { h, link, facts, table } from '../dom.js';
import { get, getText } from '../api.js';
import { count, texts } from '../format.js';
import { processNav } from './process.js';

const PAGE = 20;

/**
 * Reads a C2SP signed note checkpoint: origin, size, root (base64), and
 * the names on its signature lines. Nothing is verified here.
 */
export function parseCheckpoint(note) {
  const [body, sigs = ''] = String(note).split('\n\n');
  const [origin, size, root] = body.split('\n');
  const signers = sigs
    .split('\n')
    .filter((l) => l.startsWith('\u2014 '))
    .map((l) => l.slice(2).split(' ')[0]);
  return { origin, size, root, signers, text: note };
}

/** The root's base64 as hex (easier to compare with other tools' output). */
export function rootHex(b64) {
  try {
    return Array.from(atob(b64), (c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join('');
  } catch (_) {
    return b64;
  }
}

/** A checkpoint: its facts and the note itself. */
export function checkpointView(cp, ownerName) {
  const [signer, ...cosigners] = cp.signers;
  return h('div', { class: 'checkpoint' },
    facts([
      ['Origin', h('code', {}, cp.origin)],
      ['Size', count(cp.size) + ' entries'],
      ['Root', h('code', { class: 'hex' }, rootHex(cp.root))],
      ['Signed by', signer ? h('code', {}, signer) : ownerName || 'nobody'],
      ['Witness cosignatures', cosigners.length
        ? [String(cosigners.length) + ': ', cosigners.map((c, i) => [i ? ', ' : '', h('code', {}, c)])]
        : 'none yet'],
    ]),
    h('details', {}, h('summary', {}, 'The signed note as published'), h('pre', {}, cp.text)));
}

// LogEntry variants in declaration order: the canonical encoding starts
// with the variant index as a big-endian u32 (protocol/README.md).
const KINDS = [
  'Process definition',
  'Phase change',
  'Proposal submitted',
  'Proposal status change',
  'Voter credential issued (signed, older nodes)',
  'Ballot commitment',
  'Ballot opened',
  'Voting closed',
  'Tally',
  'Regional aggregate',
  'Voter registered',
];

/** The kind of a log entry from its hex bytes. */
export function entryKind(hex) {
  const index = Number.parseInt(String(hex).slice(0, 8), 16);
  return KINDS[index] || 'unknown kind ' + index;
}

function entryRows(start, entries) {
  return entries.map((e, i) => [
    count(start + i),
    entryKind(e),
    count(e.length / 2) + ' bytes',
    h('code', { class: 'hex' }, e.length > 64 ? e.slice(0, 64) + '…' : e),
  ]);
}

function pager(base, start, size, shown) {
  const prev = Math.max(0, start - PAGE);
  const next = start + shown;
  return h('nav', { class: 'pager', 'aria-label': 'Log pages' },
    start > 0 ? h('a', { href: `#${base}?start=${prev}` }, '← Earlier entries') : null,
    ' ',
    next < size ? h('a', { href: `#${base}?start=${next}` }, 'Later entries →') : null);
}

function startOf(query) {
  const n = Number.parseInt(query.get('start') || '0', 10);
  return Number.isFinite(n) && n >= 0 ? n : 0;
}

export async function logPage({ args, query }) {
  const info = await get('/processes/' + args[0]);
  const base = '/processes/' + info.id;
  const start = startOf(query);
  const [key, note] = await Promise.all([get(base + '/log-key'), getText(base + '/checkpoint')]);
  const cp = parseCheckpoint(note);
  const page = await get(base + '/log', { start, limit: PAGE });
  const t = texts(info.def);
  const w = info.def.witnesses;
  return [
    h('p', { class: 'breadcrumb' }, link('/p/' + info.id, t.title), ' › public log'),
    h('h1', {}, 'Public log: ' + t.title),
    processNav(info.id, '/log'),
    h('p', {}, 'Every step of this process (definition, phases, proposals, voter credentials, ' +
      'ballot commitments, openings, the tally) is an entry of an append-only Merkle log. ' +
      'The node signs checkpoints of it; witnesses cosign them only after checking that the ' +
      'log only grew.'),
    h('h2', {}, 'Latest checkpoint'),
    checkpointView(cp),
    w.witnesses.length ? h('p', {}, `The process requires ${w.threshold} of ${w.witnesses.length} witnesses to cosign.`) : null,
    facts([
      ['Log verifier key', h('code', { class: 'hex' }, key.vkey)],
      ['Node key', h('code', { class: 'hex' }, key.node_key)],
    ]),
    h('h2', {}, `Entries ${count(page.start)}–${count(page.start + page.entries.length - 1)} of ${count(page.size)}`),
    table('Log entries (canonical bytes, hex)', ['Index', 'Kind', 'Size', 'Bytes'], entryRows(page.start, page.entries)),
    pager(`/p/${info.id}/log`, page.start, page.size, page.entries.length),
    h('p', {}, 'Download everything and check it yourself: ',
      h('code', {}, `pbnode verify process --node ${location.origin} ${info.id}`), '.'),
  ];
}

export async function replicaLogPage({ args, query }) {
  const [slug, process] = args;
  const base = `/logs/${slug}/${process}`;
  const start = startOf(query);
  const cp = parseCheckpoint(await getText(base + '/checkpoint'));
  const size = Number(cp.size);
  const page = start < size ? await get(base + '/entries', { start, limit: PAGE }) : { start, entries: [] };
  return [
    h('p', { class: 'breadcrumb' }, link('/federation', 'Federation'), ' › replicated log'),
    h('h1', {}, 'Replica of ' + slug + "'s log"),
    h('p', {}, 'This node keeps a copy of this log of ', h('strong', {}, slug),
      ', extended only after a consistency proof to a checkpoint its owner signed. ' +
      'A receipt from that node can be checked here too.'),
    h('h2', {}, 'Latest checkpoint held'),
    checkpointView(cp),
    h('h2', {}, `Entries from ${count(start)}`),
    page.entries.length
      ? table('Replicated log entries (canonical bytes, hex)', ['Index', 'Kind', 'Size', 'Bytes'], entryRows(page.start, page.entries))
      : h('p', {}, 'No entries in this range.'),
    pager(`/federation/logs/${slug}/${process}`, start, size, page.entries.length),
  ];
}
