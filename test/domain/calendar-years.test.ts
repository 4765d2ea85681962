import { calendarCoverage, checkCalendarImport, type CalendarImport } from '../../domain/calendar-years';
import { FIXTURE_2027 } from './calendar-2027.fixture';

const paths = (imp: CalendarImport) => checkCalendarImport(imp).map((p) => p.path);
const without = (holiday: string) => ({
  ...FIXTURE_2027,
  holidays: FIXTURE_2027.holidays.filter((r) => r.holiday !== holiday),
});

describe('importing a year’s notice', () => {
  test('the 2027 fixture is accepted as it stands', () => {
    expect(checkCalendarImport(FIXTURE_2027)).toEqual([]);
  });

  test('every date must lie inside the year, and a range must run forwards', () => {
    const imp: CalendarImport = {
      ...FIXTURE_2027,
      holidays: [
        ...FIXTURE_2027.holidays,
        { holiday: 'new_year', from: '2026-12-31', to: '2027-01-01' },
        { holiday: 'other', from: '2027-03-02', to: '2027-03-01' },
      ],
      workdays: [...FIXTURE_2027.workdays, '2028-01-08'],
    };
    expect(paths(imp)).toEqual(['holidays.7.from', 'holidays.8.to', 'workdays.5']);
  });

  test('no day is both a holiday and a working day, and a make-up working day is a weekend day', () => {
    const imp = { ...FIXTURE_2027, workdays: ['2027-02-06', '2027-02-24', '2027-02-20', '2027-02-20'] };
    expect(checkCalendarImport(imp)).toEqual([
      { path: 'workdays.0', issue: expect.stringContaining('2027-02-06 is both a holiday and a working day') },
      { path: 'workdays.1', issue: expect.stringContaining('not a weekend day') },
      { path: 'workdays.3', issue: expect.stringContaining('listed twice') },
    ]);
  });

  test('a statutory holiday left working is refused unless the import says so', () => {
    // Mid-Autumn (Wednesday 15 September) missing from the ranges: the import would make it a working day.
    expect(checkCalendarImport(without('mid_autumn'))).toEqual([
      {
        path: 'holidays',
        issue: expect.stringContaining('2027-09-15 is a statutory holiday that this arrangement makes a working day'),
      },
    ]);
    expect(checkCalendarImport({ ...without('mid_autumn'), statutoryDaysWorked: ['2027-09-15'] })).toEqual([]);
    // A statutory day on a weekend left out of the ranges stays a rest day: nothing to say.
    const springOnWeekdays = FIXTURE_2027.holidays.map((r) =>
      r.holiday === 'spring_festival' ? { ...r, from: '2027-02-08' } : r,
    );
    expect(paths({ ...FIXTURE_2027, holidays: springOnWeekdays })).toEqual(['holidays']); // 除夕, Friday 5 February
    // ...unless it is listed as a make-up working day.
    const newYear = FIXTURE_2027.holidays.map((r) =>
      r.holiday === 'spring_festival' ? { ...r, from: '2027-02-07' } : r,
    );
    expect(
      paths({
        ...FIXTURE_2027,
        holidays: newYear,
        workdays: [...FIXTURE_2027.workdays, '2027-02-06'],
        statutoryDaysWorked: ['2027-02-05'],
      }),
    ).toEqual(['holidays']);
  });

  test('statutoryDaysWorked names only statutory days the import makes working', () => {
    expect(checkCalendarImport({ ...FIXTURE_2027, statutoryDaysWorked: ['2027-03-01', '2027-01-01'] })).toEqual([
      { path: 'statutoryDaysWorked.0', issue: expect.stringContaining('not a statutory holiday of 2027') },
      { path: 'statutoryDaysWorked.1', issue: expect.stringContaining('not a working day in this arrangement') },
    ]);
  });
});

describe('coverage of the published arrangement', () => {
  test('the package publishes through 2026; the admin is asked for 2027 from 1 November 2026', () => {
    expect(calendarCoverage('2026-10-31', [])).toEqual({
      publishedThrough: '2026-12-31',
      daysLeft: 61,
      warnFrom: '2026-11-01',
      warn: false,
      nextYear: 2027,
      lastPackageYear: 2026,
      importedYears: [],
    });
    expect(calendarCoverage('2026-11-01', [])).toMatchObject({ daysLeft: 60, warn: true });
    expect(calendarCoverage('2027-01-05', [])).toMatchObject({ daysLeft: -5, warn: true, nextYear: 2027 });
  });

  test('an imported year extends it; a year after a missing one does not', () => {
    expect(calendarCoverage('2026-12-07', [2027])).toMatchObject({
      publishedThrough: '2027-12-31',
      daysLeft: 389,
      warn: false,
      nextYear: 2028,
    });
    expect(calendarCoverage('2026-12-07', [2028, 2025])).toMatchObject({
      publishedThrough: '2026-12-31',
      nextYear: 2027,
      importedYears: [2025, 2028],
    });
    expect(calendarCoverage('2026-12-07', [2028, 2027])).toMatchObject({
      publishedThrough: '2028-12-31',
      nextYear: 2029,
    });
  });
});
