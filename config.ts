// The only module that reads process.env. Start-up parses it once with zod and fails fast with one line
// naming the variable and the problem (see formatConfigError), never a stack trace.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** The messages sent by SMS, each with one provider template code in SMS_TEMPLATES (services/sms/texts.ts says them). */
export const SMS_KINDS = [
  'sign_in_code',
  'contact_verification_code',
  'case_acknowledged',
  'evaluation_requested',
  'case_paused',
  'case_closed',
] as const;

const postgresUrl = z.string().refine((v) => {
  try {
    const u = new URL(v);
    return (u.protocol === 'postgres:' || u.protocol === 'postgresql:') && u.hostname.length > 0;
  } catch {
    return false;
  }
}, 'must be a postgres:// or postgresql:// URL with a host, e.g. postgres://user:pass@localhost:5432/redsteward');

// A provider's endpoint: `host[:port]` (HTTPS), or `http://host:port` for a local stand-in (refused in production).
const smsEndpoint = z
  .string()
  .regex(/^(https?:\/\/)?[A-Za-z0-9.\-_[\]:]+\/?$/, 'must be a host name, e.g. dysmsapi.aliyuncs.com');
// SMS_TEMPLATES: one approved template code per message kind, as JSON: {"sign_in_code":"SMS_123",…}.
const smsTemplates = z.string().transform((v, ctx) => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch {
    parsed = undefined;
  }
  const entries = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? Object.entries(parsed) : null;
  const bad = entries?.find(
    ([k, code]) => !(SMS_KINDS as readonly string[]).includes(k) || typeof code !== 'string' || code === '',
  );
  if (!entries || bad) {
    ctx.addIssue({
      code: 'custom',
      message: bad
        ? `${bad[0]} is not a message kind with a template code (kinds: ${SMS_KINDS.join(', ')})`
        : `must be a JSON object {"sign_in_code":"SMS_123",…}`,
    });
    return z.NEVER;
  }
  return Object.fromEntries(entries) as Partial<Record<(typeof SMS_KINDS)[number], string>>;
});

// Where residents reach the web app (a path is allowed): printed into intake's QR codes, so no query or fragment.
const publicUrl = z
  .string()
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'https:' || u.protocol === 'http:') && !u.search && !u.hash && !u.username;
    } catch {
      return false;
    }
  }, 'must be an http(s):// URL without query or fragment, e.g. https://redsteward.example.cn')
  .transform((v) => v.replace(/\/+$/, ''));

const hostPort = z.string().regex(/^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/, 'must be host:port, e.g. localhost:7233');

// The project folder, run from source or compiled into dist/: a rebuild replaces dist/, never the data under it.
const PROJECT_ROOT = path.basename(__dirname) === 'dist' ? path.dirname(__dirname) : __dirname;

const baseSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  // Unset: 127.0.0.1 outside production (nobody else on the network reaches a development API), 0.0.0.0 in production.
  HOST: z.string().min(1).optional(),
  // The web app's public address, printed into the QR codes on notice boards (api/routes/qr.ts). Unset: taken from the
  // request outside production; production answers the QR routes 503 rather than print an address it guessed.
  PUBLIC_URL: publicUrl.optional(),
  DATABASE_URL: postgresUrl.optional(),
  TEMPORAL_ADDRESS: hostPort.optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('red-steward'),
  TEMPORAL_PORT: z.coerce.number().int().min(1).max(65535).default(7233),
  TEMPORAL_UI_PORT: z.coerce.number().int().min(1).max(65535).default(8233),
  TEMPORAL_CLI_PATH: z.string().min(1).optional(),
  DATA_DIR: z.string().min(1).default(path.join(PROJECT_ROOT, '.data')),
  JWT_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SEED_DEMO: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  EMBEDDED_POSTGRES_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  START_TIMEOUT_MS: z.coerce.number().int().min(100).default(15000),
  // Workflows the worker keeps in memory between tasks (sticky cache). Each costs about 0.35 MB of RSS, mostly outside
  // the JS heap from which the SDK sizes its default: set it to fit a container.
  // 0 keeps none (every task replays its history). Unset: the SDK's default.
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(1_000_000).optional(),

  // Sign-in (SECURITY.md "Sign-in"). Access tokens are short; a refresh token (kept hashed in PostgreSQL, revoked by
  // POST /auth/logout) renews them. One failure budget per account across password, code request and code verify.
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(86_400).default(900),
  REFRESH_TOKEN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(300)
    .max(90 * 86_400)
    .default(30 * 86_400),
  SIGN_IN_MAX_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
  SIGN_IN_LOCKOUT_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),

  // Rate limits per client IP and minute, and intake quotas per account and day (SECURITY.md "Abuse").
  RATE_LIMIT_GLOBAL_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  RATE_LIMIT_SIGN_IN_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  RATE_LIMIT_INTAKE_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  INTAKE_QUOTA_RESIDENT_PER_DAY: z.coerce.number().int().min(1).default(20),
  INTAKE_QUOTA_STAFF_PER_DAY: z.coerce.number().int().min(1).default(500),

  // Operations: Prometheus metrics on their own port (never the API's), or on the API port behind a bearer token.
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),

  // Personal data of closed cases is anonymised this many days after closing (counts for the rates stay).
  RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(365),

  // mTLS between the app and Temporal (production): the CA that signed the server's certificate, this client's
  // certificate and key (PEM files), and the name the server's certificate carries. Unset: plain TCP (development).
  TEMPORAL_TLS_CA: z.string().min(1).optional(),
  TEMPORAL_TLS_CERT: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),

  // SMS (services/README.md "SMS"): the console sink (DATA_DIR/sms.log) outside production; in production Aliyun or
  // Tencent Cloud, with an approved sign name and one approved template per message kind.
  SMS_PROVIDER: z.enum(['console', 'aliyun', 'tencent']).default('console'),
  SMS_SIGN_NAME: z.string().min(1).optional(),
  SMS_TEMPLATES: smsTemplates.optional(),
  ALIYUN_SMS_ACCESS_KEY_ID: z.string().min(1).optional(),
  ALIYUN_SMS_ACCESS_KEY_SECRET: z.string().min(1).optional(),
  ALIYUN_SMS_ENDPOINT: smsEndpoint.default('dysmsapi.aliyuncs.com'),
  TENCENT_SMS_SECRET_ID: z.string().min(1).optional(),
  TENCENT_SMS_SECRET_KEY: z.string().min(1).optional(),
  TENCENT_SMS_SDK_APP_ID: z.string().min(1).optional(),
  TENCENT_SMS_REGION: z.string().min(1).default('ap-guangzhou'),
  TENCENT_SMS_ENDPOINT: smsEndpoint.default('sms.tencentcloudapi.com'),
});

/** Every variable Red Steward reads (.env.example lists the same; a test checks docker-compose against it). */
export const CONFIG_KEYS = Object.keys(baseSchema.shape);

export const configSchema = baseSchema.superRefine((c, ctx) => {
  if (c.NODE_ENV === 'production') {
    if (!c.JWT_SECRET) ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'is required in production' });
    if (!c.DATABASE_URL) ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: 'is required in production' });
    if (!c.TEMPORAL_ADDRESS)
      ctx.addIssue({ code: 'custom', path: ['TEMPORAL_ADDRESS'], message: 'is required in production' });
    // A code on a notice board sends residents to sign in there: never over plain http.
    if (c.PUBLIC_URL?.startsWith('http://'))
      ctx.addIssue({ code: 'custom', path: ['PUBLIC_URL'], message: 'must be https:// in production' });
  }
  // A client certificate without its key (or the reverse) is a half-configured mTLS: refuse it rather than fall back.
  if ((c.TEMPORAL_TLS_CERT === undefined) !== (c.TEMPORAL_TLS_KEY === undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: [c.TEMPORAL_TLS_CERT ? 'TEMPORAL_TLS_KEY' : 'TEMPORAL_TLS_CERT'],
      message: 'TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together',
    });
  }
  for (const [key, message] of smsIssues(c)) ctx.addIssue({ code: 'custom', path: [key], message });
});

/** What the chosen SMS provider lacks, one [variable, problem] each: checked at start-up, not at the first SMS. */
function smsIssues(c: z.infer<typeof baseSchema>): [string, string][] {
  const production = c.NODE_ENV === 'production';
  if (c.SMS_PROVIDER === 'console') {
    return production
      ? [['SMS_PROVIDER', 'the console sink is for development; set aliyun or tencent in production']]
      : [];
  }
  const required: (keyof typeof c)[] =
    c.SMS_PROVIDER === 'aliyun'
      ? ['SMS_SIGN_NAME', 'SMS_TEMPLATES', 'ALIYUN_SMS_ACCESS_KEY_ID', 'ALIYUN_SMS_ACCESS_KEY_SECRET']
      : ['SMS_SIGN_NAME', 'SMS_TEMPLATES', 'TENCENT_SMS_SECRET_ID', 'TENCENT_SMS_SECRET_KEY', 'TENCENT_SMS_SDK_APP_ID'];
  const issues: [string, string][] = required
    .filter((k) => c[k] === undefined)
    .map((k) => [k, `is required with SMS_PROVIDER=${c.SMS_PROVIDER}`]);
  const missing = c.SMS_TEMPLATES ? SMS_KINDS.filter((k) => !c.SMS_TEMPLATES?.[k]) : [];
  if (missing.length > 0) issues.push(['SMS_TEMPLATES', `needs a template code for ${missing.join(', ')}`]);
  const endpointKey = c.SMS_PROVIDER === 'aliyun' ? 'ALIYUN_SMS_ENDPOINT' : 'TENCENT_SMS_ENDPOINT';
  const endpoint = c[endpointKey];
  if (production && endpoint.startsWith('http://'))
    issues.push([endpointKey, "plain http is for a local stand-in; give the provider's HTTPS host in production"]);
  // The Tencent SDK signs for the service its endpoint's first label names: anything but sms.… is refused by the provider.
  if (c.SMS_PROVIDER === 'tencent' && !/^(https?:\/\/)?sms\./.test(endpoint))
    issues.push([endpointKey, 'must start with sms. (e.g. sms.tencentcloudapi.com)']);
  return issues;
}

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

/** One readable line per problem: `DATABASE_URL: must be a postgres:// … URL`. */
export function formatConfigError(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`).join('; ');
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable (`DATABASE_URL=` in a compose file or a shell) means unset, not an empty URL.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(present);
  if (!parsed.success) throw new ConfigError(`Invalid configuration: ${formatConfigError(parsed.error)}`);
  return parsed.data;
}

/** The address the API listens on: HOST, else loopback outside production. */
export const listenHost = (config: Config): string =>
  config.HOST ?? (config.NODE_ENV === 'production' ? '0.0.0.0' : '127.0.0.1');

const secrets = new Map<string, string>();

/**
 * JWT_SECRET, else (outside production, which refuses to start without it) a random secret made once per data
 * folder and kept in `DATA_DIR/jwt-secret` (mode 0600): a token from one machine's development data is worth
 * nothing on another, and restarting keeps everyone signed in.
 */
export function jwtSecret(config: Config): string {
  if (config.JWT_SECRET) return config.JWT_SECRET;
  const file = path.join(config.DATA_DIR, 'jwt-secret');
  const known = secrets.get(file);
  if (known) return known;
  let secret: string;
  try {
    secret = fs.readFileSync(file, 'utf8').trim();
  } catch {
    fs.mkdirSync(config.DATA_DIR, { recursive: true });
    secret = randomBytes(32).toString('base64url');
    try {
      fs.writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
    } catch {
      // Another process of this data folder wrote it first: use theirs.
      secret = fs.readFileSync(file, 'utf8').trim();
    }
  }
  if (secret.length < 16) throw new ConfigError(`JWT_SECRET: ${file} holds fewer than 16 characters`);
  secrets.set(file, secret);
  return secret;
}

/** The TLS options of the Temporal connections, or undefined for plain TCP (SECURITY.md "Temporal"). */
export function temporalTls(
  config: Config,
):
  | { serverNameOverride?: string; serverRootCACertificate?: Buffer; clientCertPair?: { crt: Buffer; key: Buffer } }
  | undefined {
  if (!config.TEMPORAL_TLS_CA && !config.TEMPORAL_TLS_CERT && !config.TEMPORAL_TLS_SERVER_NAME) return undefined;
  const read = (key: 'TEMPORAL_TLS_CA' | 'TEMPORAL_TLS_CERT' | 'TEMPORAL_TLS_KEY', file: string) => {
    try {
      return fs.readFileSync(file);
    } catch (err) {
      throw new ConfigError(`${key}: cannot read ${file} (${(err as Error).message})`);
    }
  };
  return {
    ...(config.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: config.TEMPORAL_TLS_SERVER_NAME } : {}),
    ...(config.TEMPORAL_TLS_CA ? { serverRootCACertificate: read('TEMPORAL_TLS_CA', config.TEMPORAL_TLS_CA) } : {}),
    ...(config.TEMPORAL_TLS_CERT && config.TEMPORAL_TLS_KEY
      ? {
          clientCertPair: {
            crt: read('TEMPORAL_TLS_CERT', config.TEMPORAL_TLS_CERT),
            key: read('TEMPORAL_TLS_KEY', config.TEMPORAL_TLS_KEY),
          },
        }
      : {}),
  };
}
