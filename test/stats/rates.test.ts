// The 三率 and companions over March 2026, from cases written to the millisecond, checked against figures worked
// out by hand (below, per case) for every handler, community, street and the district, through GET /stats/rates.
import { cstTime } from '../../domain/calendar';
import { as, startApiStack, type ApiStack } from '../api/helpers';
import { HOUR, insertCase, rateOf, type CaseSpec } from './fixtures';

let s: ApiStack;
const T = Date.parse('2026-03-10T10:00:00+08:00');
const closedSat = { satisfaction: 'satisfied', solved: true, outcome: 'satisfied' } as const;

// prettier-ignore
const CASES: CaseSpec[] = [
  // pc-demo-fast (comm-jinji, street-huxi). A1 is dispatched at the first instant of the period: inside it.
  { compound: 'demo-fast', dispatchedAt: cstTime('2026-03-01', 0), ack: { h: 1 }, resolvedH: 10, closedH: 11, ...closedSat },
  { compound: 'demo-fast', dispatchedAt: T, ack: { h: 3 }, resolvedH: 30, closedH: 31, satisfaction: 'basically_satisfied', solved: false, outcome: 'basically_satisfied' },
  // A3: an extension approved before the deadline moves it to 48 h; resolved at 40 h is on time.
  { compound: 'demo-fast', dispatchedAt: T, ack: { h: 1 }, extensions: [[10, 48]], resolvedH: 40, closedH: 41, ...closedSat },
  // A4: nobody acknowledged; escalated twice; still open.
  { compound: 'demo-fast', dispatchedAt: T, escalations: 2 },
  // A5: returned unacknowledged, re-routed to the owners' committee, which acknowledged: not the company's response.
  { compound: 'demo-fast', dispatchedAt: T, reroutedTo: 'oc-demo-fast', ack: { by: 'oc-demo-fast', h: 1 }, resolvedH: 5, closedH: 6, ...closedSat },
  // A6: reworked once; the rework ended after the first deadline; the second evaluation counts.
  { compound: 'demo-fast', dispatchedAt: T, ack: { h: 1 }, resolvedH: 30, reopen: 1, closedH: 31, ...closedSat },
  // A7: resolved, never evaluated.
  { compound: 'demo-fast', dispatchedAt: T, ack: { h: 1 }, resolvedH: 8, closedH: 80, outcome: 'not_evaluated' },
  // A8: the extension was approved after the deadline had passed (30 h > 24 h): it does not make 50 h on time.
  { compound: 'demo-fast', dispatchedAt: T, ack: { h: 1 }, extensions: [[30, 60]], resolvedH: 50, reopen: 1, closedH: 51, satisfaction: 'unsatisfied', solved: false, outcome: 'unsatisfied' },
  // pc-lakeview (comm-jinji)
  { compound: 'lakeview', dispatchedAt: T, ack: { h: 1 }, resolvedH: 10, closedH: 11, ...closedSat },
  // B2: evaluated unsatisfied, reopened, rework still running (resolved_at cleared by the reopen).
  { compound: 'lakeview', dispatchedAt: T, ack: { h: 1 }, reopen: 1, satisfaction: 'unsatisfied', solved: false },
  { compound: 'lakeview', dispatchedAt: T, ack: { h: 5 }, escalations: 1, resolvedH: 30, closedH: 31, satisfaction: 'basically_satisfied', solved: true, outcome: 'basically_satisfied' },
  // comm-xinghai: a company case still open, and illegal construction, urban management's from intake.
  { compound: 'xinghai-garden', dispatchedAt: T, ack: { h: 1 } },
  { compound: 'xinghai-garden', handler: 'dept-urban', category: 'illegal_construction', dispatchedAt: T, ack: { h: 1 }, resolvedH: 6, closedH: 7, ...closedSat },
  // pc-dushu-court (comm-dushu, street-xietang)
  { compound: 'dushu-court', dispatchedAt: T, ack: { h: 1 }, resolvedH: 4, closedH: 5, ...closedSat },
  { compound: 'dushu-court', dispatchedAt: T, ack: { h: 3 }, reroutedTo: 'oc-dushu-court', rerouteH: 4, escalations: 1 },
  // Outside the period or never dispatched: counted nowhere.
  { compound: 'demo-fast', dispatchedAt: cstTime('2026-03-01', 0) - 1, ack: { h: 1 }, resolvedH: 2, closedH: 3, ...closedSat },
  { compound: 'demo-fast', dispatchedAt: cstTime('2026-04-01', 0), ack: { h: 1 } },
  { compound: 'lakeview', dispatchedAt: T, notDispatched: true },
  // Merged into a primary case (合并): one problem reported twice is one dispatch, so the duplicate counts nowhere.
  { compound: 'demo-fast', dispatchedAt: T, ack: { h: 1 }, closedH: 2, outcome: 'merged' },
];

beforeAll(async () => {
  s = await startApiStack({ worker: false });
  for (const c of CASES) await insertCase(s.pool, c);
});
afterAll(async () => {
  await s?.close();
});

type Expected = [cases: number, response: [number, number], resolution: [number, number], satisfaction: [number, number], onTime: [number, number], rework: [number, number], escalation: [number, number], ret: [number, number], medianH: number | null];

function rates([cases, response, resolution, satisfaction, onTime, rework, escalation, ret, medianH]: Expected) {
  return {
    cases,
    responseRate: rateOf(...response),
    resolutionRate: rateOf(...resolution),
    satisfactionRate: rateOf(...satisfaction),
    onTimeResolutionRate: rateOf(...onTime),
    reworkRate: rateOf(...rework),
    escalationRate: rateOf(...escalation),
    returnRate: rateOf(...ret),
    medianHandlingMs: medianH === null ? null : medianH * HOUR,
  };
}

// Worked out by hand from the cases above. Handling spans (h): demo-fast 10 30 40 5 30 8 50 → median 30;
// lakeview 10 30 → 20; urban 6; dushu 4; jinji (9 spans) → 30; huxi adds 6 (10 spans) → (10+30)/2 = 20;
// district adds 4 (11 spans) → 10.
// prettier-ignore
const HANDLERS: Record<string, Expected> = {
  'dept-urban':         [1, [1, 1], [1, 1], [1, 1], [1, 1], [0, 1], [0, 1], [0, 1], 6],
  'pc-demo-fast':       [8, [5, 8], [4, 6], [5, 6], [4, 7], [2, 6], [1, 8], [1, 8], 30],
  'pc-dushu-court':     [2, [1, 2], [1, 1], [1, 1], [1, 1], [0, 1], [1, 2], [1, 2], 4],
  'pc-lakeview':        [3, [2, 3], [2, 3], [2, 3], [1, 2], [1, 3], [1, 3], [0, 3], 20],
  'pc-xinghai-garden':  [1, [1, 1], [0, 0], [0, 0], [0, 0], [0, 0], [0, 1], [0, 1], null],
};
// prettier-ignore
const COMMUNITIES: Record<string, Expected> = {
  'comm-dushu':   [2, [1, 2], [1, 1], [1, 1], [1, 1], [0, 1], [1, 2], [1, 2], 4],
  'comm-jinji':   [11, [7, 11], [6, 9], [7, 9], [5, 9], [3, 9], [2, 11], [1, 11], 30],
  'comm-xinghai': [2, [2, 2], [1, 1], [1, 1], [1, 1], [0, 1], [0, 2], [0, 2], 6],
};
// prettier-ignore
const STREETS: Record<string, Expected> = {
  'street-huxi':    [13, [9, 13], [7, 10], [8, 10], [6, 10], [3, 10], [2, 13], [1, 13], 20],
  'street-xietang': [2, [1, 2], [1, 1], [1, 1], [1, 1], [0, 1], [1, 2], [1, 2], 4],
};
// prettier-ignore
const DISTRICT: Expected = [15, [10, 15], [8, 11], [9, 11], [7, 11], [3, 11], [3, 15], [2, 15], 10];

const byId = (items: { id: string; rates: unknown }[]) => Object.fromEntries(items.map((i) => [i.id, i.rates]));
const expectAll = (table: Record<string, Expected>) => Object.fromEntries(Object.entries(table).map(([id, e]) => [id, rates(e)]));

async function get(query: string, user: Parameters<typeof as>[1] = 'admin') {
  const res = await (await as(s.app, user)).get(`/api/v1/stats/rates?${query}`);
  expect(res.statusCode).toBe(200);
  return res.json();
}

test('every rate of every handler, with numerator and denominator, matches the hand calculation', async () => {
  const body = await get('period=2026-03&groupBy=handler');
  expect(body.period).toEqual({ from: '2026-03-01', to: '2026-04-01' });
  expect(byId(body.items)).toEqual(expectAll(HANDLERS));
  expect(body.overall).toEqual(rates(DISTRICT));
});

test('per community, per street and for the district', async () => {
  expect(byId((await get('period=2026-03&groupBy=community')).items)).toEqual(expectAll(COMMUNITIES));
  expect(byId((await get('period=2026-03&groupBy=street')).items)).toEqual(expectAll(STREETS));
  expect((await get('period=2026-03&groupBy=district')).items).toEqual([{ id: 'district', kind: 'district', nameZh: '全区', nameEn: 'Whole district', rates: rates(DISTRICT) }]);
});

test('a from/to period is half-open and equals the month', async () => {
  const byMonth = await get('period=2026-03&groupBy=community');
  const byDays = await get('from=2026-03-01&to=2026-04-01&groupBy=community');
  expect(byDays.items).toEqual(byMonth.items);
  // One day more on either side brings in exactly the case just outside each end.
  expect((await get('from=2026-02-28&to=2026-04-02&groupBy=district')).overall.cases).toBe(17);
});

test('each caller gets the figures of the cases it may see, as in GET /cases', async () => {
  expect(byId((await get('period=2026-03&groupBy=street', 'street1')).items)).toEqual({ 'street-huxi': rates(STREETS['street-huxi']) });
  expect(byId((await get('period=2026-03&groupBy=community', 'community1')).items)).toEqual({ 'comm-jinji': rates(COMMUNITIES['comm-jinji']) });
  // handler1 sees the cases dispatched to its company, including the one it returned to the owners' committee.
  expect(byId((await get('period=2026-03&groupBy=handler', 'handler1')).items)).toEqual({ 'pc-demo-fast': rates(HANDLERS['pc-demo-fast']) });
  const resident = await (await as(s.app, 'resident1')).get('/api/v1/stats/rates?period=2026-03');
  expect(resident.statusCode).toBe(403);
});

test('filters narrow the cases before counting', async () => {
  expect(byId((await get('period=2026-03&groupBy=handler&community=comm-xinghai')).items)).toEqual({
    'dept-urban': rates(HANDLERS['dept-urban']),
    'pc-xinghai-garden': rates(HANDLERS['pc-xinghai-garden']),
  });
  expect((await get('period=2026-03&groupBy=district&handler=pc-lakeview')).overall).toEqual(rates(HANDLERS['pc-lakeview']));
});

test.each([
  ['', 'from'],
  ['period=2026-13', 'period'],
  ['period=2026-03&from=2026-03-01&to=2026-04-01', 'period'],
  ['from=2026-03-02&to=2026-03-01', 'to'],
  ['from=2025-01-01&to=2026-03-01', 'to'],
  ['period=2026-03&groupBy=galaxy', 'groupBy'],
  ['from=2026-02-30&to=2026-03-05', 'from'],
])('a bad period or grouping (%s) is a 400 naming the field', async (query, path) => {
  const res = await (await as(s.app, 'admin')).get(`/api/v1/stats/rates?${query}`);
  expect(res.statusCode).toBe(400);
  expect(res.json().error.details.map((d: { path: string }) => d.path)).toContain(path);
});
