// How an assessment leaves the API. The computed score and the committee's adjustments are separate fields on
// purpose (issue 7: an adjustment is shown beside the score, never merged into it): there is no "final score".
import { z } from 'zod';
import { ASSESSED_MEASURES } from '../../domain/rates';
import type { AdjustmentRow, AssessmentRow } from '../../db/queries/assessments';
import { monthOf } from '../../db/queries/period';
import { rateSetSchema } from './stats-common';

const measure = <T extends z.ZodType>(s: T) => z.object(Object.fromEntries(ASSESSED_MEASURES.map((m) => [m, s])) as Record<(typeof ASSESSED_MEASURES)[number], T>);

const adjustmentItemSchema = z.object({
  id: z.uuid(),
  assessmentVersion: z.number().int().describe('the version it was signed on; it stays with the month across recomputations'),
  delta: z.number(),
  reason: z.string(),
  signedBy: z.object({ userId: z.string(), nameZh: z.string().nullable(), nameEn: z.string().nullable() }),
  signedAt: z.string(),
});

export const assessmentSchema = z.object({
  id: z.uuid(),
  period: z.string().nullable().describe('YYYY-MM'),
  periodStart: z.string(),
  periodEnd: z.string().describe('exclusive'),
  version: z.number().int().describe('a recomputation is a new version; earlier versions stay as they were'),
  organization: z.object({ id: z.string(), nameZh: z.string(), nameEn: z.string() }),
  compound: z.object({ code: z.string(), nameZh: z.string(), nameEn: z.string() }),
  agreementId: z.string(),
  communityOrgId: z.string(),
  weights: measure(z.number()),
  parts: measure(z.object({ value: z.number().nullable().describe('rate × 100'), weight: z.number() })),
  score: z.number().nullable().describe('computed score (weighted mean of the parts with a value); null with no case in the period'),
  rates: rateSetSchema,
  computedBy: z.string().nullable(),
  computedAt: z.string(),
  adjustments: z.object({
    total: z.number().describe('sum of the signed adjustments, shown beside the score and never added into it'),
    count: z.number().int(),
    items: z.array(adjustmentItemSchema),
  }),
});
export type AssessmentView = z.infer<typeof assessmentSchema>;

export function presentAssessment(r: AssessmentRow, adjustments: AdjustmentRow[]): AssessmentView {
  const total = adjustments.reduce((sum, a) => sum + a.delta, 0);
  return {
    id: r.id,
    period: monthOf({ from: r.periodStart, to: r.periodEnd }),
    periodStart: r.periodStart,
    periodEnd: r.periodEnd,
    version: r.version,
    organization: { id: r.organizationId, nameZh: r.organizationNameZh, nameEn: r.organizationNameEn },
    compound: { code: r.compoundCode, nameZh: r.compoundNameZh, nameEn: r.compoundNameEn },
    agreementId: r.agreementId,
    communityOrgId: r.communityOrgId,
    weights: r.weights,
    parts: r.parts,
    score: r.score,
    rates: r.rates,
    computedBy: r.computedBy,
    computedAt: r.computedAt.toISOString(),
    adjustments: {
      // Rounded to the cent: deltas have two decimals, and float sums must not show 0.30000000000000004.
      total: Math.round(total * 100) / 100,
      count: adjustments.length,
      items: adjustments.map((a) => ({
        id: a.id,
        assessmentVersion: a.assessmentVersion,
        delta: a.delta,
        reason: a.reason,
        signedBy: { userId: a.signedBy, nameZh: a.signerNameZh, nameEn: a.signerNameEn },
        signedAt: a.signedAt.toISOString(),
      })),
    },
  };
}
