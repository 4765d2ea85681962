// Delivery on the real stack (Postgres, Temporal, a worker, the API, a dispatcher): a filed case reaches the
// handler's inbox and, live, a stream the handler's web app holds open; a breach reaches the community and the
// street; a resolved case texts the resident (DATA_DIR/sms.log) within quiet hours' limits; a sign-in code goes by
// SMS only and no log line shows it.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { enqueueNotifications } from '../../db/queries/case-events';
import { startDispatcher, type Dispatcher } from '../../services/delivery/dispatcher';
import { inAppChannel } from '../../services/delivery/in-app-channel';
import { smsChannel } from '../../services/delivery/sms-channel';
import { eventually } from '../helpers/cases';
import {
  as,
  DEMO,
  DEMO_USERS,
  intakeBody,
  scrape,
  startApiStack,
  testConfig,
  tokenOf,
  type ApiStack,
} from '../api/helpers';
import { DEMO_PASSWORD } from '../../db/seed-data';

/** 12:00 China time: outside quiet hours whenever the test runs. */
const NOON = () => new Date('2025-06-02T04:00:00Z');
const RESIDENT1_PHONE = '13800000001';

let s: ApiStack;
let dispatcher: Dispatcher;
let base: string;
const dispatcherLog: string[] = [];
beforeAll(async () => {
  s = await startApiStack();
  // demo-fast in seconds: a case nobody acknowledges breaches its response deadline in 4 s.
  const phase = { response: { unit: 'seconds', amount: 4 }, resolution: { unit: 'seconds', amount: 120 } };
  await s.pool.query(
    `UPDATE agreements SET terms = terms || jsonb_build_object('deadlines', $1::jsonb, 'evaluationWindow', $2::jsonb) WHERE compound_code = 'demo-fast'`,
    [
      JSON.stringify({ emergency: phase, utilities: phase, general: phase, complex: phase }),
      JSON.stringify({ unit: 'seconds', amount: 120 }),
    ],
  );
  dispatcher = startDispatcher({
    pool: s.pool,
    config: testConfig(s.dataDir),
    channels: [inAppChannel(), smsChannel({ config: testConfig(s.dataDir), now: NOON })],
    log: (l) => dispatcherLog.push(l),
    intervalMs: 200,
  });
  await s.app.listen({ port: 0, host: '127.0.0.1' });
  const address = s.app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  await dispatcher?.stop();
  await s?.close();
});

const smsLog = () => {
  const file = path.join(s.dataDir, 'sms.log');
  return fs.existsSync(file)
    ? fs
        .readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { to: string; template: string; params: Record<string, string>; text: string })
    : [];
};

async function fileDemoFast(categoryCode = 'lift'): Promise<{ caseId: string; trackingCode: string }> {
  const resident = await as(s.app, 'resident1');
  const res = await resident.post(
    '/api/v1/cases',
    intakeBody({ compoundCode: DEMO.compound, categoryCode, description: '1号楼电梯停在三楼不动' }),
    { 'idempotency-key': `k-${Math.random()}` },
  );
  expect(res.statusCode).toBe(201);
  return { caseId: res.json().caseId, trackingCode: res.json().trackingCode };
}

type SseEvent = { event: string; data: Record<string, unknown> };

/** An EventSource as the web app holds one: events parsed as they arrive. */
function openStream(
  ticket: string,
): Promise<{ events: SseEvent[]; status: number; ended: Promise<void>; close(): void }> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}/api/v1/notifications/stream?ticket=${encodeURIComponent(ticket)}`, (res) => {
      const events: SseEvent[] = [];
      let buffer = '';
      const ended = new Promise<void>((done) => res.on('close', () => done()));
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let at: number;
        while ((at = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          const event = /^event: (.+)$/m.exec(block)?.[1];
          const data = /^data: (.+)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) });
        }
      });
      resolve({ events, status: res.statusCode ?? 0, ended, close: () => req.destroy() });
    });
    req.on('error', reject);
  });
}

async function ticketFor(token: string): Promise<string> {
  const res = await s.app.inject({
    method: 'POST',
    url: '/api/v1/notifications/stream-ticket',
    headers: { authorization: `Bearer ${token}` },
  });
  expect(res.statusCode).toBe(200);
  return res.json().ticket;
}

test("a filed demo-fast case is in handler1's inbox, and an SSE client signed in as handler1 is told at once", async () => {
  const token = await tokenOf(s.app, 'handler1');
  const stream = await openStream(await ticketFor(token));
  expect(stream.status).toBe(200);
  await eventually(async () => stream.events.some((e) => e.event === 'unread'), 5_000, 20);

  const { caseId, trackingCode } = await fileDemoFast();
  const pushed = await eventually(
    async () => stream.events.find((e) => e.event === 'notification' && e.data.caseId === caseId),
    20_000,
    20,
  );
  expect(pushed.data).toEqual({
    id: expect.any(String),
    caseId,
    topicId: null,
    template: 'case.dispatched',
    unreadCount: expect.any(Number),
  });

  const handler = await as(s.app, 'handler1');
  const page = (await handler.get('/api/v1/notifications')).json();
  const item = page.items.find((n: { caseId: string }) => n.caseId === caseId);
  expect(item).toEqual({
    id: pushed.data.id,
    caseId,
    trackingCode,
    topicId: null,
    template: 'case.dispatched',
    title: '新工单',
    body: `工单 ${trackingCode}（电梯故障）已派给您的单位，请及时响应。`,
    createdAt: expect.any(String),
    readAt: null,
  });
  const english = (await handler.get('/api/v1/notifications', { 'accept-language': 'en' })).json();
  expect(english.items.find((n: { id: string }) => n.id === item.id)).toMatchObject({
    title: 'New case',
    body: `Case ${trackingCode} (Lift breakdown) was dispatched to your organisation: please respond in time.`,
  });

  // Someone else's notice is not theirs to read: 404, as a missing one.
  expect((await (await as(s.app, 'handler2')).post(`/api/v1/notifications/${item.id}/read`)).statusCode).toBe(404);
  expect(
    (await (await as(s.app, 'community1')).get('/api/v1/notifications')).json().items.map((n: { id: string }) => n.id),
  ).not.toContain(item.id);

  const before = (await handler.get('/api/v1/notifications/unread-count')).json().unreadCount;
  expect(before).toBeGreaterThanOrEqual(1);
  const read = await handler.post(`/api/v1/notifications/${item.id}/read`);
  expect(read.json()).toEqual({ unreadCount: before - 1 });
  // The stream hears of it too (another tab's bell goes down).
  await eventually(
    async () => stream.events.some((e) => e.event === 'unread' && e.data.unreadCount === before - 1),
    5_000,
    20,
  );
  expect((await handler.post('/api/v1/notifications/read-all')).json()).toEqual({ unreadCount: 0 });
  const unread = (await handler.get('/api/v1/notifications?unread=true')).json();
  expect(unread).toEqual({ items: [], nextCursor: null, unreadCount: 0 });
  stream.close();
});

test('a governance topic’s notice is pushed with its topic id, so an open topic page and the bell act on it at once', async () => {
  const stream = await openStream(await ticketFor(await tokenOf(s.app, 'handler2')));
  await eventually(async () => stream.events.some((e) => e.event === 'unread'), 5_000, 20);
  const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();
  const opened = await (
    await as(s.app, 'community1')
  ).post(
    '/api/v1/topics',
    {
      title: '湖景华庭楼道照明',
      scope: { compoundCodes: [DEMO.siblingCompound], categoryCode: 'repairs' },
      ownerOrgId: DEMO.siblingPropertyCompanyOrgId,
      dueAt: inDays(30),
      tasks: [],
    },
    { 'idempotency-key': `topic-push-${Date.now()}` },
  );
  expect(opened.statusCode).toBe(201);
  const topicId = opened.json().id as string;
  const pushed = await eventually(
    async () => stream.events.find((e) => e.event === 'notification' && e.data.topicId === topicId),
    20_000,
    20,
  );
  expect(pushed.data).toMatchObject({ caseId: null, topicId, template: 'topic_opened' });
  stream.close();
});

test('the stream opens only with a ticket this server signed for a live session, and closes at sign-out', async () => {
  const refused = async (url: string) => (await fetch(`${base}${url}`)).status;
  const token = await tokenOf(s.app, 'handler1');
  expect(await refused('/api/v1/notifications/stream')).toBe(400);
  // An access token is not a ticket, and a ticket is not an access token.
  expect(await refused(`/api/v1/notifications/stream?ticket=${token}`)).toBe(401);
  const ticket = await ticketFor(token);
  const [payload, mac] = ticket.split('.');
  const forged = Buffer.from(
    JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), u: DEMO_USERS.community1 }),
  ).toString('base64url');
  expect(await refused(`/api/v1/notifications/stream?ticket=${forged}.${mac}`)).toBe(401);
  expect(
    (await s.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${ticket}` } }))
      .statusCode,
  ).toBe(401);

  // A session of its own, signed out while its stream is open.
  const login = await s.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username: 'handler1', password: DEMO_PASSWORD },
  });
  const own = login.json().token as string;
  const ownTicket = await ticketFor(own);
  const stream = await openStream(ownTicket);
  await eventually(async () => stream.events.some((e) => e.event === 'unread'), 5_000, 20);
  expect(
    (await s.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { authorization: `Bearer ${own}` } }))
      .statusCode,
  ).toBe(204);
  await stream.ended;
  expect(stream.events.at(-1)).toEqual({ event: 'end', data: { reason: 'session_ended' } });
  // Its ticket opens nothing any more, though it has not expired.
  expect(await refused(`/api/v1/notifications/stream?ticket=${ownTicket}`)).toBe(401);
}, 30_000);

test('a breach reaches the handler, the community committee and the street committee', async () => {
  const { caseId } = await fileDemoFast();
  const breached = async (username: 'handler1' | 'community1' | 'street1') =>
    (await (await as(s.app, username)).get('/api/v1/notifications?limit=100'))
      .json()
      .items.find((n: { caseId: string; template: string }) => n.caseId === caseId && n.template === 'case.breached');
  for (const who of ['handler1', 'community1', 'street1'] as const) {
    expect(await eventually(() => breached(who), 40_000)).toMatchObject({ title: '超时' });
  }
  // One notice per user and breach, however many ways it reached them (the community as supervisor and as the case's community).
  const { rows } = await s.pool.query(
    `SELECT dedupe_key, count(*)::int AS n FROM notifications WHERE user_id = $1 AND case_id = $2 GROUP BY 1`,
    [DEMO_USERS.community1, caseId],
  );
  for (const r of rows) expect(r.n).toBe(1);
}, 60_000);

test("a resolved case texts resident1's verified phone to evaluate it, with no personal data in the text", async () => {
  const { caseId, trackingCode } = await fileDemoFast();
  const handler = await as(s.app, 'handler1');
  expect((await handler.act(caseId, 'acknowledge', { note: '已联系' })).statusCode).toBe(200);
  expect((await handler.act(caseId, 'resolve', { summary: '已修好' })).statusCode).toBe(200);
  const sms = await eventually(
    async () => smsLog().find((m) => m.template === 'evaluation_requested' && m.params.trackingCode === trackingCode),
    30_000,
  );
  expect(sms).toMatchObject({
    to: RESIDENT1_PHONE,
    params: { trackingCode, deadline: expect.stringMatching(/^\d+月\d+日 \d\d:\d\d$/) },
  });
  expect(sms.text).toContain(trackingCode);
  const acknowledged = smsLog().find(
    (m) => m.template === 'case_acknowledged' && m.params.trackingCode === trackingCode,
  );
  expect(acknowledged?.params).toEqual({ trackingCode, category: '电梯故障' });
  for (const m of smsLog()) {
    expect(m.text).not.toMatch(/张伟|电梯停在三楼|101/);
  }
  // The resident's inbox has both; the SMS row names no phone (read from the case when sent).
  const resident = await as(s.app, 'resident1');
  const templates = (await resident.get('/api/v1/notifications?limit=100'))
    .json()
    .items.filter((n: { caseId: string }) => n.caseId === caseId)
    .map((n: { template: string }) => n.template);
  expect(templates).toEqual(expect.arrayContaining(['case.acknowledged', 'case.please_evaluate']));
  // The sink writes sms.log inside the dispatcher's transaction, which records the provider's id when it commits.
  const rows = await eventually(async () => {
    const { rows: sent } = await s.pool.query(
      `SELECT recipient, provider_message_id, sent_at FROM notification_outbox WHERE channel = 'sms' AND recipient->>'caseId' = $1`,
      [caseId],
    );
    return sent.length >= 2 && sent.every((r) => r.sent_at !== null) ? sent : undefined;
  }, 30_000);
  for (const r of rows) {
    expect(r.recipient).toEqual({ caseResident: true, caseId });
    expect(r.provider_message_id).toMatch(/^console-/);
  }
}, 60_000);

test('POST /auth/code over HTTP writes a 6-digit code to sms.log that signs resident1 in; the code is in no log line and leaves the outbox', async () => {
  const lines: string[] = [];
  const logStream = new PassThrough();
  logStream.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
  const app: FastifyInstance = await s.buildApp({
    logger: true,
    logStream,
    config: { ...testConfig(s.dataDir), NODE_ENV: 'development', LOG_LEVEL: 'trace' },
  });
  const printed: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => void printed.push(args.map(String).join(' '));
  try {
    const sent = await app.inject({ method: 'POST', url: '/api/v1/auth/code', payload: { phone: RESIDENT1_PHONE } });
    expect(sent.statusCode).toBe(202);
    const sms = await eventually(
      async () => smsLog().find((m) => m.template === 'sign_in_code' && m.to === RESIDENT1_PHONE),
      10_000,
      50,
    );
    expect(sms.params).toEqual({ code: expect.stringMatching(/^\d{6}$/), minutes: '5' });
    const code = sms.params.code;
    const verified = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/code/verify',
      payload: { phone: RESIDENT1_PHONE, code },
    });
    expect(verified.statusCode).toBe(200);
    expect(verified.json().user).toMatchObject({ id: DEMO_USERS.resident1, role: 'resident' });

    // sms.log is written inside the dispatcher's transaction; the redaction is visible once it commits.
    const row = await eventually(async () => {
      const { rows } = await s.pool.query(
        `SELECT payload, sent_at, provider_message_id FROM notification_outbox WHERE template = 'auth.login_code' ORDER BY id DESC LIMIT 1`,
      );
      return rows[0]?.sent_at ? rows[0] : undefined;
    }, 10_000);
    expect(row).toMatchObject({
      payload: { minutes: 5, expiresAt: expect.any(String), redacted: true },
      sent_at: expect.any(Date),
      provider_message_id: expect.stringMatching(/^console-/),
    });
    expect(lines.length).toBeGreaterThan(0); // the app did log these requests
    for (const line of [...lines, ...dispatcherLog, ...printed]) expect(line).not.toContain(code);
  } finally {
    console.log = original;
    await app.close();
  }
});

test('quiet hours hold a resident notice until 08:00 but not a code, nor a case of the emergency tier; the metrics count the outbox', async () => {
  await dispatcher.stop();
  // The coming 23:30 China time: the hold it causes (08:00 the next morning) is still ahead of the real clock.
  const DAY = 86_400_000;
  const at = Math.ceil((Date.now() + 8 * 3_600_000 - 23.5 * 3_600_000) / DAY) * DAY + 23.5 * 3_600_000 - 8 * 3_600_000;
  const night = () => new Date(at);
  const morning = new Date(at + 8.5 * 3_600_000);
  const quiet = startDispatcher({
    pool: s.pool,
    config: testConfig(s.dataDir),
    channels: [smsChannel({ config: testConfig(s.dataDir), now: night })],
    log: () => undefined,
    intervalMs: 100,
  });
  try {
    const lift = await fileDemoFast('lift');
    const fire = await fileDemoFast('fire_safety');
    const client = await s.pool.connect();
    try {
      await enqueueNotifications(client, [
        {
          dedupeKey: 'quiet:lift',
          channel: 'sms',
          recipient: { caseResident: true, caseId: lift.caseId },
          template: 'case.acknowledged',
          payload: { caseId: lift.caseId },
        },
        {
          dedupeKey: 'quiet:fire',
          channel: 'sms',
          recipient: { caseResident: true, caseId: fire.caseId },
          template: 'case.acknowledged',
          payload: { caseId: fire.caseId },
        },
        {
          dedupeKey: 'quiet:code',
          channel: 'sms',
          recipient: { phone: '13800000002' },
          template: 'auth.login_code',
          payload: { code: '246810', minutes: 5, expiresAt: new Date(Date.now() + 300_000).toISOString() },
        },
      ]);
    } finally {
      client.release();
    }
    await quiet.drain();
    const { rows } = await s.pool.query(
      `SELECT dedupe_key, attempts, sent_at IS NOT NULL AS sent, next_attempt_at FROM notification_outbox WHERE dedupe_key LIKE 'quiet:%' ORDER BY dedupe_key`,
    );
    expect(rows).toEqual([
      { dedupe_key: 'quiet:code', attempts: 1, sent: true, next_attempt_at: expect.any(Date) },
      { dedupe_key: 'quiet:fire', attempts: 1, sent: true, next_attempt_at: expect.any(Date) },
      { dedupe_key: 'quiet:lift', attempts: 0, sent: false, next_attempt_at: morning },
    ]);
    const metrics = await scrape(s.app);
    expect(metrics).toMatch(/redsteward_outbox_messages\{channel="sms",state="sent"\} [1-9]/);
    expect(metrics).toMatch(/redsteward_outbox_messages\{channel="in_app",state="pending"\} [1-9]/);
    expect(metrics).toMatch(/redsteward_outbox_oldest_unsent_seconds\{channel="sms"\} \d/);
    expect(metrics).toMatch(/redsteward_outbox_failed_attempts\{channel="sms"\} \d/);
  } finally {
    await quiet.stop();
  }
}, 60_000);
