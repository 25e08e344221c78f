// One proposal: what its authors wrote, its review and implementation
// history, and the discussion, with a form to comment.

import { h, link, facts, errorBox, field } from '../dom.js';
import { get, post } from '../api.js';
import { money, status, time, texts, count } from '../format.js';
import { processNav, districtName } from './process.js';

function commentForm(info, proposalId, reload) {
  const out = h('div', { class: 'form-result', 'aria-live': 'polite' });
  const author = h('input', { name: 'author', required: true, autocomplete: 'name' });
  const text = h('textarea', { name: 'text', rows: 4, required: true });
  const button = h('button', { type: 'submit' }, 'Post comment');
  return h(
    'form',
    {
      class: 'comment-form',
      'aria-labelledby': 'comment-title',
      novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        button.disabled = true;
        try {
          await post(`/processes/${info.id}/proposals/${proposalId}/comments`, {
            author: author.value.trim(),
            text: text.value.trim(),
          });
          reload();
        } catch (err) {
          out.replaceChildren(errorBox('Not posted:', err));
          button.disabled = false;
        }
      },
    },
    h('h3', { id: 'comment-title' }, 'Add a comment'),
    field('Your name', author),
    field('Comment', text),
    button,
    out,
  );
}

export async function proposalPage({ args, query, reload }) {
  const [pid, id] = args;
  const info = await get('/processes/' + pid);
  const [all, comments] = await Promise.all([
    get('/processes/' + info.id + '/proposals'),
    get(`/processes/${info.id}/proposals/${id}/comments`),
  ]);
  const record = all.find((p) => p.id === id);
  if (!record) {
    return [h('h1', {}, 'Proposal not found'), processNav(info.id, null),
      h('p', {}, 'This process has no proposal with the id ', h('code', { class: 'hex' }, id), '.')];
  }
  const p = record.proposal;
  const def = info.def;
  const cur = def.budget.currency;
  const revised = record.revised_as ? all.find((x) => x.id === record.revised_as) : null;
  return [
    h('p', { class: 'breadcrumb' }, link('/p/' + info.id, texts(def).title), ' › proposal'),
    h('h1', {}, p.title),
    query.get('submitted') ? h('p', { class: 'success', role: 'status' },
      'Your proposal was submitted and recorded in the public log.') : null,
    h('p', {}, h('span', { class: 'badge status-' + String(record.status).toLowerCase() }, status(record.status))),
    h('p', { class: 'description' }, p.description),
    facts([
      ['Cost', money(p.cost, cur)],
      ['District', districtName(def, p.district)],
      ['Category', p.category],
      ['Authors', p.authors.map((a) => a.name).join(', ')],
      ['Submitted', time(record.submitted_at)],
      ['Log entry', 'index ' + count(record.leaf)],
      ['Proposal id', h('code', { class: 'hex' }, record.id)],
    ]),
    revised ? h('p', { class: 'notice' }, 'Review revised the cost; the proposal on the ballot is ',
      link(`/p/${info.id}/proposals/${revised.id}`, revised.proposal.title + ' (' + money(revised.proposal.cost, cur) + ')'), '.') : null,
    record.progress ? h('section', { 'aria-labelledby': 'progress-title' },
      h('h2', { id: 'progress-title' }, 'Implementation'),
      h('progress', { max: 100, value: record.progress.percent, 'aria-label': 'implementation progress' }),
      ' ', record.progress.percent + '% done',
      record.progress.note ? h('p', {}, record.progress.note) : null,
      h('p', { class: 'hint' }, 'Updated ' + time(record.progress.at))) : null,
    record.history.length ? [
      h('h2', {}, 'History'),
      h('ol', { class: 'history' }, record.history.map((c) =>
        h('li', {}, time(c.at), ': ', status(c.status), c.reason ? ' — ' + c.reason : ''))),
    ] : null,
    h('h2', {}, 'Comments (' + comments.length + ')'),
    comments.length
      ? h('ul', { class: 'comments' }, comments.map((c) =>
        h('li', { class: 'comment' },
          h('p', { class: 'comment-meta' }, h('strong', {}, c.author || 'anonymous'), ' · ', time(c.at)),
          h('p', {}, c.text))))
      : h('p', {}, 'No comments yet.'),
    commentForm(info, id, reload),
  ];
}
