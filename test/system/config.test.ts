// Bad configuration stops start-up with one clear line naming the variable, never a stack trace.
import { ConfigError, loadConfig } from '../../config';
import { freePortFor } from '../helpers/ports';
import { runScript } from '../helpers/processes';

async function failsWith(script: string, env: Record<string, string>): Promise<string> {
  const child = runScript(script, { START_TIMEOUT_MS: '3000', ...env });
  const code = await child.exited;
  expect(code).toBe(1);
  const lines = child.output().trim().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0];
}

describe('loadConfig', () => {
  test('defaults give a working development configuration', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ PORT: 3000, TEMPORAL_NAMESPACE: 'default', TEMPORAL_TASK_QUEUE: 'red-steward', NODE_ENV: 'development' });
  });
  test('a malformed DATABASE_URL is named with what is wrong', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(new ConfigError('Invalid configuration: DATABASE_URL: must be a postgres:// or postgresql:// URL with a host, e.g. postgres://user:pass@localhost:5432/redsteward'));
  });
  test('a non-numeric PORT is named', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT: /);
  });
  test('production requires JWT_SECRET, DATABASE_URL and TEMPORAL_ADDRESS', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET: is required in production.*DATABASE_URL: is required in production.*TEMPORAL_ADDRESS: is required in production/);
  });
  test("WORKER_MAX_CACHED_WORKFLOWS: unset leaves the SDK's default; a whole number of workflows, or a line naming it", () => {
    expect(loadConfig({}).WORKER_MAX_CACHED_WORKFLOWS).toBeUndefined();
    expect(loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: '500' }).WORKER_MAX_CACHED_WORKFLOWS).toBe(500);
    expect(loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: '0' }).WORKER_MAX_CACHED_WORKFLOWS).toBe(0);
    for (const bad of ['-1', '2.5', 'lots']) expect(() => loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: bad })).toThrow(/^Invalid configuration: WORKER_MAX_CACHED_WORKFLOWS: /);
  });
  test('an empty variable counts as unset', () => {
    expect(loadConfig({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });
});

describe('start-up with bad configuration', () => {
  test('a malformed DATABASE_URL stops npm start with one line naming it', async () => {
    expect(await failsWith('scripts/start.ts', { DATABASE_URL: 'not a url' })).toMatch(/^Invalid configuration: DATABASE_URL: must be a postgres/);
  });

  test('an unreachable Temporal address stops the API with one line naming TEMPORAL_ADDRESS', async () => {
    const [closed] = await freePortFor(1);
    const line = await failsWith('api/server.ts', { DATABASE_URL: process.env.RS_TEST_ADMIN_DATABASE_URL!, TEMPORAL_ADDRESS: `127.0.0.1:${closed}` });
    expect(line).toMatch(new RegExp(`^TEMPORAL_ADDRESS: cannot reach Temporal at 127.0.0.1:${closed}`));
  });

  test('an unreachable PostgreSQL stops the worker with one line naming DATABASE_URL', async () => {
    const [closed] = await freePortFor(1);
    const line = await failsWith('worker/main.ts', { DATABASE_URL: `postgres://x:y@127.0.0.1:${closed}/db`, TEMPORAL_ADDRESS: process.env.RS_TEST_TEMPORAL_ADDRESS! });
    expect(line).toMatch(new RegExp(`^DATABASE_URL: cannot reach PostgreSQL at 127.0.0.1:${closed}`));
  });

  test('production without JWT_SECRET refuses to start', async () => {
    const line = await failsWith('api/server.ts', { NODE_ENV: 'production', DATABASE_URL: 'postgres://a:b@localhost/db', TEMPORAL_ADDRESS: 'localhost:7233' });
    expect(line).toBe('Invalid configuration: JWT_SECRET: is required in production');
  });
});
