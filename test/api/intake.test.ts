// 民意收集 over HTTP: a resident (or staff for them) files a case and gets a tracking code, the routing and the
// deadlines; retries never make a second case; a case accepted is never lost.
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { reconcileOnce } from '../../services/reconciler';
import { eventually } from '../helpers/cases';
import { as, DEMO, DEMO_USERS, intakeBody, startApiStack, type ApiStack } from './helpers';

let s: ApiStack;
beforeAll(async () => {
  s = await startApiStack();
});
afterAll(async () => {
  await s?.close();
});

const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const png = `data:image/png;base64,${PNG_1X1}`;
const rowOf = async (caseId: string) => (await s.pool.query('SELECT * FROM cases WHERE id = $1', [caseId])).rows[0];

test('a resident files a case and gets its tracking code, routing and deadlines', async () => {
  const resident = await as(s.app, 'resident3');
  const res = await resident.post('/api/v1/cases', intakeBody(), { 'idempotency-key': `intake-${randomUUID()}` });
  expect(res.statusCode).toBe(201);
  const body = res.json();
  expect(res.headers.location).toBe(`/api/v1/cases/${body.caseId}`);
  expect(body).toEqual({
    caseId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    trackingCode: expect.stringMatching(/^\d{4}-[0-9A-Z]{6}$/),
    handler: {
      id: DEMO.siblingPropertyCompanyOrgId,
      kind: 'property_company',
      nameZh: '苏州湖景物业服务有限公司',
      nameEn: 'Lakeview Property Services Co.',
    },
    supervisor: {
      id: DEMO.communityOrgId,
      kind: 'community_committee',
      nameZh: '金鸡湖社区党委',
      nameEn: 'Jinji Lake Community Party Committee',
    },
    deadlines: [
      { kind: 'response', dueAt: expect.any(String) },
      { kind: 'resolution', dueAt: expect.any(String) },
    ],
  });
  // The deadlines promised at intake are the ones the workflow then runs on.
  const detail = await eventually(async () => {
    const d = (await resident.get(`/api/v1/cases/${body.caseId}`)).json();
    return d.status === 'dispatched' && d;
  });
  expect(detail.deadlines.map((d: { kind: string; dueAt: string }) => ({ kind: d.kind, dueAt: d.dueAt }))).toEqual(
    body.deadlines,
  );
  // The household and contact come from the resident's own records (党员联户 follows the household), so the contact is
  // verified; the case counts against the resident's own daily quota.
  expect(await rowOf(body.caseId)).toMatchObject({
    resident_user_id: DEMO_USERS.resident3,
    household_id: 'hh-lakeview-1-1-101',
    resident_name: '王芳',
    resident_phone: '13800000003',
    contact_verified: true,
    filed_by: DEMO_USERS.resident3,
  });
  expect(detail.contactVerified).toBe(true);
});

test('ten concurrent retries of one Idempotency-Key make exactly one case', async () => {
  const resident = await as(s.app, 'resident3');
  const key = `retry-${randomUUID()}`;
  const answers = await Promise.all(
    Array.from({ length: 10 }, () =>
      resident.post('/api/v1/cases', intakeBody({ description: '同一诉求重复提交十次' }), { 'idempotency-key': key }),
    ),
  );
  const codes = answers.map((a) => a.statusCode).sort();
  expect(codes).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
  const ids = new Set(answers.map((a) => a.json().caseId));
  expect(ids.size).toBe(1);
  const { rows } = await s.pool.query('SELECT id FROM cases WHERE intake_key = $1', [`${DEMO_USERS.resident3}:${key}`]);
  expect(rows).toEqual([{ id: [...ids][0] }]);
  // One workflow: its intake events are recorded once.
  const [caseId] = [...ids];
  await eventually(async () => (await rowOf(caseId)).status === 'dispatched');
  const events = await s.pool.query(
    `SELECT count(*)::int AS n FROM case_events WHERE case_id = $1 AND type = 'submitted'`,
    [caseId],
  );
  expect(events.rows[0].n).toBe(1);
});

test('a key reused for a different complaint is refused rather than answered with the first case', async () => {
  const resident = await as(s.app, 'resident3');
  const key = `reuse-${randomUUID()}`;
  expect((await resident.post('/api/v1/cases', intakeBody(), { 'idempotency-key': key })).statusCode).toBe(201);
  const other = await resident.post('/api/v1/cases', intakeBody({ description: '完全不同的另一件事情' }), {
    'idempotency-key': key,
  });
  expect(other.statusCode).toBe(409);
  expect(other.json().error.code).toBe('idempotency.key_reused');
});

test('a retry is answered with its case even after the reference data it was filed against changed', async () => {
  const resident = await as(s.app, 'resident3');
  const key = `retired-${randomUUID()}`;
  const first = await resident.post('/api/v1/cases', intakeBody({ categoryCode: 'parking' }), {
    'idempotency-key': key,
  });
  expect(first.statusCode).toBe(201);
  // Retired by plain SQL: the API's cache hears of it through Postgres (a new case in it is now refused).
  await s.pool.query("UPDATE categories SET active = false WHERE code = 'parking'");
  try {
    await eventually(
      async () => (await resident.post('/api/v1/cases', intakeBody({ categoryCode: 'parking' }))).statusCode === 400,
      5_000,
      50,
    );
    const retry = await resident.post('/api/v1/cases', intakeBody({ categoryCode: 'parking' }), {
      'idempotency-key': key,
    });
    expect(retry.statusCode).toBe(200);
    expect(retry.json().caseId).toBe(first.json().caseId);
  } finally {
    await s.pool.query("UPDATE categories SET active = true WHERE code = 'parking'");
  }
});

test('the same key from two users makes two cases: keys are scoped by submitter', async () => {
  const key = `shared-${randomUUID()}`;
  const a = await (await as(s.app, 'resident3')).post('/api/v1/cases', intakeBody(), { 'idempotency-key': key });
  const b = await (await as(s.app, 'community1')).post('/api/v1/cases', intakeBody(), { 'idempotency-key': key });
  expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
  expect(a.json().caseId).not.toBe(b.json().caseId);
});

test('a resident files only for themselves, their own household and its compound', async () => {
  const resident = await as(s.app, 'resident3');
  const forOther = await resident.post('/api/v1/cases', intakeBody({ residentUserId: DEMO_USERS.resident1 }));
  expect(forOther.statusCode).toBe(400);
  expect(forOther.json().error.details[0].path).toBe('residentUserId');
  const otherHousehold = await resident.post('/api/v1/cases', intakeBody({ householdId: 'hh-lakeview-2-1-302' }));
  expect(otherHousehold.statusCode).toBe(400);
  expect(otherHousehold.json().error.details[0].path).toBe('householdId');
  // About a compound where they have no household: refused (staff file about any compound they serve).
  const elsewhere = await resident.post('/api/v1/cases', intakeBody({ compoundCode: 'moonbay' }));
  expect(elsewhere.statusCode).toBe(400);
  expect(elsewhere.json().error.details[0].path).toBe('compoundCode');
});

test("staff file on a resident's behalf, or for a caller without an account", async () => {
  const community = await as(s.app, 'community1');
  const forResident = await community.post('/api/v1/cases', intakeBody({ residentUserId: DEMO_USERS.resident3 }));
  expect(forResident.statusCode).toBe(201);
  // The resident's household, but not their name and phone: those wait for the resident's confirmation.
  expect(await rowOf(forResident.json().caseId)).toMatchObject({
    resident_user_id: DEMO_USERS.resident3,
    household_id: 'hh-lakeview-1-1-101',
    resident_name: null,
    resident_phone: null,
    filed_by: DEMO_USERS.community1,
  });
  const listed = (await (await as(s.app, 'resident3')).get('/api/v1/cases?limit=100')).json();
  expect(listed.items.map((c: { id: string }) => c.id)).toContain(forResident.json().caseId);

  const phoneIn = await community.post(
    '/api/v1/cases',
    intakeBody({ contact: { name: '赵先生', phone: '13912345678' } }),
  );
  expect(phoneIn.statusCode).toBe(201);
  expect(await rowOf(phoneIn.json().caseId)).toMatchObject({
    resident_user_id: null,
    resident_name: '赵先生',
    resident_phone: '13912345678',
    contact_verified: false,
  });

  const notResident = await community.post('/api/v1/cases', intakeBody({ residentUserId: DEMO_USERS.handler1 }));
  expect(notResident.statusCode).toBe(400);
  expect(notResident.json().error.details[0].path).toBe('residentUserId');
});

test('photos are checked by content, stored once, and shown only to those who may see the case', async () => {
  const resident = await as(s.app, 'resident3');
  const res = await resident.post('/api/v1/cases', intakeBody({ photos: [png, png] }));
  expect(res.statusCode).toBe(201);
  const { photos } = await rowOf(res.json().caseId);
  expect(photos).toHaveLength(2);
  expect(photos[0]).toBe(photos[1]); // content-addressed: the same bytes are one file
  expect(fs.readdirSync(path.join(s.dataDir, 'photos')).filter((f) => !f.startsWith('.'))).toContain(photos[0]);

  const got = await resident.get(`/api/v1/cases/${res.json().caseId}/photos/${photos[0]}`);
  expect(got.statusCode).toBe(200);
  expect(got.headers['content-type']).toBe('image/png');
  // Stored as encoded again without metadata (test/api/photo-metadata.test.ts): the same picture, named by its own hash.
  expect(got.rawPayload.subarray(0, 8).equals(Buffer.from(PNG_1X1, 'base64').subarray(0, 8))).toBe(true);
  expect(photos[0]).toBe(`${createHash('sha256').update(got.rawPayload).digest('hex')}.png`);
  const stranger = await (await as(s.app, 'handler1')).get(`/api/v1/cases/${res.json().caseId}/photos/${photos[0]}`);
  expect(stranger.statusCode).toBe(404);

  const disguised = await resident.post(
    '/api/v1/cases',
    intakeBody({
      photos: [png, `data:image/png;base64,${Buffer.from('<script>alert(1)</script>').toString('base64')}`],
    }),
  );
  expect(disguised.statusCode).toBe(400);
  expect(disguised.json().error.details).toEqual([{ path: 'photos.1', issue: '文件内容与声明的图片类型不符' }]);
  const tooMany = await resident.post('/api/v1/cases', intakeBody({ photos: Array(10).fill(png) }));
  expect(tooMany.statusCode).toBe(400);
  expect(tooMany.json().error.details).toEqual([{ path: 'photos', issue: '最多 9 张照片' }]);
});

test('a resident looks a case up by its tracking code; another resident cannot', async () => {
  const resident = await as(s.app, 'resident3');
  const { trackingCode, caseId } = (await resident.post('/api/v1/cases', intakeBody())).json();
  const found = await resident.get(`/api/v1/cases/by-tracking-code/${trackingCode.toLowerCase()}`);
  expect(found.statusCode).toBe(200);
  expect(found.json()).toMatchObject({ id: caseId, trackingCode });
  expect((await (await as(s.app, 'resident1')).get(`/api/v1/cases/by-tracking-code/${trackingCode}`)).statusCode).toBe(
    404,
  );
});

test('reads come from Postgres and never wait on a worker: a new case is dispatched with its first events at once', async () => {
  const idle = await s.buildApp({ taskQueue: `nobody-polls-${randomUUID()}` });
  const resident = await as(idle, 'resident3');
  const filed = await resident.post('/api/v1/cases', intakeBody());
  expect(filed.statusCode).toBe(201);
  const read = await resident.get(`/api/v1/cases/${filed.json().caseId}`);
  expect(read.statusCode).toBe(200);
  // Intake writes the first events with the row (services/intake.ts), so no worker has to run for them.
  expect(read.json()).toMatchObject({ status: 'dispatched', stage: 'respond', handler: { id: expect.any(String) } });
  expect(read.json().timeline.map((e: { seq: number; type: string }) => [e.seq, e.type])).toEqual([
    [1, 'submitted'],
    [2, 'dispatched'],
  ]);
  expect(
    read
      .json()
      .deadlines.map((d: { kind: string }) => d.kind)
      .sort(),
  ).toEqual(['resolution', 'response']);
});

test('a started workflow is confirmed on its row shortly after the answer, so the reconciler leaves it alone', async () => {
  const res = await (await as(s.app, 'resident3')).post('/api/v1/cases', intakeBody());
  expect(res.statusCode).toBe(201);
  // services/started-marks.ts writes the flag in batches, off the answer's path.
  await eventually(async () => (await rowOf(res.json().caseId)).workflow_started === true, 5_000, 20);
  expect(await reconcileOnce({ pool: s.pool, temporal: s.t.client, taskQueue: s.t.taskQueue }, 0)).toBe(0);
});

test('a case whose workflow start failed after its row was written still completes', async () => {
  // The start fails after the row is written, as if the process died between the two (a namespace Temporal
  // does not know fails at once, where an unreachable server would first retry for ~20 s).
  const failing = new Client({ connection: s.t.connection, namespace: `missing-${randomUUID()}` });
  const broken = await s.buildApp({ temporal: failing });
  const key = `crash-${randomUUID()}`;
  const resident = await as(broken, 'resident3');
  const res = await resident.post('/api/v1/cases', intakeBody(), { 'idempotency-key': key });
  expect(res.statusCode).toBe(503);
  expect(res.headers['retry-after']).toBe('5');
  expect(res.json().error.code).toBe('case.unavailable');
  const { rows } = await s.pool.query('SELECT id, workflow_started FROM cases WHERE intake_key = $1', [
    `${DEMO_USERS.resident3}:${key}`,
  ]);
  expect(rows).toEqual([{ id: expect.any(String), workflow_started: false }]);
  const caseId = rows[0].id as string;
  // Until then an action on it cannot run: 503, retry later, rather than a misleading 404.
  const early = await (await as(s.app, 'handler2')).act(caseId, 'acknowledge');
  expect(early.statusCode).toBe(503);
  expect(early.json().error.code).toBe('case.unavailable');

  // The reconciler every worker runs starts the same workflow; the case then runs its whole loop.
  expect(
    await reconcileOnce({ pool: s.pool, temporal: s.t.client, taskQueue: s.t.taskQueue }, 0),
  ).toBeGreaterThanOrEqual(1);
  await eventually(async () => (await rowOf(caseId)).status === 'dispatched');
  const handler = await as(s.app, 'handler2');
  expect((await handler.act(caseId, 'acknowledge')).statusCode).toBe(200);
  expect((await handler.act(caseId, 'resolve', { summary: '已更换楼道灯' })).statusCode).toBe(200);
  const closed = await (
    await as(s.app, 'resident3')
  ).act(caseId, 'evaluate', { satisfaction: 'satisfied', solved: true });
  expect(closed.json()).toMatchObject({ status: 'closed', stage: 'closed' });
  // And the client's retry with its key gets that same case.
  const retried = await (await as(s.app, 'resident3')).post('/api/v1/cases', intakeBody(), { 'idempotency-key': key });
  expect(retried.statusCode).toBe(200);
  expect(retried.json().caseId).toBe(caseId);
});
