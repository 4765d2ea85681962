// The servers a bench run measures: Postgres and the Temporal dev server (embedded under a temporary folder, the
// dev server on a SQLite file with WAL as `npm start` runs it, unless DATABASE_URL / TEMPORAL_ADDRESS name
// servers), migrated and seeded; then the bench worker and the bench API, each in its own process.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Pool } from 'pg';
import type { Client } from '@temporalio/client';
import { loadConfig } from '../config';
import { migrate } from '../db/migrate';
import { seedDemo } from '../db/seed';
import { connectPostgres } from '../db/connect';
import { connectTemporalClient } from '../services/temporal-client';
import { freePort, postgresDir, startEmbeddedPostgres, startTemporalDevServer } from '../scripts/stack';
import { startProductionServer } from '../scripts/production/temporal-server';
import { cpuMeter, type CpuMeter } from './cpu';
import type { MemoryReport } from './worker';

export interface ApiMemory {
  type: 'sample';
  idleRssMb: number;
  idleHeapMb: number;
  peakRssMb: number;
  peakHeapMb: number;
}

export interface BenchStack {
  pool: Pool;
  temporal: Client;
  taskQueue: string;
  apiOrigin: string;
  bareOrigin: string;
  embedded: { postgres: boolean; temporal: boolean };
  maxCachedWorkflows: number;
  /** The embedded Temporal dev server's Prometheus metrics (requests by operation, persistence calls), if ours. */
  temporalMetricsUrl: string | null;
  cpu: CpuMeter;
  workerMemory(): Promise<MemoryReport>;
  /** Samples the API process's memory while `during` runs: its idle and peak figures. */
  apiMemoryDuring<T>(during: () => Promise<T>): Promise<{ result: T; memory: ApiMemory }>;
  stop(): Promise<void>;
}

const ROOT = path.resolve(__dirname, '..');

// stdout is read for the API's ready line and dropped for the worker (the SDK logs its state changes there).
function spawnTs(
  script: string,
  args: string[],
  opts: { nodeFlags?: string[]; stdout: 'pipe' | 'ignore' },
): ChildProcess {
  return spawn(process.execPath, [...(opts.nodeFlags ?? []), '--import', 'tsx', path.join(ROOT, script), ...args], {
    cwd: ROOT,
    stdio: ['ignore', opts.stdout, 'inherit', 'ipc'],
  });
}

function exitedEarly(child: ChildProcess, what: string): Promise<never> {
  return new Promise((_, reject) =>
    child.once('exit', (code) => reject(new Error(`${what} exited with code ${code} before it was ready`))),
  );
}

/**
 * `profileDir`: run the API and the worker under `node --cpu-prof`, writing their profiles there on exit.
 * `production`: the production-shape Temporal server (PostgreSQL persistence, scripts/production/) in place of the dev server.
 */
export async function startBenchStack(
  log: (line: string) => void,
  profileDir?: string,
  opts: { production?: boolean } = {},
): Promise<BenchStack> {
  const prof = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const config = loadConfig();
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((err) => log(`stop: ${(err as Error).message}`));
  };
  try {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rs-bench-'));
    fs.chmodSync(dir, 0o755); // the embedded server runs as the `postgres` user when we are root
    stops.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
    let databaseUrl = config.DATABASE_URL;
    if (!databaseUrl) {
      const pg = await startEmbeddedPostgres({ dataDir: dir, port: await freePort(), persistent: false });
      stops.push(() => pg.stop());
      databaseUrl = pg.url;
    }
    let address = config.TEMPORAL_ADDRESS;
    let temporalMetricsUrl: string | null = null;
    let temporalPid: number | undefined;
    if (!address && opts.production) {
      const u = new URL(databaseUrl);
      const login = {
        host: u.hostname,
        port: Number(u.port || 5432),
        user: decodeURIComponent(u.username),
        password: decodeURIComponent(u.password),
      };
      const server = await startProductionServer(login, dir, log);
      stops.push(async () => void (await server.stop()));
      [address, temporalMetricsUrl, temporalPid] = [server.address, server.metricsUrl, server.pid];
    } else if (!address) {
      const metricsPort = await freePort();
      const temporal = await startTemporalDevServer({
        dataDir: path.join(dir, 'temporal'),
        log: () => {},
        extraArgs: ['--metrics-port', String(metricsPort)],
      });
      temporalMetricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
      stops.push(() => temporal.stop());
      address = temporal.address;
    }
    const temporalKind = opts.production
      ? `the production-shape server on ${address} (PostgreSQL persistence)`
      : `dev server on ${address} (SQLite file, WAL)`;
    log(
      `postgres ${config.DATABASE_URL ? 'from DATABASE_URL' : 'embedded'}, temporal ${config.TEMPORAL_ADDRESS ? 'from TEMPORAL_ADDRESS' : temporalKind}`,
    );
    const pool = await connectPostgres(databaseUrl, config.START_TIMEOUT_MS);
    stops.push(() => pool.end());
    await migrate(pool);
    await seedDemo(pool);
    await pool.query(
      'CREATE TABLE IF NOT EXISTS bench_rows (id uuid PRIMARY KEY, body jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())',
    );
    const t = await connectTemporalClient(address, 'default', config.START_TIMEOUT_MS);
    stops.push(() => t.connection.close());
    // A task queue of its own, so a bench against configured servers never meets another worker.
    const taskQueue = `bench-${randomUUID().slice(0, 8)}`;

    const worker = spawnTs('bench/worker.ts', [databaseUrl, address, taskQueue], {
      nodeFlags: ['--expose-gc', ...prof],
      stdout: 'ignore',
    });
    stops.push(() => stopChild(worker));
    const ready = await Promise.race([
      once<{ type: string; maxCachedWorkflows: number }>(worker, (m) => m.type === 'ready'),
      exitedEarly(worker, 'bench worker'),
    ]);

    const [apiPort, barePort] = [await freePort(), await freePort()];
    const api = spawnTs('bench/api.ts', [databaseUrl, address, taskQueue, String(apiPort), String(barePort), dir], {
      nodeFlags: prof,
      stdout: 'pipe',
    });
    stops.push(() => stopChild(api));
    await Promise.race([readyLine(api), exitedEarly(api, 'bench API')]);

    return {
      pool,
      temporal: t.client,
      taskQueue,
      apiOrigin: `http://127.0.0.1:${apiPort}`,
      bareOrigin: `http://127.0.0.1:${barePort}`,
      embedded: { postgres: !config.DATABASE_URL, temporal: !config.TEMPORAL_ADDRESS },
      maxCachedWorkflows: ready.maxCachedWorkflows,
      temporalMetricsUrl,
      cpu: cpuMeter({
        api: api.pid,
        worker: worker.pid,
        temporal: temporalPid,
        marker: dir,
        postmasterPidFile: config.DATABASE_URL ? undefined : path.join(postgresDir(dir), 'postmaster.pid'),
      }),
      workerMemory: () => {
        const answer = once<MemoryReport>(worker, (m) => m.type === 'memory');
        worker.send({ type: 'memory' });
        return answer;
      },
      apiMemoryDuring: async (during) => {
        api.send({ type: 'sample-start' });
        const result = await during();
        const memory = once<ApiMemory>(api, (m) => m.type === 'sample');
        api.send({ type: 'sample-stop' });
        return { result, memory: await memory };
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

function once<T extends { type: string }>(child: ChildProcess, match: (m: T) => boolean): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: T) => {
      if (!match(m)) return;
      child.off('message', on);
      resolve(m);
    };
    child.on('message', on);
  });
}

function readyLine(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('{"ready":true}')) resolve();
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
