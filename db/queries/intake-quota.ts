// The intake quota's count: the cases an account filed in the last 24 hours (index cases_filed_by_created_idx).
import type { Queryable } from '../pool';

export interface IntakeUsage {
  /** Cases this account filed in the last 24 hours. */
  count: number;
  /** Seconds until the oldest of them leaves the window, freeing a place. */
  freesInSeconds: number;
  /** A case already filed with this (scoped) Idempotency-Key: a retry, which the quota never refuses. */
  retry: boolean;
}

export async function intakeUsage(db: Queryable, filedBy: string, intakeKey: string | null): Promise<IntakeUsage> {
  const { rows } = await db.query<{ count: number; frees: number | null; retry: boolean }>(
    `SELECT count(*)::int AS count,
            ceil(extract(epoch FROM min(created_at) + interval '24 hours' - now()))::int AS frees,
            EXISTS (SELECT 1 FROM cases WHERE intake_key = $2) AS retry
       FROM cases WHERE filed_by = $1 AND created_at > now() - interval '24 hours'`,
    [filedBy, intakeKey],
  );
  const r = rows[0];
  return { count: r.count, freesInSeconds: Math.max(1, r.frees ?? 1), retry: r.retry };
}
