// Repeat problems (重复问题, migration 0061): the SQL of the rule services/repeat-problems.ts applies at intake, and
// the list the supervisors' dashboard reads. Intake's statements are named: planned once per connection, not on
// every filing. Which cases count is COUNTING_CASE_SQL, shared with the hotspots.
import type { Pool, PoolClient } from 'pg';
import type { Queryable } from '../pool';
import type { ListScope } from './case-list';

/**
 * A case that counts as a raising of its problem: not merged into another (合并), not closed as a duplicate or as
 * invalid (the grounds on which domain/rates.ts `leavesEveryMeasure` drops a case). Over `cases c`.
 */
export const COUNTING_CASE_SQL = `(c.merged_into IS NULL AND c.outcome IS DISTINCT FROM 'merged' AND NOT EXISTS (
    SELECT 1 FROM case_events e
     WHERE e.case_id = c.id AND e.type = 'closed' AND e.payload->>'ground' IN ('duplicate', 'invalid')))`;

export interface RepeatKey {
  compoundCode: string;
  building: string;
  categoryCode: string;
}

/** Serialises detection per compound + building + category for the rest of the transaction. */
export async function lockRepeatKey(client: PoolClient, k: RepeatKey): Promise<void> {
  await client.query({
    name: 'rs-repeat-lock',
    text: 'SELECT pg_advisory_xact_lock(hashtext($1))',
    values: [`repeat-problem:${JSON.stringify([k.compoundCode, k.building, k.categoryCode])}`],
  });
}

/** One filed case as the rule sees it; null when it has no building or does not count. */
export interface FiledCase extends RepeatKey {
  caseId: string;
  filedAt: Date;
  communityOrgId: string;
  streetOrgId: string | null;
  organizationDepartmentId: string | null;
}

export async function filedCaseOf(db: Pool | PoolClient, caseId: string): Promise<FiledCase | null> {
  const { rows } = await db.query<FiledCase>({
    name: 'rs-repeat-filed-case',
    text: `SELECT c.id AS "caseId", c.compound_code AS "compoundCode", c.building, c.category_code AS "categoryCode",
            c.created_at AS "filedAt", c.community_org_id AS "communityOrgId", c.street_org_id AS "streetOrgId",
            c.intake->'chain'->>'organizationDepartmentId' AS "organizationDepartmentId"
       FROM cases c WHERE c.id = $1 AND c.building IS NOT NULL AND ${COUNTING_CASE_SQL}`,
    values: [caseId],
  });
  return rows[0] ?? null;
}

const KEY_WHERE = (alias: string) =>
  `${alias}.compound_code = $1 AND ${alias}.building = $2 AND ${alias}.category_code = $3`;

export interface RepeatState {
  /** The repeat problem the case already belongs to. */
  linkedTo: string | null;
  /** The open repeat problem of the key whose last case is within the window before the filing. */
  activeId: string | null;
  /**
   * Counting cases of the key filed in (windowStart, filedAt] that belong to no repeat problem, counted up to
   * `upTo` only (the threshold is all the rule asks about), and not at all when the case has a repeat problem to join.
   */
  casesInWindow: number;
}

export async function repeatState(db: PoolClient, c: FiledCase, windowStart: Date, upTo: number): Promise<RepeatState> {
  // CASE evaluates its branch's subquery only when reached: an intake that extends a repeat problem counts nothing.
  const { rows } = await db.query<RepeatState>({
    name: 'rs-repeat-state',
    text: `SELECT s."linkedTo", s."activeId",
            CASE WHEN s."linkedTo" IS NULL AND s."activeId" IS NULL THEN (
              SELECT count(*)::int FROM (
                SELECT 1 FROM cases c LEFT JOIN repeat_problem_cases l ON l.case_id = c.id
                 WHERE ${KEY_WHERE('c')} AND c.created_at > $5 AND c.created_at <= $6 AND l.case_id IS NULL
                   AND ${COUNTING_CASE_SQL}
                 LIMIT $7) n)
            ELSE 0 END AS "casesInWindow"
       FROM (SELECT (SELECT repeat_problem_id FROM repeat_problem_cases WHERE case_id = $4) AS "linkedTo",
                    (SELECT rp.id FROM repeat_problems rp
                      WHERE ${KEY_WHERE('rp')} AND rp.closed_at IS NULL AND rp.last_case_at > $5
                      ORDER BY rp.last_case_at DESC LIMIT 1) AS "activeId" OFFSET 0) s`,
    values: [c.compoundCode, c.building, c.categoryCode, c.caseId, windowStart, c.filedAt, upTo],
  });
  return rows[0];
}

/** Adds the case to the repeat problem and moves its last case forward; idempotent. */
export async function extendRepeatProblem(client: PoolClient, problemId: string, c: FiledCase): Promise<void> {
  await client.query({
    name: 'rs-repeat-extend',
    text: `WITH l AS (
       INSERT INTO repeat_problem_cases (case_id, repeat_problem_id) VALUES ($1, $2) ON CONFLICT (case_id) DO NOTHING
     )
     UPDATE repeat_problems SET last_case_at = greatest(last_case_at, $3) WHERE id = $2`,
    values: [c.caseId, problemId, c.filedAt],
  });
}

export interface RaisedProblem {
  caseCount: number;
  compoundNameZh: string;
  compoundNameEn: string;
  categoryNameZh: string;
  categoryNameEn: string;
}

/** Inserts the repeat problem with every counting, unlinked case of the window as its cases. */
export async function raiseRepeatProblem(
  client: PoolClient,
  id: string,
  c: FiledCase,
  windowStart: Date,
  terms: { threshold: number; windowDays: number },
): Promise<RaisedProblem> {
  const members = `SELECT c.id, c.created_at FROM cases c LEFT JOIN repeat_problem_cases l ON l.case_id = c.id
     WHERE ${KEY_WHERE('c')} AND c.created_at > $5 AND c.created_at <= $6 AND l.case_id IS NULL AND ${COUNTING_CASE_SQL}`;
  await client.query(
    `INSERT INTO repeat_problems (id, compound_code, building, category_code, community_org_id, street_org_id,
                                  organization_department_id, threshold, window_days, first_case_at, last_case_at)
     SELECT $4, $1, $2, $3, $7, $8, $9, $10, $11, min(m.created_at), max(m.created_at) FROM (${members}) m`,
    [
      c.compoundCode,
      c.building,
      c.categoryCode,
      id,
      windowStart,
      c.filedAt,
      c.communityOrgId,
      c.streetOrgId,
      c.organizationDepartmentId,
      terms.threshold,
      terms.windowDays,
    ],
  );
  const { rows } = await client.query<RaisedProblem>(
    `WITH l AS (
       INSERT INTO repeat_problem_cases (case_id, repeat_problem_id) SELECT m.id, $4 FROM (${members}) m RETURNING case_id
     )
     SELECT (SELECT count(*)::int FROM l) AS "caseCount", cp.name_zh AS "compoundNameZh", cp.name_en AS "compoundNameEn",
            k.name_zh AS "categoryNameZh", k.name_en AS "categoryNameEn"
       FROM compounds cp, categories k WHERE cp.code = $1 AND k.code = $3`,
    [c.compoundCode, c.building, c.categoryCode, id, windowStart, c.filedAt],
  );
  return rows[0];
}

export interface RepeatProblemRow {
  id: string;
  compoundCode: string;
  compoundNameZh: string;
  compoundNameEn: string;
  building: string;
  categoryCode: string;
  categoryNameZh: string;
  categoryNameEn: string;
  caseCount: number;
  firstCaseAt: Date;
  lastCaseAt: Date;
  windowDays: number;
  threshold: number;
  trackingCodes: string[];
  topicId: string | null;
  detectedAt: Date;
  closedAt: Date | null;
  closeReason: string | null;
}

/**
 * Who sees a repeat problem: as a case of its building would be seen by a supervisor (community, street,
 * organisation department of its chain); a handler sees those of the compounds it serves as property company.
 */
function scopeWhere(scope: ListScope, values: unknown[]): string {
  switch (scope.kind) {
    case 'all':
      return 'TRUE';
    case 'supervisor':
      values.push(scope.orgId);
      return `(rp.community_org_id = $${values.length} OR rp.street_org_id = $${values.length} OR rp.organization_department_id = $${values.length})`;
    case 'handler':
      values.push(scope.orgId);
      return `cp.property_company_org_id = $${values.length}`;
    default:
      return 'FALSE';
  }
}

export async function listRepeatProblems(
  db: Queryable,
  scope: ListScope,
  opts: { openOnly: boolean; limit: number; id?: string },
): Promise<RepeatProblemRow[]> {
  const values: unknown[] = [];
  const where = [scopeWhere(scope, values)];
  if (opts.id !== undefined) {
    values.push(opts.id);
    where.push(`rp.id = $${values.length}`);
  }
  if (opts.openOnly) where.push('rp.closed_at IS NULL');
  values.push(opts.limit);
  const { rows } = await db.query<RepeatProblemRow>(
    `SELECT rp.id, rp.compound_code AS "compoundCode", cp.name_zh AS "compoundNameZh", cp.name_en AS "compoundNameEn",
            rp.building, rp.category_code AS "categoryCode", k.name_zh AS "categoryNameZh", k.name_en AS "categoryNameEn",
            m."caseCount", rp.first_case_at AS "firstCaseAt", rp.last_case_at AS "lastCaseAt",
            rp.window_days AS "windowDays", rp.threshold, m."trackingCodes", rp.topic_id AS "topicId",
            rp.detected_at AS "detectedAt", rp.closed_at AS "closedAt", rp.close_reason AS "closeReason"
       FROM repeat_problems rp
       JOIN compounds cp ON cp.code = rp.compound_code
       JOIN categories k ON k.code = rp.category_code
       CROSS JOIN LATERAL (
         SELECT count(*)::int AS "caseCount", array_agg(c.tracking_code ORDER BY c.created_at, c.id) AS "trackingCodes"
           FROM repeat_problem_cases l JOIN cases c ON c.id = l.case_id WHERE l.repeat_problem_id = rp.id
       ) m
      WHERE ${where.join(' AND ')}
      ORDER BY rp.last_case_at DESC, rp.id
      LIMIT $${values.length}`,
    values,
  );
  return rows;
}

/**
 * Closes an open repeat problem no topic answers, by hand, with the reason; false when it is closed already or a
 * topic answers it (it then closes with the topic). Who may is the route's to check.
 */
export async function closeRepeatProblem(
  db: Queryable,
  id: string,
  by: { userId: string; reason: string },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE repeat_problems SET closed_at = now(), close_reason = $2, closed_by = $3
      WHERE id = $1 AND closed_at IS NULL AND topic_id IS NULL`,
    [id, by.reason, by.userId],
  );
  return rowCount === 1;
}
