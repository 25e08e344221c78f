// The node's JSON API (/api/v1), the only thing the UI talks to. Every
// error the API returns has a JSON body {error, message}; it reaches the
// views as an ApiError carrying that message, to be shown as it is.

/** An answer other than success, or no answer at all. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const BASE = '/api/v1';

async function request(method, path, { body, token, query, text } = {}) {
  let url = BASE + path;
  if (query) {
    const q = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== null && value !== undefined && value !== '') q.set(key, value);
    }
    const s = q.toString();
    if (s) url += '?' + s;
  }
  const headers = { Accept: text ? 'text/plain' : 'application/json' };
  if (token) headers.Authorization = 'Bearer ' + token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError(0, 'network', 'the node did not answer (' + e.message + ')');
  }
  const raw = await response.text();
  if (!response.ok) {
    let code = 'http_' + response.status;
    let message = 'the node answered HTTP ' + response.status;
    try {
      const parsed = JSON.parse(raw);
      if (parsed && typeof parsed.message === 'string') {
        code = parsed.error || code;
        message = parsed.message;
      }
    } catch (_) {
      // Not the JSON error body (a proxy's page, say): keep the status.
    }
    throw new ApiError(response.status, code, message);
  }
  if (text) return raw;
  return raw === '' ? null : JSON.parse(raw);
}

/** GET a JSON resource; `query` entries with empty values are left out. */
export function get(path, query) {
  return request('GET', path, { query });
}

/** GET a text resource (signed checkpoints). */
export function getText(path) {
  return request('GET', path, { text: true });
}

/** POST a JSON body (with the admin token when given). */
export function post(path, body, token) {
  return request('POST', path, { body, token });
}

/** GET with the admin token. */
export function adminGet(path, token) {
  return request('GET', path, { token });
}

/** GET that answers `null` instead of failing when the resource is absent (404). */
export async function getOptional(path, query) {
  try {
    return await get(path, query);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}
