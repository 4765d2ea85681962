// Sign-in as an attacker tries it (issue 25, finding 4): tokens forged with the old development secret or without
// an expiry, refresh tokens replayed, sessions signed out on one API process and used on another, passwords and
// codes guessed one after another, in parallel, through two processes, under other spellings of the name.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { configSchema, listenHost } from '../../config';
import { DEMO_PASSWORD } from '../../db/seed-data';
import { eventually } from '../helpers/cases';
import { OLD_DEVELOPMENT_SECRET, signHs256 } from '../helpers/tokens';
import { DEMO_USERS, startApiStack, testConfig, type ApiStack } from './helpers';

let s: ApiStack;
beforeAll(async () => {
  s = await startApiStack({ worker: false });
});
afterAll(async () => {
  await s?.close();
});

const TEST_SECRET = testConfig('/unused').JWT_SECRET as string;

const post = (app: FastifyInstance, url: string, payload?: object, token?: string) =>
  app.inject({
    method: 'POST',
    url: `/api/v1${url}`,
    ...(payload ? { payload } : {}),
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
const me = (app: FastifyInstance, token: string) =>
  app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
const login = (app: FastifyInstance, username: string, password = DEMO_PASSWORD) =>
  post(app, '/auth/login', { username, password });
const refresh = (app: FastifyInstance, refreshToken: string) => post(app, '/auth/refresh', { refreshToken });
const now = () => Math.floor(Date.now() / 1000);

async function signIn(
  app: FastifyInstance,
  username: string,
): Promise<{ token: string; refreshToken: string; sid: string }> {
  const res = await login(app, username);
  expect(res.statusCode).toBe(200);
  const { token, refreshToken } = res.json();
  return { token, refreshToken, sid: refreshToken.split('.')[0] };
}

describe('access tokens', () => {
  test('development signs with a secret of its own data folder, so a token made with the old constant is refused', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rs-dev-secret-'));
    try {
      const config = configSchema.parse({ NODE_ENV: 'development', DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
      expect(listenHost(config)).toBe('127.0.0.1');
      const dev = await s.buildApp({ config });
      const { token, sid } = await signIn(dev, 'street2');
      expect((await me(dev, token)).statusCode).toBe(200);
      const admin = {
        userId: DEMO_USERS.admin,
        sid,
        role: 'admin',
        organizationId: null,
        personId: null,
        iat: now(),
        exp: now() + 600,
      };
      expect((await me(dev, signHs256(OLD_DEVELOPMENT_SECRET, admin))).statusCode).toBe(401);
      // Nor does the secret of another deployment (here: the test configuration's) open this one.
      expect((await me(dev, signHs256(TEST_SECRET, admin))).statusCode).toBe(401);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('even with the right secret, a token without exp, issued longer ago than the access lifetime, or without a session is refused', async () => {
    const { sid } = await signIn(s.app, 'street1');
    const claims = {
      userId: DEMO_USERS.street1,
      sid,
      role: 'supervisor',
      organizationId: 'street-huxi',
      personId: 'p-street1',
    };
    // The forger works: the same claims with a proper expiry are accepted, so each refusal below is about its claim.
    expect((await me(s.app, signHs256(TEST_SECRET, { ...claims, iat: now(), exp: now() + 900 }))).statusCode).toBe(200);
    expect((await me(s.app, signHs256(TEST_SECRET, { ...claims, iat: now() }))).statusCode).toBe(401);
    expect(
      (await me(s.app, signHs256(TEST_SECRET, { ...claims, iat: now() - 901, exp: now() + 365 * 86_400 }))).statusCode,
    ).toBe(401);
    expect((await me(s.app, signHs256(TEST_SECRET, { ...claims, iat: now() - 60, exp: now() - 1 }))).statusCode).toBe(
      401,
    );
    const withoutSession = { ...claims, sid: undefined }; // JSON leaves it out, as in the tokens signed before sessions
    expect(
      (await me(s.app, signHs256(TEST_SECRET, { ...withoutSession, iat: now(), exp: now() + 900 }))).statusCode,
    ).toBe(401);
    // A session of someone else does not carry this user.
    expect(
      (
        await me(
          s.app,
          signHs256(TEST_SECRET, { ...claims, userId: DEMO_USERS.admin, role: 'admin', iat: now(), exp: now() + 900 }),
        )
      ).statusCode,
    ).toBe(401);
  });
});

describe('sessions', () => {
  test('a refresh token is replaced at each use; a replaced one presented again ends the whole session', async () => {
    const first = await signIn(s.app, 'orgdept1');
    const renewed = await refresh(s.app, first.refreshToken);
    expect(renewed.statusCode).toBe(200);
    expect(renewed.json()).toMatchObject({
      tokenType: 'Bearer',
      expiresIn: 900,
      user: { id: DEMO_USERS.orgdept1, username: 'orgdept1' },
    });
    const second = renewed.json() as { token: string; refreshToken: string };
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.refreshToken.split('.')[0]).toBe(first.sid);
    expect((await me(s.app, second.token)).statusCode).toBe(200);

    // The thief (or the client) presents the replaced token: refused, and the session is over for everyone.
    const replay = await refresh(s.app, first.refreshToken);
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.code).toBe('auth.invalid_refresh_token');
    expect((await me(s.app, second.token)).statusCode).toBe(401);
    expect((await refresh(s.app, second.refreshToken)).statusCode).toBe(401);
    expect((await s.pool.query('SELECT revoked_reason FROM sessions WHERE id = $1', [first.sid])).rows).toEqual([
      { revoked_reason: 'refresh_reuse' },
    ]);
  });

  test('a made-up or malformed refresh token is refused without touching any session', async () => {
    const { sid, token } = await signIn(s.app, 'community2');
    expect((await refresh(s.app, `00000000-0000-4000-8000-000000000000.${'A'.repeat(43)}`)).statusCode).toBe(401);
    const bad = await refresh(s.app, 'not-a-refresh-token');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].path).toBe('refreshToken');
    expect((await me(s.app, token)).statusCode).toBe(200);
    expect((await s.pool.query('SELECT revoked_at FROM sessions WHERE id = $1', [sid])).rows).toEqual([
      { revoked_at: null },
    ]);
  });

  test('sign-out on one API process is honoured at once by it and within moments by another on the same database', async () => {
    const other = await s.buildApp();
    const { token, refreshToken } = await signIn(s.app, 'member2');
    // The other process has checked this session and keeps it in memory.
    expect((await me(other, token)).statusCode).toBe(200);
    expect((await me(other, token)).statusCode).toBe(200);

    expect((await post(s.app, '/auth/logout', undefined, token)).statusCode).toBe(204);
    expect((await me(s.app, token)).statusCode).toBe(401);
    await eventually(async () => (await me(other, token)).statusCode === 401, 5_000, 20);
    expect((await refresh(other, refreshToken)).statusCode).toBe(401);
    expect((await post(other, '/auth/logout', undefined, token)).statusCode).toBe(401);
    // Other sessions of the same user are not affected.
    expect((await me(other, (await signIn(other, 'member2')).token)).statusCode).toBe(200);
  });

  test('once a session has been checked, a request does not read it from the database again', async () => {
    const { token } = await signIn(s.app, 'handler3');
    expect((await me(s.app, token)).statusCode).toBe(200);
    const spy = jest.spyOn(s.pool, 'query');
    try {
      expect((await me(s.app, token)).statusCode).toBe(200);
      const sessionReads = spy.mock.calls.filter(([q]) =>
        String(typeof q === 'string' ? q : (q as { text?: string }).text).includes('FROM sessions'),
      );
      expect(sessionReads).toEqual([]);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('the sign-in budget', () => {
  const locked = { error: { code: 'auth.sign_in_locked', message: expect.any(String), details: [] } };

  test('five failures lock an account for every way of signing in, and an unknown name answers exactly alike', async () => {
    const answers = async (username: string) => {
      const out = [];
      for (let i = 0; i < 5; i++) out.push(await login(s.app, username, 'wrong-password'));
      out.push(await login(s.app, username)); // the right password (for the account that exists) comes too late
      return out;
    };
    const known = await answers('community1');
    const unknown = await answers('nobody-here');
    expect(known.map((r) => r.statusCode)).toEqual([401, 401, 401, 401, 401, 429]);
    expect(unknown.map((r) => r.statusCode)).toEqual(known.map((r) => r.statusCode));
    expect(unknown.map((r) => r.json())).toEqual(known.map((r) => r.json()));
    expect(known[5].json()).toEqual(locked);
    expect(Number(known[5].headers['retry-after'])).toBeGreaterThan(890);
    expect(
      Math.abs(Number(known[5].headers['retry-after']) - Number(unknown[5].headers['retry-after'])),
    ).toBeLessThanOrEqual(2);
    // community1's phone is the same account: no code may be asked for it either.
    const code = await post(s.app, '/auth/code', { phone: '13700000005' });
    expect(code.statusCode).toBe(429);
    expect(code.headers['retry-after']).toBeDefined();
  });

  test('code requests, wrong codes and wrong passwords of one resident spend one budget', async () => {
    const phone = '13800000002';
    expect((await login(s.app, 'resident2', 'wrong-password')).statusCode).toBe(401);
    expect((await login(s.app, 'resident2', 'wrong-password')).statusCode).toBe(401);
    expect((await post(s.app, '/auth/code', { phone })).statusCode).toBe(202);
    expect((await post(s.app, '/auth/code', { phone })).statusCode).toBe(202);
    expect((await post(s.app, '/auth/code/verify', { phone, code: '000000' })).statusCode).toBe(401);
    const after = await login(s.app, 'resident2');
    expect(after.statusCode).toBe(429);
    expect((await post(s.app, '/auth/code/verify', { phone, code: '123456' })).json()).toEqual(locked);
  });

  test('the budget is one across API processes, and a successful sign-in restores it', async () => {
    const other = await s.buildApp();
    for (const app of [s.app, other, s.app, other])
      expect((await login(app, 'department1', 'wrong')).statusCode).toBe(401);
    expect((await login(s.app, 'department1')).statusCode).toBe(200); // the fifth attempt, and a right one
    for (const app of [other, s.app, other, s.app, other])
      expect((await login(app, 'department1', 'wrong')).statusCode).toBe(401);
    expect((await login(s.app, 'department1')).statusCode).toBe(429);
    expect((await login(other, 'department1')).statusCode).toBe(429);
  });

  test('guesses sent all at once get no more tries than guesses sent one by one', async () => {
    const answers = await Promise.all(Array.from({ length: 12 }, () => login(s.app, 'department2', 'guess')));
    const codes = answers.map((r) => r.statusCode).sort();
    expect(codes).toEqual([...Array(5).fill(401), ...Array(7).fill(429)]);
  });

  test('another spelling of a username (case, full-width letters) spends the same budget', async () => {
    for (const variant of ['Member1', 'MEMBER1', 'ｍｅｍｂｅｒ１', ' member1 ', 'mEmber1'])
      expect((await login(s.app, variant, 'guess')).statusCode).toBe(401);
    expect((await login(s.app, 'member1')).statusCode).toBe(429);
  });

  test('signing in successfully again and again never locks an account', async () => {
    for (let i = 0; i < 8; i++) expect((await login(s.app, 'handler2')).statusCode).toBe(200);
  });

  test('a lockout ends after SIGN_IN_LOCKOUT_SECONDS', async () => {
    const quick = await s.buildApp({
      config: { ...testConfig(s.dataDir), SIGN_IN_MAX_FAILURES: 2, SIGN_IN_LOCKOUT_SECONDS: 1 },
    });
    expect((await login(quick, 'owners1', 'wrong')).statusCode).toBe(401);
    expect((await login(quick, 'owners1', 'wrong')).statusCode).toBe(401);
    const refused = await login(quick, 'owners1');
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('1');
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await login(quick, 'owners1')).statusCode).toBe(200);
  });
});
