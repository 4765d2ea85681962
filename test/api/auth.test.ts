// Sign-in: staff and demo residents by password, residents by phone code through the outbox; tokens name the
// user and the session, and both are re-read on every request. Sessions, refresh, sign-out and the failure budget:
// sign-in-security.test.ts.
import { DEMO_PASSWORD } from '../../db/seed-data';
import { as, DEMO, DEMO_USERS, startApiStack, testConfig, tokenOf, type ApiStack } from './helpers';

let s: ApiStack;
beforeAll(async () => {
  s = await startApiStack({ worker: false });
});
afterAll(async () => {
  await s?.close();
});

const login = (username: string, password: string) =>
  s.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
const sendCode = (phone: string) => s.app.inject({ method: 'POST', url: '/api/v1/auth/code', payload: { phone } });
const verify = (phone: string, code: string) =>
  s.app.inject({ method: 'POST', url: '/api/v1/auth/code/verify', payload: { phone, code } });
const codesFor = async (phone: string) =>
  (
    await s.pool.query<{ code_hash: string; payload: { code: string } }>(
      `SELECT l.code_hash, o.payload FROM login_codes l JOIN notification_outbox o ON o.dedupe_key = 'login-code:' || l.id WHERE l.phone = $1 ORDER BY l.id`,
      [phone],
    )
  ).rows;

test('a handler signs in with a password and the token says who they are', async () => {
  const res = await login('handler1', DEMO_PASSWORD);
  expect(res.statusCode).toBe(200);
  expect(res.json()).toEqual({
    token: expect.any(String),
    tokenType: 'Bearer',
    expiresIn: 900,
    refreshToken: expect.stringMatching(/^[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/),
    refreshExpiresIn: 30 * 86_400,
    user: {
      id: DEMO_USERS.handler1,
      username: 'handler1',
      role: 'handler',
      organizationId: DEMO.propertyCompanyOrgId,
      personId: 'p-handler1',
    },
  });
  const claims = JSON.parse(Buffer.from(res.json().token.split('.')[1], 'base64url').toString());
  expect(claims).toMatchObject({
    userId: DEMO_USERS.handler1,
    sid: res.json().refreshToken.split('.')[0],
    role: 'handler',
    organizationId: DEMO.propertyCompanyOrgId,
    personId: 'p-handler1',
  });
  expect(claims.exp - claims.iat).toBe(900);
  const me = await s.app.inject({
    method: 'GET',
    url: '/api/v1/me',
    headers: { authorization: `Bearer ${res.json().token}` },
  });
  expect(me.json()).toEqual({
    id: DEMO_USERS.handler1,
    username: 'handler1',
    role: 'handler',
    organizationId: DEMO.propertyCompanyOrgId,
    personId: 'p-handler1',
    phone: '13700000001',
    nameZh: '王强',
    nameEn: 'Wang Qiang',
    organization: {
      id: DEMO.propertyCompanyOrgId,
      kind: 'property_company',
      nameZh: '苏州金湖物业服务有限公司',
      nameEn: 'Jinhu Property Services Co.',
    },
  });
});

test('a wrong password and an unknown user get the same answer', async () => {
  const wrong = await login('handler1', 'not-the-password');
  const unknown = await login('nobody', 'not-the-password');
  expect(wrong.statusCode).toBe(401);
  expect(unknown.statusCode).toBe(401);
  expect(wrong.json()).toEqual(unknown.json());
  expect(wrong.json().error.code).toBe('auth.invalid_credentials');
});

test('a deactivated account cannot sign in, and its existing tokens stop working at once', async () => {
  const token = await tokenOf(s.app, 'resident2');
  await s.pool.query('UPDATE users SET active = false WHERE id = $1', [DEMO_USERS.resident2]);
  try {
    expect((await login('resident2', DEMO_PASSWORD)).statusCode).toBe(401);
    const me = await s.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
    expect(me.statusCode).toBe(401);
  } finally {
    await s.pool.query('UPDATE users SET active = true WHERE id = $1', [DEMO_USERS.resident2]);
  }
});

test('a resident signs in with a one-time code sent through the outbox, once', async () => {
  const phone = '13800000001';
  const sent = await sendCode(phone);
  expect(sent.statusCode).toBe(202);
  expect(sent.json()).toEqual({ sent: true, expiresInSeconds: 300 });
  const [row] = await codesFor(phone);
  expect(row.payload.code).toMatch(/^\d{6}$/);
  expect(row.code_hash).not.toContain(row.payload.code); // only a keyed hash is stored
  const ok = await verify(phone, row.payload.code);
  expect(ok.statusCode).toBe(200);
  expect(ok.json().user).toMatchObject({ id: DEMO_USERS.resident1, role: 'resident' });
  expect((await verify(phone, row.payload.code)).statusCode).toBe(401);
});

test('a code survives only five wrong guesses', async () => {
  // A wider sign-in budget than the code's own limit, so that limit is what ends the code here.
  const app = await s.buildApp({ config: { ...testConfig(s.dataDir), SIGN_IN_MAX_FAILURES: 20 } });
  const post = (url: string, payload: object) => app.inject({ method: 'POST', url, payload });
  const phone = '13800000003';
  await post('/api/v1/auth/code', { phone });
  const [{ payload }] = await codesFor(phone);
  const wrong = payload.code === '000000' ? '111111' : '000000';
  for (let i = 0; i < 5; i++)
    expect((await post('/api/v1/auth/code/verify', { phone, code: wrong })).json().error.code).toBe(
      'auth.invalid_code',
    );
  expect((await post('/api/v1/auth/code/verify', { phone, code: payload.code })).json().error.code).toBe(
    'auth.invalid_code',
  );
});

test('no code goes to an unknown phone or a staff phone, though the answer is the same', async () => {
  for (const phone of ['13912340000', '13700000001']) {
    const res = await sendCode(phone);
    expect(res.statusCode).toBe(202);
    expect(await codesFor(phone)).toEqual([]);
    expect((await verify(phone, '123456')).statusCode).toBe(401);
  }
});

test('asking again within a minute does not send a second code', async () => {
  const phone = '13800000002';
  await sendCode(phone);
  await sendCode(phone);
  expect(await codesFor(phone)).toHaveLength(1);
});

test('sign-in is rate limited per client, in the shared error shape', async () => {
  const limited = await s.buildApp({ rateLimit: { signIn: { max: 3, timeWindow: 60_000 } } });
  const attempts = [];
  for (let i = 0; i < 4; i++)
    attempts.push(
      await limited.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'admin', password: 'guess' },
      }),
    );
  expect(attempts.map((a) => a.statusCode)).toEqual([401, 401, 401, 429]);
  expect(attempts[3].headers['retry-after']).toBeDefined();
  expect(attempts[3].json()).toEqual({
    error: { code: 'request.rate_limited', message: expect.stringContaining('请求过于频繁'), details: [] },
  });
  // Other routes keep their own, wider limit.
  expect((await limited.inject({ method: 'GET', url: '/api/v1/categories' })).statusCode).toBe(200);
});

test('a resident signed in by password is the same actor as by code', async () => {
  const res = await (await as(s.app, 'resident1')).get('/api/v1/me');
  expect(res.json()).toMatchObject({ id: DEMO_USERS.resident1, role: 'resident', organization: null, nameZh: '张伟' });
});
