// The federation as this node sees it: the signed manifest's members
// (connected, marked for equivocation), the logs it holds (its own and
// replicas of its peers', with their latest checkpoints), and every
// equivocation proof it recorded.

import { h, link, facts, table } from '../dom.js';
import { get } from '../api.js';
import { count, time } from '../format.js';
import { parseCheckpoint, checkpointView, rootHex } from './log.js';
import { memberName } from '../banner.js';

/** `pbnode/<slug>/<process>` -> [slug, process], else null. */
function splitOrigin(origin) {
  const parts = String(origin).split('/');
  return parts.length === 3 && parts[0] === 'pbnode' ? [parts[1], parts[2]] : null;
}

// What this node's network holds against a member: rejected gossip and
// malformed sync frames since it started; a member at the strike limit is
// disconnected and blocked for a while.
function misbehaviour(score) {
  if (!score) return 'none seen';
  const what = count(score.rejected_messages) + ' rejected messages, ' +
    count(score.malformed_frames) + ' malformed frames';
  return score.blocked ? h('strong', { class: 'bad' }, 'BLOCKED: ' + what) : what;
}

function logLink(log, self) {
  const split = splitOrigin(log.origin);
  if (!split) return h('code', {}, log.origin);
  const [slug, process] = split;
  const route = slug === self ? '/p/' + process + '/log' : `/federation/logs/${slug}/${process}`;
  return link(route, h('code', {}, log.origin));
}

export async function federationPage() {
  const fed = await get('/federation');
  if (!fed.enabled) {
    return [
      h('h1', {}, 'Federation'),
      h('p', {}, 'This node is not part of a federation: it keeps no replicas of other ' +
        'municipalities\' logs and no peer witnesses its checkpoints.'),
    ];
  }
  const proofs = await get('/federation/equivocations');
  return [
    h('h1', {}, 'Federation ' + fed.federation),
    facts([
      ['Manifest version', String(fed.version)],
      ['This node', h('code', {}, fed.self)],
      ['Peer-to-peer addresses', fed.addresses.length ? fed.addresses.map((a) => h('code', { class: 'addr' }, a, ' ')) : 'none'],
    ]),
    h('h2', {}, 'Members'),
    table('Members listed in the signed federation manifest',
      ['Name', 'Slug', 'Role', 'Parent', 'Connected', 'Equivocation', 'Misbehaviour'],
      fed.members.map((m) => [
        m.name,
        h('code', {}, m.slug),
        m.role,
        m.parent || '—',
        m.slug === fed.self ? 'this node' : m.connected ? 'yes' : 'no',
        m.equivocated ? h('strong', { class: 'bad' }, 'PROVEN: signed inconsistent checkpoints') : 'none recorded',
        misbehaviour(m.misbehaviour),
      ])),
    h('h2', {}, 'Logs held by this node'),
    fed.logs.length
      ? table('Logs with their latest checkpoint', ['Log', 'Kind', 'Size', 'Root', 'Cosignatures'],
        fed.logs.map((l) => {
          const cp = parseCheckpoint(l.checkpoint);
          return [
            logLink(l, fed.self),
            l.replica ? 'replica' : 'own',
            count(l.size),
            h('code', { class: 'hex' }, rootHex(cp.root).slice(0, 16) + '…'),
            String(Math.max(0, cp.signers.length - 1)),
          ];
        }))
      : h('p', {}, 'No logs yet.'),
    h('h2', {}, 'Equivocation proofs'),
    proofs.length
      ? h('ul', { class: 'proofs' }, proofs.map((p, i) =>
        h('li', {}, h('strong', {}, memberName(fed.members, p.offender)), ' on ', h('code', {}, p.origin),
          ', recorded ', time(p.at), ': ', link('/federation/proofs/' + i, 'the two checkpoints'))))
      : h('p', {}, 'None: no member has been caught signing two inconsistent checkpoints.'),
  ];
}

export async function proofPage({ args }) {
  const [fed, proofs] = await Promise.all([get('/federation'), get('/federation/equivocations')]);
  const p = proofs[Number(args[0])];
  if (!p) return [h('h1', {}, 'No such proof'), link('/federation', 'Back to the federation')];
  const first = parseCheckpoint(p.first);
  const second = parseCheckpoint(p.second);
  const sameSize = first.size === second.size;
  return [
    h('p', { class: 'breadcrumb' }, link('/federation', 'Federation'), ' › equivocation proof'),
    h('h1', {}, 'Equivocation by ' + memberName(fed.members || [], p.offender)),
    h('p', { class: 'alarm-text' }, 'Two checkpoints of the log ', h('code', {}, p.origin),
      ', both validly signed by the key ', h('code', { class: 'hex' }, p.offender), ', cannot both hold: ',
      sameSize
        ? `they claim the same size (${count(first.size)} entries) with different roots.`
        : 'no consistency proof links the smaller to the larger, so the log was rewritten.',
      ' A node that signs both can show different histories to different people.'),
    facts([['Recorded', time(p.at)]]),
    h('div', { class: 'two' },
      h('section', {}, h('h2', {}, 'First checkpoint'), checkpointView(first)),
      h('section', {}, h('h2', {}, 'Second checkpoint'), checkpointView(second))),
    h('p', {}, 'Anyone can check both signatures against the offender\'s key in the federation ' +
      'manifest: the signed notes above are the proof, as published at ',
      h('a', { href: '/api/v1/federation/equivocations' }, '/api/v1/federation/equivocations'), '.'),
  ];
}
