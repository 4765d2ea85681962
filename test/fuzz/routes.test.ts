// Every /api/v1 route, as the OpenAPI document lists it, gets generated malformed requests (fast-check, fixed
// seed): refused values in bodies, paths and queries, broken JSON, bad encodings, wrong content types, oversize
// bodies, prototype keys, deep nesting, forged credentials, methods the path does not serve. Each answer must be a
// 4xx in the API's error shape, and nothing may change: not a row in any table, not a workflow's history.
// test/api/malformed.test.ts checks field by field that the answer names the field; this file covers every route.
// `npm run fuzz` runs it longer (FUZZ_RUNS per route, FUZZ_SEED).
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { errorBodySchema } from '../../api/errors';
import { eventually } from '../helpers/cases';
import { as, intakeBody, startApiStack, tokenOf, type ApiStack } from '../api/helpers';
import { periodProbes, probesFor, routesOf, type Probe, type Route } from './requests';

const RUNS_PER_ROUTE = Number(process.env.FUZZ_RUNS ?? 15);
const SEED = Number(process.env.FUZZ_SEED ?? 20261126);

let s: ApiStack;
let caseId: string;
let routes: Route[];

beforeAll(async () => {
  s = await startApiStack();
  caseId = (await (await as(s.app, 'resident3')).post('/api/v1/cases', intakeBody())).json().caseId;
  // Intake's own writes settle first, so the snapshot below moves only if a probe wrote something: intake writes
  // the first events with the row; the workflow's first task then ends with the timer for the first reminder
  // (started, task scheduled/started/completed, timer started) and nothing happens until it fires, days later.
  await eventually(
    async () => (await s.pool.query('SELECT last_seq FROM cases WHERE id = $1', [caseId])).rows[0].last_seq === 2,
  );
  await eventually(async () => (await s.t.client.workflow.getHandle(`case-${caseId}`).describe()).historyLength >= 5);
  routes = routesOf((await s.app.inject({ method: 'GET', url: '/docs/json' })).json());
});
afterAll(async () => {
  await s?.close();
});

/** Every table's rows (as a hash), the case workflow's history length and the stored photos. */
async function snapshot(): Promise<Record<string, unknown>> {
  const { rows: tables } = await s.pool.query<{ name: string }>(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1",
  );
  const out: Record<string, unknown> = {};
  for (const { name } of tables) {
    const { rows } = await s.pool.query(
      `SELECT count(*)::int AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS h FROM "${name}" t`,
    );
    out[name] = rows[0];
  }
  out.history = (await s.t.client.workflow.getHandle(`case-${caseId}`).describe()).historyLength;
  const photos = path.join(s.dataDir, 'photos');
  out.photos = fs.existsSync(photos) ? fs.readdirSync(photos).length : 0;
  return out;
}

async function send(p: Probe) {
  return s.app.inject({
    method: p.method as 'GET',
    url: p.url,
    headers: p.headers,
    ...(p.payload === undefined ? {} : { payload: p.payload }),
  });
}

test('every route published in the OpenAPI document is fuzzed, and each JSON body refuses unknown fields', () => {
  expect(routes.length).toBeGreaterThan(30);
  const loose = routes
    .filter((r) => r.body && r.body.additionalProperties !== false)
    .map((r) => `${r.method} ${r.path}`);
  expect(loose).toEqual([]);
});

test('generated malformed requests to every route each get a 4xx in the error shape and change nothing', async () => {
  const token = await tokenOf(s.app, 'admin');
  const before = await snapshot();
  const failures: string[] = [];
  const kinds = new Set<string>();
  let n = 0;
  for (const route of routes) {
    const methods = routes.filter((r) => r.path === route.path).map((r) => r.method);
    const result = await fc.check(
      fc.asyncProperty(probesFor(route, { caseId, token }, n++, methods), async (p) => {
        const res = await send(p);
        kinds.add(p.kind.split(' ')[0]);
        const shape = errorBodySchema
          .strict()
          .safeParse(res.headers['content-type']?.toString().includes('json') ? res.json() : res.body);
        const ok =
          res.statusCode >= 400 &&
          res.statusCode < 500 &&
          (p.status === undefined || res.statusCode === p.status) &&
          shape.success;
        if (!ok)
          throw new Error(
            `${p.kind}: ${p.method} ${p.url.slice(0, 120)} → ${res.statusCode} ${res.body.slice(0, 300)}`,
          );
      }),
      { seed: SEED + n, numRuns: RUNS_PER_ROUTE },
    );
    if (result.failed)
      failures.push(
        `${route.method} ${route.path}: ${(result.errorInstance as Error | undefined)?.message ?? String(result.errorInstance)}`,
      );
  }
  expect(failures).toEqual([]);
  // Every family of malformation was generated somewhere.
  expect([...kinds].sort()).toEqual(['body:', 'credential', 'method', 'path', 'query'].sort());
  expect(await snapshot()).toEqual(before);
});

test('every period, date and range parameter refuses a year outside 2000–2100, a day that does not exist and a century, naming the field', async () => {
  const token = await tokenOf(s.app, 'admin');
  const before = await snapshot();
  const failures: string[] = [];
  const fields = new Set<string>();
  let n = 0;
  for (const route of routes) {
    for (const p of periodProbes(route, { caseId, token }, n++)) {
      const res = await send(p);
      const paths = res.statusCode === 400 ? (res.json().error.details as { path: string }[]).map((d) => d.path) : [];
      if (res.statusCode !== 400 || !paths.some((path) => path === p.field || path.endsWith(`.${p.field}`))) {
        failures.push(`${p.kind}: ${p.method} ${p.url.slice(0, 120)} → ${res.statusCode} ${res.body.slice(0, 200)}`);
      }
      fields.add(`${route.method} ${route.path} ${p.field}`);
    }
  }
  expect(failures).toEqual([]);
  // The eight routes a fuzzer once answered 500 with period=0000-01 are all among them.
  for (const path of [
    'stats/rates',
    'public/rankings',
    'public/assessments',
    'public/cases',
    'assessments',
    'accountability',
    'exports/cases.csv',
    'exports/rates.csv',
  ]) {
    expect(fields).toContain(`GET /api/v1/${path} period`);
  }
  expect(fields).toContain('POST /api/v1/assessments/compute period');
  expect(await snapshot()).toEqual(before);
});
