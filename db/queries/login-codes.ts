// One-time sign-in codes for residents (login_codes). Only a keyed hash of each code is stored; the code itself
// travels once, in the notification outbox row that the SMS channel reads, written in the same transaction, and is
// removed from that row once sent.
import type { Pool } from 'pg';
import { withTransaction, type Queryable } from '../pool';
import { enqueueNotifications } from './case-events';

/** True when a code was issued to this phone within the last `seconds` (resend throttle). */
export async function codeIssuedWithin(db: Queryable, phone: string, seconds: number): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT 1 FROM login_codes WHERE phone = $1 AND created_at > now() - make_interval(secs => $2) LIMIT 1`,
    [phone, seconds],
  );
  return rows.length > 0;
}

export async function issueLoginCode(
  pool: Pool,
  input: { phone: string; codeHash: string; code: string; ttlSeconds: number },
): Promise<{ id: string; expiresAt: Date }> {
  return withTransaction(pool, async (client) => {
    const { rows } = await client.query<{ id: string; expires_at: Date }>(
      `INSERT INTO login_codes (phone, code_hash, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))
       RETURNING id, expires_at`,
      [input.phone, input.codeHash, input.ttlSeconds],
    );
    const { id, expires_at: expiresAt } = rows[0];
    await enqueueNotifications(client, [
      {
        dedupeKey: `login-code:${id}`,
        channel: 'sms',
        recipient: { phone: input.phone },
        template: 'auth.login_code',
        // Redacted by the sms channel once sent (services/delivery/sms-channel.ts).
        payload: { code: input.code, minutes: Math.round(input.ttlSeconds / 60), expiresAt: expiresAt.toISOString() },
      },
    ]);
    return { id, expiresAt };
  });
}

/**
 * Checks a code against the phone's latest live one and spends an attempt doing so: true once, on a match, after
 * which the code is used up. The row lock makes two concurrent verifications of one code succeed at most once.
 */
export async function consumeLoginCode(
  db: Queryable,
  phone: string,
  codeHash: string,
  maxAttempts: number,
): Promise<boolean> {
  const { rows } = await db.query<{ ok: boolean }>(
    `WITH latest AS (
       SELECT id, code_hash FROM login_codes
        WHERE phone = $1 AND used_at IS NULL AND expires_at > now() AND attempts < $3
        ORDER BY created_at DESC, id DESC LIMIT 1 FOR UPDATE)
     UPDATE login_codes l
        SET attempts = l.attempts + 1, used_at = CASE WHEN latest.code_hash = $2 THEN now() END
       FROM latest WHERE l.id = latest.id
     RETURNING l.used_at IS NOT NULL AS ok`,
    [phone, codeHash, maxAttempts],
  );
  return rows[0]?.ok ?? false;
}
