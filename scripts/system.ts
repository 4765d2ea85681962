// The whole system in one process, as `npm start` runs it: Postgres and the Temporal dev server (embedded unless
// DATABASE_URL / TEMPORAL_ADDRESS name servers), migrations, the demo seed, the worker, and the API.
// Production runs `npm run worker` and `npm run api` separately against real servers instead.
import path from 'node:path';
import type { Pool } from 'pg';
import type { Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { listenHost, temporalTls, type Config } from '../config';
import { connectPostgres } from '../db/connect';
import { migrate } from '../db/migrate';
import { seedDemo } from '../db/seed';
import { buildApp } from '../api/app';
import { serveMetrics } from '../api/metrics';
import { logCalendarCoverage } from '../services/calendar-coverage';
import { connectWorker } from '../worker/connect';
import { createConfiguredWorker } from '../worker/worker';
import { connectTemporalClient } from '../services/temporal-client';
import { ensureAssessmentSchedule } from '../services/assessment-schedule';
import { startDutyWatch } from '../services/duty-watch';
import { startDispatcher } from '../services/delivery/dispatcher';
import { startPhotoOrphanCleaner } from '../services/photo-orphans';
import { fileDemoCases } from './demo-cases';
import { startReconciler } from '../services/reconciler';
import { startRetention } from '../services/retention';
import { folderPhotoStorage } from '../api/storage';
import { startEmbeddedPostgres, startTemporalDevServer, type PostgresHandle, type TemporalHandle } from './stack';

export interface System {
  config: Config;
  databaseUrl: string;
  temporalAddress: string;
  temporalUiUrl: string | undefined;
  apiUrl: string;
  /** The internal metrics listener's URL, unless METRICS_PORT=0. */
  metricsUrl: string | undefined;
  pool: Pool;
  stop(): Promise<void>;
}

const redact = (url: string) => url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');

export async function startSystem(config: Config, log: (line: string) => void = console.log): Promise<System> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((err) => log(`shutdown: ${(err as Error).message}`));
  };
  try {
    let pg: PostgresHandle | undefined;
    let databaseUrl = config.DATABASE_URL;
    if (!databaseUrl) {
      // scripts/start.ts handles Ctrl-C and SIGTERM: stopAll (below) stops Postgres last.
      pg = await startEmbeddedPostgres({
        dataDir: config.DATA_DIR,
        port: config.EMBEDDED_POSTGRES_PORT,
        log,
        ownSignals: true,
      });
      stops.push(() => pg!.stop());
      databaseUrl = pg.url;
    }
    let temporal: TemporalHandle | undefined;
    let temporalAddress = config.TEMPORAL_ADDRESS;
    if (!temporalAddress) {
      temporal = await startTemporalDevServer({
        dataDir: path.join(config.DATA_DIR, 'temporal'),
        port: config.TEMPORAL_PORT,
        uiPort: config.TEMPORAL_UI_PORT,
        log,
      });
      stops.push(() => temporal!.stop());
      temporalAddress = temporal.address;
    }
    const pool = await connectPostgres(databaseUrl, config.START_TIMEOUT_MS);
    stops.push(() => pool.end());
    let firstRun = false;
    const applied = await migrate(pool);
    if (applied.length) log(`migrations applied: ${applied.join(', ')}`);
    if (config.SEED_DEMO) {
      const { created } = await seedDemo(pool);
      if (created) log('demo data seeded');
      firstRun = created;
    }
    const t = await connectTemporalClient(
      temporalAddress,
      config.TEMPORAL_NAMESPACE,
      config.START_TIMEOUT_MS,
      temporalTls(config),
    );
    stops.push(() => t.connection.close());
    const native = await connectWorker(temporalAddress, config.START_TIMEOUT_MS, temporalTls(config));
    stops.push(() => native.close());

    const worker: Worker = await createConfiguredWorker(config, native, pool, log);
    await logCalendarCoverage(pool, log);
    const running = worker.run();
    // Drain the worker (in-flight tasks finish) before the connections and the pool close.
    stops.push(async () => {
      worker.shutdown();
      await running;
    });
    await ensureAssessmentSchedule(t.client, config.TEMPORAL_TASK_QUEUE);
    const deps = { pool, temporal: t.client, taskQueue: config.TEMPORAL_TASK_QUEUE };
    const reconciler = startReconciler(deps, 5_000, log);
    stops.push(async () => reconciler.stop());
    const dutyWatch = startDutyWatch(pool, 10_000, log);
    stops.push(async () => dutyWatch.stop());
    // Photos no case names (an intake that failed after storing them), deleted once an hour old.
    const photoOrphans = startPhotoOrphanCleaner(pool, path.join(config.DATA_DIR, 'photos'), 10 * 60_000, log);
    stops.push(async () => photoOrphans.stop());
    // Closed cases' personal data and photos, RETENTION_DAYS after closing: at start, then hourly.
    const retention = startRetention(
      { pool, photos: folderPhotoStorage(path.join(config.DATA_DIR, 'photos')), retentionDays: config.RETENTION_DAYS },
      3_600_000,
      log,
    );
    stops.push(() => retention.stop());
    // The notification outbox: in-app inbox (pushed live to the web app), SMS (DATA_DIR/sms.log by default), webhooks.
    const dispatcher = startDispatcher({ pool, config, log });
    stops.push(() => dispatcher.stop());

    if (firstRun) {
      // A first start gets a few demo cases so dashboards, queues and the public page show something. A failure
      // here is logged, never fatal: the system itself is up.
      await fileDemoCases(deps, log).catch((err) => log(`demo cases not filed: ${(err as Error).message}`));
    }
    const app: FastifyInstance = await buildApp({ config, ...deps, logger: config.LOG_LEVEL !== 'silent' });
    await app.listen({ port: config.PORT, host: listenHost(config) });
    // Stop accepting requests first: pushed last, so it runs first.
    stops.push(() => app.close());
    const metrics =
      config.METRICS_PORT === 0
        ? null
        : await serveMetrics(app.metricsRegistry, config.METRICS_HOST, config.METRICS_PORT);
    if (metrics) stops.push(() => metrics.close());
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.PORT;
    return {
      config,
      databaseUrl: redact(databaseUrl),
      temporalAddress,
      temporalUiUrl: temporal?.uiUrl,
      apiUrl: `http://localhost:${port}`,
      metricsUrl: metrics?.url,
      pool,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
