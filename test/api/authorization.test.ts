// Who may see and do what (DOMAIN.md "Who may do what"), over HTTP, for every demo user × every action.
// The expectations are written here from the domain text, not derived from domain/policy.ts, so a change in the
// policy that contradicts DOMAIN.md fails this table.
//
// The case: filed by resident3 in lakeview (property company pc-lakeview; community comm-jinji; street
// street-huxi; the organisation department above), its follow-up assigned to party member member1.
import type { ActionType } from '../../domain/actions';
import { ACTION_TYPES } from '../../domain/actions';
import type { DemoUsername } from '../../db/seed-data';
import { as, DEMO_USERS, intakeBody, startApiStack, type ApiStack } from './helpers';

type Scope = 'own' | 'parent' | 'child' | 'sibling' | 'unrelated' | 'everything';

/** Each demo user's relation to the lakeview case. */
const SCOPE: Record<DemoUsername, Scope> = {
  resident3: 'own',
  resident1: 'sibling',
  resident2: 'sibling',
  handler2: 'own',
  handler1: 'sibling', // another company in the same community
  handler3: 'unrelated', // a company in the other street
  owners1: 'sibling', // another compound's owners' committee
  community1: 'parent',
  community2: 'sibling',
  street1: 'parent',
  street2: 'sibling',
  orgdept1: 'parent',
  member1: 'child', // a grid branch member of the community, the case's follow-up owner
  member2: 'child', // another grid's member, not following this case
  department1: 'unrelated',
  department2: 'unrelated',
  admin: 'everything',
};

/** 补位、到位，但不越位: handlers handle, supervisors supervise at their level, residents evaluate. */
const ALLOWED: Partial<Record<DemoUsername, ActionType[]>> = {
  resident3: ['evaluate', 'add_information', 'withdraw'],
  handler2: ['acknowledge', 'progress', 'resolve', 'request_extension', 'return'],
  community1: ['decide_extension', 'reroute', 'urge', 'close', 'escalate', 'assign_follow_up', 'record_follow_up'],
  street1: ['decide_extension', 'reroute', 'urge', 'close', 'escalate', 'report'],
  orgdept1: ['decide_extension', 'reroute', 'urge', 'close', 'escalate', 'forward'],
  member1: ['record_follow_up'],
};
const SEES = new Set<DemoUsername>(['resident3', 'handler2', 'community1', 'street1', 'orgdept1', 'member1', 'admin']);
/** Those who must contact the resident see name and phone; everyone else sees them masked. */
const UNMASKED = new Set<DemoUsername>(['resident3', 'handler2', 'community1', 'member1']);

const BODY: Record<ActionType, object> = {
  acknowledge: { note: '已电话联系业主' },
  progress: { note: '维修工已到场' },
  resolve: { summary: '已更换楼道灯' },
  request_extension: { deadline: 'resolution', extendBy: { unit: 'working_days', amount: 2 }, reason: '配件需订购' },
  decide_extension: { approve: true, reason: '同意' },
  return: { reason: '不属于物业职责' },
  reroute: { handlerOrgId: 'oc-lakeview', reason: '改由业委会处理' },
  assign_follow_up: {},
  record_follow_up: { findings: '现场核实属实', onSite: true },
  urge: { message: '请尽快处理' },
  escalate: { reason: '社区协调不了' },
  report: { reason: '涉及职能部门' },
  forward: { departmentOrgId: 'dept-housing', reason: '转住建部门' },
  evaluate: { satisfaction: 'satisfied', solved: true },
  add_information: { text: '晚上八点后最明显' },
  withdraw: { reason: '已自行解决' },
  close: { reason: '重复工单' },
};

/** The steps that bring a fresh case to where the action is legal, so an allowed action answers 200. */
const PREPARE: Partial<Record<ActionType, Array<[DemoUsername, ActionType]>>> = {
  progress: [['handler2', 'acknowledge']],
  resolve: [['handler2', 'acknowledge']],
  request_extension: [['handler2', 'acknowledge']],
  decide_extension: [['handler2', 'acknowledge'], ['handler2', 'request_extension']],
  record_follow_up: [['community1', 'assign_follow_up']],
  report: [['community1', 'escalate']],
  forward: [['community1', 'escalate'], ['street1', 'report']],
  evaluate: [['handler2', 'acknowledge'], ['handler2', 'resolve']],
};

const users = Object.keys(DEMO_USERS) as DemoUsername[];
const expected = (u: DemoUsername, a: ActionType): 200 | 403 | 404 => (ALLOWED[u]?.includes(a) ? 200 : SEES.has(u) ? 403 : 404);
const TABLE = users.flatMap((u) => ACTION_TYPES.map((a) => [u, SCOPE[u], a, expected(u, a)] as const));

let s: ApiStack;
let shared: string;
const createdCases: string[] = [];

async function fileCase(): Promise<string> {
  const res = await (await as(s.app, 'resident3')).post('/api/v1/cases', intakeBody());
  expect(res.statusCode).toBe(201);
  createdCases.push(res.json().caseId);
  return res.json().caseId;
}

async function act(user: DemoUsername, caseId: string, action: ActionType) {
  return (await as(s.app, user)).act(caseId, action.replace(/_/g, '-'), BODY[action]);
}

beforeAll(async () => {
  s = await startApiStack();
  shared = await fileCase();
  expect((await act('community1', shared, 'assign_follow_up')).statusCode).toBe(200);
});
afterAll(async () => {
  await s?.close();
});

test('the table covers every user and action, with allowed, forbidden and invisible rows', () => {
  expect(TABLE).toHaveLength(users.length * ACTION_TYPES.length);
  const counts = { 200: 0, 403: 0, 404: 0 };
  for (const row of TABLE) counts[row[3]]++;
  expect(counts[200]).toBeGreaterThan(20);
  expect(counts[403]).toBeGreaterThan(50);
  expect(counts[404]).toBeGreaterThan(100);
});

test.each(TABLE)('%s (%s scope) %s → %i', async (user, _scope, action, status) => {
  let caseId = shared;
  if (status === 200) {
    caseId = await fileCase();
    for (const [who, step] of PREPARE[action] ?? []) expect((await act(who, caseId, step)).statusCode).toBe(200);
  }
  const res = await act(user, caseId, action);
  expect(res.statusCode).toBe(status);
  if (status === 403) expect(res.json().error.code).toBe('case.forbidden');
  if (status === 404) expect(res.json().error).toEqual({ code: 'case.not_found', message: '工单不存在', details: [] });
  if (status === 200) expect(res.json().events.length).toBeGreaterThan(0);
});

test.each(users)('%s sees the resident\'s name and phone only if they must contact the resident', async (user) => {
  const res = await (await as(s.app, user)).get(`/api/v1/cases/${shared}`);
  if (!SEES.has(user)) {
    expect(res.statusCode).toBe(404);
    return;
  }
  expect(res.statusCode).toBe(200);
  const resident = UNMASKED.has(user) ? { name: '王芳', phone: '13800000003', masked: false } : { name: '王*', phone: '138****0003', masked: true };
  expect(res.json().resident).toEqual(resident);
});

test('a handler keeps seeing a case it was re-routed away from, masked', async () => {
  const caseId = await fileCase();
  expect((await act('community1', caseId, 'reroute')).statusCode).toBe(200);
  const handler = await as(s.app, 'handler2');
  const res = await handler.get(`/api/v1/cases/${caseId}`);
  expect(res.statusCode).toBe(200);
  expect(res.json()).toMatchObject({ handler: { id: 'oc-lakeview' }, resident: { masked: true } });
  // It may no longer act on it.
  expect((await act('handler2', caseId, 'acknowledge')).statusCode).toBe(403);
});

test.each(users)('%s: the list holds exactly the cases the detail route lets them see', async (user) => {
  const client = await as(s.app, user);
  const listed: string[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: { id: string }[]; nextCursor: string | null } = (await client.get(`/api/v1/cases?limit=7${cursor ? `&cursor=${cursor}` : ''}`)).json();
    listed.push(...page.items.map((c) => c.id));
    cursor = page.nextCursor;
  } while (cursor);
  const { rows } = await s.pool.query<{ id: string }>('SELECT id FROM cases');
  const visible: string[] = [];
  for (const { id } of rows) if ((await client.get(`/api/v1/cases/${id}`)).statusCode === 200) visible.push(id);
  expect(listed.sort()).toEqual(visible.sort());
  if (SEES.has(user)) expect(listed).toContain(shared);
});
