// The one way the app talks to the API: openapi-fetch typed by schema.d.ts, which scripts/web-api-types.ts
// generates from the API's own OpenAPI document. A route or field the API does not have fails `tsc -p web`.
import createClient, { type Middleware } from 'openapi-fetch';
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

export interface StoredSession {
  token: string;
  expiresAt: number;
}

export function loadSession(): StoredSession | null {
  try {
    const raw = localStorage.getItem(SESSION_KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as StoredSession;
    return typeof s.token === 'string' && s.expiresAt > Date.now() ? s : null;
  } catch {
    return null;
  }
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

let current: StoredSession | null = loadSession();
let language: 'zh' | 'en' = 'zh';
/** Called when a signed-in request is answered 401: the token expired or the account was disabled. */
let onUnauthenticated: () => void = () => {};

export function setApiLanguage(lang: 'zh' | 'en'): void {
  language = lang;
}
export function setOnUnauthenticated(fn: () => void): void {
  onUnauthenticated = fn;
}

const auth: Middleware = {
  onRequest({ request }) {
    request.headers.set('accept-language', language === 'zh' ? 'zh-CN' : 'en');
    if (current) request.headers.set('authorization', `Bearer ${current.token}`);
    return request;
  },
  onResponse({ request, response }) {
    if (response.status === 401 && request.headers.has('authorization')) onUnauthenticated();
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: '' });
api.use(auth);

/** The body of an answer, or an ApiError with the API's code, message and field details. */
export async function ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let res: { data?: T; error?: unknown; response: Response };
  try {
    res = await call;
  } catch (err) {
    throw new ApiError(0, 'network', err instanceof Error ? err.message : String(err));
  }
  if (res.response.ok && res.data !== undefined) return res.data;
  const body = res.error as { error?: { code?: string; message?: string; details?: ErrorDetail[] } } | undefined;
  const e = body?.error;
  throw new ApiError(res.response.status, e?.code ?? `http.${res.response.status}`, e?.message ?? res.response.statusText, e?.details ?? []);
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
export async function act<A extends ActionPath>(caseId: string, action: A, body: ActionBody<A> | null, key: string): Promise<ActionResult> {
  // One generic call for seventeen routes: the body type is still checked per action by ActionBody<A>.
  const path = `/api/v1/cases/{id}/${action}` as '/api/v1/cases/{id}/acknowledge';
  return ok(api.POST(path, { params: { path: { id: caseId }, header: { 'idempotency-key': key } }, body: body as never }));
}
