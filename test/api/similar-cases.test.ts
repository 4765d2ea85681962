// Duplicate hints over HTTP as a new user would (issue 29, "me too"): the open cases offered before filing, following
// one instead, and the suggested duplicates staff merge. Each rule is written as what someone would try to get past
// it: a resident of another compound probing, a follower reading personal data, a second follow counted twice, a
// complainant following their own case, a closed case followed, another community's staff reading the suggestions.
import { randomUUID } from 'node:crypto';
import { eventually } from '../helpers/cases';
import { as, DEMO, DEMO_USERS, intakeBody, startApiStack, tokenOf, type ApiStack } from './helpers';
import { HINT_LIMIT } from '../../api/routes/case-similar';

let s: ApiStack;
const hours = (amount: number) => ({ unit: 'hours', amount });
beforeAll(async () => {
  s = await startApiStack();
  // demo-fast's clock in hours here: no deadline fires, so no case escalates away from community1 mid-test.
  const phase = { response: hours(10), resolution: hours(20) };
  await s.pool.query(
    `UPDATE agreements SET terms = terms || jsonb_build_object('deadlines', $1::jsonb) WHERE compound_code = 'demo-fast'`,
    [JSON.stringify({ emergency: phase, utilities: phase, general: phase, complex: phase })],
  );
});
afterAll(async () => {
  await s?.close();
});

type User = Parameters<typeof as>[1];
type Item = { id: string; trackingCode: string; building: string | null; sameBuilding: boolean; following: boolean };
type Filed = { id: string; trackingCode: string };

async function file(user: User, categoryCode: string, building: string, compoundCode: string = DEMO.compound) {
  const res = await (
    await as(s.app, user)
  ).post(
    '/api/v1/cases',
    intakeBody({
      compoundCode,
      categoryCode,
      location: { building, unit: '1', room: '101' },
      description: `${building}号楼的问题，张伟家门口，电话13800000001`,
    }),
  );
  expect(res.statusCode).toBe(201);
  return { id: res.json().caseId as string, trackingCode: res.json().trackingCode as string };
}

async function hints(user: User, query: string) {
  const res = await (await as(s.app, user)).get(`/api/v1/cases/similar?${query}`);
  return { status: res.statusCode, body: res.json(), items: (res.json().items ?? []) as Item[] };
}

const ids = (items: { id: string }[]) => items.map((i) => i.id);
const fieldsOf = (res: { json(): { error: { details: { path: string }[] } } }) =>
  res.json().error.details.map((d) => d.path);
const coComplainants = async (id: string): Promise<string[]> =>
  (await s.pool.query('SELECT co_complainants FROM cases WHERE id = $1', [id])).rows[0].co_complainants;

// Filed in this order, so newest first is the reverse: liftB1a, liftB1b (building 1), liftB2 (building 2),
// leakB1, leakB2, a lakeview lift (same community, another compound) and a withdrawn lift.
let liftB1a: Filed, liftB1b: Filed, liftB2: Filed, leakB1: Filed, leakB2: Filed, lakeviewLift: Filed, closed: Filed;
beforeAll(async () => {
  liftB1a = await file('resident1', 'lift', '1');
  liftB1b = await file('resident1', 'lift', '1');
  liftB2 = await file('resident2', 'lift', '2');
  leakB1 = await file('resident1', 'leak', '1');
  leakB2 = await file('resident2', 'leak', '2');
  lakeviewLift = await file('resident3', 'lift', '1', DEMO.siblingCompound);
  closed = await file('resident1', 'lift', '1');
  expect((await (await as(s.app, 'resident1')).act(closed.id, 'withdraw', { reason: '已修好' })).statusCode).toBe(200);
});

describe('hints at intake', () => {
  test('a lift is a shared facility: the whole compound is offered, the same building first, then newest', async () => {
    const { status, body } = await hints('resident2', `compound=${DEMO.compound}&category=lift&building=1`);
    expect(status).toBe(200);
    expect(body.items).toEqual(
      [
        [liftB1b, '1', true, 1],
        [liftB1a, '1', true, 1],
        [liftB2, '2', false, 1],
      ].map(([c, building, sameBuilding, followers]) => ({
        id: (c as Filed).id,
        trackingCode: (c as Filed).trackingCode,
        categoryCode: 'lift',
        categoryName: '电梯故障',
        building,
        sameBuilding,
        status: 'dispatched',
        stage: 'respond',
        createdAt: expect.any(String),
        followers,
        following: (c as Filed).id === liftB2.id,
      })),
    );
    // Nothing personal: the description, unit, room, name and phone never leave in a hint.
    expect(JSON.stringify(body)).not.toMatch(/张伟|13800000001|description|room|unit/);
  });

  test('a leak is not: only the same building, and nothing without one', async () => {
    expect(ids((await hints('resident1', `compound=${DEMO.compound}&category=leak&building=2`)).items)).toEqual([
      leakB2.id,
    ]);
    expect(ids((await hints('resident1', `compound=${DEMO.compound}&category=leak&building=1`)).items)).toEqual([
      leakB1.id,
    ]);
    expect((await hints('resident1', `compound=${DEMO.compound}&category=leak`)).items).toEqual([]);
    // Without a building a shared facility still answers: the compound's open lift cases, newest first.
    expect(ids((await hints('resident2', `compound=${DEMO.compound}&category=lift`)).items)).toEqual([
      liftB2.id,
      liftB1b.id,
      liftB1a.id,
    ]);
  });

  test('closed cases and other compounds are never offered; at most five', async () => {
    const more = [];
    for (let i = 0; i < 3; i++) more.push(await file('resident2', 'lift', '2'));
    const { items } = await hints('resident2', `compound=${DEMO.compound}&category=lift&building=2`);
    expect(items).toHaveLength(HINT_LIMIT);
    expect(ids(items)).toEqual([...more.reverse().map((c) => c.id), liftB2.id, liftB1b.id]);
    expect(ids(items)).not.toContain(closed.id);
    expect(ids(items)).not.toContain(lakeviewLift.id);
    for (const c of more) expect((await (await as(s.app, 'resident2')).act(c.id, 'withdraw', {})).statusCode).toBe(200);
  });

  test('a resident asks only about a compound where they have a household', async () => {
    const res = await (
      await as(s.app, 'resident3')
    ).get(`/api/v1/cases/similar?compound=${DEMO.compound}&category=lift`);
    expect(res.statusCode).toBe(400);
    expect(fieldsOf(res)).toEqual(['compound']);
  });

  test('staff see only the cases within their scope', async () => {
    const q = `compound=${DEMO.compound}&category=lift&building=1`;
    expect(ids((await hints('community1', q)).items)).toEqual([liftB1b.id, liftB1a.id, liftB2.id]);
    expect(ids((await hints('handler1', q)).items)).toEqual([liftB1b.id, liftB1a.id, liftB2.id]);
    for (const user of ['community2', 'handler2', 'street2'] as const) expect((await hints(user, q)).items).toEqual([]);
  });

  test('an admin who marks the lift as not shared narrows its hints to the building, on the audit record', async () => {
    const q = `compound=${DEMO.compound}&category=lift&building=1`;
    const token = await tokenOf(s.app, 'admin');
    const mark = (sharedFacility: boolean) =>
      s.app.inject({
        method: 'PATCH',
        url: '/api/v1/admin/categories/lift',
        headers: { authorization: `Bearer ${token}` },
        payload: { sharedFacility, reason: '每栋楼电梯各自独立' },
      });
    const off = await mark(false);
    expect([off.statusCode, off.json().sharedFacility]).toEqual([200, false]);
    try {
      expect(ids((await hints('community1', q)).items)).toEqual([liftB1b.id, liftB1a.id]);
      const { rows } = await s.pool.query(
        `SELECT before->>'sharedFacility' AS b, after->>'sharedFacility' AS a FROM audit_log
          WHERE entity = 'category' AND entity_id = 'lift' ORDER BY id DESC LIMIT 1`,
      );
      expect(rows[0]).toEqual({ b: 'true', a: 'false' });
    } finally {
      expect((await mark(true)).statusCode).toBe(200);
    }
    expect(ids((await hints('community1', q)).items)).toEqual([liftB1b.id, liftB1a.id, liftB2.id]);
  });

  test.each([
    ['compound=nowhere&category=lift', 'compound'],
    [`compound=${DEMO.compound}&category=teleporter`, 'category'],
    [`compound=${DEMO.compound}`, 'category'],
    ['category=lift', 'compound'],
    [`compound=${DEMO.compound}&category=lift&building=%00`, 'building'],
    [`compound=${DEMO.compound}&category=lift&building=${'9'.repeat(21)}`, 'building'],
    [`compound=${DEMO.compound}&category=lift&description=x`, ''],
  ])('a bad query (%s) is 400 naming %s', async (query, field) => {
    const res = await (await as(s.app, 'resident1')).get(`/api/v1/cases/similar?${query}`);
    expect(res.statusCode).toBe(400);
    if (field) expect(fieldsOf(res)).toContain(field);
  });

  test('signed out: 401', async () => {
    expect(
      (await (await as(s.app, null)).get(`/api/v1/cases/similar?compound=${DEMO.compound}&category=lift`)).statusCode,
    ).toBe(401);
  });
});

describe('following a case instead of filing', () => {
  test('a resident of the compound follows: sees it in their list and on its page, without the complainant’s data', async () => {
    const resident2 = await as(s.app, 'resident2');
    const res = await resident2.post(`/api/v1/cases/${liftB1a.id}/follow`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ caseId: liftB1a.id, trackingCode: liftB1a.trackingCode, following: true });
    expect(await coComplainants(liftB1a.id)).toEqual([DEMO_USERS.resident2]);

    const list = await resident2.get('/api/v1/cases?limit=100');
    expect(ids(list.json().items)).toContain(liftB1a.id);
    const page = await resident2.get(`/api/v1/cases/${liftB1a.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.json().resident).toEqual({ name: null, phone: null, masked: true, revealable: false });
    expect(page.json().location).toEqual({ building: '1' });
    // Nor the complainant's own words, which here name a neighbour and a phone.
    expect(page.json().description).toBeNull();
    for (const leak of ['张伟', '13800000001']) expect(page.body).not.toContain(leak);
    const joined = page.json().timeline.filter((e: { type: string }) => e.type === 'complainant_joined');
    expect(joined).toEqual([
      expect.objectContaining({
        payload: { fromCaseId: null, fromTrackingCode: null, residentUserId: DEMO_USERS.resident2 },
      }),
    ]);
    // Their hint now says so, and counts them.
    const { items } = await hints('resident2', `compound=${DEMO.compound}&category=lift&building=1`);
    expect(items.find((i) => i.id === liftB1a.id)).toMatchObject({ following: true, followers: 2 });
  });

  test('following again is answered the same and records nothing more', async () => {
    const before = (await s.pool.query('SELECT count(*)::int AS n FROM case_events WHERE case_id = $1', [liftB1a.id]))
      .rows[0].n;
    const again = await (await as(s.app, 'resident2')).post(`/api/v1/cases/${liftB1a.id}/follow`);
    expect(again.statusCode).toBe(200);
    expect(again.json().following).toBe(true);
    const after = (await s.pool.query('SELECT count(*)::int AS n FROM case_events WHERE case_id = $1', [liftB1a.id]))
      .rows[0].n;
    expect(after).toBe(before);
    expect(await coComplainants(liftB1a.id)).toEqual([DEMO_USERS.resident2]);
  });

  test('two follows at once join once', async () => {
    const resident2 = await as(s.app, 'resident2');
    const answers = await Promise.all([1, 2, 3].map(() => resident2.post(`/api/v1/cases/${liftB1b.id}/follow`)));
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200]);
    const events = await s.pool.query(
      `SELECT count(*)::int AS n FROM case_events WHERE case_id = $1 AND type = 'complainant_joined'`,
      [liftB1b.id],
    );
    expect(events.rows[0].n).toBe(1);
  });

  test('the complainant cannot follow their own case (409), nor anyone a closed one (409)', async () => {
    const own = await (await as(s.app, 'resident1')).post(`/api/v1/cases/${liftB1a.id}/follow`);
    expect(own.statusCode).toBe(409);
    expect(own.json().error.code).toBe('case.own_case');
    const done = await (await as(s.app, 'resident2')).post(`/api/v1/cases/${closed.id}/follow`);
    expect(done.statusCode).toBe(409);
    expect(done.json().error.code).toBe('case.illegal_transition');
  });

  test('a resident of another compound gets the 404 of a case that does not exist; staff are refused', async () => {
    const resident3 = await as(s.app, 'resident3');
    for (const id of [liftB1a.id, randomUUID()]) {
      const res = await resident3.post(`/api/v1/cases/${id}/follow`);
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('case.not_found');
    }
    expect(await coComplainants(liftB1a.id)).not.toContain(DEMO_USERS.resident3);
    for (const user of ['handler1', 'community1', 'admin'] as const)
      expect((await (await as(s.app, user)).post(`/api/v1/cases/${liftB1a.id}/follow`)).statusCode).toBe(403);
    expect((await resident3.post('/api/v1/cases/not-a-uuid/follow')).statusCode).toBe(400);
  });

  test('a follower may not withdraw the case: only its complainant may', async () => {
    const res = await (await as(s.app, 'resident2')).act(liftB1a.id, 'withdraw', {});
    expect(res.statusCode).toBe(403);
  });

  test('filing anyway stays possible', async () => {
    const c = await file('resident2', 'lift', '1');
    expect(c.id).toBeTruthy();
    await (await as(s.app, 'resident2')).act(c.id, 'withdraw', {});
  });
});

describe('suggested duplicates for staff', () => {
  test('the supervising community sees the others, not the case itself; residents 403, strangers 404', async () => {
    const res = await (await as(s.app, 'community1')).get(`/api/v1/cases/${liftB1a.id}/duplicates`);
    expect(res.statusCode).toBe(200);
    expect(ids(res.json().items)).toEqual([liftB1b.id, liftB2.id]);
    expect((await (await as(s.app, 'resident1')).get(`/api/v1/cases/${liftB1a.id}/duplicates`)).statusCode).toBe(403);
    for (const user of ['community2', 'handler2', 'street2'] as const)
      expect((await (await as(s.app, user)).get(`/api/v1/cases/${liftB1a.id}/duplicates`)).statusCode).toBe(404);
    expect((await (await as(s.app, 'community1')).get(`/api/v1/cases/${randomUUID()}/duplicates`)).statusCode).toBe(
      404,
    );
  });

  test('merging a suggested duplicate makes its resident a co-complainant of the primary', async () => {
    const community1 = await as(s.app, 'community1');
    const suggested = (await community1.get(`/api/v1/cases/${liftB1b.id}/duplicates`)).json().items as Item[];
    expect(ids(suggested)).toContain(liftB2.id);
    const merged = await community1.act(liftB2.id, 'merge', { primaryCaseId: liftB1b.id, reason: '同一部电梯' });
    expect(merged.statusCode).toBe(200);
    // resident2 already followed liftB1b: joining by the merge changes nothing. Their merged case is closed and gone.
    await eventually(
      async () =>
        (await s.pool.query('SELECT status FROM cases WHERE id = $1', [liftB2.id])).rows[0].status === 'closed',
    );
    expect(await coComplainants(liftB1b.id)).toEqual([DEMO_USERS.resident2]);
    const after = (await community1.get(`/api/v1/cases/${liftB1b.id}/duplicates`)).json().items as Item[];
    expect(ids(after)).not.toContain(liftB2.id);
  });

  test('a merged resident who did not follow becomes one', async () => {
    const community1 = await as(s.app, 'community1');
    const dup = await file('resident2', 'leak', '1');
    expect(ids((await community1.get(`/api/v1/cases/${leakB1.id}/duplicates`)).json().items)).toEqual([dup.id]);
    expect((await community1.act(dup.id, 'merge', { primaryCaseId: leakB1.id, reason: '同一处漏水' })).statusCode).toBe(
      200,
    );
    await eventually(async () => (await coComplainants(leakB1.id)).includes(DEMO_USERS.resident2));
    expect((await (await as(s.app, 'resident2')).get(`/api/v1/cases/${leakB1.id}`)).statusCode).toBe(200);
  });
});
