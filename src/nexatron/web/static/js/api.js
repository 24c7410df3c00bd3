// The API client. The access token lives only in this module's memory; the refresh token is an
// httpOnly cookie the browser sends to /api/v1/auth (never readable here). Requests that the
// cookie authorises carry X-Nexatron-Web: 1 (the server's CSRF check).

const BASE = '/api/v1';
const WEB_HEADER = { 'X-Nexatron-Web': '1' };
let access = null;
let expiresAt = 0;
let refreshing = null;
let timer = null;
const expiredHandlers = [];

export const session = { user: null };

export class ApiError extends Error {
  constructor(status, detail, headers) {
    super(describe(status, detail, headers));
    this.status = status;
    this.detail = detail;
    this.fields = Array.isArray(detail)
      ? detail.map((d) => ({ path: (d.loc || []).filter((p) => p !== 'body').map(String), msg: d.msg }))
      : [];
  }
}

function describe(status, detail, headers) {
  if (status === 0) return "Can't reach the Nexatron server. Check that it is running, then try again.";
  if (status === 401) return 'Your session has ended. Sign in again to continue.';
  if (status === 403) return typeof detail === 'string' ? detail : "Your role doesn't allow this. Ask an admin.";
  if (status === 404) return typeof detail === 'string' ? detail : 'Not found: it may have been deleted.';
  if (status === 429) {
    const wait = headers && headers.get('Retry-After');
    return `Too many requests right now. Try again${wait ? ` in ${wait} s` : ' in a moment'}.`;
  }
  if (status === 422 && Array.isArray(detail)) return 'Some fields need attention: see the messages next to them.';
  if (Array.isArray(detail) && detail.length && detail[0].msg) return detail[0].msg; // a classified connect failure
  if (detail && typeof detail === 'object' && detail.message) return detail.message;
  if (typeof detail === 'string') return detail;
  if (status >= 500) return 'The server hit an error. Try again; if it keeps happening, check the server log.';
  return `The request failed (${status}).`;
}

export function onExpired(fn) { expiredHandlers.push(fn); }

function setTokens(body) {
  access = body.access_token;
  expiresAt = Date.now() + body.expires_in * 1000;
  clearTimeout(timer);
  // Silent refresh a minute before the access token expires, or after three quarters of a
  // short one's life (a 30 s token was refreshed every 5 s).
  timer = setTimeout(() => { refresh(); }, Math.max(body.expires_in * 0.75, body.expires_in - 60) * 1000);
}

function forget() {
  access = null;
  expiresAt = 0;
  clearTimeout(timer);
  session.user = null;
}

async function send(path, init) {
  try {
    return await fetch(BASE + path, { credentials: 'same-origin', ...init });
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    throw new ApiError(0, null);
  }
}

async function failure(res) {
  let detail = null;
  try { detail = (await res.json()).detail; } catch { /* not JSON */ }
  return new ApiError(res.status, detail, res.headers);
}

export async function login(email, password, tenant) {
  const body = { email, password, session_cookie: true };
  if (tenant) body.tenant = tenant;
  const res = await send('/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...WEB_HEADER },
    body: JSON.stringify(body),
  });
  if (!res.ok) {
    const err = await failure(res);
    if (res.status === 401) err.message = 'That email and password do not match an active account.';
    throw err;
  }
  setTokens(await res.json());
  session.user = await api('/auth/me');
  return session.user;
}

/** Trade the session cookie for a new access token; false when there is no live session. */
export function refresh() {
  if (!refreshing) {
    refreshing = (async () => {
      try {
        const res = await send('/auth/refresh', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...WEB_HEADER },
          body: '{}',
        });
        if (!res.ok) { forget(); return false; }
        setTokens(await res.json());
        return true;
      } catch { return false; } finally { refreshing = null; }
    })();
  }
  return refreshing;
}

export async function restore() {
  if (!(await refresh())) return null;
  try { session.user = await api('/auth/me'); } catch { forget(); }
  return session.user;
}

export async function logout() {
  try {
    if (access) await send('/auth/logout', { method: 'POST', headers: { Authorization: `Bearer ${access}`, ...WEB_HEADER } });
  } finally { forget(); }
}

function expired() {
  forget();
  for (const fn of expiredHandlers) fn();
}

async function authorised(path, init, retried = false) {
  if (!access || Date.now() > expiresAt - 5000) {
    if (!(await refresh())) { expired(); throw new ApiError(401, null); }
  }
  const headers = { ...(init.headers || {}), Authorization: `Bearer ${access}` };
  const res = await send(path, { ...init, headers });
  if (res.status === 401 && !retried) {
    if (await refresh()) return authorised(path, init, true);
    expired();
  }
  return res;
}

/** JSON in, JSON (or text, or null for 204) out; throws ApiError with a readable message. */
export async function api(path, { method = 'GET', body, signal, text = false } = {}) {
  const init = { method, signal, headers: {} };
  if (body instanceof FormData) {
    init.body = body; // multipart: the browser sets the type, its boundary and the length
  } else if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await authorised(path, init);
  if (!res.ok) throw await failure(res);
  if (res.status === 204) return null;
  return text ? res.text() : res.json();
}

/** POST a body and yield the server-sent events {event, data} as they arrive. */
export async function* stream(path, body, signal) {
  const res = await authorised(path, {
    method: 'POST',
    signal,
    headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw await failure(res);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value.replace(/\r\n/g, '\n');
    let cut;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const chunk = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let event = 'message';
      const data = [];
      for (const line of chunk.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length) yield { event, data: JSON.parse(data.join('\n')) };
    }
  }
}

// What the signed-in user may do: the permissions /auth/me lists (identity/roles.py decides;
// the server checks every call anyway).
const allowed = (permission) => Boolean(session.user && (session.user.permissions || []).includes(permission));
export const can = {
  admin: () => allowed('tenant:admin'),
  keys: () => allowed('keys:own'),
  testConnections: () => allowed('connections:test'),
};

// Layers per connection: labels, formats and synonyms for pages that show answers.
const layers = new Map();
export function layerOf(connectionId, fresh = false) {
  if (fresh || !layers.has(connectionId)) {
    const q = `?connection_id=${encodeURIComponent(connectionId)}`;
    const loading = Promise.all([api(`/semantic/metrics${q}`), api(`/semantic/dimensions${q}`)])
      .then(([m, d]) => ({ metrics: m.data, dimensions: d.data }));
    loading.catch(() => layers.delete(connectionId));
    layers.set(connectionId, loading);
  }
  return layers.get(connectionId);
}
