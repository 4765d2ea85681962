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

/**
 * 补位、到位，但不越位: handlers handle, residents evaluate, and control (decide, re-route, close, escalate, report,
 * forward, merge) belongs to the level the case has reached (DOMAIN.md "Who controls a case"). The shared case is at
 * the community level, so the community committee decides; the street and the organisation department above it
 * may urge and take it over (提级督办), and report or forward only once the case has reached them (PREPARE).
 */
const ALLOWED: Partial<Record<DemoUsername, ActionType[]>> = {
  resident3: ['evaluate', 'add_information', 'withdraw'],
  handler2: ['acknowledge', 'progress', 'resolve', 'request_extension', 'return', 'request_pause', 'resume'],
  community1: [
    'decide_extension',
    'decide_return',
    'decide_pause',
    'resume',
    'reroute',
    'urge',
    'close',
    'escalate',
    'merge',
    'assign_follow_up',
    'record_follow_up',
    'record_callback',
  ],
  street1: ['urge', 'take_over', 'report'],
  orgdept1: ['urge', 'take_over', 'forward'],
  member1: ['record_follow_up'],
};
/** Allowed to the community committee as the case's controller, but only at a level the case has not reached: 409. */
const NOT_AT_THIS_LEVEL: Partial<Record<DemoUsername, ActionType[]>> = {
  community1: ['report', 'forward'],
};
const SEES = new Set<DemoUsername>(['resident3', 'handler2', 'community1', 'street1', 'orgdept1', 'member1', 'admin']);
/** Those who must contact the resident see name, phone and room in the case view when they ask (contact=reveal); everyone else sees neither name nor anything finer than the building. */
const UNMASKED = new Set<DemoUsername>(['resident3', 'handler2', 'community1', 'member1']);

let shared: string;
/** An open case of the same compound: the primary case a merge names. */
let primary: string;

const BODY: Record<ActionType, () => object> = {
  acknowledge: () => ({ note: '已电话联系业主' }),
  progress: () => ({ note: '维修工已到场' }),
  resolve: () => ({ summary: '已更换楼道灯' }),
  request_extension: () => ({
    deadline: 'resolution',
    extendBy: { unit: 'working_days', amount: 2 },
    reason: '配件需订购',
  }),
  decide_extension: () => ({ approve: true, reason: '同意' }),
  return: () => ({ reason: '不属于物业职责' }),
  decide_return: () => ({ decision: 'refuse', reason: '属于物业职责，请继续办理' }),
  reroute: () => ({ handlerOrgId: 'oc-lakeview', reason: '改由业委会处理' }),
  request_pause: () => ({ reason: '等待住户开门入户' }),
  decide_pause: () => ({ approve: true, reason: '同意挂起' }),
  resume: () => ({ note: '住户已开门' }),
  assign_follow_up: () => ({}),
  record_follow_up: () => ({ findings: '现场核实属实', onSite: true }),
  urge: () => ({ message: '请尽快处理' }),
  escalate: () => ({ reason: '社区协调不了' }),
  report: () => ({ reason: '涉及职能部门' }),
  forward: () => ({ departmentOrgId: 'dept-housing', reason: '转住建部门' }),
  take_over: () => ({ reason: '群众反映强烈，提级督办' }),
  merge: () => ({ primaryCaseId: primary, reason: '同一问题的重复反映' }),
  evaluate: () => ({ satisfaction: 'satisfied', solved: true }),
  record_callback: () => ({ channel: 'phone', satisfaction: 'satisfied', solved: true }),
  add_information: () => ({ text: '晚上八点后最明显' }),
  withdraw: () => ({ reason: '已自行解决' }),
  close: () => ({ ground: 'duplicate', reason: '重复工单' }),
};

/** The steps that bring a fresh case to where the action is legal, so an allowed action answers 200. */
const PREPARE: Partial<Record<ActionType, Array<[DemoUsername, ActionType]>>> = {
  progress: [['handler2', 'acknowledge']],
  resolve: [['handler2', 'acknowledge']],
  request_extension: [['handler2', 'acknowledge']],
  decide_extension: [
    ['handler2', 'acknowledge'],
    ['handler2', 'request_extension'],
  ],
  decide_return: [['handler2', 'return']],
  decide_pause: [['handler2', 'request_pause']],
  resume: [
    ['handler2', 'request_pause'],
    ['community1', 'decide_pause'],
  ],
  record_follow_up: [['community1', 'assign_follow_up']],
  report: [['community1', 'escalate']],
  forward: [
    ['community1', 'escalate'],
    ['street1', 'report'],
  ],
  evaluate: [
    ['handler2', 'acknowledge'],
    ['handler2', 'resolve'],
  ],
  record_callback: [
    ['handler2', 'acknowledge'],
    ['handler2', 'resolve'],
  ],
};

const users = Object.keys(DEMO_USERS) as DemoUsername[];
const expected = (u: DemoUsername, a: ActionType): 200 | 403 | 404 | 409 =>
  ALLOWED[u]?.includes(a) ? 200 : NOT_AT_THIS_LEVEL[u]?.includes(a) ? 409 : SEES.has(u) ? 403 : 404;
const TABLE = users.flatMap((u) => ACTION_TYPES.map((a) => [u, SCOPE[u], a, expected(u, a)] as const));

let s: ApiStack;
const createdCases: string[] = [];

async function fileCase(): Promise<string> {
  const res = await (await as(s.app, 'resident3')).post('/api/v1/cases', intakeBody());
  expect(res.statusCode).toBe(201);
  createdCases.push(res.json().caseId);
  return res.json().caseId;
}

async function act(user: DemoUsername, caseId: string, action: ActionType) {
  return (await as(s.app, user)).act(caseId, action.replace(/_/g, '-'), BODY[action]());
}

beforeAll(async () => {
  // Files more cases as one resident than a day's quota allows.
  s = await startApiStack({ config: { INTAKE_QUOTA_RESIDENT_PER_DAY: 1_000 } });
  shared = await fileCase();
  primary = await fileCase();
  // member1 follows both, so a merge it tries is refused for its role (403), not for a primary it cannot see (400).
  for (const caseId of [shared, primary])
    expect((await act('community1', caseId, 'assign_follow_up')).statusCode).toBe(200);
});
afterAll(async () => {
  await s?.close();
});

test('the table covers every user and action, with allowed, forbidden and invisible rows', () => {
  expect(TABLE).toHaveLength(users.length * ACTION_TYPES.length);
  const counts = { 200: 0, 403: 0, 404: 0, 409: 0 };
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
  if (status === 409) expect(res.json().error.code).toBe('case.illegal_transition');
  if (status === 404) expect(res.json().error).toEqual({ code: 'case.not_found', message: '工单不存在', details: [] });
  if (status === 200) expect(res.json().events.length).toBeGreaterThan(0);
});

/** The control actions (DOMAIN.md "Who controls a case"), with the user who decides once the case is at the street. */
const CONTROL: Array<[ActionType, 'street1' | 'orgdept1']> = [
  ['decide_extension', 'street1'],
  ['decide_return', 'street1'],
  ['decide_pause', 'street1'],
  ['reroute', 'street1'],
  ['close', 'street1'],
  ['escalate', 'street1'],
  ['report', 'street1'],
  ['forward', 'orgdept1'],
  ['merge', 'street1'],
];

test.each(CONTROL)(
  'once the case is escalated to the street, the community committee may not %s it (403) but still urges',
  async (action) => {
    const caseId = await fileCase();
    expect((await act('community1', caseId, 'escalate')).statusCode).toBe(200);
    const res = await act('community1', caseId, action);
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('case.forbidden');
    expect((await act('community1', caseId, 'urge')).statusCode).toBe(200);
  },
);

test('the street committee decides a case escalated to it, and a re-route it orders stands against the community', async () => {
  const caseId = await fileCase();
  expect((await act('community1', caseId, 'escalate')).statusCode).toBe(200);
  expect((await act('street1', caseId, 'reroute')).json()).toMatchObject({
    status: 'dispatched',
    level: 'street_committee',
  });
  // The community cannot undo the street's decision by re-routing back.
  const back = await (
    await as(s.app, 'community1')
  ).act(caseId, 'reroute', { handlerOrgId: 'pc-lakeview', reason: '改回物业' });
  expect(back.statusCode).toBe(403);
});

test.each(users)(
  "%s sees the resident's name, phone and room only if they must contact the resident, and asks for them",
  async (user) => {
    const client = await as(s.app, user);
    const [res, revealed] = [
      await client.get(`/api/v1/cases/${shared}`),
      await client.get(`/api/v1/cases/${shared}?contact=reveal`),
    ];
    if (!SEES.has(user)) {
      expect([res.statusCode, revealed.statusCode]).toEqual([404, 404]);
      return;
    }
    expect(res.statusCode).toBe(200);
    const shown = (r: typeof res) => [r.json().resident, r.json().location];
    const room = { building: '1', unit: '1', room: '101' };
    if (user === 'resident3') {
      for (const r of [res, revealed])
        expect(shown(r)).toEqual([{ name: '王芳', phone: '13800000003', masked: false, revealable: false }, room]);
    } else if (UNMASKED.has(user)) {
      expect(shown(res)).toEqual([{ name: '王*', phone: null, masked: true, revealable: true }, { building: '1' }]);
      expect(shown(revealed)).toEqual([{ name: '王芳', phone: '13800000003', masked: false, revealable: true }, room]);
    } else {
      expect(shown(res)).toEqual([{ name: null, phone: null, masked: true, revealable: false }, { building: '1' }]);
      expect([revealed.statusCode, revealed.json().error.code]).toEqual([403, 'case.contact_forbidden']);
    }
  },
);

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
    const page: { items: { id: string }[]; nextCursor: string | null } = (
      await client.get(`/api/v1/cases?limit=7${cursor ? `&cursor=${cursor}` : ''}`)
    ).json();
    listed.push(...page.items.map((c) => c.id));
    cursor = page.nextCursor;
  } while (cursor);
  const { rows } = await s.pool.query<{ id: string }>('SELECT id FROM cases');
  const visible: string[] = [];
  for (const { id } of rows) if ((await client.get(`/api/v1/cases/${id}`)).statusCode === 200) visible.push(id);
  expect(listed.sort()).toEqual(visible.sort());
  if (SEES.has(user)) expect(listed).toContain(shared);
});
