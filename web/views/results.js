// Results of a closed process: the node-signed tally, the selected
// projects and the money they take, every project's total, the Pabulib
// export, and how the selected projects are being carried out.

import { h, link, facts, table } from '../dom.js';
import { get, ApiError } from '../api.js';
import { money, status, texts, count, percent, phase, time } from '../format.js';
import { processNav, districtName } from './process.js';

export async function resultsPage({ args }) {
  const info = await get('/processes/' + args[0]);
  const t = texts(info.def);
  const head = [
    h('p', { class: 'breadcrumb' }, link('/p/' + info.id, t.title), ' › results'),
    h('h1', {}, 'Results: ' + t.title),
    processNav(info.id, '/results'),
  ];
  let results;
  try {
    results = await get('/processes/' + info.id + '/results');
  } catch (e) {
    if (e instanceof ApiError && e.status === 409) {
      return [...head, h('p', { class: 'notice' },
        `No results yet: the process is in its ${phase(info.phase).toLowerCase()} phase. ` +
        'Results are published, with every ballot opened, when voting closes; nobody sees ' +
        'running totals before that.')];
    }
    throw e;
  }
  const proposals = await get('/processes/' + info.id + '/proposals');
  const byId = new Map(proposals.map((p) => [p.id, p]));
  const def = info.def;
  const cur = def.budget.currency;
  const tally = results.tally.value;
  const title = (pid) => (byId.get(pid) ? byId.get(pid).proposal.title : pid);
  const cost = (pid) => (byId.get(pid) ? byId.get(pid).proposal.cost : 0);
  const totals = new Map(results.totals.map((x) => [x.project, x.total]));
  const spent = results.selected.reduce((sum, pid) => sum + BigInt(cost(pid)), 0n);
  const budget = BigInt(def.budget.minor_units);
  const ranked = [...results.totals].sort((a, b) => (b.total - a.total) || (a.project < b.project ? -1 : 1));
  const selected = new Set(results.selected);
  return [
    ...head,
    h('section', { class: 'summary', 'aria-labelledby': 'summary-title' },
      h('h2', { id: 'summary-title' }, 'Summary'),
      facts([
        ['Ballots counted', count(results.ballots_counted)],
        ['Projects selected', String(results.selected.length)],
        ['Funds allocated', money(spent.toString(), cur) + ' of ' + money(def.budget.minor_units, cur) +
          ' (' + percent(spent.toString(), budget.toString()) + ')'],
        ['Left unallocated', money((budget - spent).toString(), cur)],
        ['Counting rule', tally.rule.name + ' (version ' + tally.rule.version + ')'],
      ])),
    h('h2', {}, 'Selected projects'),
    table('Selected projects, in the order the rule selected them',
      ['#', 'Project', 'District', 'Votes', 'Cost', 'Implementation'],
      results.selected.map((pid, i) => {
        const p = byId.get(pid);
        return [
          String(i + 1),
          p ? link(`/p/${info.id}/proposals/${pid}`, p.proposal.title) : pid,
          p ? districtName(def, p.proposal.district) : '',
          count(totals.get(pid) || 0),
          money(cost(pid), cur),
          p ? [status(p.status), p.progress ? ' · ' + p.progress.percent + '%' : ''] : '',
        ];
      })),
    h('h2', {}, 'All projects on the ballot'),
    table('Totals per project', ['Project', 'Votes', 'Cost', 'Outcome'],
      ranked.map((x) => [
        byId.get(x.project) ? link(`/p/${info.id}/proposals/${x.project}`, title(x.project)) : x.project,
        count(x.total),
        money(cost(x.project), cur),
        selected.has(x.project) ? h('strong', {}, 'selected') : 'not selected',
      ])),
    implementation(info, results, byId),
    h('section', { class: 'verify', 'aria-labelledby': 'signed-title' },
      h('h2', { id: 'signed-title' }, 'The signed tally'),
      h('p', {}, 'The node signed this tally over the final state of the public log. ' +
        'Anyone can download the log, check every signature and opening, recount with the ' +
        'same rule and compare with it: ', h('code', {}, `pbnode verify process --node ${location.origin} ${info.id}`), '.'),
      facts([
        ['Final log size', count(tally.checkpoint.size)],
        ['Final log root', h('code', { class: 'hex' }, tally.checkpoint.root)],
        ['Signed by', h('code', { class: 'hex' }, results.tally.signer)],
        ['Signature', h('code', { class: 'hex' }, results.tally.signature)],
      ]),
      h('p', {}, 'Data for research tools: ',
        h('a', { href: `/api/v1/processes/${info.id}/export.pb`, download: `${info.def.slug}.pb` },
          'download the Pabulib file (.pb)'),
        ' · ', h('a', { href: `/api/v1/processes/${info.id}/results` }, 'the results as JSON'))),
  ];
}

function implementation(info, results, byId) {
  const cur = info.def.budget.currency;
  const rows = results.selected.map((pid) => byId.get(pid)).filter(Boolean);
  if (!rows.length) return null;
  const started = rows.some((p) => p.progress || p.status !== 'Selected');
  return h('section', { 'aria-labelledby': 'impl-title' },
    h('h2', { id: 'impl-title' }, 'Implementation'),
    started ? null : h('p', {}, 'The municipality has not reported progress on the selected projects yet.'),
    h('ul', { class: 'implementation' }, rows.map((p) =>
      h('li', {},
        h('strong', {}, p.proposal.title), ' (' + money(p.proposal.cost, cur) + '): ',
        status(p.status), ' ',
        h('progress', { max: 100, value: p.progress ? p.progress.percent : 0,
          'aria-label': p.proposal.title + ' progress' }),
        ' ' + (p.progress ? p.progress.percent : 0) + '%',
        p.progress && p.progress.note ? [' — ', p.progress.note, ' (', time(p.progress.at), ')'] : ''))));
}

