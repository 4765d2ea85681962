// The privacy and security review's findings, checked over HTTP against a real `npm start` as a new user (or an
// attacker on the network) would meet it: SECURITY.md says what each protection is.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DEMO, DEMO_PASSWORD } from '../../db/seed-data';
import { eventually } from '../helpers/cases';
import { ownSystem, runScript, waitForReady, type Child, type OwnSystem } from '../helpers/processes';
import { OLD_DEVELOPMENT_SECRET, signHs256 } from '../helpers/tokens';

let child: Child | undefined;
let sys: OwnSystem;
let base: string;

beforeAll(async () => {
  sys = await ownSystem('rs-security-');
  // No JWT_SECRET: development makes its own, per data folder.
  child = runScript('scripts/start.ts', { ...sys.env, JWT_SECRET: '' });
  base = `http://127.0.0.1:${sys.port}`;
  await waitForReady(`${base}/readyz`, child);
}, 240_000);
afterAll(async () => {
  await child?.stop('SIGINT');
  sys?.remove();
});

async function call(
  method: string,
  url: string,
  token?: string,
  body?: unknown,
): Promise<{ status: number; json: () => Promise<Record<string, unknown>> }> {
  const res = await fetch(`${base}/api/v1${url}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      'idempotency-key': randomUUID(),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: async () => (await res.json()) as Record<string, unknown> };
}

async function signIn(username: string): Promise<string> {
  const res = await call('POST', '/auth/login', undefined, { username, password: DEMO_PASSWORD });
  expect(res.status).toBe(200);
  return (await res.json()).token as string;
}

const photosIn = (dir: string): string[] => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []);
const ONE_PIXEL_PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

test("handler2's on-behalf filing for resident1 in lakeview is refused, naming residentUserId", async () => {
  const handler2 = await signIn('handler2');
  const res = await call('POST', '/cases', handler2, {
    categoryCode: 'repairs',
    compoundCode: DEMO.siblingCompound,
    location: { building: '1', unit: '1', room: '101' },
    description: '楼道灯坏了',
    residentUserId: 'u-resident1',
  });
  expect(res.status).toBe(400);
  expect(JSON.stringify(await res.json())).toContain('residentUserId');
});

test('forged tokens are refused: the old constant development secret, and the right secret without exp', async () => {
  const claims = { userId: 'u-admin', role: 'admin', organizationId: 'org-dept', personId: null };
  const forged = signHs256(OLD_DEVELOPMENT_SECRET, {
    ...claims,
    iat: Math.floor(Date.now() / 1000),
    exp: Math.floor(Date.now() / 1000) + 600,
  });
  expect((await call('GET', '/cases', forged)).status).toBe(401);

  const secret = fs.readFileSync(path.join(sys.env.DATA_DIR, 'jwt-secret'), 'utf8').trim();
  expect(secret.length).toBeGreaterThanOrEqual(32);
  // Even with this data folder's own secret, a token must carry exp (and a session).
  expect(
    (await call('GET', '/cases', signHs256(secret, { ...claims, iat: Math.floor(Date.now() / 1000) }))).status,
  ).toBe(401);
  // The same request with a real sign-in works, so the refusals above are about the tokens.
  expect((await call('GET', '/cases', await signIn('admin'))).status).toBe(200);
});

test('a rejected intake leaves no file under DATA_DIR', async () => {
  const photos = path.join(sys.env.DATA_DIR, 'photos');
  const before = photosIn(photos);
  const resident1 = await signIn('resident1');
  // resident1 lives in demo-fast: a complaint about lakeview, photo attached, is refused before anything is stored.
  const res = await call('POST', '/cases', resident1, {
    categoryCode: 'repairs',
    compoundCode: DEMO.siblingCompound,
    location: { building: '1', unit: '1', room: '101' },
    description: '楼道灯坏了',
    photos: [ONE_PIXEL_PNG],
  });
  expect(res.status).toBeGreaterThanOrEqual(400);
  expect(res.status).toBeLessThan(500);
  expect(photosIn(photos)).toEqual(before);
});

test('resident1 sees who viewed the contact details of the case handler1 opened', async () => {
  const resident1 = await signIn('resident1');
  const filed = await call('POST', '/cases', resident1, {
    categoryCode: 'repairs',
    compoundCode: DEMO.compound,
    householdId: DEMO.resident1HouseholdId,
    location: { building: '1', unit: '1', room: '101' },
    description: '楼道灯坏了一个星期',
  });
  expect(filed.status).toBe(201);
  const caseId = (await filed.json()).caseId as string;
  const handler1 = await signIn('handler1');
  const opened = await call('GET', `/cases/${caseId}?contact=reveal`, handler1);
  expect(opened.status).toBe(200);
  expect(((await opened.json()).resident as { phone: string }).phone).toBe('13800000001');

  const views = await call('GET', `/cases/${caseId}/contact-views`, resident1);
  expect(views.status).toBe(200);
  const text = JSON.stringify(await views.json());
  expect(text).toContain(DEMO.propertyCompanyOrgId);
  expect(text).not.toContain('u-handler1');
});

test('/metrics does not answer on the API port; the internal listener on loopback does', async () => {
  expect((await fetch(`${base}/metrics`)).status).toBe(404);
  const internal = await fetch(`http://127.0.0.1:${sys.env.METRICS_PORT}/metrics`);
  expect(internal.status).toBe(200);
  expect(await internal.text()).toContain('redsteward_cases{');
});

test('the API and the metrics listen on loopback only: another address of this machine is refused', async () => {
  const external = Object.values(os.networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
  if (!external) return; // a machine with loopback alone has no other address to try
  for (const port of [sys.port, Number(sys.env.METRICS_PORT)]) {
    const refused = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: external, port }, () => {
        socket.destroy();
        resolve(false);
      });
      socket.on('error', () => resolve(true));
    });
    expect({ port, refused }).toEqual({ port, refused: true });
  }
});

test('a sign-in code for resident1 goes out by SMS (in development: a line of DATA_DIR/sms.log), signs in, and is in no log line', async () => {
  const smsLog = path.join(sys.env.DATA_DIR, 'sms.log');
  const linesBefore = fs.existsSync(smsLog) ? fs.readFileSync(smsLog, 'utf8').split('\n').filter(Boolean).length : 0;
  const sent = await call('POST', '/auth/code', undefined, { phone: '13800000001' });
  expect(sent.status).toBe(202);
  let code = '';
  await eventually(async () => {
    const lines = fs.existsSync(smsLog) ? fs.readFileSync(smsLog, 'utf8').split('\n').filter(Boolean) : [];
    const line = lines
      .slice(linesBefore)
      .map((l) => JSON.parse(l) as { to: string; params: Record<string, string> })
      .find((l) => l.to === '13800000001' && /^\d{6}$/.test(l.params.code ?? ''));
    code = line?.params.code ?? '';
    return code !== '';
  });
  const verified = await call('POST', '/auth/code/verify', undefined, { phone: '13800000001', code });
  expect(verified.status).toBe(200);
  expect(((await verified.json()).user as { username: string }).username).toBe('resident1');
  // Not on the terminal, not in the app's log (npm start writes both to its output).
  expect(child!.output()).not.toMatch(new RegExp(`(?<!\\d)${code}(?!\\d)`));
});
