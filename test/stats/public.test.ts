// Disclosure (信息公开) without signing in: rankings, assessment results and the anonymised case list. A
// property-based sweep (fast-check, fixed seed) sends generated queries to every public route and scans each
// answer for the seeded residents' names, phones and rooms and for every text residents wrote in this test.
import fc from 'fast-check';
import { addCalendarDays, cstDate } from '../../domain/calendar';
import { HOUSEHOLDS, PEOPLE } from '../../db/seed-data';
import { as, intakeBody, startApiStack, type ApiStack } from '../api/helpers';
import { insertCase, type CaseSpec } from './fixtures';

let s: ApiStack;
const T = Date.parse('2026-03-12T09:30:00+08:00');
const pii = {
  residentName: '钱多多',
  residentPhone: '13955556666',
  room: '1201',
  description: 'SYNTH-描述：3号楼1201室楼上漏水',
};
const sat = { satisfaction: 'satisfied', solved: true, outcome: 'satisfied', ...pii } as const;
const unsat = { ...pii, satisfaction: 'unsatisfied', solved: false, outcome: 'unsatisfied' } as const;
const times = (n: number, c: CaseSpec): CaseSpec[] => Array.from({ length: n }, () => c);
// Rankings need five settled cases for the rate they rank by (MIN_RANKED): moonbay's one evaluation is too few.
// prettier-ignore
const MARCH: CaseSpec[] = [
  ...times(3, { compound: 'demo-fast', dispatchedAt: T, ack: { h: 1 }, resolvedH: 4, closedH: 5, ...sat }),
  ...times(3, { compound: 'demo-fast', dispatchedAt: T, ack: { h: 3 }, resolvedH: 30, closedH: 31, ...unsat }),
  ...times(5, { compound: 'lakeview', dispatchedAt: T, ack: { h: 1 }, resolvedH: 4, closedH: 5, ...sat }),
  ...times(5, { compound: 'dushu-court', dispatchedAt: T, ack: { h: 1 }, resolvedH: 4, closedH: 5, ...sat }),
  { compound: 'moonbay', dispatchedAt: T, ack: { h: 1 }, resolvedH: 4, closedH: 5, ...unsat },
];

/** Everything that must never leave through /public. */
const SECRETS: string[] = [
  ...PEOPLE.filter((p) => p.kind === 'resident').flatMap((p) => [p.nameZh, p.nameEn, p.phone as string]),
  ...HOUSEHOLDS.map((h) => h.id),
  pii.residentName,
  pii.residentPhone,
  pii.description,
  'LIVE-描述：2号楼302室电梯困人',
  '赵小明',
  '13911112222',
  'LIVE-补充：晚上十点后更严重',
  'LIVE-评价：处理得还行',
  'ADJ-理由：3号楼1201室业主反映属实',
];
const ROOMS = new Set(HOUSEHOLDS.map((h) => h.room));
const FORBIDDEN_KEYS = new Set([
  'location',
  'description',
  'resident',
  'residentName',
  'phone',
  'room',
  'building',
  'unit',
  'householdId',
  'comment',
  'text',
  'reason',
  'answer',
  'photos',
  'timeline',
  'payload',
  'signedBy',
  'trackingCode',
]);

function scan(body: string): void {
  for (const secret of SECRETS) expect(body).not.toContain(secret);
  const walk = (v: unknown): void => {
    if (typeof v === 'string') expect(ROOMS.has(v)).toBe(false);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        expect(FORBIDDEN_KEYS.has(k)).toBe(false);
        walk(child);
      }
    }
  };
  walk(JSON.parse(body));
}

const get = (url: string) => s.app.inject({ method: 'GET', url });
// The live case is filed today; the generated periods are placed around today so the sweep reaches it.
const today = cstDate(Date.now());
const thisMonth = today.slice(0, 7);

beforeAll(async () => {
  s = await startApiStack({ app: { public: { cacheTtlMs: 0 } } });
  for (const c of MARCH) await insertCase(s.pool, c);
  // A live case through the API and the workflow: the resident's own words at intake, later and in the evaluation.
  const resident = await as(s.app, 'resident3');
  const filed = await resident.post(
    '/api/v1/cases',
    intakeBody({
      location: { building: '2', unit: '1', room: '302' },
      description: 'LIVE-描述：2号楼302室电梯困人',
      contact: { name: '赵小明', phone: '13911112222' },
    }),
  );
  const id = filed.json().caseId as string;
  await resident.act(id, 'add-information', { text: 'LIVE-补充：晚上十点后更严重' });
  const handler = await as(s.app, 'handler2');
  await handler.act(id, 'acknowledge', {});
  await handler.act(id, 'resolve', { summary: '已更换灯具' });
  expect(
    (
      await resident.act(id, 'evaluate', {
        satisfaction: 'basically_satisfied',
        solved: true,
        comment: 'LIVE-评价：处理得还行',
      })
    ).statusCode,
  ).toBe(200);
  // March is assessed, and demo-fast's committee adjusts it with a reason naming a household.
  const started = (
    await (await as(s.app, 'orgdept1')).post('/api/v1/assessments/compute', { period: '2026-03' })
  ).json();
  await s.t.client.workflow.getHandle(started.workflowId).result();
  const [demo] = (
    await (await as(s.app, 'admin')).get('/api/v1/assessments?period=2026-03&compound=demo-fast&kind=property_company')
  ).json().items;
  await (
    await as(s.app, 'community1')
  ).post(`/api/v1/assessments/${demo.id}/adjustments`, { delta: -3, reason: 'ADJ-理由：3号楼1201室业主反映属实' });
});
afterAll(async () => {
  await s?.close();
});

test('property companies are ranked by satisfaction; equal rates share a rank; too few cases or none: listed unranked', async () => {
  const res = await get('/api/v1/public/rankings?period=2026-03&kind=property_company');
  expect(res.statusCode).toBe(200);
  const items = res.json().items as {
    rank: number | null;
    id: string;
    insufficientData: boolean;
    rates: { satisfactionRate: unknown; evaluationCoverage: unknown; cases: number };
  }[];
  expect(items.slice(0, 4).map((i) => [i.rank, i.id, i.insufficientData, i.rates.satisfactionRate])).toEqual([
    [1, 'pc-dushu-court', false, { numerator: 5, denominator: 5, pending: 0, value: 1 }],
    [1, 'pc-lakeview', false, { numerator: 5, denominator: 5, pending: 0, value: 1 }],
    [3, 'pc-demo-fast', false, { numerator: 3, denominator: 6, pending: 0, value: 0.5 }],
    // One evaluation of one is not a ranking.
    [null, 'pc-moonbay', true, { numerator: 0, denominator: 1, pending: 0, value: 0 }],
  ]);
  expect(items[0].rates.evaluationCoverage).toEqual({ numerator: 5, denominator: 5, pending: 0, value: 1 });
  expect(items.slice(4).map((i) => [i.rank, i.rates.cases])).toEqual([
    [null, 0],
    [null, 0],
    [null, 0],
    [null, 0],
  ]);
});

test('communities, and every other handler kind, are ranked the same way', async () => {
  const items = (await get('/api/v1/public/rankings?period=2026-03&kind=community&by=satisfaction')).json().items;
  expect(items.map((i: { rank: number | null; id: string }) => [i.rank, i.id])).toEqual([
    [1, 'comm-dushu'],
    [2, 'comm-jinji'],
    [null, 'comm-xinghai'],
    [null, 'comm-lianhua'],
  ]);
  const departments = (await get('/api/v1/public/rankings?period=2026-03&kind=functional_department')).json().items;
  expect(departments.map((i: { id: string }) => i.id)).toEqual(['dept-housing', 'dept-market', 'dept-urban']);
});

test('assessment results of every handler kind show the adjustment total beside the computed score, without its reason', async () => {
  const body = (await get('/api/v1/public/assessments?period=2026-03')).json();
  // 8 companies and 8 owners' committees under the agreements, 2 associations, 3 departments.
  expect(body.items).toHaveLength(21);
  const demo = body.items.find((i: { organization: { id: string } }) => i.organization.id === 'pc-demo-fast');
  expect(demo).toMatchObject({
    version: 1,
    status: 'scored',
    adjustments: { total: -3, count: 1 },
    weights: { response: 0.3 },
  });
  expect(typeof demo.score).toBe('number');
  const moonbay = body.items.find((i: { organization: { id: string } }) => i.organization.id === 'pc-moonbay');
  expect(moonbay).toMatchObject({ status: 'insufficient_data', score: null, evaluated: 1, minEvaluated: 5 });
  const companies = (await get('/api/v1/public/assessments?period=2026-03&kind=property_company')).json().items;
  expect(companies).toHaveLength(8);
});

test('the anonymised case list pages through every case of the period, one at a time', async () => {
  let url = '/api/v1/public/cases?period=2026-03&limit=1';
  const seen: unknown[] = [];
  for (let page = 0; page < 30; page++) {
    const body = (await get(url)).json();
    seen.push(...body.items);
    if (!body.nextCursor) break;
    url = `/api/v1/public/cases?period=2026-03&limit=1&cursor=${body.nextCursor}`;
  }
  expect(seen).toHaveLength(MARCH.length);
  expect(seen[0]).toEqual({
    category: { code: 'repairs', nameZh: '公共维修', nameEn: 'Repairs to common parts' },
    compound: expect.objectContaining({ code: expect.any(String) }),
    community: expect.objectContaining({ id: expect.any(String) }),
    filedOn: '2026-03-12',
    acknowledgedOn: '2026-03-12',
    resolvedOn: expect.any(String),
    closedOn: expect.any(String),
    stage: 'closed',
    status: 'closed',
    level: 'community_committee',
    outcome: expect.any(String),
    respondedOnTime: expect.any(Boolean),
    resolvedOnTime: expect.any(Boolean),
    reworked: false,
    escalated: false,
    returned: false,
  });
});

test('a case handled through the API today is listed with its days and outcome, and nothing it said', async () => {
  const res = await get(`/api/v1/public/cases?from=${addCalendarDays(today, -1)}&to=${addCalendarDays(today, 2)}`);
  scan(res.body);
  expect(res.json().items).toEqual([
    expect.objectContaining({
      compound: expect.objectContaining({ code: 'lakeview' }),
      filedOn: today,
      acknowledgedOn: today,
      resolvedOn: today,
      outcome: 'basically_satisfied',
      respondedOnTime: true,
      resolvedOnTime: true,
    }),
  ]);
});

test('answers are cached and say so; the order of the query parameters does not matter', async () => {
  const app = await s.buildApp({ public: { cacheTtlMs: 60_000 } });
  const first = await app.inject({ method: 'GET', url: '/api/v1/public/rankings?period=2026-03&kind=community' });
  const second = await app.inject({ method: 'GET', url: '/api/v1/public/rankings?kind=community&period=2026-03' });
  expect([first.headers['x-cache'], second.headers['x-cache']]).toEqual(['miss', 'hit']);
  expect(second.headers['cache-control']).toBe('public, max-age=60');
  expect(second.json()).toEqual(first.json());
});

test('the public routes have a tighter rate limit than the rest of the API', async () => {
  const app = await s.buildApp({ rateLimit: {}, public: { rateLimit: { max: 3, timeWindow: 60_000 } } });
  const codes = [];
  for (let i = 0; i < 4; i++)
    codes.push((await app.inject({ method: 'GET', url: '/api/v1/public/assessments?period=2026-03' })).statusCode);
  expect(codes).toEqual([200, 200, 200, 429]);
  expect((await app.inject({ method: 'GET', url: '/api/v1/categories' })).statusCode).toBe(200);
});

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const period = fc.oneof(
  fc.record({ period: fc.constantFrom('2026-03', thisMonth, thisMonth, '2026-02') }),
  fc
    .tuple(fc.integer({ min: -300, max: 30 }), fc.integer({ min: 1, max: 120 }))
    .map(([start, days]) => ({ from: addCalendarDays(today, start), to: addCalendarDays(today, start + days) })),
);
const rankings = fc.record({
  kind: fc.constantFrom('property_company', 'community', 'owners_committee', 'functional_department'),
  by: maybe(fc.constantFrom('satisfaction', 'resolution', 'response', 'onTime')),
});
const assessments = fc.record({ period: fc.constantFrom('2026-03', thisMonth, '2026-02') });
/** Present one time in `oneIn` (fc.option's freq is the other way round: how rarely the value is absent). */
const sometimes = <T>(arb: fc.Arbitrary<T>, oneIn: number) =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: oneIn - 1 }, { arbitrary: arb, weight: 1 });
const rarely = <T>(arb: fc.Arbitrary<T>) => sometimes(arb, 4);
const cases = fc.record({
  compound: rarely(fc.constantFrom('demo-fast', 'lakeview', 'moonbay', 'dushu-court')),
  community: rarely(fc.constantFrom('comm-jinji', 'comm-dushu', 'comm-xinghai')),
  category: rarely(fc.constantFrom('repairs', 'lift', 'noise')),
  stage: rarely(fc.constantFrom('closed', 'respond', 'evaluate')),
  outcome: rarely(fc.constantFrom('satisfied', 'unsatisfied', 'basically_satisfied')),
  limit: rarely(fc.integer({ min: 1, max: 100 })),
});
/** Mostly valid queries (they must reach real answers), with a share of malformed ones mixed in. */
const junk = fc.record(
  {
    period: fc.constantFrom('2026-13', 'march', '', '0000-01', '1999-12', '2101-01', '9999-12'),
    from: fc.constantFrom('0000-01-01', '1999-12-31', '2101-01-01'),
    kind: fc.constantFrom('resident', 'household'),
    limit: fc.integer({ min: -5, max: 500 }),
    cursor: fc.string({ maxLength: 40 }),
    description: fc.constant('1'),
    residentName: fc.constant('1'),
    compound: fc.constantFrom('hh-demo-fast-1-1-101', '../cases'),
  },
  { requiredKeys: [] },
);
const query = fc
  .tuple(fc.constantFrom('rankings', 'assessments', 'cases'), period, rankings, assessments, cases, sometimes(junk, 5))
  .map(([route, p, r, a, c, bad]) => ({
    route,
    params: {
      ...(route === 'assessments' ? a : p),
      ...(route === 'rankings' ? r : route === 'cases' ? c : {}),
      ...bad,
    },
  }));

test("no query, valid or not, gets personal data or a resident's words out of /public", async () => {
  const answered: Record<string, number> = { rankings: 0, assessments: 0, cases: 0 };
  let live = 0;
  await fc.assert(
    fc.asyncProperty(query, async ({ route, params }) => {
      const qs = new URLSearchParams();
      for (const [k, v] of Object.entries(params)) if (v !== undefined) qs.set(k, String(v));
      const res = await get(`/api/v1/public/${route}?${qs}`);
      expect([200, 400]).toContain(res.statusCode);
      scan(res.body);
      if (res.statusCode === 200) answered[route] += 1;
      if (res.statusCode === 200 && route === 'cases')
        live += res.json().items.filter((i: { filedOn: string }) => i.filedOn >= addCalendarDays(today, -1)).length;
    }),
    { seed: 20261126, numRuns: 300 },
  );
  // The sweep is only worth something if it reached real answers, including the case filed through the API.
  expect(Math.min(...Object.values(answered))).toBeGreaterThanOrEqual(10);
  expect(live).toBeGreaterThan(0);
});

test("the sweep would notice a leak: the scan rejects a body with a resident's phone", () => {
  expect(() =>
    scan(JSON.stringify({ items: [{ note: `call ${PEOPLE.find((p) => p.kind === 'resident')?.phone}` }] })),
  ).toThrow();
  expect(() => scan(JSON.stringify({ items: [{ location: {} }] }))).toThrow();
});
