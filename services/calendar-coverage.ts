// The worker says at start how far the published holiday arrangement reaches (GET /calendar/coverage), so an
// operator reading the log learns in time that next year's State Council notice is due.
import type { Pool } from 'pg';
import { cstDate } from '../domain/calendar';
import { coverageLine } from '../domain/calendar-years';
import { loadCalendarCoverage } from '../db/queries/calendar';

/** Never fatal: a worker that cannot read the coverage still runs cases (it logs why instead). */
export async function logCalendarCoverage(pool: Pool, log: (line: string) => void, now = Date.now()): Promise<void> {
  try {
    log(coverageLine(await loadCalendarCoverage(pool, cstDate(now))));
  } catch (err) {
    log(`calendar: coverage unknown (${(err as Error).message})`);
  }
}
