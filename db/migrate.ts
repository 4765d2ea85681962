// Forward-only SQL migrations. Why our own runner rather than a library: see db/README.md.
import { createHash } from 'crypto';
import { readdirSync, readFileSync } from 'fs';
import path from 'path';
import type { Pool, PoolClient } from 'pg';
import { withTransaction } from './pool';

export const MIGRATIONS_DIR = path.join(__dirname, 'migrations');

/**
 * Key of the transaction-scoped advisory lock every migration transaction takes first. Two processes starting
 * at once (API and worker, or two replicas) queue on it instead of both applying the same file. Arbitrary but
 * fixed: 0x52535447 is "RSTG".
 */
const MIGRATION_LOCK_KEY = 0x52535447;

const FILE_NAME = /^(\d{4})_[a-z0-9_]+\.sql$/;

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

interface AppliedRow {
  name: string;
  checksum: string;
}

/** Reads db/migrations in name order. Line endings are normalised so a CRLF checkout keeps the same checksum. */
export function readMigrations(dir: string = MIGRATIONS_DIR): MigrationFile[] {
  const names = readdirSync(dir)
    .filter((name) => name.endsWith('.sql'))
    .sort();
  const seen = new Set<string>();
  return names.map((name) => {
    const match = FILE_NAME.exec(name);
    if (!match) throw new Error(`Migration file name ${name} must look like 0001_snake_case.sql`);
    if (seen.has(match[1])) throw new Error(`Two migration files share the number ${match[1]}`);
    seen.add(match[1]);
    const sql = readFileSync(path.join(dir, name), 'utf8').replace(/\r\n/g, '\n');
    return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
  });
}

/**
 * Applies every pending migration, each in its own transaction together with its schema_migrations row, and
 * returns the names applied by this call (empty when the database is up to date).
 */
export async function migrate(pool: Pool, dir: string = MIGRATIONS_DIR): Promise<string[]> {
  const files = readMigrations(dir);
  const appliedNow: string[] = [];
  for (;;) {
    // The lock is re-taken and the applied set re-read per file: another process may have moved on meanwhile.
    const name = await withTransaction(pool, (client) => applyNext(client, files));
    if (name === null) return appliedNow;
    appliedNow.push(name);
  }
}

async function applyNext(client: PoolClient, files: MigrationFile[]): Promise<string | null> {
  await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
  // Created under the lock, so concurrent first starts cannot race on CREATE TABLE.
  await client.query(`
    CREATE TABLE IF NOT EXISTS schema_migrations (
      name text PRIMARY KEY,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
  const { rows } = await client.query<AppliedRow>(
    'SELECT name, checksum FROM schema_migrations ORDER BY name COLLATE "C"',
  );
  const next = pendingMigration(files, rows);
  if (next === null) return null;
  await client.query(next.sql);
  await client.query('INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)', [next.name, next.checksum]);
  return next.name;
}

/**
 * Checks the applied history against the files and returns the first file not yet applied. Refuses to go on
 * when history and files disagree, because forward-only means the files are the record of what the schema is.
 */
export function pendingMigration(files: MigrationFile[], applied: AppliedRow[]): MigrationFile | null {
  const byName = new Map(files.map((file) => [file.name, file]));
  for (const row of applied) {
    const file = byName.get(row.name);
    if (!file) {
      throw new Error(
        `Migration ${row.name} is applied in the database but missing from the code; is this build older?`,
      );
    }
    if (file.checksum !== row.checksum) {
      throw new Error(
        `Migration ${row.name} was changed after it was applied (checksum differs). ` +
          'Applied migrations are never edited: add a new numbered file instead.',
      );
    }
  }
  const appliedNames = new Set(applied.map((row) => row.name));
  const pending = files.filter((file) => !appliedNames.has(file.name));
  if (pending.length === 0) return null;
  const lastApplied = applied.length > 0 ? applied[applied.length - 1].name : '';
  if (pending[0].name < lastApplied) {
    throw new Error(
      `Migration ${pending[0].name} sorts before the already applied ${lastApplied}; new migrations must be appended.`,
    );
  }
  return pending[0];
}
