// `npm run worker`: the worker alone against configured servers, as production runs it. It also runs the intake
// reconciler, so a case row whose workflow start was interrupted gets its workflow.
import path from 'node:path';
import { ConfigError, loadConfig, temporalTls } from '../config';
import { connectPostgres } from '../db/connect';
import { connectTemporalClient } from '../services/temporal-client';
import { ensureAssessmentSchedule } from '../services/assessment-schedule';
import { startDutyWatch } from '../services/duty-watch';
import { startDispatcher } from '../services/delivery/dispatcher';
import { startPhotoOrphanCleaner } from '../services/photo-orphans';
import { startReconciler } from '../services/reconciler';
import { startRetention } from '../services/retention';
import { folderPhotoStorage } from '../api/storage';
import { logCalendarCoverage } from '../services/calendar-coverage';
import { connectWorker } from './connect';
import { createConfiguredWorker } from './worker';

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.DATABASE_URL)
    throw new ConfigError('DATABASE_URL: is required for `npm run worker` (npm start embeds Postgres)');
  if (!config.TEMPORAL_ADDRESS)
    throw new ConfigError('TEMPORAL_ADDRESS: is required for `npm run worker` (npm start embeds Temporal)');
  const pool = await connectPostgres(config.DATABASE_URL, config.START_TIMEOUT_MS);
  const t = await connectTemporalClient(
    config.TEMPORAL_ADDRESS,
    config.TEMPORAL_NAMESPACE,
    config.START_TIMEOUT_MS,
    temporalTls(config),
  );
  const native = await connectWorker(config.TEMPORAL_ADDRESS, config.START_TIMEOUT_MS, temporalTls(config));
  const worker = await createConfiguredWorker(config, native, pool, console.log);
  await logCalendarCoverage(pool, console.log);
  const reconciler = startReconciler({ pool, temporal: t.client, taskQueue: config.TEMPORAL_TASK_QUEUE });
  // Party organisations' duties no case clock watches (a follow-up, a forward): recorded when missed.
  const dutyWatch = startDutyWatch(pool);
  // Photos no case names (an intake that failed after storing them), deleted once an hour old. The API stores them
  // under its DATA_DIR: a worker whose DATA_DIR is another machine's finds no folder and does nothing.
  const photoOrphans = startPhotoOrphanCleaner(pool, path.join(config.DATA_DIR, 'photos'));
  // Closed cases' personal data and photos, RETENTION_DAYS after closing: at start, then hourly.
  const retention = startRetention({
    pool,
    photos: folderPhotoStorage(path.join(config.DATA_DIR, 'photos')),
    retentionDays: config.RETENTION_DAYS,
  });
  // The notification outbox: in-app inbox, SMS, webhooks. Every worker runs one; row locks keep them from sending twice.
  const dispatcher = startDispatcher({ pool, config });
  // The monthly assessment (考核) Schedule: created once, left alone when it exists (every worker may run this).
  await ensureAssessmentSchedule(t.client, config.TEMPORAL_TASK_QUEUE);
  // Worker.run() resolves after a SIGINT/SIGTERM shutdown has drained in-flight tasks (the SDK installs those handlers).
  await worker.run();
  reconciler.stop();
  dutyWatch.stop();
  photoOrphans.stop();
  await retention.stop();
  await dispatcher.stop();
  await t.connection.close();
  await native.close();
  await pool.end();
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
