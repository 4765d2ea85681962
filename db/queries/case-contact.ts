// The contact on a case (cases.resident_name, resident_phone, contact_verified) and the one-time codes that verify
// its phone (contact_codes, migration 0042). The contact lives only in the projection row: the workflow's intake
// never carries it, so confirming or verifying it changes no workflow history. Each change is one UPDATE of the row
// (which notifies the API's case cache, migration 0023) with its audit_log row, in one transaction.
import type { Pool } from 'pg';
import { withTransaction, type Queryable } from '../pool';
import { enqueueNotifications } from './case-events';

export interface CaseContact {
  id: string;
  trackingCode: string;
  residentUserId: string | null;
  filedBy: string | null;
  name: string | null;
  phone: string | null;
  verified: boolean;
}

export async function getCaseContact(db: Queryable, caseId: string): Promise<CaseContact | null> {
  const { rows } = await db.query<CaseContact>(
    `SELECT id, tracking_code AS "trackingCode", resident_user_id AS "residentUserId", filed_by AS "filedBy",
            resident_name AS name, resident_phone AS phone, contact_verified AS verified
       FROM cases WHERE id = $1`,
    [caseId],
  );
  return rows[0] ?? null;
}

/** The complainant's own account contact replaces whatever the case held; recorded in audit_log. */
export async function confirmOwnContact(
  pool: Pool,
  input: { caseId: string; userId: string; name: string | null; phone: string | null; requestId: string },
): Promise<void> {
  await withTransaction(pool, async (client) => {
    const { rows } = await client.query<{ name: string | null; phone: string | null; verified: boolean }>(
      `SELECT resident_name AS name, resident_phone AS phone, contact_verified AS verified FROM cases WHERE id = $1 FOR UPDATE`,
      [input.caseId],
    );
    await client.query(
      `UPDATE cases SET resident_name = $2, resident_phone = $3, contact_verified = true, updated_at = now() WHERE id = $1`,
      [input.caseId, input.name, input.phone],
    );
    // Which contact it replaced is kept as whether there was one, not the number: the audit log is read more widely.
    await audit(
      client,
      input.userId,
      'case.contact_confirmed',
      input.caseId,
      { hadContact: rows[0]?.phone != null, verified: rows[0]?.verified ?? null },
      input.requestId,
    );
  });
}

/**
 * The resend throttle: whether a code went to this case or to this phone within the last `seconds`, and how many
 * codes went to the phone in the last 24 hours, whichever case asked (one account may file several cases naming
 * the same stranger's phone).
 */
export async function contactCodesSent(
  db: Queryable,
  caseId: string,
  phone: string,
  seconds: number,
): Promise<{ recent: boolean; today: number }> {
  const { rows } = await db.query<{ recent: boolean; today: number }>(
    `SELECT EXISTS (SELECT 1 FROM contact_codes WHERE (case_id = $1 OR phone = $2) AND created_at > now() - make_interval(secs => $3)) AS recent,
            (SELECT count(*)::int FROM contact_codes WHERE phone = $2 AND created_at > now() - interval '24 hours') AS today`,
    [caseId, phone, seconds],
  );
  return rows[0];
}

/** A code for the case's phone, hashed, with the SMS that carries it in notification_outbox, in one transaction. */
export async function issueContactCode(
  pool: Pool,
  input: {
    caseId: string;
    trackingCode: string;
    phone: string;
    code: string;
    codeHash: string;
    requestedBy: string;
    ttlSeconds: number;
  },
): Promise<{ expiresAt: Date }> {
  return withTransaction(pool, async (client) => {
    const { rows } = await client.query<{ id: string; expires_at: Date }>(
      `INSERT INTO contact_codes (case_id, phone, code_hash, requested_by, expires_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5)) RETURNING id, expires_at`,
      [input.caseId, input.phone, input.codeHash, input.requestedBy, input.ttlSeconds],
    );
    const { id, expires_at: expiresAt } = rows[0];
    await enqueueNotifications(client, [
      {
        dedupeKey: `contact-code:${id}`,
        channel: 'sms',
        recipient: { phone: input.phone },
        template: 'case.contact_code',
        payload: { code: input.code, trackingCode: input.trackingCode, expiresAt: expiresAt.toISOString() },
      },
    ]);
    return { expiresAt };
  });
}

/**
 * Spends an attempt on the case's latest live code for its current phone; on a match the code is used up and the
 * contact marked verified (only while the phone is still the one the code went to). The row lock makes two
 * concurrent verifications of one code succeed at most once.
 */
export async function verifyContactCode(
  pool: Pool,
  input: { caseId: string; codeHash: string; maxAttempts: number; userId: string; requestId: string },
): Promise<boolean> {
  return withTransaction(pool, async (client) => {
    const { rows } = await client.query<{ ok: boolean }>(
      `WITH latest AS (
         SELECT k.id, k.code_hash FROM contact_codes k JOIN cases c ON c.id = k.case_id AND c.resident_phone = k.phone
          WHERE k.case_id = $1 AND k.used_at IS NULL AND k.expires_at > now() AND k.attempts < $3
          ORDER BY k.created_at DESC, k.id DESC LIMIT 1 FOR UPDATE OF k)
       UPDATE contact_codes k
          SET attempts = k.attempts + 1, used_at = CASE WHEN latest.code_hash = $2 THEN now() END
         FROM latest WHERE k.id = latest.id
       RETURNING k.used_at IS NOT NULL AS ok`,
      [input.caseId, input.codeHash, input.maxAttempts],
    );
    const ok = rows[0]?.ok ?? false;
    if (!ok) return false;
    await client.query(`UPDATE cases SET contact_verified = true, updated_at = now() WHERE id = $1`, [input.caseId]);
    await audit(client, input.userId, 'case.contact_verified', input.caseId, { by: 'sms_code' }, input.requestId);
    return true;
  });
}

async function audit(
  db: Queryable,
  userId: string,
  action: string,
  caseId: string,
  after: object,
  requestId: string,
): Promise<void> {
  // actor_user_id references users: an API key's actor ('api-key:<id>') is kept in the row's after instead.
  const isUser = !userId.startsWith('api-key:');
  await db.query(
    `INSERT INTO audit_log (actor_user_id, action, entity, entity_id, after, request_id) VALUES ($1, $2, 'case', $3, $4, $5)`,
    [isUser ? userId : null, action, caseId, JSON.stringify(isUser ? after : { ...after, actor: userId }), requestId],
  );
}
