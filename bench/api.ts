// The bench API process: the real app (buildApp, rate limits and load shedding off, no request log) on one port,
// and on another a bare Fastify app with the baselines, sharing the same pg pool and Temporal client:
//   POST /bare/start {kind}       INSERT one row + start emptyWorkflow or bareLoopWorkflow
//   POST /bare/:id/step           one do-nothing Update (the loop baseline sends three)
//   GET  /bare/cases/:id          one primary-key SELECT of a case row
// argv: <databaseUrl> <temporalAddress> <taskQueue> <apiPort> <barePort> <dataDir>. Prints {"ready":true} when up.
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { buildApp } from '../api/app';
import { configSchema } from '../config';
import { SMS_KINDS } from '../services/sms/texts';
import { connectPostgres } from '../db/connect';
import { connectTemporalClient } from '../services/temporal-client';
import { BARE_STEPS, bareLoopWorkflow, emptyWorkflow, stepUpdate } from './workflows';
import { BENCH_METRICS_TOKEN } from './load';

async function main(): Promise<void> {
  const [databaseUrl, address, taskQueue, apiPort, barePort, dataDir] = process.argv.slice(2);
  if (!dataDir)
    throw new Error('usage: bench/api.ts <databaseUrl> <temporalAddress> <taskQueue> <apiPort> <barePort> <dataDir>');
  const config = configSchema.parse({
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    JWT_SECRET: 'bench-secret-0123456789abcdef',
    // The bench files thousands of cases from a few accounts and reads the case cache's counters from /metrics.
    INTAKE_QUOTA_RESIDENT_PER_DAY: '10000000',
    INTAKE_QUOTA_STAFF_PER_DAY: '10000000',
    METRICS_TOKEN: BENCH_METRICS_TOKEN,
    // Its clients sign in once for a run of up to half an hour.
    ACCESS_TOKEN_TTL_SECONDS: '86400',
    // Production refuses the console SMS sink; the bench sends no SMS (nothing here runs the dispatcher).
    SMS_PROVIDER: 'aliyun',
    SMS_SIGN_NAME: 'bench',
    SMS_TEMPLATES: JSON.stringify(Object.fromEntries(SMS_KINDS.map((k) => [k, 'SMS_0']))),
    ALIYUN_SMS_ACCESS_KEY_ID: 'bench',
    ALIYUN_SMS_ACCESS_KEY_SECRET: 'bench',
  });
  const pool = await connectPostgres(databaseUrl, 15_000);
  const t = await connectTemporalClient(address, 'default', 15_000);
  const temporal = t.client;

  const app = await buildApp({
    config,
    pool,
    temporal,
    taskQueue,
    logger: false,
    rateLimit: false,
    underPressure: false,
  });
  await app.listen({ port: Number(apiPort), host: '127.0.0.1' });

  const bare = Fastify({ logger: false });
  bare.post<{ Body: { kind: 'empty' | 'loop' } }>('/bare/start', async (req) => {
    const id = randomUUID();
    await pool.query('INSERT INTO bench_rows (id, body) VALUES ($1, $2)', [id, JSON.stringify(req.body)]);
    const options = { workflowId: `bench-${id}`, taskQueue };
    if (req.body.kind === 'loop')
      await temporal.workflow.start(bareLoopWorkflow, { ...options, args: [{ steps: BARE_STEPS }] });
    else await temporal.workflow.start(emptyWorkflow, options);
    return { id };
  });
  bare.post<{ Params: { id: string } }>('/bare/:id/step', async (req) => {
    const requestId = randomUUID();
    const taken = await temporal.workflow
      .getHandle(`bench-${req.params.id}`)
      .executeUpdate(stepUpdate, { args: [{ requestId }], updateId: requestId });
    return { taken };
  });
  bare.get<{ Params: { id: string } }>('/bare/cases/:id', async (req, reply) => {
    const { rows } = await pool.query('SELECT * FROM cases WHERE id = $1', [req.params.id]);
    return rows[0] ?? reply.code(404).send({ error: 'not found' });
  });
  await bare.listen({ port: Number(barePort), host: '127.0.0.1' });
  answerMemoryQuestions();
  console.log(JSON.stringify({ ready: true }));

  const stop = async () => {
    await bare.close();
    await app.close();
    await t.connection.close();
    await pool.end();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

/**
 * Over IPC: 'sample-start' begins sampling this process's memory every 20 ms; 'sample-stop' answers the idle
 * figures taken at the start and the peaks since (the CSV export's memory is measured this way).
 */
function answerMemoryQuestions(): void {
  let timer: NodeJS.Timeout | undefined;
  let idle = process.memoryUsage();
  let peak = { rss: 0, heapUsed: 0 };
  const mb = (b: number) => Math.round((b / 1024 / 1024) * 10) / 10;
  process.on('message', (m: { type?: string }) => {
    if (m?.type === 'sample-start') {
      idle = process.memoryUsage();
      peak = { rss: idle.rss, heapUsed: idle.heapUsed };
      timer = setInterval(() => {
        const u = process.memoryUsage();
        peak = { rss: Math.max(peak.rss, u.rss), heapUsed: Math.max(peak.heapUsed, u.heapUsed) };
      }, 20);
    } else if (m?.type === 'sample-stop') {
      clearInterval(timer);
      process.send?.({
        type: 'sample',
        idleRssMb: mb(idle.rss),
        idleHeapMb: mb(idle.heapUsed),
        peakRssMb: mb(peak.rss),
        peakHeapMb: mb(peak.heapUsed),
      });
    }
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
