// What a test file needs from the run's shared servers: its own database cloned from the seeded template,
// a Temporal client, and a worker on its own task queue.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { Client as PgClient, type Pool } from 'pg';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { createPool } from '../../db/pool';
import { createWorker } from '../../worker/worker';

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the tests through jest (test/global-setup.ts)`);
  return v;
};

export async function createTestDatabase(): Promise<{ url: string; pool: Pool; name: string }> {
  const adminUrl = env('RS_TEST_ADMIN_DATABASE_URL');
  const name = `rs_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const admin = new PgClient({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE rs_template`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), pool: createPool(url.toString(), { max: 5 }), name };
}

export interface TestTemporal {
  address: string;
  connection: Connection;
  client: Client;
  taskQueue: string;
  close(): Promise<void>;
}

export async function connectTemporal(): Promise<TestTemporal> {
  const address = env('RS_TEST_TEMPORAL_ADDRESS');
  const connection = await Connection.connect({ address });
  return {
    address,
    connection,
    client: new Client({ connection }),
    taskQueue: `test-${randomUUID()}`,
    close: () => connection.close(),
  };
}

export interface RunningWorker {
  worker: Worker;
  stop(): Promise<void>;
}

/** Starts a worker on the file's task queue; stop() shuts it down and waits for it. */
export async function startWorker(
  t: TestTemporal,
  pool: Pool,
  opts: { maxCachedWorkflows?: number } = {},
): Promise<RunningWorker> {
  const connection = await NativeConnection.connect({ address: t.address });
  const worker = await createWorker({
    connection,
    namespace: 'default',
    taskQueue: t.taskQueue,
    pool,
    workflowBundle: { code: fs.readFileSync(env('RS_TEST_WORKFLOW_BUNDLE'), 'utf8') },
    maxCachedWorkflows: opts.maxCachedWorkflows,
  });
  const running = worker.run();
  return {
    worker,
    stop: async () => {
      worker.shutdown();
      await running;
      await connection.close();
    },
  };
}
