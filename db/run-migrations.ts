// `npm run migrate`: applies pending migrations to DATABASE_URL (production runs this before the API starts).
import { ConfigError, loadConfig } from '../config';
import { migrate } from '../db/migrate';
import { connectPostgres } from './system';

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
