// Case lists over ~200 cases written straight into the projection (no workflows needed to read): every filter,
// scope enforced in SQL, and keyset pagination that neither skips nor repeats a case. Expected answers are
// computed here from the generated rows, independently of the SQL.
import { randomUUID } from 'node:crypto';
import { addCalendarDays, cstTime } from '../../domain/calendar';
import type { DemoUsername } from '../../db/seed-data';
import { as, DEMO_USERS, startApiStack, type ApiStack } from './helpers';

interface Row {
  id: string;
  building: string;
  tracking_code: string;
  category_code: string;
  compound_code: string;
  resident_user_id: string | null;
  description: string;
  status: string;
  stage: string;
  level: string;
  handler_org_id: string | null;
  /** The level's supervisor: the community, the street, or a department's Party organisation after a forward. */
  supervisor_org_id: string;
  community_org_id: string;
  street_org_id: string;
  follow_up_owner: { kind: string; id: string } | null;
  deadlines: Record<string, { dueAt: string; startedAt: string; breachedAt: null; extended: number }>;
  overdue: boolean;
  created_at: string;
  /** Every organisation the case was dispatched to, the current handler last (the projection's handler_history). */
  handler_history: string[];
}

const COMPOUNDS = [
  ['demo-fast', 'comm-jinji', 'street-huxi'],
  ['lakeview', 'comm-jinji', 'street-huxi'],
  ['xinghai-garden', 'comm-xinghai', 'street-huxi'],
  ['moonbay', 'comm-xinghai', 'street-huxi'],
  ['dushu-court', 'comm-dushu', 'street-xietang'],
  ['lianhua-village', 'comm-lianhua', 'street-xietang'],
] as const;
const CATEGORIES = ['lift', 'leak', 'repairs', 'cleaning', 'parking', 'noise', 'fees'];
const STATES = [
  ['dispatched', 'respond', 'community_committee'],
  ['acknowledged', 'respond', 'community_committee'],
  ['acknowledged', 'follow_up', 'street_committee'],
  ['dispatched', 'follow_up', 'functional_department'],
  ['resolved', 'evaluate', 'community_committee'],
  ['closed', 'closed', 'community_committee'],
] as const;
const TEXTS = [
  '电梯停运三天',
  '楼道漏水严重',
  '垃圾无人清运',
  '车位被占用',
  '夜间施工噪声',
  '物业费上涨100%_不合理',
  '单元门禁损坏',
];
const RESIDENTS = [DEMO_USERS.resident1, DEMO_USERS.resident2, DEMO_USERS.resident3, null];

/** mulberry32: a fixed seed gives the same 200 cases on every run. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NOW = Date.now();
const HOUR = 3_600_000;

function generate(n: number): Row[] {
  const rnd = prng(20261126);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const rows: Row[] = [];
  for (let i = 0; i < n; i++) {
    const [compound, community, street] = pick(COMPOUNDS);
    const [status, stage, level] = pick(STATES);
    // Groups of three share a created_at to the microsecond, so the id must break the tie; the microseconds
    // differ between groups, so a cursor rounded to milliseconds would skip or repeat cases.
    const group = Math.floor(i / 3);
    const base = Date.UTC(2026, 9, 1) + group * 7 * HOUR + ((group * 7919) % 3600) * 1000;
    const createdAt = `${new Date(base).toISOString().slice(0, 19)}.123${String(group % 1000).padStart(3, '0')}Z`;
    const due = NOW + (rnd() < 0.3 ? -2 : 48) * HOUR;
    const open = status !== 'closed' && status !== 'resolved';
    // Some cases were re-routed (改派) from the property company to the owners' committee; a few went to the housing
    // department from intake. A forward to the department's Party organisation changes the supervisor, not the handler.
    const routed = rnd();
    const history =
      routed < 0.15 ? [`pc-${compound}`, `oc-${compound}`] : routed < 0.25 ? ['dept-housing'] : [`pc-${compound}`];
    const supervisor =
      level === 'functional_department' ? 'dept-housing' : level === 'street_committee' ? street : community;
    rows.push({
      id: randomUUID(),
      tracking_code: `2610-L${String(i).padStart(5, '0')}`,
      category_code: pick(CATEGORIES),
      compound_code: compound,
      resident_user_id: pick(RESIDENTS),
      description: `${pick(TEXTS)}（第${i}号）`,
      status,
      stage,
      level,
      handler_org_id: history[history.length - 1],
      supervisor_org_id: supervisor,
      community_org_id: community,
      street_org_id: street,
      follow_up_owner:
        rnd() < 0.3
          ? rnd() < 0.5
            ? { kind: 'party_member', id: 'p-member1' }
            : { kind: 'grid_branch', id: pick(['grid-jinji-1', 'grid-jinji-2']) }
          : null,
      deadlines: open
        ? {
            resolution: {
              dueAt: new Date(due).toISOString(),
              startedAt: new Date(base).toISOString(),
              breachedAt: null,
              extended: 0,
            },
          }
        : {},
      overdue: rnd() < 0.1,
      created_at: createdAt,
      handler_history: history,
      building: pick(['1', '2', '3']),
    });
  }
  return rows;
}

async function insert(s: ApiStack, rows: Row[]): Promise<void> {
  const records = rows.map((r) => ({
    ...r,
    workflow_id: `case-${r.id}`,
    location: { building: r.building, address: '测试地址' },
    resident_name: '测试',
    resident_phone: '13800009999',
    intake: {
      chain: { communityOrgId: r.community_org_id, streetOrgId: r.street_org_id, organizationDepartmentId: 'org-dept' },
      calendar: { holidays: [], workdays: [] },
    },
  }));
  // Visibility is read from the projection alone (cases.handler_history), as the worker writes it: no history needed.
  await s.pool.query(
    `INSERT INTO cases (id, tracking_code, workflow_id, category_code, compound_code, resident_user_id, resident_name, resident_phone,
        location, description, status, stage, level, handler_org_id, supervisor_org_id, community_org_id, street_org_id,
        follow_up_owner, deadlines, overdue, intake, workflow_started, created_at, handler_history)
     SELECT id, tracking_code, workflow_id, category_code, compound_code, resident_user_id, resident_name, resident_phone,
        location, description, status, stage, level, handler_org_id, supervisor_org_id, community_org_id, street_org_id,
        follow_up_owner, deadlines, overdue, intake, true, created_at, handler_history
       FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, tracking_code text, workflow_id text, category_code text, compound_code text,
        resident_user_id text, resident_name text, resident_phone text, location jsonb, description text, status text, stage text,
        level text, handler_org_id text, supervisor_org_id text, community_org_id text, street_org_id text, follow_up_owner jsonb,
        deadlines jsonb, overdue boolean, intake jsonb, created_at timestamptz, handler_history text[])`,
    [JSON.stringify(records)],
  );
}

const newestFirst = (a: Row, b: Row) =>
  a.created_at === b.created_at ? (a.id < b.id ? 1 : -1) : a.created_at < b.created_at ? 1 : -1;
const isOverdue = (r: Row) =>
  r.status !== 'closed' && (r.overdue || Object.values(r.deadlines).some((d) => Date.parse(d.dueAt) <= Date.now()));

let s: ApiStack;
let rows: Row[];
beforeAll(async () => {
  s = await startApiStack({ worker: false });
  rows = generate(200);
  await insert(s, rows);
});
afterAll(async () => {
  await s?.close();
});

async function listAll(user: DemoUsername, query = '', limit = 13): Promise<string[]> {
  const client = await as(s.app, user);
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const res = await client.get(
      `/api/v1/cases?limit=${limit}${query ? `&${query}` : ''}${cursor ? `&cursor=${cursor}` : ''}`,
    );
    expect(res.statusCode).toBe(200);
    const page = res.json() as { items: { id: string }[]; nextCursor: string | null };
    expect(page.items.length).toBeLessThanOrEqual(limit);
    ids.push(...page.items.map((i) => i.id));
    cursor = page.nextCursor;
    if (!cursor) return ids;
  }
  throw new Error('pagination did not end');
}

const expectIds = (f: (r: Row) => boolean) =>
  rows
    .filter(f)
    .sort(newestFirst)
    .map((r) => r.id);

test('pages walk every case once, newest first, ties broken by id to the microsecond', async () => {
  const ids = await listAll('admin', '', 25);
  expect(ids).toEqual(expectIds(() => true));
  expect(new Set(ids).size).toBe(200);
});

const from = '2026-10-10';
const to = '2026-10-20';
const FILTERS: Array<[string, (r: Row) => boolean]> = [
  ['status=acknowledged', (r) => r.status === 'acknowledged'],
  ['stage=follow_up', (r) => r.stage === 'follow_up'],
  ['level=street_committee', (r) => r.level === 'street_committee'],
  ['community=comm-xinghai', (r) => r.community_org_id === 'comm-xinghai'],
  ['compound=lakeview', (r) => r.compound_code === 'lakeview'],
  ['compound=lakeview&building=2', (r) => r.compound_code === 'lakeview' && r.building === '2'],
  ['handler=dept-housing', (r) => r.handler_org_id === 'dept-housing'],
  ['category=lift', (r) => r.category_code === 'lift'],
  ['overdue=true', isOverdue],
  ['overdue=false', (r) => !isOverdue(r)],
  [
    `from=${from}&to=${to}`,
    (r) =>
      Date.parse(r.created_at) >= cstTime(from, 0) && Date.parse(r.created_at) < cstTime(addCalendarDays(to, 1), 0),
  ],
  ['q=%E6%BC%8F%E6%B0%B4', (r) => r.description.includes('漏水')],
  ['q=100%25_', (r) => r.description.includes('100%_')],
  ['q=2610-L0001', (r) => r.tracking_code.startsWith('2610-L0001')],
  [
    'status=dispatched&community=comm-jinji&overdue=true',
    (r) => r.status === 'dispatched' && r.community_org_id === 'comm-jinji' && isOverdue(r),
  ],
];

test.each(FILTERS)('filter %s returns exactly the matching cases in order', async (query, f) => {
  const expected = expectIds(f);
  expect(await listAll('admin', query, 9)).toEqual(expected);
});

test('the filters are not vacuous: each keeps some cases and drops others', () => {
  for (const [, f] of FILTERS.slice(0, 13)) {
    const n = rows.filter(f).length;
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(rows.length);
  }
});

/** Who sees what, restated from DOMAIN.md for the generated rows. */
const SCOPES: Array<[DemoUsername, (r: Row) => boolean]> = [
  ['resident1', (r) => r.resident_user_id === DEMO_USERS.resident1],
  // A handler sees every case it ever had, including those re-routed away from it.
  ['handler2', (r) => r.handler_history.includes('pc-lakeview')],
  ['owners1', (r) => r.handler_history.includes('oc-demo-fast')],
  // The housing department: the cases it handles, and those its Party organisation supervises after a forward.
  ['department2', (r) => r.handler_org_id === 'dept-housing' || r.supervisor_org_id === 'dept-housing'],
  ['community2', (r) => r.community_org_id === 'comm-xinghai'],
  ['street2', (r) => r.street_org_id === 'street-xietang'],
  ['orgdept1', () => true],
  [
    'member1',
    (r) =>
      (r.follow_up_owner?.kind === 'party_member' && r.follow_up_owner.id === 'p-member1') ||
      (r.follow_up_owner?.kind === 'grid_branch' && r.follow_up_owner.id === 'grid-jinji-1'),
  ],
  ['department1', () => false],
];

test.each(SCOPES)('%s lists exactly the cases in their scope', async (user, f) => {
  expect(await listAll(user, '', 50)).toEqual(expectIds(f));
});

test('the rows hold the cases the handler scopes turn on: re-routed away from a handler, and forwarded to a department', () => {
  expect(rows.some((r) => r.handler_history.includes('pc-lakeview') && r.handler_org_id !== 'pc-lakeview')).toBe(true);
  expect(rows.some((r) => r.handler_history.includes('oc-demo-fast'))).toBe(true);
  expect(rows.some((r) => r.supervisor_org_id === 'dept-housing' && r.handler_org_id !== 'dept-housing')).toBe(true);
  expect(rows.some((r) => r.handler_org_id === 'dept-housing')).toBe(true);
});

test('a scope and a filter combine: a handler filtering by another handler gets nothing of theirs', async () => {
  expect(await listAll('handler2', 'handler=pc-demo-fast')).toEqual([]);
  expect(await listAll('street2', 'community=comm-jinji')).toEqual([]);
});

test('a case filed while paging does not shift the pages already promised', async () => {
  const client = await as(s.app, 'admin');
  const first = (await client.get('/api/v1/cases?limit=10')).json();
  const newer: Row = {
    ...rows[0],
    id: randomUUID(),
    tracking_code: '2611-NEWONE',
    created_at: new Date(Date.now() + HOUR).toISOString(),
  };
  await insert(s, [newer]);
  const second = (await client.get(`/api/v1/cases?limit=10&cursor=${first.nextCursor}`)).json();
  const all = expectIds(() => true);
  expect([...first.items, ...second.items].map((c: { id: string }) => c.id)).toEqual(all.slice(0, 20));
  rows.push(newer);
});

test.each([
  [{ cursor: 'not-a-cursor' }, 'cursor'],
  [{ cursor: Buffer.from(JSON.stringify(['yesterday', 'x'])).toString('base64url') }, 'cursor'],
  [{ limit: '0' }, 'limit'],
  [{ limit: '101' }, 'limit'],
  [{ status: 'open' }, 'status'],
  [{ from: '2026-13-01' }, 'from'],
  [{ from: '2026-11-02', to: '2026-11-01' }, 'to'],
  [{ sort: 'oldest' }, 'sort'],
  [{ pending: 'everything' }, 'pending'],
  [{ q: '长'.repeat(101) }, 'q'],
  [{ building: '2' }, 'building'],
  [{ compound: 'lakeview', building: '楼'.repeat(51) }, 'building'],
])('GET /cases?%j is a 400 naming %s', async (query, field) => {
  const res = await (
    await as(s.app, 'admin')
  ).get(`/api/v1/cases?${new URLSearchParams(query as Record<string, string>).toString()}`);
  expect(res.statusCode).toBe(400);
  expect(res.json().error.details.map((d: { path: string }) => d.path)).toContain(field);
});

// What waits for a decision (待我审批) or an assignment (待指派): the waiting lists of the web app ask for these.
test("pending lists the requests the caller decides as the controller, and its community's cases with no follow-up owner", async () => {
  const open = (r: Row) => r.status === 'dispatched' || r.status === 'acknowledged';
  const jinji = rows.filter((r) => open(r) && r.community_org_id === 'comm-jinji' && r.level === 'community_committee');
  const atStreet = rows.find((r) => open(r) && r.community_org_id === 'comm-jinji' && r.level === 'street_committee');
  const selfSupervised = rows.find(
    (r) => open(r) && r.handler_org_id === 'dept-housing' && r.supervisor_org_id === 'dept-housing',
  );
  expect(jinji.length).toBeGreaterThanOrEqual(3);
  expect(atStreet && selfSupervised).toBeTruthy();
  const extension = { deadline: 'resolution', extendBy: { unit: 'hours', amount: 4 }, reason: '缺件' };
  const set = (r: Row, column: string, value: object) =>
    s.pool.query(`UPDATE cases SET ${column} = $2 WHERE id = $1`, [r.id, JSON.stringify(value)]);
  await set(jinji[0], 'pending_extension', extension);
  await set(jinji[1], 'pending_request', { kind: 'return', reason: '非本单位职责', requestedAt: NOW });
  await set(jinji[2], 'pending_request', { kind: 'pause', reason: '等待业主在家', requestedAt: NOW });
  // Decided one rung up, and (a department supervising its own case) by the organisation department.
  await set(atStreet!, 'pending_extension', extension);
  await set(selfSupervised!, 'pending_extension', extension);

  expect(await listAll('community1', 'pending=extension')).toEqual([jinji[0].id]);
  expect(await listAll('community1', 'pending=return')).toEqual([jinji[1].id]);
  expect(await listAll('community1', 'pending=pause')).toEqual([jinji[2].id]);
  expect(await listAll('street1', 'pending=extension')).toEqual([atStreet!.id]);
  expect(await listAll('department2', 'pending=extension')).toEqual([]);
  expect(await listAll('orgdept1', 'pending=extension')).toEqual([selfSupervised!.id]);
  // The handler that asked never sees its own request as waiting for it.
  expect(await listAll('handler1', 'pending=extension')).toEqual([]);
  expect((await listAll('admin', 'pending=extension')).sort()).toEqual(
    [jinji[0].id, atStreet!.id, selfSupervised!.id].sort(),
  );
  expect(await listAll('community1', 'pending=follow_up')).toEqual(
    expectIds((r) => r.community_org_id === 'comm-jinji' && !r.follow_up_owner && open(r)),
  );
});
