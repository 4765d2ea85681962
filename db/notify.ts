// Change notifications from Postgres for in-process caches. Triggers (migration 0022) NOTIFY on every committed
// change to reference data and accounts; one dedicated connection per process LISTENs. Postgres delivers a
// NOTIFY at COMMIT to every listening session of the database, so a change made by an admin route, by another
// API process or by plain SQL reaches every cache within milliseconds.
//
// What a cache must not miss is a change made while nobody listened: so the feed says whether it is `live`, and
// reports a 'reset' whenever the connection is lost or (re)established. Until it is live again a cache reads
// through, and after a reset it starts empty.
import { Client, type ClientConfig, type Notification, type Pool } from 'pg';

export const REFERENCE_CHANNEL = 'rs_reference_changed';
export const USER_CHANNEL = 'rs_user_changed';
/** Migration 0023: a case's projection row changed (its id as payload). */
export const CASE_CHANNEL = 'rs_case_changed';
/** Migration 0040: a sign-in session changed (revoked, refreshed, deleted; its id as payload). */
export const SESSION_CHANNEL = 'rs_session_changed';

/** `table` changed (rs_reference_changed: any row of it), or only the row of `id` (rs_user_changed: one user; rs_case_changed: one case; rs_session_changed: one session). */
export interface Change {
  table: string;
  id?: string;
}

/** A change, or 'reset': anything may have changed (the connection was lost, or has just been re-established). */
export type ChangeHandler = (change: Change | 'reset') => void;

export interface ChangeFeed {
  /** True while listening: only then can a cache know that nothing it holds went stale unnoticed. */
  readonly live: boolean;
  onChange(handler: ChangeHandler): void;
  close(): Promise<void>;
}

export interface ChangeFeedOptions {
  log?: (message: string) => void;
  /** First delay before reconnecting after a loss; it doubles up to maxRetryMs while attempts fail. */
  retryMs?: number;
  maxRetryMs?: number;
}

/** The pool's connection settings for a connection of its own, named so an operator can tell it apart. */
export function listenerConfig(pool: Pool): ClientConfig {
  const o = pool.options;
  // pg-pool keeps the password as a non-enumerable property, which a spread would drop. TCP keep-alive, so that a
  // connection silently gone (a partition, no reset) is eventually noticed; until then the caches' TTL bounds it.
  // A connection timeout, so that an unreachable server fails an attempt (and buildApp's wait) instead of hanging it.
  return {
    ...o,
    password: o.password,
    application_name: 'red-steward-listen',
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    connectionTimeoutMillis: o.connectionTimeoutMillis || 5_000,
  };
}

class PgChangeFeed implements ChangeFeed {
  live = false;
  private client: Client | null = null;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly handlers: ChangeHandler[] = [];
  private delay: number;

  constructor(
    private readonly config: ClientConfig,
    private readonly opts: Required<ChangeFeedOptions>,
  ) {
    this.delay = opts.retryMs;
  }

  onChange(handler: ChangeHandler): void {
    this.handlers.push(handler);
  }

  /** One attempt; on failure a retry is scheduled, never thrown: callers read through until the feed is live. */
  async connect(): Promise<void> {
    if (this.closed) return;
    const client = new Client(this.config);
    this.client = client;
    // Before connect: an 'error' on a connection without a listener would kill the process (server restart).
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client));
    client.on('notification', (n) => this.notified(n));
    try {
      await client.connect();
      await client.query(
        `LISTEN ${REFERENCE_CHANNEL}; LISTEN ${USER_CHANNEL}; LISTEN ${CASE_CHANNEL}; LISTEN ${SESSION_CHANNEL}`,
      );
    } catch (err) {
      this.lost(client, err);
      return;
    }
    if (this.client !== client) return; // lost or closed while connecting
    this.delay = this.opts.retryMs;
    // Whatever changed while nobody listened is unknown: start from empty, then trust notifications.
    this.emit('reset');
    this.live = true;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    const client = this.client;
    this.client = null;
    this.live = false;
    this.emit('reset');
    await client?.end().catch(() => undefined);
  }

  private notified(n: Notification): void {
    if (n.channel === USER_CHANNEL && n.payload) this.emit({ table: 'users', id: n.payload });
    else if (n.channel === CASE_CHANNEL && n.payload) this.emit({ table: 'cases', id: n.payload });
    else if (n.channel === SESSION_CHANNEL && n.payload) this.emit({ table: 'sessions', id: n.payload });
    else if (n.channel === REFERENCE_CHANNEL && n.payload) this.emit({ table: n.payload });
  }

  private lost(client: Client, err?: unknown): void {
    if (this.client !== client) return; // a late event of a connection already given up
    this.client = null;
    this.live = false;
    this.emit('reset');
    client.end().catch(() => undefined);
    if (this.closed) return;
    const why = err instanceof Error ? err.message : 'connection ended';
    this.opts.log(`[cache] change notifications lost (${why}); reading through, reconnecting in ${this.delay} ms`);
    this.timer = setTimeout(() => void this.connect(), this.delay);
    this.timer.unref();
    this.delay = Math.min(this.delay * 2, this.opts.maxRetryMs);
  }

  private emit(change: Change | 'reset'): void {
    for (const h of this.handlers) h(change);
  }
}

/**
 * Starts listening on a connection of its own (not one of the pool's, which it would hold forever). Resolves
 * after the first attempt, live or not; a failed attempt is retried in the background.
 */
export async function listenForChanges(config: ClientConfig, opts: ChangeFeedOptions = {}): Promise<ChangeFeed> {
  const feed = new PgChangeFeed(config, {
    log: opts.log ?? ((m) => console.error(m)),
    retryMs: opts.retryMs ?? 100,
    maxRetryMs: opts.maxRetryMs ?? 5_000,
  });
  await feed.connect();
  return feed;
}
