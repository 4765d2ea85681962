// Accountability (问责) records against the responsibility list (责任清单): read them in the caller's scope, let
// the organisation answer once and its supervisor close once (0021 enforces "once" in the database as well),
// and file a supervisor's own finding.
import type { Queryable } from '../pool';
import { Params, scopeSql } from './case-list';

/**
 * The organisations a supervisor supervises: everything below it in the Party tree, the property companies and
 * owners' committees of the compounds in its communities, and the functional departments it supervises from
 * outside the tree (organisation department). `org` is a placeholder already added to the parameters.
 */
export function supervisedOrgsSql(org: string): string {
  return `(WITH RECURSIVE tree(id) AS (
      SELECT id FROM organizations WHERE id = ${org}
      UNION SELECT o.id FROM organizations o JOIN tree t ON o.parent_id = t.id)
    SELECT id FROM tree WHERE id <> ${org}
    UNION SELECT cp.property_company_org_id FROM compounds cp WHERE cp.community_org_id IN (SELECT id FROM tree)
    UNION SELECT cp.owners_committee_org_id FROM compounds cp WHERE cp.community_org_id IN (SELECT id FROM tree) AND cp.owners_committee_org_id IS NOT NULL
    UNION SELECT o.id FROM organizations o WHERE o.supervised_by IN (SELECT id FROM tree))`;
}

export async function supervises(db: Queryable, supervisorOrgId: string, orgId: string): Promise<boolean> {
  const { rows } = await db.query(`SELECT 1 WHERE $2 IN ${supervisedOrgsSql('$1')}`, [supervisorOrgId, orgId]);
  return rows.length > 0;
}

/** Who may read which records: admins all; an organisation its own; a supervisor also what it supervises. */
export type AccountabilityScope =
  { kind: 'all' } | { kind: 'organization'; orgId: string } | { kind: 'supervisor'; orgId: string };

function scopeWhere(scope: AccountabilityScope, p: Params): string {
  if (scope.kind === 'all') return 'TRUE';
  const org = p.add(scope.orgId);
  if (scope.kind === 'organization') return `r.organization_id = ${org}`;
  // Also the records on cases it supervises (a department's breach on a case of its community), as with cases.
  return `(r.organization_id = ${org} OR r.organization_id IN ${supervisedOrgsSql(org)}
           OR EXISTS (SELECT 1 FROM cases c WHERE c.id = r.case_id AND ${scopeSql({ kind: 'supervisor', orgId: scope.orgId }, p)}))`;
}

export interface AccountabilityRow {
  id: string;
  caseId: string | null;
  trackingCode: string | null;
  organizationId: string;
  organizationKind: string;
  organizationNameZh: string;
  organizationNameEn: string;
  /** Never null since 0031: every record names one duty of its organisation's kind. */
  dutyCode: string;
  dutyTitleZh: string;
  dutyTitleEn: string;
  dutyArea: { code: string; titleZh: string; titleEn: string } | null;
  source: 'breach' | 'unsatisfied' | 'finding' | 'silence';
  deadlineKind: string | null;
  level: string | null;
  reason: string;
  consequence: string | null;
  filedBy: string | null;
  answer: string | null;
  answeredAt: Date | null;
  answeredBy: string | null;
  closedAt: Date | null;
  closedBy: string | null;
  closeReason: string | null;
  createdAt: Date;
  cursorAt: string;
}

const SELECT = `
  SELECT r.id, r.case_id AS "caseId", c.tracking_code AS "trackingCode", r.organization_id AS "organizationId",
         o.kind AS "organizationKind", o.name_zh AS "organizationNameZh", o.name_en AS "organizationNameEn",
         r.duty_code AS "dutyCode", d.title_zh AS "dutyTitleZh", d.title_en AS "dutyTitleEn",
         CASE WHEN a.code IS NULL THEN NULL ELSE jsonb_build_object('code', a.code, 'titleZh', a.title_zh, 'titleEn', a.title_en) END AS "dutyArea", r.source,
         r.deadline_kind AS "deadlineKind", r.level, r.reason, r.consequence, r.filed_by AS "filedBy", r.answer,
         r.answered_at AS "answeredAt", r.answered_by AS "answeredBy", r.closed_at AS "closedAt", r.closed_by AS "closedBy",
         r.close_reason AS "closeReason", r.created_at AS "createdAt",
         to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "cursorAt"
    FROM accountability_records r
    JOIN organizations o ON o.id = r.organization_id
    JOIN responsibility_duties d ON d.code = r.duty_code
    LEFT JOIN responsibility_areas a ON a.code = d.area
    LEFT JOIN cases c ON c.id = r.case_id`;

export interface AccountabilityFilter {
  organizationId?: string;
  caseId?: string;
  source?: string;
  status?: 'open' | 'answered' | 'closed';
  /** created_at in [from, to) */
  from?: Date;
  to?: Date;
  id?: string;
}

const STATUS_SQL = {
  open: 'r.answered_at IS NULL AND r.closed_at IS NULL',
  answered: 'r.answered_at IS NOT NULL AND r.closed_at IS NULL',
  closed: 'r.closed_at IS NOT NULL',
};

/** Newest first with a (created_at, id) keyset, like the case list. */
export async function listAccountability(
  db: Queryable,
  scope: AccountabilityScope,
  f: AccountabilityFilter,
  page: { limit: number; after?: { at: string; id: string } },
): Promise<{ rows: AccountabilityRow[]; next: { at: string; id: string } | null }> {
  const p = new Params();
  const where = [scopeWhere(scope, p)];
  if (f.id) where.push(`r.id = ${p.add(f.id)}`);
  if (f.organizationId) where.push(`r.organization_id = ${p.add(f.organizationId)}`);
  if (f.caseId) where.push(`r.case_id = ${p.add(f.caseId)}`);
  if (f.source) where.push(`r.source = ${p.add(f.source)}`);
  if (f.status) where.push(STATUS_SQL[f.status]);
  if (f.from) where.push(`r.created_at >= ${p.add(f.from)}`);
  if (f.to) where.push(`r.created_at < ${p.add(f.to)}`);
  if (page.after)
    where.push(`(r.created_at, r.id) < (${p.add(page.after.at)}::timestamptz, ${p.add(page.after.id)}::uuid)`);
  const sql = `${SELECT} WHERE ${where.join(' AND ')} ORDER BY r.created_at DESC, r.id DESC LIMIT ${p.add(page.limit + 1)}`;
  const { rows } = await db.query<AccountabilityRow>(sql, p.values);
  const more = rows.length > page.limit;
  const pageRows = more ? rows.slice(0, page.limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return { rows: pageRows, next: more && last ? { at: last.cursorAt, id: last.id } : null };
}

export async function getAccountability(
  db: Queryable,
  scope: AccountabilityScope,
  id: string,
): Promise<AccountabilityRow | null> {
  return (await listAccountability(db, scope, { id }, { limit: 1 })).rows[0] ?? null;
}

/** The organisation's one answer; false when it was already answered or closed (the caller reads which). */
export async function answerRecord(db: Queryable, id: string, userId: string, answer: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE accountability_records SET answer = $3, answered_at = now(), answered_by = $2
      WHERE id = $1 AND answered_at IS NULL AND closed_at IS NULL`,
    [id, userId, answer],
  );
  return rowCount === 1;
}

export async function closeRecord(db: Queryable, id: string, userId: string, reason: string): Promise<boolean> {
  const { rowCount } = await db.query(
    'UPDATE accountability_records SET closed_at = now(), closed_by = $2, close_reason = $3 WHERE id = $1 AND closed_at IS NULL',
    [id, userId, reason],
  );
  return rowCount === 1;
}

export interface Finding {
  organizationId: string;
  dutyCode: string;
  caseId: string | null;
  reason: string;
  consequence: string;
  level: string;
  filedBy: string;
  /** Makes a retried request file one record. */
  dedupeKey: string;
}

/** Files the finding once per dedupe key; returns its id and whether this call created it. */
export async function insertFinding(db: Queryable, f: Finding): Promise<{ id: string; created: boolean }> {
  const inserted = await db.query<{ id: string }>(
    `INSERT INTO accountability_records (case_id, organization_id, duty_code, reason, source, level, dedupe_key, filed_by, consequence)
     VALUES ($1, $2, $3, $4, 'finding', $5, $6, $7, $8) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
    [f.caseId, f.organizationId, f.dutyCode, f.reason, f.level, f.dedupeKey, f.filedBy, f.consequence],
  );
  if (inserted.rows[0]) return { id: inserted.rows[0].id, created: true };
  const { rows } = await db.query<{ id: string }>('SELECT id FROM accountability_records WHERE dedupe_key = $1', [
    f.dedupeKey,
  ]);
  return { id: rows[0].id, created: false };
}
