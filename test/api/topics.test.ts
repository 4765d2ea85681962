// Governance topics over HTTP, as each party would try them: a community reaching into another community's
// compound, a due date in the past, a handler closing, a task completed twice, a close with tasks undone, a
// stranger reading the topic, and what the public list lets out.
import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import { reconcileOnce } from '../../services/reconciler';
import { startDispatcher } from '../../services/delivery/dispatcher';
import { inAppChannel } from '../../services/delivery/in-app-channel';
import { as, DEMO, intakeBody, startApiStack, testConfig, type ApiStack } from './helpers';

let s: ApiStack;
beforeAll(async () => {
  s = await startApiStack({ app: { public: { cacheTtlMs: 0 } } });
});
afterAll(async () => {
  await s?.close();
});

const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();
/** Over lakeview, whose dues here run in days: no timer fires during the test. */
const topicBody = (over: Record<string, unknown> = {}) => ({
  title: '湖景华庭 1 号楼楼道照明',
  scope: { compoundCodes: [DEMO.siblingCompound], categoryCode: 'repairs' },
  ownerOrgId: DEMO.siblingPropertyCompanyOrgId,
  dueAt: inDays(30),
  tasks: [
    { title: '更换全部灯具', ownerOrgId: DEMO.siblingPropertyCompanyOrgId, dueAt: inDays(10) },
    { title: '社区验收', ownerOrgId: DEMO.communityOrgId, dueAt: inDays(20) },
  ],
  ...over,
});
const post = async (user: Parameters<typeof as>[1], url: string, body: unknown, key = randomUUID()) =>
  (await as(s.app, user)).post(url, body, { 'idempotency-key': key });
/** Runs the in-app dispatcher until the outbox is empty, then reads the user's inbox. */
async function deliveredTo(user: Parameters<typeof as>[1]) {
  const dispatcher = startDispatcher({
    pool: s.pool,
    config: testConfig(s.dataDir),
    channels: [inAppChannel()],
    log: () => undefined,
    listen: false,
  });
  try {
    await dispatcher.drain();
  } finally {
    await dispatcher.stop();
  }
  const inbox = await (await as(s.app, user)).get('/api/v1/notifications?limit=50');
  return inbox.json().items as { template: string; topicId: string | null; body: string }[];
}
const paths = (res: { json(): { error: { details: { path: string }[] } } }) =>
  res.json().error.details.map((d) => d.path);

test('a community supervisor may not open a topic over another community’s compound, nor name its company', async () => {
  const res = await post(
    'community1',
    '/api/v1/topics',
    topicBody({
      scope: { compoundCodes: [DEMO.siblingCompound, 'xinghai-garden'] },
      ownerOrgId: 'pc-xinghai-garden',
    }),
  );
  expect(res.statusCode).toBe(400);
  expect(paths(res).sort()).toEqual(['ownerOrgId', 'scope.compoundCodes.1']);
});

test('a due date in the past, or a task due after its topic, is a 400 naming the field', async () => {
  const res = await post(
    'community1',
    '/api/v1/topics',
    topicBody({
      dueAt: new Date(Date.now() - 60_000).toISOString(),
    }),
  );
  expect(res.statusCode).toBe(400);
  expect(paths(res)).toContain('dueAt');
  const late = await post(
    'community1',
    '/api/v1/topics',
    topicBody({
      tasks: [{ title: 'x', ownerOrgId: DEMO.siblingPropertyCompanyOrgId, dueAt: inDays(40) }],
    }),
  );
  expect(paths(late)).toEqual(['tasks.0.dueAt']);
});

test('a handler or a resident may not open a topic', async () => {
  expect((await post('handler2', '/api/v1/topics', topicBody())).statusCode).toBe(403);
  expect((await post('resident1', '/api/v1/topics', topicBody())).statusCode).toBe(403);
});

test('a topic runs from opening to closing: scoped reads, idempotent steps, a handler refused, the effect and the public list', async () => {
  const resident3 = await as(s.app, 'resident3');
  const filed = await resident3.post('/api/v1/cases', intakeBody(), { 'idempotency-key': randomUUID() });
  expect(filed.statusCode).toBe(201);
  const caseId = filed.json().caseId as string;

  const key = randomUUID();
  const body = topicBody();
  const opened = await post('community1', '/api/v1/topics', body, key);
  expect(opened.statusCode).toBe(201);
  const id = opened.json().id as string;
  expect(opened.json()).toMatchObject({ status: 'open', tasks: { total: 2, done: 0 }, effect: null });
  expect(opened.json().linkedCases.map((c: { id: string }) => c.id)).toEqual([caseId]);
  // The same Idempotency-Key opens nothing new; used again for another topic, it is a client's mistake to hear of.
  const again = await post('community1', '/api/v1/topics', body, key);
  expect([again.statusCode, again.json().id]).toEqual([200, id]);
  const other = await post('community1', '/api/v1/topics', { ...body, title: '湖景华庭 1 号楼门禁' }, key);
  expect([other.statusCode, other.json().error.code]).toEqual([409, 'idempotency.key_reused']);
  const same = await s.pool.query('SELECT count(*)::int AS n FROM topics WHERE open_key LIKE $1', [`%:${key}`]);
  expect(same.rows[0].n).toBe(1);

  // Who sees it: the supervisor, the street above, the owner; not a handler or a community that takes no part.
  for (const [user, code] of [
    ['street1', 200],
    ['handler2', 200],
    ['handler1', 404],
    ['community2', 404],
  ] as const)
    expect([user, (await (await as(s.app, user)).get(`/api/v1/topics/${id}`)).statusCode]).toEqual([user, code]);
  const listed = await (await as(s.app, 'handler1')).get('/api/v1/topics?status=all');
  expect(listed.json().items.map((t: { id: string }) => t.id)).not.toContain(id);
  // The case's complainant sees the topic its case belongs to.
  const ofCase = await resident3.get(`/api/v1/cases/${caseId}/topics`);
  expect(ofCase.json().items.map((t: { id: string }) => t.id)).toEqual([id]);

  // A task completed twice under two keys is one event; the owner of another task may not complete it.
  const complete = (user: Parameters<typeof as>[1], task: string) =>
    post(user, `/api/v1/topics/${id}/tasks/${task}/complete`, { note: '已完成' });
  expect((await complete('handler2', 't1')).statusCode).toBe(200);
  const twice = await complete('handler2', 't1');
  expect([twice.statusCode, twice.json().events]).toEqual([200, []]);
  expect((await complete('handler2', 't2')).statusCode).toBe(403);

  // A handler never closes; the supervisor closes with a task undone only with a reason.
  expect((await post('handler2', `/api/v1/topics/${id}/close`, { summary: '完成' })).statusCode).toBe(403);
  const undone = await post('community1', `/api/v1/topics/${id}/close`, { summary: '完成' });
  expect([undone.statusCode, undone.json().error.code]).toEqual([409, 'topic.tasks_undone']);
  const closed = await post('community1', `/api/v1/topics/${id}/close`, {
    summary: '灯具已全部更换，王阿姨家门口也亮了',
    reason: '验收并入月度检查',
  });
  expect(closed.json()).toMatchObject({ status: 'closed' });
  expect((await post('community1', `/api/v1/topics/${id}/progress`, { note: 'x' })).statusCode).toBe(409);

  const detail = (await (await as(s.app, 'community1')).get(`/api/v1/topics/${id}`)).json();
  expect(detail.timeline.map((e: { type: string }) => e.type)).toEqual(['opened', 'task_completed', 'closed']);
  expect(detail.effect).toMatchObject({
    windowDays: 90,
    before: { cases: 1 },
    after: { cases: 0 },
    afterComplete: false,
  });
  expect(JSON.stringify(detail.timeline)).not.toMatch(/u-(community|handler|resident)/);

  const pub = await s.app.inject({ method: 'GET', url: '/api/v1/public/topics' });
  const item = pub.json().items.find((t: { id: string }) => t.id === id);
  expect(item).toMatchObject({
    title: '湖景华庭 1 号楼楼道照明',
    category: { code: 'repairs' },
    effect: { before: { cases: 1 } },
  });
  // The closing summary is staff's prose and may name a resident: it is not published.
  expect(pub.body).not.toContain('王阿姨');
});

test('a topic notice reaches its owner’s inbox naming the topic, so the bell opens the topic itself', async () => {
  const opened = await post('community1', '/api/v1/topics', topicBody({ title: '湖景华庭 2 号楼外墙渗水' }));
  expect(opened.statusCode).toBe(201);
  const topicId = opened.json().id as string;
  const notice = (await deliveredTo('handler2')).find((n) => n.topicId === topicId);
  expect(notice).toMatchObject({ template: 'topic_opened', topicId });
  expect(notice?.body).toContain('湖景华庭 2 号楼外墙渗水');
});

test('a topic whose workflow start failed after its row was written is started by the reconciler, and runs', async () => {
  // As if the process died between the two: a namespace Temporal does not know fails the start at once.
  const failing = new Client({ connection: s.t.connection, namespace: `missing-${randomUUID()}` });
  const broken = await s.buildApp({ temporal: failing });
  const key = randomUUID();
  const body = topicBody({ title: '湖景华庭 3 号楼楼顶防水' });
  const res = await (await as(broken, 'community1')).post('/api/v1/topics', body, { 'idempotency-key': key });
  expect(res.statusCode).toBe(503);
  expect(res.json().error.code).toBe('topic.unavailable');
  const { rows } = await s.pool.query('SELECT id, workflow_started FROM topics WHERE title = $1', [
    '湖景华庭 3 号楼楼顶防水',
  ]);
  expect(rows).toEqual([{ id: expect.any(String), workflow_started: false }]);
  const id = rows[0].id as string;

  const deps = { pool: s.pool, temporal: s.t.client, taskQueue: s.t.taskQueue };
  expect(await reconcileOnce(deps, 0)).toBeGreaterThanOrEqual(1);
  expect((await s.t.client.workflow.getHandle(`topic-${id}`).describe()).status.name).toBe('RUNNING');
  expect((await s.pool.query('SELECT workflow_started FROM topics WHERE id = $1', [id])).rows[0]).toEqual({
    workflow_started: true,
  });
  // The retry with the same key answers the same topic; its actions now reach the workflow.
  const retry = await post('community1', '/api/v1/topics', body, key);
  expect(retry.statusCode).toBe(200);
  expect(retry.json().id).toBe(id);
  const progress = await post('community1', `/api/v1/topics/${id}/progress`, { note: '已联系防水施工单位' });
  expect(progress.statusCode).toBe(200);
  await broken.close();
});

test('a task left undone past its 督办 due: the topic page shows the running due and the rung, and the organisation department is told', async () => {
  // Over demo-fast, whose agreement counts in seconds: the task's due at 2 s, the 督办 cadence 15 s.
  const now = Date.now();
  const opened = await post('community1', '/api/v1/topics', {
    title: '2 号楼屋面渗漏专项',
    scope: { compoundCodes: [DEMO.compound], categoryCode: 'leak' },
    ownerOrgId: DEMO.propertyCompanyOrgId,
    dueAt: new Date(now + 10 * 60_000).toISOString(),
    tasks: [
      { title: '屋面防水修补', ownerOrgId: DEMO.propertyCompanyOrgId, dueAt: new Date(now + 2_000).toISOString() },
    ],
  });
  expect(opened.statusCode).toBe(201);
  const id = opened.json().id as string;
  const community1 = await as(s.app, 'community1');
  const page = async () => (await community1.get(`/api/v1/topics/${id}`)).json();
  const deadline = Date.now() + 60_000;
  let topic = await page();
  while (topic.taskList[0].supervision?.misses !== 2 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 300));
    topic = await page();
  }
  const task = topic.taskList[0];
  expect(task.supervision).toMatchObject({ misses: 2 });
  const breaches = (
    topic.timeline as { type: string; escalatedTo: { id: string } | null; superviseDueAt: string | null }[]
  ).filter((e) => e.type === 'breached');
  expect(breaches.map((e) => e.escalatedTo?.id)).toEqual([DEMO.streetOrgId, DEMO.organizationDepartmentId]);
  for (const e of breaches) expect(e.superviseDueAt).not.toBeNull();
  // The running due is the one the last miss set, a cadence after it: not the first's, and not the task's own.
  expect(task.supervision.dueAt).toBe(breaches[1].superviseDueAt);
  expect(task.supervision.dueAt).not.toBe(breaches[0].superviseDueAt);
  // The topic itself is not yet due: no supervision of its own.
  expect(topic.supervision).toBeNull();

  const notice = (await deliveredTo('orgdept1')).find(
    (n) => n.topicId === id && n.template === 'topic_supervision_missed',
  );
  expect(notice?.body).toContain('2 号楼屋面渗漏专项');
  expect(notice?.body).toMatch(/下一督办期限 \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);

  const done = await post('handler1', `/api/v1/topics/${id}/tasks/t1/complete`, { note: '已修补' });
  expect(done.statusCode).toBeLessThan(300);
  expect((await page()).taskList[0].supervision).toBeNull();
});
