// Hotspots and repeat problems over HTTP, as a new user would meet them, on the real stack (Postgres, Temporal, a
// worker, the API and the outbox dispatcher): three demo-fast lift cases in one building reach community1's inbox
// as one repeat-problem notice; the hotspot route groups the cases in the caller's scope and never another
// community's, whatever filter the caller sends.
import { cstDate } from '../../domain/calendar';
import { startDispatcher, type Dispatcher } from '../../services/delivery/dispatcher';
import { inAppChannel } from '../../services/delivery/in-app-channel';
import { fileCase } from '../../services/intake';
import { eventually } from '../helpers/cases';
import { as, DEMO, intakeBody, startApiStack, testConfig, tokenOf, type ApiStack } from './helpers';

let s: ApiStack;
let dispatcher: Dispatcher;
let month: string;
const filed: string[] = [];

beforeAll(async () => {
  s = await startApiStack();
  // Deadlines of hours: nothing breaches or escalates while the test reads the counts.
  const phase = { response: { unit: 'hours', amount: 2 }, resolution: { unit: 'hours', amount: 4 } };
  await s.pool.query(
    `UPDATE agreements SET terms = terms || jsonb_build_object('deadlines', $1::jsonb) WHERE compound_code = 'demo-fast'`,
    [JSON.stringify({ emergency: phase, utilities: phase, general: phase, complex: phase })],
  );
  dispatcher = startDispatcher({
    pool: s.pool,
    config: testConfig(s.dataDir),
    channels: [inAppChannel()],
    log: () => undefined,
    intervalMs: 200,
  });
  const resident1 = await as(s.app, 'resident1');
  const resident3 = await as(s.app, 'resident3');
  const file = async (client: typeof resident1, body: Record<string, unknown>) => {
    const res = await client.post('/api/v1/cases', intakeBody(body), { 'idempotency-key': `k-${Math.random()}` });
    expect(res.statusCode).toBe(201);
    filed.push(res.json().trackingCode);
  };
  for (let i = 0; i < 3; i++)
    await file(resident1, { compoundCode: DEMO.compound, categoryCode: 'lift', location: { building: '5' } });
  await file(resident3, { compoundCode: DEMO.siblingCompound, categoryCode: 'repairs' });
  // Another community's cases (comm-xinghai), filed through the same intake.
  const deps = { pool: s.pool, temporal: s.t.client, taskQueue: s.t.taskQueue };
  for (let i = 0; i < 2; i++)
    await fileCase(deps, {
      categoryCode: 'lift',
      compoundCode: DEMO.versionedCompound,
      location: { building: '5' },
      description: '电梯异响',
      contact: { name: '李四', phone: '13800000009' },
      residentUserId: null,
    });
  const { rows } = await s.pool.query<{ at: Date }>('SELECT min(created_at) AS at FROM cases');
  month = cstDate(rows[0].at.getTime()).slice(0, 7);
});
afterAll(async () => {
  await dispatcher?.stop();
  await s?.close();
});

const monthsEndingWith = (m: string) =>
  Array.from({ length: 6 }, (_, i) => {
    const [y, mo] = m.split('-').map(Number);
    const index = y * 12 + mo - 1 - 5 + i;
    return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
  });
const pendingRate = (pending: number) => ({ numerator: 0, denominator: 0, pending, value: null });

test("three demo-fast lift cases in one building raise exactly one repeat-problem notice in community1's inbox", async () => {
  const community1 = await as(s.app, 'community1');
  const notices = await eventually(async () => {
    const res = await community1.get('/api/v1/notifications', { 'accept-language': 'zh-CN' });
    const items = (res.json().items as { template: string }[]).filter((n) => n.template === 'repeat_problem');
    return items.length > 0 && items;
  }, 30_000);
  // objectContaining: a notice may carry more links (a topic's) than this one needs.
  expect(notices).toEqual([
    expect.objectContaining({
      id: expect.any(String),
      caseId: null,
      trackingCode: null,
      template: 'repeat_problem',
      title: '重复问题',
      body: '金湖苑（演示） 5 号楼电梯故障诉求 1 天内已有 3 件，建议作为治理专题处理。',
      createdAt: expect.any(String),
      readAt: null,
    }),
  ]);
  // The other community's committee is told nothing about it.
  const community2 = await as(s.app, 'community2');
  const theirs = (await community2.get('/api/v1/notifications')).json().items as { template: string }[];
  expect(theirs.filter((n) => n.template === 'repeat_problem')).toEqual([]);

  const problems = await community1.get('/api/v1/stats/repeat-problems');
  expect(problems.statusCode).toBe(200);
  expect(problems.json().items).toEqual([
    {
      id: expect.any(String),
      compoundCode: DEMO.compound,
      compoundNameZh: '金湖苑（演示）',
      compoundNameEn: 'Jinhu Court (demo)',
      building: '5',
      categoryCode: 'lift',
      categoryNameZh: '电梯故障',
      categoryNameEn: 'Lift breakdown',
      caseCount: 3,
      firstCaseAt: expect.any(String),
      lastCaseAt: expect.any(String),
      windowDays: 1,
      threshold: 3,
      trackingCodes: filed.slice(0, 3),
      topicId: null,
      detectedAt: expect.any(String),
      closedAt: null,
      closeReason: null,
    },
  ]);
  // xinghai-garden's two lift cases are under the reference terms (3 in 30 days): no repeat, and none of jinji's.
  expect((await (await as(s.app, 'community2')).get('/api/v1/stats/repeat-problems?status=all')).json().items).toEqual(
    [],
  );
  expect((await (await as(s.app, 'resident1')).get('/api/v1/stats/repeat-problems')).statusCode).toBe(403);
});

test("the hotspot route groups community1's cases by compound × category and shows no other community's", async () => {
  const res = await (
    await as(s.app, 'community1')
  ).get(`/api/v1/stats/hotspots?period=${month}&groupBy=compound,category`);
  expect(res.statusCode).toBe(200);
  const body = res.json();
  const months = monthsEndingWith(month);
  const group = (
    compoundCode: string,
    nameZh: string,
    nameEn: string,
    category: string[],
    cases: number,
    repeats: number,
  ) => ({
    compoundCode,
    compoundNameZh: nameZh,
    compoundNameEn: nameEn,
    categoryCode: category[0],
    categoryNameZh: category[1],
    categoryNameEn: category[2],
    cases,
    repeats,
    onTime: pendingRate(cases),
    satisfaction: pendingRate(cases),
    evaluationCoverage: pendingRate(cases),
    previous: 0,
    change: cases,
    trend: [0, 0, 0, 0, 0, cases],
  });
  expect(body).toEqual({
    period: { from: `${month}-01`, to: expect.any(String) },
    previousPeriod: { from: `${months[4]}-01`, to: `${month}-01` },
    groupBy: 'compound,category',
    months,
    items: [
      {
        rank: 1,
        ...group(DEMO.compound, '金湖苑（演示）', 'Jinhu Court (demo)', ['lift', '电梯故障', 'Lift breakdown'], 3, 3),
      },
      {
        rank: 2,
        ...group(
          DEMO.siblingCompound,
          '湖景华庭',
          'Lakeview Residences',
          ['repairs', '公共维修', 'Repairs to common parts'],
          1,
          0,
        ),
      },
    ],
    leftOut: 0,
    total: { cases: 4, repeats: 3 },
  });
});

test('a filter never widens the scope: community1 asking for another community gets nothing, admin sees both', async () => {
  const community1 = await as(s.app, 'community1');
  const other = await community1.get(`/api/v1/stats/hotspots?period=${month}&groupBy=compound&community=comm-xinghai`);
  expect(other.statusCode).toBe(200);
  expect(other.json()).toMatchObject({ items: [], total: { cases: 0, repeats: 0 } });
  const community2 = await (
    await as(s.app, 'community2')
  ).get(`/api/v1/stats/hotspots?period=${month}&groupBy=compound`);
  expect(
    community2.json().items.map((i: { compoundCode: string; cases: number }) => [i.compoundCode, i.cases]),
  ).toEqual([[DEMO.versionedCompound, 2]]);
  const admin = await (
    await as(s.app, 'admin')
  ).get(`/api/v1/stats/hotspots?period=${month}&groupBy=building,category`);
  expect(
    admin
      .json()
      .items.map((i: { compoundCode: string; building: string; categoryCode: string; cases: number }) => [
        i.compoundCode,
        i.building,
        i.categoryCode,
        i.cases,
      ]),
  ).toEqual([
    [DEMO.compound, '5', 'lift', 3],
    [DEMO.versionedCompound, '5', 'lift', 2],
    [DEMO.siblingCompound, '1', 'repairs', 1],
  ]);
});

test('bad input is a 400 naming the field; residents and strangers are refused', async () => {
  const community1 = await as(s.app, 'community1');
  const bad = async (query: string, field: string) => {
    const res = await community1.get(`/api/v1/stats/hotspots?${query}`);
    expect(res.statusCode).toBe(400);
    expect(JSON.stringify(res.json())).toContain(field);
  };
  await bad(`period=${month}&groupBy=handler`, 'groupBy');
  await bad('period=2026-13', 'period');
  await bad('groupBy=compound', 'from');
  await bad(`period=${month}&district=all`, 'district');
  expect((await (await as(s.app, 'resident1')).get(`/api/v1/stats/hotspots?period=${month}`)).statusCode).toBe(403);
  expect((await (await as(s.app, null)).get(`/api/v1/stats/hotspots?period=${month}`)).statusCode).toBe(401);
  const status = await community1.get('/api/v1/stats/repeat-problems?status=closed');
  expect(status.statusCode).toBe(400);
  expect(JSON.stringify(status.json())).toContain('status');
});

test("an admin sets a compound's repeat terms through the agreement route, and the next cases are judged by them", async () => {
  const token = await tokenOf(s.app, 'admin');
  const patch = (governance: Record<string, unknown>) =>
    s.app.inject({
      method: 'PATCH',
      url: '/api/v1/admin/agreements/agr-lakeview-v1',
      headers: { authorization: `Bearer ${token}` },
      payload: { terms: { governance }, reason: '电梯投诉多发，收紧重复问题标准' },
    });
  const bad = await patch({ repeatCount: 1, repeatWindowDays: 7 });
  expect(bad.statusCode).toBe(400);
  expect(JSON.stringify(bad.json())).toContain('repeatCount');
  const ok = await patch({ repeatCount: 2, repeatWindowDays: 7 });
  expect(ok.statusCode).toBe(201);
  expect(ok.json().terms.governance).toEqual({ repeatCount: 2, repeatWindowDays: 7 });

  const resident3 = await as(s.app, 'resident3');
  for (let i = 0; i < 2; i++) {
    const res = await resident3.post(
      '/api/v1/cases',
      intakeBody({ compoundCode: DEMO.siblingCompound, categoryCode: 'lift', location: { building: '9' } }),
      { 'idempotency-key': `k-${Math.random()}` },
    );
    expect(res.statusCode).toBe(201);
  }
  const items = (await (await as(s.app, 'community1')).get('/api/v1/stats/repeat-problems')).json().items as {
    compoundCode: string;
    building: string;
    caseCount: number;
    threshold: number;
    windowDays: number;
  }[];
  expect(items.find((p) => p.compoundCode === DEMO.siblingCompound)).toMatchObject({
    building: '9',
    caseCount: 2,
    threshold: 2,
    windowDays: 7,
  });
});

test('a supervisor closes a repeat problem that needs no topic, with the reason; nobody else can, and not twice', async () => {
  const community1 = await as(s.app, 'community1');
  const open = (await community1.get('/api/v1/stats/repeat-problems')).json().items as {
    id: string;
    compoundCode: string;
    building: string;
  }[];
  const problem = open.find((p) => p.compoundCode === DEMO.siblingCompound && p.building === '9')!;
  const close = (user: Parameters<typeof as>[1], body: unknown) =>
    as(s.app, user).then((c) => c.post(`/api/v1/stats/repeat-problems/${problem.id}/close`, body));

  expect((await close('handler2', { reason: '巧合' })).statusCode).toBe(403);
  expect((await close('community2', { reason: '巧合' })).statusCode).toBe(404);
  const empty = await close('community1', { reason: '  ' });
  expect(empty.statusCode).toBe(400);
  expect(empty.json().error.details.map((d: { path: string }) => d.path)).toEqual(['reason']);

  const closed = await close('community1', { reason: '两次均为停电所致，已与供电部门核实' });
  expect(closed.statusCode).toBe(200);
  expect(closed.json()).toMatchObject({
    id: problem.id,
    closedAt: expect.any(String),
    closeReason: '两次均为停电所致，已与供电部门核实',
  });
  const stillOpen = (await community1.get('/api/v1/stats/repeat-problems')).json().items as { id: string }[];
  expect(stillOpen.map((p) => p.id)).not.toContain(problem.id);
  expect((await close('street1', { reason: '再次关闭' })).statusCode).toBe(409);

  // Its cases stay its own: one more lift case in that building is not yet a new repeat problem.
  const res = await (
    await as(s.app, 'resident3')
  ).post(
    '/api/v1/cases',
    intakeBody({ compoundCode: DEMO.siblingCompound, categoryCode: 'lift', location: { building: '9' } }),
    { 'idempotency-key': `k-${Math.random()}` },
  );
  expect(res.statusCode).toBe(201);
  const all = (await community1.get('/api/v1/stats/repeat-problems?status=all')).json().items as {
    compoundCode: string;
    building: string;
  }[];
  expect(all.filter((p) => p.compoundCode === DEMO.siblingCompound && p.building === '9')).toHaveLength(1);
});
