// Assessments (考核): one row per property company, agreement and month, immutable (0005); a recomputation is a
// new version, and the community committee's signed adjustments are rows of their own, shown beside the score.
import type { PoolClient } from 'pg';
import type { Assessment, RateSet } from '../../domain/rates';
import type { AssessmentWeights } from '../../domain/types';
import type { Queryable } from '../pool';
import type { Period } from './period';
import { addCalendarDays } from '../../domain/calendar';

/** Who is assessed, under which agreement: a compound's agreement in force on the period's last day. */
export interface AssessmentUnit {
  organizationId: string;
  agreementId: string;
  compoundCode: string;
  communityOrgId: string;
  weights: AssessmentWeights;
}

/**
 * One unit per compound. The agreement is the one in force on the last day of the period, i.e. the terms the
 * parties had agreed by the time they are assessed; a compound with no agreement then has no assessment (the
 * power to assess comes from the agreement).
 */
export async function assessmentUnits(db: Queryable, period: Period): Promise<AssessmentUnit[]> {
  const { rows } = await db.query<AssessmentUnit>(
    `SELECT DISTINCT ON (a.compound_code) a.property_company_org_id AS "organizationId", a.id AS "agreementId",
            a.compound_code AS "compoundCode", a.community_org_id AS "communityOrgId", a.terms->'weights' AS weights
       FROM agreements a
      WHERE a.valid_from <= $1::date AND (a.valid_to IS NULL OR a.valid_to > $1::date)
      ORDER BY a.compound_code, a.valid_from DESC, a.version DESC`,
    [addCalendarDays(period.to, -1)],
  );
  return rows;
}

/** Serialises computations of one period, so two runs cannot take the same next version number. */
export async function lockPeriod(client: PoolClient, period: Period): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`assessment:${period.from}:${period.to}`]);
}

export async function idsOfComputation(db: Queryable, computationId: string): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM assessments WHERE computation_id = $1 ORDER BY organization_id, agreement_id', [computationId]);
  return rows.map((r) => r.id);
}

export interface NewAssessment {
  unit: AssessmentUnit;
  period: Period;
  rates: RateSet;
  assessment: Assessment;
  computationId: string;
  computedBy: string;
}

export async function insertAssessment(client: PoolClient, a: NewAssessment): Promise<string> {
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO assessments (organization_id, agreement_id, period_start, period_end, version, rates, weights, parts, score,
                              computation_id, computed_by)
     SELECT $1, $2, $3::date, $4::date, COALESCE(max(version), 0) + 1, $5, $6, $7, $8, $9, $10
       FROM assessments WHERE organization_id = $1 AND agreement_id = $2 AND period_start = $3::date AND period_end = $4::date
     RETURNING id`,
    [
      a.unit.organizationId, a.unit.agreementId, a.period.from, a.period.to, JSON.stringify(a.rates), JSON.stringify(a.unit.weights),
      JSON.stringify(a.assessment.parts), a.assessment.score, a.computationId, a.computedBy,
    ],
  );
  return rows[0].id;
}

/** Which assessments a caller may read (api/routes/assessments.ts derives it from the actor). */
export type AssessmentScope = { kind: 'all' } | { kind: 'organization'; orgId: string } | { kind: 'supervisor'; orgId: string };

export interface AssessmentRow {
  id: string;
  organizationId: string;
  organizationNameZh: string;
  organizationNameEn: string;
  agreementId: string;
  compoundCode: string;
  compoundNameZh: string;
  compoundNameEn: string;
  communityOrgId: string;
  periodStart: string;
  periodEnd: string;
  version: number;
  rates: RateSet;
  weights: AssessmentWeights;
  parts: Assessment['parts'];
  score: number | null;
  computedBy: string | null;
  computedAt: Date;
}

export interface AssessmentFilter {
  period?: Period;
  organizationId?: string;
  compoundCode?: string;
  /** Every version rather than the latest of each unit. */
  allVersions?: boolean;
  id?: string;
}

function scopeWhere(scope: AssessmentScope, add: (v: unknown) => string): string {
  if (scope.kind === 'all') return 'TRUE';
  if (scope.kind === 'organization') return `x.organization_id = ${add(scope.orgId)}`;
  // The agreement's community committee, the street above it, and the organisation department above that.
  const org = add(scope.orgId);
  return `(ag.community_org_id = ${org} OR cm.parent_id = ${org} OR st.parent_id = ${org})`;
}

export async function listAssessments(db: Queryable, scope: AssessmentScope, f: AssessmentFilter): Promise<AssessmentRow[]> {
  const values: unknown[] = [];
  const add = (v: unknown) => `$${values.push(v)}`;
  const where = [scopeWhere(scope, add)];
  if (f.period) where.push(`x.period_start = ${add(f.period.from)}::date AND x.period_end = ${add(f.period.to)}::date`);
  if (f.organizationId) where.push(`x.organization_id = ${add(f.organizationId)}`);
  if (f.compoundCode) where.push(`ag.compound_code = ${add(f.compoundCode)}`);
  if (f.id) where.push(`x.id = ${add(f.id)}`);
  const latest = f.allVersions || f.id ? '' : 'DISTINCT ON (x.organization_id, x.agreement_id, x.period_start, x.period_end)';
  const { rows } = await db.query<AssessmentRow>(
    `SELECT * FROM (
       SELECT ${latest} x.id, x.organization_id AS "organizationId", o.name_zh AS "organizationNameZh", o.name_en AS "organizationNameEn",
              x.agreement_id AS "agreementId", ag.compound_code AS "compoundCode", cp.name_zh AS "compoundNameZh",
              cp.name_en AS "compoundNameEn", ag.community_org_id AS "communityOrgId",
              to_char(x.period_start, 'YYYY-MM-DD') AS "periodStart", to_char(x.period_end, 'YYYY-MM-DD') AS "periodEnd",
              x.version, x.rates, x.weights, x.parts, x.score::float8 AS score, x.computed_by AS "computedBy", x.created_at AS "computedAt"
         FROM assessments x
         JOIN organizations o ON o.id = x.organization_id
         JOIN agreements ag ON ag.id = x.agreement_id
         JOIN compounds cp ON cp.code = ag.compound_code
         JOIN organizations cm ON cm.id = ag.community_org_id
         LEFT JOIN organizations st ON st.id = cm.parent_id
        WHERE ${where.join(' AND ')}
        ORDER BY x.organization_id, x.agreement_id, x.period_start, x.period_end, x.version DESC
     ) latest ORDER BY "periodStart" DESC, "compoundCode", version DESC
     LIMIT 1000`,
    values,
  );
  return rows;
}

export interface AdjustmentRow {
  id: string;
  assessmentId: string;
  assessmentVersion: number;
  delta: number;
  reason: string;
  signedBy: string;
  signerNameZh: string | null;
  signerNameEn: string | null;
  signedAt: Date;
}

/** Adjustments of every version of the same units (an inspection finding is about the month, not a version). */
export async function adjustmentsFor(db: Queryable, assessmentIds: string[]): Promise<Map<string, AdjustmentRow[]>> {
  const { rows } = await db.query<AdjustmentRow & { unitOf: string }>(
    `SELECT target.id AS "unitOf", adj.id, adj.assessment_id AS "assessmentId", a.version AS "assessmentVersion", adj.delta::float8 AS delta,
            adj.reason, adj.signed_by AS "signedBy", p.name_zh AS "signerNameZh", p.name_en AS "signerNameEn", adj.created_at AS "signedAt"
       FROM assessments target
       JOIN assessments a ON a.organization_id = target.organization_id AND a.agreement_id = target.agreement_id
                         AND a.period_start = target.period_start AND a.period_end = target.period_end
       JOIN assessment_adjustments adj ON adj.assessment_id = a.id
       LEFT JOIN users u ON u.id = adj.signed_by
       LEFT JOIN people p ON p.id = u.person_id
      WHERE target.id = ANY($1::uuid[])
      ORDER BY adj.created_at, adj.id`,
    [assessmentIds],
  );
  const byAssessment = new Map<string, AdjustmentRow[]>(assessmentIds.map((id) => [id, []]));
  for (const { unitOf, ...r } of rows) byAssessment.get(unitOf)?.push(r);
  return byAssessment;
}

/** Adds a signed adjustment and refreshes the row's summary (the only column of an assessment that may change). */
export async function insertAdjustment(client: PoolClient, assessmentId: string, delta: number, reason: string, userId: string): Promise<string> {
  const { rows } = await client.query<{ id: string }>(
    'INSERT INTO assessment_adjustments (assessment_id, delta, reason, signed_by) VALUES ($1, $2, $3, $4) RETURNING id',
    [assessmentId, delta, reason, userId],
  );
  await client.query(
    `UPDATE assessments SET adjustment = (
       SELECT jsonb_build_object('total', COALESCE(sum(delta), 0), 'count', count(*)) FROM assessment_adjustments WHERE assessment_id = $1)
      WHERE id = $1`,
    [assessmentId],
  );
  return rows[0].id;
}
