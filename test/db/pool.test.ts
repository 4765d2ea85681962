// The pool keeps idle connections for minutes (db/pool.ts IDLE_CONNECTION_MS), not pg's ten seconds: a request after a
// quiet spell reuses a warm server process instead of opening a connection and planning on cold caches. The idle
// timer is pg-pool's own setTimeout, so fake timers move the clock; the connections are real.
import type { Pool } from 'pg';
import { createPool, IDLE_CONNECTION_MS, idleErrorLogger } from '../../db/pool';
import { seenWithin } from '../helpers/poll';
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

const backendPid = async (pool: Pool): Promise<number> =>
  (await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;

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

test('a server cutting every idle connection at once is logged as one event, not one line per connection', async () => {
  const lines: string[] = [];
  const pool = createPool(url, { max: 3 });
  pool.removeAllListeners('error');
  pool.on(
    'error',
    idleErrorLogger((l) => lines.push(l), 300),
  );
  try {
    // Three connections, all idle afterwards.
    const clients = await Promise.all([pool.connect(), pool.connect(), pool.connect()]);
    const pids = await Promise.all(
      clients.map(async (c) => (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid),
    );
    clients.forEach((c) => c.release());
    expect(pool.idleCount).toBe(3);
    // As a restart does: the server ends each of them.
    await setupPool.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [pids]);
    await seenWithin(
      async () => pool.totalCount,
      (n) => n === 0,
      5_000,
    );
    await seenWithin(
      async () => lines.length,
      (n) => n === 2,
      5_000,
    );
    expect(lines[0]).toMatch(/^\[db\] idle client error /);
    expect(lines[1]).toMatch(/^\[db\] 2 more idle connections lost within 300 ms \(last: .+\)$/);
    // The pool carries on with a fresh connection.
    expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows[0].one).toBe(1);
  } finally {
    await pool.end();
  }
});
