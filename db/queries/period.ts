// Periods of the measures and assessments: half-open ranges of China Standard Time days, [from, to), the way
// agreements.valid_to is exclusive. A month '2026-10' is [2026-10-01, 2026-11-01). Pure helpers, shared by the
// SQL modules, the assessment activity and the API's query parsing.
import { addCalendarDays, cstTime } from '../../domain/calendar';

export interface Period {
  /** First day, YYYY-MM-DD (CST), inclusive. */
  from: string;
  /** Day after the last, YYYY-MM-DD (CST), exclusive. */
  to: string;
}

/** A month of the years 2000–2100: what the loop can hold (a year like 0000 breaks date arithmetic and SQL alike). */
export const MONTH_PATTERN = /^(20\d{2}|2100)-(0[1-9]|1[0-2])$/;

/** '2026-10' → { from: '2026-10-01', to: '2026-11-01' }. */
export function monthPeriod(month: string): Period {
  if (!MONTH_PATTERN.test(month)) throw new RangeError(`not a YYYY-MM month: ${month}`);
  const [y, m] = month.split('-').map(Number);
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  return { from: `${month}-01`, to: `${next}-01` };
}

/** The month before the one a CST date falls in: '2026-11-02' → '2026-10'. */
export function previousMonth(date: string): string {
  return addCalendarDays(`${date.slice(0, 7)}-01`, -1).slice(0, 7);
}

/** The instants bounding a period: 00:00 CST of `from` and of `to`. */
export function periodInstants(p: Period): { from: Date; to: Date } {
  return { from: new Date(cstTime(p.from, 0)), to: new Date(cstTime(p.to, 0)) };
}

/** The month a period is, when it is exactly one calendar month; null otherwise. */
export function monthOf(p: Period): string | null {
  const month = p.from.slice(0, 7);
  return p.from.endsWith('-01') && monthPeriod(month).to === p.to ? month : null;
}
