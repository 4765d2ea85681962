// `npm run chaos [-- --cases 2000 --minutes 10 --every 20 --concurrency 16]`: files cases over HTTP and drives
// them through the loop while, on a schedule, it SIGKILLs the worker, kills and restarts the Temporal dev server
// on its database file, and crash-stops and restarts PostgreSQL. Clients retry with the same Idempotency-Keys.
// Then it checks that nothing accepted was lost or doubled and that every case is where its answers say, prints
// one summary line, and exits non-zero on any failure. See scripts/README.md.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../api/app';
import { configSchema } from '../config';
import { createPool } from '../db/pool';
import { migrate } from '../db/migrate';
import { seedDemo } from '../db/seed';
import { ChaosClient, driveAll, type CaseRecord } from './chaos/clients';
import { PostgresProcess, TemporalProcess, WorkerProcess } from './chaos/services';
import { converge, failures, selfTest, type Verdict } from './chaos/verify';
import { freePort } from './stack';
import { findTemporalCli } from './temporal-cli';

type Fault = 'worker' | 'temporal' | 'postgres';

const { values: flags } = parseArgs({
  options: {
    cases: { type: 'string', default: '2000' },
    minutes: { type: 'string', default: '10' },
    every: { type: 'string', default: '20' },
    faults: { type: 'string', default: 'worker,temporal,postgres' },
    rounds: { type: 'string', default: '0' },
    concurrency: { type: 'string', default: '16' },
    rate: { type: 'string', default: '0' },
    'settle-seconds': { type: 'string', default: '180' },
    keep: { type: 'boolean', default: false },
  },
});

const started = Date.now();
const log = (line: string) =>
  console.log(`[chaos ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Running {
  dir: string;
  pg: PostgresProcess;
  temporal: TemporalProcess;
  worker: WorkerProcess;
  pool: ReturnType<typeof createPool>;
  client?: Client;
  connection?: Connection;
  app?: FastifyInstance;
}

/** Postgres and Temporal as processes of their own, the worker as `npm run worker` runs it, the API in this process. */
async function startAll(dir: string, cli: string): Promise<Running & { origin: string; client: Client }> {
  const logs = (name: string) => path.join(dir, `${name}.log`);
  const pg = new PostgresProcess(dir, await freePort(), logs('postgres'));
  const temporal = new TemporalProcess(cli, path.join(dir, 'temporal.sqlite'), await freePort(), logs('temporal'));
  const taskQueue = 'red-steward-chaos';
  const worker = new WorkerProcess(
    {
      DATABASE_URL: pg.url,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      START_TIMEOUT_MS: '30000',
    },
    logs('worker'),
  );
  const r: Running = { dir, pg, temporal, worker, pool: createPool(pg.url, { applicationName: 'red-steward-chaos' }) };
  running = r;
  log(`servers under ${dir}`);
  await pg.start();
  await temporal.start();
  await migrate(r.pool);
  await seedDemo(r.pool);
  worker.start();
  r.connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection: r.connection });
  r.client = client;
  // Chaos files hundreds of cases from the demo accounts: the per-account intake quotas are raised for it.
  const config = configSchema.parse({
    NODE_ENV: 'test',
    DATA_DIR: dir,
    LOG_LEVEL: 'silent',
    JWT_SECRET: 'chaos-secret-0123456789abcdef',
    INTAKE_QUOTA_RESIDENT_PER_DAY: '10000000',
    INTAKE_QUOTA_STAFF_PER_DAY: '10000000',
    // Its clients sign in once for a run that may last longer than an access token.
    ACCESS_TOKEN_TTL_SECONDS: '86400',
  });
  r.app = await buildApp({
    config,
    pool: r.pool,
    temporal: client,
    taskQueue,
    logger: false,
    rateLimit: false,
    underPressure: false,
  });
  await r.app.listen({ port: 0, host: '127.0.0.1' });
  return { ...r, client, origin: `http://127.0.0.1:${(r.app.server.address() as { port: number }).port}` };
}

let running: Running | undefined;

async function stopAll(r: Running | undefined): Promise<void> {
  if (!r) return;
  await r.app?.close().catch(() => {});
  await r.connection?.close().catch(() => {});
  await r.worker.stop().catch(() => {});
  await r.pool.end().catch(() => {});
  await r.temporal.stop().catch(() => {});
  await r.pg.stop().catch(() => {});
  if (!flags.keep) fs.rmSync(r.dir, { recursive: true, force: true });
}

/**
 * Faults every --every seconds, cycling through the kinds, and at the latest when the cases started pass each of
 * evenly spaced marks (a quarter, a half, three quarters for three kinds): on a fast machine the clients may finish
 * before the timer has cycled once, and every kind must still have struck while cases were in flight. With --rounds
 * the whole schedule runs on the timer alone, even if the clients finish first.
 */
async function runFaults(
  r: Running,
  faults: Fault[],
  done: Promise<unknown>,
  isDone: () => boolean,
  progress: () => number,
): Promise<Record<Fault, number>> {
  const rounds = Number(flags.rounds);
  const counts: Record<Fault, number> = { worker: 0, temporal: 0, postgres: 0 };
  const marks = rounds > 0 ? [] : faults.map((_, j) => (j + 1) / (faults.length + 1));
  let mark = 0;
  const passed = async (at: number) => {
    while (progress() < at) await sleep(250);
  };
  for (let k = 0; rounds > 0 ? k < rounds * faults.length : !isDone(); k++) {
    await Promise.race([
      sleep(Number(flags.every) * 1000),
      rounds > 0 ? new Promise(() => {}) : done,
      ...(mark < marks.length ? [passed(marks[mark])] : []),
    ]);
    if (rounds === 0 && isDone()) break;
    const fault = faults[k % faults.length];
    log(`fault ${k + 1}: ${fault} (${Math.round(progress() * 100)} % of cases started)`);
    await inject(fault, r);
    counts[fault]++;
    mark++;
    while (mark < marks.length && progress() >= marks[mark]) mark++;
  }
  return counts;
}

async function main(): Promise<number> {
  const faults = flags.faults.split(',').filter(Boolean) as Fault[];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rs-chaos-'));
  fs.chmodSync(dir, 0o755); // the embedded server runs as the `postgres` user when we are root
  const cli = findTemporalCli(() => {}).path;
  if (!cli)
    throw new Error(
      'chaos needs a temporal CLI binary it can restart (TEMPORAL_CLI_PATH, PATH or .temporal/bin): run `npm run temporal:path` once',
    );
  try {
    const r = await startAll(dir, cli);
    const runId = randomUUID().slice(0, 8);
    const stopStartingAt = started + Number(flags.minutes) * 60_000;
    const chaos = new ChaosClient(r.origin, runId, stopStartingAt + 5 * 60_000);
    await chaos.signIn('resident3');
    await chaos.signIn('handler2');
    const records: CaseRecord[] = Array.from({ length: Number(flags.cases) }, (_, index) => ({
      index,
      intakeKey: `chaos-${runId}-${index}`,
      plan: [0, 1, 2, 3, 3, 3][index % 6],
      started: false,
      caseId: null,
      accepted: [],
      uncertain: null,
      rejected: null,
    }));
    log(
      `driving ${records.length} cases (concurrency ${flags.concurrency}${Number(flags.rate) > 0 ? `, ${flags.rate}/s` : ''}); faults every ${flags.every} s: ${faults.join(', ')}`,
    );
    let clientsDone = false;
    const done = driveAll(chaos, records, {
      concurrency: Number(flags.concurrency),
      rate: Number(flags.rate),
      stopStartingAt,
    }).finally(() => (clientsDone = true));
    const counts = await runFaults(
      r,
      faults,
      done,
      () => clientsDone,
      () => records.filter((rec) => rec.started).length / records.length,
    );
    const startedCases = await done;
    log(
      `clients done: ${startedCases} cases started, ${chaos.stats.requests} requests, ${chaos.stats.retries} retries`,
    );

    const verdict = await converge(
      r.pool,
      r.client,
      records.filter((rec) => rec.started),
      Number(flags['settle-seconds']) * 1000,
      log,
    );
    report(verdict, records, counts, chaos.stats.retries, r.worker.selfExits);
    const checkerWorks = await selfTest(r.pool, r.client, records);
    console.log(`chaos: checker self-test ${checkerWorks.message}`);
    // A kind of fault that never struck proves nothing about it: such a run fails rather than reads as a pass.
    const unstruck = faults.filter((f) => counts[f] === 0);
    if (unstruck.length > 0)
      console.log(
        `chaos: FAILED to inject ${unstruck.join(', ')} while cases were in flight (the clients finished or stopped starting first)`,
      );
    return failures(verdict) === 0 && checkerWorks.ok && unstruck.length === 0 ? 0 : 1;
  } finally {
    await stopAll(running);
  }
}

async function inject(fault: Fault, s: Running): Promise<void> {
  if (fault === 'worker') return s.worker.crash();
  if (fault === 'temporal') {
    await s.temporal.crash();
    await sleep(1_000);
    return s.temporal.start();
  }
  await s.pg.crash();
  await sleep(1_000);
  await s.pg.start();
}

function report(
  v: Verdict,
  records: CaseRecord[],
  counts: Record<Fault, number>,
  retries: number,
  selfExits: string[],
): void {
  for (const line of selfExits) console.log(`  worker exited by itself (restarted): ${line}`);
  for (const [what, list] of Object.entries({
    lost: v.lost,
    duplicated: v.duplicated,
    'timeline errors': v.timelines,
    'wrong states': v.states,
    'unexpected answers': v.rejected,
  })) {
    for (const line of list.slice(0, 20)) console.log(`  ${what}: ${line}`);
    if (list.length > 20) console.log(`  … and ${list.length - 20} more ${what}`);
  }
  const closed = records.filter((r) => r.accepted.includes('evaluate')).length;
  const uncertain = records.filter((r) => r.uncertain).length;
  console.log(
    `chaos: ${v.accepted} cases accepted (${closed} closed), ${uncertain} steps unanswered; faults: ${counts.worker} worker SIGKILLs, ${counts.temporal} Temporal restarts, ` +
      `${counts.postgres} Postgres crash-restarts (${selfExits.length} worker self-exits); ${retries} retries; lost ${v.lost.length}, duplicated ${v.duplicated.length}, ` +
      `timeline errors ${v.timelines.length}, wrong states ${v.states.length}, unexpected answers ${v.rejected.length} — ${failures(v) === 0 ? 'OK' : 'FAILED'}`,
  );
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
