// A process: what it is, where it stands, its proposals (filtered by the
// API's own filters), the form to submit one, and for a regional process
// the signed aggregate of its members' results.

import { h, link, facts, errorBox, field, select } from '../dom.js';
import { get, getOptional, post, ApiError } from '../api.js';
import { money, phase, status, texts, count, short, minorDigits, STATUS_FILTERS } from '../format.js';

/** The tabs shared by a process's pages. */
export function processNav(id, here) {
  const tabs = [
    ['', 'Overview and proposals'],
    ['/results', 'Results'],
    ['/log', 'Public log'],
  ];
  return h(
    'nav',
    { class: 'tabs', 'aria-label': 'Process pages' },
    h(
      'ul',
      {},
      tabs.map(([suffix, label]) =>
        h(
          'li',
          {},
          h(
            'a',
            { href: '#/p/' + id + suffix, 'aria-current': suffix === here ? 'page' : false },
            label,
          ),
        ),
      ),
    ),
  );
}

/** The reader's name of a district id of `def`. */
export function districtName(def, id) {
  const d = def.districts.find((x) => x.id === id);
  return d ? d.name : id;
}

function ballotFormat(format, currency) {
  const [kind, p] = Object.entries(format || {})[0] || ['?', {}];
  switch (kind) {
    case 'Approval':
      return (
        `Approval: choose ${p.min} to ${p.max} projects` +
        (p.budget_cap ? ', within the budget' : '')
      );
    case 'Cumulative':
      return `Cumulative: ${p.points} points to distribute` + (p.max_per_project
        ? `, at most ${p.max_per_project} per project` : '');
    default:
      return kind + ' ' + JSON.stringify(p).replace(/[{}"]/g, '').replace(/,/g, ', ');
  }
}

/** Converts "1,234.5" in major units to exact minor units (a string), or null. */
export function toMinor(text, currency) {
  const cleaned = String(text).trim().replace(/[,\s_]/g, '');
  const digits = minorDigits(currency);
  const m = cleaned.match(/^(\d+)(?:\.(\d*))?$/);
  if (!m) return null;
  const fraction = m[2] || '';
  if (fraction.length > digits) return null;
  const minor = BigInt(m[1]) * 10n ** BigInt(digits) + BigInt(fraction.padEnd(digits, '0') || '0');
  return minor.toString();
}

function proposalCard(p, def, id) {
  const cur = def.budget.currency;
  return h(
    'li',
    { class: 'card proposal-card' },
    h('h3', {}, link('/p/' + id + '/proposals/' + p.id, p.proposal.title)),
    h('p', {}, h('span', { class: 'badge status-' + String(p.status).toLowerCase() }, status(p.status))),
    facts([
      ['Cost', money(p.proposal.cost, cur)],
      ['District', districtName(def, p.proposal.district)],
      ['Category', p.proposal.category],
      p.progress ? ['Progress', p.progress.percent + '%'] : null,
    ].filter(Boolean)),
  );
}

function filterForm(def, categories, query, navigate, id) {
  const district = select('district', [['', 'all districts'], ...def.districts.map((d) => [d.id, d.name])],
    query.get('district') || '');
  const category = select('category', [['', 'all categories'], ...categories.map((c) => [c, c])],
    query.get('category') || '');
  const st = select('status', STATUS_FILTERS, query.get('status') || '');
  const q = h('input', { type: 'search', name: 'q', value: query.get('q') || '' });
  const form = h(
    'form',
    {
      class: 'filters',
      role: 'search',
      'aria-label': 'Filter proposals',
      onsubmit: (e) => {
        e.preventDefault();
        navigate('/p/' + id, {
          district: district.value,
          category: category.value,
          status: st.value,
          q: q.value.trim(),
        });
      },
    },
    field('District', district),
    field('Category', category),
    field('Status', st),
    field('Search titles and descriptions', q),
    h('div', { class: 'actions' },
      h('button', { type: 'submit' }, 'Filter'),
      ' ',
      h('a', { href: '#/p/' + id }, 'Clear filters')),
  );
  return form;
}

function submitForm(info, node, navigate) {
  const def = info.def;
  const cur = def.budget.currency;
  const out = h('div', { class: 'form-result', 'aria-live': 'polite' });
  const title = h('input', { name: 'title', required: true, maxlength: 200 });
  const description = h('textarea', { name: 'description', rows: 5 });
  const cost = h('input', { name: 'cost', inputmode: 'decimal', required: true });
  const district = select('district', def.districts.map((d) => [d.id, d.name]), '');
  const category = h('input', { name: 'category', required: true });
  const author = h('input', { name: 'author', required: true, autocomplete: 'name' });
  const button = h('button', { type: 'submit' }, 'Submit proposal');
  return h(
    'form',
    {
      class: 'submit-proposal',
      'aria-labelledby': 'submit-title',
      novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        const minor = toMinor(cost.value, cur);
        if (minor === null) {
          out.replaceChildren(errorBox('Not submitted:', new Error(
            `the cost must be an amount in ${cur}, like 1500 or 1500.50`)));
          return;
        }
        button.disabled = true;
        try {
          const created = await post('/processes/' + info.id + '/proposals', {
            title: title.value.trim(),
            description: description.value.trim(),
            cost: Number(minor) <= Number.MAX_SAFE_INTEGER ? Number(minor) : minor,
            district: district.value,
            category: category.value.trim(),
            authors: [{ name: author.value.trim(), jurisdiction: node.jurisdiction }],
          });
          navigate('/p/' + info.id + '/proposals/' + created.id, { submitted: '1' });
        } catch (err) {
          out.replaceChildren(errorBox('Not submitted:', err));
        } finally {
          button.disabled = false;
        }
      },
    },
    h('h2', { id: 'submit-title' }, 'Submit a proposal'),
    field('Title', title),
    field('Description', description),
    field('Estimated cost (' + cur + ')', cost, 'for example 25000 or 25000.50'),
    field('District', district),
    field('Category', category, 'for example greenery, transport, culture'),
    field('Your name (shown as the author)', author),
    button,
    out,
  );
}

function aggregateSection(signed, info, proposals, memberNames) {
  const a = signed.value;
  const names = new Map(proposals.map((p) => [p.id, p.proposal.title]));
  const cur = info.def.budget.currency;
  const costs = new Map(proposals.map((p) => [p.id, p.proposal.cost]));
  return h(
    'section',
    { class: 'aggregate', 'aria-labelledby': 'aggregate-title' },
    h('h2', { id: 'aggregate-title' }, 'Regional result (aggregate of member logs)'),
    h('p', {}, 'Signed by the regional node ', h('code', { class: 'hex' }, signed.signer),
      ` with rule ${a.rule.name} v${a.rule.version}. Anyone can reproduce it with `,
      h('code', {}, 'pbnode verify aggregate'), '.'),
    h('h3', {}, 'Selected projects'),
    h('ol', {}, a.selected.map((pid) =>
      h('li', {}, names.get(pid) || short(pid), costs.has(pid) ? ' — ' + money(costs.get(pid), cur) : ''))),
    h('h3', {}, 'Member results'),
    h('ul', {}, a.members.map((m) => {
      const cp = m.tally.value.checkpoint || {};
      const name = memberNames.get(m.jurisdiction);
      return h('li', {}, name || h('code', { class: 'hex' }, short(m.jurisdiction, 16)), ': ',
        count(m.tally.value.ballots_counted), ' ballots, log checkpoint size ',
        cp.size !== undefined ? count(cp.size) : '?');
    })),
  );
}

export async function processPage({ args, query, navigate }) {
  const id = args[0];
  const filters = {
    district: query.get('district'),
    category: query.get('category'),
    status: query.get('status'),
    q: query.get('q'),
  };
  const filtered = Object.values(filters).some(Boolean);
  const [info, node, all] = await Promise.all([
    get('/processes/' + id),
    get('/node'),
    get('/processes/' + id + '/proposals'),
  ]);
  let shown = all;
  let filterError = null;
  if (filtered) {
    try {
      shown = await get('/processes/' + info.id + '/proposals', filters);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      filterError = e;
      shown = [];
    }
  }
  const aggregate = info.def.members && info.def.members.length
    ? await getOptional('/processes/' + info.id + '/aggregate').catch(() => null)
    : null;
  // Aggregates name members by jurisdiction id; the manifest gives names.
  const memberNames = new Map();
  if (aggregate) {
    const fed = await getOptional('/federation').catch(() => null);
    for (const m of (fed && fed.members) || []) {
      if (m.jurisdiction) memberNames.set(m.jurisdiction, `${m.name} (${m.slug})`);
    }
  }
  const t = texts(info.def);
  const def = info.def;
  const cur = def.budget.currency;
  const categories = [...new Set(all.map((p) => p.proposal.category))].sort();
  const closed = info.phase === 'Closed' || info.phase === 'Implementation';
  return [
    h('h1', {}, t.title),
    processNav(info.id, ''),
    h('p', { class: 'phase' }, 'Phase: ', h('strong', { class: 'badge' }, phase(info.phase))),
    h('p', { class: 'description' }, t.description),
    closed ? h('p', { class: 'notice' }, 'Voting is over. ',
      link('/p/' + info.id + '/results', 'See the results')) : null,
    facts([
      ['Budget', money(def.budget.minor_units, cur)],
      ['Districts', def.districts.map((d) =>
        d.name + (d.budget !== null && d.budget !== undefined ? ' (' + money(d.budget, cur) + ')' : '')).join(', ')],
      ['Ballot', ballotFormat(def.ballot_format, cur)],
      ['Counting rule', def.rule.name + ' (version ' + def.rule.version + ')'],
      ['Eligibility', def.eligibility.census],
      ['Witnesses', def.witnesses.witnesses.length
        ? `${def.witnesses.threshold} of ${def.witnesses.witnesses.map((w) => w.name).join(', ')}`
        : 'none required'],
      def.members && def.members.length ? ['Regional process', `ballots collected by ${def.members.length} member jurisdictions`] : null,
      ['Log entries', count(info.log_size)],
      ['Process id', h('code', { class: 'hex' }, info.id)],
    ].filter(Boolean)),
    aggregate ? aggregateSection(aggregate, info, all, memberNames) : null,
    h('h2', { id: 'proposals-title' }, 'Proposals'),
    filterForm(def, categories, query, navigate, info.id),
    filterError ? errorBox('The filter was refused:', filterError) : null,
    h('p', { class: 'count', 'aria-live': 'polite' },
      filtered ? `${shown.length} of ${all.length} proposals match.` : `${all.length} proposals.`),
    shown.length
      ? h('ul', { class: 'cards proposals', 'aria-labelledby': 'proposals-title' },
        shown.map((p) => proposalCard(p, def, info.id)))
      : h('p', { class: 'empty' }, filtered ? 'No proposal matches these filters.' : 'No proposals yet.'),
    info.phase === 'Proposals' ? submitForm(info, node, navigate) : null,
  ];
}
