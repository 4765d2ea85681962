// No Docker engine runs here, so the production compose file is checked against what does run: the app's own config
// schema (every variable the app containers get is one config.ts knows and parses, the addresses point at the
// services the file defines), package.json and the build (the commands are the compiled entry points), and
// deploy/temporal/server.ts, whose version, settings and steps `npm run test:production` runs on this machine.
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { CONFIG_KEYS, loadConfig } from '../../config';
import { SMS_KINDS } from '../../services/sms/texts';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import {
  CLI_SEARCH_ATTRIBUTES,
  NAMESPACE,
  SCHEMA_STEPS,
  SERVER_ENV,
  SQL_PLUGIN,
  TEMPORAL_IMAGES,
  namespaceCommands,
} from '../../deploy/temporal/server';

const ROOT = path.join(__dirname, '..', '..');
const raw = fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8');
const compose = YAML.parse(raw, { merge: true });
const services = compose.services as Record<
  string,
  {
    environment?: Record<string, string>;
    ports?: string[];
    healthcheck?: { test: string[] };
    image?: string;
    build?: string;
    command?: unknown;
    init?: boolean;
    volumes?: string[];
    depends_on?: Record<string, { condition: string }>;
  }
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
const envOf = (name: string) =>
  Object.fromEntries(Object.entries(services[name].environment ?? {}).map(([k, v]) => [k, interpolate(String(v))]));

test('the production shape has postgres, the schema job, temporal, the namespace job, its UI, the api and the worker, each with a health check where it serves', () => {
  expect(Object.keys(services)).toEqual(
    expect.arrayContaining([
      'postgres',
      'temporal-schema',
      'temporal',
      'temporal-setup',
      'temporal-ui',
      'migrate',
      'api',
      'worker',
    ]),
  );
  for (const name of ['postgres', 'temporal', 'api', 'worker']) expect(services[name].healthcheck).toBeDefined();
  expect(services.api.build).toBe('.');
  expect(services.worker.build).toBe('.');
  expect(Object.keys(compose.volumes)).toEqual(expect.arrayContaining(['postgres-data', 'app-data']));
});

test.each(['api', 'worker'])(
  'every variable the %s container gets is known to config.ts and parses in production',
  (name) => {
    const env = envOf(name);
    for (const key of Object.keys(env)) expect(CONFIG_KEYS).toContain(key);
    const config = loadConfig(env);
    expect(config.NODE_ENV).toBe('production');
    const db = new URL(config.DATABASE_URL!);
    expect(db.hostname).toBe('postgres');
    expect(services.postgres.environment?.POSTGRES_DB).toBe(db.pathname.slice(1));
    expect(config.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(config.TEMPORAL_NAMESPACE).toBe(NAMESPACE.name);
  },
);

test('the api publishes the port it listens on and its health check asks /readyz', () => {
  const config = loadConfig(envOf('api'));
  expect(services.api.ports).toContain(`${config.PORT}:${config.PORT}`);
  expect(JSON.stringify(services.api.healthcheck)).toContain(`localhost:${config.PORT}/readyz`);
});

test("nothing but the API is published beyond 127.0.0.1, PostgreSQL and Temporal's frontend not at all, and no password has a default", () => {
  for (const [name, service] of Object.entries(services)) {
    if (name === 'api') continue;
    for (const port of service.ports ?? [])
      expect({ name, port }).toEqual({ name, port: expect.stringMatching(/^127\.0\.0\.1:/) });
  }
  expect(services.postgres.ports).toBeUndefined();
  expect(services.temporal.ports).toBeUndefined();
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

test('Temporal runs the version, images and settings npm run test:production runs (deploy/temporal/server.ts), no auto-setup', () => {
  expect(services.temporal.image).toBe(TEMPORAL_IMAGES.server);
  expect(services['temporal-schema'].image).toBe(TEMPORAL_IMAGES.adminTools);
  expect(services['temporal-setup'].image).toBe(TEMPORAL_IMAGES.adminTools);
  expect(raw).not.toMatch(/auto-setup/);
  expect(envOf('temporal')).toEqual(
    expect.objectContaining({
      ...SERVER_ENV,
      POSTGRES_SEEDS: 'postgres',
      POSTGRES_USER: services.postgres.environment?.POSTGRES_USER,
    }),
  );
  // The dynamic config mounted is the repository's own file.
  const [source, target] = services.temporal.volumes![0].split(':');
  expect(path.join(target, path.basename(envOf('temporal').DYNAMIC_CONFIG_FILE_PATH))).toBe(
    `/etc/temporal/${envOf('temporal').DYNAMIC_CONFIG_FILE_PATH}`,
  );
  expect(fs.existsSync(path.join(ROOT, source, path.basename(envOf('temporal').DYNAMIC_CONFIG_FILE_PATH)))).toBe(true);
  // The server starts after the schemas are set up; the app after the namespace exists.
  expect(services.temporal.depends_on?.['temporal-schema']).toEqual({ condition: 'service_completed_successfully' });
  for (const name of ['api', 'worker'])
    expect(services[name].depends_on?.['temporal-setup']).toEqual({ condition: 'service_completed_successfully' });
});

test('the schema job runs the same temporal-sql-tool steps, in the same order, as npm run test:production', () => {
  expect(envOf('temporal-schema')).toEqual(
    expect.objectContaining({
      SQL_PLUGIN,
      SQL_HOST: 'postgres',
      SQL_USER: services.postgres.environment?.POSTGRES_USER,
    }),
  );
  const script = (services['temporal-schema'].command as string[]).join(' ');
  const run = script.split(';').map((step) => step.trim());
  expect(run).toEqual(SCHEMA_STEPS.flatMap((s) => s.commands.map((args) => ['temporal-sql-tool', ...args].join(' '))));
});

test('the namespace job creates the namespace and the search attributes npm run test:production creates', () => {
  const script = (services['temporal-setup'].command as string[]).join(' ');
  expect(script).toContain(`temporal ${namespaceCommands().namespace.join(' ')}`);
  expect(script).toContain(`for a in ${CLI_SEARCH_ATTRIBUTES.map((a) => `${a.name}:${a.type}`).join(' ')}; do`);
  expect(script).toContain(
    'temporal operator search-attribute create --namespace default --name "$${a%%:*}" --type "$${a##*:}"',
  );
});

test('.env.example lists every variable config.ts reads', () => {
  const example = fs.readFileSync(path.join(__dirname, '..', '..', '.env.example'), 'utf8');
  for (const key of CONFIG_KEYS) expect(example).toMatch(new RegExp(`^#? ?${key}=`, 'm'));
});

test.each([
  ['api', 'api'],
  ['worker', 'worker'],
  ['migrate', 'migrate'],
])(
  'the %s container runs the compiled entry of `npm run %s` as node itself under an init process, so SIGTERM reaches it',
  (name, script) => {
    // npm does not pass a SIGTERM on to the script it runs: the container would stop only at its SIGKILL, undrained.
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const entry = pkg.scripts[script].replace(/^tsx /, '');
    expect(services[name].command).toEqual(['node', `dist/${entry.replace(/\.ts$/, '.js')}`]);
    expect(services[name].init).toBe(true);
  },
);

test("the worker's health check runs a compiled module the build produces", () => {
  const check = services.worker.healthcheck!.test;
  expect(check.slice(0, 2)).toEqual(['CMD', 'node']);
  expect(check[2]).toMatch(/^dist\/.+\.js$/);
  expect(fs.existsSync(path.join(ROOT, check[2].replace(/^dist\//, '').replace(/\.js$/, '.ts')))).toBe(true);
});

test('the image is built on a Node LTS newer than 20, and its own command is node on the compiled API, for a plain `docker run`', () => {
  const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
  const bases = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
  expect(bases.length).toBeGreaterThan(0);
  for (const base of bases) expect(base).toMatch(/^node:(22|24)-/);
  expect(dockerfile).toContain('CMD ["node", "dist/api/server.js"]');
  expect(dockerfile).toMatch(/npm run build\b/);
  expect(dockerfile).toMatch(/npm prune --omit=dev/);
  for (const image of Object.values(services).map((s) => s.image ?? '')) expect(image).not.toMatch(/^node:20/);
});

test('the api and the worker start after the migrations have been applied', () => {
  for (const name of ['api', 'worker'])
    expect(services[name].depends_on?.migrate).toEqual({ condition: 'service_completed_successfully' });
  expect(envOf('migrate')).toEqual(envOf('worker'));
});
