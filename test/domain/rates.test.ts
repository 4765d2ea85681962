import fc from 'fast-check';
import { adjustmentFits, assessmentScore, readyToAssess } from '../../domain/assessment';
import {
  computeRates,
  escalationRate,
  evaluationCoverage,
  groupRates,
  leavesEveryMeasure,
  medianHandlingMs,
  onTimeResolutionRate,
  outcomesSettleAt,
  resolutionRate,
  responseRate,
  returnRate,
  reworkRate,
  satisfactionRate,
  type CaseOutcomeFacts,
  type Rate,
  type RateSet,
} from '../../domain/rates';
import { SATISFACTIONS, type AssessmentWeights } from '../../domain/types';

const HOUR = 3_600_000;
const T0 = Date.parse('2025-10-09T09:00:00+08:00');
/** Long after every deadline below: every outcome is settled. */
const LATER = T0 + 100 * HOUR;

/** A case dispatched at T0, acknowledged and resolved on time, evaluated satisfied and solved, closed. */
function fact(overrides: Partial<CaseOutcomeFacts> = {}): CaseOutcomeFacts {
  return {
    caseId: 'case-1',
    handlerOrgId: 'property-a',
    compoundCode: 'lakeside',
    communityOrgId: 'community-1',
    streetOrgId: 'street-1',
    categoryCode: 'lift',
    building: '3',
    dispatchedAt: T0,
    acknowledgedAt: T0 + HOUR,
    responseDueAt: T0 + 2 * HOUR,
    resolvedAt: T0 + 10 * HOUR,
    resolutionDueAt: T0 + 20 * HOUR,
    evaluated: true,
    satisfaction: 'satisfied',
    solved: true,
    reopenCount: 0,
    escalated: false,
    returned: false,
    closedAt: T0 + 30 * HOUR,
    outcome: 'satisfied',
    closeGround: null,
    ...overrides,
  };
}

/** Open: acknowledged, nothing resolved, evaluated or closed yet. */
const open = (overrides: Partial<CaseOutcomeFacts> = {}) =>
  fact({
    resolvedAt: null,
    evaluated: false,
    satisfaction: null,
    solved: null,
    closedAt: null,
    outcome: null,
    ...overrides,
  });

const rateOf = (numerator: number, denominator: number, pending = 0): Rate => ({
  numerator,
  denominator,
  pending,
  value: numerator / denominator,
});
const noRate = (pending = 0): Rate => ({ numerator: 0, denominator: 0, pending, value: null });

// Four cases dispatched to one property company, worked out by hand, all settled.
const period: CaseOutcomeFacts[] = [
  fact({ caseId: 'a' }),
  // Acknowledged late, resolved late, basically satisfied but not solved.
  fact({
    caseId: 'b',
    acknowledgedAt: T0 + 3 * HOUR,
    resolvedAt: T0 + 30 * HOUR,
    closedAt: T0 + 31 * HOUR,
    satisfaction: 'basically_satisfied',
    solved: false,
  }),
  // Reopened for 重办 once, escalated; the second evaluation (unsatisfied, not solved) is the one that counts.
  fact({
    caseId: 'c',
    satisfaction: 'unsatisfied',
    solved: false,
    reopenCount: 1,
    escalated: true,
    resolvedAt: T0 + 4 * HOUR,
  }),
  // Never acknowledged, returned as not the company's duty, never resolved; open long past both deadlines.
  open({ caseId: 'd', acknowledgedAt: null, returned: true }),
];

describe('the 三率 and companion measures', () => {
  test('four hand-worked cases give the expected numerators, denominators and pending counts', () => {
    expect(computeRates(period, LATER)).toEqual<RateSet>({
      cases: 4,
      excluded: 0,
      responseRate: rateOf(2, 4),
      resolutionRate: rateOf(1, 3, 1),
      satisfactionRate: rateOf(2, 3, 1),
      evaluationCoverage: rateOf(3, 3, 1),
      // d was never resolved and its deadline passed: a miss, not a case left out.
      onTimeResolutionRate: rateOf(2, 4),
      reworkRate: rateOf(1, 3, 1),
      escalationRate: rateOf(1, 3, 1),
      returnRate: rateOf(1, 4),
      medianHandlingMs: 10 * HOUR,
    });
  });

  test('with no cases every rate has a zero denominator and no value', () => {
    const none = computeRates([], LATER);
    expect(none.cases).toBe(0);
    for (const r of [none.responseRate, none.satisfactionRate, none.evaluationCoverage, none.onTimeResolutionRate])
      expect(r).toEqual(noRate());
  });

  test('a case counts against a measure only once its outcome is settled; until then it is pending', () => {
    const justDispatched = open({ acknowledgedAt: null });
    expect(responseRate([justDispatched], T0 + HOUR)).toEqual(noRate(1));
    expect(responseRate([justDispatched], T0 + 2 * HOUR + 1)).toEqual(rateOf(0, 1));
    expect(responseRate([open()], T0 + HOUR + 1)).toEqual(rateOf(1, 1));
    expect(onTimeResolutionRate([open()], T0 + 5 * HOUR)).toEqual(noRate(1));
    expect(satisfactionRate([open()], LATER)).toEqual(noRate(1));
    expect(evaluationCoverage([open()], LATER)).toEqual(noRate(1));
    expect(escalationRate([open()], LATER)).toEqual(noRate(1));
    expect(escalationRate([open({ escalated: true })], LATER)).toEqual(rateOf(1, 1));
  });

  test('on-time resolution counts a case never resolved past its deadline as late, never as absent', () => {
    // The fault of 0.2.0: only resolved cases counted, so never resolving scored better than resolving late.
    const late = fact({ handlerOrgId: 'late', resolvedAt: T0 + 25 * HOUR });
    const never = open({ handlerOrgId: 'never' });
    const onTime = fact({ handlerOrgId: 'late', caseId: 'ok' });
    expect(onTimeResolutionRate([late, onTime], LATER)).toEqual(rateOf(1, 2));
    expect(onTimeResolutionRate([never, { ...onTime, handlerOrgId: 'never' }], LATER)).toEqual(rateOf(1, 2));
    // Before the deadline the unresolved case is pending; one millisecond after it, it is late.
    expect(onTimeResolutionRate([never], T0 + 20 * HOUR)).toEqual(noRate(1));
    expect(onTimeResolutionRate([never], T0 + 20 * HOUR + 1)).toEqual(rateOf(0, 1));
  });

  test('a timely resolution is on time only once the case closes: 重办 after it may still end late', () => {
    const awaiting = fact({ closedAt: null, outcome: null, evaluated: false, satisfaction: null, solved: null });
    expect(onTimeResolutionRate([awaiting], T0 + 15 * HOUR)).toEqual(noRate(1));
    expect(onTimeResolutionRate([fact()], LATER)).toEqual(rateOf(1, 1));
    // Reopened (resolvedAt cleared by the rework) and still open past the deadline: late.
    expect(onTimeResolutionRate([open({ reopenCount: 1 })], T0 + 21 * HOUR)).toEqual(rateOf(0, 1));
  });

  test('acknowledging exactly at the response deadline is on time and one millisecond later is not', () => {
    expect(responseRate([fact({ acknowledgedAt: T0 + 2 * HOUR })], LATER)).toEqual(rateOf(1, 1));
    expect(responseRate([fact({ acknowledgedAt: T0 + 2 * HOUR + 1 })], LATER)).toEqual(rateOf(0, 1));
    expect(onTimeResolutionRate([fact({ resolvedAt: T0 + 20 * HOUR })], LATER)).toEqual(rateOf(1, 1));
    expect(onTimeResolutionRate([fact({ resolvedAt: T0 + 20 * HOUR + 1 })], LATER)).toEqual(rateOf(0, 1));
  });

  test('a case without a deadline counts as on time once acknowledged or resolved and closed', () => {
    const noDeadlines = fact({ responseDueAt: null, resolutionDueAt: null });
    expect(responseRate([noDeadlines], LATER)).toEqual(rateOf(1, 1));
    expect(onTimeResolutionRate([noDeadlines], LATER)).toEqual(rateOf(1, 1));
    expect(responseRate([open({ responseDueAt: null, acknowledgedAt: null })], LATER)).toEqual(noRate(1));
  });

  test('withdrawn before the deadline, merged, duplicate and invalid cases leave every measure', () => {
    const left = [
      open({ acknowledgedAt: null, outcome: 'withdrawn', closedAt: T0 + HOUR }),
      open({
        acknowledgedAt: null,
        outcome: 'closed_by_supervisor',
        closeGround: 'resident_request',
        closedAt: T0 + HOUR,
      }),
      open({
        acknowledgedAt: null,
        outcome: 'closed_by_supervisor',
        closeGround: 'duplicate',
        closedAt: T0 + 5 * HOUR,
      }),
      open({ acknowledgedAt: null, outcome: 'closed_by_supervisor', closeGround: 'invalid', closedAt: T0 + 50 * HOUR }),
      open({ acknowledgedAt: null, outcome: 'merged', closedAt: T0 + 50 * HOUR }),
    ];
    expect(left.every(leavesEveryMeasure)).toBe(true);
    const rates = computeRates([...left, fact()], LATER);
    expect(rates).toMatchObject({
      cases: 1,
      excluded: 5,
      responseRate: rateOf(1, 1),
      onTimeResolutionRate: rateOf(1, 1),
      escalationRate: rateOf(0, 1),
    });
  });

  test('a case withdrawn after a missed deadline still counts that miss, and no evaluation measure', () => {
    // The resident gave up after the company ignored the case: the response miss stands.
    const gaveUp = open({ acknowledgedAt: null, outcome: 'withdrawn', closedAt: T0 + 5 * HOUR });
    expect(leavesEveryMeasure(gaveUp)).toBe(false);
    expect(responseRate([gaveUp], LATER)).toEqual(rateOf(0, 1));
    expect(onTimeResolutionRate([gaveUp], LATER)).toEqual(noRate());
    expect(satisfactionRate([gaveUp], LATER)).toEqual(noRate());
    expect(evaluationCoverage([gaveUp], LATER)).toEqual(noRate());
  });

  test('evaluation coverage (参评率) is evaluated over closed cases a resident could judge', () => {
    const cases = [
      fact(),
      ...Array.from({ length: 9 }, () =>
        fact({ evaluated: false, satisfaction: null, solved: null, outcome: 'not_evaluated' }),
      ),
    ];
    const rates = computeRates(cases, LATER);
    expect(rates.satisfactionRate).toEqual(rateOf(1, 1));
    expect(rates.evaluationCoverage).toEqual(rateOf(1, 10));
  });

  test('after 重办 the last evaluation counts, once the case is closed; a reopened case is pending', () => {
    const reworked = fact({ reopenCount: 1, satisfaction: 'satisfied', solved: true });
    expect(satisfactionRate([reworked], LATER)).toEqual(rateOf(1, 1));
    expect(resolutionRate([reworked], LATER)).toEqual(rateOf(1, 1));
    expect(reworkRate([reworked], LATER)).toEqual(rateOf(1, 1));
    // The first evaluation, 不满意, reopened the case: not yet the one that counts.
    const reopened = open({ reopenCount: 1, evaluated: true, satisfaction: 'unsatisfied', solved: false });
    expect(satisfactionRate([reopened], LATER)).toEqual(noRate(1));
  });

  test('basically satisfied counts as satisfied, unsatisfied does not, and being satisfied is not being solved', () => {
    const evaluations = SATISFACTIONS.map((satisfaction) => fact({ satisfaction, solved: false }));
    expect(satisfactionRate(evaluations, LATER)).toEqual(rateOf(2, 3));
    expect(resolutionRate(evaluations, LATER)).toEqual(rateOf(0, 3));
  });

  test('escalated and returned cases are counted over the cases whose course has ended or in which it happened', () => {
    const cases = [fact({ escalated: true, returned: true }), fact(), open({ escalated: true }), open()];
    expect(escalationRate(cases, LATER)).toEqual(rateOf(2, 3, 1));
    expect(returnRate(cases, LATER)).toEqual(rateOf(1, 2, 2));
  });

  test('the median handling time of an even count is the mean of the two middle values', () => {
    const resolvedAfter = (hours: number | null) => fact({ resolvedAt: hours === null ? null : T0 + hours * HOUR });
    expect(medianHandlingMs([9, 1, 3, null].map(resolvedAfter))).toBe(3 * HOUR);
    expect(medianHandlingMs([9, 1, 4, 2].map(resolvedAfter))).toBe(3 * HOUR);
    expect(medianHandlingMs([null].map(resolvedAfter))).toBeNull();
  });
});

describe('grouping', () => {
  test('rates are computed per handler, in order of first appearance', () => {
    const cases = [
      fact({ handlerOrgId: 'property-b', acknowledgedAt: null }),
      fact({ handlerOrgId: 'property-a' }),
      fact({ handlerOrgId: 'property-b' }),
    ];
    const byHandler = groupRates(cases, 'handlerOrgId', LATER);
    expect(Object.keys(byHandler)).toEqual(['property-b', 'property-a']);
    expect(byHandler['property-b'].responseRate).toEqual(rateOf(1, 2));
    expect(byHandler['property-a'].responseRate).toEqual(rateOf(1, 1));
  });

  test('groups by street, community, compound, category and building split the same cases', () => {
    const cases = [
      fact({ streetOrgId: 's1', communityOrgId: 'c1', compoundCode: 'x', categoryCode: 'lift', building: '1' }),
      fact({ streetOrgId: 's1', communityOrgId: 'c2', compoundCode: 'y', categoryCode: 'lift', building: '1' }),
      fact({ streetOrgId: 's1', communityOrgId: 'c2', compoundCode: 'y', categoryCode: 'noise', building: null }),
    ];
    const counts = (groups: Record<string, RateSet>) =>
      Object.fromEntries(Object.entries(groups).map(([id, rates]) => [id, rates.cases]));
    expect(counts(groupRates(cases, 'streetOrgId', LATER))).toEqual({ s1: 3 });
    expect(counts(groupRates(cases, 'communityOrgId', LATER))).toEqual({ c1: 1, c2: 2 });
    expect(counts(groupRates(cases, 'compoundCode', LATER))).toEqual({ x: 1, y: 2 });
    expect(counts(groupRates(cases, 'categoryCode', LATER))).toEqual({ lift: 2, noise: 1 });
    // Building 1 of x and building 1 of y are two buildings.
    expect(counts(groupRates(cases, 'building', LATER))).toEqual({ 'x/1': 1, 'y/1': 1, 'y/': 1 });
  });

  test('an organisation id that names an Object.prototype member is an ordinary group', () => {
    const groups = groupRates(
      [fact({ handlerOrgId: '__proto__' }), fact({ handlerOrgId: 'constructor' })],
      'handlerOrgId',
      LATER,
    );
    expect(Object.keys(groups)).toEqual(['__proto__', 'constructor']);
    expect(groups['constructor'].cases).toBe(1);
  });
});

describe('assessment under the agreement', () => {
  const weights: AssessmentWeights = { response: 0.3, resolution: 0.2, satisfaction: 0.4, onTime: 0.1 };

  test('the score is the weighted mean of the four rates times 100, rounded to two decimals', () => {
    // response 3/4, resolution 1/3, satisfaction 2/3, on time 4/4: 22.5 + 6.667 + 26.667 + 10 = 65.83.
    const rates = computeRates(
      [
        fact(),
        fact({ solved: false }),
        fact({ acknowledgedAt: null, evaluated: false, satisfaction: null, solved: null, outcome: 'not_evaluated' }),
        fact({ satisfaction: 'unsatisfied', solved: false }),
      ],
      LATER,
    );
    expect(assessmentScore(rates, weights, 3)).toEqual({
      status: 'scored',
      score: 65.83,
      evaluated: 3,
      minEvaluated: 3,
      parts: {
        response: { value: 75, weight: 0.3 },
        resolution: { value: 33.33, weight: 0.2 },
        satisfaction: { value: 66.67, weight: 0.4 },
        onTime: { value: 100, weight: 0.1 },
      },
    });
  });

  test('one evaluated case out of ten is insufficient data, not a satisfaction of 100', () => {
    // The fault of 0.2.0: one evaluation out of ten gave 100% and a score of 100, with nothing saying how few.
    const cases = [
      fact(),
      ...Array.from({ length: 9 }, (_, i) =>
        fact({ caseId: `n${i}`, evaluated: false, satisfaction: null, solved: null, outcome: 'not_evaluated' }),
      ),
    ];
    const rates = computeRates(cases, LATER);
    expect(rates.evaluationCoverage.value).toBeCloseTo(0.1);
    const a = assessmentScore(rates, weights, 5);
    expect(a).toMatchObject({ status: 'insufficient_data', score: null, evaluated: 1, minEvaluated: 5 });
    expect(a.parts.satisfaction).toEqual({ value: 100, weight: 0.4 });
    expect(assessmentScore(rates, weights, 1)).toMatchObject({ status: 'scored', score: 100 });
  });

  test('a company that never resolves an overdue case scores below one that resolves it late', () => {
    const late = computeRates([fact({ resolvedAt: T0 + 25 * HOUR })], LATER);
    const never = computeRates([open({ acknowledgedAt: T0 + HOUR })], LATER);
    const onTimeOnly = { response: 0, resolution: 0, satisfaction: 0, onTime: 1 };
    expect(assessmentScore(late, onTimeOnly).score).toBe(0);
    expect(assessmentScore(never, onTimeOnly).score).toBe(0);
    expect(assessmentScore(never, weights).score).toBeLessThan(assessmentScore(late, weights).score as number);
  });

  test('a rate without a value drops out and the remaining weights are normalised', () => {
    // Nothing resolved or evaluated, before the resolution deadline: only the response rate (1/2) counts.
    const rates = computeRates([open({ acknowledgedAt: null }), open()], T0 + 5 * HOUR);
    expect(assessmentScore(rates, weights).score).toBe(50);
    expect(assessmentScore(rates, weights).parts.onTime).toEqual({ value: null, weight: 0.1 });
  });

  test('weights need not sum to one', () => {
    const rates = computeRates(period, LATER);
    const scaled = { response: 3, resolution: 2, satisfaction: 4, onTime: 1 };
    expect(assessmentScore(rates, scaled).score).toBe(assessmentScore(rates, weights).score);
  });

  test('no cases, or only zero weights on the rates that have a value, give no score', () => {
    expect(assessmentScore(computeRates([], LATER), weights)).toMatchObject({ status: 'no_cases', score: null });
    const rates = computeRates([open()], T0 + 5 * HOUR);
    expect(assessmentScore(rates, { ...weights, response: 0 })).toMatchObject({
      status: 'insufficient_data',
      score: null,
    });
  });

  test('a negative weight is refused', () => {
    expect(() => assessmentScore(computeRates(period, LATER), { ...weights, onTime: -1 })).toThrow(RangeError);
  });

  test('the cap is on the net total of the adjustments, not on each one', () => {
    expect(adjustmentFits(0, 20)).toBe(true);
    expect(adjustmentFits(20, 0.01)).toBe(false);
    expect(adjustmentFits(20, -40)).toBe(true);
    expect(adjustmentFits(-20, -0.01)).toBe(false);
    expect(adjustmentFits(19.9, 0.1)).toBe(true);
  });

  test('a month is ready to assess once every deadline of its open cases has passed, or at the cut-off', () => {
    const cases = [
      fact(),
      open({ acknowledgedAt: null, responseDueAt: T0 + 2 * HOUR, resolutionDueAt: T0 + 40 * HOUR }),
    ];
    const settle = outcomesSettleAt(cases);
    expect(settle).toBe(T0 + 40 * HOUR);
    expect(readyToAssess(settle, T0 + 90 * HOUR, T0 + 40 * HOUR)).toBe(false);
    expect(readyToAssess(settle, T0 + 90 * HOUR, T0 + 40 * HOUR + 1)).toBe(true);
    expect(readyToAssess(settle, T0 + 10 * HOUR, T0 + 10 * HOUR)).toBe(true);
    expect(outcomesSettleAt([fact()])).toBe(-Infinity);
  });
});

describe('rate properties', () => {
  const hours = (max: number) => fc.option(fc.integer({ min: 0, max }), { nil: null });
  const arbitraryFact = fc
    .record({
      acknowledged: hours(48),
      resolved: hours(480),
      closed: hours(600),
      satisfaction: fc.option(fc.constantFrom(...SATISFACTIONS), { nil: null }),
      solved: fc.boolean(),
      reopenCount: fc.integer({ min: 0, max: 2 }),
      escalated: fc.boolean(),
      returned: fc.boolean(),
      handler: fc.constantFrom('p1', 'p2', 'p3'),
      ending: fc.constantFrom(null, 'withdrawn', 'merged', 'duplicate', 'invalid', 'resident_request'),
    })
    .map((r) =>
      fact({
        acknowledgedAt: r.acknowledged === null ? null : T0 + r.acknowledged * HOUR,
        resolvedAt: r.resolved === null ? null : T0 + r.resolved * HOUR,
        closedAt: r.closed === null ? null : T0 + r.closed * HOUR,
        evaluated: r.satisfaction !== null,
        satisfaction: r.satisfaction,
        solved: r.satisfaction === null ? null : r.solved,
        reopenCount: r.reopenCount,
        escalated: r.escalated,
        returned: r.returned,
        handlerOrgId: r.handler,
        outcome:
          r.closed === null
            ? null
            : r.ending === 'withdrawn' || r.ending === 'merged'
              ? r.ending
              : r.ending
                ? 'closed_by_supervisor'
                : (r.satisfaction ?? 'not_evaluated'),
        closeGround:
          r.closed !== null && (r.ending === 'duplicate' || r.ending === 'invalid' || r.ending === 'resident_request')
            ? r.ending
            : null,
      }),
    );
  const moment = fc.integer({ min: 0, max: 700 }).map((h) => T0 + h * HOUR);
  const rateList = (r: RateSet) => Object.values(r).filter((x): x is Rate => typeof x === 'object' && x !== null);

  test('every rate lies between 0 and 1, no case is counted twice, and groups add up to the whole', () => {
    fc.assert(
      fc.property(fc.array(arbitraryFact, { maxLength: 40 }), moment, (facts, asOf) => {
        const whole = computeRates(facts, asOf);
        expect(whole.cases + whole.excluded).toBe(facts.length);
        for (const r of rateList(whole)) {
          expect(r.numerator).toBeLessThanOrEqual(r.denominator);
          expect(r.denominator + r.pending).toBeLessThanOrEqual(whole.cases);
          expect(r.value === null ? r.denominator === 0 : r.value >= 0 && r.value <= 1).toBe(true);
        }
        const groups = Object.values(groupRates(facts, 'handlerOrgId', asOf));
        expect(groups.reduce((n, g) => n + g.cases, 0)).toBe(whole.cases);
        expect(groups.reduce((n, g) => n + g.satisfactionRate.numerator, 0)).toBe(whole.satisfactionRate.numerator);
        expect(groups.reduce((n, g) => n + g.onTimeResolutionRate.pending, 0)).toBe(whole.onTimeResolutionRate.pending);
      }),
    );
  });

  test('as time passes a settled outcome stays settled: nothing pending returns, no miss turns into a hit', () => {
    fc.assert(
      fc.property(fc.array(arbitraryFact, { maxLength: 20 }), moment, moment, (facts, a, b) => {
        const [early, late] = [computeRates(facts, Math.min(a, b)), computeRates(facts, Math.max(a, b))];
        for (const key of ['responseRate', 'onTimeResolutionRate'] as const) {
          expect(late[key].pending).toBeLessThanOrEqual(early[key].pending);
          expect(late[key].denominator - late[key].numerator).toBeGreaterThanOrEqual(
            early[key].denominator - early[key].numerator,
          );
        }
      }),
    );
  });

  test('an assessment score, when there is one, lies between 0 and 100', () => {
    const weight = fc.double({ min: 0, max: 10, noNaN: true });
    fc.assert(
      fc.property(fc.array(arbitraryFact, { maxLength: 20 }), weight, weight, weight, weight, (facts, a, b, c, d) => {
        const { score, status } = assessmentScore(
          computeRates(facts, LATER),
          { response: a, resolution: b, satisfaction: c, onTime: d },
          2,
        );
        if (score !== null) expect(score >= 0 && score <= 100).toBe(true);
        expect(score === null).toBe(status !== 'scored');
      }),
    );
  });
});
