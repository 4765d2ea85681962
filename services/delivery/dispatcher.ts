// The outbox dispatcher: runs in every worker process (`npm run worker`, `npm start`) and delivers what the
// transactional outbox holds, through one channel per `notification_outbox.channel`.
//
// Why rows locked in Postgres and not a Temporal workflow per message: the outbox row is already written in the
// transaction of the change that causes it, so it is the durable record; a claim with FOR UPDATE SKIP LOCKED lets
// any number of dispatchers share it (a row one holds, the others skip; a dispatcher that dies releases its rows
// with its connection), and LISTEN on the insert trigger's NOTIFY (migration 0050) plus a slow poll delivers within
// milliseconds without a workflow history per SMS.
//
// One transaction per batch: claim, deliver each row under a savepoint (a channel's SQL error spoils only its
// row), record it sent (with the provider's id and, for a code, the redacted payload) together with the rows it fans
// out to, or its failure with the channel's exponential backoff, or dead after the channel's last try. Delivery is
// at-least-once: a crash after the provider accepted and before COMMIT sends again, with the same dedupe key
// (the provider's OutId / SessionContext, the webhook's X-RedSteward-Delivery) for the receiver to drop the repeat.
import { Client, type Pool, type PoolClient } from 'pg';
import type { Config } from '../../config';
import { enqueueNotifications } from '../../db/queries/case-events';
import { claimDue, hold, markDead, markRetry, markSent } from '../../db/queries/outbox';
import { listenerConfig } from '../../db/notify';
import { DeliveryError, type Channel, type OutboxRow } from './channel';
import { inAppChannel } from './in-app-channel';
import { smsChannel } from './sms-channel';
import { webhookChannel } from './webhook-channel';

export const OUTBOX_CHANNEL = 'rs_outbox';

export interface DispatcherOptions {
  pool: Pool;
  config: Config;
  /** in_app, sms (the configured provider) and webhook unless given. */
  channels?: Channel[];
  log?: (line: string) => void;
  /** The poll when nothing wakes the dispatcher (retries fall due, a lost NOTIFY); default 2 s. */
  intervalMs?: number;
  /** Rows claimed per transaction; default 20. */
  batch?: number;
  /** false: no LISTEN connection, poll only (tests of the poll). */
  listen?: boolean;
}

export interface Dispatcher {
  /** Deliver what is due now (also what a NOTIFY does). */
  kick(): void;
  /** Finishes the batch in hand, then stops. */
  stop(): Promise<void>;
  /** Resolves once nothing due is left (tests). */
  drain(): Promise<void>;
}

/** What a failure says in last_error and the log: a DeliveryError's own words (channels keep them free of personal data), else the error's class. */
const describe = (err: unknown): string =>
  err instanceof DeliveryError
    ? err.message.slice(0, 500)
    : `internal error (${err instanceof Error ? err.name : 'unknown'})`;

async function deliverOne(
  client: PoolClient,
  channel: Channel,
  row: OutboxRow,
  log: (line: string) => void,
): Promise<void> {
  await client.query('SAVEPOINT delivery');
  try {
    const result = await channel.deliver(row, client);
    if (result.holdUntil) {
      await hold(client, row.id, result.holdUntil);
    } else {
      await markSent(client, row.id, {
        providerMessageId: result.providerMessageId ?? null,
        payload: result.redactedPayload,
      });
      await enqueueNotifications(client, result.fanOut ?? []);
    }
    await client.query('RELEASE SAVEPOINT delivery');
  } catch (err) {
    await client.query('ROLLBACK TO SAVEPOINT delivery');
    const message = describe(err);
    const retryable = !(err instanceof DeliveryError) || err.retryable;
    const tries = row.attempts + 1;
    if (retryable && tries < channel.maxAttempts) {
      await markRetry(client, row.id, message, channel.backoffMs(tries));
      log(`[outbox] ${row.channel} message ${row.id} failed (try ${tries} of ${channel.maxAttempts}): ${message}`);
    } else {
      await markDead(client, row.id, message);
      log(`[outbox] ${row.channel} message ${row.id} dead after ${tries} ${tries === 1 ? 'try' : 'tries'}: ${message}`);
    }
  }
}

/** One batch: claims, delivers and records up to `batch` due rows; answers how many it claimed. */
export async function dispatchBatch(
  pool: Pool,
  channels: Map<string, Channel>,
  batch: number,
  log: (line: string) => void,
): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const rows = await claimDue(client, [...channels.keys()], batch);
    for (const row of rows) await deliverOne(client, channels.get(row.channel) as Channel, row, log);
    await client.query('COMMIT');
    return rows.length;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** The channels of a running system: the inbox, SMS through the configured provider, webhooks. */
export const defaultChannels = (pool: Pool, config: Config): Channel[] => [
  inAppChannel(),
  smsChannel({ config }),
  webhookChannel({ pool, config }),
];

export function startDispatcher(options: DispatcherOptions): Dispatcher {
  const log = options.log ?? console.log;
  const batch = options.batch ?? 20;
  const channels = new Map((options.channels ?? defaultChannels(options.pool, options.config)).map((c) => [c.name, c]));
  let stopped = false;
  let running: Promise<void> | null = null;
  let again = false;
  let idle: (() => void)[] = [];
  let listener: Client | null = null;

  const run = async () => {
    do {
      again = false;
      try {
        // A full batch means more may be due: claim again at once.
        while (!stopped && (await dispatchBatch(options.pool, channels, batch, log)) === batch);
      } catch (err) {
        log(`[outbox] dispatch failed: ${(err as Error).message}`);
      }
    } while (again && !stopped);
    running = null;
    const waiting = idle;
    idle = [];
    for (const resolve of waiting) resolve();
  };
  const kick = () => {
    if (stopped) return;
    if (running) again = true;
    else running = run();
  };

  const timer = setInterval(kick, options.intervalMs ?? 2_000);
  timer.unref();
  if (options.listen !== false) void listen();
  kick();

  // A lost LISTEN connection is replaced after a pause; meanwhile the poll still delivers, only less promptly.
  async function listen(): Promise<void> {
    const client = new Client({ ...listenerConfig(options.pool), application_name: 'red-steward-outbox' });
    const lost = () => {
      if (listener !== client) return;
      listener = null;
      client.end().catch(() => undefined);
      if (!stopped) setTimeout(() => void listen(), 1_000).unref();
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', () => kick());
    try {
      listener = client;
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      if (stopped) await client.end();
      else kick(); // what was written while nobody listened
    } catch (err) {
      if (listener === client)
        log(`[outbox] no LISTEN connection (${(err as Error).message}); polling until it is back`);
      lost();
    }
  }

  return {
    kick,
    drain: async () => {
      for (;;) {
        kick();
        await new Promise<void>((resolve) => (running ? idle.push(resolve) : resolve()));
        const { rows } = await options.pool.query(
          `SELECT 1 FROM notification_outbox WHERE sent_at IS NULL AND dead_at IS NULL AND next_attempt_at <= now() AND channel = ANY($1::text[]) LIMIT 1`,
          [[...channels.keys()]],
        );
        if (rows.length === 0) return;
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      if (running) await running;
      const client = listener;
      listener = null;
      await client?.end().catch(() => undefined);
    },
  };
}
