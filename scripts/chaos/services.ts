// The processes a chaos run stops and starts under the system, each started here and stopped only by its pid:
// PostgreSQL (an immediate, crash-like stop: no checkpoint, WAL recovery on the next start), the Temporal dev
// server (SIGKILL; it restarts on the same SQLite file), and the worker (SIGKILL; `worker/main.ts`, restarted
// at once, and whenever it exits by itself).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { postgresDir } from '../stack';

const ROOT = path.resolve(__dirname, '..', '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function spawnLogged(cmd: string, args: string[], logFile: string, env: NodeJS.ProcessEnv = process.env): ChildProcess {
  const out = fs.openSync(logFile, 'a');
  const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  return child;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(200);
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export class PostgresProcess {
  private child: ChildProcess | null = null;
  readonly url: string;
  constructor(
    private readonly dir: string,
    private readonly port: number,
    private readonly logFile: string,
  ) {
    this.url = `postgres://postgres:postgres@127.0.0.1:${port}/redsteward`;
  }

  async start(): Promise<void> {
    const child = spawnLogged(
      process.execPath,
      ['--import', 'tsx', path.join(__dirname, 'postgres-server.ts'), this.dir, String(this.port)],
      this.logFile,
    );
    this.child = child;
    const logText = () => fs.readFileSync(this.logFile, 'utf8');
    const before = logText().length;
    await waitFor(
      'postgres start',
      () => {
        if (child.exitCode !== null)
          throw new Error(`postgres wrapper exited with ${child.exitCode}:\n${logText().slice(before)}`);
        return logText().slice(before).includes('"url"');
      },
      90_000,
    );
  }

  /** Immediate shutdown (SIGQUIT to the postmaster): what a crash leaves behind, recovered from WAL on start. */
  async crash(): Promise<void> {
    const pidFile = path.join(postgresDir(this.dir), 'postmaster.pid');
    const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
    if (pid > 0) {
      process.kill(pid, 'SIGQUIT');
      await waitFor('postmaster exit', () => !alive(pid), 30_000);
    }
    if (this.child) {
      this.child.kill('SIGKILL');
      await exited(this.child);
    }
  }

  async stop(): Promise<void> {
    if (!this.child) return;
    this.child.kill('SIGTERM');
    await exited(this.child);
  }
}

export class TemporalProcess {
  private child: ChildProcess | null = null;
  readonly address: string;
  constructor(
    private readonly cli: string,
    private readonly dbFile: string,
    port: number,
    private readonly logFile: string,
  ) {
    this.address = `127.0.0.1:${port}`;
  }

  async start(): Promise<void> {
    const [, port] = this.address.split(':');
    const args = [
      'server',
      'start-dev',
      '--headless',
      '--ip',
      '127.0.0.1',
      '--port',
      port,
      '--namespace',
      'default',
      '--db-filename',
      this.dbFile,
      '--log-level',
      'error',
      '--sqlite-pragma',
      'journal_mode=wal',
      '--sqlite-pragma',
      'synchronous=normal',
      '--dynamic-config-value',
      'frontend.enableUpdateWorkflowExecution=true',
      '--dynamic-config-value',
      'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true',
      ...SEARCH_ATTRIBUTES.flatMap((a) => [
        '--search-attribute',
        `${a.name}=${TypedSearchAttributes.toMetadataType(a.type)}`,
      ]),
    ];
    const child = spawnLogged(this.cli, args, this.logFile);
    this.child = child;
    await waitFor(
      'temporal start',
      async () => {
        if (child.exitCode !== null) throw new Error(`temporal exited with ${child.exitCode}; see ${this.logFile}`);
        try {
          const c = await Connection.connect({ address: this.address, connectTimeout: 1_000 });
          await c.workflowService.getSystemInfo({});
          await c.close();
          return true;
        } catch {
          return false;
        }
      },
      60_000,
    );
  }

  async crash(): Promise<void> {
    if (!this.child) return;
    this.child.kill('SIGKILL');
    await exited(this.child);
  }

  async stop(): Promise<void> {
    if (!this.child) return;
    this.child.kill('SIGTERM');
    const done = exited(this.child);
    if (await Promise.race([done.then(() => true), sleep(10_000).then(() => false)])) return;
    this.child.kill('SIGKILL');
    await done;
  }
}

/** The worker as production runs it; restarted after SIGKILL, and whenever it exits by itself. */
export class WorkerProcess {
  private child: ChildProcess | null = null;
  private stopping = false;
  /** Exits we did not cause (e.g. it could not reach a server that was down while it started), with the log's last line. */
  selfExits: string[] = [];
  /** `entry`: node's arguments; `npm run worker`'s by default, the compiled dist/worker/main.js where built. */
  constructor(
    private readonly env: Record<string, string>,
    private readonly logFile: string,
    private readonly entry: string[] = ['--import', 'tsx', path.join(ROOT, 'worker', 'main.ts')],
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    const child = spawnLogged(process.execPath, this.entry, this.logFile, {
      ...process.env,
      LOG_LEVEL: 'warn',
      ...this.env,
    });
    this.child = child;
    child.once('exit', (code) => {
      if (this.stopping || this.child !== child) return;
      const lines = fs
        .readFileSync(this.logFile, 'utf8')
        .trim()
        .split('\n')
        .filter((l) => !/^\s|^}|Worker state changed/.test(l));
      this.selfExits.push(`exit ${code}: ${(lines[lines.length - 1] ?? '').slice(0, 200)}`);
      setTimeout(() => {
        if (!this.stopping && this.child === child) this.start();
      }, 1_000);
    });
  }

  /** SIGKILL, then a new process `restartAfterMs` later (a supervisor's restart delay; meanwhile others do the work). */
  async crash(restartAfterMs = 0): Promise<void> {
    const child = this.child;
    this.child = null;
    if (child) {
      child.kill('SIGKILL');
      await exited(child);
    }
    if (restartAfterMs > 0) await sleep(restartAfterMs);
    if (!this.stopping) this.start();
  }

  /** SIGTERM (the worker drains), SIGKILL after 15 s: the exit code, or null when it had to be killed. */
  async stop(): Promise<number | null> {
    this.stopping = true;
    const child = this.child;
    if (!child) return null;
    child.kill('SIGTERM');
    const done = exited(child);
    if (await Promise.race([done.then(() => true), sleep(15_000).then(() => false)])) return child.exitCode;
    child.kill('SIGKILL');
    await done;
    return null;
  }
}
