// The one way the app talks to the API: openapi-fetch typed by schema.d.ts, which scripts/web-api-types.ts
// generates from the API's own OpenAPI document. A route or field the API does not have fails `tsc -p web`.
import createClient, { type Middleware } from 'openapi-fetch';
import { en } from '../i18n/en';
import { zh } from '../i18n/zh';
import type { paths } from './schema';
import type { ActionBody, ActionPath, ActionResult } from './types';

export interface ErrorDetail {
  path: string;
  issue: string;
}

/** An answer of the API's error shape { error: { code, message, details } }, or a network failure. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const SESSION_KEY = 'rs.session';

/** A signed-in session on this device: the short access token and the refresh token that renews it. */
export interface StoredSession {
  token: string;
  /** When the access token expires (ms since epoch). */
  expiresAt: number;
  /** From when a request renews it first (a minute, or a quarter of its lifetime, before it expires). */
  renewAt: number;
  refreshToken: string;
  /** When the session ends and the user signs in again (ms since epoch). */
  refreshExpiresAt: number;
}

/** What sign-in and refresh answer (POST /auth/login, /auth/code/verify, /auth/refresh). */
export interface TokenAnswer {
  token: string;
  expiresIn: number;
  refreshToken: string;
  refreshExpiresIn: number;
}

export const sessionOf = (a: TokenAnswer, now = Date.now()): StoredSession => ({
  token: a.token,
  expiresAt: now + a.expiresIn * 1000,
  renewAt: now + a.expiresIn * 1000 - Math.min(60_000, a.expiresIn * 250),
  refreshToken: a.refreshToken,
  refreshExpiresAt: now + a.refreshExpiresIn * 1000,
});

function readStored(): StoredSession | null {
  try {
    const raw = localStorage.getItem(SESSION_KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as Partial<StoredSession>;
    // A session stored before refresh tokens existed, or one that has ended, is no session.
    const valid =
      typeof s.token === 'string' &&
      typeof s.refreshToken === 'string' &&
      typeof s.renewAt === 'number' &&
      typeof s.refreshExpiresAt === 'number';
    return valid && s.refreshExpiresAt! > Date.now() ? (s as StoredSession) : null;
  } catch {
    return null;
  }
}

export function loadSession(): StoredSession | null {
  current = readStored() ?? (current && current.refreshExpiresAt > Date.now() ? current : null);
  return current;
}

export function saveSession(s: StoredSession | null): void {
  try {
    if (s) localStorage.setItem(SESSION_KEY, JSON.stringify(s));
    else localStorage.removeItem(SESSION_KEY);
  } catch {
    // storage unavailable: the session lasts for this page only
  }
  current = s;
}

let current: StoredSession | null = readStored();
let language: 'zh' | 'en' = 'zh';
/** Called when a signed-in request is refused 401 and the session cannot be renewed: it was ended or has expired. */
let onUnauthenticated: () => void = () => {};

export function setApiLanguage(lang: 'zh' | 'en'): void {
  language = lang;
}
export function setOnUnauthenticated(fn: () => void): void {
  onUnauthenticated = fn;
}

const sessionIdOf = (s: StoredSession | null) => s?.refreshToken.split('.')[0];

// Another tab renewed the session, signed out or signed in anew: follow it, so this tab never presents a replaced
// refresh token, nor shows one user while acting as another.
if (typeof window !== 'undefined') {
  window.addEventListener('storage', (e) => {
    if (e.key !== SESSION_KEY) return;
    const had = current;
    current = readStored();
    if (had && !current) onUnauthenticated();
    else if (current && sessionIdOf(current) !== sessionIdOf(had)) window.location.reload();
  });
}

/** Without the middleware below: refresh and sign-out must not renew or sign out in turn. */
const bare = createClient<paths>({ baseUrl: '' });

let renewing: Promise<StoredSession | null> | null = null;

/**
 * A new access token for the session, or null when it has ended. One renewal at a time in this tab, and across
 * tabs where the browser has Web Locks; the refresh token is read from storage first, since another tab may have
 * renewed it already (presenting the replaced one would end the session for every tab).
 */
export function renewSession(): Promise<StoredSession | null> {
  renewing ??= withSessionLock(async () => {
    const stored = readStored();
    if (stored && stored.renewAt > Date.now() && stored.token !== current?.token) {
      current = stored;
      return stored;
    }
    const refreshToken = (stored ?? current)?.refreshToken;
    if (!refreshToken) return null;
    const res = await bare.POST('/api/v1/auth/refresh', { body: { refreshToken } }).catch(() => null);
    if (!res) return current; // offline: keep the session, the request will fail on its own
    if (!res.data) {
      if (res.response.status !== 401) return current; // busy or failing: try again at the next request
      saveSession(null);
      return null;
    }
    saveSession(sessionOf(res.data));
    return current;
  }).finally(() => {
    renewing = null;
  });
  return renewing;
}

function withSessionLock<T>(fn: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== 'undefined' ? (navigator as Navigator & { locks?: LockManager }).locks : undefined;
  // The lock is held until fn's promise settles; request() resolves with that promise's value.
  return locks ? (locks.request('rs.session.renew', fn) as Promise<unknown> as Promise<T>) : fn();
}

/** Ends the session on the server (best effort: the device forgets it either way). */
export async function endSession(): Promise<void> {
  const s = current;
  saveSession(null);
  if (!s) return;
  await bare.POST('/api/v1/auth/logout', { headers: { authorization: `Bearer ${s.token}` } }).catch(() => undefined);
}

// Each signed-in request's copy, in case it must be sent again after a renewal.
const pending = new Map<string, Request>();

const auth: Middleware = {
  async onRequest({ request, id, schemaPath }) {
    request.headers.set('accept-language', language === 'zh' ? 'zh-CN' : 'en');
    // Sign-in answers 401 for a wrong password: that must not be taken for an ended session.
    if (schemaPath.startsWith('/api/v1/auth/')) return request;
    let s = current;
    if (s && s.renewAt <= Date.now()) s = (await renewSession()) ?? null;
    if (s) {
      request.headers.set('authorization', `Bearer ${s.token}`);
      pending.set(id, request.clone());
    }
    return request;
  },
  async onResponse({ request, response, id }) {
    const copy = pending.get(id);
    pending.delete(id);
    const used = request.headers.get('authorization');
    if (response.status !== 401 || !used) return response;
    // Once: a renewed token that is refused too means the session is over. A request that left before another
    // renewed the token just goes again with the new one.
    const renewed = current && `Bearer ${current.token}` !== used ? current : copy ? await renewSession() : null;
    if (renewed && copy) {
      copy.headers.set('authorization', `Bearer ${renewed.token}`);
      const again = await fetch(copy);
      if (again.status !== 401) return again;
    }
    saveSession(null);
    onUnauthenticated();
    return response;
  },
  onError({ id }) {
    pending.delete(id);
  },
};

export const api = createClient<paths>({ baseUrl: '' });
api.use(auth);

/** The body of an answer, or an ApiError with the API's code, message and field details. */
export async function ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let res: { data?: T; error?: unknown; response: Response };
  try {
    res = await call;
  } catch {
    // The browser's own words ("Failed to fetch") mean nothing to a resident: say it in the user's language.
    throw new ApiError(0, 'network', (language === 'zh' ? zh : en)['app.networkError']);
  }
  if (res.response.ok && res.data !== undefined) return res.data;
  const body = res.error as { error?: { code?: string; message?: string; details?: ErrorDetail[] } } | undefined;
  const e = body?.error;
  throw new ApiError(
    res.response.status,
    e?.code ?? `http.${res.response.status}`,
    e?.message ?? res.response.statusText,
    e?.details ?? [],
  );
}

/**
 * A fresh Idempotency-Key for one user action; a retry of the same action reuses it. getRandomValues, not
 * randomUUID: the latter exists only on https or localhost, and the app may be opened over plain http.
 */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `web-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** POST /cases/{id}/<action> with the given Idempotency-Key (one key per user intent, reused on retry). */
export async function act<A extends ActionPath>(
  caseId: string,
  action: A,
  body: ActionBody<A> | null,
  key: string,
): Promise<ActionResult> {
  // One generic call for seventeen routes: the body type is still checked per action by ActionBody<A>.
  const path = `/api/v1/cases/{id}/${action}` as '/api/v1/cases/{id}/acknowledge';
  return ok(
    api.POST(path, { params: { path: { id: caseId }, header: { 'idempotency-key': key } }, body: body as never }),
  );
}
