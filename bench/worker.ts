// The bench worker, in its own process so its memory is its own: the production worker wiring (createWorker)
// with a bundle holding the case workflow and the bare baselines. Answers memory questions over IPC.
// argv: <databaseUrl> <temporalAddress> <taskQueue>
import path from 'node:path';
import { DefaultLogger, NativeConnection, Runtime, bundleWorkflowCode } from '@temporalio/worker';
import { createPool } from '../db/pool';
import { createWorker } from '../worker/worker';
import type { BareTimerActivities } from './workflows';

export interface MemoryReport {
  type: 'memory';
  rssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

async function main(): Promise<void> {
  const [databaseUrl, address, taskQueue] = process.argv.slice(2);
  if (!databaseUrl || !address || !taskQueue || !process.send)
    throw new Error('usage: bench/worker.ts <databaseUrl> <temporalAddress> <taskQueue> (with an IPC channel)');
  // State changes are logged at INFO; the bench's output is its table.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const pool = createPool(databaseUrl, { applicationName: 'red-steward-bench-worker' });
  const connection = await NativeConnection.connect({ address });
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: path.join(__dirname, 'all-workflows.ts'),
    logger: quiet,
  });
  const bare: BareTimerActivities = {
    benchTimerFired: async ({ id, dueAt, woke }) => {
      await pool.query('INSERT INTO bench_rows (id, body) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [
        id,
        JSON.stringify({ dueAt, woke }),
      ]);
    },
  };
  const worker = await createWorker({
    connection,
    namespace: 'default',
    taskQueue,
    pool,
    workflowBundle,
    extraActivities: bare,
  });
  process.on('message', (m: { type?: string }) => {
    if (m?.type !== 'memory') return;
    // A full collection first, so the heap figure is what is live, not what the collector has yet to reclaim.
    (globalThis as { gc?: () => void }).gc?.();
    const u = process.memoryUsage();
    const report: MemoryReport = {
      type: 'memory',
      rssMb: mb(u.rss),
      heapUsedMb: mb(u.heapUsed),
      heapTotalMb: mb(u.heapTotal),
      externalMb: mb(u.external),
    };
    process.send?.(report);
  });
  // The parent going away (IPC closed) stops the worker just as SIGTERM does.
  process.on('disconnect', () => worker.shutdown());
  const running = worker.run();
  process.send({ type: 'ready', maxCachedWorkflows: worker.options.maxCachedWorkflows });
  await running;
  await connection.close();
  await pool.end();
  // The IPC channel would keep the process alive; exiting also lets --cpu-prof write the main thread's profile.
  process.exit(0);
}

const quiet = {
  log: () => {},
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: (m: string) => console.warn(m),
  error: (m: string) => console.error(m),
};

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
