// Assessment (考核) end to end: the monthly Schedule exists once the system starts it, the same workflow
// computes a past month when asked, each property company is scored with its own agreement's weights, and the
// community committee's signed adjustment is shown beside the computed score without changing it.
import { createAssessmentActivities } from '../../activities/assessment';
import { RESTRICT_VIOLATION } from '../../db/errors';
import { cstTime } from '../../domain/calendar';
import { ensureAssessmentSchedule } from '../../services/assessment-schedule';
import { ASSESSMENT_SCHEDULE_ID } from '../../workflows/assessment-workflow';

// All test files share one Temporal server, and every worker process (e.g. the crash and chaos tests) ensures the
// production Schedule for its own task queue: this file's Schedule gets an id of its own.
const SCHEDULE_ID = `${ASSESSMENT_SCHEDULE_ID}-${process.pid}-${Date.now()}`;
import { eventually } from '../helpers/cases';
import { as, startApiStack, type ApiStack } from '../api/helpers';
import { insertCase } from './fixtures';

let s: ApiStack;
const T = Date.parse('2026-09-15T10:00:00+08:00');
const sat = { satisfaction: 'satisfied', solved: true, outcome: 'satisfied' } as const;

beforeAll(async () => {
  s = await startApiStack();
  // demo-fast: response 2/4, resolution 2/3, satisfaction 2/3, on time 2/3.
  await insertCase(s.pool, { compound: 'demo-fast', dispatchedAt: T, ack: { h: 1 }, resolvedH: 10, closedH: 11, ...sat });
  await insertCase(s.pool, { compound: 'demo-fast', dispatchedAt: T, ack: { h: 3 }, resolvedH: 30, closedH: 31, satisfaction: 'unsatisfied', solved: false, outcome: 'unsatisfied' });
  await insertCase(s.pool, { compound: 'demo-fast', dispatchedAt: T, ack: { h: 1 }, resolvedH: 5, closedH: 6, satisfaction: 'basically_satisfied', solved: true, outcome: 'basically_satisfied' });
  await insertCase(s.pool, { compound: 'demo-fast', dispatchedAt: T });
  // lakeview: late response, everything else perfect — its weights (0.25/0.25/0.4/0.1) give 75, demo-fast's would give 70.
  await insertCase(s.pool, { compound: 'lakeview', dispatchedAt: T, ack: { h: 5 }, resolvedH: 10, closedH: 11, ...sat });
});
afterAll(async () => {
  await s?.t.client.schedule.getHandle(SCHEDULE_ID).delete().catch(() => {});
  await s?.close();
});

async function compute(period: string, key: string, user: 'orgdept1' | 'admin' = 'orgdept1') {
  const res = await (await as(s.app, user)).post('/api/v1/assessments/compute', { period }, { 'idempotency-key': key });
  expect(res.statusCode).toBe(202);
  const body = res.json();
  await s.t.client.workflow.getHandle(body.workflowId).result();
  return body;
}

type Listed = { id: string; compound: { code: string }; rates: unknown };
const unit = (items: Listed[], code: string): Listed => items.find((i) => i.compound.code === code) as Listed;

test('the monthly Schedule exists once started, and starting it again changes nothing', async () => {
  expect(await ensureAssessmentSchedule(s.t.client, s.t.taskQueue, SCHEDULE_ID)).toBe('created');
  expect(await ensureAssessmentSchedule(s.t.client, s.t.taskQueue, SCHEDULE_ID)).toBe('exists');
  const d = await s.t.client.schedule.getHandle(SCHEDULE_ID).describe();
  expect(d.spec.timezone).toBe('Asia/Shanghai');
  expect(d.spec.calendars?.[0]).toMatchObject({ dayOfMonth: [{ start: 1, end: 10, step: 1 }], hour: [{ start: 2, end: 2, step: 1 }] });
  expect(d.action).toMatchObject({ type: 'startWorkflow', workflowType: 'assessmentWorkflow', taskQueue: s.t.taskQueue });
});

test('a run of the Schedule computes only on the first working day of the month', async () => {
  const handle = s.t.client.schedule.getHandle(SCHEDULE_ID);
  await handle.trigger();
  const action = await eventually(async () => (await handle.describe()).info.recentActions[0]);
  const result = await s.t.client.workflow.getHandle(action.action.workflow.workflowId).result();
  const expected = await createAssessmentActivities({ pool: s.pool }).periodToAssess({ at: action.scheduledAt.getTime() });
  expect(result).toMatchObject(expected === null ? { skipped: true, period: null } : { skipped: false, period: expected });
});

test.each([
  ['2025-10-09', '2025-09'], // after the National Day holiday (10-01 … 10-08)
  ['2025-10-08', null],
  ['2026-01-04', '2025-12'], // a Sunday worked as 调休 after New Year
  ['2026-01-05', null],
  ['2026-03-02', '2026-02'], // 03-01 is a Sunday
  ['2026-03-01', null],
])('on %s the Schedule assesses %s', async (day, expected) => {
  const activities = createAssessmentActivities({ pool: s.pool });
  expect(await activities.periodToAssess({ at: cstTime(day, 2) })).toBe(expected);
});

test("an admin's calendar override moves the first working day", async () => {
  await s.pool.query(`INSERT INTO calendar_overrides (date, kind, note) VALUES ('2026-06-01', 'holiday', 'test')`);
  const activities = createAssessmentActivities({ pool: s.pool });
  expect(await activities.periodToAssess({ at: cstTime('2026-06-01', 2) })).toBeNull();
  expect(await activities.periodToAssess({ at: cstTime('2026-06-02', 2) })).toBe('2026-05');
});

test('a past month computed on request: each company scored with its agreement, an adjustment beside the score', async () => {
  await compute('2026-09', 'compute-2026-09-a');
  const community = await as(s.app, 'community1');
  const listed = (await community.get('/api/v1/assessments?period=2026-09')).json().items;
  // community1 (金鸡湖社区) signed the agreements of demo-fast and lakeview only.
  expect(listed.map((a: { compound: { code: string } }) => a.compound.code).sort()).toEqual(['demo-fast', 'lakeview']);
  const demo = unit(listed, 'demo-fast');
  expect(demo).toMatchObject({
    period: '2026-09', periodStart: '2026-09-01', periodEnd: '2026-10-01', version: 1, agreementId: 'agr-demo-fast-v1',
    organization: { id: 'pc-demo-fast' }, weights: { response: 0.3, resolution: 0.3, satisfaction: 0.3, onTime: 0.1 },
    parts: { response: { value: 50, weight: 0.3 }, resolution: { value: 66.67, weight: 0.3 }, satisfaction: { value: 66.67, weight: 0.3 }, onTime: { value: 66.67, weight: 0.1 } },
    // (0.3·½ + 0.3·⅔ + 0.3·⅔ + 0.1·⅔) / 1.0 = 0.61667
    score: 61.67, adjustments: { total: 0, count: 0, items: [] },
  });
  expect(demo.rates).toMatchObject({ cases: 4, responseRate: { numerator: 2, denominator: 4 } });
  expect(unit(listed, 'lakeview')).toMatchObject({ weights: { response: 0.25, resolution: 0.25, satisfaction: 0.4, onTime: 0.1 }, score: 75 });

  const adjusted = await community.post(`/api/v1/assessments/${demo.id}/adjustments`, { delta: -5, reason: '现场检查：消防通道堆放杂物' });
  expect(adjusted.statusCode).toBe(201);
  expect(adjusted.json()).toMatchObject({
    score: 61.67,
    adjustments: { total: -5, count: 1, items: [{ delta: -5, reason: '现场检查：消防通道堆放杂物', assessmentVersion: 1, signedBy: { userId: 'u-community1', nameZh: '杨帆' } }] },
  });
  const { rows } = await s.pool.query('SELECT score::float8 AS score, adjustment FROM assessments WHERE id = $1', [demo.id]);
  expect(rows[0]).toEqual({ score: 61.67, adjustment: { total: -5, count: 1 } });
});

test('only the community committee party to the agreement may adjust; others see it or not at all', async () => {
  const [demo] = (await (await as(s.app, 'admin')).get('/api/v1/assessments?period=2026-09&compound=demo-fast')).json().items;
  const body = { delta: 2, reason: '表扬' };
  expect((await (await as(s.app, 'street1')).post(`/api/v1/assessments/${demo.id}/adjustments`, body)).json().error.code).toBe('assessment.forbidden');
  expect((await (await as(s.app, 'community2')).post(`/api/v1/assessments/${demo.id}/adjustments`, body)).statusCode).toBe(404);
  expect((await (await as(s.app, 'handler1')).post(`/api/v1/assessments/${demo.id}/adjustments`, body)).statusCode).toBe(403);
  const bad = await (await as(s.app, 'community1')).post(`/api/v1/assessments/${demo.id}/adjustments`, { delta: 25, reason: '' });
  expect(bad.json().error.details.map((d: { path: string }) => d.path).sort()).toEqual(['delta', 'reason']);
  const own = (await (await as(s.app, 'handler1')).get('/api/v1/assessments?period=2026-09')).json().items;
  expect(own.map((a: { organization: { id: string } }) => a.organization.id)).toEqual(['pc-demo-fast']);
});

test('a recomputation is a new version; the first stays as it was, and the adjustment stays with the month', async () => {
  const first = await compute('2026-09', 'compute-2026-09-b', 'admin');
  expect(first.started).toBe(true);
  // The same Idempotency-Key again starts nothing.
  const again = await (await as(s.app, 'admin')).post('/api/v1/assessments/compute', { period: '2026-09' }, { 'idempotency-key': 'compute-2026-09-b' });
  expect(again.json()).toMatchObject({ started: false, workflowId: first.workflowId });
  const admin = await as(s.app, 'admin');
  const [latest] = (await admin.get('/api/v1/assessments?period=2026-09&compound=demo-fast')).json().items;
  expect(latest).toMatchObject({ version: 2, score: 61.67, adjustments: { total: -5, count: 1, items: [{ assessmentVersion: 1 }] } });
  const all = (await admin.get('/api/v1/assessments?period=2026-09&compound=demo-fast&versions=all')).json().items;
  expect(all.map((a: { version: number }) => a.version)).toEqual([2, 1]);
  const { rows } = await s.pool.query(`SELECT count(*)::int AS n FROM assessments WHERE period_start = '2026-09-01'`);
  expect(rows[0].n).toBe(16); // 8 compounds × 2 versions
  await expect(s.pool.query('UPDATE assessments SET score = 99 WHERE id = $1', [all[1].id])).rejects.toMatchObject({ code: RESTRICT_VIOLATION });
});

test('computing is for admins and the organisation department, and only for a month that has ended', async () => {
  expect((await (await as(s.app, 'community1')).post('/api/v1/assessments/compute', { period: '2026-09' })).statusCode).toBe(403);
  expect((await (await as(s.app, 'resident1')).post('/api/v1/assessments/compute', { period: '2026-09' })).statusCode).toBe(403);
  const future = await (await as(s.app, 'admin')).post('/api/v1/assessments/compute', { period: '2099-01' });
  expect(future.statusCode).toBe(400);
  expect(future.json().error.details[0].path).toBe('period');
});
