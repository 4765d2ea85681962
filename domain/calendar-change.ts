// A new working-day calendar reaching an open case (an imported year's notice, an override added or removed).
// Pure, so the workflow replays it exactly: the calendar travels in the message, never read from a clock or table.
import type { CalendarChanged, CaseEventBody, DeadlineState } from './actions';
import { addWorkingMs, createCalendar, workingMsBetween } from './calendar';
import type { CaseState } from './case-state';
import { remindersFor } from './ladder';

/**
 * Every working-day deadline still ahead is recomputed on the new calendar from its start, keeping the working time
 * it was given (its duration, extensions, pauses given back); clock-time deadlines and those already passed stay as
 * they were. A deadline never moves earlier than now: nobody is late for a day they were told was a holiday.
 * null when the case has nothing to change.
 */
export function recalculation(s: CaseState, change: CalendarChanged, now: number): CaseEventBody | null {
  if (s.status === 'closed') return null;
  const before = createCalendar(s.calendar);
  const after = createCalendar(change.calendar);
  const next = { ...s, calendar: change.calendar };
  const deadlines: DeadlineState[] = [];
  for (const d of Object.values(s.deadlines) as DeadlineState[]) {
    if (d.breachedAt !== null || d.dueAt <= now || d.duration.unit !== 'working_days') continue;
    const dueAt = Math.max(now, addWorkingMs(d.startedAt, workingMsBetween(d.startedAt, d.dueAt, before), after));
    if (dueAt === d.dueAt) continue;
    const ahead = remindersFor(next, d.duration, now, dueAt).slice(
      0,
      Math.max(0, d.reminderAt.length - d.remindersSent),
    );
    deadlines.push({
      ...d,
      dueAt,
      firstDueAt: d.firstDueAt + (dueAt - d.dueAt),
      reminderAt: [...d.reminderAt.slice(0, d.remindersSent), ...ahead],
    });
  }
  const same =
    s.calendar.holidays.join() === change.calendar.holidays.join() &&
    s.calendar.workdays.join() === change.calendar.workdays.join();
  if (same && deadlines.length === 0) return null;
  const moved = deadlines.map((d) => ({ kind: d.kind, fromDueAt: s.deadlines[d.kind]!.dueAt, toDueAt: d.dueAt }));
  return { type: 'deadline_recalculated', reason: change.reason, calendar: change.calendar, moved, deadlines };
}
