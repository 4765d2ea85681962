// What an API test file needs: the real stack (its own database, Temporal, a worker) behind buildApp, signed-in
// demo users, and small request helpers over app.inject.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Pool } from 'pg';
import { buildApp, type AppDeps } from '../../api/app';
import { configSchema, type Config } from '../../config';
import { DEMO, DEMO_PASSWORD, DEMO_USERS, type DemoUsername } from '../../db/seed-data';
import {
  connectTemporal,
  createTestDatabase,
  startWorker,
  type RunningWorker,
  type TestTemporal,
} from '../helpers/stack';

export interface ApiStack {
  app: FastifyInstance;
  pool: Pool;
  t: TestTemporal;
  worker: RunningWorker | null;
  dataDir: string;
  /** Builds another app on the same database and Temporal (e.g. with rate limits on). */
  buildApp(over?: Partial<AppDeps>): Promise<FastifyInstance>;
  close(): Promise<void>;
}

/** The operator token of /metrics on the API port in tests (SECURITY.md "Operations"). */
export const TEST_METRICS_TOKEN = 'test-metrics-token-0123456789';

export const testConfig = (dataDir: string) =>
  configSchema.parse({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    JWT_SECRET: 'test-secret-0123456789abcdef',
    METRICS_TOKEN: TEST_METRICS_TOKEN,
  });

/** The app's metrics, as an operator with the token reads them. */
export async function scrape(app: FastifyInstance): Promise<string> {
  const res = await app.inject({
    method: 'GET',
    url: '/metrics',
    headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` },
  });
  if (res.statusCode !== 200) throw new Error(`/metrics: ${res.statusCode} ${res.body}`);
  return res.body;
}

/** `config`: keys over the test configuration (e.g. a file that files more cases than a resident's daily quota). */
export async function startApiStack(
  opts: { worker?: boolean; app?: Partial<AppDeps>; config?: Partial<Config> } = {},
): Promise<ApiStack> {
  const { pool } = await createTestDatabase();
  const t = await connectTemporal();
  const worker = opts.worker === false ? null : await startWorker(t, pool);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rs-api-'));
  const apps: FastifyInstance[] = [];
  const make = async (over: Partial<AppDeps> = {}) => {
    const app = await buildApp({
      config: { ...testConfig(dataDir), ...opts.config },
      pool,
      temporal: t.client,
      taskQueue: t.taskQueue,
      logger: false,
      rateLimit: false,
      // Load shedding off: a busy CI machine must not turn into 503s in unrelated tests (ops.test.ts turns it on).
      underPressure: false,
      metrics: { defaultMetrics: false },
      ...opts.app,
      ...over,
    });
    apps.push(app);
    return app;
  };
  const closeAll = async () => {
    for (const a of apps) await a.close();
    await worker?.stop();
    await t.close();
    await pool.end();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  let app: FastifyInstance;
  try {
    app = await make();
  } catch (err) {
    await closeAll();
    throw err;
  }
  return {
    app,
    pool,
    t,
    worker,
    dataDir,
    buildApp: make,
    close: closeAll,
  };
}

const tokenCache = new WeakMap<FastifyInstance, Map<string, string>>();

/** Signs a demo user in through the API (once per app) and returns the bearer token. */
export async function tokenOf(app: FastifyInstance, username: DemoUsername): Promise<string> {
  const cache = tokenCache.get(app) ?? new Map<string, string>();
  tokenCache.set(app, cache);
  const cached = cache.get(username);
  if (cached) return cached;
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username, password: DEMO_PASSWORD },
  });
  if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
  const token = res.json().token as string;
  cache.set(username, token);
  return token;
}

export interface Client {
  get(url: string, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  post(url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  /** POST an action with a fresh Idempotency-Key unless one is given. */
  act(
    caseId: string,
    action: string,
    body?: unknown,
    key?: string,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
}

export async function as(app: FastifyInstance, username: DemoUsername | null): Promise<Client> {
  const auth: Record<string, string> = username ? { authorization: `Bearer ${await tokenOf(app, username)}` } : {};
  return {
    get: (url, headers = {}) => app.inject({ method: 'GET', url, headers: { ...auth, ...headers } }),
    post: (url, body, headers = {}) =>
      app.inject({
        method: 'POST',
        url,
        headers: { ...auth, ...headers },
        ...(body === undefined ? {} : { payload: body as object }),
      }),
    act: (caseId, action, body, key = randomUUID(), headers = {}) =>
      app.inject({
        method: 'POST',
        url: `/api/v1/cases/${caseId}/${action}`,
        headers: { ...auth, 'idempotency-key': key, ...headers },
        ...(body === undefined ? {} : { payload: body as object }),
      }),
  };
}

/** A valid intake body; lakeview by default, whose deadlines run in days, so no timer fires during a test. */
export function intakeBody(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    categoryCode: 'repairs',
    compoundCode: DEMO.siblingCompound,
    location: { building: '1', unit: '1', room: '101' },
    description: '楼道灯坏了一个星期，晚上看不见路',
    ...over,
  };
}

export { DEMO, DEMO_USERS };
