// Hotspots and repeat problems (DOMAIN.md "Proactive governance"): which groups of cases to rank first, the months a
// trend covers, the period a change is measured against, and when cases of one building make a repeat problem
// (重复问题). Pure: the counting itself is SQL over the projection (db/queries/hotspots.ts, repeat-problems.ts).
import { addCalendarDays } from './calendar';
import type { GovernanceTerms } from './types';

/** The reference terms: three cases of one category in one building within 30 days. */
export const DEFAULT_GOVERNANCE_TERMS: GovernanceTerms = { repeatCount: 3, repeatWindowDays: 30 };

export const governanceTermsOf = (terms?: Partial<GovernanceTerms>): GovernanceTerms => ({
  ...DEFAULT_GOVERNANCE_TERMS,
  ...terms,
});

export const DAY_MS = 86_400_000;

/**
 * What the detector does with a newly filed case of a building and category: `extend` the repeat problem whose
 * window still covers it (no second notice), `raise` a new one once `casesInWindow` — the counting cases within the
 * window, this one included, that belong to no repeat problem yet — reach the threshold, or nothing.
 */
export function repeatDecision(
  s: { activeProblem: boolean; casesInWindow: number },
  terms: GovernanceTerms,
): 'extend' | 'raise' | 'none' {
  if (s.activeProblem) return 'extend';
  return s.casesInWindow >= terms.repeatCount ? 'raise' : 'none';
}

/** The first instant a case may have been filed and still count with one filed at `at`: the window is half-open. */
export const windowStart = (at: number, terms: GovernanceTerms): number => at - terms.repeatWindowDays * DAY_MS;

export const HOTSPOT_GROUP_BYS = [
  'compound',
  'building',
  'category',
  'compound,category',
  'building,category',
] as const;
export type HotspotGroupBy = (typeof HOTSPOT_GROUP_BYS)[number];

/** Which codes name a group. A building is always named within its compound: 楼栋 numbers repeat across compounds. */
export function dimensionsOf(groupBy: HotspotGroupBy): { building: boolean; category: boolean; compound: boolean } {
  const building = groupBy.startsWith('building');
  return { building, compound: building || groupBy.startsWith('compound'), category: groupBy.endsWith('category') };
}

export interface HotspotCounts {
  compoundCode: string | null;
  building: string | null;
  categoryCode: string | null;
  cases: number;
  repeats: number;
}

/** A stable key for equal counts; '\u0000' cannot occur in a code or a trimmed building. */
export const hotspotKey = (g: Pick<HotspotCounts, 'compoundCode' | 'building' | 'categoryCode'>): string =>
  [g.compoundCode ?? '', g.building ?? '', g.categoryCode ?? ''].join('\u0000');

/**
 * Ranked by cases, then repeats, then key; the first `limit` with their rank (1, 2, …: equal counts still get
 * distinct ranks, in key order, so a page never shows two "1st"), and how many were left out.
 */
export function rankHotspots<T extends HotspotCounts>(
  groups: readonly T[],
  limit: number,
): { items: (T & { rank: number })[]; leftOut: number } {
  const keyed = groups.map((g) => ({ g, key: hotspotKey(g) }));
  keyed.sort(
    (a, b) => b.g.cases - a.g.cases || b.g.repeats - a.g.repeats || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
  const items = keyed.slice(0, limit).map(({ g }, i) => ({ ...g, rank: i + 1 }));
  return { items, leftOut: Math.max(0, groups.length - limit) };
}

interface DayRange {
  /** First day, YYYY-MM-DD, inclusive. */
  from: string;
  /** Day after the last, exclusive. */
  to: string;
}

const monthStart = (month: string) => `${month}-01`;
/** The month `n` months after `month` (n may be negative). */
export function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number);
  const index = y * 12 + (m - 1) + n;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The `count` months ending with the month of the period's last day, oldest first. */
export function trendMonths(period: DayRange, count = 6): string[] {
  const last = addCalendarDays(period.to, -1).slice(0, 7);
  return Array.from({ length: count }, (_, i) => addMonths(last, i - count + 1));
}

/** A month as days: '2026-12' → 2026-12-01 to 2027-01-01. */
export const monthRange = (month: string): DayRange => ({
  from: monthStart(month),
  to: monthStart(addMonths(month, 1)),
});

/**
 * The period a change is measured against: the calendar month before a calendar month, otherwise the same number
 * of days just before `from`.
 */
export function previousPeriod(period: DayRange): DayRange {
  const month = period.from.slice(0, 7);
  if (period.from === monthStart(month) && period.to === monthStart(addMonths(month, 1)))
    return monthRange(addMonths(month, -1));
  const days = Math.round((Date.parse(period.to) - Date.parse(period.from)) / DAY_MS);
  return { from: addCalendarDays(period.from, -days), to: period.from };
}
