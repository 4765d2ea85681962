// `npm start`: the whole system with demo data on one machine. Ctrl-C shuts down in order: stop accepting
// requests, drain the worker, close connections and the pool, stop Temporal and Postgres. Nothing is lost:
// cases live in Postgres and in Temporal's SQLite file under DATA_DIR, and the next start finds them there.
import { Runtime } from '@temporalio/worker';
import { ConfigError, loadConfig } from '../config';
import { DEMO_PASSWORD, DEMO_USERS } from '../db/seed-data';
import { startSystem } from './system';

async function main(): Promise<void> {
  const config = loadConfig();
  // We order the shutdown ourselves (API, worker drain, connections, pool, servers), so the SDK must not
  // react to Ctrl-C on its own and race us.
  Runtime.install({ shutdownSignals: [] });
  const system = await startSystem(config);
  const lines = [
    '',
    '红色管家 Red Steward is running',
    `  Web app       ${system.apiUrl}/`,
    `  API           ${system.apiUrl}/api/v1`,
    `  API docs      ${system.apiUrl}/docs`,
    `  Health        ${system.apiUrl}/readyz`,
    `  Metrics       ${system.metricsUrl ?? '(off: METRICS_PORT=0)'}  (internal only; not on the API port)`,
    `  Temporal UI   ${system.temporalUiUrl ?? '(external Temporal: see your cluster)'}`,
    `  Temporal      ${system.temporalAddress}`,
    `  PostgreSQL    ${system.databaseUrl}`,
    `  Data folder   ${config.DATA_DIR}`,
    `  Demo logins   ${Object.keys(DEMO_USERS).join(', ')} (password: ${DEMO_PASSWORD})`,
    '  Ctrl-C stops everything in order.',
    '',
  ];
  console.log(lines.join('\n'));
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: shutting down…`);
    // A Ctrl-C in a terminal reaches the embedded Postgres and Temporal server too (they share our process group), so
    // they stop alongside us and the pool's idle connections may end under it: expected now, not worth a line each.
    system.pool.removeAllListeners('error');
    system.pool.on('error', () => {});
    system.stop().then(
      () => {
        console.log('stopped.');
        process.exit(0);
      },
      (err) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  // The terminal closing: Postgres takes SIGHUP as "reload", so it would outlive us unless we stop it.
  process.on('SIGHUP', () => shutdown('SIGHUP'));
}

main().catch((err) => {
  // A configuration problem is one readable line, not a stack trace.
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
