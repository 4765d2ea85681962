// Imported years (calendar_years, migration 0035): a year's State Council notice as the admin entered it.
// Kept apart from calendar.ts, which builds the calendar from them, so that reference.ts can read them too.
import type { PoolClient } from 'pg';
import type { CalendarImport } from '../../domain/calendar-years';
import type { HolidayRange } from '../../domain/statutory-holidays';
import type { Queryable } from '../pool';

export interface CalendarYearRow extends CalendarImport {
  /** The notice it was taken from, e.g. 国办发明电〔2026〕7号. */
  notice: string | null;
  importedBy: string | null;
  /** ISO timestamp */
  importedAt: string;
}

const COLUMNS = `year, holidays,
  ARRAY(SELECT to_char(d, 'YYYY-MM-DD') FROM unnest(workdays) AS d ORDER BY d) AS "workdays",
  ARRAY(SELECT to_char(d, 'YYYY-MM-DD') FROM unnest(statutory_days_worked) AS d ORDER BY d) AS "statutoryDaysWorked",
  notice, imported_by AS "importedBy", to_char(imported_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "importedAt"`;

type Row = Omit<CalendarYearRow, 'holidays'> & { holidays: HolidayRange[] };

/** Every imported year, oldest first (a few rows: one per year). */
export async function listCalendarYears(db: Queryable): Promise<CalendarYearRow[]> {
  const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM calendar_years ORDER BY year`);
  return rows;
}

/** Locks the year's row, so two imports of one year are applied one after the other, each audited. */
export async function lockCalendarYear(client: PoolClient, year: number): Promise<CalendarYearRow | null> {
  const { rows } = await client.query<Row>(`SELECT ${COLUMNS} FROM calendar_years WHERE year = $1 FOR UPDATE`, [year]);
  return rows[0] ?? null;
}

export async function writeCalendarYear(
  client: PoolClient,
  imp: CalendarImport,
  notice: string | null,
  userId: string,
): Promise<CalendarYearRow> {
  const { rows } = await client.query<Row>(
    `INSERT INTO calendar_years (year, holidays, workdays, statutory_days_worked, notice, imported_by)
     VALUES ($1, $2::jsonb, $3::date[], $4::date[], $5, $6)
     ON CONFLICT (year) DO UPDATE SET holidays = EXCLUDED.holidays, workdays = EXCLUDED.workdays,
       statutory_days_worked = EXCLUDED.statutory_days_worked, notice = EXCLUDED.notice,
       imported_by = EXCLUDED.imported_by, imported_at = now()
     RETURNING ${COLUMNS}`,
    [imp.year, JSON.stringify(imp.holidays), imp.workdays, imp.statutoryDaysWorked, notice, userId],
  );
  return rows[0];
}

export async function deleteCalendarYear(client: PoolClient, year: number): Promise<void> {
  await client.query('DELETE FROM calendar_years WHERE year = $1', [year]);
}
