// The official holiday calendar (放假 and 调休 make-up working days) as data for a case's intake.
// Kept apart from calendar.ts so that workflow code, which only ever reads the compact calendar carried in its
// intake, never bundles or evaluates the 37 kB table.
//
// The data is the JSON snapshot shipped inside `chinese-days`, not its isWorkday()/getDayDetail(): those build
// and read dates with host-local getters, so on a host west of UTC (checked with TZ=America/New_York) they shift
// by a day and call 2025-10-11 (a 调休 Saturday) a day off. The snapshot is the same data, keyed by plain date
// strings, and agrees with the package's functions on a UTC host for every day of 2003–2027.
import packageDays from 'chinese-days/dist/chinese-days.json';
import { addCalendarDays, type CalendarOverride } from './calendar';
import type { CalendarData } from './types';

const PACKAGE_DAYS: { holidays: Record<string, string>; workdays: Record<string, string> } = packageDays;

const DAY_MS = 86_400_000;
let last: { key: string; data: CalendarData } | null = null;

/**
 * The compact calendar for fromDate..toDate inclusive: only the dates that break the Monday–Friday rule.
 * Overrides (from the database) win over the package; overrides outside the range are ignored. Years the
 * package does not know follow the plain Monday–Friday rule, so build the range to cover every deadline.
 * Intake asks for the same range (yesterday..+400 days) all day long, so the last answer is kept.
 */
export function calendarDataFor(fromDate: string, toDate: string, overrides: CalendarOverride[] = []): CalendarData {
  const key = `${fromDate}|${toDate}|${overrides.map((o) => `${o.date}:${o.kind}`).join(',')}`;
  if (last?.key !== key) last = { key, data: build(fromDate, toDate, overrides) };
  // Copies: a caller may keep or change its calendar without touching the next caller's.
  return { holidays: [...last.data.holidays], workdays: [...last.data.workdays] };
}

function build(fromDate: string, toDate: string, overrides: CalendarOverride[]): CalendarData {
  // addCalendarDays(d, 0) validates and normalises a date (it throws a RangeError on 2025-02-30).
  const first = Date.parse(`${addCalendarDays(fromDate, 0)}T00:00:00Z`);
  const lastDay = Date.parse(`${addCalendarDays(toDate, 0)}T00:00:00Z`);
  if (lastDay < first) throw new RangeError(`calendar range ends before it starts: ${fromDate}..${toDate}`);
  const overrideKind = new Map(overrides.map((o) => [addCalendarDays(o.date, 0), o.kind]));
  const data: CalendarData = { holidays: [], workdays: [] };
  for (let ms = first; ms <= lastDay; ms += DAY_MS) {
    const day = new Date(ms);
    const date = day.toISOString().slice(0, 10);
    const dow = day.getUTCDay(); // a date's own weekday: UTC midnight of a YYYY-MM-DD, whatever the host's zone
    const weekend = dow === 0 || dow === 6;
    const kind = overrideKind.get(date);
    const worked = kind ? kind === 'workday' : packageSaysWorked(date, weekend);
    if (weekend && worked) data.workdays.push(date);
    if (!weekend && !worked) data.holidays.push(date);
  }
  return data;
}

/** The package's own rule: a listed make-up day works, else Monday–Friday unless a listed holiday. */
function packageSaysWorked(date: string, weekend: boolean): boolean {
  if (Object.hasOwn(PACKAGE_DAYS.workdays, date)) return true;
  return !weekend && !Object.hasOwn(PACKAGE_DAYS.holidays, date);
}
