// The app's own processes in the production shape: one-shot jobs (migrate, seed) and API processes, each a node
// process of its own, as `npm run migrate` / `npm run api` run them, logging to a file and stopped only by its pid.
// Workers are scripts/chaos/services.ts's WorkerProcess, which a run may SIGKILL and restart.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

export const ROOT = path.resolve(__dirname, '..', '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** node's arguments for an entry point: the compiled JavaScript under dist/ where asked for, else TypeScript through tsx. */
export function entry(name: 'api/server' | 'worker/main', compiled: boolean): string[] {
  return compiled ? [path.join(ROOT, 'dist', `${name}.js`)] : ['--import', 'tsx', path.join(ROOT, `${name}.ts`)];
}

/**
 * A one-shot job run to its end, failing with its output: the migrations (compiled, `node dist/db/run-migrations.js`
 * as the compose file's migrate job runs them, or `npm run migrate`) and `npm run seed` (development data).
 */
export async function runJob(job: 'migrate' | 'seed', env: Record<string, string>, compiled: boolean): Promise<string> {
  const [cmd, args] =
    job === 'migrate' && compiled
      ? [process.execPath, [path.join(ROOT, 'dist', 'db', 'run-migrations.js')]]
      : ['npm', ['run', '--silent', job]];
  const { stdout } = await promisify(execFile)(cmd, args, { cwd: ROOT, env: { ...process.env, ...env } }).catch(
    (err: Error & { stdout?: string; stderr?: string }) => {
      throw new Error(`${job} failed: ${err.stderr || err.stdout || err.message}`);
    },
  );
  return stdout.trim();
}

export class ApiProcess {
  private child: ChildProcess | null = null;
  readonly origin: string;
  constructor(
    private readonly env: Record<string, string>,
    private readonly logFile: string,
    private readonly args: string[],
  ) {
    this.origin = `http://127.0.0.1:${env.PORT}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts it and waits until /readyz answers 200 (it reaches PostgreSQL and Temporal). */
  async start(timeoutMs = 60_000): Promise<void> {
    const out = fs.openSync(this.logFile, 'a');
    const child = spawn(process.execPath, this.args, {
      cwd: ROOT,
      env: { ...process.env, ...this.env },
      stdio: ['ignore', out, out],
    });
    fs.closeSync(out);
    this.child = child;
    const until = Date.now() + timeoutMs;
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`API exited with ${child.exitCode}: ${fs.readFileSync(this.logFile, 'utf8').slice(-2000)}`);
      const ready = await fetch(`${this.origin}/readyz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ready) return;
      if (Date.now() > until) throw new Error(`API not ready within ${timeoutMs} ms; see ${this.logFile}`);
      await sleep(300);
    }
  }

  /** SIGTERM (stop accepting, finish in flight), SIGKILL after 15 s: the exit code, or null when it had to be killed. */
  async stop(): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
    const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    if (await Promise.race([done.then(() => true), sleep(15_000).then(() => false)])) return child.exitCode;
    child.kill('SIGKILL');
    await done;
    return null;
  }
}
