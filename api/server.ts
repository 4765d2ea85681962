// `npm run api`: the API alone against configured servers, as production runs it.
import { ConfigError, listenHost, loadConfig, temporalTls } from '../config';
import { connectPostgres } from '../db/connect';
import { connectTemporalClient } from '../services/temporal-client';
import { buildApp } from './app';
import { serveMetrics } from './metrics';

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.DATABASE_URL)
    throw new ConfigError('DATABASE_URL: is required for `npm run api` (npm start embeds Postgres)');
  if (!config.TEMPORAL_ADDRESS)
    throw new ConfigError('TEMPORAL_ADDRESS: is required for `npm run api` (npm start embeds Temporal)');
  const pool = await connectPostgres(config.DATABASE_URL, config.START_TIMEOUT_MS);
  const t = await connectTemporalClient(
    config.TEMPORAL_ADDRESS,
    config.TEMPORAL_NAMESPACE,
    config.START_TIMEOUT_MS,
    temporalTls(config),
  );
  const app = await buildApp({ config, pool, temporal: t.client, taskQueue: config.TEMPORAL_TASK_QUEUE });
  await app.listen({ port: config.PORT, host: listenHost(config) });
  // Metrics on their own listener, never the public port (METRICS_PORT=0: none; SECURITY.md "Operations").
  const metrics =
    config.METRICS_PORT === 0
      ? null
      : await serveMetrics(app.metricsRegistry, config.METRICS_HOST, config.METRICS_PORT);
  const shutdown = async () => {
    await metrics?.close();
    await app.close(); // stop accepting, finish in-flight requests
    await t.connection.close();
    await pool.end();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
