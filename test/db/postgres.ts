// A real PostgreSQL for tests: the server named by DATABASE_URL (or started by the global setup) if there is
// one, else an embedded one started for the calling test file. Each test file gets its own uniquely named
// database(s) and drops them when done.
import { spawn, type ChildProcess } from 'child_process';
import { randomBytes } from 'crypto';
import { createServer } from 'net';
import { tmpdir } from 'os';
import path from 'path';
import { Client } from 'pg';

export interface TestPostgres {
  /** Creates an empty database (or a copy of `template`) and returns its connection string. */
  createDatabase(prefix: string, options?: { template?: string }): Promise<string>;
  /** Drops the databases this handle created and stops the embedded server, if any. */
  stop(): Promise<void>;
}

const SERVER_SCRIPT = path.join(__dirname, 'embedded-postgres-server.mjs');
const START_TIMEOUT_MS = 60_000;

export async function startTestPostgres(): Promise<TestPostgres> {
  // RS_TEST_ADMIN_DATABASE_URL is the server test/global-setup.ts started for the whole run, when there is one.
  const external = process.env.DATABASE_URL ?? process.env.RS_TEST_ADMIN_DATABASE_URL;
  if (external) return handle(external, null);
  const port = await freePort();
  const dataDir = path.join(tmpdir(), `red-steward-pg-${randomBytes(6).toString('hex')}`);
  const child = spawn(process.execPath, [SERVER_SCRIPT, dataDir, String(port)], { stdio: ['pipe', 'pipe', 'pipe'] });
  const url = await waitForUrl(child);
  return handle(url, child);
}

function handle(serverUrl: string, child: ChildProcess | null): TestPostgres {
  const created: string[] = [];
  const admin = async <T>(fn: (client: Client) => Promise<T>): Promise<T> => {
    const client = new Client({ connectionString: withDatabase(serverUrl, 'postgres') });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };
  return {
    async createDatabase(prefix, options = {}) {
      const name = `${prefix}_${randomBytes(4).toString('hex')}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
      const template = options.template ? ` TEMPLATE "${new URL(options.template).pathname.slice(1)}"` : '';
      await admin((client) => client.query(`CREATE DATABASE "${name}"${template}`));
      created.push(name);
      return withDatabase(serverUrl, name);
    },
    async stop() {
      if (child) {
        await stopChild(child);
        return;
      }
      await admin(async (client) => {
        for (const name of created) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      });
    },
  };
}

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** A random port in 20000–40000 that nothing listens on right now. */
async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('No free port found for the embedded PostgreSQL');
}

function waitForUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    let settled = false;
    const timer = setTimeout(() => fail(new Error('embedded PostgreSQL did not start in time')), START_TIMEOUT_MS);
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGTERM');
      reject(new Error(`${err.message}\n${stderr}`));
    };
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (!line || settled) return;
      settled = true;
      clearTimeout(timer);
      resolve((JSON.parse(line) as { url: string }).url);
    });
    child.once('exit', (code) => fail(new Error(`embedded PostgreSQL exited with code ${code}`)));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    // Closing stdin asks the server script to stop Postgres and remove its data directory.
    child.stdin?.end();
  });
}
