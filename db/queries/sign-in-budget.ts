// The sign-in failure budget (migration 0040): failures per sign-in name ('username:…', 'phone:…'), kept in
// PostgreSQL so every API process counts the same, with a lockout once the budget is spent.
import type { Pool } from 'pg';
import { withTransaction } from '../pool';

export interface BudgetRules {
  maxFailures: number;
  lockoutSeconds: number;
}

export type Attempt = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Charges one attempt to every name in `subjects`, before the attempt is checked: parallel guesses each take their
 * own share and cannot all slip through while the first is being checked. Refused, and charged nothing, while any
 * of the names is locked. The attempt that spends the budget locks every name for `lockoutSeconds`; a successful
 * sign-in then calls `clearSignInFailures`. Failures older than the lockout period are forgotten.
 */
export async function takeSignInAttempt(pool: Pool, subjects: readonly string[], rules: BudgetRules): Promise<Attempt> {
  // One order for every caller, so two attempts on the same names cannot deadlock.
  const names = [...new Set(subjects)].sort();
  return withTransaction(pool, async (client) => {
    await client.query(
      `INSERT INTO sign_in_budgets (subject) SELECT unnest($1::text[]) ON CONFLICT (subject) DO NOTHING`,
      [names],
    );
    const { rows } = await client.query<{ retry: number | null }>(
      `SELECT ceil(extract(epoch FROM max(locked_until) FILTER (WHERE locked_until > now()) - now()))::int AS retry
         FROM (SELECT locked_until FROM sign_in_budgets WHERE subject = ANY($1::text[]) ORDER BY subject FOR UPDATE) b`,
      [names],
    );
    const retry = rows[0]?.retry;
    if (retry !== null && retry !== undefined) return { allowed: false, retryAfterSeconds: Math.max(1, retry) };
    // A window that has run out, or a lock that has (a refused attempt above would have returned): start afresh.
    await client.query(
      `WITH next AS (
         SELECT subject, (window_started_at <= now() - make_interval(secs => $3) OR locked_until IS NOT NULL) AS fresh
           FROM sign_in_budgets WHERE subject = ANY($1::text[]))
       UPDATE sign_in_budgets b
          SET failures = CASE WHEN next.fresh THEN 1 ELSE b.failures + 1 END,
              window_started_at = CASE WHEN next.fresh THEN now() ELSE b.window_started_at END,
              locked_until = CASE WHEN (CASE WHEN next.fresh THEN 1 ELSE b.failures + 1 END) >= $2
                                  THEN now() + make_interval(secs => $3) END,
              updated_at = now()
         FROM next WHERE b.subject = next.subject`,
      [names, rules.maxFailures, rules.lockoutSeconds],
    );
    return { allowed: true };
  });
}

/** A successful sign-in: the names' failures are forgotten. */
export async function clearSignInFailures(pool: Pool, subjects: readonly string[]): Promise<void> {
  await pool.query(`DELETE FROM sign_in_budgets WHERE subject = ANY($1::text[])`, [[...new Set(subjects)]]);
}
