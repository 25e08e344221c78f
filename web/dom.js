// Building the page from data without ever parsing data as HTML: every
// text from the API goes in as a text node, so a proposal titled
// "<script>" is shown, never run.

/**
 * Creates an element. `attrs` keys are attribute names; `on<event>` keys
 * take listeners; `false`/`null`/`undefined` values leave the attribute
 * out. Children may be nodes, strings, numbers, arrays, or empty values
 * (skipped).
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (value === true) {
      el.setAttribute(key, '');
    } else {
      el.setAttribute(key, String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

/** A link to a route of the UI (`#/...`). */
export function link(route, ...children) {
  return h('a', { href: '#' + route }, ...children);
}

/** A definition list from [term, value] pairs (empty values skipped). */
export function facts(pairs) {
  return h(
    'dl',
    { class: 'facts' },
    pairs
      .filter(([, value]) => value !== null && value !== undefined && value !== '')
      .map(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]),
  );
}

/** A table with a caption, header cells and rows of cells. */
export function table(caption, headers, rows) {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      {},
      caption ? h('caption', {}, caption) : null,
      h('thead', {}, h('tr', {}, headers.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((c) => h('td', {}, c))))),
    ),
  );
}

/** An error box: what failed and the API's message. */
export function errorBox(title, error) {
  return h(
    'div',
    { class: 'error', role: 'alert' },
    h('strong', {}, title),
    ' ',
    h('span', { class: 'error-message' }, error && error.message ? error.message : String(error)),
  );
}

/** A labelled form control; `control` is the input/select element. */
export function field(label, control, hint) {
  const id = control.id || 'f-' + Math.random().toString(36).slice(2, 10);
  control.id = id;
  const hintEl = hint ? h('span', { class: 'hint', id: id + '-hint' }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hintEl);
}

/** A <select> of [value, label] options with `selected` chosen. */
export function select(name, options, selected) {
  return h(
    'select',
    { name },
    options.map(([value, label]) =>
      h('option', { value, selected: value === selected }, label),
    ),
  );
}
