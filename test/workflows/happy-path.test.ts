import type { Pool } from 'pg';
import {
  connectTemporal,
  createTestDatabase,
  startWorker,
  type RunningWorker,
  type TestTemporal,
} from '../helpers/stack';
import { actors, assertGapFree, eventually, loop } from '../helpers/cases';

let pool: Pool;
let t: TestTemporal;
let w: RunningWorker;

beforeAll(async () => {
  ({ pool } = await createTestDatabase());
  t = await connectTemporal();
  w = await startWorker(t, pool);
});
afterAll(async () => {
  await w?.stop();
  await t?.close();
  await pool?.end();
});

test('a case from intake to closed-satisfied leaves a complete, gap-free timeline', async () => {
  const l = loop(t, pool);
  const filed = await l.file();
  expect(filed.intake.handlerOrgId).toBe(actors.handler1.organizationId);
  await eventually(async () => (await l.row(filed.caseId))?.status === 'dispatched');

  await l.act(filed.caseId, actors.handler1, { type: 'acknowledge', note: '已联系业主' });
  await l.act(filed.caseId, actors.community1, { type: 'assign_follow_up' });
  await l.act(filed.caseId, actors.member1, { type: 'record_follow_up', findings: '现场核实电梯已停运', onSite: true });
  await l.act(filed.caseId, actors.handler1, { type: 'progress', note: '维保单位已到场' });
  const resolved = await l.act(filed.caseId, actors.handler1, { type: 'resolve', summary: '更换控制板，电梯恢复运行' });
  expect(resolved.stage).toBe('evaluate');
  const closed = await l.act(filed.caseId, actors.resident1, {
    type: 'evaluate',
    satisfaction: 'satisfied',
    solved: true,
  });
  expect(closed.status).toBe('closed');

  const result = await t.client.workflow.getHandle(`case-${filed.caseId}`).result();
  expect(result.outcome).toBe('satisfied');
  const events = await l.events(filed.caseId);
  assertGapFree(events);
  expect(events.map((e) => e.type)).toEqual([
    'submitted',
    'dispatched',
    'acknowledged',
    'follow_up_assigned',
    'follow_up_recorded',
    'progress_reported',
    'resolved',
    'evaluated',
    'closed',
  ]);
  // The follow-up owner defaults to the party member linked to the household (党员联户).
  expect(events[3].payload).toMatchObject({ owner: { kind: 'party_member', id: 'p-member1' }, suggested: true });
  const row = await l.row(filed.caseId);
  expect(row).toMatchObject({
    status: 'closed',
    stage: 'closed',
    outcome: 'satisfied',
    satisfaction: 'satisfied',
    solved: true,
    last_seq: 9,
  });
});

test('a retried action with the same request id is applied once', async () => {
  const l = loop(t, pool);
  const filed = await l.file();
  const first = await l.act(filed.caseId, actors.handler1, { type: 'acknowledge' }, 'req-ack-1');
  const again = await l.act(filed.caseId, actors.handler1, { type: 'acknowledge' }, 'req-ack-1');
  expect(again).toEqual(first);
  const types = (await l.events(filed.caseId)).map((e) => e.type);
  expect(types.filter((x) => x === 'acknowledged')).toHaveLength(1);
});

test("a supervisor's attempt to resolve is rejected with a reason and nothing is written", async () => {
  const l = loop(t, pool);
  const filed = await l.file();
  await l.act(filed.caseId, actors.handler1, { type: 'acknowledge' });
  const before = await l.events(filed.caseId);
  await expect(l.act(filed.caseId, actors.community1, { type: 'resolve', summary: '代为办结' })).rejects.toMatchObject({
    kind: 'forbidden',
    message: expect.stringContaining('补位不越位'),
  });
  expect(await l.events(filed.caseId)).toEqual(before);
});

test('the Temporal UI can filter cases by level, community, handler and overdue; the ordinary path upserts nothing', async () => {
  const l = loop(t, pool);
  const filed = await l.file();
  await l.act(filed.caseId, actors.handler1, { type: 'acknowledge' });
  await l.act(filed.caseId, actors.community1, { type: 'assign_follow_up' });
  const find = (query: string) =>
    eventually(async () => {
      const ids: string[] = [];
      for await (const wf of t.client.workflow.list({ query: `WorkflowId = 'case-${filed.caseId}' AND ${query}` }))
        ids.push(wf.workflowId);
      return ids.length === 1 ? ids : undefined;
    }, 15_000);
  expect(
    await find(
      `RsLevel = 'community_committee' AND RsCommunity = 'comm-jinji' AND RsHandler = 'pc-demo-fast' AND RsOverdue = false`,
    ),
  ).toEqual([`case-${filed.caseId}`]);
  const handle = t.client.workflow.getHandle(`case-${filed.caseId}`);
  const upserts = async () =>
    (await handle.fetchHistory()).events!.filter((e) => e.upsertWorkflowSearchAttributesEventAttributes).length;
  // Revision 2: started with the triage attributes, which acknowledging and assigning a follow-up do not change.
  expect(await upserts()).toBe(0);
  // An escalation does change them: one upsert, and the UI finds the case at its new level.
  await l.act(filed.caseId, actors.community1, { type: 'escalate', reason: '需街道协调' });
  expect(await upserts()).toBe(1);
  expect(await find(`RsLevel = 'street_committee' AND RsOverdue = false`)).toEqual([`case-${filed.caseId}`]);
});

test('actions sent at once are each answered, with events already in Postgres, in one gap-free timeline', async () => {
  const l = loop(t, pool);
  const filed = await l.file();
  await l.act(filed.caseId, actors.handler1, { type: 'acknowledge' });
  // Six Updates in flight together: the workflow takes several in one activation and writes them in batches, and each
  // batch's write must answer every Update whose events it held (revision 1 resolves one promise per answer; answering
  // one per batch leaves the rest unanswered, which this test catches). That the answer follows the write is also
  // what the local activity inside the same workflow task gives on this fast path; the handler's wait is what holds
  // it when a write outlasts the task (Postgres down for seconds), which this test does not stage.
  const notes = ['一', '二', '三', '四', '五', '六'];
  const answers = await Promise.all(
    notes.map(async (n) => {
      const result = await l.act(filed.caseId, actors.handler1, { type: 'progress', note: `进展${n}` });
      const written = (await l.events(filed.caseId)).map((e) => e.seq);
      return { result, written };
    }),
  );
  for (const { result, written } of answers) {
    for (const e of result.events) expect(written).toContain(e.seq);
  }
  const seqs = answers.flatMap((a) => a.result.events.map((e) => e.seq)).sort((a, b) => a - b);
  expect(new Set(seqs).size).toBe(notes.length);
  const events = await l.events(filed.caseId);
  assertGapFree(events);
  expect(events.filter((e) => e.type === 'progress_reported')).toHaveLength(notes.length);
});
