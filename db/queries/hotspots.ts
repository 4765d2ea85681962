// Hotspot counts (DOMAIN.md "Proactive governance"): cases filed per compound, building and/or category in the
// caller's scope, for the period, the period before it and each month of the trend, in one statement over the
// projection (GROUP BY with FILTER), never a query per group. A case counts in the period it was filed in
// (created_at): when the problem was raised, not when someone first acted on it. Merged cases and cases closed as
// duplicate or invalid do not count (COUNTING_CASE_SQL), as for the repeat-problem rule.
import type { HotspotGroupBy } from '../../domain/hotspots';
import { dimensionsOf } from '../../domain/hotspots';
import type { Queryable } from '../pool';
import { Params, scopeSql, type ListScope } from './case-list';
import { periodInstants, type Period } from './period';
import { COUNTING_CASE_SQL } from './repeat-problems';

export interface HotspotFilter {
  communityOrgId?: string;
  streetOrgId?: string;
  compoundCode?: string;
  categoryCode?: string;
}

export interface HotspotCountRow {
  compoundCode: string | null;
  building: string | null;
  categoryCode: string | null;
  cases: number;
  repeats: number;
  previous: number;
  trend: number[];
}

const at = (p: Params, d: Date) => `${p.add(d)}::timestamptz`;

/** Counts per group: filed in `period`, in `previous`, and in each of `months` (periods too, oldest first). */
export async function hotspotCounts(
  db: Queryable,
  q: { period: Period; previous: Period; months: Period[]; groupBy: HotspotGroupBy; scope: ListScope },
  f: HotspotFilter = {},
): Promise<HotspotCountRow[]> {
  const p = new Params();
  const dims = dimensionsOf(q.groupBy);
  const span = (period: Period) => {
    const { from, to } = periodInstants(period);
    return `c.created_at >= ${at(p, from)} AND c.created_at < ${at(p, to)}`;
  };
  const inPeriod = span(q.period);
  const bounds = [q.period, q.previous, ...q.months].map(periodInstants);
  const lo = new Date(Math.min(...bounds.map((b) => b.from.getTime())));
  const hi = new Date(Math.max(...bounds.map((b) => b.to.getTime())));
  const where = [
    `c.created_at >= ${at(p, lo)}`,
    `c.created_at < ${at(p, hi)}`,
    scopeSql(q.scope, p),
    COUNTING_CASE_SQL,
  ];
  if (f.communityOrgId) where.push(`c.community_org_id = ${p.add(f.communityOrgId)}`);
  if (f.streetOrgId) where.push(`c.street_org_id = ${p.add(f.streetOrgId)}`);
  if (f.compoundCode) where.push(`c.compound_code = ${p.add(f.compoundCode)}`);
  if (f.categoryCode) where.push(`c.category_code = ${p.add(f.categoryCode)}`);
  const keys = [
    dims.compound ? 'c.compound_code' : 'NULL::text',
    dims.building ? 'c.building' : 'NULL::text',
    dims.category ? 'c.category_code' : 'NULL::text',
  ];
  const sql = `
    SELECT ${keys[0]} AS "compoundCode", ${keys[1]} AS building, ${keys[2]} AS "categoryCode",
           count(*) FILTER (WHERE ${inPeriod})::int AS cases,
           count(*) FILTER (WHERE ${inPeriod} AND l.case_id IS NOT NULL)::int AS repeats,
           count(*) FILTER (WHERE ${span(q.previous)})::int AS previous,
           ARRAY[${q.months.map((m) => `count(*) FILTER (WHERE ${span(m)})::int`).join(', ')}] AS trend
      FROM cases c
      LEFT JOIN repeat_problem_cases l ON l.case_id = c.id
     WHERE ${where.join(' AND ')}
     GROUP BY 1, 2, 3
    HAVING count(*) FILTER (WHERE ${inPeriod}) > 0`;
  const { rows } = await db.query<HotspotCountRow>(sql, p.values);
  return rows;
}
