// Assessments (考核): one row per handler, unit and month, immutable (0005); a recomputation is a new version, and
// the assessor's signed adjustments are rows of their own, shown beside the score (never added into it).
import type { PoolClient } from 'pg';
import type { AssessedKind, Assessment, AssessmentStatus } from '../../domain/assessment';
import type { RateSet } from '../../domain/rates';
import type { AssessmentWeights } from '../../domain/types';
import type { Queryable } from '../pool';
import type { AssessmentUnit } from './assessment-units';
import type { Period } from './period';

/** Serialises computations of one period, so two runs cannot take the same next version number. */
export async function lockPeriod(client: PoolClient, period: Period): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`assessment:${period.from}:${period.to}`]);
}

export async function idsOfComputation(db: Queryable, computationId: string): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    'SELECT id FROM assessments WHERE computation_id = $1 ORDER BY organization_id, agreement_id',
    [computationId],
  );
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
    `INSERT INTO assessments (organization_id, agreement_id, assessor_org_id, period_start, period_end, version,
                              rates, weights, parts, score, status, min_evaluated, computation_id, computed_by)
     SELECT $1, $2::text, $3, $4::date, $5::date, COALESCE(max(version), 0) + 1, $6, $7, $8, $9, $10, $11, $12, $13
       FROM assessments WHERE organization_id = $1 AND agreement_id IS NOT DISTINCT FROM $2::text
        AND period_start = $4::date AND period_end = $5::date
     RETURNING id`,
    [
      a.unit.organizationId,
      a.unit.agreementId,
      a.unit.assessorOrgId,
      a.period.from,
      a.period.to,
      JSON.stringify(a.rates),
      JSON.stringify(a.unit.weights),
      JSON.stringify(a.assessment.parts),
      a.assessment.score,
      a.assessment.status,
      a.assessment.minEvaluated,
      a.computationId,
      a.computedBy,
    ],
  );
  return rows[0].id;
}

/** Which assessments a caller may read (api/routes/assessments.ts derives it from the actor). */
export type AssessmentScope =
  { kind: 'all' } | { kind: 'organization'; orgId: string } | { kind: 'supervisor'; orgId: string };

export interface AssessmentRow {
  id: string;
  organizationId: string;
  organizationKind: AssessedKind;
  organizationNameZh: string;
  organizationNameEn: string;
  agreementId: string | null;
  compoundCode: string | null;
  compoundNameZh: string | null;
  compoundNameEn: string | null;
  communityOrgId: string | null;
  assessorOrgId: string;
  periodStart: string;
  periodEnd: string;
  version: number;
  rates: RateSet;
  weights: AssessmentWeights;
  parts: Assessment['parts'];
  score: number | null;
  status: AssessmentStatus;
  minEvaluated: number | null;
  computedBy: string | null;
  computedAt: Date;
}

export interface AssessmentFilter {
  period?: Period;
  organizationId?: string;
  organizationKind?: AssessedKind;
  compoundCode?: string;
  /** Every version rather than the latest of each unit. */
  allVersions?: boolean;
  id?: string;
}

function scopeWhere(scope: AssessmentScope, add: (v: unknown) => string): string {
  if (scope.kind === 'all') return 'TRUE';
  if (scope.kind === 'organization') return `x.organization_id = ${add(scope.orgId)}`;
  // The assessor (the agreement's community committee, or the organisation department) and the two levels above.
  const org = add(scope.orgId);
  return `(asr.id = ${org} OR asr.parent_id = ${org} OR up.parent_id = ${org})`;
}

export async function listAssessments(
  db: Queryable,
  scope: AssessmentScope,
  f: AssessmentFilter,
): Promise<AssessmentRow[]> {
  const values: unknown[] = [];
  const add = (v: unknown) => `$${values.push(v)}`;
  const where = [scopeWhere(scope, add)];
  if (f.period) where.push(`x.period_start = ${add(f.period.from)}::date AND x.period_end = ${add(f.period.to)}::date`);
  if (f.organizationId) where.push(`x.organization_id = ${add(f.organizationId)}`);
  if (f.organizationKind) where.push(`o.kind = ${add(f.organizationKind)}`);
  if (f.compoundCode) where.push(`ag.compound_code = ${add(f.compoundCode)}`);
  if (f.id) where.push(`x.id = ${add(f.id)}`);
  const latest =
    f.allVersions || f.id ? '' : 'DISTINCT ON (x.organization_id, x.agreement_id, x.period_start, x.period_end)';
  const { rows } = await db.query<AssessmentRow>(
    `SELECT * FROM (
       SELECT ${latest} x.id, x.organization_id AS "organizationId", o.kind AS "organizationKind",
              o.name_zh AS "organizationNameZh", o.name_en AS "organizationNameEn", x.agreement_id AS "agreementId",
              ag.compound_code AS "compoundCode", cp.name_zh AS "compoundNameZh", cp.name_en AS "compoundNameEn",
              COALESCE(ag.community_org_id, CASE WHEN asr.kind = 'community_committee' THEN asr.id END) AS "communityOrgId",
              asr.id AS "assessorOrgId",
              to_char(x.period_start, 'YYYY-MM-DD') AS "periodStart", to_char(x.period_end, 'YYYY-MM-DD') AS "periodEnd",
              x.version, x.rates, x.weights, x.parts, x.score::float8 AS score, x.status, x.min_evaluated AS "minEvaluated",
              x.computed_by AS "computedBy", x.created_at AS "computedAt"
         FROM assessments x
         JOIN organizations o ON o.id = x.organization_id
         LEFT JOIN agreements ag ON ag.id = x.agreement_id
         LEFT JOIN compounds cp ON cp.code = ag.compound_code
         -- Rows of before 0031 name no assessor: it was always the agreement's community committee.
         LEFT JOIN organizations asr ON asr.id = COALESCE(x.assessor_org_id, ag.community_org_id)
         LEFT JOIN organizations up ON up.id = asr.parent_id
        WHERE ${where.join(' AND ')}
        ORDER BY x.organization_id, x.agreement_id, x.period_start, x.period_end, x.version DESC
     ) latest ORDER BY "periodStart" DESC, "organizationKind" DESC, "compoundCode" NULLS LAST, "organizationId", version DESC
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
       JOIN assessments a ON a.organization_id = target.organization_id AND a.agreement_id IS NOT DISTINCT FROM target.agreement_id
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

export interface NewAdjustment {
  assessmentId: string;
  delta: number;
  reason: string;
  userId: string;
  /** The signer's Idempotency-Key, scoped by the signer; null when the request had none. */
  dedupeKey: string | null;
}

export type SignResult =
  | { kind: 'signed'; id: string }
  /** This Idempotency-Key already signed an adjustment: of this assessment's month (a retry), or of another one. */
  | { kind: 'repeated'; id: string; sameMonth: boolean }
  /** The net total of the month's adjustments would leave ±cap. */
  | { kind: 'over_cap'; total: number };

/**
 * Signs an adjustment if it fits: the net total of the month's adjustments (every version of the unit) stays within
 * the cap (domain adjustmentFits), and its Idempotency-Key has not signed one already. Serialised per unit by a
 * transaction lock, so two adjustments at once cannot both fit under the cap. Refreshes the row's summary, the
 * only column of an assessment that may change.
 */
export async function signAdjustment(
  client: PoolClient,
  a: NewAdjustment,
  fits: (total: number, delta: number) => boolean,
): Promise<SignResult> {
  const unit = await client.query<{ key: string }>(
    `SELECT organization_id || '|' || COALESCE(agreement_id, '') || '|' || period_start || '|' || period_end AS key FROM assessments WHERE id = $1`,
    [a.assessmentId],
  );
  await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`assessment-adjustment:${unit.rows[0].key}`]);
  if (a.dedupeKey !== null) {
    const { rows } = await client.query<{ id: string; sameMonth: boolean }>(
      `SELECT adj.id, EXISTS (SELECT 1 FROM assessments t WHERE t.id = $2 AND t.organization_id = a.organization_id
                               AND t.agreement_id IS NOT DISTINCT FROM a.agreement_id AND t.period_start = a.period_start
                               AND t.period_end = a.period_end) AS "sameMonth"
         FROM assessment_adjustments adj JOIN assessments a ON a.id = adj.assessment_id WHERE adj.dedupe_key = $1`,
      [a.dedupeKey, a.assessmentId],
    );
    if (rows[0]) return { kind: 'repeated', id: rows[0].id, sameMonth: rows[0].sameMonth };
  }
  const { rows: sums } = await client.query<{ total: number }>(
    `SELECT COALESCE(sum(adj.delta), 0)::float8 AS total
       FROM assessments t
       JOIN assessments a ON a.organization_id = t.organization_id AND a.agreement_id IS NOT DISTINCT FROM t.agreement_id
                         AND a.period_start = t.period_start AND a.period_end = t.period_end
       JOIN assessment_adjustments adj ON adj.assessment_id = a.id
      WHERE t.id = $1`,
    [a.assessmentId],
  );
  if (!fits(sums[0].total, a.delta)) return { kind: 'over_cap', total: sums[0].total };
  const { rows } = await client.query<{ id: string }>(
    'INSERT INTO assessment_adjustments (assessment_id, delta, reason, signed_by, dedupe_key) VALUES ($1, $2, $3, $4, $5) RETURNING id',
    [a.assessmentId, a.delta, a.reason, a.userId, a.dedupeKey],
  );
  await client.query(
    `UPDATE assessments SET adjustment = (
       SELECT jsonb_build_object('total', COALESCE(sum(delta), 0), 'count', count(*)) FROM assessment_adjustments WHERE assessment_id = $1)
      WHERE id = $1`,
    [a.assessmentId],
  );
  return { kind: 'signed', id: rows[0].id };
}
