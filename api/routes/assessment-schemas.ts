// How an assessment leaves the API. The computed score and the committee's adjustments are separate fields on
// purpose (issue 7: an adjustment is shown beside the score, never merged into it): there is no "final score".
import { z } from 'zod';
import { ASSESSED_KINDS, ASSESSED_MEASURES, ASSESSMENT_STATUSES } from '../../domain/assessment';
import type { Rate, RateSet } from '../../domain/rates';
import type { AdjustmentRow, AssessmentRow } from '../../db/queries/assessments';
import { monthOf } from '../../db/queries/period';
import type { UserIds } from '../case-view';
import { rateSchema, rateSetSchema } from './stats-common';

const measure = <T extends z.ZodType>(s: T) =>
  z.object(Object.fromEntries(ASSESSED_MEASURES.map((m) => [m, s])) as Record<(typeof ASSESSED_MEASURES)[number], T>);

const USER_ID_DOC = "the caller's own user id as it is; another user's as an opaque handle (u_ and 16 hex digits)";

const adjustmentItemSchema = z.object({
  id: z.uuid(),
  assessmentVersion: z
    .number()
    .int()
    .describe('the version it was signed on; it stays with the month across recomputations'),
  delta: z.number(),
  reason: z.string(),
  signedBy: z.object({
    userId: z.string().describe(USER_ID_DOC),
    nameZh: z.string().nullable(),
    nameEn: z.string().nullable(),
  }),
  signedAt: z.string(),
});

/** Rates as stored with an assessment. Rows computed before 0.3.0 counted everything at once: no pending, no 参评率. */
const storedRatesSchema = rateSetSchema.extend({
  evaluationCoverage: rateSchema.nullable().describe('参评率; null on assessments computed before 0.3.0'),
});

export const assessmentSchema = z.object({
  id: z.uuid(),
  period: z.string().nullable().describe('YYYY-MM'),
  periodStart: z.string(),
  periodEnd: z.string().describe('exclusive'),
  version: z.number().int().describe('a recomputation is a new version; earlier versions stay as they were'),
  organization: z.object({ id: z.string(), kind: z.enum(ASSESSED_KINDS), nameZh: z.string(), nameEn: z.string() }),
  compound: z
    .object({ code: z.string(), nameZh: z.string(), nameEn: z.string() })
    .nullable()
    .describe(
      "the agreement's compound (property companies, owners' committees); null: every case of the organisation",
    ),
  agreementId: z.string().nullable(),
  communityOrgId: z.string().nullable(),
  assessorOrgId: z.string().describe('who assesses (考核权) and may sign adjustments'),
  weights: measure(z.number()),
  parts: measure(z.object({ value: z.number().nullable().describe('rate × 100'), weight: z.number() })),
  status: z
    .enum(ASSESSMENT_STATUSES)
    .describe('scored; insufficient_data: fewer evaluated cases than minEvaluated; no_cases'),
  score: z
    .number()
    .nullable()
    .describe('computed score (weighted mean of the parts with a value); null unless status is scored'),
  evaluated: z.number().int().describe('evaluated cases behind satisfaction and resolution'),
  minEvaluated: z
    .number()
    .int()
    .nullable()
    .describe("the agreement's minimum of evaluated cases for a score (null before 0.3.0)"),
  rates: storedRatesSchema,
  computedBy: z
    .string()
    .nullable()
    .describe(`schedule: the monthly Schedule; otherwise who asked for it (${USER_ID_DOC})`),
  computedAt: z.string(),
  adjustments: z.object({
    total: z
      .number()
      .describe(
        'net sum of the signed adjustments (at most ±20 in all), shown beside the score and never added into it',
      ),
    count: z.number().int(),
    items: z.array(adjustmentItemSchema),
  }),
});
export type AssessmentView = z.infer<typeof assessmentSchema>;

type StoredRate = Omit<Rate, 'pending'> & { pending?: number };
const settled = (r: StoredRate): Rate => ({ ...r, pending: r.pending ?? 0 });

/** Stored rates as the API shows them: rows of before 0.3.0 lack the pending counts (nothing was pending then). */
export function storedRates(stored: RateSet): z.infer<typeof storedRatesSchema> {
  const r = stored as Omit<RateSet, 'excluded' | 'evaluationCoverage'> & {
    excluded?: number;
    evaluationCoverage?: Rate;
  };
  return {
    cases: r.cases,
    excluded: r.excluded ?? 0,
    responseRate: settled(r.responseRate),
    resolutionRate: settled(r.resolutionRate),
    satisfactionRate: settled(r.satisfactionRate),
    evaluationCoverage: r.evaluationCoverage ?? null,
    onTimeResolutionRate: settled(r.onTimeResolutionRate),
    reworkRate: settled(r.reworkRate),
    escalationRate: settled(r.escalationRate),
    returnRate: settled(r.returnRate),
    medianHandlingMs: r.medianHandlingMs,
  };
}

/** Everything about an assessment except its adjustments, as both the staff and the public routes show it. */
export function assessmentFields(r: AssessmentRow) {
  return {
    id: r.id,
    period: monthOf({ from: r.periodStart, to: r.periodEnd }),
    periodStart: r.periodStart,
    periodEnd: r.periodEnd,
    version: r.version,
    organization: {
      id: r.organizationId,
      kind: r.organizationKind,
      nameZh: r.organizationNameZh,
      nameEn: r.organizationNameEn,
    },
    compound:
      r.compoundCode === null
        ? null
        : {
            code: r.compoundCode,
            nameZh: r.compoundNameZh ?? r.compoundCode,
            nameEn: r.compoundNameEn ?? r.compoundCode,
          },
    agreementId: r.agreementId,
    communityOrgId: r.communityOrgId,
    assessorOrgId: r.assessorOrgId,
    weights: r.weights,
    parts: r.parts,
    status: r.status,
    score: r.score,
    evaluated: r.rates.satisfactionRate.denominator,
    minEvaluated: r.minEvaluated,
    rates: storedRates(r.rates),
    computedAt: r.computedAt.toISOString(),
  };
}

/** computedBy of a run the Schedule started (workflows/assessment-workflow.ts), not a user. */
const SCHEDULE = 'schedule';

/** Rounded to the cent: deltas have two decimals, and float sums must not show 0.30000000000000004. */
export const adjustmentTotal = (adjustments: Pick<AdjustmentRow, 'delta'>[]): number =>
  Math.round(adjustments.reduce((sum, a) => sum + a.delta, 0) * 100) / 100;

/** Users' ids through `ids` (api/case-view.ts opaqueUserIds): the caller's own as it is, others' opaque. */
export function presentAssessment(r: AssessmentRow, adjustments: AdjustmentRow[], ids: UserIds): AssessmentView {
  return {
    ...assessmentFields(r),
    computedBy: r.computedBy === null || r.computedBy === SCHEDULE ? r.computedBy : ids(r.computedBy),
    adjustments: {
      total: adjustmentTotal(adjustments),
      count: adjustments.length,
      items: adjustments.map((a) => ({
        id: a.id,
        assessmentVersion: a.assessmentVersion,
        delta: a.delta,
        reason: a.reason,
        signedBy: { userId: ids(a.signedBy), nameZh: a.signerNameZh, nameEn: a.signerNameEn },
        signedAt: a.signedAt.toISOString(),
      })),
    },
  };
}
