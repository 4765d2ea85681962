// The pool keeps idle connections for minutes (db/pool.ts IDLE_CONNECTION_MS), not pg's ten seconds: a request after a
// quiet spell reuses a warm server process instead of opening a connection and planning on cold caches. The idle
// timer is pg-pool's own setTimeout, so fake timers move the clock; the connections are real.
import type { Pool } from 'pg';
import { createPool, IDLE_CONNECTION_MS } from '../../db/pool';
import { createTestDatabase } from '../helpers/stack';

let url: string;
let setupPool: Pool;

beforeAll(async () => {
  ({ url, pool: setupPool } = await createTestDatabase());
});

afterAll(async () => {
  await setupPool?.end();
});

afterEach(() => {
  jest.useRealTimers();
});

const backendPid = async (pool: Pool): Promise<number> => (await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;

test('an idle connection outlives a quiet minute and is closed after the idle timeout', async () => {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
  const pool = createPool(url, { max: 2 });
  try {
    const first = await backendPid(pool);
    expect(pool.idleCount).toBe(1);
    // pg's default (10 s) would have closed it here.
    jest.advanceTimersByTime(60_000);
    expect(pool.idleCount).toBe(1);
    expect(await backendPid(pool)).toBe(first);
    jest.advanceTimersByTime(IDLE_CONNECTION_MS + 1_000);
    expect(pool.idleCount).toBe(0);
    expect(pool.totalCount).toBe(0);
  } finally {
    await pool.end();
  }
});

test('a pool may still be told its own idle timeout', async () => {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
  const pool = createPool(url, { max: 2, idleTimeoutMillis: 5_000 });
  try {
    await backendPid(pool);
    expect(pool.idleCount).toBe(1);
    jest.advanceTimersByTime(6_000);
    expect(pool.totalCount).toBe(0);
  } finally {
    await pool.end();
  }
});
