// The outbox dispatcher on a real Postgres: several dispatchers share the outbox and send each message once; a
// failing channel is retried with backoff, then dead-lettered; what lands in last_error and the log carries no
// personal data and no code.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Pool } from 'pg';
import { enqueueNotifications, type OutboxEntry } from '../../db/queries/case-events';
import { DeliveryError, type Channel } from '../../services/delivery/channel';
import { startDispatcher, type Dispatcher } from '../../services/delivery/dispatcher';
import { smsChannel } from '../../services/delivery/sms-channel';
import { consoleSms } from '../../services/sms/console';
import type { SmsMessage, SmsProvider } from '../../services/sms';
import { testConfig } from '../api/helpers';
import { createTestDatabase } from '../helpers/stack';
import { eventually } from '../helpers/cases';

let pool: Pool;
let dataDir: string;
const config = () => testConfig(dataDir);
const running: Dispatcher[] = [];
beforeAll(async () => {
  pool = (await createTestDatabase()).pool;
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rs-delivery-'));
});
afterEach(async () => {
  for (const d of running.splice(0)) await d.stop();
});
afterAll(async () => {
  await pool?.end();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const start = (channels: Channel[], over: { intervalMs?: number; batch?: number; log?: (l: string) => void } = {}) => {
  const d = startDispatcher({
    pool,
    config: config(),
    channels,
    log: over.log ?? (() => undefined),
    intervalMs: over.intervalMs ?? 100,
    batch: over.batch ?? 5,
  });
  running.push(d);
  return d;
};

const enqueue = async (entries: OutboxEntry[]) => {
  const client = await pool.connect();
  try {
    await enqueueNotifications(client, entries);
  } finally {
    client.release();
  }
};

const codeEntry = (i: number, prefix: string): OutboxEntry => ({
  dedupeKey: `${prefix}:${i}`,
  channel: 'sms',
  recipient: { phone: `1390000${String(i).padStart(4, '0')}` },
  template: 'auth.login_code',
  payload: { code: String(100000 + i), minutes: 5, expiresAt: new Date(Date.now() + 300_000).toISOString() },
});

/** The console sink, counting what each dispatcher's provider was asked to send. */
function countingProvider(sent: string[]): SmsProvider {
  const inner = consoleSms({ dataDir, print: () => undefined });
  return {
    name: 'console',
    send: async (msg: SmsMessage) => {
      sent.push(msg.dedupeKey);
      // A slow provider, so the dispatchers' batches overlap in time.
      await new Promise((r) => setTimeout(r, 5));
      return inner.send(msg);
    },
  };
}

test('two dispatchers on one database send each of 60 messages exactly once and record the provider id', async () => {
  const sent: string[] = [];
  const fast = { baseMs: 50, maxMs: 200 };
  start([smsChannel({ provider: countingProvider(sent), backoff: fast })]);
  start([smsChannel({ provider: countingProvider(sent), backoff: fast })]);
  await enqueue(Array.from({ length: 60 }, (_, i) => codeEntry(i, 'twice')));
  await eventually(
    async () =>
      sent.length >= 60 &&
      (await pool.query(`SELECT 1 FROM notification_outbox WHERE dedupe_key LIKE 'twice:%' AND sent_at IS NULL`))
        .rowCount === 0,
    30_000,
  );
  await new Promise((r) => setTimeout(r, 500)); // a second send, if any, would land now
  expect(sent.length).toBe(60);
  expect(new Set(sent).size).toBe(60);
  const lines = fs.readFileSync(path.join(dataDir, 'sms.log'), 'utf8').trim().split('\n');
  expect(lines.length).toBe(60);
  const { rows } = await pool.query(
    `SELECT attempts, provider_message_id, payload FROM notification_outbox WHERE dedupe_key LIKE 'twice:%'`,
  );
  for (const r of rows) {
    expect(r.attempts).toBe(1);
    expect(r.provider_message_id).toMatch(/^console-/);
    // The code is gone from the outbox once sent.
    expect(r.payload).toEqual({ minutes: 5, expiresAt: expect.any(String), redacted: true });
  }
});

test('a channel that keeps failing is retried with growing waits, then dead after its last try', async () => {
  const tries: number[] = [];
  const flaky: Channel = {
    name: 'flaky',
    maxAttempts: 4,
    backoffMs: (attempt) => 100 * 2 ** (attempt - 1),
    async deliver() {
      tries.push(Date.now());
      throw new DeliveryError('HTTP 503', true);
    },
  };
  const lines: string[] = [];
  start([flaky], { intervalMs: 20, log: (l) => lines.push(l) });
  await enqueue([{ dedupeKey: 'flaky:1', channel: 'flaky', recipient: {}, template: 'case.dispatched', payload: {} }]);
  const row = await eventually(
    async () =>
      (await pool.query(`SELECT * FROM notification_outbox WHERE dedupe_key = 'flaky:1' AND dead_at IS NOT NULL`))
        .rows[0],
    20_000,
  );
  expect(row).toMatchObject({ attempts: 4, sent_at: null, last_error: 'HTTP 503' });
  expect(tries.length).toBe(4);
  const waits = tries.slice(1).map((t, i) => t - tries[i]);
  // 100, 200, 400 ms (each at least its backoff; the poll adds a little).
  expect(waits[0]).toBeGreaterThanOrEqual(90);
  expect(waits[1]).toBeGreaterThanOrEqual(190);
  expect(waits[2]).toBeGreaterThanOrEqual(390);
  expect(lines.filter((l) => l.includes('dead after 4 tries')).length).toBe(1);
  await new Promise((r) => setTimeout(r, 300));
  expect(tries.length).toBe(4); // a dead message is never tried again
});

test('a failure that cannot succeed is dead at once; an unexpected error is retried and its message never stored', async () => {
  const refusing: Channel = {
    name: 'refusing',
    maxAttempts: 5,
    backoffMs: () => 10,
    async deliver(row) {
      if (row.dedupeKey === 'refusing:bad') throw new DeliveryError('isv.MOBILE_NUMBER_ILLEGAL', false);
      // A library error whose message quotes what it was given: a phone and a code.
      throw new Error('request to 13800000001 with code 123456 failed');
    },
  };
  start([refusing], { intervalMs: 20 });
  await enqueue([
    { dedupeKey: 'refusing:bad', channel: 'refusing', recipient: {}, template: 'x', payload: {} },
    { dedupeKey: 'refusing:bug', channel: 'refusing', recipient: {}, template: 'x', payload: { code: '123456' } },
  ]);
  const rows = await eventually(async () => {
    const r = (
      await pool.query(
        `SELECT dedupe_key, attempts, last_error, payload FROM notification_outbox WHERE dedupe_key LIKE 'refusing:%' AND dead_at IS NOT NULL ORDER BY dedupe_key`,
      )
    ).rows;
    return r.length === 2 && r;
  }, 20_000);
  expect(rows).toEqual([
    { dedupe_key: 'refusing:bad', attempts: 1, last_error: 'isv.MOBILE_NUMBER_ILLEGAL', payload: {} },
    // Dead-lettered, a code it carried is dropped with it.
    { dedupe_key: 'refusing:bug', attempts: 5, last_error: 'internal error (Error)', payload: { redacted: true } },
  ]);
});

test('a sign-in code that expired while it could not be sent is dead, not sent late, and loses its code', async () => {
  const sent: string[] = [];
  start([smsChannel({ provider: countingProvider(sent) })]);
  await enqueue([
    {
      ...codeEntry(1, 'expired'),
      payload: { code: '654321', minutes: 5, expiresAt: new Date(Date.now() - 1000).toISOString() },
    },
  ]);
  const row = await eventually(
    async () =>
      (await pool.query(`SELECT * FROM notification_outbox WHERE dedupe_key = 'expired:1' AND dead_at IS NOT NULL`))
        .rows[0],
    10_000,
  );
  expect(row.last_error).toBe('code expired before it could be sent');
  expect(JSON.stringify(row.payload)).not.toContain('654321');
  expect(sent).toEqual([]);
});

test('a dispatcher wakes on the insert (NOTIFY) long before its poll', async () => {
  const sent: string[] = [];
  // Its poll comes an hour after the drain: a message sent within the wait below can only have come by NOTIFY.
  const d = start([smsChannel({ provider: countingProvider(sent) })], { intervalMs: 3_600_000 });
  await d.drain();
  await new Promise((r) => setTimeout(r, 300)); // the LISTEN connection is up
  await enqueue([codeEntry(1, 'wake')]);
  await eventually(async () => sent.includes('wake:1'), 30_000, 10);
});
