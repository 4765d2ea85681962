// The official holiday calendar (放假 and 调休 make-up working days) as data for a case's intake and for the API.
// Kept apart from calendar.ts so that workflow code, which only ever reads the compact calendar carried in its
// intake or sent with a calendar change, never bundles or evaluates the 37 kB table.
//
// Each day's status comes from one source, the first that knows it:
//   override   the admin's calendar_overrides, one date at a time;
//   imported   a year's State Council notice as the admin entered it (calendar_years);
//   package    the arrangement published in `chinese-days` (2004–2026 in 1.5.7);
//   statutory  for a later year nobody has imported: the law's holidays (statutory-holidays.ts), 调休 and 补休 unknown.
// A year outside all of them (before 2004, after 2100) follows the plain Monday–Friday rule.
//
// The package data is its JSON snapshot, not its isWorkday()/getDayDetail(): those build and read dates with
// host-local getters, so on a host west of UTC (checked with TZ=America/New_York) they shift by a day and call
// 2025-10-11 (a 调休 Saturday) a day off. The snapshot is the same data, keyed by plain date strings.
import packageDays from 'chinese-days/dist/chinese-days.json';
import { addCalendarDays, cstDayOfWeek, type CalendarOverride } from './calendar';
import {
  statutoryHolidays,
  STATUTORY_FIRST_YEAR,
  STATUTORY_LAST_YEAR,
  type Holiday,
  type HolidayRange,
} from './statutory-holidays';
import type { CalendarData } from './types';

export type CalendarSource = 'override' | 'imported' | 'package' | 'statutory';
/** `holiday`: a rest day of a public holiday (on a weekend too); `make_up_workday`: a weekend day worked (调休). */
export type DayKind = 'workday' | 'rest_day' | 'holiday' | 'make_up_workday';

export interface CalendarDay {
  date: string;
  working: boolean;
  kind: DayKind;
  /** Where the day's status comes from; `statutory`: from the law, the year's 调休 and 补休 not yet known. */
  source: CalendarSource;
  holiday: Holiday | null;
}

/** A year's arrangement as the State Council's notice gives it: the holiday ranges and the weekend days worked. */
export interface YearArrangement {
  year: number;
  holidays: HolidayRange[];
  workdays: string[];
}

/** What the calendar is built from besides the package: the admin's overrides and imported years. */
export interface CalendarInputs {
  overrides?: readonly CalendarOverride[];
  years?: readonly YearArrangement[];
}

type Exception = { working: boolean; holiday: Holiday | null };
type YearTable = { source: Exclude<CalendarSource, 'override'>; days: Map<string, Exception> };

const PACKAGE_DAYS: { holidays: Record<string, string>; workdays: Record<string, string> } = packageDays;
const PACKAGE_NAMES: Record<string, Holiday> = {
  "New Year's Day": 'new_year',
  'Spring Festival': 'spring_festival',
  'Tomb-sweeping Day': 'tomb_sweeping',
  'Labour Day': 'labour_day',
  'Dragon Boat Festival': 'dragon_boat',
  'Mid-autumn Festival': 'mid_autumn',
  'National Day': 'national_day',
};
export const PACKAGE_YEARS: readonly number[] = [
  ...new Set(Object.keys(PACKAGE_DAYS.holidays).map((d) => Number(d.slice(0, 4)))),
].sort((a, b) => a - b);
/** The years the API can describe day by day: from the package's first to the end of the lunar table. */
export const CALENDAR_FIRST_YEAR = PACKAGE_YEARS[0];
export const CALENDAR_LAST_YEAR = STATUTORY_LAST_YEAR;

const packageTables = new Map<number, YearTable>();
const statutoryTables = new Map<number, YearTable>();

/** Where `year`'s arrangement comes from, overrides aside; null for a year nothing covers. */
export function yearSource(year: number, imported: ReadonlySet<number>): YearTable['source'] | null {
  if (imported.has(year)) return 'imported';
  if (PACKAGE_YEARS.includes(year)) return 'package';
  if (year >= STATUTORY_FIRST_YEAR && year <= STATUTORY_LAST_YEAR) return 'statutory';
  return null;
}

/**
 * A year's arrangement as its source gives it, overrides aside: the holiday ranges (consecutive rest days of one
 * holiday) and the 调休 weekend days worked. What the admin's import form starts from. Null for a year nothing covers.
 */
export function yearArrangement(
  year: number,
  years: readonly YearArrangement[] = [],
): (YearArrangement & { source: YearTable['source'] }) | null {
  const imported = years.find((y) => y.year === year);
  const source = yearSource(year, new Set(imported ? [year] : []));
  if (source === 'imported' && imported)
    return { source, year, holidays: imported.holidays, workdays: [...imported.workdays].sort() };
  if (source === 'statutory') return { source, year, holidays: statutoryHolidays(year), workdays: [] };
  if (source !== 'package') return null;
  const holidays: HolidayRange[] = [];
  const workdays: string[] = [];
  for (const [date, day] of [...packageTable(year).days].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (day.working) {
      workdays.push(date);
      continue;
    }
    const last = holidays[holidays.length - 1];
    const holiday = day.holiday ?? 'other';
    if (last && last.holiday === holiday && addCalendarDays(last.to, 1) === date) last.to = date;
    else holidays.push({ holiday, from: date, to: date });
  }
  return { source, year, holidays, workdays };
}

/** Every day of fromDate..toDate inclusive with its status and source. Throws a RangeError outside the calendar's years. */
export function calendarDays(fromDate: string, toDate: string, inputs: CalendarInputs = {}): CalendarDay[] {
  const days: CalendarDay[] = [];
  const resolve = resolver(inputs);
  for (const date of eachDate(fromDate, toDate)) {
    const day = resolve(date);
    if (!day) throw new RangeError(`no calendar for ${date}: only ${CALENDAR_FIRST_YEAR}–${CALENDAR_LAST_YEAR}`);
    days.push(day);
  }
  return days;
}

let last: { key: string; data: CalendarData } | null = null;

/**
 * The compact calendar for fromDate..toDate inclusive: only the dates that break the Monday–Friday rule, from
 * the sources above. Overrides and years outside the range are ignored; build the range to cover every deadline.
 * Intake asks for the same range (yesterday..+400 days) all day long, so the last answer is kept.
 */
export function calendarDataFor(
  fromDate: string,
  toDate: string,
  overrides: readonly CalendarOverride[] = [],
  years: readonly YearArrangement[] = [],
): CalendarData {
  const key = [
    fromDate,
    toDate,
    overrides.map((o) => `${o.date}:${o.kind}`).join(','),
    years.map(yearKey).join(','),
  ].join('|');
  if (last?.key !== key) last = { key, data: compact(fromDate, toDate, { overrides, years }) };
  // Copies: a caller may keep or change its calendar without touching the next caller's.
  return { holidays: [...last.data.holidays], workdays: [...last.data.workdays] };
}

function compact(fromDate: string, toDate: string, inputs: CalendarInputs): CalendarData {
  const resolve = resolver(inputs);
  const data: CalendarData = { holidays: [], workdays: [] };
  for (const date of eachDate(fromDate, toDate)) {
    const weekend = isWeekend(date);
    const working = resolve(date)?.working ?? !weekend;
    if (weekend && working) data.workdays.push(date);
    if (!weekend && !working) data.holidays.push(date);
  }
  return data;
}

/** date → its day, or null for a year nothing covers and no override names. */
function resolver({ overrides = [], years = [] }: CalendarInputs): (date: string) => CalendarDay | null {
  // addCalendarDays(d, 0) validates and normalises a date (it throws a RangeError on 2025-02-30).
  const overrideKind = new Map(overrides.map((o) => [addCalendarDays(o.date, 0), o.kind]));
  const imported = new Map(years.map((y) => [y.year, importedTable(y)]));
  const importedYears = new Set(imported.keys());
  return (date) => {
    const year = Number(date.slice(0, 4));
    const source = yearSource(year, importedYears);
    const table =
      source === 'imported'
        ? imported.get(year)
        : source === 'package'
          ? packageTable(year)
          : source === 'statutory'
            ? statutoryTable(year)
            : undefined;
    const weekend = isWeekend(date);
    const listed = table?.days.get(date);
    const base = listed ?? { working: !weekend, holiday: null };
    const kind = overrideKind.get(date);
    if (kind) {
      const working = kind === 'workday';
      return {
        date,
        working,
        kind: kindOf(working, weekend, kind === 'holiday'),
        source: 'override',
        holiday: working ? null : base.holiday,
      };
    }
    if (!table) return null;
    return {
      date,
      working: base.working,
      kind: kindOf(base.working, weekend, !!listed && !base.working),
      source: table.source,
      holiday: base.holiday,
    };
  };
}

function kindOf(working: boolean, weekend: boolean, holiday: boolean): DayKind {
  if (working) return weekend ? 'make_up_workday' : 'workday';
  return holiday ? 'holiday' : 'rest_day';
}

function packageTable(year: number): YearTable {
  let table = packageTables.get(year);
  if (!table) {
    const days = new Map<string, Exception>();
    for (const [date, label] of Object.entries(PACKAGE_DAYS.holidays)) {
      if (date.startsWith(`${year}-`))
        days.set(date, { working: false, holiday: PACKAGE_NAMES[label.split(',')[0]] ?? 'other' });
    }
    for (const date of Object.keys(PACKAGE_DAYS.workdays))
      if (date.startsWith(`${year}-`)) days.set(date, { working: true, holiday: null });
    table = { source: 'package', days };
    packageTables.set(year, table);
  }
  return table;
}

function statutoryTable(year: number): YearTable {
  let table = statutoryTables.get(year);
  if (!table) {
    table = { source: 'statutory', days: rangeDays(statutoryHolidays(year)) };
    statutoryTables.set(year, table);
  }
  return table;
}

function importedTable(y: YearArrangement): YearTable {
  const days = rangeDays(y.holidays);
  for (const date of y.workdays) days.set(addCalendarDays(date, 0), { working: true, holiday: null });
  return { source: 'imported', days };
}

/** Each day of the ranges as a rest day; where two overlap (中秋 on 1 October) the first listed names it. */
function rangeDays(ranges: readonly HolidayRange[]): Map<string, Exception> {
  const days = new Map<string, Exception>();
  for (const r of ranges)
    for (const date of eachDate(r.from, r.to))
      if (!days.has(date)) days.set(date, { working: false, holiday: r.holiday });
  return days;
}

/** The dates fromDate..toDate inclusive; a RangeError for an invalid date or a range that runs backwards. */
export function* eachDate(fromDate: string, toDate: string): Generator<string> {
  const first = addCalendarDays(fromDate, 0);
  const lastDate = addCalendarDays(toDate, 0);
  if (lastDate < first) throw new RangeError(`calendar range ends before it starts: ${fromDate}..${toDate}`);
  for (let date = first; date <= lastDate; date = addCalendarDays(date, 1)) yield date;
}

function isWeekend(date: string): boolean {
  const dow = cstDayOfWeek(date);
  return dow === 0 || dow === 6;
}

function yearKey(y: YearArrangement): string {
  return `${y.year}:${y.holidays.map((r) => `${r.holiday}=${r.from}~${r.to}`).join(';')}:${y.workdays.join(';')}`;
}
