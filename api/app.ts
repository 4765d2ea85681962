// buildApp(deps) assembles the Fastify app without listening: api/server.ts listens, tests use app.inject.
import Fastify, { type FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import type { Client } from '@temporalio/client';
import type { Config } from '../config';

export interface AppDeps {
  config: Config;
  pool: Pool;
  temporal: Client;
  taskQueue: string;
  /** false in tests that want quiet output */
  logger?: boolean;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({ logger: deps.logger === false ? false : { level: deps.config.LOG_LEVEL } });

  app.get('/healthz', async () => ({ status: 'ok' }));

  // Ready only when both real dependencies answer; 503 names what is down.
  app.get('/readyz', async (_req, reply) => {
    const [postgres, temporal] = await Promise.all([
      deps.pool.query('SELECT 1').then(() => 'up' as const, () => 'down' as const),
      deps.temporal
        .withDeadline(Date.now() + 2_000, () => deps.temporal.workflowService.getSystemInfo({}))
        .then(() => 'up' as const, () => 'down' as const),
    ]);
    return reply.code(postgres === 'up' && temporal === 'up' ? 200 : 503).send({ postgres, temporal });
  });

  return app;
}
