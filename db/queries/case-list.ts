// Reads of the case projection for the API: one case with the names a reader needs, the timeline, and scoped,
// filtered, keyset-paginated lists. Who may see which case is enforced here, inside the WHERE clause, so a page
// never holds a row the caller may not see and the cursor never skips or repeats one.
import type { Pool, PoolClient } from 'pg';
import type { CalendarData } from '../../domain/types';
import type { Queryable } from '../pool';
import { containsPattern } from './search';

/** Which cases a caller may see, by role (api/visibility.ts builds it from the actor). */
export type ListScope =
  | { kind: 'all' }
  | { kind: 'none' }
  | { kind: 'resident'; userId: string }
  | { kind: 'handler'; orgId: string }
  | { kind: 'supervisor'; orgId: string }
  | { kind: 'party_member'; personId: string | null; orgId: string | null };

export interface CaseViewRow {
  id: string;
  trackingCode: string;
  categoryCode: string;
  categoryNameZh: string;
  categoryNameEn: string;
  compoundCode: string;
  compoundNameZh: string;
  compoundNameEn: string;
  householdId: string | null;
  residentUserId: string | null;
  residentName: string | null;
  residentPhone: string | null;
  location: Record<string, string>;
  description: string;
  contactPreference: string | null;
  photos: string[];
  status: string;
  stage: string;
  level: string;
  handlerOrgId: string | null;
  supervisorOrgId: string | null;
  communityOrgId: string;
  streetOrgId: string | null;
  followUpOwner: { kind: 'grid_branch' | 'party_member'; id: string } | null;
  handlerHistory: string[];
  coComplainants: string[];
  pendingRequest: { kind: 'return' | 'pause'; reason: string; requestedAt: number } | null;
  pausedSince: string | Date | null;
  mergedInto: string | null;
  awaitingVerification: boolean;
  publiclyNoticed: boolean;
  contactVerified: boolean;
  deadlines: Record<string, { dueAt: string; startedAt: string; breachedAt: string | null; extended: number }>;
  overdue: boolean;
  pendingExtension: Record<string, unknown> | null;
  reopenCount: number;
  escalationCount: number;
  returnedCount: number;
  outcome: string | null;
  satisfaction: string | null;
  solved: boolean | null;
  chain: { communityOrgId: string; streetOrgId: string; organizationDepartmentId: string } | null;
  calendar: CalendarData | null;
  createdAt: Date;
  updatedAt: Date;
  dispatchedAt: Date | null;
  acknowledgedAt: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  /** created_at to the microsecond, for the cursor: a JS Date would round it to milliseconds. */
  cursorAt: string;
}

// The columns of a case view except its times, which the list reads as Dates and the detail read as text.
const VIEW_FIELDS = `
         c.id, c.tracking_code AS "trackingCode", c.category_code AS "categoryCode", cat.name_zh AS "categoryNameZh",
         cat.name_en AS "categoryNameEn", c.compound_code AS "compoundCode", cp.name_zh AS "compoundNameZh",
         cp.name_en AS "compoundNameEn", c.household_id AS "householdId", c.resident_user_id AS "residentUserId",
         c.resident_name AS "residentName", c.resident_phone AS "residentPhone", c.location, c.description,
         c.contact_preference AS "contactPreference", c.photos, c.status, c.stage, c.level,
         c.handler_org_id AS "handlerOrgId", c.supervisor_org_id AS "supervisorOrgId", c.community_org_id AS "communityOrgId",
         c.street_org_id AS "streetOrgId", c.follow_up_owner AS "followUpOwner", c.deadlines, c.overdue,
         c.handler_history AS "handlerHistory", c.co_complainants AS "coComplainants", c.pending_request AS "pendingRequest",
         c.paused_since AS "pausedSince", c.merged_into AS "mergedInto", c.awaiting_verification AS "awaitingVerification",
         c.publicly_noticed AS "publiclyNoticed", c.contact_verified AS "contactVerified",
         c.pending_extension AS "pendingExtension", c.reopen_count AS "reopenCount", c.escalation_count AS "escalationCount",
         c.returned_count AS "returnedCount", c.outcome, c.satisfaction, c.solved, c.intake->'chain' AS chain`;
const TIME_FIELDS = [
  ['created_at', 'createdAt'],
  ['updated_at', 'updatedAt'],
  ['dispatched_at', 'dispatchedAt'],
  ['acknowledged_at', 'acknowledgedAt'],
  ['resolved_at', 'resolvedAt'],
  ['closed_at', 'closedAt'],
] as const;
/** A timestamptz as Date#toISOString writes it (UTC, milliseconds truncated like pg's Date parsing). */
const isoText = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const VIEW_COLUMNS = `${VIEW_FIELDS}, ${TIME_FIELDS.map(([column, name]) => `c.${column} AS "${name}"`).join(', ')},
         to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "cursorAt"`;
const VIEW_FROM = `
    FROM cases c
    JOIN categories cat ON cat.code = c.category_code
    JOIN compounds cp ON cp.code = c.compound_code`;
const VIEW_SELECT = `SELECT ${VIEW_COLUMNS}, c.intake->'calendar' AS calendar ${VIEW_FROM}`;

export async function getCaseView(
  db: Queryable,
  by: { id: string } | { trackingCode: string },
): Promise<CaseViewRow | null> {
  const [column, value] = 'id' in by ? ['c.id', by.id] : ['c.tracking_code', by.trackingCode];
  const { rows } = await db.query<CaseViewRow>(`${VIEW_SELECT} WHERE ${column} = $1`, [value]);
  return rows[0] ?? null;
}

/** What deciding who may see a case needs (api/visibility.ts scopeOfRow): no names, times or timeline. */
export type CaseScopeRow = Pick<
  CaseViewRow,
  | 'id'
  | 'residentUserId'
  | 'coComplainants'
  | 'handlerOrgId'
  | 'handlerHistory'
  | 'level'
  | 'supervisorOrgId'
  | 'chain'
  | 'communityOrgId'
  | 'streetOrgId'
  | 'followUpOwner'
  | 'compoundCode'
  | 'trackingCode'
  | 'status'
>;

// Named, so each pooled connection plans it once: every action reads it before its Update.
const SCOPE_BY_ID = `
  SELECT c.id, c.resident_user_id AS "residentUserId", c.co_complainants AS "coComplainants", c.handler_org_id AS "handlerOrgId",
         c.handler_history AS "handlerHistory", c.level, c.supervisor_org_id AS "supervisorOrgId", c.intake->'chain' AS chain,
         c.community_org_id AS "communityOrgId", c.street_org_id AS "streetOrgId", c.follow_up_owner AS "followUpOwner",
         c.compound_code AS "compoundCode", c.tracking_code AS "trackingCode", c.status
    FROM cases c WHERE c.id = $1`;

/** The case's visibility scope by id, or null: the action routes' read (a tenth of getCaseView's columns, no joins). */
export async function getCaseScope(db: Pool | PoolClient, id: string): Promise<CaseScopeRow | null> {
  const { rows } = await db.query<CaseScopeRow>({ name: 'case-scope-by-id', text: SCOPE_BY_ID, values: [id] });
  return rows[0] ?? null;
}

/** One entry of a case's timeline, as the API shows it: `at` is ISO 8601 in UTC to the millisecond, like Date#toISOString. */
export interface TimelineEntry {
  seq: number;
  type: string;
  at: string;
  actor: { userId?: string; role?: string; organizationId?: string | null };
  payload: Record<string, unknown>;
}

type TimeField = (typeof TIME_FIELDS)[number][1];

/**
 * A case as GET /cases/:id reads it: the fields of CaseViewRow with its times as ISO 8601 text (what the answer
 * shows) and its timeline. The same for every caller (who may see it is decided from it: api/visibility.ts), so
 * the API may keep it until the case changes (db/case-cache.ts).
 */
export type CaseDetailRow = Omit<CaseViewRow, TimeField | 'cursorAt'> &
  Record<'createdAt' | 'updatedAt', string> &
  Record<Exclude<TimeField, 'createdAt' | 'updatedAt'>, string | null> & {
    timeline: TimelineEntry[];
  };

// The case read of GET /cases/:id in one round trip, as one JSON value (one field for pg to describe and parse
// instead of fifty): the row with its category and compound names, its calendar (fixed at intake) and the whole
// timeline (ordered by seq). Named, so each pooled connection plans it once.
const DETAIL_SELECT = `
  SELECT to_json(d) AS detail FROM (
    SELECT ${VIEW_FIELDS}, ${TIME_FIELDS.map(([column, name]) => `${isoText(`c.${column}`)} AS "${name}"`).join(', ')},
           c.intake->'calendar' AS calendar,
           (SELECT coalesce(json_agg(json_build_object('seq', e.seq, 'type', e.type, 'at', ${isoText('e.at')},
                     'actor', e.actor, 'payload', e.payload) ORDER BY e.seq), '[]'::json)
              FROM case_events e WHERE e.case_id = c.id) AS timeline
      ${VIEW_FROM}`;
const DETAIL_BY_ID = `${DETAIL_SELECT} WHERE c.id = $1) d`;
const DETAIL_BY_TRACKING_CODE = `${DETAIL_SELECT} WHERE c.tracking_code = $1) d`;

/** One case with its timeline and calendar. */
export async function getCaseDetail(
  db: Pool | PoolClient,
  by: { id: string } | { trackingCode: string },
): Promise<CaseDetailRow | null> {
  const [name, text, value] =
    'id' in by
      ? ['case-detail-by-id', DETAIL_BY_ID, by.id]
      : ['case-detail-by-tracking-code', DETAIL_BY_TRACKING_CODE, by.trackingCode];
  const { rows } = await db.query<{ detail: CaseDetailRow }>({ name, text, values: [value] });
  return rows[0]?.detail ?? null;
}

/** Collects positional parameters so fragments can be composed without counting by hand. */
export class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

/** The WHERE fragment of who may see which case (alias `c` for cases); stats and exports reuse it. */
export function scopeSql(scope: ListScope, p: Params): string {
  switch (scope.kind) {
    case 'all':
      return 'TRUE';
    case 'none':
      return 'FALSE';
    case 'resident':
      return `(c.resident_user_id = ${p.add(scope.userId)} OR ${p.add(scope.userId)} = ANY(c.co_complainants))`;
    case 'handler': {
      const org = p.add(scope.orgId);
      // Every handler the case has had, and a department whose Party organisation supervises it (domain/policy.ts).
      return `(c.handler_org_id = ${org} OR ${org} = ANY(c.handler_history) OR c.supervisor_org_id = ${org})`;
    }
    case 'supervisor': {
      const org = p.add(scope.orgId);
      return `(c.community_org_id = ${org} OR c.street_org_id = ${org} OR c.intake->'chain'->>'organizationDepartmentId' = ${org})`;
    }
    case 'party_member':
      return `(c.follow_up_owner->>'kind' = 'party_member' AND c.follow_up_owner->>'id' = ${p.add(scope.personId)}
           OR c.follow_up_owner->>'kind' = 'grid_branch' AND c.follow_up_owner->>'id' = ${p.add(scope.orgId)})`;
  }
}

/** Open and past a response or resolution deadline (the projection's flag lags the due moment by a timer tick). */
export const OVERDUE_SQL = `(c.status <> 'closed' AND (c.overdue OR EXISTS (
    SELECT 1 FROM jsonb_each(c.deadlines) d
     WHERE d.key IN ('response', 'resolution') AND (d.value->>'dueAt')::timestamptz <= now())))`;

export interface CaseListFilter {
  status?: string;
  stage?: string;
  level?: string;
  communityOrgId?: string;
  compoundCode?: string;
  /** The generated `building` column (migration 0060), as hotspots group by it. */
  building?: string;
  handlerOrgId?: string;
  categoryCode?: string;
  overdue?: boolean;
  /** Inclusive lower and exclusive upper bound on created_at. */
  createdFrom?: Date;
  createdBefore?: Date;
  text?: string;
  /** A decision or an assignment waiting for `deciderOrgId` (null: anyone's, for an admin): see PENDING_SQL. */
  pending?: PendingKind;
  deciderOrgId?: string | null;
}

export type PendingKind = 'extension' | 'return' | 'pause' | 'follow_up';

// The organisation that decides a case's requests (domain/policy.ts controllerOf): never the one that asked.
const CONTROLLER_SQL = `(CASE WHEN c.supervisor_org_id = c.handler_org_id THEN c.intake->'chain'->>'organizationDepartmentId' ELSE c.supervisor_org_id END)`;
const PENDING_SQL: Record<PendingKind, string> = {
  extension: 'c.pending_extension IS NOT NULL',
  return: "c.pending_request->>'kind' = 'return'",
  pause: "c.pending_request->>'kind' = 'pause'",
  // 待指派: the community committee names a follow-up owner for each open case (domain.md 跟踪督促).
  follow_up: "c.follow_up_owner IS NULL AND c.status NOT IN ('closed', 'resolved')",
};

/** What waits for the organisation: a request it decides as the controller, or a case of its community to assign. */
function pendingSql(kind: PendingKind, org: string | null, p: Params): string {
  if (org === null) return PENDING_SQL[kind];
  const who = kind === 'follow_up' ? 'c.community_org_id' : CONTROLLER_SQL;
  return `(${PENDING_SQL[kind]} AND ${who} = ${p.add(org)})`;
}

export interface CaseCursor {
  at: string;
  id: string;
}

/** Newest first, ties broken by id, so the order is total and a cursor lands between two exact rows. */
export async function listCases(
  db: Queryable,
  scope: ListScope,
  f: CaseListFilter,
  page: { limit: number; after?: CaseCursor },
): Promise<{ rows: CaseViewRow[]; next: CaseCursor | null }> {
  const p = new Params();
  const where = [scopeSql(scope, p)];
  const eq = (column: string, v: string | undefined) => v !== undefined && where.push(`${column} = ${p.add(v)}`);
  eq('c.status', f.status);
  eq('c.stage', f.stage);
  eq('c.level', f.level);
  eq('c.community_org_id', f.communityOrgId);
  eq('c.compound_code', f.compoundCode);
  eq('c.building', f.building);
  eq('c.handler_org_id', f.handlerOrgId);
  eq('c.category_code', f.categoryCode);
  if (f.overdue !== undefined) where.push(f.overdue ? OVERDUE_SQL : `NOT ${OVERDUE_SQL}`);
  if (f.createdFrom) where.push(`c.created_at >= ${p.add(f.createdFrom)}`);
  if (f.createdBefore) where.push(`c.created_at < ${p.add(f.createdBefore)}`);
  if (f.pending) where.push(pendingSql(f.pending, f.deciderOrgId ?? null, p));
  if (f.text) {
    const pattern = p.add(containsPattern(f.text));
    where.push(`(c.description ILIKE ${pattern} OR c.tracking_code ILIKE ${pattern})`);
  }
  if (page.after)
    where.push(`(c.created_at, c.id) < (${p.add(page.after.at)}::timestamptz, ${p.add(page.after.id)}::uuid)`);
  const sql = `${VIEW_SELECT} WHERE ${where.join(' AND ')} ORDER BY c.created_at DESC, c.id DESC LIMIT ${p.add(page.limit + 1)}`;
  const { rows } = await db.query<CaseViewRow>(sql, p.values);
  const more = rows.length > page.limit;
  const pageRows = more ? rows.slice(0, page.limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return { rows: pageRows, next: more && last ? { at: last.cursorAt, id: last.id } : null };
}
