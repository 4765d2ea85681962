// Activities of the calendar fan-out (workflows/calendar-change-workflow.ts): the calendar as new cases get it,
// and the open cases, a page at a time. Both only read, so a retry is harmless.
import type { Pool } from 'pg';
import { addCalendarDays, cstDate } from '../domain/calendar';
import type { CalendarData } from '../domain/types';
import { loadCalendarData } from '../db/queries/calendar';
import { listOpenCaseIds } from '../db/queries/cases';

/** How far back and ahead the calendar a case is sent reaches: past every running deadline's start, past its due. */
const REACH_DAYS = 400;

export function createCalendarChangeActivities({ pool }: { pool: Pool }) {
  return {
    async currentCalendar({ at }: { at: number }): Promise<CalendarData> {
      const today = cstDate(at);
      return loadCalendarData(pool, addCalendarDays(today, -REACH_DAYS), addCalendarDays(today, REACH_DAYS));
    },
    async openCaseIds({ after, limit }: { after: string | null; limit: number }): Promise<string[]> {
      return listOpenCaseIds(pool, after, limit);
    },
  };
}
