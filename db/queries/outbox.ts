// The dispatcher's reads and writes of notification_outbox (migration 0050): claim the due messages of some
// channels under row locks other dispatchers skip, then record each one sent, retried later, held or dead.
import type { PoolClient } from 'pg';
import type { Queryable } from '../pool';

/** A claimed message: what the dispatcher hands a channel (services/delivery/channel.ts `OutboxRow`). */
export interface ClaimedMessage {
  id: string;
  dedupeKey: string;
  channel: string;
  recipient: Record<string, unknown>;
  template: string;
  payload: Record<string, unknown>;
  /** Tries before this one. */
  attempts: number;
  createdAt: Date;
}

interface OutboxRecord {
  id: string;
  dedupe_key: string;
  channel: string;
  recipient: Record<string, unknown>;
  template: string;
  payload: Record<string, unknown>;
  attempts: number;
  created_at: Date;
}

/**
 * Locks up to `limit` due messages of `channels` for the caller's transaction. SKIP LOCKED: a message another
 * dispatcher holds is not waited for but left to it, so several workers share the outbox and none sends a message
 * another is sending; a dispatcher that dies releases its locks with its connection.
 */
export async function claimDue(client: PoolClient, channels: string[], limit: number): Promise<ClaimedMessage[]> {
  const { rows } = await client.query<OutboxRecord>(
    `SELECT id::text, dedupe_key, channel, recipient, template, payload, attempts, created_at
       FROM notification_outbox
      WHERE sent_at IS NULL AND dead_at IS NULL AND next_attempt_at <= now() AND channel = ANY($1::text[])
      ORDER BY next_attempt_at, id
      LIMIT $2
      FOR UPDATE SKIP LOCKED`,
    [channels, limit],
  );
  return rows.map((r) => ({
    id: r.id,
    dedupeKey: r.dedupe_key,
    channel: r.channel,
    recipient: r.recipient,
    template: r.template,
    payload: r.payload,
    attempts: r.attempts,
    createdAt: r.created_at,
  }));
}

export async function markSent(
  client: PoolClient,
  id: string,
  done: { providerMessageId: string | null; payload?: Record<string, unknown> },
): Promise<void> {
  await client.query(
    `UPDATE notification_outbox
        SET sent_at = now(), last_attempt_at = now(), attempts = attempts + 1, last_error = NULL,
            provider_message_id = $2, payload = COALESCE($3::jsonb, payload)
      WHERE id = $1`,
    [id, done.providerMessageId, done.payload === undefined ? null : JSON.stringify(done.payload)],
  );
}

/** Not now, and not a failure: due again at `until` with no try counted (quiet hours). */
export async function hold(client: PoolClient, id: string, until: Date): Promise<void> {
  await client.query(`UPDATE notification_outbox SET next_attempt_at = $2 WHERE id = $1`, [id, until]);
}

/** A failed try: due again after `retryInMs`. */
export async function markRetry(client: PoolClient, id: string, error: string, retryInMs: number): Promise<void> {
  await client.query(
    `UPDATE notification_outbox
        SET attempts = attempts + 1, last_attempt_at = now(), last_error = $2,
            next_attempt_at = now() + make_interval(secs => $3::double precision / 1000)
      WHERE id = $1`,
    [id, error, retryInMs],
  );
}

/** The last try failed, or no try can succeed: dead-lettered. A code in its payload is dropped: it will never be sent. */
export async function markDead(client: PoolClient, id: string, error: string): Promise<void> {
  await client.query(
    `UPDATE notification_outbox
        SET attempts = attempts + 1, last_attempt_at = now(), last_error = $2, dead_at = now(),
            payload = CASE WHEN payload ? 'code' THEN (payload - 'code') || '{"redacted": true}' ELSE payload END
      WHERE id = $1`,
    [id, error],
  );
}

export interface OutboxStats {
  channel: string;
  sent: number;
  pending: number;
  dead: number;
  /** Tries that failed among the messages not yet sent (pending and dead). */
  failedAttempts: number;
  oldestPendingSeconds: number;
}

/** Per channel, for the metrics at scrape time. */
export async function outboxStats(db: Queryable): Promise<OutboxStats[]> {
  const { rows } = await db.query<{
    channel: string;
    sent: string;
    pending: string;
    dead: string;
    failed: string;
    oldest: number | null;
  }>(
    `SELECT channel,
            count(*) FILTER (WHERE sent_at IS NOT NULL) AS sent,
            count(*) FILTER (WHERE sent_at IS NULL AND dead_at IS NULL) AS pending,
            count(*) FILTER (WHERE dead_at IS NOT NULL) AS dead,
            COALESCE(sum(attempts) FILTER (WHERE sent_at IS NULL), 0) AS failed,
            extract(epoch FROM now() - min(created_at) FILTER (WHERE sent_at IS NULL AND dead_at IS NULL))::float8 AS oldest
       FROM notification_outbox GROUP BY channel`,
  );
  return rows.map((r) => ({
    channel: r.channel,
    sent: Number(r.sent),
    pending: Number(r.pending),
    dead: Number(r.dead),
    failedAttempts: Number(r.failed),
    oldestPendingSeconds: r.oldest ?? 0,
  }));
}
