// The 三率 and companions over March 2026, from cases written to the millisecond, checked against figures worked
// out by hand (below, per case) for every handler, community, street and the district, through GET /stats/rates.
import { cstDate, cstTime } from '../../domain/calendar';
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

// May 2026: how closing a case decides whether it counts. prettier-ignore
const MAY = Date.parse('2026-05-12T10:00:00+08:00');
const CLOSINGS: CaseSpec[] = [
  // Withdrawn by the resident within the hour, and closed at the resident's request (the response deadline is 2 h).
  { compound: 'moonbay', dispatchedAt: MAY, closedH: 1, outcome: 'withdrawn' },
  { compound: 'moonbay', dispatchedAt: MAY, closedH: 1.5, outcome: 'closed_by_supervisor', ground: 'resident_request' },
  // A duplicate and an invalid case the community closed, after the response deadline had passed unanswered.
  { compound: 'moonbay', dispatchedAt: MAY, closedH: 5, outcome: 'closed_by_supervisor', ground: 'duplicate' },
  { compound: 'moonbay', dispatchedAt: MAY, closedH: 30, outcome: 'closed_by_supervisor', ground: 'invalid' },
  // Withdrawn after the company let the response deadline pass: that miss stands, and nothing else is measured.
  { compound: 'moonbay', dispatchedAt: MAY, closedH: 5, outcome: 'withdrawn' },
  // One ordinary case, on time and satisfied, in building 2 (the others are in building 1), a lift case.
  {
    compound: 'moonbay',
    category: 'lift',
    building: '2',
    dispatchedAt: MAY,
    ack: { h: 1 },
    resolvedH: 10,
    closedH: 11,
    ...closedSat,
  },
];

beforeAll(async () => {
  s = await startApiStack({ worker: false });
  for (const c of [...CASES, ...CLOSINGS]) await insertCase(s.pool, c);
});
afterAll(async () => {
  await s?.close();
});

/** [numerator, denominator] or [numerator, denominator, pending]. */
type R = [number, number] | [number, number, number];
type Expected = [
  cases: number,
  excluded: number,
  response: R,
  resolution: R,
  satisfaction: R,
  coverage: R,
  onTime: R,
  rework: R,
  escalation: R,
  ret: R,
  medianH: number | null,
];

const r = ([n, d, pending = 0]: R) => rateOf(n, d, pending);

function rates([
  cases,
  excluded,
  response,
  resolution,
  satisfaction,
  coverage,
  onTime,
  rework,
  escalation,
  ret,
  medianH,
]: Expected) {
  return {
    cases,
    excluded,
    responseRate: r(response),
    resolutionRate: r(resolution),
    satisfactionRate: r(satisfaction),
    evaluationCoverage: r(coverage),
    onTimeResolutionRate: r(onTime),
    reworkRate: r(rework),
    escalationRate: r(escalation),
    returnRate: r(ret),
    medianHandlingMs: medianH === null ? null : medianH * HOUR,
  };
}

// Worked out by hand from the cases above, as the cases stand long after March (every deadline has passed):
// - open cases are pending for the evaluation measures (resolution, satisfaction, 参评率, rework) and for the
//   escalation and return rates unless they already escalated or returned: A4, B2, X1, D2;
// - on time is over every case: A4, B2, X1 and D2 were never resolved by their deadlines, so they are late;
// - A7 closed unevaluated: in 参评率's denominator only; the merged duplicate left every measure (excluded).
// Handling spans (h): demo-fast 10 30 40 5 30 8 50 → median 30; lakeview 10 30 → 20; urban 6; dushu 4;
// jinji (9 spans) → 30; huxi adds 6 (10 spans) → (10+30)/2 = 20; district adds 4 (11 spans) → 10.
// prettier-ignore
const HANDLERS: Record<string, Expected> = {
  'dept-urban':         [1, 0, [1, 1], [1, 1],    [1, 1],    [1, 1],    [1, 1],  [0, 1],    [0, 1],    [0, 1],    6],
  'pc-demo-fast':       [8, 1, [5, 8], [4, 6, 1], [5, 6, 1], [6, 7, 1], [4, 8],  [2, 6, 1], [1, 8],    [1, 7, 1], 30],
  'pc-dushu-court':     [2, 0, [1, 2], [1, 1, 1], [1, 1, 1], [1, 1, 1], [1, 2],  [0, 1, 1], [1, 2],    [1, 2],    4],
  'pc-lakeview':        [3, 0, [2, 3], [2, 2, 1], [2, 2, 1], [2, 2, 1], [1, 3],  [0, 2, 1], [1, 2, 1], [0, 2, 1], 20],
  'pc-xinghai-garden':  [1, 0, [1, 1], [0, 0, 1], [0, 0, 1], [0, 0, 1], [0, 1],  [0, 0, 1], [0, 0, 1], [0, 0, 1], null],
};
// prettier-ignore
const COMMUNITIES: Record<string, Expected> = {
  'comm-dushu':   [2, 0, [1, 2],  [1, 1, 1], [1, 1, 1], [1, 1, 1], [1, 2],  [0, 1, 1], [1, 2],     [1, 2],    4],
  'comm-jinji':   [11, 1, [7, 11], [6, 8, 2], [7, 8, 2], [8, 9, 2], [5, 11], [2, 8, 2], [2, 10, 1], [1, 9, 2], 30],
  'comm-xinghai': [2, 0, [2, 2],  [1, 1, 1], [1, 1, 1], [1, 1, 1], [1, 2],  [0, 1, 1], [0, 1, 1],  [0, 1, 1], 6],
};
// prettier-ignore
const STREETS: Record<string, Expected> = {
  'street-huxi':    [13, 1, [9, 13], [7, 9, 3], [8, 9, 3], [9, 10, 3], [6, 13], [2, 9, 3], [2, 11, 2], [1, 10, 3], 20],
  'street-xietang': [2, 0, [1, 2],  [1, 1, 1], [1, 1, 1], [1, 1, 1],  [1, 2],  [0, 1, 1], [1, 2],     [1, 2],     4],
};
// prettier-ignore
const DISTRICT: Expected = [15, 1, [10, 15], [8, 10, 4], [9, 10, 4], [10, 11, 4], [7, 15], [2, 10, 4], [3, 13, 2], [2, 12, 3], 10];

const byId = (items: { id: string; rates: unknown }[]) => Object.fromEntries(items.map((i) => [i.id, i.rates]));
const expectAll = (table: Record<string, Expected>) =>
  Object.fromEntries(Object.entries(table).map(([id, e]) => [id, rates(e)]));

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
  expect((await get('period=2026-03&groupBy=district')).items).toEqual([
    { id: 'district', kind: 'district', nameZh: '全区', nameEn: 'Whole district', rates: rates(DISTRICT) },
  ]);
});

test('a from/to period is half-open and equals the month', async () => {
  const byMonth = await get('period=2026-03&groupBy=community');
  const byDays = await get('from=2026-03-01&to=2026-04-01&groupBy=community');
  expect(byDays.items).toEqual(byMonth.items);
  // One day more on either side brings in exactly the case just outside each end.
  expect((await get('from=2026-02-28&to=2026-04-02&groupBy=district')).overall.cases).toBe(17);
});

test('each caller gets the figures of the cases it may see, as in GET /cases', async () => {
  expect(byId((await get('period=2026-03&groupBy=street', 'street1')).items)).toEqual({
    'street-huxi': rates(STREETS['street-huxi']),
  });
  expect(byId((await get('period=2026-03&groupBy=community', 'community1')).items)).toEqual({
    'comm-jinji': rates(COMMUNITIES['comm-jinji']),
  });
  // handler1 sees the cases dispatched to its company, including the one it returned to the owners' committee.
  expect(byId((await get('period=2026-03&groupBy=handler', 'handler1')).items)).toEqual({
    'pc-demo-fast': rates(HANDLERS['pc-demo-fast']),
  });
  const resident = await (await as(s.app, 'resident1')).get('/api/v1/stats/rates?period=2026-03');
  expect(resident.statusCode).toBe(403);
});

test('filters narrow the cases before counting', async () => {
  expect(byId((await get('period=2026-03&groupBy=handler&community=comm-xinghai')).items)).toEqual({
    'dept-urban': rates(HANDLERS['dept-urban']),
    'pc-xinghai-garden': rates(HANDLERS['pc-xinghai-garden']),
  });
  expect((await get('period=2026-03&groupBy=district&handler=pc-lakeview')).overall).toEqual(
    rates(HANDLERS['pc-lakeview']),
  );
});

test.each([
  ['', 'from'],
  ['period=2026-13', 'period'],
  ['period=2026-03&from=2026-03-01&to=2026-04-01', 'period'],
  ['from=2026-03-02&to=2026-03-01', 'to'],
  ['from=2025-01-01&to=2026-03-01', 'to'],
  ['period=2026-03&groupBy=galaxy', 'groupBy'],
  ['from=2026-02-30&to=2026-03-05', 'from'],
  ['period=0000-01', 'period'],
  ['period=2101-01', 'period'],
  ['from=1999-12-31&to=2000-01-02', 'from'],
  ['from=2026-01-01&to=9999-12-31', 'to'],
  ['period=2026-03&groupBy=building&category=LIFT', 'category'],
])('a bad period or grouping (%s) is a 400 naming the field', async (query, path) => {
  const res = await (await as(s.app, 'admin')).get(`/api/v1/stats/rates?${query}`);
  expect(res.statusCode).toBe(400);
  expect(res.json().error.details.map((d: { path: string }) => d.path)).toContain(path);
});

test('withdrawn-early, duplicate and invalid cases leave every rate; a withdrawal after a missed deadline keeps the miss', async () => {
  const { overall } = await get('period=2026-05&groupBy=district');
  expect(overall).toMatchObject({
    cases: 2,
    excluded: 4,
    responseRate: rateOf(1, 2),
    satisfactionRate: rateOf(1, 1),
    evaluationCoverage: rateOf(1, 1),
    onTimeResolutionRate: rateOf(1, 1),
    escalationRate: rateOf(0, 2),
  });
});

test('rates are broken down by category, by building and by compound for the hotspot views', async () => {
  const byCategory = (await get('period=2026-05&groupBy=category')).items;
  expect(
    byCategory.map((i: { id: string; kind: string; nameZh: string; rates: { cases: number } }) => [
      i.id,
      i.kind,
      i.nameZh,
      i.rates.cases,
    ]),
  ).toEqual([
    ['lift', 'category', '电梯故障', 1],
    ['repairs', 'category', '公共维修', 1],
  ]);
  const byBuilding = (await get('period=2026-05&groupBy=building')).items;
  expect(
    byBuilding.map((i: { id: string; nameZh: string; rates: { cases: number; excluded: number } }) => [
      i.id,
      i.nameZh,
      i.rates.cases,
      i.rates.excluded,
    ]),
  ).toEqual([
    ['moonbay/1', '月亮湾公寓 1', 1, 4],
    ['moonbay/2', '月亮湾公寓 2', 1, 0],
  ]);
  const lift = await get('period=2026-05&groupBy=compound&category=lift');
  expect(byId(lift.items)).toEqual({ moonbay: expect.objectContaining({ cases: 1, responseRate: rateOf(1, 1) }) });
});

test('a case whose deadline still runs is pending in the rates, not a miss', async () => {
  const now = Date.now();
  await insertCase(s.pool, { compound: 'lotus-pond', dispatchedAt: now, responseDueH: 1, resolutionDueH: 2 });
  const month = cstDate(now).slice(0, 7);
  const { overall } = await get(`period=${month}&groupBy=district&compound=lotus-pond`);
  expect(overall).toMatchObject({
    cases: 1,
    responseRate: rateOf(0, 0, 1),
    onTimeResolutionRate: rateOf(0, 0, 1),
    satisfactionRate: rateOf(0, 0, 1),
  });
});
