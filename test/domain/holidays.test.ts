import { execFileSync } from 'node:child_process';
import path from 'node:path';
import fc from 'fast-check';
import packageDays from 'chinese-days/dist/chinese-days.json';
import { addCalendarDays, createCalendar, cstDayOfWeek } from '../../domain/calendar';
import { calendarDataFor, calendarDays, eachDate, type CalendarDay } from '../../domain/holidays';
import { festivalDates, statutoryHolidays } from '../../domain/statutory-holidays';
import { FIXTURE_2027 } from './calendar-2027.fixture';

const summary = (d: CalendarDay) =>
  `${d.date} ${d.working ? 'working' : 'rest'} ${d.kind} ${d.source} ${d.holiday ?? '-'}`;
const published = packageDays as { holidays: Record<string, string>; workdays: Record<string, string> };
/** A listed holiday, or a weekend day not worked (the package omits some, such as 2012-06-23, 端午 on a Saturday). */
const publishedRest = (d: string) =>
  Object.hasOwn(published.holidays, d) || (isWeekend(d) && !Object.hasOwn(published.workdays, d));
const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const isWeekend = (date: string) => [0, 6].includes(cstDayOfWeek(date));

describe('statutory holidays for years the package does not cover', () => {
  test('1 January and 5–8 February 2027 are rest days from the law, 调休 unknown', () => {
    expect(calendarDays('2027-01-01', '2027-01-04').map(summary)).toEqual([
      '2027-01-01 rest holiday statutory new_year',
      '2027-01-02 rest rest_day statutory -',
      '2027-01-03 rest rest_day statutory -',
      '2027-01-04 working workday statutory -',
    ]);
    // 除夕 to 初三; 初一 and 初二 fall on the weekend and stay weekend days: no 补休 until the notice says so.
    expect(calendarDays('2027-02-04', '2027-02-09').map(summary)).toEqual([
      '2027-02-04 working workday statutory -',
      '2027-02-05 rest holiday statutory spring_festival',
      '2027-02-06 rest holiday statutory spring_festival',
      '2027-02-07 rest holiday statutory spring_festival',
      '2027-02-08 rest holiday statutory spring_festival',
      '2027-02-09 working workday statutory -',
    ]);
  });

  test('a case filed on 31 December 2026 with one working day is due on 4 January, not on New Year’s Day', () => {
    const cal = createCalendar(calendarDataFor('2026-12-30', '2028-02-01'));
    expect(['2027-01-01', '2027-02-05', '2027-02-08'].map((d) => cal.isWorkday(d))).toEqual([false, false, false]);
    expect(cal.isWorkday('2027-01-04')).toBe(true);
  });

  test('the law’s thirteen days for 2027', () => {
    expect(statutoryHolidays(2027)).toEqual([
      { holiday: 'new_year', from: '2027-01-01', to: '2027-01-01' },
      { holiday: 'spring_festival', from: '2027-02-05', to: '2027-02-08' },
      { holiday: 'tomb_sweeping', from: '2027-04-05', to: '2027-04-05' },
      { holiday: 'labour_day', from: '2027-05-01', to: '2027-05-02' },
      { holiday: 'dragon_boat', from: '2027-06-09', to: '2027-06-09' },
      { holiday: 'mid_autumn', from: '2027-09-15', to: '2027-09-15' },
      { holiday: 'national_day', from: '2027-10-01', to: '2027-10-03' },
    ]);
  });

  test('every statutory day of 2025 and 2026 is a rest day in the State Council’s published arrangement', () => {
    for (const year of [2025, 2026]) {
      for (const r of statutoryHolidays(year))
        for (const d of eachDate(r.from, r.to)) expect([d, publishedRest(d)]).toEqual([d, true]);
    }
  });

  test('the lunar and solar-term dates agree with every published year since 2008', () => {
    // 2008 made 清明, 端午 and 中秋 public holidays; 初一 to 初三 were rest days throughout.
    for (let year = 2008; year <= 2026; year++) {
      const f = festivalDates(year);
      const days = [
        f.springFestival,
        addCalendarDays(f.springFestival, 1),
        addCalendarDays(f.springFestival, 2),
        f.qingming,
        f.dragonBoat,
        f.midAutumn,
      ];
      for (const d of days) expect([year, d, publishedRest(d)]).toEqual([year, d, true]);
    }
  });

  test('Spring Festival, Dragon Boat and Mid-Autumn dates of later years as almanacs give them', () => {
    const years = [2027, 2028, 2029, 2030, 2031, 2032, 2033].map((y) => festivalDates(y));
    expect(years.map((f) => f.springFestival)).toEqual([
      '2027-02-06',
      '2028-01-26',
      '2029-02-13',
      '2030-02-03',
      '2031-01-23',
      '2032-02-11',
      '2033-01-31',
    ]);
    expect(years.slice(0, 4).map((f) => f.dragonBoat)).toEqual([
      '2027-06-09',
      '2028-05-28',
      '2029-06-16',
      '2030-06-05',
    ]);
    expect(years.slice(0, 4).map((f) => f.midAutumn)).toEqual(['2027-09-15', '2028-10-03', '2029-09-22', '2030-09-12']);
  });

  test('the dates do not depend on the host’s time zone', () => {
    // The package reads and prints dates with host-local getters; a process of its own per zone, since a zone is
    // fixed when a process starts.
    const script = `import { statutoryHolidays } from './domain/statutory-holidays';
      const d = new Date(Date.UTC(2027, 0, 1));
      console.log(JSON.stringify({ localDay: d.getDate(), years: Array.from({ length: 76 }, (_, i) => statutoryHolidays(2025 + i)) }));`;
    const run = (TZ: string) =>
      JSON.parse(execFileSync(TSX, ['-e', script], { cwd: ROOT, env: { ...process.env, TZ }, encoding: 'utf8' }));
    const utc = run('UTC');
    const newYork = run('America/New_York');
    expect([utc.localDay, newYork.localDay]).toEqual([1, 31]); // the zone took effect
    expect(newYork.years).toEqual(utc.years);
    expect(run('Pacific/Kiritimati').years).toEqual(utc.years);
    expect(utc.years[2]).toEqual(statutoryHolidays(2027));
  }, 60_000);

  test('in any year up to 2100 the festivals fall in their seasons and only weekdays are listed as holidays', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2027, max: 2100 }), (year) => {
        const [, spring, qingming, , dragon, autumn] = statutoryHolidays(year);
        expect(spring.from >= `${year}-01-20` && spring.from <= `${year}-02-19`).toBe(true);
        expect([...eachDate(spring.from, spring.to)]).toHaveLength(4);
        expect(qingming.from >= `${year}-04-04` && qingming.from <= `${year}-04-05`).toBe(true);
        expect(dragon.from >= `${year}-05-26` && dragon.from <= `${year}-06-25`).toBe(true);
        expect(autumn.from >= `${year}-09-07` && autumn.from <= `${year}-10-08`).toBe(true);
        const data = calendarDataFor(`${year}-01-01`, `${year}-12-31`);
        expect(data.workdays).toEqual([]);
        for (const d of data.holidays) expect(isWeekend(d)).toBe(false);
      }),
      { numRuns: 40 },
    );
  });
});

describe('an imported year', () => {
  test('after importing the 2027 fixture, 2027 follows it instead of the law', () => {
    const years = [FIXTURE_2027];
    expect(calendarDays('2027-02-04', '2027-02-13', { years }).map(summary)).toEqual([
      '2027-02-04 working workday imported -',
      '2027-02-05 rest holiday imported spring_festival',
      '2027-02-06 rest holiday imported spring_festival',
      '2027-02-07 rest holiday imported spring_festival',
      '2027-02-08 rest holiday imported spring_festival',
      '2027-02-09 rest holiday imported spring_festival',
      '2027-02-10 rest holiday imported spring_festival',
      '2027-02-11 rest holiday imported spring_festival',
      '2027-02-12 rest holiday imported spring_festival',
      '2027-02-13 rest rest_day imported -',
    ]);
    expect(calendarDays('2027-02-20', '2027-02-20', { years }).map(summary)).toEqual([
      '2027-02-20 working make_up_workday imported -',
    ]);
    expect(calendarDays('2027-01-01', '2027-01-01', { years }).map(summary)).toEqual([
      '2027-01-01 rest holiday imported new_year',
    ]);
    expect(calendarDataFor('2027-01-01', '2027-02-28', [], years)).toEqual({
      holidays: ['2027-01-01', '2027-02-05', '2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11', '2027-02-12'],
      workdays: ['2027-02-20'],
    });
  });

  test('an override wins over an imported year, an import over the package', () => {
    const overrides = [{ date: '2027-02-20', kind: 'holiday' as const }];
    expect(calendarDays('2027-02-20', '2027-02-20', { overrides, years: [FIXTURE_2027] }).map(summary)).toEqual([
      '2027-02-20 rest holiday override -',
    ]);
    const correction2026 = {
      year: 2026,
      holidays: [{ holiday: 'national_day' as const, from: '2026-10-01', to: '2026-10-08' }],
      workdays: [],
    };
    expect(calendarDays('2026-10-08', '2026-10-10', { years: [correction2026] }).map(summary)).toEqual([
      '2026-10-08 rest holiday imported national_day',
      '2026-10-09 working workday imported -',
      '2026-10-10 rest rest_day imported -', // the package's 调休 Saturday is not in this import
    ]);
  });

  test('a year nothing covers has no day-by-day calendar', () => {
    expect(() => calendarDays('2003-12-31', '2004-01-01')).toThrow(RangeError);
    expect(() => calendarDays('2100-12-31', '2101-01-01')).toThrow(RangeError);
  });
});
