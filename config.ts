// The only module that reads process.env. Start-up parses it once with zod and fails fast with one line
// naming the variable and the problem (see formatConfigError), never a stack trace.
import path from 'node:path';
import { z } from 'zod';

const postgresUrl = z.string().refine((v) => {
  try {
    const u = new URL(v);
    return (u.protocol === 'postgres:' || u.protocol === 'postgresql:') && u.hostname.length > 0;
  } catch {
    return false;
  }
}, 'must be a postgres:// or postgresql:// URL with a host, e.g. postgres://user:pass@localhost:5432/redsteward');

const hostPort = z.string().regex(/^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/, 'must be host:port, e.g. localhost:7233');

const baseSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: postgresUrl.optional(),
  TEMPORAL_ADDRESS: hostPort.optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('red-steward'),
  TEMPORAL_PORT: z.coerce.number().int().min(1).max(65535).default(7233),
  TEMPORAL_UI_PORT: z.coerce.number().int().min(1).max(65535).default(8233),
  TEMPORAL_CLI_PATH: z.string().min(1).optional(),
  DATA_DIR: z.string().min(1).default(path.resolve(__dirname, '.data')),
  JWT_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SEED_DEMO: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  EMBEDDED_POSTGRES_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  START_TIMEOUT_MS: z.coerce.number().int().min(100).default(15000),
  // Workflows the worker keeps in memory between tasks (sticky cache). Each costs about 0.35 MB of RSS, mostly outside
  // the JS heap from which the SDK sizes its default (bench/README.md, "Now (runs 28–30)"): set it to fit a container.
  // 0 keeps none (every task replays its history). Unset: the SDK's default.
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(1_000_000).optional(),
});

/** Every variable Red Steward reads (.env.example lists the same; a test checks docker-compose against it). */
export const CONFIG_KEYS = Object.keys(baseSchema.shape);

export const configSchema = baseSchema.superRefine((c, ctx) => {
  if (c.NODE_ENV === 'production') {
    if (!c.JWT_SECRET) ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'is required in production' });
    if (!c.DATABASE_URL) ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: 'is required in production' });
    if (!c.TEMPORAL_ADDRESS)
      ctx.addIssue({ code: 'custom', path: ['TEMPORAL_ADDRESS'], message: 'is required in production' });
  }
});

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

/** A development secret is fine outside production; production is refused above without JWT_SECRET. */
export function jwtSecret(config: Config): string {
  return config.JWT_SECRET ?? 'red-steward-development-secret-not-for-production';
}
