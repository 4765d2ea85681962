// Loop actions over HTTP: each illegal move answers 409 with its reason, retries are applied once, and an action
// no worker answers is 503 and then applied exactly once. (Success, 403 and 404 for every user × action are in
// authorization.test.ts.)
import { randomUUID } from 'node:crypto';
import type { ActionType } from '../../domain/actions';
import type { DemoUsername } from '../../db/seed-data';
import { eventually } from '../helpers/cases';
import { startWorker } from '../helpers/stack';
import { as, intakeBody, startApiStack, type ApiStack } from './helpers';

let s: ApiStack;
beforeAll(async () => {
  s = await startApiStack();
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

/** For each action: who tries it, after which steps, and the reason it is illegal then. */
const ILLEGAL: Array<[ActionType, DemoUsername, Step[], object, string]> = [
  ['acknowledge', 'handler2', [ACK], {}, 'only a dispatched case can be acknowledged'],
  ['progress', 'handler2', [], { note: '进展' }, 'acknowledge the case first'],
  ['resolve', 'handler2', [], { summary: '办结' }, 'acknowledge the case before resolving it'],
  ['request_extension', 'handler2', [ACK, RESOLVE], { deadline: 'resolution', extendBy: { unit: 'hours', amount: 4 }, reason: '缺件' }, 'no running resolution deadline'],
  ['decide_extension', 'community1', [], { approve: true }, 'no extension request is pending'],
  ['return', 'handler2', [ACK, RESOLVE], { reason: '非本单位职责' }, 'only a case being handled can be returned'],
  ['reroute', 'community1', [ACK, RESOLVE], { handlerOrgId: 'oc-lakeview', reason: '改派' }, 'a resolved case cannot be re-routed'],
  ['assign_follow_up', 'community1', [WITHDRAW], {}, 'the case is closed'],
  ['record_follow_up', 'community1', [], { findings: '现场查看' }, 'no follow-up owner has been assigned'],
  ['urge', 'community1', [ACK, RESOLVE], { message: '请尽快' }, 'only an open case can be urged'],
  ['escalate', 'street1', [['community1', 'escalate', { reason: '上报' }]], { reason: '再上报' }, 'the case is already above the community level'],
  ['report', 'street1', [], { reason: '报告' }, 'only a case at street level can be reported'],
  ['forward', 'orgdept1', [], { departmentOrgId: 'dept-housing', reason: '转交' }, 'only a case at the organisation department can be forwarded'],
  ['evaluate', 'resident3', [], { satisfaction: 'satisfied', solved: true }, 'the case is not resolved yet'],
  ['add_information', 'resident3', [WITHDRAW], { text: '补充' }, 'the case is closed'],
  ['withdraw', 'resident3', [ACK, RESOLVE], {}, 'a resolved case cannot be withdrawn'],
  ['close', 'community1', [WITHDRAW], { reason: '关闭' }, 'the case is closed'],
];

test.each(ILLEGAL)('%s by %s when illegal → 409 with the reason', async (action, user, steps, body, reason) => {
  const caseId = await fileCase();
  for (const [who, step, stepBody] of steps) expect((await act(who, caseId, step, stepBody)).statusCode).toBe(200);
  await eventually(async () => (await s.pool.query('SELECT last_seq FROM cases WHERE id = $1', [caseId])).rows[0].last_seq >= 2);
  const before = await s.pool.query('SELECT count(*)::int AS n FROM case_events WHERE case_id = $1', [caseId]);
  const res = await (await as(s.app, user)).act(caseId, path(action), body, randomUUID(), { 'accept-language': 'en' });
  expect(res.statusCode).toBe(409);
  expect(res.json()).toEqual({ error: { code: 'case.illegal_transition', message: reason, details: [] } });
  const after = await s.pool.query('SELECT count(*)::int AS n FROM case_events WHERE case_id = $1', [caseId]);
  expect(after.rows[0].n).toBe(before.rows[0].n);
});

test('every action has an illegal-state row above', () => {
  expect(new Set(ILLEGAL.map(([a]) => a)).size).toBe(17);
});

test('an action on a case that does not exist is a 404', async () => {
  const res = await act('handler2', randomUUID(), 'acknowledge');
  expect(res.statusCode).toBe(404);
  expect(res.json().error.code).toBe('case.not_found');
});

// The workflow decides visibility from its own state; these are the answers it needs Postgres for.
test('a handler the case was returned from still sees it (not 404), and may no longer act on it (403)', async () => {
  const caseId = await fileCase();
  expect((await act('handler2', caseId, 'return', { reason: '非本单位职责' })).statusCode).toBe(200);
  expect((await (await as(s.app, 'handler2')).get(`/api/v1/cases/${caseId}`)).statusCode).toBe(200);
  const res = await act('handler2', caseId, 'progress', { note: '仍在跟进' });
  expect(res.statusCode).toBe(403);
  expect(res.json().error.code).toBe('case.forbidden');
  // Another company never handled it: the same case is not there for it.
  expect((await act('handler1', caseId, 'progress', { note: '仍在跟进' })).statusCode).toBe(404);
});

test('a closed case answers 409 to those who see it and 404 to those who do not', async () => {
  const caseId = await fileCase();
  expect((await act('resident3', caseId, 'withdraw')).statusCode).toBe(200);
  await eventually(async () => (await s.t.client.workflow.getHandle(`case-${caseId}`).describe()).status.name === 'COMPLETED');
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
  const answers = await Promise.all(Array.from({ length: 5 }, () => act('handler2', caseId, 'acknowledge', { note: '已联系' }, key)));
  expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200, 200]);
  expect(new Set(answers.map((a) => a.body)).size).toBe(1);
  const { rows } = await s.pool.query(`SELECT count(*)::int AS n FROM case_events WHERE case_id = $1 AND type = 'acknowledged'`, [caseId]);
  expect(rows[0].n).toBe(1);
});

test('the same key on a different action is a different request, not the first one\'s answer', async () => {
  const caseId = await fileCase();
  const key = `same-${randomUUID()}`;
  expect((await act('handler2', caseId, 'acknowledge', {}, key)).json().events).toEqual([{ seq: 3, type: 'acknowledged' }]);
  const progress = await act('handler2', caseId, 'progress', { note: '维修中' }, key);
  expect(progress.json().events).toEqual([{ seq: 4, type: 'progress_reported' }]);
});

test('actions whose fields are all optional may be posted without a body', async () => {
  const caseId = await fileCase();
  const res = await (await as(s.app, 'handler2')).post(`/api/v1/cases/${caseId}/acknowledge`, undefined, { 'idempotency-key': randomUUID() });
  expect(res.statusCode).toBe(200);
  expect(res.json()).toMatchObject({ status: 'acknowledged', stage: 'respond', level: 'community_committee' });
});

test('organisations named in a body must exist and be of the right kind', async () => {
  const caseId = await fileCase();
  const reroute = await act('community1', caseId, 'reroute', { handlerOrgId: 'comm-xinghai', reason: '改派' });
  expect(reroute.statusCode).toBe(400);
  expect(reroute.json().error.details[0].path).toBe('handlerOrgId');
  const owner = await act('community1', caseId, 'assign_follow_up', { owner: { kind: 'party_member', id: 'p-handler1' } });
  expect(owner.statusCode).toBe(400);
  expect(owner.json().error.details[0].path).toBe('owner.id');
  const grid = await act('community1', caseId, 'assign_follow_up', { owner: { kind: 'grid_branch', id: 'grid-jinji-2' } });
  expect(grid.statusCode).toBe(200);
  // The grid branch's members now see the case: follow-up owners may see what they follow.
  expect((await (await as(s.app, 'member2')).get(`/api/v1/cases/${caseId}`)).statusCode).toBe(200);
});

test('an escalated case runs up the ladder to a functional department, which then handles it', async () => {
  const caseId = await fileCase();
  expect((await act('community1', caseId, 'escalate', { reason: '物业拒不处理' })).json()).toMatchObject({ level: 'street_committee', stage: 'follow_up' });
  expect((await act('street1', caseId, 'report', { reason: '涉及住建' })).json()).toMatchObject({ level: 'organization_department' });
  expect((await act('orgdept1', caseId, 'forward', { departmentOrgId: 'dept-housing', reason: '转住建' })).json()).toMatchObject({ level: 'functional_department', status: 'dispatched' });
  expect((await act('department2', caseId, 'acknowledge')).statusCode).toBe(200);
  // The levels below keep seeing it (DOMAIN.md: the lower level stays able to see the case).
  for (const user of ['community1', 'street1', 'handler2'] as const) expect((await (await as(s.app, user)).get(`/api/v1/cases/${caseId}`)).statusCode).toBe(200);
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
    const { rows } = await s.pool.query(`SELECT count(*)::int AS n FROM case_events WHERE case_id = $1 AND type = 'acknowledged'`, [caseId]);
    expect(rows[0].n).toBe(1);
  } finally {
    await worker.stop();
  }
});
