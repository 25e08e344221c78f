// The equivocation warning shown on every page. A recorded equivocation
// means a member signed two checkpoints of one log that cannot both hold:
// whatever that node publishes may differ depending on who asks. The
// banner names the offender and links to the proof (both signed notes).

import { h } from './dom.js';
import { get } from './api.js';

let last = { records: [], members: [] };

/** Equivocation records and federation members, as the node has them now. */
export async function equivocations() {
  let records = [];
  let members = [];
  try {
    records = (await get('/federation/equivocations')) || [];
    if (records.length) {
      const fed = await get('/federation');
      members = (fed && fed.members) || [];
    }
  } catch (_) {
    // A node that cannot answer keeps the previous state; the pages show
    // their own errors.
    return last;
  }
  last = { records, members };
  return last;
}

/** The member a key belongs to, as "Name (slug)", else the key. */
export function memberName(members, key) {
  const m = members.find((member) => member.key === key);
  return m ? `${m.name} (${m.slug})` : 'the jurisdiction with key ' + key;
}

/** Redraws the banner into `container` (empty when nothing is recorded). */
export async function refreshBanner(container) {
  if (!container) return;
  const { records, members } = await equivocations();
  if (!records.length) {
    container.replaceChildren();
    container.hidden = true;
    return;
  }
  container.hidden = false;
  container.replaceChildren(
    h(
      'section',
      { class: 'alarm', role: 'alert', 'aria-labelledby': 'alarm-title' },
      h('h2', { id: 'alarm-title' }, 'Warning: equivocation detected'),
      h(
        'ul',
        {},
        records.map((r, i) =>
          h(
            'li',
            { class: 'equivocation' },
            h('strong', { class: 'offender' }, memberName(members, r.offender)),
            ' signed two checkpoints of the log ',
            h('code', {}, r.origin),
            ' that cannot both be true. Its published figures cannot be trusted, and regional ' +
              'aggregates refuse its tallies. ',
            h('a', { href: '#/federation/proofs/' + i }, 'See the proof'),
          ),
        ),
      ),
    ),
  );
}
