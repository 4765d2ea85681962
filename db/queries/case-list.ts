// Reads of the case projection for the API: one case with the names a reader needs, the timeline, and scoped,
// filtered, keyset-paginated lists. Who may see which case is enforced here, inside the WHERE clause, so a page
// never holds a row the caller may not see and the cursor never skips or repeats one.
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

const VIEW_SELECT = `
  SELECT c.id, c.tracking_code AS "trackingCode", c.category_code AS "categoryCode", cat.name_zh AS "categoryNameZh",
         cat.name_en AS "categoryNameEn", c.compound_code AS "compoundCode", cp.name_zh AS "compoundNameZh",
         cp.name_en AS "compoundNameEn", c.household_id AS "householdId", c.resident_user_id AS "residentUserId",
         c.resident_name AS "residentName", c.resident_phone AS "residentPhone", c.location, c.description,
         c.contact_preference AS "contactPreference", c.photos, c.status, c.stage, c.level,
         c.handler_org_id AS "handlerOrgId", c.supervisor_org_id AS "supervisorOrgId", c.community_org_id AS "communityOrgId",
         c.street_org_id AS "streetOrgId", c.follow_up_owner AS "followUpOwner", c.deadlines, c.overdue,
         c.pending_extension AS "pendingExtension", c.reopen_count AS "reopenCount", c.escalation_count AS "escalationCount",
         c.returned_count AS "returnedCount", c.outcome, c.satisfaction, c.solved, c.intake->'chain' AS chain,
         c.intake->'calendar' AS calendar, c.created_at AS "createdAt", c.updated_at AS "updatedAt",
         c.dispatched_at AS "dispatchedAt", c.acknowledged_at AS "acknowledgedAt", c.resolved_at AS "resolvedAt",
         c.closed_at AS "closedAt", to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "cursorAt"
    FROM cases c
    JOIN categories cat ON cat.code = c.category_code
    JOIN compounds cp ON cp.code = c.compound_code`;

export async function getCaseView(db: Queryable, by: { id: string } | { trackingCode: string }): Promise<CaseViewRow | null> {
  const [column, value] = 'id' in by ? ['c.id', by.id] : ['c.tracking_code', by.trackingCode];
  const { rows } = await db.query<CaseViewRow>(`${VIEW_SELECT} WHERE ${column} = $1`, [value]);
  return rows[0] ?? null;
}

/** Whether the case was ever dispatched or forwarded to this organisation (it keeps seeing it afterwards). */
export async function handledBefore(db: Queryable, caseId: string, orgId: string): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT 1 FROM case_events WHERE case_id = $1 AND (
       (type IN ('dispatched', 'returned') AND payload->>'handlerOrgId' = $2) OR (type = 'forwarded' AND payload->>'departmentOrgId' = $2))
     LIMIT 1`,
    [caseId, orgId],
  );
  return rows.length > 0;
}

export interface TimelineRow {
  seq: number;
  type: string;
  at: Date;
  actor: { userId?: string; role?: string; organizationId?: string | null };
  payload: Record<string, unknown>;
}

export async function listTimeline(db: Queryable, caseId: string): Promise<TimelineRow[]> {
  const { rows } = await db.query<TimelineRow>('SELECT seq, type, at, actor, payload FROM case_events WHERE case_id = $1 ORDER BY seq', [caseId]);
  return rows;
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
      return `c.resident_user_id = ${p.add(scope.userId)}`;
    case 'handler': {
      const org = p.add(scope.orgId);
      return `(c.handler_org_id = ${org} OR c.id IN (
          SELECT e.case_id FROM case_events e WHERE e.type IN ('dispatched', 'returned') AND e.payload->>'handlerOrgId' = ${org}
          UNION ALL
          SELECT e.case_id FROM case_events e WHERE e.type = 'forwarded' AND e.payload->>'departmentOrgId' = ${org}))`;
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
  handlerOrgId?: string;
  categoryCode?: string;
  overdue?: boolean;
  /** Inclusive lower and exclusive upper bound on created_at. */
  createdFrom?: Date;
  createdBefore?: Date;
  text?: string;
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
  eq('c.handler_org_id', f.handlerOrgId);
  eq('c.category_code', f.categoryCode);
  if (f.overdue !== undefined) where.push(f.overdue ? OVERDUE_SQL : `NOT ${OVERDUE_SQL}`);
  if (f.createdFrom) where.push(`c.created_at >= ${p.add(f.createdFrom)}`);
  if (f.createdBefore) where.push(`c.created_at < ${p.add(f.createdBefore)}`);
  if (f.text) {
    const pattern = p.add(containsPattern(f.text));
    where.push(`(c.description ILIKE ${pattern} OR c.tracking_code ILIKE ${pattern})`);
  }
  if (page.after) where.push(`(c.created_at, c.id) < (${p.add(page.after.at)}::timestamptz, ${p.add(page.after.id)}::uuid)`);
  const sql = `${VIEW_SELECT} WHERE ${where.join(' AND ')} ORDER BY c.created_at DESC, c.id DESC LIMIT ${p.add(page.limit + 1)}`;
  const { rows } = await db.query<CaseViewRow>(sql, p.values);
  const more = rows.length > page.limit;
  const pageRows = more ? rows.slice(0, page.limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return { rows: pageRows, next: more && last ? { at: last.cursorAt, id: last.id } : null };
}

export interface OrgName {
  id: string;
  kind: string;
  nameZh: string;
  nameEn: string;
}

/** Names of organisations and people a page of cases mentions, in one round trip. */
export async function namesFor(db: Queryable, orgIds: string[], personIds: string[]): Promise<{ orgs: Map<string, OrgName>; people: Map<string, { nameZh: string; nameEn: string }> }> {
  const [orgs, people] = await Promise.all([
    db.query<OrgName>('SELECT id, kind, name_zh AS "nameZh", name_en AS "nameEn" FROM organizations WHERE id = ANY($1::text[])', [[...new Set(orgIds)]]),
    db.query<{ id: string; nameZh: string; nameEn: string }>('SELECT id, name_zh AS "nameZh", name_en AS "nameEn" FROM people WHERE id = ANY($1::text[])', [[...new Set(personIds)]]),
  ]);
  return { orgs: new Map(orgs.rows.map((o) => [o.id, o])), people: new Map(people.rows.map((r) => [r.id, { nameZh: r.nameZh, nameEn: r.nameEn }])) };
}
