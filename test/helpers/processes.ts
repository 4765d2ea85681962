// Starting the real entry points as child processes, the way a user runs them, and stopping exactly those.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePortFor } from './ports';

export const ROOT = path.resolve(__dirname, '..', '..');

export interface Child {
  proc: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * `group`: the script leads a process group of its own, with everything it starts, as a command typed in a terminal
 * does; `stop` then signals the whole group, as the terminal's Ctrl-C does.
 */
export function runScript(
  script: string,
  env: Record<string, string>,
  args: string[] = [],
  opts: { group?: boolean } = {},
): Child {
  // `node --import tsx` rather than the tsx CLI: the CLI runs the script in a child process, so a SIGKILL sent to
  // it would leave the real process running.
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, script), ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: opts.group === true,
  });
  let out = '';
  proc.stdout?.on('data', (d) => (out += d));
  proc.stderr?.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return {
    proc,
    output: () => out,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGINT') {
      if (proc.exitCode === null && proc.signalCode === null) {
        if (opts.group === true && proc.pid !== undefined) process.kill(-proc.pid, signal);
        else proc.kill(signal);
      }
      return exited;
    },
  };
}

export async function waitForReady(url: string, child: Child, timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.proc.exitCode !== null) throw new Error(`process exited early:\n${child.output()}`);
    try {
      const res = await fetch(url);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`not ready within ${timeoutMs} ms:\n${child.output()}`);
}

export interface OwnSystem {
  /** The environment for `scripts/start.ts`: its own data folder and ports, embedded servers (no configured ones). */
  env: Record<string, string>;
  port: number;
  pgPort: number;
  temporalPort: number;
  metricsPort: number;
  /** Removes the data folder. */
  remove(): void;
}

/** What one `npm start` of a test's own needs: a fresh data folder and free ports. */
export async function ownSystem(prefix: string): Promise<OwnSystem> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dataDir, 0o755); // the embedded server runs as the `postgres` user when we are root
  const [port, pgPort, temporalPort, uiPort, metricsPort] = await freePortFor(5);
  return {
    env: {
      DATA_DIR: dataDir,
      PORT: String(port),
      EMBEDDED_POSTGRES_PORT: String(pgPort),
      TEMPORAL_PORT: String(temporalPort),
      TEMPORAL_UI_PORT: String(uiPort),
      METRICS_PORT: String(metricsPort),
      DATABASE_URL: '',
      TEMPORAL_ADDRESS: '',
    },
    port,
    pgPort,
    temporalPort,
    metricsPort,
    remove: () => fs.rmSync(dataDir, { recursive: true, force: true }),
  };
}
