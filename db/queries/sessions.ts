// Sign-in sessions (migration 0040). A session is one sign-in; its refresh token is `<session id>.<secret>` and only
// a SHA-256 of the secret is kept. Each request checks its access token's session through the API's cache, which
// the sessions trigger keeps current in every process (db/reference-cache.ts).
import type { Queryable } from '../pool';

/** What a request needs to know of its session. */
export interface SessionState {
  id: string;
  userId: string;
  expiresAt: Date;
  revokedAt: Date | null;
}

export type RevokedReason = 'sign_out' | 'refresh_reuse';

const SESSION_COLUMNS = `id::text, user_id AS "userId", expires_at AS "expiresAt", revoked_at AS "revokedAt"`;

/** A new session of `userId`; the user's sessions that ended more than a day ago go at the same time. */
export async function createSession(
  db: Queryable,
  input: { userId: string; refreshTokenHash: string; ttlSeconds: number },
): Promise<SessionState> {
  const { rows } = await db.query<SessionState>(
    `WITH gone AS (DELETE FROM sessions WHERE user_id = $1 AND expires_at < now() - interval '1 day')
     INSERT INTO sessions (user_id, refresh_token_hash, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))
     RETURNING ${SESSION_COLUMNS}`,
    [input.userId, input.refreshTokenHash, input.ttlSeconds],
  );
  return rows[0];
}

export async function getSession(db: Queryable, id: string): Promise<SessionState | null> {
  const { rows } = await db.query<SessionState>(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

export type Rotation =
  { kind: 'rotated'; session: SessionState } | { kind: 'reused'; session: SessionState } | { kind: 'invalid' };

/**
 * Replaces the refresh token of a live session when `presentedHash` is its current one. A live session presented
 * with any other secret is revoked: that is a refresh token already rotated (a copy in someone else's hands, or
 * the rightful client's that the thief renewed first), and neither holder can be told from the other.
 */
export async function rotateRefreshToken(
  db: Queryable,
  id: string,
  presentedHash: string,
  newHash: string,
): Promise<Rotation> {
  const { rows } = await db.query<SessionState & { matched: boolean }>(
    `WITH live AS (
       SELECT id, refresh_token_hash = $2 AS matched FROM sessions
        WHERE id = $1 AND revoked_at IS NULL AND expires_at > now() FOR UPDATE)
     UPDATE sessions s
        SET refresh_token_hash = CASE WHEN live.matched THEN $3 ELSE s.refresh_token_hash END,
            last_used_at = CASE WHEN live.matched THEN now() ELSE s.last_used_at END,
            revoked_at = CASE WHEN live.matched THEN NULL ELSE now() END,
            revoked_reason = CASE WHEN live.matched THEN NULL ELSE 'refresh_reuse' END
       FROM live WHERE s.id = live.id
     RETURNING s.id::text, s.user_id AS "userId", s.expires_at AS "expiresAt", s.revoked_at AS "revokedAt", live.matched`,
    [id, presentedHash, newHash],
  );
  const row = rows[0];
  if (!row) return { kind: 'invalid' };
  const { matched, ...session } = row;
  return matched ? { kind: 'rotated', session } : { kind: 'reused', session };
}

/** Ends a session; true when it was live. Every API process refuses its access tokens from the commit on. */
export async function revokeSession(db: Queryable, id: string, reason: RevokedReason): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE sessions SET revoked_at = now(), revoked_reason = $2 WHERE id = $1 AND revoked_at IS NULL`,
    [id, reason],
  );
  return (rowCount ?? 0) > 0;
}
