// The 三率 and their companion measures (DOMAIN.md "Measures"), as pure functions over the outcome of each case.
// Which cases go in (period, organisation) is the caller's choice; these functions only count.
import type { AssessmentWeights, Outcome, Satisfaction } from './types';

/** What the measures need to know about one dispatched case. */
export interface CaseOutcomeFacts {
  caseId: string;
  handlerOrgId: string;
  compoundCode: string;
  communityOrgId: string;
  streetOrgId: string;
  dispatchedAt: number;
  acknowledgedAt: number | null;
  /** The handler's first response deadline (an approved extension does not excuse a late response). */
  responseDueAt: number | null;
  resolvedAt: number | null;
  resolutionDueAt: number | null;
  evaluated: boolean;
  /** The last evaluation: after 重办 the second evaluation is the one that counts. */
  satisfaction: Satisfaction | null;
  solved: boolean | null;
  reopenCount: number;
  escalated: boolean;
  returned: boolean;
  closedAt: number | null;
  outcome: Outcome | null;
}

export interface Rate {
  numerator: number;
  denominator: number;
  /** numerator / denominator, unrounded; null when the denominator is 0 (nothing to measure is not 0%). */
  value: number | null;
}

export interface RateSet {
  /** Cases dispatched: the denominator of the response, escalation and return rates. */
  cases: number;
  responseRate: Rate;
  resolutionRate: Rate;
  satisfactionRate: Rate;
  onTimeResolutionRate: Rate;
  reworkRate: Rate;
  escalationRate: Rate;
  returnRate: Rate;
  /** Median of dispatched→resolved over resolved cases, in clock ms; null when none is resolved. */
  medianHandlingMs: number | null;
}

export type RateGroupKey = 'handlerOrgId' | 'compoundCode' | 'communityOrgId' | 'streetOrgId';

type Facts = readonly CaseOutcomeFacts[];
type Test = (f: CaseOutcomeFacts) => boolean;

function rate(numerator: number, denominator: number): Rate {
  return { numerator, denominator, value: denominator === 0 ? null : numerator / denominator };
}

/** The numerator is always drawn from the denominator's cases, so no rate can exceed 1. */
function countRate(facts: Facts, inDenominator: Test, inNumerator: Test): Rate {
  const counted = facts.filter(inDenominator);
  return rate(counted.filter(inNumerator).length, counted.length);
}

const all: Test = () => true;
const evaluated: Test = (f) => f.evaluated;
const resolved: Test = (f) => f.resolvedAt !== null;

/** Acknowledged within the response deadline / dispatched. A case with no response deadline counts once acknowledged. */
export function responseRate(facts: Facts): Rate {
  return countRate(facts, all, (f) => f.acknowledgedAt !== null && withinDue(f.acknowledgedAt, f.responseDueAt));
}

/** Cases the resident reports solved / cases evaluated. */
export function resolutionRate(facts: Facts): Rate {
  return countRate(facts, evaluated, (f) => f.solved === true);
}

/** (满意 + 基本满意) / cases evaluated, on the last evaluation. */
export function satisfactionRate(facts: Facts): Rate {
  return countRate(facts, evaluated, (f) => f.satisfaction === 'satisfied' || f.satisfaction === 'basically_satisfied');
}

/** Resolved at or before the resolution due / resolved. */
export function onTimeResolutionRate(facts: Facts): Rate {
  return countRate(facts, resolved, (f) => f.resolvedAt !== null && withinDue(f.resolvedAt, f.resolutionDueAt));
}

/** Reopened for 重办 / evaluated. A reopen always follows an evaluation, so reopened cases are evaluated ones. */
export function reworkRate(facts: Facts): Rate {
  return countRate(facts, evaluated, (f) => f.reopenCount > 0);
}

export function escalationRate(facts: Facts): Rate {
  return countRate(facts, all, (f) => f.escalated);
}

/** Returned (回退) by the handler as not its duty / dispatched. */
export function returnRate(facts: Facts): Rate {
  return countRate(facts, all, (f) => f.returned);
}

function withinDue(at: number, dueAt: number | null): boolean {
  return dueAt === null || at <= dueAt;
}

/** Median dispatched→resolved; with an even count, the mean of the two middle values. */
export function medianHandlingMs(facts: Facts): number | null {
  const spans = facts
    .filter(resolved)
    .map((f) => (f.resolvedAt as number) - f.dispatchedAt)
    .sort((a, b) => a - b);
  if (spans.length === 0) return null;
  const mid = Math.floor(spans.length / 2);
  return spans.length % 2 === 1 ? spans[mid] : (spans[mid - 1] + spans[mid]) / 2;
}

export function computeRates(all: Facts): RateSet {
  // 合并: a duplicate merged into a primary case is one problem with it, not a separate dispatch.
  const facts = all.filter((f) => f.outcome !== 'merged');
  return {
    cases: facts.length,
    responseRate: responseRate(facts),
    resolutionRate: resolutionRate(facts),
    satisfactionRate: satisfactionRate(facts),
    onTimeResolutionRate: onTimeResolutionRate(facts),
    reworkRate: reworkRate(facts),
    escalationRate: escalationRate(facts),
    returnRate: returnRate(facts),
    medianHandlingMs: medianHandlingMs(facts),
  };
}

/** Rates per handler, compound, community or street, in order of first appearance. */
export function groupRates(facts: Facts, key: RateGroupKey): Record<string, RateSet> {
  const groups = new Map<string, CaseOutcomeFacts[]>();
  for (const f of facts) {
    const group = groups.get(f[key]);
    if (group) group.push(f);
    else groups.set(f[key], [f]);
  }
  // fromEntries defines own properties, so an id such as '__proto__' stays an ordinary key.
  return Object.fromEntries([...groups].map(([id, group]) => [id, computeRates(group)]));
}

// --- 考核 assessment under the three-party agreement ---

export const ASSESSED_MEASURES = ['response', 'resolution', 'satisfaction', 'onTime'] as const;
export type AssessedMeasure = (typeof ASSESSED_MEASURES)[number];

export interface AssessmentPart {
  /** The rate ×100, rounded to 2 decimals; null when the rate has no value (and then it does not count). */
  value: number | null;
  weight: number;
}

export interface Assessment {
  /** Weighted mean of the parts that have a value, ×100, 2 decimals; null when no weighted part has a value. */
  score: number | null;
  parts: Record<AssessedMeasure, AssessmentPart>;
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
 * Scores a handler with its agreement's weights. The weights are normalised over the rates that have a value,
 * so a handler with nothing resolved yet is judged on the rest instead of scoring 0 on on-time resolution.
 * The score is computed from the unrounded rates; only the results are rounded.
 */
export function assessmentScore(rates: RateSet, weights: AssessmentWeights): Assessment {
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
  return { score: weightSum > 0 ? round2((weighted / weightSum) * 100) : null, parts };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
