// The working-day calendar as every new case's intake and every calendar change carry it: the compact form
// (only the dates that break the Monday–Friday rule) for a date range, and the same day by day for the API.
// Sources, first that knows a day wins (domain/holidays.ts): the admin's overrides, an imported year's notice,
// the package's published data, the statutory holidays of the law.
import { calendarCoverage, type CalendarCoverage } from '../../domain/calendar-years';
import { calendarDataFor, calendarDays, type CalendarDay } from '../../domain/holidays';
import type { CalendarData } from '../../domain/types';
import type { Queryable } from '../pool';
import { listCalendarYears } from './calendar-years';
import { listCalendarOverrides, type ReferenceReads } from './reference';

/** The reads the calendar needs: straight from Postgres (readThrough) or through the API's cache. */
export type CalendarReads = Pick<ReferenceReads, 'calendarOverrides' | 'calendarYears'>;

const fromDb = (db: Queryable): CalendarReads => ({
  calendarOverrides: (from, to) => listCalendarOverrides(db, from, to),
  calendarYears: () => listCalendarYears(db),
});

export async function loadCalendarData(db: Queryable, fromDate: string, toDate: string): Promise<CalendarData> {
  return calendarDataFrom(fromDb(db), fromDate, toDate);
}

/** As loadCalendarData, through any reads: intake uses the API's cache, so both build the same calendar. */
export async function calendarDataFrom(reads: CalendarReads, fromDate: string, toDate: string): Promise<CalendarData> {
  const [overrides, years] = await Promise.all([reads.calendarOverrides(fromDate, toDate), reads.calendarYears()]);
  return calendarDataFor(fromDate, toDate, overrides, years);
}

/** Each day of the range with its status and source; a RangeError outside the calendar's years. */
export async function calendarDaysFrom(reads: CalendarReads, fromDate: string, toDate: string): Promise<CalendarDay[]> {
  const [overrides, years] = await Promise.all([reads.calendarOverrides(fromDate, toDate), reads.calendarYears()]);
  return calendarDays(fromDate, toDate, { overrides, years });
}

/** How far the published arrangement reaches as of `today` (a CST date). */
export async function calendarCoverageFrom(
  reads: Pick<CalendarReads, 'calendarYears'>,
  today: string,
): Promise<CalendarCoverage> {
  return calendarCoverage(
    today,
    (await reads.calendarYears()).map((y) => y.year),
  );
}

export async function loadCalendarCoverage(db: Queryable, today: string): Promise<CalendarCoverage> {
  return calendarCoverageFrom(fromDb(db), today);
}
