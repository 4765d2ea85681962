// `npm run test:production [-- --cases 60 --ladder 4 --keep]`: Red Steward on the production shape, on this machine,
// running what `npm run build` compiled (`--compiled`: dist/api/server.js, dist/worker/main.js with the prebuilt
// workflow bundle, dist/db/run-migrations.js; without it, TypeScript through tsx). It obtains the Temporal server and temporal-sql-tool (binaries.ts), starts PostgreSQL, sets up
// Temporal's schemas, starts the server on deploy/temporal/config/production.yaml, creates the namespace and search
// attributes, migrates and seeds, starts two workers and two API processes, and drives cases through the loop over
// HTTP against both APIs (the escalation ladder included) while it SIGKILLs one worker and restarts the server.
// Then it checks that nothing accepted was lost or doubled (scripts/chaos/verify.ts, as `npm run chaos` does),
// prints one line per check and `N passed, N failed`, and exits non-zero on any failure.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { NAMESPACE, TEMPORAL_SERVER_VERSION } from '../../deploy/temporal/server';
import { createPool } from '../../db/pool';
import { ChaosClient, driveAll, type CaseRecord } from '../chaos/clients';
import { PostgresProcess, WorkerProcess } from '../chaos/services';
import { converge, failures, selfTest } from '../chaos/verify';
import { freePort } from '../stack';
import { ApiProcess, entry, ROOT, runJob } from './apps';
import { awaitLadder, fileLadderCases } from './ladder';
import { checkServer, workersPolling } from './server-checks';
import { startProductionServer } from './temporal-server';

const { values: flags } = parseArgs({
  options: {
    cases: { type: 'string', default: '60' },
    ladder: { type: 'string', default: '4' },
    keep: { type: 'boolean', default: false },
    compiled: { type: 'boolean', default: false },
  },
});

const started = Date.now();
const log = (line: string) =>
  console.log(`[production ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const results: { name: string; ok: boolean }[] = [];
function check(name: string, ok: boolean, detail = ''): boolean {
  results.push({ name, ok });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''}`);
  return ok;
}

/** Everything started, in start order: stopped in reverse, each by its own pid. */
const stops: (() => Promise<unknown>)[] = [];

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rs-production-'));

async function main(): Promise<void> {
  fs.chmodSync(dir, 0o755); // the embedded server runs as the `postgres` user when we are root
  if (
    flags.compiled &&
    !['api/server.js', 'worker/main.js', 'db/run-migrations.js', 'workflow-bundle.js'].every((f) =>
      fs.existsSync(path.join(ROOT, 'dist', f)),
    )
  ) {
    throw new Error('--compiled runs dist/: `npm run build` first (npm run test:production does)');
  }
  const logs = (name: string) => path.join(dir, `${name}.log`);
  log(`logs under ${dir}`);
  const pg = new PostgresProcess(dir, await freePort(), logs('postgres'));
  await pg.start();
  stops.push(() => pg.stop());
  const pgPort = Number(new URL(pg.url).port);
  const temporal = await startProductionServer(
    { host: '127.0.0.1', port: pgPort, user: 'postgres', password: 'postgres' },
    dir,
    log,
  );
  stops.push(() => temporal.stop());
  check(
    `Temporal server ${TEMPORAL_SERVER_VERSION} and temporal-sql-tool obtained`,
    true,
    `route: ${temporal.bins.route}, ${temporal.bins.dir}`,
  );
  const connection = await Connection.connect({ address: temporal.address });
  stops.push(() => connection.close());
  const client = new Client({ connection, namespace: NAMESPACE.name });
  for (const [name, ok, detail] of await checkServer(client, pgPort, temporal.bins, () =>
    temporal.setupSchemas(() => {}),
  ))
    check(name, ok, detail);

  log(`migrate: ${await runJob('migrate', { DATABASE_URL: pg.url }, flags.compiled)}`);
  log(`seed: ${await runJob('seed', { DATABASE_URL: pg.url }, flags.compiled)}`);
  const pool = createPool(pg.url, { applicationName: 'red-steward-production-run' });
  stops.push(() => pool.end());

  // NODE_ENV=test: production refuses the console SMS sink, and this run has no SMS provider to send through.
  const appEnv = {
    NODE_ENV: 'test',
    DATABASE_URL: pg.url,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: NAMESPACE.name,
    DATA_DIR: dir,
    START_TIMEOUT_MS: '30000',
    LOG_LEVEL: 'warn',
  };
  const workers = [1, 2].map(
    (n) => new WorkerProcess(appEnv, logs(`worker-${n}`), entry('worker/main', flags.compiled)),
  );
  for (const w of workers) {
    w.start();
    stops.push(() => w.stop());
  }
  const polling = await workersPolling(
    client,
    workers.map((w) => w.pid!),
    60_000,
  );
  check(
    'two workers poll the task queue',
    polling.ok,
    `pids ${workers.map((w) => w.pid).join(', ')}${flags.compiled ? ', dist/worker/main.js' : ''}; ${polling.detail}`,
  );

  // The clients sign in once for the whole run, and file many cases from two demo accounts: limits raised for it.
  const apiEnv = {
    ...appEnv,
    JWT_SECRET: `production-run-${randomUUID()}`,
    ACCESS_TOKEN_TTL_SECONDS: '86400',
    INTAKE_QUOTA_RESIDENT_PER_DAY: '1000000',
    INTAKE_QUOTA_STAFF_PER_DAY: '1000000',
    RATE_LIMIT_GLOBAL_PER_MINUTE: '1000000',
    RATE_LIMIT_SIGN_IN_PER_MINUTE: '1000',
    RATE_LIMIT_INTAKE_PER_MINUTE: '1000000',
    SEED_DEMO: 'false',
  };
  const apis: ApiProcess[] = [];
  for (const n of [1, 2]) {
    const api = new ApiProcess(
      { ...apiEnv, PORT: String(await freePort()), METRICS_PORT: String(await freePort()) },
      logs(`api-${n}`),
      entry('api/server', flags.compiled),
    );
    await api.start();
    stops.push(() => api.stop());
    apis.push(api);
  }
  check(
    'two API processes answer /readyz',
    true,
    `${apis.map((a) => `pid ${a.pid} on ${a.origin}`).join(', ')}${flags.compiled ? ', dist/api/server.js' : ''}`,
  );

  const runId = randomUUID().slice(0, 8);
  const http = new ChaosClient(
    apis.map((a) => a.origin),
    runId,
    Date.now() + 10 * 60_000,
  );
  for (const user of ['resident1', 'resident3', 'handler2']) await http.signIn(user);
  const ladder = await fileLadderCases(http, runId, Number(flags.ladder));
  log(`filed ${ladder.length} demo-fast cases nobody will answer (the escalation ladder)`);
  const records: CaseRecord[] = Array.from({ length: Number(flags.cases) }, (_, index) => ({
    index,
    intakeKey: `production-${runId}-${index}`,
    plan: [0, 1, 2, 3, 3, 3][index % 6],
    started: false,
    caseId: null,
    accepted: [],
    uncertain: null,
    rejected: null,
  }));
  log(`driving ${records.length} lakeview cases through the loop, requests alternating between the two APIs`);
  let done = false;
  const driving = driveAll(http, records, {
    concurrency: 4,
    rate: 2,
    stopStartingAt: Date.now() + 10 * 60_000,
  }).finally(() => (done = true));
  const progress = () => records.filter((r) => r.started).length / records.length;
  const inFlight = async (at: number) => {
    while (progress() < at && !done) await sleep(200);
    return !done;
  };

  const killedPid = workers[0].pid;
  const workerInFlight = await inFlight(1 / 3);
  log(
    `SIGKILL worker 1 (pid ${killedPid}) with ${Math.round(progress() * 100)} % of cases started; restarted 5 s later`,
  );
  await workers[0].crash(5_000);
  check(
    'one worker SIGKILLed mid-run (restarted 5 s later)',
    workerInFlight && workers[0].pid !== killedPid,
    `pid ${killedPid} killed, pid ${workers[0].pid} started`,
  );

  const serverInFlight = await inFlight(2 / 3);
  const oldPid = temporal.pid;
  const t0 = Date.now();
  await temporal.crash();
  await sleep(1_000);
  await temporal.start();
  log(
    `Temporal server restarted: pid ${oldPid} SIGKILLed, pid ${temporal.pid} serving after ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
  check(
    'the Temporal server restarted mid-run',
    serverInFlight,
    `pid ${oldPid} → ${temporal.pid}, ${Math.round(progress() * 100)} % of cases started`,
  );

  await driving;
  log(`clients done: ${http.stats.requests} requests, ${http.stats.retries} retries`);
  const v = await converge(
    pool,
    client,
    records.filter((r) => r.started),
    180_000,
    log,
  );
  const closed = records.filter((r) => r.accepted.includes('evaluate')).length;
  check(
    'every case was filed and answered',
    v.accepted === records.length && records.every((r) => r.started),
    `${v.accepted} of ${records.length} accepted, ${closed} closed, ${records.filter((r) => r.uncertain).length} steps left uncertain`,
  );
  const findings = {
    lost: v.lost,
    duplicated: v.duplicated,
    'timeline errors': v.timelines,
    'wrong states': v.states,
    'unexpected answers': v.rejected,
  };
  for (const [what, list] of Object.entries(findings))
    check(`${what}: none`, list.length === 0, list.slice(0, 5).join('; '));
  const ladderProblems = await awaitLadder(pool, client, http, ladder, 180_000, log);
  check(
    'the escalation ladder: every unanswered case climbed each rung once, to the top',
    ladderProblems.length === 0,
    ladderProblems.slice(0, 5).join('; ') || `${ladder.length} cases, each escalated, reported and forwarded`,
  );
  const self = await selfTest(pool, client, records);
  check('the checker flags the faults it plants', self.ok, self.message);
  if (failures(v) > 0) log(`findings: ${JSON.stringify(findings).slice(0, 2000)}`);

  const codes = [
    ...(await Promise.all(apis.map((a) => a.stop()))),
    ...(await Promise.all(workers.map((w) => w.stop()))),
  ];
  check(
    'the APIs and workers stop on SIGTERM with exit code 0',
    codes.every((c) => c === 0),
    `exit codes ${codes.join(', ')}`,
  );
}

async function stopAll(): Promise<void> {
  for (const stop of stops.reverse()) await stop().catch((err: Error) => log(`stop: ${err.message}`));
}

main()
  .catch((err: Error) => check('the run completed', false, err.stack ?? err.message))
  .finally(async () => {
    await stopAll();
    const failed = results.filter((r) => !r.ok).length;
    // A failed run keeps its logs (PostgreSQL's, the server's, each worker's and API's) for reading.
    if (failed === 0 && !flags.keep) fs.rmSync(dir, { recursive: true, force: true });
    else log(`logs kept in ${dir}`);
    console.log(`${results.length - failed} passed, ${failed} failed`);
    process.exit(failed === 0 ? 0 : 1);
  });

process.once('SIGINT', () => void stopAll().finally(() => process.exit(130)));
