// A year's State Council notice as the admin imports it, and how far the published arrangement reaches.
//
// The notice for year Y (国务院办公厅关于Y年部分节假日安排的通知) usually comes out in October or November of Y−1.
// Until it is imported, Y runs on the law's holidays alone (statutory-holidays.ts), so the admin is asked for it
// from COVERAGE_WARNING_DAYS before the published arrangement runs out.
import { addCalendarDays, cstDayOfWeek, daysBetween } from './calendar';
import { eachDate, PACKAGE_YEARS, type YearArrangement } from './holidays';
import { HOLIDAY_NAMES, statutoryHolidays, STATUTORY_FIRST_YEAR, STATUTORY_LAST_YEAR } from './statutory-holidays';

export const COVERAGE_WARNING_DAYS = 60;
/** A notice may be imported for these years: the law of 2024 gives the statutory days to check it against. */
export const IMPORT_FIRST_YEAR = STATUTORY_FIRST_YEAR;
export const IMPORT_LAST_YEAR = STATUTORY_LAST_YEAR;

export interface CalendarImport extends YearArrangement {
  /** Statutory holidays the notice makes working days, said explicitly: without it such a day is refused. */
  statutoryDaysWorked: string[];
}

/** A problem with one field of an import; `issue` is "中文 (English)" like the domain's other reasons. */
export interface ImportProblem {
  path: string;
  issue: string;
}

/**
 * What is wrong with an import, field by field; [] when it may be saved. Dates must lie inside the year, make-up
 * working days must be weekend days, no day may be both a holiday and a working day, and a statutory holiday the
 * import leaves working must be listed in statutoryDaysWorked (and only such a day may be).
 */
export function checkCalendarImport(imp: CalendarImport): ImportProblem[] {
  const problems: ImportProblem[] = [];
  const { year } = imp;
  const inYear = (date: string) => date.startsWith(`${year}-`);
  const rest = new Set<string>();
  imp.holidays.forEach((r, i) => {
    if (!inYear(r.from))
      problems.push({ path: `holidays.${i}.from`, issue: `须在${year}年内 (must be within ${year})` });
    if (!inYear(r.to)) problems.push({ path: `holidays.${i}.to`, issue: `须在${year}年内 (must be within ${year})` });
    else if (r.to < r.from)
      problems.push({ path: `holidays.${i}.to`, issue: '结束日期早于开始日期 (ends before it starts)' });
    else if (inYear(r.from)) for (const d of eachDate(r.from, r.to)) rest.add(d);
  });
  const worked = new Set<string>();
  imp.workdays.forEach((d, i) => {
    const path = `workdays.${i}`;
    if (!inYear(d)) problems.push({ path, issue: `须在${year}年内 (must be within ${year})` });
    else if (worked.has(d)) problems.push({ path, issue: `${d} 重复 (${d} is listed twice)` });
    else if (rest.has(d))
      problems.push({ path, issue: `${d} 既是假日又是工作日 (${d} is both a holiday and a working day)` });
    else if (!isWeekend(d))
      problems.push({ path, issue: `${d} 不是周末，本来就上班 (${d} is not a weekend day: it is worked anyway)` });
    else worked.add(d); // only valid days: a refused one is not reported again below
  });
  problems.push(...checkStatutoryDays(imp, rest, worked));
  return problems;
}

function checkStatutoryDays(imp: CalendarImport, rest: Set<string>, worked: Set<string>): ImportProblem[] {
  const problems: ImportProblem[] = [];
  const statutory = new Map<string, string>();
  for (const r of statutoryHolidays(imp.year))
    for (const d of eachDate(r.from, r.to)) statutory.set(d, HOLIDAY_NAMES[r.holiday].zh);
  const acknowledged = new Set(imp.statutoryDaysWorked);
  // A statutory day is made a working day by being listed as one, or, on a weekday, by being left out of every range.
  for (const [d, name] of statutory) {
    const working = worked.has(d) || (!rest.has(d) && !isWeekend(d));
    if (working && !acknowledged.has(d)) {
      problems.push({
        path: 'holidays',
        issue: `${d}（${name}）是法定节假日，此安排却要上班：请列入放假日期，或在 statutoryDaysWorked 中注明 (${d} is a statutory holiday that this arrangement makes a working day: add it to a holiday range, or list it under statutoryDaysWorked)`,
      });
    }
  }
  imp.statutoryDaysWorked.forEach((d, i) => {
    const working = worked.has(d) || (!rest.has(d) && !isWeekend(d));
    if (!statutory.has(d))
      problems.push({
        path: `statutoryDaysWorked.${i}`,
        issue: `${d} 不是${imp.year}年的法定节假日 (${d} is not a statutory holiday of ${imp.year})`,
      });
    else if (!working)
      problems.push({
        path: `statutoryDaysWorked.${i}`,
        issue: `${d} 在此安排中并不上班 (${d} is not a working day in this arrangement)`,
      });
  });
  return problems;
}

function isWeekend(date: string): boolean {
  const dow = cstDayOfWeek(date);
  return dow === 0 || dow === 6;
}

export interface CalendarCoverage {
  /** The last day of the last year whose arrangement is published (the package's or an imported notice), with no year missing before it. */
  publishedThrough: string;
  /** Calendar days from today to publishedThrough: 0 on that day, negative once it has passed. */
  daysLeft: number;
  /** From this day on the admin and the supervisors are asked for the next year's notice. */
  warnFrom: string;
  warn: boolean;
  /** The year whose notice is missing next: until it is imported it runs on the law's holidays alone. */
  nextYear: number;
  /** The last year chinese-days publishes. */
  lastPackageYear: number;
  importedYears: number[];
}

export function calendarCoverage(today: string, importedYears: readonly number[]): CalendarCoverage {
  const imported = new Set(importedYears);
  let year = PACKAGE_YEARS[PACKAGE_YEARS.length - 1];
  const lastPackageYear = year;
  while (imported.has(year + 1)) year += 1;
  const publishedThrough = `${year}-12-31`;
  const warnFrom = addCalendarDays(publishedThrough, -COVERAGE_WARNING_DAYS);
  return {
    publishedThrough,
    daysLeft: daysBetween(today, publishedThrough),
    warnFrom,
    warn: today >= warnFrom,
    nextYear: year + 1,
    lastPackageYear,
    importedYears: [...imported].sort((a, b) => a - b),
  };
}

/** The line the worker logs at start: how far the calendar is published, and what to do when it runs short. */
export function coverageLine(c: CalendarCoverage): string {
  const known = `calendar: holiday arrangement published through ${c.publishedThrough} (${c.daysLeft} days left)`;
  if (!c.warn) return known;
  return (
    `${known}; after it deadlines count on the statutory holidays alone (调休 and 补休 unknown): ` +
    `import the State Council's ${c.nextYear} notice (PUT /api/v1/admin/calendar-years/${c.nextYear} or the admin's 节假日安排 page)`
  );
}
