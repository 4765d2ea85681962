// A few hundred generated malformed requests (fixed seed, so a failure replays): wrong types, missing fields,
// oversize text and photos, bad enums, SQL- and script-like strings, unknown fields, broken JSON, wrong content
// types, oversize bodies. Each must be a 4xx in the shared error shape naming the offending field, and none
// may change any data.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { errorBodySchema } from '../../api/errors';
import type { DemoUsername } from '../../db/seed-data';
import { eventually } from '../helpers/cases';
import { as, intakeBody, startApiStack, tokenOf, type ApiStack } from './helpers';

type Kind =
  | 'code'
  | 'enum'
  | 'text'
  | 'secret'
  | 'bool'
  | 'phone'
  | 'date'
  | 'duration'
  | 'photos'
  | 'otp'
  | 'int'
  | 'object'
  | 'key';
interface Field {
  path: string;
  kind: Kind;
  required?: boolean;
  max?: number;
}
interface Target {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH';
  url: () => string;
  user: DemoUsername | null;
  base: Record<string, unknown>;
  fields: Field[];
  /** Query-string targets put the fields in the URL, as strings. */
  query?: boolean;
  /** Every key the route accepts, so a generated "unknown" key never names a real one. */
  known?: string[];
  idempotent?: boolean;
}

const MISSING = Symbol('missing');
const SQL_AND_SCRIPT = [
  "lift'; DROP TABLE cases;--",
  '<script>alert(1)</script>',
  "' OR '1'='1",
  '../../etc/passwd',
  'Robert"); DELETE FROM users;--',
  '${jndi:ldap://x}',
  ' ',
  '',
];
const WRONG_TYPES: Record<string, unknown[]> = {
  string: [42, true, null, ['a'], { a: 1 }],
  boolean: ['true', 1, null, [], {}],
  number: ['5', true, null, [], {}],
};
const png = `data:image/png;base64,${Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]).toString('base64')}`;
const hugeJpeg = `data:image/jpeg;base64,${Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(2 * 1024 * 1024)]).toString('base64')}`;

function mutations(f: Field, inQuery = false): fc.Arbitrary<unknown> {
  const over = (unit: string) => unit.repeat((f.max ?? 100) + 1);
  const byKind: Record<Kind, unknown[]> = {
    code: [...SQL_AND_SCRIPT, 'Lift', 'a b', over('x')],
    enum: [...SQL_AND_SCRIPT, 'SATISFIED', 'very_satisfied', 'null'],
    // A lone surrogate cannot travel in a URL (URLSearchParams sends U+FFFD), only as a JSON escape.
    text: [over('长'), over('x'), '', '   ', 'a\u0000b', ...(inQuery ? [] : ['\ud800', 'x\udc00'])],
    secret: [over('x'), '', 'pw\u0000'],
    bool: inQuery ? ['yes', '1', 'TRUE', "true' OR 1=1"] : ['yes', 0, 'false'],
    phone: ['12345', '+8613800000001', "138' OR '1'='1", '1380000000a', '10000000000'],
    date: ['2026-02-30', '2026/01/01', "2026-01-01'; --", 'tomorrow', '2026-1-1'],
    duration: [
      { unit: 'days', amount: 1 },
      { unit: 'hours', amount: -1 },
      { unit: 'working_days', amount: 1.5 },
      { unit: 'seconds', amount: 1e9 },
      'P1D',
      { unit: 'hours' },
    ],
    photos: [
      ['data:image/png;base64,AAAA'],
      ['not a data url'],
      Array(10).fill(png),
      [hugeJpeg],
      ['data:image/gif;base64,R0lGODlhAQABAAAAACw='],
      [`data:image/png;base64,${Buffer.from('<?php system($_GET[1]); ?>').toString('base64')}`],
    ],
    otp: ['12345', 'abcdef', '1234567', "1' OR 1"],
    int: [-1, 1e9, 1.5],
    object: [{}],
    key: ['short', 'has space in it', "'; DROP TABLE cases; --x", 'x'.repeat(129)],
  };
  const typeOf =
    f.kind === 'bool'
      ? 'boolean'
      : f.kind === 'int'
        ? 'number'
        : f.kind === 'photos' || f.kind === 'duration' || f.kind === 'object'
          ? 'object'
          : 'string';
  // A query string holds only strings: there, every mutation is a string.
  const wrong = inQuery
    ? []
    : f.kind === 'key' || f.kind === 'photos' || f.kind === 'duration' || f.kind === 'object'
      ? [42, 'text', null]
      : WRONG_TYPES[typeOf];
  const options: unknown[] = [...byKind[f.kind], ...wrong, ...(f.required ? [MISSING] : [])];
  return fc.constantFrom(...options);
}

function setAt(obj: Record<string, unknown>, dotted: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(obj);
  const keys = dotted.split('.');
  let at: Record<string, unknown> = copy;
  for (const k of keys.slice(0, -1)) at = (at[k] ??= {}) as Record<string, unknown>;
  const last = keys[keys.length - 1];
  if (value === MISSING) delete at[last];
  else at[last] = value;
  return copy;
}

let s: ApiStack;
let caseId: string;

const targets: Target[] = [
  {
    name: 'intake',
    method: 'POST',
    url: () => '/api/v1/cases',
    user: 'resident3',
    base: intakeBody(),
    known: ['residentUserId'],
    fields: [
      { path: 'categoryCode', kind: 'code', required: true, max: 64 },
      { path: 'compoundCode', kind: 'code', required: true, max: 64 },
      { path: 'householdId', kind: 'code', max: 100 },
      { path: 'location', kind: 'object', required: true },
      { path: 'location.building', kind: 'text', max: 20 },
      { path: 'location.address', kind: 'text', max: 200 },
      { path: 'description', kind: 'text', required: true, max: 2000 },
      { path: 'contactPreference', kind: 'enum' },
      { path: 'contact.phone', kind: 'phone' },
      { path: 'contact.name', kind: 'text', max: 50 },
      { path: 'photos', kind: 'photos' },
    ],
  },
  {
    name: 'request-extension',
    method: 'POST',
    url: () => `/api/v1/cases/${caseId}/request-extension`,
    user: 'handler2',
    idempotent: true,
    base: { deadline: 'resolution', extendBy: { unit: 'working_days', amount: 2 }, reason: '等待配件' },
    fields: [
      { path: 'deadline', kind: 'enum', required: true },
      { path: 'extendBy', kind: 'duration', required: true },
      { path: 'reason', kind: 'text', required: true, max: 500 },
      { path: 'idempotency-key', kind: 'key', required: true },
    ],
  },
  {
    name: 'evaluate',
    method: 'POST',
    url: () => `/api/v1/cases/${caseId}/evaluate`,
    user: 'resident3',
    idempotent: true,
    base: { satisfaction: 'satisfied', solved: true, comment: '好' },
    fields: [
      { path: 'satisfaction', kind: 'enum', required: true },
      { path: 'solved', kind: 'bool', required: true },
      { path: 'comment', kind: 'text', max: 1000 },
    ],
  },
  {
    name: 'reroute',
    method: 'POST',
    url: () => `/api/v1/cases/${caseId}/reroute`,
    user: 'community1',
    idempotent: true,
    base: { handlerOrgId: 'oc-lakeview', reason: '改派' },
    fields: [
      { path: 'handlerOrgId', kind: 'code', required: true, max: 64 },
      { path: 'reason', kind: 'text', required: true, max: 500 },
    ],
  },
  {
    name: 'assign-follow-up',
    method: 'POST',
    url: () => `/api/v1/cases/${caseId}/assign-follow-up`,
    user: 'community1',
    idempotent: true,
    base: { owner: { kind: 'party_member', id: 'p-member1' } },
    fields: [
      { path: 'owner.kind', kind: 'enum', required: true },
      { path: 'owner.id', kind: 'code', required: true, max: 64 },
    ],
  },
  {
    name: 'login',
    method: 'POST',
    url: () => '/api/v1/auth/login',
    user: null,
    base: { username: 'admin', password: 'redsteward' },
    fields: [
      { path: 'username', kind: 'text', required: true, max: 64 },
      { path: 'password', kind: 'secret', required: true, max: 200 },
    ],
  },
  {
    name: 'code',
    method: 'POST',
    url: () => '/api/v1/auth/code',
    user: null,
    base: { phone: '13800000001' },
    fields: [{ path: 'phone', kind: 'phone', required: true }],
  },
  {
    name: 'verify',
    method: 'POST',
    url: () => '/api/v1/auth/code/verify',
    user: null,
    base: { phone: '13800000001', code: '123456' },
    fields: [
      { path: 'phone', kind: 'phone', required: true },
      { path: 'code', kind: 'otp', required: true },
    ],
  },
  {
    name: 'admin-category',
    method: 'PATCH',
    url: () => '/api/v1/admin/categories/lift',
    user: 'admin',
    base: { sort: 3, tier: 'utilities', reason: '调整' },
    known: ['nameZh', 'nameEn', 'ownerDepartmentId', 'icon', 'active'],
    fields: [
      { path: 'tier', kind: 'enum' },
      { path: 'defaultHandlerKind', kind: 'enum' },
      { path: 'sort', kind: 'int' },
      { path: 'reason', kind: 'text', required: true, max: 500 },
    ],
  },
  {
    name: 'admin-calendar',
    method: 'PUT',
    url: () => '/api/v1/admin/calendar-overrides/2027-01-04',
    user: 'admin',
    base: { kind: 'holiday', reason: '调休' },
    known: ['note'],
    fields: [
      { path: 'kind', kind: 'enum', required: true },
      { path: 'reason', kind: 'text', required: true, max: 500 },
    ],
  },
  {
    name: 'list',
    method: 'GET',
    url: () => '/api/v1/cases',
    user: 'admin',
    query: true,
    base: { limit: '5' },
    known: ['stage', 'level', 'community', 'handler', 'category', 'to', 'cursor'],
    fields: [
      { path: 'status', kind: 'enum' },
      { path: 'from', kind: 'date' },
      { path: 'compound', kind: 'code', max: 64 },
      { path: 'q', kind: 'text', max: 100 },
      { path: 'overdue', kind: 'bool' },
    ],
  },
];

interface Probe {
  target: Target;
  /** The field the answer must name; 'body' for unparseable bodies. */
  field: string;
  status?: number;
  payload?: string;
  contentType?: string;
  headers?: Record<string, string>;
  query?: string;
}

const fieldMutation: fc.Arbitrary<Probe> = fc.constantFrom(...targets).chain((target) =>
  fc.constantFrom(...target.fields).chain((field) =>
    mutations(field, target.query).map((value): Probe => {
      if (field.kind === 'key')
        return {
          target,
          field: 'idempotency-key',
          payload: JSON.stringify(target.base),
          headers: value === MISSING ? {} : { 'idempotency-key': String(value) },
        };
      if (target.query) {
        const q = new URLSearchParams(
          Object.entries(setAt(target.base, field.path, value)).map(([k, v]): [string, string] => [k, String(v)]),
        );
        return { target, field: field.path, query: q.toString() };
      }
      return { target, field: field.path, payload: JSON.stringify(setAt(target.base, field.path, value)) };
    }),
  ),
);

const unknownField: fc.Arbitrary<Probe> = fc
  .tuple(fc.constantFrom(...targets), fc.stringMatching(/^[a-zA-Z$_][a-zA-Z0-9_]{0,12}$/))
  .filter(
    ([t, key]) =>
      !(key in t.base) &&
      !t.known?.includes(key) &&
      !t.fields.some((f) => f.path.split('.')[0] === key) &&
      !['__proto__', 'constructor', 'prototype'].includes(key),
  )
  .map(([target, key]): Probe =>
    target.query
      ? {
          target,
          field: key,
          query: new URLSearchParams({ ...(target.base as Record<string, string>), [key]: 'x' }).toString(),
        }
      : { target, field: key, payload: JSON.stringify({ ...target.base, [key]: 'x' }) },
  );

const bodyTargets = targets.filter((t) => !t.query);
const brokenJson: fc.Arbitrary<Probe> = fc
  .tuple(
    fc.constantFrom(...bodyTargets),
    fc.nat(),
    fc.constantFrom('', '}', ',', '{{', '\u0000', "'", 'undefined', '/*'),
  )
  .map(([target, cut, junk]): Probe => {
    const text = JSON.stringify(target.base);
    return { target, field: 'body', status: 400, payload: text.slice(0, cut % text.length) + junk };
  })
  .filter((p) => {
    try {
      JSON.parse(p.payload ?? '');
      return false;
    } catch {
      return true;
    }
  });

const wrongContentType: fc.Arbitrary<Probe> = fc
  .tuple(
    fc.constantFrom(...bodyTargets),
    fc.constantFrom(
      'text/plain',
      'application/xml',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'image/png',
    ),
  )
  .map(([target, contentType]) => ({ target, field: 'body', status: 415, contentType, payload: 'a=1' }));

const oversize: fc.Arbitrary<Probe> = fc
  .constantFrom(...bodyTargets.filter((t) => t.name !== 'intake'))
  .map((target) => ({
    target,
    field: 'body',
    status: 413,
    payload: JSON.stringify({ ...target.base, reason: 'x'.repeat(300 * 1024) }),
  }));

const probes = fc.oneof(
  { arbitrary: fieldMutation, weight: 6 },
  { arbitrary: unknownField, weight: 2 },
  { arbitrary: brokenJson, weight: 1 },
  { arbitrary: wrongContentType, weight: 1 },
  { arbitrary: oversize, weight: 1 },
);

async function counts(): Promise<Record<string, unknown>> {
  const { rows } = await s.pool.query(`SELECT
    (SELECT count(*) FROM cases) AS cases, (SELECT count(*) FROM case_events) AS events, (SELECT count(*) FROM audit_log) AS audit,
    (SELECT count(*) FROM login_codes) AS codes, (SELECT count(*) FROM notification_outbox) AS outbox,
    (SELECT md5(string_agg(c::text, ',' ORDER BY code)) FROM categories c) AS categories,
    (SELECT count(*) FROM calendar_overrides) AS overrides, (SELECT count(*) FROM agreements) AS agreements`);
  const photosDir = path.join(s.dataDir, 'photos');
  return { ...rows[0], photos: fs.existsSync(photosDir) ? fs.readdirSync(photosDir).length : 0 };
}

beforeAll(async () => {
  s = await startApiStack();
  caseId = (await (await as(s.app, 'resident3')).post('/api/v1/cases', intakeBody())).json().caseId;
  // Let intake's own writes settle, so the counts compared below move only if a probe wrote something.
  await eventually(
    async () => (await s.pool.query('SELECT last_seq FROM cases WHERE id = $1', [caseId])).rows[0].last_seq === 2,
  );
});
afterAll(async () => {
  await s?.close();
});

test('generated malformed requests each get a 4xx naming the field, and change nothing', async () => {
  const before = await counts();
  let runs = 0;
  const seenTargets = new Set<string>();
  const seenStatuses = new Set<number>();
  await fc.assert(
    fc.asyncProperty(probes, async (p) => {
      runs++;
      const headers: Record<string, string> = {
        'content-type': p.contentType ?? 'application/json',
        ...(p.target.user ? { authorization: `Bearer ${await tokenOf(s.app, p.target.user)}` } : {}),
      };
      if (p.target.idempotent) headers['idempotency-key'] = `fuzz-${runs}-${Date.now()}`;
      Object.assign(headers, p.headers);
      if (p.field === 'idempotency-key' && !p.headers?.['idempotency-key']) delete headers['idempotency-key'];
      const url = p.query !== undefined ? `${p.target.url()}?${p.query}` : p.target.url();
      const res = await s.app.inject({
        method: p.target.method,
        url,
        headers: p.target.query ? { authorization: headers.authorization } : headers,
        ...(p.target.query ? {} : { payload: p.payload }),
      });
      seenTargets.add(p.target.name);
      seenStatuses.add(res.statusCode);
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      if (p.status) expect(res.statusCode).toBe(p.status);
      const body = errorBodySchema.strict().parse(res.json());
      if (res.statusCode !== 415) {
        const paths = body.error.details.map((d) => d.path);
        expect(paths.some((q) => q === p.field || q.startsWith(`${p.field}.`))).toBe(true);
      }
    }),
    // `npm run fuzz` (scripts/fuzz.ts) raises the count and picks a new seed; npm test keeps these.
    {
      seed: Number(process.env.FUZZ_SEED ?? 20261126),
      numRuns: Math.max(400, Number(process.env.FUZZ_RUNS ?? 0)),
      verbose: 1,
    },
  );
  expect(runs).toBeGreaterThanOrEqual(400);
  // The generator reached every route and every kind of refusal.
  expect([...seenTargets].sort()).toEqual(targets.map((t) => t.name).sort());
  expect([...seenStatuses].sort()).toEqual([400, 413, 415]);
  expect(await counts()).toEqual(before);
});
