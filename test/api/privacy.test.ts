// Personal data minimisation (issue 25, finding 3; the opaque ids of finding 1), over HTTP on the real stack: who
// sees the resident's name, phone, household and room, where (a case view, never a list), the log of every such
// read and the complainant's view of it, no-store on every answer, and no other user's id in a case answer.
//
// What an attacker would try, and where it is refused here: a company scraping its list for phone numbers (lists);
// a street or admin account re-identifying the resident from 张* + household + room (the view of `none`); a handler
// still reading a case after it closed (closed); the resident of a merged duplicate reading the primary's resident
// (merge); enumerating user ids from timelines (ids); a failed log write still answering (log before answer);
// a browser or proxy keeping the answer (no-store); reading someone else's view log (contact-views).
import type { LightMyRequestResponse } from 'fastify';
import type { DemoUsername } from '../../db/seed-data';
import { eventually } from '../helpers/cases';
import { as, DEMO, DEMO_USERS, intakeBody, startApiStack, type ApiStack } from './helpers';

const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const NAME = '王芳';
const PHONE = '13800000003';
const HOUSEHOLD = 'hh-lakeview-1-1-101';
const HANDLE = /^u_[0-9a-f]{16}$/;
const FULL = { resident: { name: NAME, phone: PHONE, masked: false }, householdId: HOUSEHOLD, location: { building: '1', unit: '1', room: '101' } };
const WITHHELD = { resident: { name: null, phone: null, masked: true }, householdId: null, location: { building: '1' } };
const ALL_FIELDS = ['name', 'phone', 'householdId', 'location'];

let s: ApiStack;
let caseId: string;

async function fileCase(): Promise<{ id: string; trackingCode: string }> {
  const res = await (await as(s.app, 'resident3')).post('/api/v1/cases', intakeBody({ householdId: HOUSEHOLD, photos: [PNG] }));
  expect(res.statusCode).toBe(201);
  return { id: res.json().caseId, trackingCode: res.json().trackingCode };
}

const get = async (user: DemoUsername, url: string) => (await as(s.app, user)).get(url);
const act = async (user: DemoUsername, id: string, action: string, body: object) => {
  const res = await (await as(s.app, user)).act(id, action, body);
  expect(res.statusCode).toBe(200);
};
const shown = (res: LightMyRequestResponse) => {
  const { resident, householdId, location } = res.json();
  return { resident, householdId, location };
};
async function viewsOf(id: string) {
  const { rows } = await s.pool.query(
    'SELECT viewer_user_id AS "userId", viewer_role AS role, viewer_organization_id AS "orgId", fields, request_id AS "requestId" FROM personal_data_views WHERE case_id = $1 ORDER BY id',
    [id],
  );
  return rows;
}
/** Every other demo user's id that appears verbatim in an answer. */
const foreignIds = (body: string, me: DemoUsername) => Object.entries(DEMO_USERS).filter(([u, id]) => u !== me && body.includes(id)).map(([, id]) => id);

beforeAll(async () => {
  s = await startApiStack();
  caseId = (await fileCase()).id;
});
afterAll(async () => {
  await s?.close();
});

test('lists never carry the phone: the family name to those who may contact the resident, nothing to others, all to the complainant', async () => {
  const itemOf = async (user: DemoUsername) => {
    const res = await get(user, '/api/v1/cases?limit=100');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    if (user !== 'resident3') expect(res.body).not.toContain(PHONE);
    return res.json().items.find((c: { id: string }) => c.id === caseId).resident;
  };
  expect(await itemOf('resident3')).toEqual({ name: NAME, phone: PHONE, masked: false });
  for (const user of ['handler2', 'community1'] as const) expect(await itemOf(user)).toEqual({ name: '王*', phone: null, masked: true });
  for (const user of ['street1', 'orgdept1', 'admin'] as const) expect(await itemOf(user)).toEqual({ name: null, phone: null, masked: true });
  expect(await viewsOf(caseId)).toEqual([]);
});

test('the handler of an open case and the community see the resident in the case view, and each read is logged before it is answered', async () => {
  const { id, trackingCode } = await fileCase();
  const first = await get('handler2', `/api/v1/cases/${id}`);
  expect(shown(first)).toEqual(FULL);
  expect(await viewsOf(id)).toEqual([{ userId: DEMO_USERS.handler2, role: 'handler', orgId: 'pc-lakeview', fields: ALL_FIELDS, requestId: first.headers['x-request-id'] }]);
  // Read again from the case cache, and by tracking code: each read is one more row.
  expect(shown(await get('handler2', `/api/v1/cases/${id}`))).toEqual(FULL);
  expect(shown(await get('handler2', `/api/v1/cases/by-tracking-code/${trackingCode}`))).toEqual(FULL);
  expect(shown(await get('community1', `/api/v1/cases/${id}`))).toEqual(FULL);
  // The complainant reading their own case is not a view of someone else's data.
  expect(shown(await get('resident3', `/api/v1/cases/${id}`))).toEqual(FULL);
  expect((await viewsOf(id)).map((v) => [v.userId, v.orgId])).toEqual([
    [DEMO_USERS.handler2, 'pc-lakeview'],
    [DEMO_USERS.handler2, 'pc-lakeview'],
    [DEMO_USERS.handler2, 'pc-lakeview'],
    [DEMO_USERS.community1, DEMO.communityOrgId],
  ]);
});

test('a read from memory still writes its log row, and a read whose row cannot be written is not answered', async () => {
  const { id } = await fileCase();
  expect((await get('handler2', `/api/v1/cases/${id}`)).statusCode).toBe(200);
  const spy = jest.spyOn(s.pool, 'query');
  try {
    expect(shown(await get('handler2', `/api/v1/cases/${id}`))).toEqual(FULL);
    // Answered from the cache: the one statement is the log's INSERT.
    expect(spy.mock.calls.map(([q]) => JSON.stringify(q))).toEqual([expect.stringContaining('INSERT INTO personal_data_views')]);
    spy.mockRejectedValueOnce(new Error('the log cannot be written'));
    const refused = await get('handler2', `/api/v1/cases/${id}`);
    expect(refused.statusCode).toBe(500);
    expect(refused.body).not.toContain(PHONE);
  } finally {
    spy.mockRestore();
  }
  expect(await viewsOf(id)).toHaveLength(2);
});

test.each(['street1', 'orgdept1', 'admin'] as const)('%s sees neither name, phone, household nor anything finer than the building, and logs nothing', async (user) => {
  const res = await get(user, `/api/v1/cases/${caseId}`);
  expect(res.statusCode).toBe(200);
  expect(shown(res)).toEqual(WITHHELD);
  for (const leak of [NAME, '王*', PHONE, HOUSEHOLD, '"room"']) expect(res.body).not.toContain(leak);
  expect(await viewsOf(caseId)).toEqual([]);
});

test('a department the case was forwarded to, and a company it was re-routed away from, see neither', async () => {
  const forwarded = (await fileCase()).id;
  await act('community1', forwarded, 'escalate', { reason: '社区协调不了' });
  await act('street1', forwarded, 'report', { reason: '涉及职能部门' });
  await act('orgdept1', forwarded, 'forward', { departmentOrgId: DEMO.departments.housing, reason: '转住建部门' });
  expect(shown(await get('department2', `/api/v1/cases/${forwarded}`))).toEqual(WITHHELD);

  const rerouted = (await fileCase()).id;
  await act('community1', rerouted, 'reroute', { handlerOrgId: 'oc-lakeview', reason: '改由业委会处理' });
  expect(shown(await get('handler2', `/api/v1/cases/${rerouted}`))).toEqual(WITHHELD);
  expect(await viewsOf(forwarded)).toEqual([]);
  expect(await viewsOf(rerouted)).toEqual([]);
});

test('once the case is closed its handler no longer sees the resident; the community committee still does', async () => {
  const { id } = await fileCase();
  expect(shown(await get('handler2', `/api/v1/cases/${id}`))).toEqual(FULL);
  await act('community1', id, 'close', { ground: 'duplicate', reason: '重复工单' });
  const after = await get('handler2', `/api/v1/cases/${id}`);
  expect(after.json().status).toBe('closed');
  expect(shown(after)).toEqual(WITHHELD);
  expect(shown(await get('community1', `/api/v1/cases/${id}`))).toEqual(FULL);
  expect((await viewsOf(id)).map((v) => v.userId)).toEqual([DEMO_USERS.handler2, DEMO_USERS.community1]);
});

test('the complainant sees who viewed their contact details: organisation, role, the staff member, never a user id', async () => {
  const { id } = await fileCase();
  for (let i = 0; i < 3; i++) await get('handler2', `/api/v1/cases/${id}`);
  await get('community1', `/api/v1/cases/${id}`);
  await get('street1', `/api/v1/cases/${id}`);
  const res = await get('resident3', `/api/v1/cases/${id}/contact-views`);
  expect(res.statusCode).toBe(200);
  expect(res.headers['cache-control']).toBe('no-store');
  const { items, truncated } = res.json();
  expect(truncated).toBe(false);
  expect(items[0]).toMatchObject({ viewer: { role: 'supervisor', organization: { id: DEMO.communityOrgId }, name: { nameZh: expect.any(String) } }, fields: ALL_FIELDS, reads: 1 });
  const company = items.filter((v: { viewer: { organization: { id: string } } }) => v.viewer.organization.id === 'pc-lakeview');
  // Reads of one viewer within an hour are one entry (two if the test crossed the hour).
  expect(company.reduce((n: number, v: { reads: number }) => n + v.reads, 0)).toBe(3);
  expect(company[0]).toEqual({
    at: expect.any(String),
    firstAt: expect.any(String),
    reads: expect.any(Number),
    viewer: { role: 'handler', organization: { id: 'pc-lakeview', nameZh: expect.any(String), nameEn: expect.any(String) }, name: { nameZh: '林峰', nameEn: 'Lin Feng' } },
    fields: ALL_FIELDS,
  });
  expect(foreignIds(res.body, 'resident3')).toEqual([]);
  // The street read nothing personal, so it is not listed.
  expect(res.body).not.toContain(DEMO.streetOrgId);
});

test('the view log is the complainant\'s, the community committee\'s and an admin\'s to read: 403 for other participants, 404 for strangers', async () => {
  const url = `/api/v1/cases/${caseId}/contact-views`;
  for (const user of ['community1', 'admin'] as const) expect((await get(user, url)).statusCode).toBe(200);
  for (const user of ['handler2', 'street1', 'orgdept1'] as const) {
    const res = await get(user, url);
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('case.forbidden');
  }
  for (const user of ['resident1', 'handler1', 'community2', 'member1'] as const) expect((await get(user, url)).statusCode).toBe(404);
  const anonymous = await (await as(s.app, null)).get(url);
  expect(anonymous.statusCode).toBe(401);
  expect(anonymous.headers['cache-control']).toBe('no-store');
});

test('no other user\'s id appears in a case answer; the caller\'s own does, so the app can say "you"', async () => {
  const { id, trackingCode } = await fileCase();
  await act('handler2', id, 'acknowledge', { note: '已电话联系业主' });
  await act('community1', id, 'urge', { message: '请尽快处理' });
  for (const user of ['street1', 'resident3', 'community1', 'admin'] as const) {
    for (const url of [`/api/v1/cases/${id}`, `/api/v1/cases/by-tracking-code/${trackingCode}`, '/api/v1/cases?limit=100']) {
      expect(foreignIds((await get(user, url)).body, user)).toEqual([]);
    }
  }
  const timeline = (await get('handler2', `/api/v1/cases/${id}`)).json().timeline as { type: string; actor: { userId: string } }[];
  const actorOf = (type: string) => timeline.find((e) => e.type === type)?.actor.userId;
  expect(actorOf('acknowledged')).toBe(DEMO_USERS.handler2);
  expect(actorOf('urged')).toMatch(HANDLE);
  // One user, one handle, whoever reads it.
  const byStreet = (await get('street1', `/api/v1/cases/${id}`)).json().timeline as typeof timeline;
  expect(byStreet.find((e) => e.type === 'urged')?.actor.userId).toBe(actorOf('urged'));
});

test('the resident of a merged duplicate follows the primary without its complainant\'s name, room or id', async () => {
  const resident1 = await as(s.app, 'resident1');
  const resident2 = await as(s.app, 'resident2');
  const file = async (who: typeof resident1, householdId: string, location: object) => {
    const res = await who.post('/api/v1/cases', intakeBody({ compoundCode: DEMO.compound, householdId, location, description: '单元门禁坏了，外人随意进出' }));
    expect(res.statusCode).toBe(201);
    return res.json().caseId as string;
  };
  const primary = await file(resident1, DEMO.resident1HouseholdId, { building: '1', unit: '1', room: '101' });
  const duplicate = await file(resident2, DEMO.resident2HouseholdId, { building: '2', unit: '1', room: '302' });
  await act('community1', duplicate, 'merge', { primaryCaseId: primary, reason: '同一门禁故障' });
  const res = await eventually(async () => {
    const r = await resident2.get(`/api/v1/cases/${primary}`);
    return r.statusCode === 200 && r;
  }, 30_000);
  expect(shown(res)).toEqual({ resident: { name: null, phone: null, masked: true }, householdId: null, location: { building: '1' } });
  for (const leak of ['张伟', '13800000001', DEMO.resident1HouseholdId, DEMO_USERS.resident1]) expect(res.body).not.toContain(leak);
  // Their own id in the event that made them a co-complainant stays readable to them.
  expect(res.json().timeline.find((e: { type: string }) => e.type === 'complainant_joined')?.payload.residentUserId).toBe(DEMO_USERS.resident2);
  expect(await viewsOf(primary)).toEqual([]);
});

test('every answer of the case routes is no-store, a case photo and a 404 included', async () => {
  const { id, trackingCode } = await fileCase();
  const detail = await get('resident3', `/api/v1/cases/${id}`);
  const photo = await get('resident3', `/api/v1/cases/${id}/photos/${detail.json().photos[0]}`);
  expect(photo.statusCode).toBe(200);
  expect(photo.headers['cache-control']).toBe('private, no-store');
  for (const res of [detail, await get('resident3', `/api/v1/cases/by-tracking-code/${trackingCode}`), await get('street1', `/api/v1/cases/${id}`), await get('resident1', `/api/v1/cases/${id}`)]) {
    expect(res.headers['cache-control']).toBe('no-store');
  }
});
