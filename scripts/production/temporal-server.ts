// The production-shape Temporal server as a process of its own: its schemas set up in PostgreSQL with
// temporal-sql-tool, the server started on deploy/temporal/config/production.yaml, the namespace and search
// attributes created with the `temporal` CLI — the steps deploy/temporal/server.ts lists, which the compose file's
// setup job runs too. Started, killed and restarted here, and stopped only by its own pid.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import {
  MAX_MEMBERSHIP_PORT,
  NAMESPACE,
  namespaceCommands,
  SCHEMA_STEPS,
  SERVER_ENV,
  SQL_PLUGIN,
} from '../../deploy/temporal/server';
import { findTemporalCli } from '../temporal-cli';
import { obtainServerBinaries, type ServerBinaries } from './binaries';
import { namespaceUsable } from './server-checks';

const ROOT = path.resolve(__dirname, '..', '..');
const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface PostgresLogin {
  host: string;
  port: number;
  user: string;
  password: string;
}

const PORT_NAMES = [
  'FRONTEND_GRPC_PORT',
  'FRONTEND_HTTP_PORT',
  'HISTORY_GRPC_PORT',
  'MATCHING_GRPC_PORT',
  'WORKER_GRPC_PORT',
  'FRONTEND_MEMBERSHIP_PORT',
  'HISTORY_MEMBERSHIP_PORT',
  'MATCHING_MEMBERSHIP_PORT',
  'WORKER_MEMBERSHIP_PORT',
  'PROMETHEUS_PORT',
] as const;
export type ServerPorts = Record<(typeof PORT_NAMES)[number], number>;

const bindable = (port: number) =>
  new Promise<boolean>((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });

/**
 * Free ports at or below 32767 (cluster_membership.rpc_port is a SMALLINT; the kernel's ephemeral range, which an
 * OS-chosen free port comes from, starts above it), all of them so that the restarted server gets the same ones.
 */
export async function serverPorts(): Promise<ServerPorts> {
  const ports: number[] = [];
  while (ports.length < PORT_NAMES.length) {
    const candidate = 20_000 + Math.floor(Math.random() * (MAX_MEMBERSHIP_PORT - 20_000));
    if (!ports.includes(candidate) && (await bindable(candidate))) ports.push(candidate);
  }
  return Object.fromEntries(PORT_NAMES.map((name, i) => [name, ports[i]])) as ServerPorts;
}

export class ProductionTemporal {
  private child: ChildProcess | null = null;
  readonly address: string;
  readonly metricsUrl: string;
  constructor(
    readonly bins: ServerBinaries,
    private readonly pg: PostgresLogin,
    private readonly ports: ServerPorts,
    private readonly logFile: string,
  ) {
    this.address = `127.0.0.1:${ports.FRONTEND_GRPC_PORT}`;
    this.metricsUrl = `http://127.0.0.1:${ports.PROMETHEUS_PORT}/metrics`;
  }

  /** The variables deploy/temporal/config/production.yaml reads: the shape's fixed values, this run's login and ports. */
  env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      ...SERVER_ENV,
      POSTGRES_SEEDS: this.pg.host,
      DB_PORT: String(this.pg.port),
      POSTGRES_USER: this.pg.user,
      POSTGRES_PWD: this.pg.password,
      // Four services share one small PostgreSQL with the app: fewer connections each than the image's 20 and 10.
      SQL_MAX_CONNS: '10',
      SQL_VIS_MAX_CONNS: '5',
      BIND_ON_IP: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DYNAMIC_CONFIG_FILE_PATH: path.join(ROOT, 'deploy', 'temporal', 'dynamicconfig', 'production.yaml'),
      ...Object.fromEntries(Object.entries(this.ports).map(([k, v]) => [k, String(v)])),
    };
  }

  /** temporal-sql-tool's steps for both databases; each is idempotent, so a second run changes nothing. */
  async setupSchemas(log: (line: string) => void): Promise<void> {
    const login = [
      '--plugin',
      SQL_PLUGIN,
      '--ep',
      this.pg.host,
      '-p',
      String(this.pg.port),
      '-u',
      this.pg.user,
      '--pw',
      this.pg.password,
    ];
    for (const step of SCHEMA_STEPS) {
      for (const command of step.commands) {
        await run(this.bins.sqlTool, [...login, ...command], { cwd: ROOT }).catch(
          (err: Error & { stderr?: string }) => {
            throw new Error(
              `temporal-sql-tool ${command.join(' ')}: ${err.stderr?.trim().split('\n').pop() ?? err.message}`,
            );
          },
        );
      }
      log(`schema ${step.database}: created and updated to the newest version (${step.schemaName})`);
    }
  }

  async start(): Promise<void> {
    const out = fs.openSync(this.logFile, 'a');
    const args = [
      '--root',
      ROOT,
      '--config',
      path.join('deploy', 'temporal', 'config'),
      '--env',
      'production',
      'start',
    ];
    const child = spawn(this.bins.server, args, { cwd: ROOT, env: this.env(), stdio: ['ignore', out, out] });
    fs.closeSync(out);
    this.child = child;
    const until = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`temporal server exited with ${child.exitCode}; see ${this.logFile}`);
      if (await this.answers()) return;
      if (Date.now() > until) throw new Error(`temporal server did not answer within 60 s; see ${this.logFile}`);
      await sleep(200);
    }
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  private async answers(): Promise<boolean> {
    try {
      const c = await Connection.connect({ address: this.address, connectTimeout: 1_000 });
      try {
        await c.workflowService.getSystemInfo({});
        return true;
      } finally {
        await c.close();
      }
    } catch {
      return false;
    }
  }

  /** The namespace, then each search attribute; "already exists" counts as done, anything else is retried a while. */
  async createNamespace(cli: string, log: (line: string) => void): Promise<void> {
    const { namespace, searchAttributes } = namespaceCommands();
    for (const command of [namespace, ...searchAttributes]) {
      const until = Date.now() + 60_000;
      for (;;) {
        const r = await run(cli, [...command, '--address', this.address]).then(
          () => null,
          (err: Error & { stderr?: string }) => err.stderr || err.message,
        );
        if (r === null || /already exists|already registered/i.test(r)) break;
        // A namespace just created reaches the frontend's namespace cache some seconds later.
        if (Date.now() > until) throw new Error(`temporal ${command.slice(0, 3).join(' ')}: ${r.trim()}`);
        await sleep(1_000);
      }
    }
    log(`namespace ${command(namespace)} and ${searchAttributes.length} search attributes created`);
  }

  async crash(): Promise<void> {
    if (!this.child) return;
    const child = this.child;
    child.kill('SIGKILL');
    await exited(child);
  }

  async stop(): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
    child.kill('SIGTERM');
    if (await Promise.race([exited(child).then(() => true), sleep(20_000).then(() => false)])) return child.exitCode;
    child.kill('SIGKILL');
    await exited(child);
    return null;
  }
}

const command = (args: string[]) => args[args.indexOf('--namespace') + 1];

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * The production-shape server on a PostgreSQL the caller runs, ready for workers: binaries obtained, schemas set up,
 * the server started, the namespace and search attributes created and usable. Used by this run and by
 * `npm run bench -- --production`.
 */
export async function startProductionServer(
  pg: PostgresLogin,
  dir: string,
  log: (line: string) => void,
): Promise<ProductionTemporal> {
  const bins = obtainServerBinaries(log);
  const cli = findTemporalCli(log).path;
  if (!cli) throw new Error('the namespace is created with the temporal CLI: run `npm run temporal:path` once');
  const server = new ProductionTemporal(bins, pg, await serverPorts(), path.join(dir, 'temporal.log'));
  await server.setupSchemas(log);
  await server.start();
  try {
    await server.createNamespace(cli, log);
    const connection = await Connection.connect({ address: server.address });
    const problem = await namespaceUsable(new Client({ connection, namespace: NAMESPACE.name }), 60_000).finally(() =>
      connection.close(),
    );
    if (problem) throw new Error(`namespace ${NAMESPACE.name} not usable: ${problem}`);
  } catch (err) {
    await server.stop();
    throw err;
  }
  log(
    `temporal server ${bins.server} pid ${server.pid} on ${server.address} (deploy/temporal/config/production.yaml), logging to ${path.join(dir, 'temporal.log')}`,
  );
  return server;
}
