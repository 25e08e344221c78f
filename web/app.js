// The single-page app: a hash router (`#/p/<id>/results`, ...), the
// header's node name, the equivocation banner, and one view per page.
// Each view is an async function returning the page's content; the router
// shows it in <main>, sets the title and moves focus to its heading.

import { h, errorBox } from './dom.js';
import { get } from './api.js';
import { refreshBanner } from './banner.js';
import { overview } from './views/overview.js';
import { processPage } from './views/process.js';
import { proposalPage } from './views/proposal.js';
import { resultsPage } from './views/results.js';
import { logPage, replicaLogPage } from './views/log.js';
import { federationPage, proofPage } from './views/federation.js';
import { receiptPage } from './views/receipt.js';
import { adminPage } from './views/admin.js';

const ROUTES = [
  [/^\/$/, overview],
  [/^\/p\/([^/]+)$/, processPage],
  [/^\/p\/([^/]+)\/proposals\/([0-9a-f]{64})$/, proposalPage],
  [/^\/p\/([^/]+)\/results$/, resultsPage],
  [/^\/p\/([^/]+)\/log$/, logPage],
  [/^\/federation$/, federationPage],
  [/^\/federation\/proofs\/(\d+)$/, proofPage],
  [/^\/federation\/logs\/([^/]+)\/([^/]+)$/, replicaLogPage],
  [/^\/receipt$/, receiptPage],
  [/^\/admin$/, adminPage],
];

const main = document.getElementById('main');
let rendering = 0;

/** The current route: its path and query (`#/p/x?district=north`). */
function current() {
  const hash = location.hash.replace(/^#/, '');
  const at = hash.indexOf('?');
  const path = at < 0 ? hash : hash.slice(0, at);
  const query = at < 0 ? '' : hash.slice(at + 1);
  return { path: path || '/', query: new URLSearchParams(query) };
}

/** Moves to `path` with `query` entries (empty ones dropped). */
export function navigate(path, query) {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(query || {})) {
    if (value) q.set(key, value);
  }
  const s = q.toString();
  const target = '#' + path + (s ? '?' + s : '');
  if (location.hash === target) render();
  else location.hash = target;
}

/** Renders the current route again (after a form changed something). */
export function reload() {
  render();
}

async function render() {
  const ticket = ++rendering;
  const { path, query } = current();
  const route = ROUTES.find(([pattern]) => pattern.test(path));
  main.setAttribute('aria-busy', 'true');
  main.replaceChildren(h('p', { class: 'loading' }, 'Loading…'));
  markNav(path);
  refreshBanner(document.getElementById('banner'));
  let content;
  if (!route) {
    content = [h('h1', {}, 'Page not found'), h('p', {}, 'No page at ', h('code', {}, path), '.')];
  } else {
    const args = path.match(route[0]).slice(1).map(decodeURIComponent);
    try {
      content = await route[1]({ args, query, navigate, reload });
    } catch (e) {
      content = [h('h1', {}, 'Could not load this page'), errorBox('Error:', e)];
    }
  }
  if (ticket !== rendering) return; // a later navigation won
  main.replaceChildren(...[content].flat(Infinity).filter(Boolean));
  main.removeAttribute('aria-busy');
  const heading = main.querySelector('h1');
  document.title = (heading ? heading.textContent + ' · ' : '') + siteName;
  if (heading && focusOnRender) {
    heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: false });
  }
  focusOnRender = true;
}

function markNav(path) {
  for (const a of document.querySelectorAll('nav a')) {
    const target = a.getAttribute('href').slice(1);
    const here = target === '/' ? path === '/' || path.startsWith('/p/') : path.startsWith(target);
    if (here) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

const BANNER_POLL_MS = 30000;
let siteName = 'pbnode';
// The first render keeps the browser's focus where it is (page load).
let focusOnRender = false;

async function start() {
  window.addEventListener('hashchange', render);
  // A proof can arrive while someone reads a page: check again now and then.
  setInterval(() => refreshBanner(document.getElementById('banner')), BANNER_POLL_MS);
  // The skip link must not change the hash: that is the router's.
  document.getElementById('skip-link').addEventListener('click', (e) => {
    e.preventDefault();
    main.focus();
  });
  render();
  try {
    const node = await get('/node');
    siteName = node.name + ' · pbnode';
    document.getElementById('site-name').textContent = node.name;
    const heading = main.querySelector('h1');
    if (heading) document.title = heading.textContent + ' · ' + siteName;
  } catch (_) {
    // The overview shows the error; the header keeps "pbnode".
  }
}

start();
