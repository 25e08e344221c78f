// Numbers and names as people read them. Money stays exact: amounts are
// integers of the currency's minor unit and are split into whole and
// fractional parts with BigInt, never through floating point.

/** How many fraction digits the currency's minor unit has (2 when unknown). */
export function minorDigits(currency) {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
      .maximumFractionDigits;
  } catch (_) {
    return 2; // an unknown code: the most common case
  }
}

/** `123456, "EUR"` -> `"1,234.56 EUR"` (exact). */
export function money(minorUnits, currency) {
  let units;
  try {
    units = BigInt(minorUnits);
  } catch (_) {
    return String(minorUnits) + ' ' + (currency || '');
  }
  const digits = minorDigits(currency);
  const negative = units < 0n;
  if (negative) units = -units;
  const scale = 10n ** BigInt(digits);
  const whole = (units / scale).toLocaleString('en');
  const fraction = digits ? '.' + (units % scale).toString().padStart(digits, '0') : '';
  return (negative ? '-' : '') + whole + fraction + (currency ? ' ' + currency : '');
}

/** A whole number with digit grouping. */
export function count(n) {
  try {
    return BigInt(n).toLocaleString('en');
  } catch (_) {
    return String(n);
  }
}

/** `part/total` as a whole percentage, rounded down, exact. */
export function percent(part, total) {
  const t = BigInt(total);
  if (t === 0n) return '0%';
  return ((BigInt(part) * 100n) / t).toString() + '%';
}

const PHASES = {
  Proposals: 'Proposals (submissions open)',
  Review: 'Review (feasibility check)',
  Voting: 'Voting',
  Closed: 'Closed (results published)',
  Implementation: 'Implementation',
};

/** The reader's name of a process phase (`null`: a draft). */
export function phase(name) {
  if (name === null || name === undefined) return 'Draft';
  return PHASES[name] || String(name);
}

/** The phase an open process moves to next, in the API's words. */
export function nextPhase(name) {
  return { Proposals: 'review', Review: 'voting', Voting: 'closed', Closed: 'implementation' }[
    name
  ];
}

/** The API's status names (`Submitted`, `in_progress`, ...) for people. */
export function status(name) {
  const key = String(name).toLowerCase().replace(/_/g, '');
  return (
    {
      submitted: 'Submitted',
      accepted: 'Accepted (on the ballot)',
      rejected: 'Rejected',
      selected: 'Selected (funded)',
      inprogress: 'In progress',
      done: 'Done',
    }[key] || String(name)
  );
}

/** Status values the proposal list filter takes. */
export const STATUS_FILTERS = [
  ['', 'any status'],
  ['submitted', 'Submitted'],
  ['accepted', 'Accepted'],
  ['rejected', 'Rejected'],
  ['selected', 'Selected'],
  ['in_progress', 'In progress'],
  ['done', 'Done'],
];

/** A Unix time (seconds) as a UTC date and time. */
export function time(seconds) {
  if (seconds === null || seconds === undefined) return '';
  const d = new Date(Number(seconds) * 1000);
  if (Number.isNaN(d.getTime())) return String(seconds);
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

/** The first characters of a long hex string, for display. */
export function short(hex, n = 12) {
  const s = String(hex);
  return s.length > n ? s.slice(0, n) + '…' : s;
}

/** The title of a process in the reader's language, else the first one. */
export function texts(def) {
  const all = (def && def.texts) || [];
  const langs = navigator.languages || [navigator.language || 'en'];
  for (const lang of langs) {
    const base = lang.split('-')[0];
    const hit = all.find((t) => t.lang === lang || t.lang === base);
    if (hit) return hit;
  }
  return all[0] || { title: '(untitled)', description: '' };
}
