// Retention's writes (migration 0043, services/retention.ts): a batch of cases closed before the cut-off loses the
// resident's personal data, in one transaction with their events and their contact codes. Every statement is
// idempotent: a case is taken once (anonymised_at), and an event already anonymised is left alone.
import type { PoolClient } from 'pg';

export interface AnonymisedCase {
  id: string;
  /** The photo ids the case held before; the caller removes the files no other case names. */
  photos: string[];
}

// Kept: compound, building, category, organisations, every date, status, stage, level, deadline, outcome,
// satisfaction, solved and count (db/queries/stats.ts FACTS_SELECT, disclosure.ts), and intake's routing and terms.
// filed_by stays when staff or an integration filed the case: it names them, not the resident.
const ANONYMISE_CASES = `
  WITH due AS (
    SELECT id, photos FROM cases
     WHERE closed_at < $1 AND anonymised_at IS NULL
     ORDER BY closed_at
     LIMIT $3
     FOR UPDATE SKIP LOCKED
  )
  UPDATE cases c
     SET resident_user_id = NULL, resident_name = NULL, resident_phone = NULL, household_id = NULL,
         contact_preference = NULL, intake_key = NULL, co_complainants = '{}',
         filed_by = CASE WHEN c.filed_by = c.resident_user_id THEN NULL ELSE c.filed_by END,
         location = jsonb_strip_nulls(jsonb_build_object('building', c.location->'building')),
         description = '', photos = '[]',
         intake = c.intake || '{"residentUserId": null, "householdId": null}'::jsonb,
         anonymised_at = $2, updated_at = now()
    FROM due
   WHERE c.id = due.id
  RETURNING c.id, due.photos`;

/**
 * Anonymises up to `limit` cases closed before `cutoff`, oldest first. Rows another worker holds are skipped
 * (SKIP LOCKED), so several workers share the backlog instead of queueing on it. Run inside a transaction.
 */
export async function anonymiseCases(
  client: PoolClient,
  cutoff: Date,
  at: Date,
  limit: number,
): Promise<AnonymisedCase[]> {
  const { rows } = await client.query<AnonymisedCase>(ANONYMISE_CASES, [cutoff, at, limit]);
  if (rows.length === 0) return rows;
  const ids = rows.map((r) => r.id);
  // The one UPDATE of case_events the append-only trigger allows (0043 case_events_guard), for this transaction only.
  await client.query(`SELECT set_config('redsteward.retention', 'on', true)`);
  await client.query(
    `UPDATE case_events
        SET payload = anonymised_event_payload(payload), actor = anonymised_event_actor(actor)
      WHERE case_id = ANY($1::uuid[])
        AND (payload <> anonymised_event_payload(payload) OR actor <> anonymised_event_actor(actor))`,
    [ids],
  );
  await client.query(`SELECT set_config('redsteward.retention', 'off', true)`);
  // The codes that verified the contact phone, and the SMS rows that carried them to it.
  await client.query(
    `WITH codes AS (DELETE FROM contact_codes WHERE case_id = ANY($1::uuid[]) RETURNING id)
     DELETE FROM notification_outbox o USING codes WHERE o.dedupe_key = 'contact-code:' || codes.id`,
    [ids],
  );
  return rows;
}
