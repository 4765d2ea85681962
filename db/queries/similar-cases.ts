// Open cases that look like the same problem (issue 29, "me too"): the same category in the same building, or
// anywhere in the compound when the category is a shared facility (categories.shared_facility, migration 0064).
// Offered to a resident before they file and to staff as suggested duplicates; the rows carry nothing personal — no
// description, name, phone, unit or room — only what a notice board by the lift would say.
import type { Queryable } from '../pool';
import { Params, scopeSql, type ListScope } from './case-list';

export interface SimilarCaseRow {
  id: string;
  trackingCode: string;
  categoryCode: string;
  categoryNameZh: string;
  categoryNameEn: string;
  building: string | null;
  sameBuilding: boolean;
  status: string;
  stage: string;
  createdAt: Date;
  /** The complainant (when the case has one) and its co-complainants. */
  followers: number;
  /** The caller is the complainant or a co-complainant already. */
  following: boolean;
}

export interface SimilarQuery {
  compoundCode: string;
  categoryCode: string;
  /** null: no building named, so only a shared facility's cases match. */
  building: string | null;
  /** The case the suggestions are for, left out of them. */
  excludeCaseId?: string;
  /** Who asks, for `following`. */
  userId: string;
  limit: number;
}

/**
 * Open (not closed, hence not merged) cases in `scope` matching the query: the same building first, then newest.
 * Served by cases_open_compound_category_idx; the building is cases.building (migration 0060: trimmed, '' as null).
 */
export async function similarOpenCases(db: Queryable, scope: ListScope, q: SimilarQuery): Promise<SimilarCaseRow[]> {
  const p = new Params();
  const building = p.add(q.building);
  const user = p.add(q.userId);
  const where = [
    `c.status <> 'closed'`,
    `c.merged_into IS NULL`,
    `c.compound_code = ${p.add(q.compoundCode)}`,
    `c.category_code = ${p.add(q.categoryCode)}`,
    `(cat.shared_facility OR c.building = ${building}::text)`,
    scopeSql(scope, p),
  ];
  if (q.excludeCaseId) where.push(`c.id <> ${p.add(q.excludeCaseId)}::uuid`);
  const { rows } = await db.query<SimilarCaseRow>(
    `SELECT c.id, c.tracking_code AS "trackingCode", c.category_code AS "categoryCode",
            cat.name_zh AS "categoryNameZh", cat.name_en AS "categoryNameEn",
            c.building, coalesce(c.building = ${building}::text, false) AS "sameBuilding",
            c.status, c.stage, c.created_at AS "createdAt",
            (c.resident_user_id IS NOT NULL)::int + cardinality(c.co_complainants) AS followers,
            (c.resident_user_id IS NOT DISTINCT FROM ${user}::text OR ${user}::text = ANY(c.co_complainants)) AS following
       FROM cases c JOIN categories cat ON cat.code = c.category_code
      WHERE ${where.join(' AND ')}
      ORDER BY "sameBuilding" DESC, c.created_at DESC, c.id DESC
      LIMIT ${p.add(q.limit)}`,
    p.values,
  );
  return rows;
}
