// Bad configuration stops start-up with one clear line naming the variable, never a stack trace.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, jwtSecret, listenHost, loadConfig, temporalTls } from '../../config';
import { SMS_KINDS } from '../../services/sms/texts';
import { freePortFor } from '../helpers/ports';
import { runScript } from '../helpers/processes';

// Production refuses the console SMS sink (test/sms/config.test.ts): these tests give it a provider.
const PRODUCTION_SMS = {
  SMS_PROVIDER: 'tencent',
  SMS_SIGN_NAME: '红色管家',
  SMS_TEMPLATES: JSON.stringify(Object.fromEntries(SMS_KINDS.map((k) => [k, '1100']))),
  TENCENT_SMS_SECRET_ID: 'AKID-operator',
  TENCENT_SMS_SECRET_KEY: 'operator-key',
  TENCENT_SMS_SDK_APP_ID: '1400006666',
};

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
    expect(c).toMatchObject({
      PORT: 3000,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: 'red-steward',
      NODE_ENV: 'development',
    });
  });
  test('a malformed DATABASE_URL is named with what is wrong', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(
      new ConfigError(
        'Invalid configuration: DATABASE_URL: must be a postgres:// or postgresql:// URL with a host, e.g. postgres://user:pass@localhost:5432/redsteward',
      ),
    );
  });
  test('a non-numeric PORT is named', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT: /);
  });
  test('production requires JWT_SECRET, DATABASE_URL and TEMPORAL_ADDRESS', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /JWT_SECRET: is required in production.*DATABASE_URL: is required in production.*TEMPORAL_ADDRESS: is required in production/,
    );
  });
  test("WORKER_MAX_CACHED_WORKFLOWS: unset leaves the SDK's default; a whole number of workflows, or a line naming it", () => {
    expect(loadConfig({}).WORKER_MAX_CACHED_WORKFLOWS).toBeUndefined();
    expect(loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: '500' }).WORKER_MAX_CACHED_WORKFLOWS).toBe(500);
    expect(loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: '0' }).WORKER_MAX_CACHED_WORKFLOWS).toBe(0);
    for (const bad of ['-1', '2.5', 'lots'])
      expect(() => loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: bad })).toThrow(
        /^Invalid configuration: WORKER_MAX_CACHED_WORKFLOWS: /,
      );
  });
  test('an empty variable counts as unset', () => {
    expect(loadConfig({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });
});

describe('secure defaults (SECURITY.md)', () => {
  const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'rs-config-'));

  test('the API listens on loopback unless production or HOST says otherwise', () => {
    expect(listenHost(loadConfig({}))).toBe('127.0.0.1');
    expect(listenHost(loadConfig({ NODE_ENV: 'test' }))).toBe('127.0.0.1');
    expect(
      listenHost(
        loadConfig({
          NODE_ENV: 'production',
          JWT_SECRET: 'x'.repeat(32),
          DATABASE_URL: 'postgres://a@b/c',
          TEMPORAL_ADDRESS: 'b:7233',
          ...PRODUCTION_SMS,
        }),
      ),
    ).toBe('0.0.0.0');
    expect(listenHost(loadConfig({ HOST: '0.0.0.0' }))).toBe('0.0.0.0');
  });

  test('without JWT_SECRET, development signs with a random secret of its data folder, kept across restarts and private to it', () => {
    const [a, b] = [tmp(), tmp()];
    const first = jwtSecret(loadConfig({ DATA_DIR: a }));
    expect(first).not.toBe('red-steward-development-secret-not-for-production');
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(fs.readFileSync(path.join(a, 'jwt-secret'), 'utf8')).toBe(first);
    expect(fs.statSync(path.join(a, 'jwt-secret')).mode & 0o777).toBe(0o600);
    expect(jwtSecret(loadConfig({ DATA_DIR: b }))).not.toBe(first);
    expect(jwtSecret(loadConfig({ DATA_DIR: b, JWT_SECRET: 'y'.repeat(20) }))).toBe('y'.repeat(20));
  });

  test('mTLS to Temporal: PEM files by path; a certificate without its key, or an unreadable file, is named', () => {
    expect(temporalTls(loadConfig({}))).toBeUndefined();
    const dir = tmp();
    for (const f of ['ca.pem', 'client.pem', 'client.key'])
      fs.writeFileSync(path.join(dir, f), `-----BEGIN ${f}-----\n`);
    const tls = temporalTls(
      loadConfig({
        TEMPORAL_TLS_CA: path.join(dir, 'ca.pem'),
        TEMPORAL_TLS_CERT: path.join(dir, 'client.pem'),
        TEMPORAL_TLS_KEY: path.join(dir, 'client.key'),
        TEMPORAL_TLS_SERVER_NAME: 'temporal',
      }),
    );
    expect(tls).toEqual({
      serverNameOverride: 'temporal',
      serverRootCACertificate: Buffer.from('-----BEGIN ca.pem-----\n'),
      clientCertPair: {
        crt: Buffer.from('-----BEGIN client.pem-----\n'),
        key: Buffer.from('-----BEGIN client.key-----\n'),
      },
    });
    expect(() => loadConfig({ TEMPORAL_TLS_CERT: path.join(dir, 'client.pem') })).toThrow(
      /TEMPORAL_TLS_KEY: TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together/,
    );
    expect(() => temporalTls(loadConfig({ TEMPORAL_TLS_CA: path.join(dir, 'missing.pem') }))).toThrow(
      /^TEMPORAL_TLS_CA: cannot read/,
    );
  });
});

describe('start-up with bad configuration', () => {
  test('a malformed DATABASE_URL stops npm start with one line naming it', async () => {
    expect(await failsWith('scripts/start.ts', { DATABASE_URL: 'not a url' })).toMatch(
      /^Invalid configuration: DATABASE_URL: must be a postgres/,
    );
  });

  test('an unreachable Temporal address stops the API with one line naming TEMPORAL_ADDRESS', async () => {
    const [closed] = await freePortFor(1);
    const line = await failsWith('api/server.ts', {
      DATABASE_URL: process.env.RS_TEST_ADMIN_DATABASE_URL!,
      TEMPORAL_ADDRESS: `127.0.0.1:${closed}`,
    });
    expect(line).toMatch(new RegExp(`^TEMPORAL_ADDRESS: cannot reach Temporal at 127.0.0.1:${closed}`));
  });

  test('an unreachable PostgreSQL stops the worker with one line naming DATABASE_URL', async () => {
    const [closed] = await freePortFor(1);
    const line = await failsWith('worker/main.ts', {
      DATABASE_URL: `postgres://x:y@127.0.0.1:${closed}/db`,
      TEMPORAL_ADDRESS: process.env.RS_TEST_TEMPORAL_ADDRESS!,
    });
    expect(line).toMatch(new RegExp(`^DATABASE_URL: cannot reach PostgreSQL at 127.0.0.1:${closed}`));
  });

  test('production without JWT_SECRET refuses to start', async () => {
    const line = await failsWith('api/server.ts', {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://a:b@localhost/db',
      TEMPORAL_ADDRESS: 'localhost:7233',
      ...PRODUCTION_SMS,
    });
    expect(line).toBe('Invalid configuration: JWT_SECRET: is required in production');
  });
});
