// The front page: who runs this node and its PB processes.

import { h, link, facts } from '../dom.js';
import { get } from '../api.js';
import { money, phase, texts, count } from '../format.js';

export async function overview() {
  const [node, processes] = await Promise.all([get('/node'), get('/processes')]);
  return [
    h('h1', {}, node.name),
    h(
      'p',
      { class: 'lead' },
      'Participatory budgeting run by this node: residents propose projects, vote, and can ' +
        'check every published number in the public log.',
    ),
    h('h2', {}, 'Processes'),
    processes.length
      ? h(
          'ul',
          { class: 'cards' },
          processes.map((p) => {
            const t = texts(p.def);
            return h(
              'li',
              { class: 'card process-card' },
              h('h3', {}, link('/p/' + p.id, t.title)),
              h('p', { class: 'slug' }, h('code', {}, p.slug)),
              h('p', { class: 'phase' }, h('span', { class: 'badge' }, phase(p.phase))),
              facts([
                ['Budget', money(p.def.budget.minor_units, p.def.budget.currency)],
                ['Districts', p.def.districts.map((d) => d.name).join(', ')],
                ['Log entries', count(p.log_size)],
              ]),
            );
          }),
        )
      : h('p', {}, 'No process is open on this node yet.'),
    h('h2', {}, 'This node'),
    facts([
      ['Name', node.name],
      ['Jurisdiction slug', h('code', {}, node.slug)],
      ['Node public key', h('code', { class: 'hex' }, node.public_key)],
      ['Jurisdiction id', h('code', { class: 'hex' }, node.jurisdiction)],
      ['pbnode version', node.version],
    ]),
    h(
      'p',
      {},
      'The JSON API behind these pages is described at ',
      h('a', { href: '/api/v1/openapi.json' }, '/api/v1/openapi.json'),
      '.',
    ),
  ];
}
