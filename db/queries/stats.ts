// The facts behind the 三率 and their companion measures, read from the projection (`cases`) and the history
// (`case_events`), never from workflows. Each row is one domain CaseOutcomeFacts; the counting is
// domain/rates.ts, so there is exactly one definition of every rate.
//
// Which cases a period holds, and whose they are:
// - a case belongs to the period in which it was first dispatched (cases.dispatched_at in [from, to));
// - it counts for the handler it was first dispatched to (intake.handlerOrgId), also after a return (回退), a
//   re-route or a forward to a department: the response deadline that is measured is that handler's, and the
//   return, escalation and rework rates are about what became of the cases given to it;
// - acknowledged = the first acknowledgement by that handler's organisation (case_events), so a case it
//   returned unacknowledged does not count as its response when the next handler acknowledges;
// - on-time resolution compares the last resolution with the first resolution deadline, moved by resolution
//   extensions (延期) the supervisor approved before the deadline then in force expired. A reopened case (重办)
//   gets no fresh deadline here: it was not resolved in time if the rework ended late;
// - the close ground (duplicate, invalid, resident_request, verified_unreasonable) is the last 'closed' event's:
//   domain/rates.ts decides from it which cases leave the measures.
import type { CaseOutcomeFacts } from '../../domain/rates';
import type { CloseGround, Outcome, Satisfaction } from '../../domain/types';
import type { Queryable } from '../pool';
import { Params, scopeSql, type ListScope } from './case-list';
import { periodInstants, type Period } from './period';

export interface FactFilter {
  communityOrgId?: string;
  streetOrgId?: string;
  compoundCode?: string;
  /** The handler a case counts for (first dispatched to). */
  handlerOrgId?: string;
  categoryCode?: string;
  /** Only cases first dispatched to organisations of this kind. */
  handlerKind?: string;
}

interface FactRow {
  caseId: string;
  handlerOrgId: string;
  compoundCode: string;
  communityOrgId: string;
  streetOrgId: string;
  categoryCode: string;
  building: string | null;
  dispatchedAt: Date;
  acknowledgedAt: Date | null;
  responseDueAt: Date | null;
  resolvedAt: Date | null;
  firstResolutionDueAt: Date | null;
  /** [approved at (epoch ms), new due (epoch ms)] of each approved resolution extension, in order. */
  extensions: [number, number][] | null;
  satisfaction: Satisfaction | null;
  solved: boolean | null;
  reopenCount: number;
  escalated: boolean;
  returned: boolean;
  closedAt: Date | null;
  outcome: Outcome | null;
  closeGround: CloseGround | null;
}

/**
 * The facts' SELECT over `cases c`; callers add the WHERE. Exported so the public case list states on-time
 * response and resolution with exactly the same reading.
 */
export const FACTS_SELECT = `
  SELECT c.id AS "caseId", c.intake->>'handlerOrgId' AS "handlerOrgId", c.compound_code AS "compoundCode",
         c.community_org_id AS "communityOrgId", COALESCE(c.street_org_id, c.intake->'chain'->>'streetOrgId', '') AS "streetOrgId",
         c.category_code AS "categoryCode", NULLIF(btrim(c.location->>'building'), '') AS building,
         c.dispatched_at AS "dispatchedAt", ack.at AS "acknowledgedAt", c.first_response_due_at AS "responseDueAt",
         c.resolved_at AS "resolvedAt", c.first_resolution_due_at AS "firstResolutionDueAt", ext.approvals AS extensions,
         c.satisfaction, c.solved, c.reopen_count AS "reopenCount", c.escalation_count > 0 AS escalated,
         c.returned_count > 0 AS returned, c.closed_at AS "closedAt", c.outcome, closing.ground AS "closeGround"
    FROM cases c
    LEFT JOIN LATERAL (
      SELECT min(e.at) AS at FROM case_events e
       WHERE e.case_id = c.id AND e.type = 'acknowledged' AND e.actor->>'organizationId' = c.intake->>'handlerOrgId'
    ) ack ON true
    LEFT JOIN LATERAL (
      SELECT jsonb_agg(jsonb_build_array(floor(extract(epoch FROM e.at) * 1000), (e.payload->>'newDueAt')::float8) ORDER BY e.seq) AS approvals
        FROM case_events e
       WHERE e.case_id = c.id AND e.type = 'extension_decided' AND e.payload->>'deadline' = 'resolution'
         AND e.payload->>'approve' = 'true' AND e.payload ? 'newDueAt'
    ) ext ON true
    LEFT JOIN LATERAL (
      SELECT e.payload->>'ground' AS ground FROM case_events e
       WHERE e.case_id = c.id AND e.type = 'closed' AND c.closed_at IS NOT NULL ORDER BY e.seq DESC LIMIT 1
    ) closing ON true`;

/** The first resolution deadline moved by each extension approved while the deadline it extended still ran. */
export function effectiveResolutionDue(first: number | null, extensions: readonly [number, number][]): number | null {
  if (first === null) return null;
  let due = first;
  for (const [approvedAt, newDue] of extensions) if (approvedAt < due && newDue > due) due = newDue;
  return due;
}

const ms = (d: Date | null) => (d === null ? null : d.getTime());

export function toFacts(r: FactRow): CaseOutcomeFacts {
  return {
    caseId: r.caseId,
    handlerOrgId: r.handlerOrgId,
    compoundCode: r.compoundCode,
    communityOrgId: r.communityOrgId,
    streetOrgId: r.streetOrgId,
    categoryCode: r.categoryCode,
    building: r.building,
    dispatchedAt: r.dispatchedAt.getTime(),
    acknowledgedAt: ms(r.acknowledgedAt),
    responseDueAt: ms(r.responseDueAt),
    resolvedAt: ms(r.resolvedAt),
    resolutionDueAt: effectiveResolutionDue(ms(r.firstResolutionDueAt), r.extensions ?? []),
    // Evaluated once a counting evaluation is recorded; after 重办 the projection holds the last one.
    evaluated: r.satisfaction !== null,
    satisfaction: r.satisfaction,
    solved: r.solved,
    reopenCount: r.reopenCount,
    escalated: r.escalated,
    returned: r.returned,
    closedAt: ms(r.closedAt),
    outcome: r.outcome,
    closeGround: r.closeGround,
  };
}

/** WHERE clause for cases first dispatched in the period, within the caller's scope and the filter. */
export function factsWhere(p: Params, period: Period, scope: ListScope, f: FactFilter): string {
  const { from, to } = periodInstants(period);
  const where = [
    'c.dispatched_at IS NOT NULL',
    `c.dispatched_at >= ${p.add(from)}`,
    `c.dispatched_at < ${p.add(to)}`,
    scopeSql(scope, p),
  ];
  if (f.communityOrgId) where.push(`c.community_org_id = ${p.add(f.communityOrgId)}`);
  if (f.streetOrgId) where.push(`c.street_org_id = ${p.add(f.streetOrgId)}`);
  if (f.compoundCode) where.push(`c.compound_code = ${p.add(f.compoundCode)}`);
  if (f.categoryCode) where.push(`c.category_code = ${p.add(f.categoryCode)}`);
  if (f.handlerOrgId) where.push(`c.intake->>'handlerOrgId' = ${p.add(f.handlerOrgId)}`);
  if (f.handlerKind)
    where.push(`(SELECT o.kind FROM organizations o WHERE o.id = c.intake->>'handlerOrgId') = ${p.add(f.handlerKind)}`);
  return where.join(' AND ');
}

/** Every dispatched case of the period the scope allows, as domain facts. */
export async function loadOutcomeFacts(
  db: Queryable,
  period: Period,
  scope: ListScope,
  filter: FactFilter = {},
): Promise<CaseOutcomeFacts[]> {
  const p = new Params();
  const sql = `${FACTS_SELECT} WHERE ${factsWhere(p, period, scope, filter)} ORDER BY c.dispatched_at, c.id`;
  const { rows } = await db.query<FactRow>(sql, p.values);
  return rows.map(toFacts);
}

export interface NamedOrg {
  id: string;
  kind: string;
  nameZh: string;
  nameEn: string;
}

/** Names of organisations, compounds ('compound:<code>') and categories ('category:<code>'), for labelling groups. */
export async function groupNames(db: Queryable): Promise<Map<string, NamedOrg>> {
  const { rows } = await db.query<NamedOrg>(
    `SELECT id, kind, name_zh AS "nameZh", name_en AS "nameEn" FROM organizations
     UNION ALL SELECT code, 'compound', name_zh, name_en FROM compounds
     UNION ALL SELECT code, 'category', name_zh, name_en FROM categories`,
  );
  return new Map(rows.map((r) => [r.kind === 'compound' || r.kind === 'category' ? `${r.kind}:${r.id}` : r.id, r]));
}
