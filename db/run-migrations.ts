// `npm run migrate` (compiled: `node dist/db/run-migrations.js`): applies pending migrations to DATABASE_URL, as
// production does once before the API and the worker start. It lives in db/ because production runs it.
import { ConfigError, loadConfig } from '../config';
import { connectPostgres } from './connect';
import { migrate } from './migrate';

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.DATABASE_URL) throw new ConfigError('DATABASE_URL: is required for `npm run migrate`');
  const pool = await connectPostgres(config.DATABASE_URL, config.START_TIMEOUT_MS);
  try {
    const applied = await migrate(pool);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'up to date');
  } finally {
    await pool.end();
  }
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
