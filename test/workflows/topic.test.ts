// A governance topic on the real stack: opened from the repeat problem three lift cases raise, its task and the
// topic itself run past their seconds-long dues on the real workflow, the breaches become accountability records
// and notices, a worker restart (the history replayed from scratch) writes none of them twice, and closing ends it.
// Under 督办 a task left undone after its breach is breached again at each cadence, reported a rung higher.
import { randomUUID } from 'node:crypto';
import { DEMO, DEMO_USERS } from '../../db/seed-data';
import type { Actor } from '../../domain/actions';
import { createTopicActivities } from '../../activities/topics';
import { topicWakeUp } from '../../domain/topic';
import { effectCounts, linkedCases } from '../../db/queries/topic-reads';
import { openTopicFor, performTopicAction } from '../../services/topics';
import { topicStatusQuery, topicWorkflowIdFor } from '../../workflows/messages';
import { actors, assertGapFree, eventually, loop } from '../helpers/cases';
import { useLoopSuite } from '../helpers/loop-suite';
import { startWorker } from '../helpers/stack';

const suite = useLoopSuite();
const community1: Actor = actors.community1;
const handler1: Actor = actors.handler1;

const records = async (topicId: string) =>
  (
    await suite().pool.query<{ organization_id: string; duty_code: string; level: string; case_id: string | null }>(
      'SELECT organization_id, duty_code, level, case_id FROM accountability_records WHERE topic_id = $1 ORDER BY created_at, id',
      [topicId],
    )
  ).rows;

test('a topic opened from a repeat problem breaches on the real workflow, once across a restart, and shows its effect when closed', async () => {
  const l = loop(suite().t, suite().pool);
  for (let i = 0; i < 3; i++) await l.file();
  const repeat = await eventually(async () => {
    const { rows } = await suite().pool.query<{ id: string }>(
      `SELECT id FROM repeat_problems WHERE compound_code = $1 AND category_code = 'lift' AND building = '1'`,
      [DEMO.compound],
    );
    return rows[0]?.id;
  }, 10_000);

  const deps = { pool: suite().pool, temporal: suite().t.client, taskQueue: suite().t.taskQueue };
  const now = Date.now();
  const { id } = await openTopicFor(
    deps,
    community1,
    {
      title: '1 号楼电梯反复停运',
      description: null,
      scope: {
        compoundCodes: [DEMO.compound],
        buildings: [{ compoundCode: DEMO.compound, building: '1' }],
        categoryCode: 'lift',
      },
      ownerOrgId: DEMO.propertyCompanyOrgId,
      dueAt: now + 4_000,
      tasks: [{ title: '更换控制柜', ownerOrgId: DEMO.propertyCompanyOrgId, dueAt: now + 2_000 }],
      fromRepeatProblemId: repeat,
    },
    `${DEMO_USERS.community1}:${randomUUID()}`,
  );
  const linked = await suite().pool.query('SELECT topic_id FROM repeat_problems WHERE id = $1', [repeat]);
  expect(linked.rows[0].topic_id).toBe(id);
  // The three open lift cases of building 1 were open when the topic opened: they are its cases.
  expect((await linkedCases(suite().pool, id)).length).toBe(3);

  // Both dues pass with nothing done: the task's owner and the topic's owner are charged, each once.
  await eventually(async () => (await records(id)).length === 2, 30_000, 100);
  expect(await records(id)).toEqual([
    {
      organization_id: DEMO.propertyCompanyOrgId,
      duty_code: 'property_company.topic_task_in_time',
      level: 'street_committee',
      case_id: null,
    },
    {
      organization_id: DEMO.propertyCompanyOrgId,
      duty_code: 'property_company.topic_task_in_time',
      level: 'street_committee',
      case_id: null,
    },
  ]);
  const notices = await suite().pool.query<{ org: string }>(
    `SELECT recipient->>'organizationId' AS org FROM notification_outbox WHERE template = 'topic_breach' AND payload->>'topicId' = $1`,
    [id],
  );
  // The owner, the supervising community and the street above it, for each breach.
  expect(notices.rows.map((r) => r.org).sort()).toEqual(
    [DEMO.propertyCompanyOrgId, DEMO.communityOrgId, DEMO.streetOrgId].flatMap((o) => [o, o]).sort(),
  );
  const opened = await suite().pool.query(
    `SELECT count(*)::int AS n FROM notification_outbox WHERE template = 'topic_opened' AND payload->>'topicId' = $1`,
    [id],
  );
  expect(opened.rows[0].n).toBe(1);

  // A new worker that keeps nothing cached replays the whole history for the next action: no breach twice.
  await suite().w.stop();
  suite().w = await startWorker(suite().t, suite().pool, { maxCachedWorkflows: 0 });
  const done = await performTopicAction(
    deps,
    id,
    handler1,
    { type: 'complete_task', taskId: 't1', note: '已更换' },
    'r1',
  );
  expect(done.events.map((e) => e.type)).toEqual(['task_completed']);
  // The activity retried with the breach events already written (as Temporal retries it) adds nothing either.
  const state = await suite().t.client.workflow.getHandle(topicWorkflowIdFor(id)).query(topicStatusQuery);
  const written = await suite().pool.query(
    'SELECT seq, type, actor, at, payload FROM topic_events WHERE topic_id = $1 ORDER BY seq',
    [id],
  );
  const breaches = written.rows
    .filter((e) => e.type === 'breached')
    .map((e) => ({ ...e.payload, seq: e.seq, type: e.type, actor: e.actor, at: Date.parse(e.at) }));
  const before = (await records(id)).length;
  await createTopicActivities({ pool: suite().pool }).recordTopicEvents({ events: breaches, state });
  expect((await records(id)).length).toBe(before);

  const closed = await performTopicAction(
    deps,
    id,
    community1,
    { type: 'close', summary: '控制柜已更换，运行正常' },
    'r2',
  );
  expect(closed.status).toBe('closed');
  await suite().t.client.workflow.getHandle(topicWorkflowIdFor(id)).result();
  const events = await suite().pool.query<{ seq: number; type: string }>(
    'SELECT seq, type FROM topic_events WHERE topic_id = $1 ORDER BY seq',
    [id],
  );
  assertGapFree(events.rows);
  // Each breach, the two at the dues and any 督办 due missed under a slow machine, is one record.
  expect(events.rows.filter((e) => e.type === 'breached').length).toBe((await records(id)).length);
  const row = (await suite().pool.query('SELECT status, opened_at, closed_at, summary FROM topics WHERE id = $1', [id]))
    .rows[0];
  expect(row).toMatchObject({ status: 'closed', summary: '控制柜已更换，运行正常' });
  // The repeat problem it answered ends with it: a fourth breakdown now would start a new one.
  const answered = await suite().pool.query('SELECT closed_at FROM repeat_problems WHERE id = $1', [repeat]);
  expect(answered.rows[0].closed_at).toEqual(row.closed_at);
  const effect = await effectCounts(
    suite().pool,
    id,
    { from: row.opened_at.getTime() - 90 * 86_400_000, to: row.opened_at.getTime() },
    { from: row.closed_at.getTime(), to: Date.now() },
  );
  expect(effect).toEqual({ before: 3, after: 0 });
  // Back to a worker with a cache: one that evicts after every activation loses local activities in flight.
  await suite().w.stop();
  suite().w = await startWorker(suite().t, suite().pool);
});

test('a task left undone after its breach misses its 督办 due too: breached again, reported to the organisation department, until it is done', async () => {
  const deps = { pool: suite().pool, temporal: suite().t.client, taskQueue: suite().t.taskQueue };
  const now = Date.now();
  const { id } = await openTopicFor(
    deps,
    community1,
    {
      title: '2 号楼屋面渗漏',
      description: null,
      scope: {
        compoundCodes: [DEMO.compound],
        buildings: [{ compoundCode: DEMO.compound, building: '2' }],
        categoryCode: 'leak',
      },
      ownerOrgId: DEMO.propertyCompanyOrgId,
      dueAt: now + 10 * 60_000,
      tasks: [{ title: '屋面防水修补', ownerOrgId: DEMO.propertyCompanyOrgId, dueAt: now + 2_000 }],
      fromRepeatProblemId: null,
    },
    `${DEMO_USERS.community1}:${randomUUID()}`,
  );
  // The demo agreement's 督办 cadence is 15 s: the task's due, then its first 督办 due, pass with nothing done.
  await eventually(async () => (await records(id)).length >= 2, 60_000, 200);
  const [first, second] = await records(id);
  expect(first).toMatchObject({ organization_id: DEMO.propertyCompanyOrgId, level: 'street_committee' });
  expect(second).toMatchObject({ organization_id: DEMO.propertyCompanyOrgId, level: 'organization_department' });
  const told = await suite().pool.query<{ org: string; template: string }>(
    `SELECT recipient->>'organizationId' AS org, template FROM notification_outbox
      WHERE payload->>'topicId' = $1 AND template IN ('topic_breach', 'topic_supervision_missed') ORDER BY id`,
    [id],
  );
  expect(
    told.rows
      .filter((r) => r.template === 'topic_breach')
      .map((r) => r.org)
      .sort(),
  ).toEqual([DEMO.propertyCompanyOrgId, DEMO.communityOrgId, DEMO.streetOrgId].sort());
  expect(told.rows.filter((r) => r.template === 'topic_supervision_missed').map((r) => r.org)).toContain(
    DEMO.organizationDepartmentId,
  );
  const row = (await suite().pool.query('SELECT tasks FROM topics WHERE id = $1', [id])).rows[0];
  expect(row.tasks[0]).toMatchObject({ misses: expect.any(Number), superviseDueAt: expect.any(Number) });
  expect(row.tasks[0].misses).toBeGreaterThanOrEqual(2);

  // Done, the task's 督办 ends: the clock now waits only for the topic's own due.
  await performTopicAction(deps, id, handler1, { type: 'complete_task', taskId: 't1', note: '已修补' }, `done-${id}`);
  const handle = suite().t.client.workflow.getHandle(topicWorkflowIdFor(id));
  const state = await handle.query(topicStatusQuery);
  expect(topicWakeUp(state, true)).toBeLessThanOrEqual(state.dueAt);
  expect(state.tasks[0].doneAt).not.toBeNull();
  const after = (await suite().pool.query('SELECT tasks FROM topics WHERE id = $1', [id])).rows[0];
  expect(after.tasks[0].superviseDueAt).toBeNull();
  await performTopicAction(deps, id, community1, { type: 'close', summary: '已修补完毕' }, `close-${id}`);
  await handle.result();
});
