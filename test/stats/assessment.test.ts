// Assessment (考核) end to end: the daily Schedule exists once the system starts it (and an 0.2.0 Schedule is moved
// to every day), a month's unit is assessed by it once its outcomes are settled or at the cut-off, the same workflow
// computes a past month when asked, every handler kind is scored with its own weights, too few evaluations say
// "insufficient data", and the assessor's signed adjustments stay beside the score, capped on their net total.
import { randomUUID } from 'node:crypto';
import { createAssessmentActivities } from '../../activities/assessment';
import { RESTRICT_VIOLATION } from '../../db/errors';
import { cstTime } from '../../domain/calendar';
import { ensureAssessmentSchedule } from '../../services/assessment-schedule';
import { ASSESSMENT_SCHEDULE_ID, assessmentWorkflow } from '../../workflows/assessment-workflow';
import { eventually } from '../helpers/cases';
import { as, startApiStack, type ApiStack } from '../api/helpers';
import { insertCase } from './fixtures';

// All test files share one Temporal server, and every worker process (e.g. the crash and chaos tests) ensures the
// production Schedule for its own task queue: this file's Schedules get ids of their own.
const SCHEDULE_ID = `${ASSESSMENT_SCHEDULE_ID}-${process.pid}-${Date.now()}`;
const OLD_SCHEDULE_ID = `${SCHEDULE_ID}-0.2.0`;

let s: ApiStack;
const T = Date.parse('2026-09-15T10:00:00+08:00');
const sat = { satisfaction: 'satisfied', solved: true, outcome: 'satisfied' } as const;
// August 2026: one lakeview case dispatched on the last evening, its resolution due on 2026-09-04.
const AUG_LAST = Date.parse('2026-08-31T20:00:00+08:00');

beforeAll(async () => {
  s = await startApiStack();
  // demo-fast: response 2/4, resolution 2/3 (one open), satisfaction 2/3, on time 2/4 (the open case is late).
  await insertCase(s.pool, {
    compound: 'demo-fast',
    dispatchedAt: T,
    ack: { h: 1 },
    resolvedH: 10,
    closedH: 11,
    ...sat,
  });
  await insertCase(s.pool, {
    compound: 'demo-fast',
    dispatchedAt: T,
    ack: { h: 3 },
    resolvedH: 30,
    closedH: 31,
    satisfaction: 'unsatisfied',
    solved: false,
    outcome: 'unsatisfied',
  });
  await insertCase(s.pool, {
    compound: 'demo-fast',
    dispatchedAt: T,
    ack: { h: 1 },
    resolvedH: 5,
    closedH: 6,
    satisfaction: 'basically_satisfied',
    solved: true,
    outcome: 'basically_satisfied',
  });
  await insertCase(s.pool, { compound: 'demo-fast', dispatchedAt: T });
  // lakeview: five evaluated (its reference minimum), one late response — its weights (0.25/0.25/0.4/0.1) give 95,
  // demo-fast's would give 94.
  await insertCase(s.pool, {
    compound: 'lakeview',
    dispatchedAt: T,
    ack: { h: 5 },
    resolvedH: 10,
    closedH: 11,
    ...sat,
  });
  for (let i = 0; i < 4; i++)
    await insertCase(s.pool, {
      compound: 'lakeview',
      dispatchedAt: T,
      ack: { h: 1 },
      resolvedH: 10,
      closedH: 11,
      ...sat,
    });
  // xinghai-garden: one evaluated case of two — insufficient data for its company.
  await insertCase(s.pool, {
    compound: 'xinghai-garden',
    dispatchedAt: T,
    ack: { h: 1 },
    resolvedH: 10,
    closedH: 11,
    ...sat,
  });
  // Urban management: illegal construction from intake, in two compounds.
  await insertCase(s.pool, {
    compound: 'xinghai-garden',
    handler: 'dept-urban',
    category: 'illegal_construction',
    dispatchedAt: T,
    ack: { h: 1 },
    resolvedH: 6,
    closedH: 7,
    ...sat,
  });
  await insertCase(s.pool, { compound: 'moonbay', dispatchedAt: AUG_LAST, ack: { h: 1 }, resolutionDueH: 24 * 4 });
});
afterAll(async () => {
  for (const id of [SCHEDULE_ID, OLD_SCHEDULE_ID])
    await s?.t.client.schedule
      .getHandle(id)
      .delete()
      .catch(() => {});
  await s?.close();
});

async function compute(period: string, key: string, user: 'orgdept1' | 'admin' = 'orgdept1') {
  const res = await (await as(s.app, user)).post('/api/v1/assessments/compute', { period }, { 'idempotency-key': key });
  expect(res.statusCode).toBe(202);
  const body = res.json();
  await s.t.client.workflow.getHandle(body.workflowId).result();
  return body;
}

type Listed = {
  id: string;
  organization: { id: string; kind: string };
  compound: { code: string } | null;
  score: number | null;
  status: string;
  rates: unknown;
};
const unit = (items: Listed[], org: string): Listed => items.find((i) => i.organization.id === org) as Listed;
const at = (day: string, hour = 2) => createAssessmentActivities({ pool: s.pool, clock: () => cstTime(day, hour) });

test('the Schedule exists once started, runs every day, and starting it again changes nothing', async () => {
  expect(await ensureAssessmentSchedule(s.t.client, s.t.taskQueue, SCHEDULE_ID)).toBe('created');
  expect(await ensureAssessmentSchedule(s.t.client, s.t.taskQueue, SCHEDULE_ID)).toBe('exists');
  const d = await s.t.client.schedule.getHandle(SCHEDULE_ID).describe();
  expect(d.spec.timezone).toBe('Asia/Shanghai');
  expect(d.spec.calendars?.[0]).toMatchObject({
    dayOfMonth: [{ start: 1, end: 31, step: 1 }],
    hour: [{ start: 2, end: 2, step: 1 }],
  });
  expect(d.action).toMatchObject({
    type: 'startWorkflow',
    workflowType: 'assessmentWorkflow',
    taskQueue: s.t.taskQueue,
  });
});

test('a Schedule of 0.2.0 (days 1–10) is moved to every day; an operator’s own spec is left alone', async () => {
  const comment = '02:00 CST, days 1–10: the first working day computes the previous month';
  await s.t.client.schedule.create({
    scheduleId: OLD_SCHEDULE_ID,
    spec: { calendars: [{ dayOfMonth: { start: 1, end: 10 }, hour: 2, comment }], timezone: 'Asia/Shanghai' },
    action: {
      type: 'startWorkflow',
      workflowType: assessmentWorkflow,
      workflowId: OLD_SCHEDULE_ID,
      taskQueue: s.t.taskQueue,
      args: [{}],
    },
  });
  expect(await ensureAssessmentSchedule(s.t.client, s.t.taskQueue, OLD_SCHEDULE_ID)).toBe('updated');
  const d = await s.t.client.schedule.getHandle(OLD_SCHEDULE_ID).describe();
  expect(d.spec.calendars?.[0]).toMatchObject({ dayOfMonth: [{ start: 1, end: 31, step: 1 }] });
  expect(await ensureAssessmentSchedule(s.t.client, s.t.taskQueue, OLD_SCHEDULE_ID)).toBe('exists');
});

test('a run of the Schedule assesses what is ready, as its activities decide', async () => {
  const handle = s.t.client.schedule.getHandle(SCHEDULE_ID);
  await handle.trigger();
  const action = await eventually(async () => (await handle.describe()).info.recentActions[0]);
  const result = await s.t.client.workflow.getHandle(action.action.workflow.workflowId).result();
  expect(result.skipped).toBe(result.period === null);
});

test('a unit whose month is not settled waits: the last evening’s case keeps moonbay’s company out until its deadline', async () => {
  // 2026-09-01 02:00: the August case's resolution deadline (09-04 20:00) still runs; every other unit is settled.
  expect(await at('2026-09-01').periodToAssess({ at: cstTime('2026-09-01', 2) })).toBe('2026-08');
  const first = `sched-aug-${randomUUID()}`;
  const { ids } = await at('2026-09-01').computeAssessments({
    period: '2026-08',
    computationId: first,
    computedBy: 'schedule',
  });
  const orgs = async (id: string) =>
    (await s.pool.query('SELECT organization_id FROM assessments WHERE computation_id = $1', [id])).rows.map(
      (r) => r.organization_id,
    );
  expect(ids.length).toBeGreaterThan(0);
  expect(await orgs(first)).not.toContain('pc-moonbay');
  expect(await orgs(first)).toContain('pc-lakeview');
  // The next day nothing new is ready; after the deadline only moonbay's company is left to store.
  const second = `sched-aug-${randomUUID()}`;
  expect(
    (await at('2026-09-02').computeAssessments({ period: '2026-08', computationId: second, computedBy: 'schedule' }))
      .ids,
  ).toEqual([]);
  expect(await at('2026-09-05').periodToAssess({ at: cstTime('2026-09-05', 2) })).toBe('2026-08');
  const third = `sched-aug-${randomUUID()}`;
  await at('2026-09-05').computeAssessments({ period: '2026-08', computationId: third, computedBy: 'schedule' });
  expect(await orgs(third)).toEqual(['pc-moonbay']);
  // Its on-time rate counts the case as late: settled, not pending.
  const { rows } = await s.pool.query(
    `SELECT rates->'onTimeResolutionRate' AS r FROM assessments WHERE computation_id = $1`,
    [third],
  );
  expect(rows[0].r).toMatchObject({ numerator: 0, denominator: 1, pending: 0 });
  expect(await at('2026-09-06').periodToAssess({ at: cstTime('2026-09-06', 2) })).toBeNull();
});

test('a month whose cases never settle is assessed at the agreement’s cut-off, with what is still open pending', async () => {
  await insertCase(s.pool, {
    compound: 'dushu-court',
    dispatchedAt: Date.parse('2026-07-20T10:00:00+08:00'),
    ack: { h: 1 },
    resolutionDueH: 24 * 60,
  });
  const july = async (day: string, hour = 2) => {
    const id = `sched-jul-${randomUUID()}`;
    await at(day, hour).computeAssessments({ period: '2026-07', computationId: id, computedBy: 'schedule' });
    return (await s.pool.query('SELECT organization_id, rates FROM assessments WHERE computation_id = $1', [id])).rows;
  };
  expect((await july('2026-08-03')).map((r) => r.organization_id)).not.toContain('pc-dushu-court');
  // Ten working days after 07-31: 08-14, 18:00.
  expect((await july('2026-08-14', 17)).map((r) => r.organization_id)).toEqual([]);
  const [late] = await july('2026-08-15');
  expect(late.organization_id).toBe('pc-dushu-court');
  expect(late.rates.onTimeResolutionRate).toMatchObject({ denominator: 0, pending: 1 });
});

test('a past month computed on request: every handler kind scored with its own weights, too few evaluations unscored', async () => {
  await compute('2026-09', 'compute-2026-09-a');
  const community = await as(s.app, 'community1');
  const listed: Listed[] = (await community.get('/api/v1/assessments?period=2026-09')).json().items;
  // community1 (金鸡湖社区) assesses under the agreements of demo-fast and lakeview, and its volunteers' association.
  expect(listed.map((a) => `${a.organization.kind}:${a.organization.id}`).sort()).toEqual([
    'owners_committee:oc-demo-fast',
    'owners_committee:oc-lakeview',
    'property_company:pc-demo-fast',
    'property_company:pc-lakeview',
    'resident_association:ra-jinji-volunteers',
  ]);
  const demo = unit(listed, 'pc-demo-fast');
  expect(demo).toMatchObject({
    period: '2026-09',
    periodStart: '2026-09-01',
    periodEnd: '2026-10-01',
    version: 1,
    agreementId: 'agr-demo-fast-v1',
    organization: { id: 'pc-demo-fast', kind: 'property_company' },
    compound: { code: 'demo-fast' },
    assessorOrgId: 'comm-jinji',
    weights: { response: 0.3, resolution: 0.3, satisfaction: 0.3, onTime: 0.1 },
    parts: {
      response: { value: 50, weight: 0.3 },
      resolution: { value: 66.67, weight: 0.3 },
      satisfaction: { value: 66.67, weight: 0.3 },
      onTime: { value: 50, weight: 0.1 },
    },
    // (0.3·½ + 0.3·⅔ + 0.3·⅔ + 0.1·½) / 1.0 = 0.6; demo-fast's agreement asks for three evaluated cases.
    status: 'scored',
    score: 60,
    evaluated: 3,
    minEvaluated: 3,
    adjustments: { total: 0, count: 0, items: [] },
  });
  expect(demo.rates).toMatchObject({
    cases: 4,
    responseRate: { numerator: 2, denominator: 4 },
    evaluationCoverage: { numerator: 3, denominator: 3, pending: 1 },
  });
  expect(unit(listed, 'pc-lakeview')).toMatchObject({
    weights: { response: 0.25, resolution: 0.25, satisfaction: 0.4, onTime: 0.1 },
    score: 95,
    minEvaluated: 5,
  });
  expect(unit(listed, 'oc-demo-fast')).toMatchObject({
    status: 'no_cases',
    score: null,
    weights: { response: 0.2, resolution: 0.3, satisfaction: 0.4, onTime: 0.1 },
  });
  const admin = await as(s.app, 'admin');
  const all: Listed[] = (await admin.get('/api/v1/assessments?period=2026-09')).json().items;
  expect(unit(all, 'pc-xinghai-garden')).toMatchObject({ status: 'insufficient_data', score: null, evaluated: 1 });
  // The department is assessed by the organisation department over every compound, under the district's weights.
  expect(unit(all, 'dept-urban')).toMatchObject({
    compound: null,
    assessorOrgId: 'org-dept',
    status: 'insufficient_data',
    weights: { response: 0.3, resolution: 0.3, satisfaction: 0.2, onTime: 0.2 },
  });
  expect(
    (await admin.get('/api/v1/assessments?period=2026-09&kind=functional_department'))
      .json()
      .items.map((a: Listed) => a.organization.id),
  ).toEqual(['dept-housing', 'dept-market', 'dept-urban']);
});

test('adjustments: the assessor signs them, their net total stays within ±20, the Idempotency-Key signs once', async () => {
  const community = await as(s.app, 'community1');
  const [demo] = (
    await community.get('/api/v1/assessments?period=2026-09&compound=demo-fast&kind=property_company')
  ).json().items;
  const adjust = (delta: number, key: string) =>
    community.post(
      `/api/v1/assessments/${demo.id}/adjustments`,
      { delta, reason: '现场检查：消防通道堆放杂物' },
      { 'idempotency-key': key },
    );
  const first = await adjust(-5, 'adjustment-1');
  expect(first.statusCode).toBe(201);
  expect(first.json()).toMatchObject({
    score: 60,
    adjustments: {
      total: -5,
      count: 1,
      items: [
        {
          delta: -5,
          reason: '现场检查：消防通道堆放杂物',
          assessmentVersion: 1,
          signedBy: { userId: 'u-community1', nameZh: '杨帆' },
        },
      ],
    },
  });
  // The same key three times is one adjustment.
  for (let i = 0; i < 3; i++)
    expect((await adjust(-5, 'adjustment-1')).json().adjustments).toMatchObject({ total: -5, count: 1 });
  // −5 − 15 = −20 fits; one cent more does not, whichever way it is split.
  expect((await adjust(-15, 'adjustment-2')).statusCode).toBe(201);
  const over = await adjust(-0.01, 'adjustment-3');
  expect([over.statusCode, over.json().error.code]).toEqual([409, 'assessment.adjustment_cap']);
  expect((await adjust(20, 'adjustment-4')).json().adjustments).toMatchObject({ total: 0, count: 3 });
  const [plus, again] = await Promise.all([adjust(20, 'adjustment-5'), adjust(20, 'adjustment-6')]);
  expect([plus.statusCode, again.statusCode].sort()).toEqual([201, 409]);
  const { rows } = await s.pool.query('SELECT score::float8 AS score, adjustment FROM assessments WHERE id = $1', [
    demo.id,
  ]);
  expect(rows[0]).toEqual({ score: 60, adjustment: { total: 20, count: 4 } });
});

test('an assessment without a score takes no adjustment; a department’s is signed by the organisation department', async () => {
  const admin = await as(s.app, 'admin');
  const all: Listed[] = (await admin.get('/api/v1/assessments?period=2026-09')).json().items;
  const unscored = await (
    await as(s.app, 'community2')
  ).post(`/api/v1/assessments/${unit(all, 'pc-xinghai-garden').id}/adjustments`, { delta: 2, reason: '表扬' });
  expect([unscored.statusCode, unscored.json().error.code]).toEqual([409, 'assessment.no_score']);
  const urban = unit(all, 'dept-urban');
  expect(
    (
      await (
        await as(s.app, 'community2')
      ).post(`/api/v1/assessments/${urban.id}/adjustments`, { delta: 2, reason: '表扬' })
    ).statusCode,
  ).toBe(404);
  expect(
    (
      await (
        await as(s.app, 'orgdept1')
      ).post(`/api/v1/assessments/${urban.id}/adjustments`, { delta: 2, reason: '表扬' })
    ).json().error.code,
  ).toBe('assessment.no_score');
});

test('only the assessor may adjust; others see it or not at all', async () => {
  const [demo] = (
    await (await as(s.app, 'admin')).get('/api/v1/assessments?period=2026-09&compound=demo-fast&kind=property_company')
  ).json().items;
  const body = { delta: 2, reason: '表扬' };
  expect(
    (await (await as(s.app, 'street1')).post(`/api/v1/assessments/${demo.id}/adjustments`, body)).json().error.code,
  ).toBe('assessment.forbidden');
  expect(
    (await (await as(s.app, 'community2')).post(`/api/v1/assessments/${demo.id}/adjustments`, body)).statusCode,
  ).toBe(404);
  expect(
    (await (await as(s.app, 'handler1')).post(`/api/v1/assessments/${demo.id}/adjustments`, body)).statusCode,
  ).toBe(403);
  const bad = await (
    await as(s.app, 'community1')
  ).post(`/api/v1/assessments/${demo.id}/adjustments`, { delta: 25, reason: '' });
  expect(
    bad
      .json()
      .error.details.map((d: { path: string }) => d.path)
      .sort(),
  ).toEqual(['delta', 'reason']);
  const own = (await (await as(s.app, 'handler1')).get('/api/v1/assessments?period=2026-09')).json().items;
  expect(own.map((a: Listed) => a.organization.id)).toEqual(['pc-demo-fast']);
});

test('a recomputation is a new version as the cases stand today; the first stays as it was, the adjustments stay with the month', async () => {
  const first = await compute('2026-09', 'compute-2026-09-b', 'admin');
  expect(first.started).toBe(true);
  // The same Idempotency-Key again starts nothing.
  const again = await (
    await as(s.app, 'admin')
  ).post('/api/v1/assessments/compute', { period: '2026-09' }, { 'idempotency-key': 'compute-2026-09-b' });
  expect(again.json()).toMatchObject({ started: false, workflowId: first.workflowId });
  const admin = await as(s.app, 'admin');
  const [latest] = (
    await admin.get('/api/v1/assessments?period=2026-09&compound=demo-fast&kind=property_company')
  ).json().items;
  expect(latest).toMatchObject({
    version: 2,
    score: 60,
    adjustments: { total: 20, count: 4, items: [{ assessmentVersion: 1 }, {}, {}, {}] },
  });
  const all = (
    await admin.get('/api/v1/assessments?period=2026-09&compound=demo-fast&kind=property_company&versions=all')
  ).json().items;
  expect(all.map((a: { version: number }) => a.version)).toEqual([2, 1]);
  const { rows } = await s.pool.query(`SELECT count(*)::int AS n FROM assessments WHERE period_start = '2026-09-01'`);
  // 8 companies and 8 owners' committees under their agreements, 2 associations, 3 departments: 21 × 2 versions.
  expect(rows[0].n).toBe(42);
  await expect(s.pool.query('UPDATE assessments SET score = 99 WHERE id = $1', [all[1].id])).rejects.toMatchObject({
    code: RESTRICT_VIOLATION,
  });
});

test('computing is for admins and the organisation department, and only for a month that has ended', async () => {
  expect(
    (await (await as(s.app, 'community1')).post('/api/v1/assessments/compute', { period: '2026-09' })).statusCode,
  ).toBe(403);
  expect(
    (await (await as(s.app, 'resident1')).post('/api/v1/assessments/compute', { period: '2026-09' })).statusCode,
  ).toBe(403);
  const future = await (await as(s.app, 'admin')).post('/api/v1/assessments/compute', { period: '2099-01' });
  expect(future.statusCode).toBe(400);
  expect(future.json().error.details[0].path).toBe('period');
  const ancient = await (await as(s.app, 'admin')).post('/api/v1/assessments/compute', { period: '0000-01' });
  expect(ancient.json().error.details[0].path).toBe('period');
});
