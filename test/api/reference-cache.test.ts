// The API caches accounts, names and intake's reference data (db/reference-cache.ts), and Postgres tells it of
// every change: a change made by plain SQL on another connection, or through another API instance, is seen by
// the next request within milliseconds; one made through this instance, at once.
import { Client } from 'pg';
import type { FastifyInstance } from 'fastify';
import type { ChangeFeed } from '../../db/notify';
import { as, DEMO, DEMO_USERS, intakeBody, startApiStack, tokenOf, type ApiStack } from './helpers';
import { seenWithin } from '../helpers/poll';

let s: ApiStack;
/** Somebody else: a connection of its own, as psql or another service would use. */
let elsewhere: Client;
beforeAll(async () => {
  s = await startApiStack({ worker: false });
  elsewhere = new Client({ connectionString: s.pool.options.connectionString });
  await elsewhere.connect();
});
afterAll(async () => {
  await elsewhere?.end();
  await s?.close();
});

const me = async (app: FastifyInstance, username: 'resident2') =>
  app.inject({
    method: 'GET',
    url: '/api/v1/me',
    headers: { authorization: `Bearer ${await tokenOf(app, username)}` },
  });

test('an account deactivated by plain SQL on another connection is refused by the next request, and let back in', async () => {
  expect((await me(s.app, 'resident2')).statusCode).toBe(200);
  await elsewhere.query('UPDATE users SET active = false WHERE id = $1', [DEMO_USERS.resident2]);
  try {
    const refused = await seenWithin(
      () => me(s.app, 'resident2'),
      (r) => r.statusCode !== 200,
    );
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.code).toBe('auth.unauthenticated');
  } finally {
    await elsewhere.query('UPDATE users SET active = true WHERE id = $1', [DEMO_USERS.resident2]);
  }
  await seenWithin(
    () => me(s.app, 'resident2'),
    (r) => r.statusCode === 200,
  );
});

test('an organisation renamed by plain SQL carries its new name in the next read of a case', async () => {
  const resident = await as(s.app, 'resident3'); // of lakeview, intakeBody's compound
  const filed = await resident.post('/api/v1/cases', intakeBody());
  expect(filed.statusCode).toBe(201);
  const read = async () => (await resident.get(`/api/v1/cases/${filed.json().caseId}`)).json();
  const before = await read();
  expect(before.handler).toMatchObject({ id: DEMO.siblingPropertyCompanyOrgId, nameZh: '苏州湖景物业服务有限公司' });
  await elsewhere.query(`UPDATE organizations SET name_zh = '苏州湖景物业（更名）' WHERE id = $1`, [
    DEMO.siblingPropertyCompanyOrgId,
  ]);
  try {
    const after = await seenWithin(read, (c) => c.handler.nameZh !== before.handler.nameZh);
    expect(after).toEqual({
      ...before,
      handler: { ...before.handler, nameZh: '苏州湖景物业（更名）' },
      deadlines: expect.any(Array),
    });
  } finally {
    await elsewhere.query(`UPDATE organizations SET name_zh = '苏州湖景物业服务有限公司' WHERE id = $1`, [
      DEMO.siblingPropertyCompanyOrgId,
    ]);
  }
});

test('an agreement revised through another API instance governs the next case filed through this one', async () => {
  const other = await s.buildApp();
  const resident = await as(s.app, 'resident1');
  const file = () =>
    resident.post(
      '/api/v1/cases',
      intakeBody({ compoundCode: DEMO.compound, location: { building: '1', unit: '1', room: '101' } }),
    );
  const responseWindow = (filed: Awaited<ReturnType<typeof file>>) => {
    const due = filed.json().deadlines.find((d: { kind: string }) => d.kind === 'response').dueAt as string;
    return Date.parse(due) - Date.now();
  };
  expect(responseWindow(await file())).toBeLessThan(60_000); // demo-fast: 15 s to respond

  const phase = { response: { unit: 'seconds', amount: 3_600 }, resolution: { unit: 'seconds', amount: 7_200 } };
  const revised = await other.inject({
    method: 'PATCH',
    url: `/api/v1/admin/agreements/${DEMO.agreementId}`,
    headers: { authorization: `Bearer ${await tokenOf(other, 'admin')}` },
    payload: {
      terms: { deadlines: { emergency: phase, utilities: phase, general: phase, complex: phase } },
      reason: '另一实例修订协议',
    },
  });
  expect(revised.statusCode).toBe(201);
  const filed = await seenWithin(file, (f) => responseWindow(f) > 60_000);
  expect(filed.statusCode).toBe(201);
  expect(responseWindow(filed)).toBeGreaterThan(3_500_000);
});

test('a category withdrawn through an instance is refused by its very next intake, notification or not', async () => {
  // An instance whose notifications never arrive: only its own drop after the commit can make the change count.
  const silent: ChangeFeed = { live: true, onChange: () => undefined, close: async () => undefined };
  const app = await s.buildApp({ cache: { feed: silent } });
  const resident = await as(app, 'resident3');
  expect((await resident.post('/api/v1/cases', intakeBody({ categoryCode: 'parking' }))).statusCode).toBe(201);
  const withdrawn = await app.inject({
    method: 'PATCH',
    url: '/api/v1/admin/categories/parking',
    headers: { authorization: `Bearer ${await tokenOf(app, 'admin')}` },
    payload: { active: false, reason: '停车问题改由物业直接处理' },
  });
  expect(withdrawn.statusCode).toBe(200);
  const refused = await resident.post('/api/v1/cases', intakeBody({ categoryCode: 'parking' }));
  expect(refused.statusCode).toBe(400);
  expect(refused.json().error.details.map((d: { path: string }) => d.path)).toEqual(['categoryCode']);
});
