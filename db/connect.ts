// The PostgreSQL connection every entry point opens first (`npm run api`, `npm run worker`, migrate, `npm start`):
// a pool proven to answer, or one line naming DATABASE_URL, so a wrong address fails the start and not a request.
import type { Pool } from 'pg';
import { ConfigError } from '../config';
import { createPool } from './pool';

/** Connects a pool and proves it works, or fails with one line naming DATABASE_URL. */
export async function connectPostgres(url: string, timeoutMs: number): Promise<Pool> {
  const pool = createPool(url);
  const u = new URL(url);
  try {
    await withTimeout(pool.query('SELECT 1'), timeoutMs);
    return pool;
  } catch (err) {
    await pool.end().catch(() => {});
    throw new ConfigError(
      `DATABASE_URL: cannot reach PostgreSQL at ${u.hostname}:${u.port || 5432} (${(err as Error).message})`,
    );
  }
}

/** Rejects when `p` has not settled within `ms`: a server that accepts the connection but never answers fails the start. */
export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
