import fc from 'fast-check';
import {
  assessmentScore,
  computeRates,
  escalationRate,
  groupRates,
  medianHandlingMs,
  onTimeResolutionRate,
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

/** A case dispatched at T0, acknowledged and resolved on time, evaluated satisfied and solved. */
function fact(overrides: Partial<CaseOutcomeFacts> = {}): CaseOutcomeFacts {
  return {
    caseId: 'case-1',
    handlerOrgId: 'property-a',
    compoundCode: 'lakeside',
    communityOrgId: 'community-1',
    streetOrgId: 'street-1',
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
    ...overrides,
  };
}

const rateOf = (numerator: number, denominator: number) => ({ numerator, denominator, value: numerator / denominator });
const noRate = { numerator: 0, denominator: 0, value: null };

// Four cases dispatched to one property company, worked out by hand.
const period: CaseOutcomeFacts[] = [
  fact({ caseId: 'a' }),
  // Acknowledged late, resolved late, basically satisfied but not solved.
  fact({
    caseId: 'b',
    acknowledgedAt: T0 + 3 * HOUR,
    resolvedAt: T0 + 30 * HOUR,
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
  // Never acknowledged, returned as not the company's duty, never resolved or evaluated.
  fact({
    caseId: 'd',
    acknowledgedAt: null,
    resolvedAt: null,
    evaluated: false,
    satisfaction: null,
    solved: null,
    returned: true,
    outcome: null,
  }),
];

describe('the 三率 and companion measures', () => {
  test('four hand-worked cases give the expected numerators and denominators', () => {
    expect(computeRates(period)).toEqual<RateSet>({
      cases: 4,
      responseRate: rateOf(2, 4),
      resolutionRate: rateOf(1, 3),
      satisfactionRate: rateOf(2, 3),
      onTimeResolutionRate: rateOf(2, 3),
      reworkRate: rateOf(1, 3),
      escalationRate: rateOf(1, 4),
      returnRate: rateOf(1, 4),
      medianHandlingMs: 10 * HOUR,
    });
  });

  test('with no cases every rate has a zero denominator and no value', () => {
    expect(computeRates([])).toEqual<RateSet>({
      cases: 0,
      responseRate: noRate,
      resolutionRate: noRate,
      satisfactionRate: noRate,
      onTimeResolutionRate: noRate,
      reworkRate: noRate,
      escalationRate: noRate,
      returnRate: noRate,
      medianHandlingMs: null,
    });
  });

  test('cases that are dispatched but not yet evaluated or resolved leave those rates without a value', () => {
    const open = [fact({ resolvedAt: null, evaluated: false, satisfaction: null, solved: null })];
    expect(resolutionRate(open)).toEqual(noRate);
    expect(satisfactionRate(open)).toEqual(noRate);
    expect(reworkRate(open)).toEqual(noRate);
    expect(onTimeResolutionRate(open)).toEqual(noRate);
    expect(responseRate(open)).toEqual(rateOf(1, 1));
  });

  test('acknowledging exactly at the response deadline is on time and one millisecond later is not', () => {
    expect(responseRate([fact({ acknowledgedAt: T0 + 2 * HOUR })])).toEqual(rateOf(1, 1));
    expect(responseRate([fact({ acknowledgedAt: T0 + 2 * HOUR + 1 })])).toEqual(rateOf(0, 1));
    expect(onTimeResolutionRate([fact({ resolvedAt: T0 + 20 * HOUR })])).toEqual(rateOf(1, 1));
    expect(onTimeResolutionRate([fact({ resolvedAt: T0 + 20 * HOUR + 1 })])).toEqual(rateOf(0, 1));
  });

  test('a case without a deadline counts as on time once acknowledged or resolved', () => {
    const noDeadlines = fact({ responseDueAt: null, resolutionDueAt: null });
    expect(responseRate([noDeadlines])).toEqual(rateOf(1, 1));
    expect(onTimeResolutionRate([noDeadlines])).toEqual(rateOf(1, 1));
    expect(responseRate([fact({ responseDueAt: null, acknowledgedAt: null })])).toEqual(rateOf(0, 1));
  });

  test('after 重办 the last evaluation counts: a reworked case that ends satisfied is satisfied and still reworked', () => {
    const reworked = fact({ reopenCount: 1, satisfaction: 'satisfied', solved: true });
    expect(satisfactionRate([reworked])).toEqual(rateOf(1, 1));
    expect(resolutionRate([reworked])).toEqual(rateOf(1, 1));
    expect(reworkRate([reworked])).toEqual(rateOf(1, 1));
  });

  test('basically satisfied counts as satisfied, unsatisfied does not, and being satisfied is not being solved', () => {
    const evaluations = SATISFACTIONS.map((satisfaction) => fact({ satisfaction, solved: false }));
    expect(satisfactionRate(evaluations)).toEqual(rateOf(2, 3));
    expect(resolutionRate(evaluations)).toEqual(rateOf(0, 3));
  });

  test('escalated and returned cases are counted over all dispatched cases', () => {
    const cases = [fact({ escalated: true, returned: true }), fact(), fact({ escalated: true }), fact()];
    expect(escalationRate(cases)).toEqual(rateOf(2, 4));
    expect(returnRate(cases)).toEqual(rateOf(1, 4));
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
    const byHandler = groupRates(cases, 'handlerOrgId');
    expect(Object.keys(byHandler)).toEqual(['property-b', 'property-a']);
    expect(byHandler['property-b'].responseRate).toEqual(rateOf(1, 2));
    expect(byHandler['property-a'].responseRate).toEqual(rateOf(1, 1));
  });

  test('groups by street, community and compound split the same cases', () => {
    const cases = [
      fact({ streetOrgId: 's1', communityOrgId: 'c1', compoundCode: 'x' }),
      fact({ streetOrgId: 's1', communityOrgId: 'c2', compoundCode: 'y' }),
      fact({ streetOrgId: 's1', communityOrgId: 'c2', compoundCode: 'z' }),
    ];
    const counts = (groups: Record<string, RateSet>) =>
      Object.fromEntries(Object.entries(groups).map(([id, rates]) => [id, rates.cases]));
    expect(counts(groupRates(cases, 'streetOrgId'))).toEqual({ s1: 3 });
    expect(counts(groupRates(cases, 'communityOrgId'))).toEqual({ c1: 1, c2: 2 });
    expect(counts(groupRates(cases, 'compoundCode'))).toEqual({ x: 1, y: 1, z: 1 });
  });

  test('an organisation id that names an Object.prototype member is an ordinary group', () => {
    const groups = groupRates(
      [fact({ handlerOrgId: '__proto__' }), fact({ handlerOrgId: 'constructor' })],
      'handlerOrgId',
    );
    expect(Object.keys(groups)).toEqual(['__proto__', 'constructor']);
    expect(groups['constructor'].cases).toBe(1);
  });
});

describe('assessment under the three-party agreement', () => {
  const weights: AssessmentWeights = { response: 0.3, resolution: 0.2, satisfaction: 0.4, onTime: 0.1 };

  test('the score is the weighted mean of the four rates times 100, rounded to two decimals', () => {
    // response 3/4, resolution 1/3, satisfaction 2/3, on time 4/4: 22.5 + 6.667 + 26.667 + 10 = 65.83.
    const rates = computeRates([
      fact(),
      fact({ solved: false }),
      fact({ acknowledgedAt: null, evaluated: false, satisfaction: null, solved: null }),
      fact({ satisfaction: 'unsatisfied', solved: false }),
    ]);
    expect(assessmentScore(rates, weights)).toEqual({
      score: 65.83,
      parts: {
        response: { value: 75, weight: 0.3 },
        resolution: { value: 33.33, weight: 0.2 },
        satisfaction: { value: 66.67, weight: 0.4 },
        onTime: { value: 100, weight: 0.1 },
      },
    });
  });

  test('a rate without a value drops out and the remaining weights are normalised', () => {
    // Nothing resolved or evaluated: only the response rate (1/2) counts, whatever its weight.
    const rates = computeRates(
      [fact({ acknowledgedAt: null }), fact()].map((f) => ({ ...f, resolvedAt: null, evaluated: false })),
    );
    expect(assessmentScore(rates, weights).score).toBe(50);
    expect(assessmentScore(rates, weights).parts.onTime).toEqual({ value: null, weight: 0.1 });
  });

  test('weights need not sum to one', () => {
    const rates = computeRates(period);
    const scaled = { response: 3, resolution: 2, satisfaction: 4, onTime: 1 };
    expect(assessmentScore(rates, scaled).score).toBe(assessmentScore(rates, weights).score);
  });

  test('with no rate to score, or only zero weights on the rates that have one, there is no score', () => {
    expect(assessmentScore(computeRates([]), weights).score).toBeNull();
    const rates = computeRates([fact({ resolvedAt: null, evaluated: false })]);
    expect(assessmentScore(rates, { ...weights, response: 0 }).score).toBeNull();
  });

  test('a negative weight is refused', () => {
    expect(() => assessmentScore(computeRates(period), { ...weights, onTime: -1 })).toThrow(RangeError);
  });
});

describe('rate properties', () => {
  const arbitraryFact = fc
    .record({
      acknowledged: fc.option(fc.integer({ min: 0, max: 48 })),
      resolved: fc.option(fc.integer({ min: 0, max: 480 })),
      satisfaction: fc.option(fc.constantFrom(...SATISFACTIONS)),
      solved: fc.boolean(),
      reopenCount: fc.integer({ min: 0, max: 2 }),
      escalated: fc.boolean(),
      returned: fc.boolean(),
      handler: fc.constantFrom('p1', 'p2', 'p3'),
    })
    .map((r) =>
      fact({
        acknowledgedAt: r.acknowledged === null ? null : T0 + r.acknowledged * HOUR,
        resolvedAt: r.resolved === null ? null : T0 + r.resolved * HOUR,
        evaluated: r.satisfaction !== null,
        satisfaction: r.satisfaction,
        solved: r.satisfaction === null ? null : r.solved,
        reopenCount: r.reopenCount,
        escalated: r.escalated,
        returned: r.returned,
        handlerOrgId: r.handler,
      }),
    );

  test('every rate lies between 0 and 1 and groups add up to the whole', () => {
    fc.assert(
      fc.property(fc.array(arbitraryFact, { maxLength: 40 }), (facts) => {
        const whole = computeRates(facts);
        const rates = Object.values(whole).filter((r): r is Rate => typeof r === 'object' && r !== null);
        for (const r of rates) {
          expect(r.numerator).toBeLessThanOrEqual(r.denominator);
          expect(r.value === null ? r.denominator === 0 : r.value >= 0 && r.value <= 1).toBe(true);
        }
        const groups = Object.values(groupRates(facts, 'handlerOrgId'));
        expect(groups.reduce((n, g) => n + g.cases, 0)).toBe(whole.cases);
        expect(groups.reduce((n, g) => n + g.satisfactionRate.numerator, 0)).toBe(whole.satisfactionRate.numerator);
      }),
    );
  });

  test('an assessment score, when there is one, lies between 0 and 100', () => {
    const weight = fc.double({ min: 0, max: 10, noNaN: true });
    fc.assert(
      fc.property(fc.array(arbitraryFact, { maxLength: 20 }), weight, weight, weight, weight, (facts, a, b, c, d) => {
        const { score } = assessmentScore(computeRates(facts), {
          response: a,
          resolution: b,
          satisfaction: c,
          onTime: d,
        });
        if (score !== null) expect(score >= 0 && score <= 100).toBe(true);
      }),
    );
  });
});
