// Personal data minimisation (issue 25, finding 3; the opaque ids of finding 1), over HTTP on the real stack: who
// sees the resident's name, phone, household and room, where (a case view asked with contact=reveal, never a list
// nor a page polling), the log of every such read and the complainant's view of it, no-store on every
// authenticated answer, and no other user's id in a case, accountability or assessment answer.
//
// What an attacker would try, and where it is refused here: a company scraping its list for phone numbers (lists);
// a street or admin account re-identifying the resident from 张* + household + room, or asking to reveal it (the
// view of `none`); a handler still reading a case after it closed (closed); the resident of a merged duplicate
// reading the primary's resident (merge); enumerating user ids from timelines, accountability records or
// assessments (ids); a failed log write still answering (log before answer); drowning the deliberate views in the
// log under polled reads (reveal); a browser or proxy keeping a token, a profile or a case (no-store); reading
// someone else's view log (contact-views).
import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { DEMO_PASSWORD, type DemoUsername } from '../../db/seed-data';
import { createAssessmentActivities } from '../../activities/assessment';
import { cstDate } from '../../domain/calendar';
import { withTransaction } from '../../db/pool';
import { signAdjustment } from '../../db/queries/assessments';
import { eventually } from '../helpers/cases';
import { as, DEMO, DEMO_USERS, intakeBody, startApiStack, type ApiStack } from './helpers';

const PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const NAME = '王芳';
const PHONE = '13800000003';
const HOUSEHOLD = 'hh-lakeview-1-1-101';
const HANDLE = /^u_[0-9a-f]{16}$/;
const ROOM = { building: '1', unit: '1', room: '101' };
/** The complainant's own case. */
const OWN = {
  resident: { name: NAME, phone: PHONE, masked: false, revealable: false },
  householdId: HOUSEHOLD,
  location: ROOM,
};
/** Asked for (contact=reveal) by one who may contact the resident. */
const FULL = {
  resident: { name: NAME, phone: PHONE, masked: false, revealable: true },
  householdId: HOUSEHOLD,
  location: ROOM,
};
/** The same caller without asking: what a page polling gets. */
const REVEALABLE = {
  resident: { name: '王*', phone: null, masked: true, revealable: true },
  householdId: null,
  location: { building: '1' },
};
const WITHHELD = {
  resident: { name: null, phone: null, masked: true, revealable: false },
  householdId: null,
  location: { building: '1' },
};
const REVEAL = '?contact=reveal';
const ALL_FIELDS = ['name', 'phone', 'householdId', 'location'];

let s: ApiStack;
let caseId: string;

async function fileCase(): Promise<{ id: string; trackingCode: string }> {
  const res = await (
    await as(s.app, 'resident3')
  ).post('/api/v1/cases', intakeBody({ householdId: HOUSEHOLD, photos: [PNG] }));
  expect(res.statusCode).toBe(201);
  return { id: res.json().caseId, trackingCode: res.json().trackingCode };
}

const get = async (user: DemoUsername, url: string) => (await as(s.app, user)).get(url);
const reveal = (user: DemoUsername, id: string) => get(user, `/api/v1/cases/${id}${REVEAL}`);
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
const foreignIds = (body: string, me: DemoUsername) =>
  Object.entries(DEMO_USERS)
    .filter(([u, id]) => u !== me && body.includes(id))
    .map(([, id]) => id);

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
  expect(await itemOf('resident3')).toEqual(OWN.resident);
  for (const user of ['handler2', 'community1'] as const) expect(await itemOf(user)).toEqual(REVEALABLE.resident);
  for (const user of ['street1', 'orgdept1', 'admin'] as const) expect(await itemOf(user)).toEqual(WITHHELD.resident);
  expect(await viewsOf(caseId)).toEqual([]);
});

test('reads that do not ask carry neither phone, name, household nor room, and leave no row in the log: a page polling is not a view', async () => {
  const { id, trackingCode } = await fileCase();
  for (const user of ['handler2', 'community1', 'handler2', 'community1', 'handler2'] as const) {
    for (const url of [`/api/v1/cases/${id}`, `/api/v1/cases/by-tracking-code/${trackingCode}`]) {
      const res = await get(user, url);
      expect(res.statusCode).toBe(200);
      expect(shown(res)).toEqual(REVEALABLE);
      for (const leak of [NAME, PHONE, HOUSEHOLD, '"room"']) expect(res.body).not.toContain(leak);
    }
  }
  expect(await viewsOf(id)).toEqual([]);
});

test('the handler of an open case and the community see the resident when they ask, and each such read is logged before it is answered', async () => {
  const { id, trackingCode } = await fileCase();
  const first = await reveal('handler2', id);
  expect(shown(first)).toEqual(FULL);
  expect(await viewsOf(id)).toEqual([
    {
      userId: DEMO_USERS.handler2,
      role: 'handler',
      orgId: 'pc-lakeview',
      fields: ALL_FIELDS,
      requestId: first.headers['x-request-id'],
    },
  ]);
  // Asked again from the case cache, and by tracking code: each is one more row; a read between that does not ask is none.
  expect(shown(await reveal('handler2', id))).toEqual(FULL);
  expect(shown(await get('handler2', `/api/v1/cases/${id}`))).toEqual(REVEALABLE);
  expect(shown(await get('handler2', `/api/v1/cases/by-tracking-code/${trackingCode}${REVEAL}`))).toEqual(FULL);
  expect(shown(await reveal('community1', id))).toEqual(FULL);
  // The complainant reading their own case, asking or not, is not a view of someone else's data.
  expect(shown(await get('resident3', `/api/v1/cases/${id}`))).toEqual(OWN);
  expect(shown(await reveal('resident3', id))).toEqual(OWN);
  expect((await viewsOf(id)).map((v) => [v.userId, v.orgId])).toEqual([
    [DEMO_USERS.handler2, 'pc-lakeview'],
    [DEMO_USERS.handler2, 'pc-lakeview'],
    [DEMO_USERS.handler2, 'pc-lakeview'],
    [DEMO_USERS.community1, DEMO.communityOrgId],
  ]);
});

test('contact takes reveal and nothing else: any other value is a 400 naming it, with nothing logged', async () => {
  const { id } = await fileCase();
  for (const value of ['show', 'REVEAL', '']) {
    const res = await get('handler2', `/api/v1/cases/${id}?contact=${value}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.map((d: { path: string }) => d.path)).toEqual(['contact']);
    expect(res.body).not.toContain(PHONE);
  }
  expect(await viewsOf(id)).toEqual([]);
});

test('a read from memory still writes its log row, and a read whose row cannot be written is not answered', async () => {
  const { id } = await fileCase();
  expect((await reveal('handler2', id)).statusCode).toBe(200);
  // Intake's batched "workflow started" confirmation is a statement of its own: let it pass first.
  await eventually(
    async () =>
      (await s.pool.query('SELECT workflow_started FROM cases WHERE id = $1', [id])).rows[0].workflow_started === true,
    10_000,
  );
  const spy = jest.spyOn(s.pool, 'query') as unknown as jest.SpyInstance;
  try {
    expect(shown(await reveal('handler2', id))).toEqual(FULL);
    // Answered from the cache: the one statement is the log's INSERT.
    expect(spy.mock.calls.map(([q]) => JSON.stringify(q))).toEqual([
      expect.stringContaining('INSERT INTO personal_data_views'),
    ]);
    spy.mockRejectedValueOnce(new Error('the log cannot be written'));
    const refused = await reveal('handler2', id);
    expect(refused.statusCode).toBe(500);
    expect(refused.body).not.toContain(PHONE);
  } finally {
    spy.mockRestore();
  }
  expect(await viewsOf(id)).toHaveLength(2);
});

/** Asking to reveal without the right to: 403, nothing of the resident, no row. */
async function refusedReveal(user: DemoUsername, url: string): Promise<void> {
  const res = await get(user, url);
  expect([res.statusCode, res.json().error?.code]).toEqual([403, 'case.contact_forbidden']);
  for (const leak of [NAME, PHONE, HOUSEHOLD]) expect(res.body).not.toContain(leak);
}

test.each(['street1', 'orgdept1', 'admin'] as const)(
  '%s sees neither name, phone, household nor anything finer than the building, is refused when asking, and logs nothing',
  async (user) => {
    const res = await get(user, `/api/v1/cases/${caseId}`);
    expect(res.statusCode).toBe(200);
    expect(shown(res)).toEqual(WITHHELD);
    for (const leak of [NAME, '王*', PHONE, HOUSEHOLD, '"room"']) expect(res.body).not.toContain(leak);
    await refusedReveal(user, `/api/v1/cases/${caseId}${REVEAL}`);
    const { trackingCode } = res.json();
    await refusedReveal(user, `/api/v1/cases/by-tracking-code/${trackingCode}${REVEAL}`);
    expect(await viewsOf(caseId)).toEqual([]);
  },
);

test('a department the case was forwarded to, and a company it was re-routed away from, see neither', async () => {
  const forwarded = (await fileCase()).id;
  await act('community1', forwarded, 'escalate', { reason: '社区协调不了' });
  await act('street1', forwarded, 'report', { reason: '涉及职能部门' });
  await act('orgdept1', forwarded, 'forward', { departmentOrgId: DEMO.departments.housing, reason: '转住建部门' });
  expect(shown(await get('department2', `/api/v1/cases/${forwarded}`))).toEqual(WITHHELD);
  await refusedReveal('department2', `/api/v1/cases/${forwarded}${REVEAL}`);

  const rerouted = (await fileCase()).id;
  await act('community1', rerouted, 'reroute', { handlerOrgId: 'oc-lakeview', reason: '改由业委会处理' });
  expect(shown(await get('handler2', `/api/v1/cases/${rerouted}`))).toEqual(WITHHELD);
  await refusedReveal('handler2', `/api/v1/cases/${rerouted}${REVEAL}`);
  expect(await viewsOf(forwarded)).toEqual([]);
  expect(await viewsOf(rerouted)).toEqual([]);
});

test('once the case is closed its handler no longer sees the resident; the community committee still does', async () => {
  const { id } = await fileCase();
  expect(shown(await reveal('handler2', id))).toEqual(FULL);
  await act('community1', id, 'close', { ground: 'duplicate', reason: '重复工单' });
  const after = await get('handler2', `/api/v1/cases/${id}`);
  expect(after.json().status).toBe('closed');
  expect(shown(after)).toEqual(WITHHELD);
  await refusedReveal('handler2', `/api/v1/cases/${id}${REVEAL}`);
  expect(shown(await reveal('community1', id))).toEqual(FULL);
  expect((await viewsOf(id)).map((v) => v.userId)).toEqual([DEMO_USERS.handler2, DEMO_USERS.community1]);
});

test('the complainant sees who viewed their contact details: organisation, role, the staff member, never a user id', async () => {
  const { id } = await fileCase();
  for (let i = 0; i < 3; i++) await reveal('handler2', id);
  await reveal('community1', id);
  await get('community1', `/api/v1/cases/${id}`);
  await get('street1', `/api/v1/cases/${id}`);
  const res = await get('resident3', `/api/v1/cases/${id}/contact-views`);
  expect(res.statusCode).toBe(200);
  expect(res.headers['cache-control']).toBe('no-store');
  const { items, truncated } = res.json();
  expect(truncated).toBe(false);
  expect(items[0]).toMatchObject({
    viewer: { role: 'supervisor', organization: { id: DEMO.communityOrgId }, name: { nameZh: expect.any(String) } },
    fields: ALL_FIELDS,
    reads: 1,
  });
  const company = items.filter(
    (v: { viewer: { organization: { id: string } } }) => v.viewer.organization.id === 'pc-lakeview',
  );
  // Reads of one viewer within an hour are one entry (two if the test crossed the hour).
  expect(company.reduce((n: number, v: { reads: number }) => n + v.reads, 0)).toBe(3);
  expect(company[0]).toEqual({
    at: expect.any(String),
    firstAt: expect.any(String),
    reads: expect.any(Number),
    viewer: {
      role: 'handler',
      organization: { id: 'pc-lakeview', nameZh: expect.any(String), nameEn: expect.any(String) },
      name: { nameZh: '林峰', nameEn: 'Lin Feng' },
    },
    fields: ALL_FIELDS,
  });
  expect(foreignIds(res.body, 'resident3')).toEqual([]);
  // The street read nothing personal, so it is not listed.
  expect(res.body).not.toContain(DEMO.streetOrgId);
});

test("the view log is the complainant's, the community committee's and an admin's to read: 403 for other participants, 404 for strangers", async () => {
  const url = `/api/v1/cases/${caseId}/contact-views`;
  for (const user of ['community1', 'admin'] as const) expect((await get(user, url)).statusCode).toBe(200);
  for (const user of ['handler2', 'street1', 'orgdept1'] as const) {
    const res = await get(user, url);
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('case.forbidden');
  }
  for (const user of ['resident1', 'handler1', 'community2', 'member1'] as const)
    expect((await get(user, url)).statusCode).toBe(404);
  const anonymous = await (await as(s.app, null)).get(url);
  expect(anonymous.statusCode).toBe(401);
  expect(anonymous.headers['cache-control']).toBe('no-store');
});

test('no other user\'s id appears in a case answer; the caller\'s own does, so the app can say "you"', async () => {
  const { id, trackingCode } = await fileCase();
  await act('handler2', id, 'acknowledge', { note: '已电话联系业主' });
  await act('community1', id, 'urge', { message: '请尽快处理' });
  for (const user of ['street1', 'resident3', 'community1', 'admin'] as const) {
    for (const url of [
      `/api/v1/cases/${id}`,
      `/api/v1/cases/by-tracking-code/${trackingCode}`,
      '/api/v1/cases?limit=100',
    ]) {
      expect(foreignIds((await get(user, url)).body, user)).toEqual([]);
    }
  }
  const timeline = (await get('handler2', `/api/v1/cases/${id}`)).json().timeline as {
    type: string;
    actor: { userId: string };
  }[];
  const actorOf = (type: string) => timeline.find((e) => e.type === type)?.actor.userId;
  expect(actorOf('acknowledged')).toBe(DEMO_USERS.handler2);
  expect(actorOf('urged')).toMatch(HANDLE);
  // One user, one handle, whoever reads it.
  const byStreet = (await get('street1', `/api/v1/cases/${id}`)).json().timeline as typeof timeline;
  expect(byStreet.find((e) => e.type === 'urged')?.actor.userId).toBe(actorOf('urged'));
});

test("the resident of a merged duplicate follows the primary without its complainant's name, room or id", async () => {
  const resident1 = await as(s.app, 'resident1');
  const resident2 = await as(s.app, 'resident2');
  const file = async (who: typeof resident1, householdId: string, location: object) => {
    const res = await who.post(
      '/api/v1/cases',
      intakeBody({
        compoundCode: DEMO.compound,
        householdId,
        location,
        description: '单元门禁坏了，外人随意进出',
        photos: [PNG],
      }),
    );
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
  expect(shown(res)).toEqual(WITHHELD);
  expect((await resident2.get(`/api/v1/cases/${primary}${REVEAL}`)).statusCode).toBe(403);
  for (const leak of ['张伟', '13800000001', DEMO.resident1HouseholdId, DEMO_USERS.resident1])
    expect(res.body).not.toContain(leak);
  // Their own id in the event that made them a co-complainant stays readable to them.
  expect(
    res.json().timeline.find((e: { type: string }) => e.type === 'complainant_joined')?.payload.residentUserId,
  ).toBe(DEMO_USERS.resident2);
  expect(await viewsOf(primary)).toEqual([]);
  // The complainant's own words and photos stay theirs: the co-complainant follows the progress without them.
  expect(res.json().description).toBeNull();
  expect(res.json().photos).toEqual([]);
  const [photo] = (await get('resident1', `/api/v1/cases/${primary}`)).json().photos;
  expect(photo).toEqual(expect.any(String));
  expect((await resident2.get(`/api/v1/cases/${primary}/photos/${photo}`)).statusCode).toBe(404);
  expect((await get('resident1', `/api/v1/cases/${primary}/photos/${photo}`)).statusCode).toBe(200);
});

test('every answer of the case routes is no-store, a case photo and a 404 included', async () => {
  const { id, trackingCode } = await fileCase();
  const detail = await get('resident3', `/api/v1/cases/${id}`);
  const photo = await get('resident3', `/api/v1/cases/${id}/photos/${detail.json().photos[0]}`);
  expect(photo.statusCode).toBe(200);
  expect(photo.headers['cache-control']).toBe('private, no-store');
  for (const res of [
    detail,
    await get('resident3', `/api/v1/cases/by-tracking-code/${trackingCode}`),
    await get('street1', `/api/v1/cases/${id}`),
    await get('resident1', `/api/v1/cases/${id}`),
  ]) {
    expect(res.headers['cache-control']).toBe('no-store');
  }
});

test("every answer to a signed-in caller is no-store — /me, a sign-in's tokens, errors — while the disclosure routes keep their public caching", async () => {
  const community = await as(s.app, 'community1');
  const anonymous = await as(s.app, null);
  const login = await s.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username: 'community1', password: DEMO_PASSWORD },
  });
  expect(login.statusCode).toBe(200);
  const answers = {
    login,
    me: await community.get('/api/v1/me'),
    meUnsigned: await anonymous.get('/api/v1/me'),
    accountability: await community.get('/api/v1/accountability?limit=1'),
    assessments: await community.get('/api/v1/assessments'),
    badQuery: await community.get('/api/v1/assessments?period=2026-13'),
    unknownRoute: await community.get('/api/v1/no-such-route'),
    apiKey: await anonymous.get('/api/v1/me', { 'x-api-key': 'rs_not-a-key' }),
  };
  expect(
    Object.fromEntries(Object.entries(answers).map(([k, r]) => [k, [r.statusCode, r.headers['cache-control']]])),
  ).toEqual({
    login: [200, 'no-store'],
    me: [200, 'no-store'],
    meUnsigned: [401, 'no-store'],
    accountability: [200, 'no-store'],
    assessments: [200, 'no-store'],
    badQuery: [400, 'no-store'],
    unknownRoute: [404, 'no-store'],
    apiKey: [401, 'no-store'],
  });
  // What every visitor may read is cached as its route says, whoever asks.
  for (const client of [anonymous, community]) {
    const res = await client.get('/api/v1/public/assessments?period=2026-01');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toMatch(/^public, max-age=\d+$/);
  }
});

test("accountability records show the caller's own id as it is and other users' as opaque handles", async () => {
  const community = await as(s.app, 'community1');
  const handler = await as(s.app, 'handler2');
  const filed = await community.post('/api/v1/accountability', {
    organizationId: 'pc-lakeview',
    dutyCode: 'property_company.service_standard',
    reason: '现场检查：2 号楼楼道堆放杂物',
    consequence: '3 日内清理并书面说明',
  });
  expect(filed.statusCode).toBe(201);
  const id = filed.json().id as string;
  expect(filed.json().filedBy).toBe(DEMO_USERS.community1);
  const answered = await handler.post(`/api/v1/accountability/${id}/answer`, { answer: '已清理完毕，照片存档' });
  expect(answered.json()).toMatchObject({
    filedBy: expect.stringMatching(HANDLE),
    answer: { by: DEMO_USERS.handler2 },
  });
  const closed = await community.post(`/api/v1/accountability/${id}/close`, { reason: '现场复核已整改' });
  expect(closed.json()).toMatchObject({
    filedBy: DEMO_USERS.community1,
    answer: { by: expect.stringMatching(HANDLE) },
    closed: { by: DEMO_USERS.community1 },
  });
  // One user, one handle: the handler sees the same one for who filed and who closed.
  const seen = (await get('handler2', `/api/v1/accountability/${id}`)).json();
  expect(seen.closed.by).toBe(seen.filedBy);
  expect(seen.filedBy).toMatch(HANDLE);
  for (const user of ['handler2', 'community1', 'street1', 'admin'] as const) {
    for (const url of [`/api/v1/accountability/${id}`, '/api/v1/accountability?limit=100']) {
      const res = await get(user, url);
      expect(res.statusCode).toBe(200);
      expect(foreignIds(res.body, user)).toEqual([]);
    }
  }
});

test('assessments show who computed them and who signed an adjustment as opaque handles to everyone but that user', async () => {
  const month = cstDate(Date.now()).slice(0, 7);
  const compute = createAssessmentActivities({ pool: s.pool }).computeAssessments;
  await compute({ period: month, computationId: `privacy-${randomUUID()}`, computedBy: DEMO_USERS.orgdept1 });
  const url = `/api/v1/assessments?period=${month}&organization=pc-lakeview`;
  const [unit] = (await get('community1', url)).json().items;
  await withTransaction(s.pool, (c) =>
    signAdjustment(
      c,
      {
        assessmentId: unit.id,
        delta: -1,
        reason: '现场检查：楼道堆放杂物',
        userId: DEMO_USERS.community1,
        dedupeKey: null,
      },
      () => true,
    ),
  );
  const by = async (user: DemoUsername) => {
    const res = await get(user, `/api/v1/assessments/${unit.id}`);
    expect(res.statusCode).toBe(200);
    expect(foreignIds(res.body, user)).toEqual([]);
    const { computedBy, adjustments } = res.json();
    return { computedBy, signedBy: adjustments.items[0].signedBy.userId };
  };
  expect(await by('community1')).toEqual({
    computedBy: expect.stringMatching(HANDLE),
    signedBy: DEMO_USERS.community1,
  });
  expect(await by('orgdept1')).toEqual({ computedBy: DEMO_USERS.orgdept1, signedBy: expect.stringMatching(HANDLE) });
  const byHandler = await by('handler2');
  expect(byHandler).toEqual({ computedBy: (await by('admin')).computedBy, signedBy: expect.stringMatching(HANDLE) });
  for (const user of ['handler2', 'admin'] as const) expect(foreignIds((await get(user, url)).body, user)).toEqual([]);
  // The Schedule is not a user: its runs say so to everyone (a month long past, so its units are due).
  await compute({ period: '2025-06', computationId: `privacy-${randomUUID()}`, computedBy: 'schedule' });
  const scheduled = (await get('handler2', '/api/v1/assessments?period=2025-06&organization=pc-lakeview')).json().items;
  expect(scheduled.length).toBeGreaterThan(0);
  for (const a of scheduled) expect(a.computedBy).toBe('schedule');
});
