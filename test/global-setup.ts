// Starts the real servers once per test run: PostgreSQL (embedded, or the server DATABASE_URL names) with a
// migrated and seeded template database, the Temporal dev server, and one workflow bundle for every worker.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { createPool } from '../db/pool';
import { migrate } from '../db/migrate';
import { seedDemo } from '../db/seed';
import { freePort, startEmbeddedPostgres, startTemporalDevServer } from '../scripts/stack';
import { bundleWorkflows } from '../worker/worker';

export const TEMPLATE_DB = 'rs_template';
export const CONTINUE_AS_NEW_KEY = 'limit.historyCount.suggestContinueAsNew';
export const CONTINUE_AS_NEW_AFTER = 400;

async function recreateTemplate(adminUrl: string): Promise<string> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${TEMPLATE_DB}`;
  const pool = createPool(url.toString());
  try {
    await migrate(pool);
    await seedDemo(pool);
  } finally {
    await pool.end();
  }
  return url.toString();
}

export default async function globalSetup(): Promise<void> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rs-test-'));
  // mkdtemp makes a private folder; the embedded server runs as the `postgres` user when we are root.
  fs.chmodSync(workDir, 0o755);
  const g = globalThis as Record<string, unknown>;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const pg = await startEmbeddedPostgres({ dataDir: workDir, port: await freePort(), persistent: false });
    g.__rsPostgres = pg;
    adminUrl = pg.url;
  }
  await recreateTemplate(adminUrl);
  // Suggest continue-as-new after 400 events (the server's default is thousands), so tests exercise it.
  const temporal = await startTemporalDevServer({
    log: () => {},
    extraArgs: ['--dynamic-config-value', `${CONTINUE_AS_NEW_KEY}=${CONTINUE_AS_NEW_AFTER}`],
  });
  g.__rsTemporal = temporal;
  const bundle = await bundleWorkflows();
  const bundlePath = path.join(workDir, 'workflow-bundle.js');
  fs.writeFileSync(bundlePath, bundle.code);
  g.__rsWorkDir = workDir;
  // Test files run in worker processes started after this, which inherit these variables.
  process.env.RS_TEST_ADMIN_DATABASE_URL = adminUrl;
  process.env.RS_TEST_TEMPORAL_ADDRESS = temporal.address;
  process.env.RS_TEST_WORKFLOW_BUNDLE = bundlePath;
  process.env.RS_TEST_WORK_DIR = workDir;
}
