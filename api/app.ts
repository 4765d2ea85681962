// buildApp(deps) assembles the Fastify app without listening: api/server.ts listens, tests use app.inject.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { serializerCompiler } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import type { Client } from '@temporalio/client';
import { jwtSecret, type Config } from '../config';
import { caseReadsThrough } from '../db/case-cache';
import { readThrough } from '../db/queries/reference';
import { createReferenceCache, type ReferenceCacheOptions } from '../db/reference-cache';
import { registerAuth } from './auth';
import type { ApiContext } from './context';
import { registerDocs } from './docs';
import { frameworkErrors, registerErrorHandling } from './error-handler';
import {
  DEFAULT_PRESSURE_LIMITS,
  rateLimitsOf,
  registerHardening,
  type PressureLimits,
  type RateLimits,
} from './hardening';
import { registerMetrics, type CacheStats, type MetricsOptions } from './metrics';
import { accountabilityRoutes } from './routes/accountability';
import { adminRoutes } from './routes/admin';
import { assessmentRoutes } from './routes/assessments';
import { apiKeyRoutes } from './routes/api-keys';
import { authRoutes } from './routes/auth';
import { calendarRoutes } from './routes/calendar';
import { caseActionRoutes } from './routes/case-actions';
import { caseContactRoutes } from './routes/case-contact';
import { caseFollowUpRoutes } from './routes/case-follow-up';
import { caseRoutes } from './routes/cases';
import { caseSimilarRoutes } from './routes/case-similar';
import { exportRoutes } from './routes/exports';
import { hotspotRoutes } from './routes/hotspots';
import { notificationRoutes } from './routes/notifications';
import { PUBLIC_RATE_LIMIT, publicRoutes, type PublicOptions } from './routes/public';
import { publicTrackRoutes } from './routes/public-track';
import { qrRoutes } from './routes/qr';
import { referenceRoutes } from './routes/reference';
import { statsRoutes } from './routes/stats';
import { topicRoutes } from './routes/topics';
import { webhookRoutes } from './routes/webhooks';
import { folderPhotoStorage, type PhotoStorage } from './storage';
import { validatorCompiler } from './validation';
import { DEFAULT_WEB_ROOT, registerWebApp } from './web';

export interface AppDeps {
  config: Config;
  pool: Pool;
  temporal: Client;
  taskQueue: string;
  /** false in tests that want quiet output */
  logger?: boolean;
  /** Where log lines go instead of stdout (tests read them). */
  logStream?: NodeJS.WritableStream;
  /** false turns rate limiting off (tests, bench); an object overrides some limits. */
  rateLimit?: false | Partial<RateLimits>;
  /** false turns load shedding off; an object overrides the thresholds (@fastify/under-pressure). */
  underPressure?: false | PressureLimits;
  /** Where photos go; a folder under DATA_DIR by default. */
  storage?: PhotoStorage;
  /** How long an action waits for a worker before answering 503 (default 10 s). */
  actionTimeoutMs?: number;
  metrics?: MetricsOptions;
  /** Disclosure routes (/public): their rate limit (when limits are on) and cache lifetime; defaults in routes/public.ts. */
  public?: Omit<PublicOptions, 'ctx'>;
  /** The built web app (web/dist by default) served at `/`; false serves the API only. */
  webRoot?: string | false;
  /**
   * false reads accounts, API keys, names, intake's reference data and GET /cases/:id's case from Postgres on every
   * request instead of the cache that Postgres invalidates (db/reference-cache.ts, db/case-cache.ts); an object sets
   * the cache's TTL (default 60 s) or its change feed (tests).
   */
  cache?: false | Pick<ReferenceCacheOptions, 'ttlMs' | 'feed'>;
}

/** Every JSON body except intake's (which carries photos and sets its own limit). */
export const DEFAULT_BODY_LIMIT = 256 * 1024;

// A caller's own request id is kept when it is safe to log; otherwise we make one.
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const requestIdOf = (req: { headers: FastifyRequest['headers'] }) => {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
};

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger:
      deps.logger === false
        ? false
        : { level: deps.config.LOG_LEVEL, ...(deps.logStream ? { stream: deps.logStream } : {}) },
    genReqId: requestIdOf,
    requestIdHeader: false,
    bodyLimit: DEFAULT_BODY_LIMIT,
    frameworkErrors,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // JSON only: a text/plain body would otherwise reach validation as a string and be answered 400, not 415.
  app.removeContentTypeParser(['text/plain']);
  registerErrorHandling(app);
  // Synchronous hooks on every request: an async one costs a promise and a microtask each time.
  app.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id);
    done();
  });
  // An API answer may carry a token, a profile or a resident's data, errors included: no browser or proxy keeps it
  // unless its route says it may be kept (the disclosure routes' public caching, an export's private no-store).
  app.addHook('onSend', (req, reply, payload, done) => {
    if (req.url.startsWith('/api/') && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    done(null, payload);
  });

  const cache =
    deps.cache === false
      ? null
      : await createReferenceCache(deps.pool, { ...deps.cache, log: (message) => app.log.warn(message) });
  // Closing the app closes the cache's LISTEN connection; so does a failure while the app is being built.
  if (cache) app.addHook('onClose', () => cache.close());
  try {
    await registerEverything(
      app,
      deps,
      cache ?? readThrough(deps.pool),
      cache?.cases ?? caseReadsThrough(deps.pool),
      cache?.stats,
    );
  } catch (err) {
    await cache?.close();
    throw err;
  }
  return app;
}

async function registerEverything(
  app: FastifyInstance,
  deps: AppDeps,
  reference: ApiContext['reference'],
  cases: ApiContext['cases'],
  cacheStats?: CacheStats,
): Promise<void> {
  const ctx: ApiContext = {
    config: deps.config,
    pool: deps.pool,
    reference,
    cases,
    temporal: deps.temporal,
    taskQueue: deps.taskQueue,
    storage: deps.storage ?? folderPhotoStorage(path.join(deps.config.DATA_DIR, 'photos')),
    actionTimeoutMs: deps.actionTimeoutMs ?? 10_000,
    rateLimits: { ...rateLimitsOf(deps.config), ...(deps.rateLimit || {}) },
  };
  const pressure = deps.underPressure === false ? false : { ...DEFAULT_PRESSURE_LIMITS, ...deps.underPressure };
  await registerHardening(app, deps.rateLimit === false ? false : ctx.rateLimits, pressure);
  await registerDocs(app);
  await registerAuth(app, jwtSecret(deps.config), deps.config.ACCESS_TOKEN_TTL_SECONDS);
  registerMetrics(app, deps.pool, { token: deps.config.METRICS_TOKEN, ...deps.metrics }, cacheStats);

  app.get('/healthz', async () => ({ status: 'ok' }));

  // Ready only when both real dependencies answer; 503 names what is down.
  app.get('/readyz', async (_req, reply) => {
    const [postgres, temporal] = await Promise.all([
      deps.pool.query('SELECT 1').then(
        () => 'up' as const,
        () => 'down' as const,
      ),
      deps.temporal
        .withDeadline(Date.now() + 2_000, () => deps.temporal.workflowService.getSystemInfo({}))
        .then(
          () => 'up' as const,
          () => 'down' as const,
        ),
    ]);
    return reply.code(postgres === 'up' && temporal === 'up' ? 200 : 503).send({ postgres, temporal });
  });

  await app.register(
    async (api) => {
      await api.register(authRoutes, { ctx });
      await api.register(caseRoutes, { ctx });
      await api.register(caseActionRoutes, { ctx });
      await api.register(caseContactRoutes, { ctx });
      await api.register(caseFollowUpRoutes, { ctx });
      await api.register(caseSimilarRoutes, { ctx });
      await api.register(qrRoutes, { ctx });
      await api.register(referenceRoutes, { ctx });
      await api.register(calendarRoutes, { ctx });
      await api.register(adminRoutes, { ctx });
      await api.register(statsRoutes, { ctx });
      await api.register(hotspotRoutes, { ctx });
      await api.register(assessmentRoutes, { ctx });
      await api.register(accountabilityRoutes, { ctx });
      await api.register(exportRoutes, { ctx });
      await api.register(publicRoutes, { ctx, ...deps.public });
      await api.register(publicTrackRoutes, { ctx, rateLimit: deps.public?.rateLimit ?? PUBLIC_RATE_LIMIT });
      await api.register(topicRoutes, { ctx, ...deps.public });
      await api.register(apiKeyRoutes, { ctx });
      await api.register(webhookRoutes, { ctx });
      await api.register(notificationRoutes, { ctx });
    },
    { prefix: '/api/v1' },
  );
  if (deps.webRoot !== false) await registerWebApp(app, deps.webRoot ?? DEFAULT_WEB_ROOT);
}
