// The in-app inbox (notifications, migration 0050): written by the in_app channel inside the dispatcher's
// transaction, read and marked read by its user through the API. A user only ever reads their own rows.
import type { PoolClient } from 'pg';
import type { Queryable } from '../pool';

export interface InboxEntry {
  userId: string;
  caseId: string | null;
  template: string;
  params: Record<string, unknown>;
  dedupeKey: string;
}

/** Idempotent per (user, dedupe key): a notice delivered twice, or by two paths, is one row. */
export async function insertInboxEntries(client: PoolClient, entries: InboxEntry[]): Promise<number> {
  if (entries.length === 0) return 0;
  const { rowCount } = await client.query(
    `INSERT INTO notifications (user_id, case_id, template, params, dedupe_key)
     SELECT r.user_id, r.case_id, r.template, r.params, r.dedupe_key
       FROM jsonb_to_recordset($1::jsonb) AS r(user_id text, case_id uuid, template text, params jsonb, dedupe_key text)
     ON CONFLICT (user_id, dedupe_key) DO NOTHING`,
    [
      JSON.stringify(
        entries.map((e) => ({
          user_id: e.userId,
          case_id: e.caseId,
          template: e.template,
          params: e.params,
          dedupe_key: e.dedupeKey,
        })),
      ),
    ],
  );
  return rowCount ?? 0;
}

/** The active accounts that act for an organisation: each gets the organisation's notices. */
export async function activeUsersOf(db: Queryable, organizationId: string): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM users WHERE organization_id = $1 AND active ORDER BY id`,
    [organizationId],
  );
  return rows.map((r) => r.id);
}

/** What delivery needs to know about a case: who its residents are, how they may be reached, and what an SMS says. */
export interface CaseForDelivery {
  id: string;
  trackingCode: string;
  categoryNameZh: string;
  tier: string;
  communityOrgId: string;
  residentUserId: string | null;
  coComplainants: string[];
  contactPreference: string | null;
  /** The case's contact phone, only when it is verified as the complainant's (own account's or confirmed by code). */
  verifiedPhone: string | null;
  evaluationDueAt: string | null;
}

export async function caseForDelivery(db: Queryable, caseId: string): Promise<CaseForDelivery | null> {
  const { rows } = await db.query<CaseForDelivery>(
    `SELECT c.id, c.tracking_code AS "trackingCode", k.name_zh AS "categoryNameZh", k.tier, c.community_org_id AS "communityOrgId",
            c.resident_user_id AS "residentUserId", c.co_complainants AS "coComplainants",
            c.contact_preference AS "contactPreference",
            CASE WHEN c.contact_verified THEN c.resident_phone END AS "verifiedPhone",
            c.deadlines -> 'evaluation' ->> 'dueAt' AS "evaluationDueAt"
       FROM cases c JOIN categories k ON k.code = c.category_code
      WHERE c.id = $1`,
    [caseId],
  );
  return rows[0] ?? null;
}

export interface InboxItem {
  id: string;
  caseId: string | null;
  trackingCode: string | null;
  categoryNameZh: string | null;
  categoryNameEn: string | null;
  template: string;
  params: Record<string, unknown>;
  createdAt: Date;
  readAt: Date | null;
}

/** Position in the inbox's order (unread first, then newest first): where the next page starts. */
export interface InboxCursor {
  read: boolean;
  createdAt: string;
  id: string;
}

export async function listInbox(
  db: Queryable,
  userId: string,
  opts: { unreadOnly: boolean; limit: number; after: InboxCursor | null },
): Promise<InboxItem[]> {
  const a = opts.after;
  const { rows } = await db.query<InboxItem>(
    `SELECT n.id::text, n.case_id AS "caseId", c.tracking_code AS "trackingCode", k.name_zh AS "categoryNameZh",
            k.name_en AS "categoryNameEn", n.template, n.params, n.created_at AS "createdAt", n.read_at AS "readAt"
       FROM notifications n
       LEFT JOIN cases c ON c.id = n.case_id
       LEFT JOIN categories k ON k.code = c.category_code
      WHERE n.user_id = $1 AND (NOT $2::boolean OR n.read_at IS NULL)
        AND ($3::boolean IS NULL
             OR (n.read_at IS NOT NULL) > $3::boolean
             OR ((n.read_at IS NOT NULL) = $3::boolean AND (n.created_at, n.id) < ($4::timestamptz, $5::bigint)))
      ORDER BY (n.read_at IS NOT NULL), n.created_at DESC, n.id DESC
      LIMIT $6`,
    [userId, opts.unreadOnly, a ? a.read : null, a?.createdAt ?? null, a?.id ?? null, opts.limit],
  );
  return rows;
}

export async function unreadCount(db: Queryable, userId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL`,
    [userId],
  );
  return rows[0].n;
}

/** Marks one of the user's own notices read; false when the user has no such notice (someone else's id is no different). */
export async function markRead(db: Queryable, userId: string, id: string): Promise<boolean> {
  const { rows } = await db.query(
    `UPDATE notifications SET read_at = COALESCE(read_at, now()) WHERE id = $1 AND user_id = $2 RETURNING id`,
    [id, userId],
  );
  return rows.length > 0;
}

export async function markAllRead(db: Queryable, userId: string): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL`,
    [userId],
  );
  return rowCount ?? 0;
}

/** Tells this user's open web apps (every API process) that their unread count changed without a new notice. */
export async function announceRead(db: Queryable, userId: string): Promise<void> {
  await db.query(`SELECT pg_notify('rs_notification', json_build_object('kind', 'read', 'userId', $1::text)::text)`, [
    userId,
  ]);
}
