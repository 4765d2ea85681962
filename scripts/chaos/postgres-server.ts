// Embedded PostgreSQL in a process of its own, for chaos runs that stop and start it under the system:
// argv = [dataDir, port]. Prints one JSON line {"url","pid"} when ready (pid: the postmaster's); SIGTERM stops the
// server cleanly. The data folder persists, so the next start on it finds every committed row (after crash
// recovery, when the previous server was stopped in immediate mode).
import { startEmbeddedPostgres } from '../stack';

async function main(): Promise<void> {
  const [dataDir, port] = process.argv.slice(2);
  if (!dataDir || !port) throw new Error('usage: scripts/chaos/postgres-server.ts <dataDir> <port>');
  const pg = await startEmbeddedPostgres({ dataDir, port: Number(port), persistent: true });
  console.log(JSON.stringify({ url: pg.url }));
  const stop = () => void pg.stop().finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
