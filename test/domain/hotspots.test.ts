import fc from 'fast-check';
import {
  addMonths,
  DAY_MS,
  dimensionsOf,
  governanceTermsOf,
  hotspotKey,
  monthRange,
  previousPeriod,
  rankHotspots,
  repeatDecision,
  trendMonths,
  windowStart,
  type HotspotCounts,
} from '../../domain/hotspots';

const group = (over: Partial<HotspotCounts>): HotspotCounts => ({
  compoundCode: 'a',
  building: null,
  categoryCode: 'lift',
  cases: 1,
  repeats: 0,
  ...over,
});

describe('ranking hotspots', () => {
  it('ranks by cases, then repeats, then codes, and says how many were left out', () => {
    const { items, leftOut } = rankHotspots(
      [
        group({ compoundCode: 'b', cases: 5, repeats: 0 }),
        group({ compoundCode: 'c', cases: 5, repeats: 3 }),
        group({ compoundCode: 'a', cases: 5, repeats: 0 }),
        group({ compoundCode: 'd', cases: 9 }),
        group({ compoundCode: 'e', cases: 1 }),
      ],
      4,
    );
    expect(items.map((g) => [g.rank, g.compoundCode])).toEqual([
      [1, 'd'],
      [2, 'c'],
      [3, 'a'],
      [4, 'b'],
    ]);
    expect(leftOut).toBe(1);
  });

  it('gives the same order whatever order the groups came in (a stable key)', () => {
    const arb = fc.array(
      fc.record({
        compoundCode: fc.constantFrom('a', 'b', 'c'),
        building: fc.constantFrom(null, '1', '2'),
        categoryCode: fc.constantFrom('lift', 'water'),
        cases: fc.nat(5),
        repeats: fc.nat(5),
      }),
      { maxLength: 30 },
    );
    fc.assert(
      fc.property(arb, (gs) => {
        const unique = [...new Map(gs.map((g) => [hotspotKey(g), g])).values()];
        const once = rankHotspots(unique, 100).items.map(hotspotKey);
        const reversed = rankHotspots([...unique].reverse(), 100).items.map(hotspotKey);
        expect(reversed).toEqual(once);
      }),
    );
  });

  it('keeps a building apart from the same number in another compound', () => {
    expect(hotspotKey({ compoundCode: 'a', building: '1', categoryCode: null })).not.toBe(
      hotspotKey({ compoundCode: 'b', building: '1', categoryCode: null }),
    );
    expect(dimensionsOf('building')).toEqual({ compound: true, building: true, category: false });
    expect(dimensionsOf('building,category')).toEqual({ compound: true, building: true, category: true });
    expect(dimensionsOf('category')).toEqual({ compound: false, building: false, category: true });
  });
});

describe('months and periods', () => {
  it('a trend is the six months ending with the period, oldest first, across a year end', () => {
    expect(trendMonths(monthRange('2027-02'))).toEqual([
      '2026-09',
      '2026-10',
      '2026-11',
      '2026-12',
      '2027-01',
      '2027-02',
    ]);
    // A from/to period ends with the month of its last day (to is exclusive).
    expect(trendMonths({ from: '2026-11-15', to: '2026-12-01' }).at(-1)).toBe('2026-11');
  });

  it('a month is compared with the month before it, a range with as many days before it', () => {
    expect(previousPeriod(monthRange('2026-03'))).toEqual({ from: '2026-02-01', to: '2026-03-01' });
    expect(previousPeriod(monthRange('2026-01'))).toEqual({ from: '2025-12-01', to: '2026-01-01' });
    expect(previousPeriod({ from: '2026-03-10', to: '2026-03-17' })).toEqual({ from: '2026-03-03', to: '2026-03-10' });
  });

  it('adding months and taking them away again is the identity', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2000, max: 2099 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: -40, max: 40 }),
        (y, m, n) => {
          const month = `${y}-${String(m).padStart(2, '0')}`;
          expect(addMonths(addMonths(month, n), -n)).toBe(month);
        },
      ),
    );
  });
});

describe('the repeat-problem rule', () => {
  const terms = governanceTermsOf({ repeatCount: 3, repeatWindowDays: 30 });

  it('raises a repeat problem at the Nth case within the window, not before', () => {
    expect(repeatDecision({ activeProblem: false, casesInWindow: 2 }, terms)).toBe('none');
    expect(repeatDecision({ activeProblem: false, casesInWindow: 3 }, terms)).toBe('raise');
  });

  it('a further case while a repeat problem is active extends it instead of raising another', () => {
    expect(repeatDecision({ activeProblem: true, casesInWindow: 1 }, terms)).toBe('extend');
    expect(repeatDecision({ activeProblem: true, casesInWindow: 9 }, terms)).toBe('extend');
  });

  it('counts the window in days of 24 hours back from the filing', () => {
    expect(windowStart(100 * DAY_MS, terms)).toBe(70 * DAY_MS);
  });

  it('takes the reference terms for whatever the agreement leaves out', () => {
    expect(governanceTermsOf(undefined)).toEqual({ repeatCount: 3, repeatWindowDays: 30 });
    expect(governanceTermsOf({ repeatWindowDays: 1 })).toEqual({ repeatCount: 3, repeatWindowDays: 1 });
  });
});
