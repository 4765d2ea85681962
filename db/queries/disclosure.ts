// The anonymised case list of the public disclosure (信息公开). The SELECT names every column it returns, and
// none of them leaves as it is: no resident, household, location, description, photo or event payload is published
// (the facts' building serves the staff's breakdowns only; api/routes/public.ts maps exactly the public fields, and
// test/stats/public.test.ts scans what goes out).
import type { CaseOutcomeFacts } from '../../domain/rates';
import type { Queryable } from '../pool';
import { Params } from './case-list';
import type { Period } from './period';
import { FACTS_SELECT, factsWhere, toFacts } from './stats';

export interface PublicCaseFilter {
  compoundCode?: string;
  communityOrgId?: string;
  categoryCode?: string;
  stage?: string;
  outcome?: string;
}

export interface PublicCaseRow {
  facts: CaseOutcomeFacts;
  categoryCode: string;
  categoryNameZh: string;
  categoryNameEn: string;
  compoundNameZh: string;
  compoundNameEn: string;
  communityNameZh: string;
  communityNameEn: string;
  createdAt: Date;
  stage: string;
  status: string;
  level: string;
  cursorAt: string;
}

type Raw = Omit<PublicCaseRow, 'facts'> & Parameters<typeof toFacts>[0];

/** Cases first dispatched in the period, newest first, keyset on (dispatched_at, id). */
export async function listPublicCases(
  db: Queryable,
  period: Period,
  f: PublicCaseFilter,
  page: { limit: number; after?: { at: string; id: string } },
): Promise<{ rows: PublicCaseRow[]; next: { at: string; id: string } | null }> {
  const p = new Params();
  const where = [
    factsWhere(p, period, { kind: 'all' }, { compoundCode: f.compoundCode, communityOrgId: f.communityOrgId }),
  ];
  if (f.categoryCode) where.push(`c.category_code = ${p.add(f.categoryCode)}`);
  if (f.stage) where.push(`c.stage = ${p.add(f.stage)}`);
  if (f.outcome) where.push(`c.outcome = ${p.add(f.outcome)}`);
  if (page.after)
    where.push(`(c.dispatched_at, c.id) < (${p.add(page.after.at)}::timestamptz, ${p.add(page.after.id)}::uuid)`);
  const facts = FACTS_SELECT.replace(
    'SELECT c.id AS "caseId",',
    `SELECT c.created_at AS "createdAt", c.stage, c.status, c.level,
            to_char(c.dispatched_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "cursorAt", c.id AS "caseId",`,
  );
  const sql = `
    SELECT f.*, cat.name_zh AS "categoryNameZh", cat.name_en AS "categoryNameEn", cp.name_zh AS "compoundNameZh",
           cp.name_en AS "compoundNameEn", cm.name_zh AS "communityNameZh", cm.name_en AS "communityNameEn"
      FROM (${facts} WHERE ${where.join(' AND ')} ORDER BY c.dispatched_at DESC, c.id DESC LIMIT ${p.add(page.limit + 1)}) f
      JOIN categories cat ON cat.code = f."categoryCode"
      JOIN compounds cp ON cp.code = f."compoundCode"
      JOIN organizations cm ON cm.id = f."communityOrgId"
     ORDER BY f."dispatchedAt" DESC, f."caseId" DESC`;
  const { rows } = await db.query<Raw>(sql, p.values);
  const mapped = rows.map((r) => ({ ...r, facts: toFacts(r) }));
  const more = mapped.length > page.limit;
  const pageRows = more ? mapped.slice(0, page.limit) : mapped;
  const last = pageRows[pageRows.length - 1];
  return { rows: pageRows, next: more && last ? { at: last.cursorAt, id: last.facts.caseId } : null };
}

/** One 通报: a case publicly noticed at the top rung, named by what, where and who handled it — never by whom it concerns. */
export interface PublicNoticeRow {
  createdAt: Date;
  noticedAt: Date;
  missedCadences: number;
  categoryCode: string;
  categoryNameZh: string;
  categoryNameEn: string;
  compoundCode: string;
  compoundNameZh: string;
  compoundNameEn: string;
  handlerOrgId: string | null;
  handlerNameZh: string | null;
  handlerNameEn: string | null;
  supervisorNameZh: string | null;
  supervisorNameEn: string | null;
  status: string;
}

/** Public notices (通报) of the last `days` days, newest first. */
export async function listPublicNotices(db: Queryable, since: Date, limit: number): Promise<PublicNoticeRow[]> {
  const { rows } = await db.query<PublicNoticeRow>(
    `SELECT c.created_at AS "createdAt", e.at AS "noticedAt", (e.payload->>'missedCadences')::int AS "missedCadences",
            c.category_code AS "categoryCode", cat.name_zh AS "categoryNameZh", cat.name_en AS "categoryNameEn",
            c.compound_code AS "compoundCode", cp.name_zh AS "compoundNameZh", cp.name_en AS "compoundNameEn",
            c.handler_org_id AS "handlerOrgId", h.name_zh AS "handlerNameZh", h.name_en AS "handlerNameEn",
            s.name_zh AS "supervisorNameZh", s.name_en AS "supervisorNameEn", c.status
       FROM case_events e
       JOIN cases c ON c.id = e.case_id
       JOIN categories cat ON cat.code = c.category_code
       JOIN compounds cp ON cp.code = c.compound_code
       LEFT JOIN organizations h ON h.id = c.handler_org_id
       LEFT JOIN organizations s ON s.id = c.supervisor_org_id
      WHERE e.type = 'publicly_noticed' AND e.at >= $1
      ORDER BY e.at DESC, c.id DESC
      LIMIT $2`,
    [since, limit],
  );
  return rows;
}
