// Loop actions over HTTP: each illegal move answers 409 with its reason, retries are applied once, and an action
// no worker answers is 503 and then applied exactly once. (Success, 403 and 404 for every user × action are in
// authorization.test.ts.)
import { randomUUID } from 'node:crypto';
import { ACTION_TYPES, type ActionType } from '../../domain/actions';
import type { DemoUsername } from '../../db/seed-data';
import { eventually } from '../helpers/cases';
import { startWorker } from '../helpers/stack';
import { as, intakeBody, startApiStack, type ApiStack } from './helpers';

let s: ApiStack;
beforeAll(async () => {
  // A case per illegal action and more, all filed by resident3: beyond a resident's daily intake quota.
  s = await startApiStack({ config: { INTAKE_QUOTA_RESIDENT_PER_DAY: 1_000 } });
});
afterAll(async () => {
  await s?.close();
});

const path = (a: ActionType) => a.replace(/_/g, '-');

async function fileCase(app = s.app): Promise<string> {
  const res = await (await as(app, 'resident3')).post('/api/v1/cases', intakeBody());
  expect(res.statusCode).toBe(201);
  return res.json().caseId;
}

async function act(user: DemoUsername, caseId: string, action: ActionType, body: object = {}, key?: string) {
  return (await as(s.app, user)).act(caseId, path(action), body, key);
}

type Step = [DemoUsername, ActionType, object?];
const ACK: Step = ['handler2', 'acknowledge'];
const RESOLVE: Step = ['handler2', 'resolve', { summary: '已修好' }];
const WITHDRAW: Step = ['resident3', 'withdraw'];
const ESCALATE: Step = ['community1', 'escalate', { reason: '上报' }];

/** An open lakeview case to merge into (its compound is the one fileCase files in). */
let primary: string;
beforeAll(async () => {
  primary = await fileCase();
});

/**
 * For each action: who tries it, after which steps, and the reason it is illegal then. Each is tried by someone who
 * may take it at the level the case is at, so the answer is about the case's state, not about who asks (403s are in
 * authorization.test.ts).
 */
const ILLEGAL: Array<[ActionType, DemoUsername, Step[], object | (() => object), string]> = [
  ['acknowledge', 'handler2', [ACK], {}, 'only a dispatched case can be acknowledged'],
  ['progress', 'handler2', [], { note: '进展' }, 'acknowledge the case first'],
  ['resolve', 'handler2', [], { summary: '办结' }, 'acknowledge the case before resolving it'],
  [
    'request_extension',
    'handler2',
    [ACK, RESOLVE],
    { deadline: 'resolution', extendBy: { unit: 'hours', amount: 4 }, reason: '缺件' },
    'no running resolution deadline',
  ],
  ['decide_extension', 'community1', [], { approve: true }, 'no extension request is pending'],
  ['return', 'handler2', [ACK, RESOLVE], { reason: '非本单位职责' }, 'only a case being handled can be returned'],
  [
    'decide_return',
    'community1',
    [],
    { decision: 'refuse', reason: '属于物业职责' },
    'no return is waiting for a decision',
  ],
  [
    'reroute',
    'community1',
    [ACK, RESOLVE],
    { handlerOrgId: 'oc-lakeview', reason: '改派' },
    'a resolved case cannot be re-routed',
  ],
  ['request_pause', 'handler2', [ACK, RESOLVE], { reason: '等待住户开门' }, 'only a case being handled can be paused'],
  ['decide_pause', 'community1', [], { approve: true }, 'no pause is waiting for a decision'],
  ['resume', 'handler2', [], {}, 'the case is not paused'],
  ['assign_follow_up', 'community1', [WITHDRAW], {}, 'the case is closed'],
  ['record_follow_up', 'community1', [], { findings: '现场查看' }, 'no follow-up owner has been assigned'],
  ['urge', 'community1', [ACK, RESOLVE], { message: '请尽快' }, 'only an open case can be urged'],
  ['escalate', 'street1', [ESCALATE], { reason: '再上报' }, 'the case is already above the community level'],
  ['report', 'community1', [], { reason: '报告' }, 'only a case at street level can be reported'],
  [
    'forward',
    'street1',
    [ESCALATE],
    { departmentOrgId: 'dept-housing', reason: '转交' },
    'only a case at the organisation department can be forwarded',
  ],
  ['take_over', 'street1', [ACK, RESOLVE], { reason: '提级督办' }, 'a resolved case cannot be taken over'],
  [
    'merge',
    'community1',
    [ACK, RESOLVE],
    () => ({ primaryCaseId: primary, reason: '同一问题' }),
    'only a case being handled can be merged',
  ],
  ['evaluate', 'resident3', [], { satisfaction: 'satisfied', solved: true }, 'the case is not resolved yet'],
  [
    'record_callback',
    'community1',
    [],
    { channel: 'phone', satisfaction: 'satisfied', solved: true },
    'the case is not resolved yet',
  ],
  ['add_information', 'resident3', [WITHDRAW], { text: '补充' }, 'the case is closed'],
  ['withdraw', 'resident3', [ACK, RESOLVE], {}, 'a resolved case cannot be withdrawn'],
  ['close', 'community1', [WITHDRAW], { ground: 'duplicate', reason: '关闭' }, 'the case is closed'],
  // Nobody closes a resolved case that waits for the resident's evaluation (DOMAIN.md "Who controls a case").
  [
    'close',
    'community1',
    [ACK, RESOLVE],
    { ground: 'duplicate', reason: '重复工单' },
    'a resolved case waits for the resident’s evaluation',
  ],
  [
    'close',
    'community1',
    [],
    { ground: 'verified_unreasonable', reason: '诉求不合理' },
    'only a case still unsatisfied after rework can be closed as unreasonable',
  ],
];

test.each(ILLEGAL)('%s by %s when illegal → 409 with the reason', async (action, user, steps, body, reason) => {
  const caseId = await fileCase();
  for (const [who, step, stepBody] of steps) expect((await act(who, caseId, step, stepBody)).statusCode).toBe(200);
  await eventually(
    async () => (await s.pool.query('SELECT last_seq FROM cases WHERE id = $1', [caseId])).rows[0].last_seq >= 2,
  );
  const before = await s.pool.query('SELECT count(*)::int AS n FROM case_events WHERE case_id = $1', [caseId]);
  const res = await (
    await as(s.app, user)
  ).act(caseId, path(action), typeof body === 'function' ? body() : body, randomUUID(), { 'accept-language': 'en' });
  expect(res.statusCode).toBe(409);
  expect(res.json()).toEqual({ error: { code: 'case.illegal_transition', message: reason, details: [] } });
  const after = await s.pool.query('SELECT count(*)::int AS n FROM case_events WHERE case_id = $1', [caseId]);
  expect(after.rows[0].n).toBe(before.rows[0].n);
});

test('every action has an illegal-state row above', () => {
  expect(new Set(ILLEGAL.map(([a]) => a))).toEqual(new Set(ACTION_TYPES));
});

test('an action on a case that does not exist is a 404', async () => {
  const res = await act('handler2', randomUUID(), 'acknowledge');
  expect(res.statusCode).toBe(404);
  expect(res.json().error.code).toBe('case.not_found');
});

// A return (回退) leaves the case with its handler until the supervisor decides; a re-route moves it on, and the
// handler it leaves keeps seeing it (cases.handler_history) without acting on it any more.
test('a returned case stays with its handler until re-routed; the handler it left still sees it (not 404) and may not act (403)', async () => {
  const caseId = await fileCase();
  const returned = await act('handler2', caseId, 'return', { reason: '非本单位职责' });
  expect(returned.json()).toMatchObject({ status: 'returned', level: 'community_committee' });
  const handler = await as(s.app, 'handler2');
  const detail = (await handler.get(`/api/v1/cases/${caseId}`)).json();
  expect(detail).toMatchObject({
    status: 'returned',
    handler: { id: 'pc-lakeview' },
    pendingRequest: { kind: 'return', reason: '非本单位职责' },
  });
  // A return never stops the handler's clock: its deadlines stand beside the supervisor's decision deadline.
  expect(detail.deadlines.map((d: { kind: string }) => d.kind).sort()).toEqual(['decision', 'resolution', 'response']);

  const rerouted = await act('community1', caseId, 'decide_return', {
    decision: 'reroute',
    handlerOrgId: 'oc-lakeview',
    reason: '业委会负责',
  });
  expect(rerouted.json()).toMatchObject({ status: 'dispatched' });
  expect(rerouted.json().events.map((e: { type: string }) => e.type)).toEqual(['return_decided', 'dispatched']);
  expect((await handler.get(`/api/v1/cases/${caseId}`)).statusCode).toBe(200);
  const res = await act('handler2', caseId, 'progress', { note: '仍在跟进' });
  expect(res.statusCode).toBe(403);
  expect(res.json().error.code).toBe('case.forbidden');
  // Another company never handled it: the same case is not there for it.
  expect((await act('handler1', caseId, 'progress', { note: '仍在跟进' })).statusCode).toBe(404);
});

test('a closed case answers 409 to those who see it and 404 to those who do not', async () => {
  const caseId = await fileCase();
  expect((await act('resident3', caseId, 'withdraw')).statusCode).toBe(200);
  await eventually(
    async () => (await s.t.client.workflow.getHandle(`case-${caseId}`).describe()).status.name === 'COMPLETED',
  );
  const seen = await act('community1', caseId, 'urge', { message: '请尽快' });
  expect(seen.statusCode).toBe(409);
  expect(seen.json().error.code).toBe('case.illegal_transition');
  const unseen = await act('handler1', caseId, 'urge', { message: '请尽快' });
  expect(unseen.statusCode).toBe(404);
  expect(unseen.json().error.code).toBe('case.not_found');
});

test('a case id in capitals names the same case', async () => {
  const caseId = await fileCase();
  const res = await act('handler2', caseId.toUpperCase(), 'acknowledge');
  expect(res.statusCode).toBe(200);
  expect(res.json().caseId).toBe(caseId);
});

test('a retried action with the same Idempotency-Key is applied once and answers the same', async () => {
  const caseId = await fileCase();
  const key = `ack-${randomUUID()}`;
  const answers = await Promise.all(
    Array.from({ length: 5 }, () => act('handler2', caseId, 'acknowledge', { note: '已联系' }, key)),
  );
  expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200, 200]);
  expect(new Set(answers.map((a) => a.body)).size).toBe(1);
  const { rows } = await s.pool.query(
    `SELECT count(*)::int AS n FROM case_events WHERE case_id = $1 AND type = 'acknowledged'`,
    [caseId],
  );
  expect(rows[0].n).toBe(1);
});

test("the same key on a different action is a different request, not the first one's answer", async () => {
  const caseId = await fileCase();
  const key = `same-${randomUUID()}`;
  expect((await act('handler2', caseId, 'acknowledge', {}, key)).json().events).toEqual([
    { seq: 3, type: 'acknowledged' },
  ]);
  const progress = await act('handler2', caseId, 'progress', { note: '维修中' }, key);
  expect(progress.json().events).toEqual([{ seq: 4, type: 'progress_reported' }]);
});

test('actions whose fields are all optional may be posted without a body', async () => {
  const caseId = await fileCase();
  const res = await (
    await as(s.app, 'handler2')
  ).post(`/api/v1/cases/${caseId}/acknowledge`, undefined, { 'idempotency-key': randomUUID() });
  expect(res.statusCode).toBe(200);
  expect(res.json()).toMatchObject({ status: 'acknowledged', stage: 'respond', level: 'community_committee' });
});

test('organisations named in a body must exist and be of the right kind', async () => {
  const caseId = await fileCase();
  const reroute = await act('community1', caseId, 'reroute', { handlerOrgId: 'comm-xinghai', reason: '改派' });
  expect(reroute.statusCode).toBe(400);
  expect(reroute.json().error.details[0].path).toBe('handlerOrgId');
  const owner = await act('community1', caseId, 'assign_follow_up', {
    owner: { kind: 'party_member', id: 'p-handler1' },
  });
  expect(owner.statusCode).toBe(400);
  expect(owner.json().error.details[0].path).toBe('owner.id');
  const grid = await act('community1', caseId, 'assign_follow_up', {
    owner: { kind: 'grid_branch', id: 'grid-jinji-2' },
  });
  expect(grid.statusCode).toBe(200);
  // The grid branch's members now see the case: follow-up owners may see what they follow.
  expect((await (await as(s.app, 'member2')).get(`/api/v1/cases/${caseId}`)).statusCode).toBe(200);
});

test("an escalated case runs up the ladder to a functional department's Party organisation, which then supervises it", async () => {
  const caseId = await fileCase();
  expect((await act('community1', caseId, 'escalate', { reason: '物业拒不处理' })).json()).toMatchObject({
    level: 'street_committee',
    stage: 'follow_up',
  });
  expect((await act('street1', caseId, 'report', { reason: '涉及住建' })).json()).toMatchObject({
    level: 'organization_department',
  });
  // Forwarding changes who supervises, not who handles: the company still owes the work.
  expect(
    (await act('orgdept1', caseId, 'forward', { departmentOrgId: 'dept-housing', reason: '转住建' })).json(),
  ).toMatchObject({ level: 'functional_department', status: 'dispatched' });
  const detail = (await (await as(s.app, 'department2')).get(`/api/v1/cases/${caseId}`)).json();
  expect(detail).toMatchObject({ handler: { id: 'pc-lakeview' }, level: 'functional_department' });
  // The department's staff supervise at that level (补位不越位: they urge, they do not handle)…
  expect((await act('department2', caseId, 'acknowledge')).statusCode).toBe(403);
  expect((await act('department2', caseId, 'urge', { message: '请物业三日内处理' })).statusCode).toBe(200);
  // …and the handler acknowledges as before.
  expect((await act('handler2', caseId, 'acknowledge')).statusCode).toBe(200);
  // The levels below keep seeing it (DOMAIN.md: the lower level stays able to see the case), but decide no more.
  for (const user of ['community1', 'street1', 'orgdept1'] as const)
    expect((await (await as(s.app, user)).get(`/api/v1/cases/${caseId}`)).statusCode).toBe(200);
  expect(
    (await act('orgdept1', caseId, 'forward', { departmentOrgId: 'dept-urban', reason: '改转城管' })).statusCode,
  ).toBe(403);
});

test('an action no worker answers in time is 503 with Retry-After, then applied exactly once on retry', async () => {
  const queue = `late-worker-${randomUUID()}`;
  const app = await s.buildApp({ taskQueue: queue, actionTimeoutMs: 1500 });
  const caseId = await fileCase(app);
  const handler = await as(app, 'handler2');
  const key = `late-${randomUUID()}`;
  const first = await handler.act(caseId, 'acknowledge', { note: '已联系' }, key);
  expect(first.statusCode).toBe(503);
  expect(first.headers['retry-after']).toBe('5');
  expect(first.json().error.code).toBe('case.unavailable');

  const worker = await startWorker({ ...s.t, taskQueue: queue }, s.pool);
  try {
    const retried = await handler.act(caseId, 'acknowledge', { note: '已联系' }, key);
    expect(retried.statusCode).toBe(200);
    const again = await handler.act(caseId, 'acknowledge', { note: '已联系' }, key);
    expect(again.body).toBe(retried.body);
    const { rows } = await s.pool.query(
      `SELECT count(*)::int AS n FROM case_events WHERE case_id = $1 AND type = 'acknowledged'`,
      [caseId],
    );
    expect(rows[0].n).toBe(1);
  } finally {
    await worker.stop();
  }
});
