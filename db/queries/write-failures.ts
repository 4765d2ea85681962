// Case event writes that PostgreSQL refused as data errors (activities/index.ts): listed for an operator and
// counted by the API's metrics, so a case whose text could not be stored is seen, never silently stuck.
import type { Queryable } from '../pool';

export interface WriteFailure {
  caseId: string;
  fromSeq: number;
  toSeq: number;
  sqlstate: string;
  error: string;
  /** true: the text that could not be stored was replaced and the batch written; false: the batch is missing. */
  repaired: boolean;
}

export async function recordWriteFailure(db: Queryable, f: WriteFailure): Promise<void> {
  await db.query(
    `INSERT INTO event_write_failures (case_id, from_seq, to_seq, sqlstate, error, repaired) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (case_id, from_seq, repaired) DO NOTHING`,
    [f.caseId, f.fromSeq, f.toSeq, f.sqlstate, f.error, f.repaired],
  );
}

export async function countWriteFailures(db: Queryable): Promise<{ repaired: number; lost: number }> {
  const { rows } = await db.query<{ repaired: number; lost: number }>(
    `SELECT count(*) FILTER (WHERE repaired)::int AS repaired, count(*) FILTER (WHERE NOT repaired)::int AS lost FROM event_write_failures`,
  );
  return rows[0];
}
