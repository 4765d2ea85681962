// The working-day calendar as every new case's intake and every calendar change carry it: the compact form
// (only the dates that break the Monday–Friday rule) for a date range, from the package's data and the admin's
// overrides.
import { calendarDataFor } from '../../domain/holidays';
import type { CalendarData } from '../../domain/types';
import type { Queryable } from '../pool';
import { listCalendarOverrides } from './reference';

export async function loadCalendarData(db: Queryable, fromDate: string, toDate: string): Promise<CalendarData> {
  return calendarDataFor(fromDate, toDate, await listCalendarOverrides(db, fromDate, toDate));
}
