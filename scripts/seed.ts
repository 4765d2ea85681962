// `npm run seed`: writes the demo district into DATABASE_URL (idempotent: a second run changes nothing).
import { ConfigError, loadConfig } from '../config';
import { seedDemo } from '../db/seed';
import { connectPostgres } from '../db/connect';

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.DATABASE_URL) throw new ConfigError('DATABASE_URL: is required for `npm run seed`');
  const pool = await connectPostgres(config.DATABASE_URL, config.START_TIMEOUT_MS);
  try {
    const { created } = await seedDemo(pool);
    console.log(created ? 'demo data seeded' : 'demo data already present');
  } finally {
    await pool.end();
  }
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
