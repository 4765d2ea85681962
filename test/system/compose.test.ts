// No Docker engine runs here, so the production compose file is checked against the app's own config schema:
// the services exist with health checks, every variable the app containers get is one config.ts knows and
// parses, and the addresses they use point at the services and ports the file defines.
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { CONFIG_KEYS, loadConfig } from '../../config';
import { SMS_KINDS } from '../../services/sms/texts';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

const compose = YAML.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'docker-compose.yml'), 'utf8'), { merge: true });
const services = compose.services as Record<
  string,
  { environment?: Record<string, string>; ports?: string[]; healthcheck?: unknown; image?: string; build?: string; command?: unknown; init?: boolean; depends_on?: Record<string, { condition: string }> }
>;
// Compose substitutes ${VAR:-default} and ${VAR:?message}; give the required ones a value as an operator would.
const OPERATOR: Record<string, string> = {
  JWT_SECRET: 'x'.repeat(32),
  POSTGRES_PASSWORD: 'operator-chosen',
  SMS_PROVIDER: 'aliyun',
  SMS_SIGN_NAME: '红色管家',
  SMS_TEMPLATES: JSON.stringify(Object.fromEntries(SMS_KINDS.map((k, i) => [k, `SMS_${100001 + i}`]))),
  ALIYUN_SMS_ACCESS_KEY_ID: 'LTAI-operator',
  ALIYUN_SMS_ACCESS_KEY_SECRET: 'operator-secret',
};
const interpolate = (v: string) =>
  v.replace(/\$\{(\w+)(?::-([^}]*)|:\?[^}]*)?\}/g, (_m, name: string, dflt?: string) => OPERATOR[name] ?? dflt ?? '');
const envOf = (name: string) => Object.fromEntries(Object.entries(services[name].environment ?? {}).map(([k, v]) => [k, interpolate(String(v))]));

test('the production shape has postgres, temporal, its UI, the api and the worker, each with a health check where it serves', () => {
  expect(Object.keys(services)).toEqual(expect.arrayContaining(['postgres', 'temporal', 'temporal-ui', 'api', 'worker']));
  for (const name of ['postgres', 'temporal', 'api', 'worker']) expect(services[name].healthcheck).toBeDefined();
  expect(services.api.build).toBe('.');
  expect(services.worker.build).toBe('.');
  expect(Object.keys(compose.volumes)).toEqual(expect.arrayContaining(['postgres-data', 'app-data']));
});

test.each(['api', 'worker'])('every variable the %s container gets is known to config.ts and parses in production', (name) => {
  const env = envOf(name);
  for (const key of Object.keys(env)) expect(CONFIG_KEYS).toContain(key);
  const config = loadConfig(env);
  expect(config.NODE_ENV).toBe('production');
  const db = new URL(config.DATABASE_URL!);
  expect(db.hostname).toBe('postgres');
  expect(services.postgres.environment?.POSTGRES_DB).toBe(db.pathname.slice(1));
  expect(config.TEMPORAL_ADDRESS).toBe('temporal:7233');
  expect(services.temporal.ports).toContain('127.0.0.1:7233:7233');
});

test("the api publishes the port it listens on and its health check asks /readyz", () => {
  const config = loadConfig(envOf('api'));
  expect(services.api.ports).toContain(`${config.PORT}:${config.PORT}`);
  expect(JSON.stringify(services.api.healthcheck)).toContain(`localhost:${config.PORT}/readyz`);
});

test('nothing but the API is published beyond 127.0.0.1, and no password has a default', () => {
  for (const [name, service] of Object.entries(services)) {
    if (name === 'api') continue;
    for (const port of service.ports ?? []) expect({ name, port }).toEqual({ name, port: expect.stringMatching(/^127\.0\.0\.1:/) });
  }
  expect(services.postgres.ports).toBeUndefined();
  const raw = fs.readFileSync(path.join(__dirname, '..', '..', 'docker-compose.yml'), 'utf8');
  // Every use of a secret must be `${NAME:?…}` (refused when unset), never `${NAME:-default}` or a literal.
  for (const secret of ['POSTGRES_PASSWORD', 'JWT_SECRET']) {
    expect(raw).not.toMatch(new RegExp(`\\$\\{${secret}:-`));
    expect(raw).toMatch(new RegExp(`\\$\\{${secret}:\\?`));
  }
  expect(raw).not.toMatch(/PASSWORD: *redsteward|:redsteward@/);
});

test('the setup job registers every search attribute the workflow keeps current', () => {
  const script = JSON.stringify(services['temporal-setup'].command);
  for (const key of SEARCH_ATTRIBUTES) expect(script).toContain(`${key.name}:`);
});

test('.env.example lists every variable config.ts reads', () => {
  const example = fs.readFileSync(path.join(__dirname, '..', '..', '.env.example'), 'utf8');
  for (const key of CONFIG_KEYS) expect(example).toMatch(new RegExp(`^#? ?${key}=`, 'm'));
});

test.each([
  ['api', 'api'],
  ['worker', 'worker'],
  ['migrate', 'migrate'],
])('the %s container runs `npm run %s` as node itself under an init process, so SIGTERM reaches it', (name, script) => {
  // npm does not pass a SIGTERM on to the script it runs: the container would stop only at its SIGKILL, undrained.
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const entry = pkg.scripts[script].replace(/^tsx /, '');
  expect(services[name].command).toEqual(['node', '--import', 'tsx', entry]);
  expect(services[name].init).toBe(true);
});

test("the image's own command is node on the API's entry, for a plain `docker run`", () => {
  const dockerfile = fs.readFileSync(path.join(__dirname, '..', '..', 'Dockerfile'), 'utf8');
  expect(dockerfile).toContain('CMD ["node", "--import", "tsx", "api/server.ts"]');
});

test('the api and the worker start after the migrations have been applied', () => {
  for (const name of ['api', 'worker']) expect(services[name].depends_on?.migrate).toEqual({ condition: 'service_completed_successfully' });
  expect(envOf('migrate')).toEqual(envOf('worker'));
});
