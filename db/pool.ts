// The one place a pg Pool is built, and the transaction helper every writer uses.
import { Pool, type PoolClient, type QueryResult, type QueryResultRow } from 'pg';

/**
 * What a query function needs: a Pool or a PoolClient inside a transaction. Query modules take this so the caller
 * decides whether a read joins a transaction.
 */
export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
}

export interface PoolOptions {
  max?: number;
  applicationName?: string;
  /** How long an idle connection is kept open (ms); 0 keeps it until the pool ends. Default IDLE_CONNECTION_MS. */
  idleTimeoutMillis?: number;
}

/**
 * Idle connections are kept five minutes, not pg's ten seconds. A district's traffic comes a request or a deadline
 * at a time, seconds to minutes apart; with pg's default nearly every one of them opened a connection first, and a new
 * server process plans each statement afresh on cold catalog caches. `npx tsx bench/after-quiet.ts` (medians of six,
 * after 12 s of quiet): an intake 41 ms with pg's default against 19 ms now (17–18 ms on a warm connection), its
 * acknowledgement 83 against 59 ms, and 24 connections opened against 1. At most `max` per process stay open, and a
 * server restart still drops them (the pool's error listener below).
 */
export const IDLE_CONNECTION_MS = 5 * 60_000;

export function createPool(connectionString: string, options: PoolOptions = {}): Pool {
  const pool = new Pool({
    connectionString,
    max: options.max ?? 10,
    idleTimeoutMillis: options.idleTimeoutMillis ?? IDLE_CONNECTION_MS,
    // Idle connections alone do not keep a process alive (a script that forgets pool.end() still exits); the API's
    // server and the worker keep theirs running.
    allowExitOnIdle: true,
    // Shows up in pg_stat_activity, so an operator can tell our sessions from psql and migrations by hand.
    application_name: options.applicationName ?? 'red-steward',
  });
  // An idle client that loses its connection (server restart, network) emits 'error' on the pool; without a
  // listener Node treats it as unhandled and kills the process. The pool drops the client and carries on.
  pool.on('error', idleErrorLogger());
  return pool;
}

/**
 * One line for the first idle connection lost, and one line for the rest lost within the next second: a server
 * restart cuts every idle connection at once (up to `max` per process), which is one event, not ten.
 */
export function idleErrorLogger(
  log: (line: string) => void = (line) => console.error(line),
  windowMs = 1_000,
): (err: Error) => void {
  let more = 0;
  let lastMessage = '';
  let window: NodeJS.Timeout | null = null;
  return (err) => {
    if (window !== null) {
      more++;
      lastMessage = err.message;
      return;
    }
    log(`[db] idle client error ${err.message}`);
    window = setTimeout(() => {
      window = null;
      if (more > 0)
        log(
          `[db] ${more} more idle connection${more > 1 ? 's' : ''} lost within ${windowMs} ms (last: ${lastMessage})`,
        );
      more = 0;
    }, windowMs);
    window.unref();
  };
}

/**
 * Runs fn inside BEGIN … COMMIT on one client; rolls back and rethrows on any error. A client whose ROLLBACK
 * fails is destroyed rather than returned to the pool, since its session state is unknown.
 */
export async function withTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackErr) {
      broken = rollbackErr instanceof Error ? rollbackErr : new Error(String(rollbackErr));
    }
    throw err;
  } finally {
    client.release(broken);
  }
}
