// Security headers, rate limits and load shedding. Limits (configurable: config.ts RATE_LIMIT_*) are per client IP
// and counted in memory per process (sign-in failures and intake quotas are per account, in PostgreSQL):
// enough for one API instance; several instances behind a balancer would each allow the limit (a shared store
// is the upgrade). Under pressure (a stalled event loop, a heap near its limit) the API answers 503 with
// Retry-After at once, rather than queueing requests until every caller times out.
import helmet from 'helmet';
import rateLimit from '@fastify/rate-limit';
import underPressure, { type FastifyUnderPressureOptions } from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config';
import { ApiError } from './errors';
import { text } from './i18n';

/**
 * The headers helmet sets, computed once at start by running its middleware against a recording response: with
 * the default options they depend on nothing in the request. Going through @fastify/helmet on every request cost
 * about 30 µs of CPU each; test/api/ops.test.ts checks the set against helmet's own.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = (() => {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string) => void (headers[name.toLowerCase()] = value),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  helmet()({} as never, recorder as never, () => undefined);
  return Object.freeze(headers);
})();

export interface RateLimit {
  max: number;
  timeWindow: number;
}

export interface RateLimits {
  /** Every route unless it names its own. */
  global: RateLimit;
  /** Password and code sign-in: guessing must be slow. */
  signIn: RateLimit;
  /** Filing cases: each one starts a workflow and may carry 18 MB of photos. */
  intake: RateLimit;
}

const MINUTE = 60_000;

/** The limits an operator set (RATE_LIMIT_*_PER_MINUTE; config.ts has the defaults: 600, 10 and 30). */
export const rateLimitsOf = (
  config: Pick<
    Config,
    'RATE_LIMIT_GLOBAL_PER_MINUTE' | 'RATE_LIMIT_SIGN_IN_PER_MINUTE' | 'RATE_LIMIT_INTAKE_PER_MINUTE'
  >,
): RateLimits => ({
  global: { max: config.RATE_LIMIT_GLOBAL_PER_MINUTE, timeWindow: MINUTE },
  signIn: { max: config.RATE_LIMIT_SIGN_IN_PER_MINUTE, timeWindow: MINUTE },
  intake: { max: config.RATE_LIMIT_INTAKE_PER_MINUTE, timeWindow: MINUTE },
});

export type PressureLimits = Pick<
  FastifyUnderPressureOptions,
  'maxEventLoopDelay' | 'maxEventLoopUtilization' | 'maxHeapUsedBytes' | 'maxRssBytes' | 'sampleInterval'
>;

export const DEFAULT_PRESSURE_LIMITS: PressureLimits = { maxEventLoopDelay: 1000, maxEventLoopUtilization: 0.98 };

/** Seconds an overloaded API asks callers to wait. */
export const OVERLOAD_RETRY_AFTER_SECONDS = 10;

export async function registerHardening(
  app: FastifyInstance,
  limits: RateLimits | false,
  pressure: PressureLimits | false,
): Promise<void> {
  // helmet's default headers on every answer; swagger-ui (/docs, staticCSP) and the web app's shell replace the CSP
  // with their own. Set as one precomputed object in a synchronous hook (see SECURITY_HEADERS).
  app.addHook('onRequest', (_req, reply, done) => {
    reply.headers(SECURITY_HEADERS);
    done();
  });
  // Its error (FST_UNDER_PRESSURE) reaches the central handler, which answers in the shared shape.
  if (pressure !== false) await app.register(underPressure, { ...pressure, retryAfter: OVERLOAD_RETRY_AFTER_SECONDS });
  if (limits === false) return;
  await app.register(rateLimit, {
    global: true,
    max: limits.global.max,
    timeWindow: limits.global.timeWindow,
    // Thrown, so the central error handler renders it in the shared shape and language.
    errorResponseBuilder: (_req, ctx) =>
      new ApiError(
        429,
        'request.rate_limited',
        text(
          `请求过于频繁，请 ${Math.ceil(ctx.ttl / 1000)} 秒后重试`,
          `Too many requests; retry in ${Math.ceil(ctx.ttl / 1000)} s`,
        ),
        [],
        {
          'retry-after': String(Math.ceil(ctx.ttl / 1000)),
        },
      ),
  });
}
