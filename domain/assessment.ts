// 考核: scoring a handler from its rates under its own weights (DOMAIN.md "Measures", "Rates: what counts"), the
// agreement terms the assessment reads, and when a month is ready to be assessed. Pure: the caller reads the facts
// and the clock.
import type { Rate, RateSet } from './rates';
import type { AssessmentTerms, AssessmentWeights, Duration, HandlerKind } from './types';

export const ASSESSED_MEASURES = ['response', 'resolution', 'satisfaction', 'onTime'] as const;
export type AssessedMeasure = (typeof ASSESSED_MEASURES)[number];

/** Every handler kind is assessed (DOMAIN.md); Party organisations are held to account by their duties instead. */
export const ASSESSED_KINDS = [
  'property_company',
  'owners_committee',
  'resident_association',
  'functional_department',
] as const satisfies readonly HandlerKind[];
export type AssessedKind = (typeof ASSESSED_KINDS)[number];

const workingDays = (amount: number): Duration => ({ unit: 'working_days', amount });

/** Reference values of the assessment terms an agreement leaves out. */
export const DEFAULT_ASSESSMENT_TERMS: AssessmentTerms = Object.freeze({
  // Below five evaluated cases one resident's answer moves satisfaction by 20 points or more.
  minEvaluated: 5,
  // Ten working days after the month ends, what is still open is assessed as pending.
  settleCutoff: workingDays(10),
  followUpTime: workingDays(2),
});

export function assessmentTermsOf(terms: Partial<AssessmentTerms> | undefined): AssessmentTerms {
  return { ...DEFAULT_ASSESSMENT_TERMS, ...terms };
}

/** Why an assessment has a score or has none. */
export const ASSESSMENT_STATUSES = ['scored', 'insufficient_data', 'no_cases'] as const;
export type AssessmentStatus = (typeof ASSESSMENT_STATUSES)[number];

export interface AssessmentPart {
  /** The rate ×100, rounded to 2 decimals; null when the rate has no value (and then it does not count). */
  value: number | null;
  weight: number;
}

export interface Assessment {
  status: AssessmentStatus;
  /** Weighted mean of the parts that have a value, ×100, 2 decimals; null unless `status` is 'scored'. */
  score: number | null;
  parts: Record<AssessedMeasure, AssessmentPart>;
  /** Evaluated cases behind the satisfaction and resolution parts, and the agreement's minimum. */
  evaluated: number;
  minEvaluated: number;
}

function assessedRate(rates: RateSet, measure: AssessedMeasure): Rate {
  switch (measure) {
    case 'response':
      return rates.responseRate;
    case 'resolution':
      return rates.resolutionRate;
    case 'satisfaction':
      return rates.satisfactionRate;
    case 'onTime':
      return rates.onTimeResolutionRate;
  }
}

/**
 * Scores a handler with its weights. The weights are normalised over the rates that have a value, so a handler
 * with nothing resolved yet is judged on the rest instead of scoring 0 on on-time resolution. Fewer evaluated
 * cases than `minEvaluated` give no score at all ("insufficient data"): one evaluation out of ten is not a 100%
 * satisfaction. The score is computed from the unrounded rates; only the results are rounded.
 */
export function assessmentScore(rates: RateSet, weights: AssessmentWeights, minEvaluated = 0): Assessment {
  let weighted = 0;
  let weightSum = 0;
  const parts = {} as Record<AssessedMeasure, AssessmentPart>;
  for (const measure of ASSESSED_MEASURES) {
    const weight = weights[measure];
    if (!Number.isFinite(weight) || weight < 0) throw new RangeError(`invalid assessment weight ${measure}: ${weight}`);
    const value = assessedRate(rates, measure).value;
    parts[measure] = { value: value === null ? null : round2(value * 100), weight };
    if (value === null) continue;
    weighted += weight * value;
    weightSum += weight;
  }
  const evaluated = rates.satisfactionRate.denominator;
  const base = { parts, evaluated, minEvaluated };
  if (rates.cases === 0) return { status: 'no_cases', score: null, ...base };
  if (evaluated < minEvaluated || weightSum === 0) return { status: 'insufficient_data', score: null, ...base };
  return { status: 'scored', score: round2((weighted / weightSum) * 100), ...base };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** 考核调整: the community committee's signed adjustments may move an assessment by at most this much in all. */
export const ADJUSTMENT_CAP = 20;

/** Whether one more adjustment keeps the net total of an assessment's adjustments within ±ADJUSTMENT_CAP. */
export function adjustmentFits(totalSoFar: number, delta: number): boolean {
  // Deltas carry two decimals: compare in cents so 0.1 + 0.2 never lands a cent outside the cap.
  return Math.abs(Math.round(totalSoFar * 100) + Math.round(delta * 100)) <= ADJUSTMENT_CAP * 100;
}

/** A unit is ready for the scheduled assessment once its outcomes are settled or its cut-off has passed. */
export function readyToAssess(settleAt: number, cutoffAt: number, asOf: number): boolean {
  return settleAt < asOf || cutoffAt <= asOf;
}
