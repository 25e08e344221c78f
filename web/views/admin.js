// The municipality's staff page: with the admin token (kept in this tab's
// sessionStorage only, sent only to this node), advance a process's phase,
// review submitted proposals, and record implementation progress.

import { h, facts, errorBox, field, select } from '../dom.js';
import { adminGet, post, get } from '../api.js';
import { money, phase, status, nextPhase, texts } from '../format.js';
import { toMinor, districtName } from './process.js';

const KEY = 'pbnode-admin-token';

function tokenForm(reload, message) {
  const input = h('input', { type: 'password', name: 'token', autocomplete: 'off', required: true });
  return [
    h('h1', {}, 'Administration'),
    message ? errorBox('Signed out:', message) : null,
    h('p', {}, 'Enter the node\'s admin token (the file ', h('code', {}, 'admin-token'),
      ' in its data directory). It is kept only in this browser tab and sent only to this node.'),
    h('form', {
      onsubmit: (e) => {
        e.preventDefault();
        sessionStorage.setItem(KEY, input.value.trim());
        reload();
      },
    }, field('Admin token', input), h('button', { type: 'submit' }, 'Sign in')),
  ];
}

/** A button-driven action whose outcome (or the API's error) shows beside it. */
function action(label, run, reload) {
  const out = h('span', { class: 'form-result', 'aria-live': 'polite' });
  const button = h('button', {
    type: 'button',
    onclick: async () => {
      button.disabled = true;
      try {
        await run();
        reload();
      } catch (err) {
        out.replaceChildren(errorBox('Failed:', err));
        button.disabled = false;
      }
    },
  }, label);
  return h('span', {}, button, ' ', out);
}

function reviewRow(p, info, token, reload) {
  const cur = info.def.budget.currency;
  const cost = h('input', { name: 'cost', inputmode: 'decimal', size: 10,
    value: money(p.proposal.cost, '').trim().replace(/,/g, '') });
  const reason = h('input', { name: 'reason', size: 24 });
  const base = `/processes/${info.id}/proposals/${p.id}/review`;
  return h('li', { class: 'card' },
    h('h4', {}, p.proposal.title),
    h('p', {}, districtName(info.def, p.proposal.district), ' · ', p.proposal.category, ' · asks ', money(p.proposal.cost, cur)),
    h('div', { class: 'inline' }, field('Accepted cost (' + cur + ')', cost),
      action('Accept', () => {
        const minor = toMinor(cost.value, cur);
        if (minor === null) throw new Error('the cost must be an amount like 1500 or 1500.50');
        return post(base, { decision: 'accept', cost: Number(minor) }, token);
      }, reload)),
    h('div', { class: 'inline' }, field('Reason for rejection', reason),
      action('Reject', () => post(base, { decision: 'reject', reason: reason.value.trim() }, token), reload)));
}

function progressRow(p, info, token, reload) {
  const st = select('status', [['in_progress', 'In progress'], ['done', 'Done']],
    p.status === 'Done' ? 'done' : 'in_progress');
  const percent = h('input', { type: 'number', min: 0, max: 100, name: 'progress',
    value: p.progress ? p.progress.percent : 0 });
  const note = h('input', { name: 'note', size: 30, value: p.progress ? p.progress.note : '' });
  return h('li', { class: 'card' },
    h('h4', {}, p.proposal.title, ' — ', status(p.status)),
    h('div', { class: 'inline' }, field('Status', st), field('Progress (%)', percent), field('Note', note),
      action('Record', () => {
        const body = { progress: Number(percent.value), note: note.value.trim() };
        // A status is sent only when it changes: the API refuses a step to the same status.
        if (st.value !== { InProgress: 'in_progress', Done: 'done' }[p.status]) body.status = st.value;
        return post(`/processes/${info.id}/proposals/${p.id}/implementation`, body, token);
      }, reload)));
}

async function processSection(info, token, reload) {
  const t = texts(info.def);
  if (!info.id) {
    return h('section', { class: 'card' }, h('h2', {}, t.title + ' (draft)'),
      facts([['Slug', info.slug]]),
      action('Open it (sign and publish the definition)', () => post(`/processes/${info.slug}/open`, undefined, token), reload));
  }
  const proposals = await get(`/processes/${info.id}/proposals`);
  const next = nextPhase(info.phase);
  const submitted = proposals.filter((p) => p.status === 'Submitted');
  const selected = proposals.filter((p) => ['Selected', 'InProgress', 'Done'].includes(p.status));
  return h('section', { class: 'admin-process' },
    h('h2', {}, t.title),
    facts([['Phase', phase(info.phase)], ['Slug', info.slug], ['Proposals', String(proposals.length)]]),
    next ? action('Advance to ' + next, () => post(`/processes/${info.id}/phase`, { phase: next }, token), reload) : null,
    info.phase === 'Review' || info.phase === 'Proposals' ? [
      h('h3', {}, 'Review (' + submitted.length + ' waiting)'),
      submitted.length ? h('ul', { class: 'cards' }, submitted.map((p) => reviewRow(p, info, token, reload)))
        : h('p', {}, 'Nothing to review.'),
    ] : null,
    selected.length && (info.phase === 'Closed' || info.phase === 'Implementation') ? [
      h('h3', {}, 'Implementation of selected projects'),
      h('ul', { class: 'cards' }, selected.map((p) => progressRow(p, info, token, reload))),
    ] : null);
}

export async function adminPage({ reload }) {
  const token = sessionStorage.getItem(KEY);
  if (!token) return tokenForm(reload);
  let processes;
  try {
    processes = await adminGet('/admin/processes', token);
  } catch (e) {
    if (e.status === 401) {
      sessionStorage.removeItem(KEY);
      return tokenForm(reload, e);
    }
    throw e;
  }
  const sections = await Promise.all(processes.map((p) => processSection(p, token, reload)));
  return [
    h('h1', {}, 'Administration'),
    h('p', {}, action('Sign out', async () => sessionStorage.removeItem(KEY), reload)),
    sections.length ? sections : h('p', {}, 'No processes yet. Create one through the API (POST /api/v1/processes).'),
  ];
}
