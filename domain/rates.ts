// The 三率 and their companion measures (DOMAIN.md "Measures", "Rates: what counts"), as pure functions over the
// outcome of each case at a moment `asOf`. Which cases go in (period, organisation) is the caller's choice; these
// functions only count, and decide for each case and measure whether its outcome is settled yet:
// - a case counts against a measure once its outcome for that measure is settled; until then it is pending;
// - merged cases, cases closed as duplicate or invalid, and cases withdrawn before a deadline leave the measures
//   of that deadline (withdrawn before the response deadline: every measure);
// - on-time resolution is over the cases resolved or whose resolution deadline has passed: never resolving a case
//   is never on time.
import type { CloseGround, Outcome, Satisfaction } from './types';

/** What the measures need to know about one dispatched case. */
export interface CaseOutcomeFacts {
  caseId: string;
  handlerOrgId: string;
  compoundCode: string;
  communityOrgId: string;
  streetOrgId: string;
  categoryCode: string;
  /** The building (楼栋) the resident gave, trimmed; null when none was given. */
  building: string | null;
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
  /** The ground a supervisor closed the case on, when one did. */
  closeGround: CloseGround | null;
}

export interface Rate {
  numerator: number;
  /** The cases whose outcome for this measure is settled. */
  denominator: number;
  /** Cases that will count once their outcome is settled (a deadline still running, an evaluation still to come). */
  pending: number;
  /** numerator / denominator, unrounded; null when the denominator is 0 (nothing to measure is not 0%). */
  value: number | null;
}

export interface RateSet {
  /** Cases dispatched that count: the merged, duplicate, invalid and early-withdrawn ones have left. */
  cases: number;
  /** Cases dispatched in the period that left every measure (merged, duplicate, invalid, withdrawn early). */
  excluded: number;
  responseRate: Rate;
  resolutionRate: Rate;
  satisfactionRate: Rate;
  /** 参评率: evaluated / closed cases that could have been evaluated; always shown beside satisfaction. */
  evaluationCoverage: Rate;
  onTimeResolutionRate: Rate;
  reworkRate: Rate;
  escalationRate: Rate;
  returnRate: Rate;
  /** Median of dispatched→resolved over resolved cases, in clock ms; null when none is resolved. */
  medianHandlingMs: number | null;
}

export const RATE_GROUP_KEYS = [
  'handlerOrgId',
  'compoundCode',
  'communityOrgId',
  'streetOrgId',
  'categoryCode',
  'building',
] as const;
export type RateGroupKey = (typeof RATE_GROUP_KEYS)[number];

type Facts = readonly CaseOutcomeFacts[];
/** How one case stands for one measure: counted in (hit), counted out (miss), not yet settled, or not measured. */
export type Verdict = 'hit' | 'miss' | 'pending' | 'out';
type Measure = (f: CaseOutcomeFacts, asOf: number) => Verdict;

const isWithdrawn = (f: CaseOutcomeFacts) => f.outcome === 'withdrawn' || f.closeGround === 'resident_request';
/** Withdrawn (by the resident, or closed at the resident's request) before the deadline ran out. */
const withdrawnBefore = (f: CaseOutcomeFacts, due: number | null) =>
  isWithdrawn(f) && (due === null || (f.closedAt ?? Infinity) < due);
const isClosed = (f: CaseOutcomeFacts) => f.closedAt !== null;
const within = (at: number, due: number | null) => due === null || at <= due;

/** Left every measure: 合并 into a primary case, closed as a duplicate or invalid, or withdrawn before the response deadline. */
export function leavesEveryMeasure(f: CaseOutcomeFacts): boolean {
  if (f.outcome === 'merged' || f.closeGround === 'duplicate' || f.closeGround === 'invalid') return true;
  return withdrawnBefore(f, f.responseDueAt);
}

/** Acknowledged by the handler within its first response deadline; settled once acknowledged in time, once the deadline passed, or at closing. */
export const responded: Measure = (f, asOf) => {
  if (f.acknowledgedAt !== null && within(f.acknowledgedAt, f.responseDueAt)) return 'hit';
  return (f.responseDueAt !== null && f.responseDueAt < asOf) || isClosed(f) ? 'miss' : 'pending';
};

/**
 * Resolved by the resolution deadline (moved by approved extensions). A miss as soon as the deadline passed without
 * a resolution in time; a hit only once the case closed, because 重办 after a timely resolution can still end late.
 */
export const resolvedOnTime: Measure = (f, asOf) => {
  const due = f.resolutionDueAt;
  if (withdrawnBefore(f, due)) return 'out';
  const onTime = f.resolvedAt !== null && within(f.resolvedAt, due);
  if (due !== null && due < asOf && !onTime) return 'miss';
  if (!isClosed(f)) return 'pending';
  if (onTime) return 'hit';
  // Closed in rework before its deadline (诉求核实不合理): there was no resolution to time.
  return f.resolvedAt === null ? 'out' : 'miss';
};

/** Evaluation measures are over closed cases: until then a 不满意 may still be followed by the evaluation that counts. */
const overEvaluated =
  (test: (f: CaseOutcomeFacts) => boolean): Measure =>
  (f) => {
    if (isWithdrawn(f)) return 'out';
    if (!isClosed(f)) return 'pending';
    if (!f.evaluated) return 'out';
    return test(f) ? 'hit' : 'miss';
  };

export const solvedMeasure: Measure = overEvaluated((f) => f.solved === true);
export const satisfiedMeasure: Measure = overEvaluated(
  (f) => f.satisfaction === 'satisfied' || f.satisfaction === 'basically_satisfied',
);
export const reworkedMeasure: Measure = overEvaluated((f) => f.reopenCount > 0);

/** 参评率: of the closed cases a resident could judge, how many were evaluated (in the app or by 回访). */
export const evaluatedMeasure: Measure = (f) => {
  if (isWithdrawn(f)) return 'out';
  if (!isClosed(f)) return 'pending';
  return f.evaluated ? 'hit' : 'miss';
};

/** Something that happens to a case at most once it is open (escalation, return): settled when it happened or at closing. */
const happened =
  (test: (f: CaseOutcomeFacts) => boolean): Measure =>
  (f) =>
    test(f) ? 'hit' : isClosed(f) ? 'miss' : 'pending';

export const escalatedMeasure: Measure = happened((f) => f.escalated);
export const returnedMeasure: Measure = happened((f) => f.returned);

/** Counts one measure over cases that have not left the measures. */
export function measure(facts: Facts, m: Measure, asOf: number): Rate {
  let numerator = 0;
  let denominator = 0;
  let pending = 0;
  for (const f of facts) {
    if (leavesEveryMeasure(f)) continue;
    const v = m(f, asOf);
    if (v === 'pending') pending++;
    else if (v !== 'out') {
      denominator++;
      if (v === 'hit') numerator++;
    }
  }
  return { numerator, denominator, pending, value: denominator === 0 ? null : numerator / denominator };
}

export const responseRate = (facts: Facts, asOf: number): Rate => measure(facts, responded, asOf);
export const resolutionRate = (facts: Facts, asOf: number): Rate => measure(facts, solvedMeasure, asOf);
export const satisfactionRate = (facts: Facts, asOf: number): Rate => measure(facts, satisfiedMeasure, asOf);
export const evaluationCoverage = (facts: Facts, asOf: number): Rate => measure(facts, evaluatedMeasure, asOf);
export const onTimeResolutionRate = (facts: Facts, asOf: number): Rate => measure(facts, resolvedOnTime, asOf);
export const reworkRate = (facts: Facts, asOf: number): Rate => measure(facts, reworkedMeasure, asOf);
export const escalationRate = (facts: Facts, asOf: number): Rate => measure(facts, escalatedMeasure, asOf);
export const returnRate = (facts: Facts, asOf: number): Rate => measure(facts, returnedMeasure, asOf);

/** Median dispatched→resolved over the cases that count; with an even count, the mean of the two middle values. */
export function medianHandlingMs(facts: Facts): number | null {
  const spans = facts
    .filter((f) => f.resolvedAt !== null && !leavesEveryMeasure(f))
    .map((f) => (f.resolvedAt as number) - f.dispatchedAt)
    .sort((a, b) => a - b);
  if (spans.length === 0) return null;
  const mid = Math.floor(spans.length / 2);
  return spans.length % 2 === 1 ? spans[mid] : (spans[mid - 1] + spans[mid]) / 2;
}

/** Every measure over the facts, as they stand at `asOf` (epoch ms). */
export function computeRates(facts: Facts, asOf: number): RateSet {
  const excluded = facts.filter(leavesEveryMeasure).length;
  return {
    cases: facts.length - excluded,
    excluded,
    responseRate: responseRate(facts, asOf),
    resolutionRate: resolutionRate(facts, asOf),
    satisfactionRate: satisfactionRate(facts, asOf),
    evaluationCoverage: evaluationCoverage(facts, asOf),
    onTimeResolutionRate: onTimeResolutionRate(facts, asOf),
    reworkRate: reworkRate(facts, asOf),
    escalationRate: escalationRate(facts, asOf),
    returnRate: returnRate(facts, asOf),
    medianHandlingMs: medianHandlingMs(facts),
  };
}

/** The group a case falls in. A building is named within its compound (楼栋 numbers repeat across compounds). */
export function groupKeyOf(f: CaseOutcomeFacts, key: RateGroupKey): string {
  return key === 'building' ? buildingKey(f.compoundCode, f.building) : f[key];
}

export const buildingKey = (compoundCode: string, building: string | null): string =>
  `${compoundCode}/${building ?? ''}`;

/** Rates per handler, compound, community, street, category or building, in order of first appearance. */
export function groupRates(facts: Facts, key: RateGroupKey, asOf: number): Record<string, RateSet> {
  const groups = new Map<string, CaseOutcomeFacts[]>();
  for (const f of facts) {
    const id = groupKeyOf(f, key);
    const group = groups.get(id);
    if (group) group.push(f);
    else groups.set(id, [f]);
  }
  // fromEntries defines own properties, so an id such as '__proto__' stays an ordinary key.
  return Object.fromEntries([...groups].map(([id, group]) => [id, computeRates(group, asOf)]));
}

/**
 * When the month's outcomes are settled enough to assess: the last response or resolution deadline of a case
 * still open (a closed case is settled), -Infinity when none is open, Infinity when an open case has no deadline.
 */
export function outcomesSettleAt(facts: Facts): number {
  let last = -Infinity;
  for (const f of facts) {
    if (isClosed(f) || leavesEveryMeasure(f)) continue;
    if (f.responseDueAt === null || f.resolutionDueAt === null) return Infinity;
    last = Math.max(last, f.responseDueAt, f.resolutionDueAt);
  }
  return last;
}
