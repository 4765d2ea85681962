// A new working-day calendar reaching an open case (domain/calendar-change.ts): running working-day deadlines move
// to it from their start, passed ones and clock-time ones stay, and nobody is made late by a change.
import { recalculation } from '../../domain/calendar-change';
import type { CalendarData } from '../../domain/types';
import { CALENDAR, CaseRun, SECOND, actors, fastIntake, sampleActions, workdayIntake } from './fixtures';

/** 2025-10-13 (Mon) .. the first week after the National Day holiday. */
const cst = (date: string, hour: number) => Date.parse(`${date}T${String(hour).padStart(2, '0')}:00:00+08:00`);
const withHoliday = (date: string): CalendarData => ({
  holidays: [...CALENDAR.holidays, date].sort(),
  workdays: CALENDAR.workdays,
});
const change = (calendar: CalendarData) => ({
  changeId: 'c1',
  reason: '国务院通知 (the State Council notice)',
  calendar,
});

test('a holiday added inside a running working-day deadline moves it one working day on, and says from when to when', () => {
  // Filed Mon 10-13 10:00: 1 working day to respond (Tue 18:00), 7 to resolve (Wed 10-22 18:00).
  const run = new CaseRun(workdayIntake(cst('2025-10-13', 10)));
  expect(run.state.deadlines.resolution?.dueAt).toBe(cst('2025-10-22', 18));
  const e = recalculation(run.state, change(withHoliday('2025-10-16')), cst('2025-10-13', 11));
  expect(e).toMatchObject({
    type: 'deadline_recalculated',
    moved: [{ kind: 'resolution', fromDueAt: cst('2025-10-22', 18), toDueAt: cst('2025-10-23', 18) }],
  });
  run.commit([e!], actors.system, cst('2025-10-13', 11));
  expect(run.state.deadlines.resolution?.dueAt).toBe(cst('2025-10-23', 18));
  expect(run.state.deadlines.response?.dueAt).toBe(cst('2025-10-14', 18));
  expect(run.state.calendar.holidays).toContain('2025-10-16');
});

test('a deadline already passed stays as it was, and none moves earlier than the change', () => {
  const run = new CaseRun(workdayIntake(cst('2025-10-13', 10)));
  // Thu 10-16 made a working Saturday would pull the resolution a day earlier; at Wed 10-22 17:00 that is the past.
  const earlier: CalendarData = { holidays: CALENDAR.holidays, workdays: [...CALENDAR.workdays, '2025-10-18'].sort() };
  const now = cst('2025-10-22', 17);
  run.walk(now);
  const e = recalculation(run.state, change(earlier), now);
  const resolution = (e as { deadlines: { kind: string; dueAt: number }[] }).deadlines.find(
    (d) => d.kind === 'resolution',
  );
  expect(resolution?.dueAt).toBe(now);
  // The response deadline breached on Tue 10-14 and stays breached where it was.
  expect((e as { deadlines: { kind: string }[] }).deadlines.map((d) => d.kind)).not.toContain('response');
});

test('clock-time deadlines do not move, and a calendar that changes nothing records nothing', () => {
  const fast = new CaseRun(fastIntake());
  const e = recalculation(fast.state, change(withHoliday('2025-10-10')), fast.intake.submittedAt + SECOND);
  expect(e).toMatchObject({ moved: [] });
  expect(recalculation(fast.state, change(fast.state.calendar), fast.intake.submittedAt + SECOND)).toBeNull();
  fast.must(actors.resident1, sampleActions.withdraw, fast.intake.submittedAt + 2 * SECOND);
  expect(recalculation(fast.state, change(withHoliday('2025-10-10')), fast.intake.submittedAt + 3 * SECOND)).toBeNull();
});
