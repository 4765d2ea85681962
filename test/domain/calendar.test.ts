import fc from 'fast-check';
import {
  DEFAULT_DEADLINES,
  DEFAULT_EVALUATION_WINDOW,
  DEFAULT_REMINDER_POINTS,
  DEFAULT_REWORK_LIMIT,
  WORKDAY_END_HOUR,
  WORKDAY_START_HOUR,
  addCalendarDays,
  addDuration,
  clockTimeLeftMs,
  createCalendar,
  cstDate,
  cstDayOfWeek,
  cstTime,
  deadlinesFor,
  describeDuration,
  isWorkingMoment,
  reminderTimes,
  workingMsBetween,
  workingTimeLeftMs,
} from '../../domain/calendar';
import { calendarDataFor } from '../../domain/holidays';
import type { AgreementTerms, Duration } from '../../domain/types';

const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const cal = createCalendar(calendarDataFor('2023-12-01', '2027-06-30'));
const days = (amount: number): Duration => ({ unit: 'working_days', amount });

describe('CST dates', () => {
  test('an instant belongs to the China Standard Time date, eight hours ahead of UTC', () => {
    expect(cstDate(at('2025-09-30T16:00:00Z'))).toBe('2025-10-01');
    expect(cstDate(at('2025-09-30T15:59:59.999Z'))).toBe('2025-09-30');
    expect(cstTime('2025-10-09', 18)).toBe(at('2025-10-09T18:00:00+08:00'));
    expect(cstTime('2025-10-09', 9, 30)).toBe(at('2025-10-09T09:30:00+08:00'));
  });

  test('days of the week and calendar days are counted on the CST date', () => {
    expect(cstDayOfWeek('2025-09-28')).toBe(0);
    expect(cstDayOfWeek('2025-10-11')).toBe(6);
    expect(cstDayOfWeek('1969-12-31')).toBe(3);
    expect(addCalendarDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addCalendarDays('2024-03-01', -1)).toBe('2024-02-29');
  });

  test('malformed or impossible dates are refused', () => {
    expect(() => cstDayOfWeek('2025-02-30')).toThrow(RangeError);
    expect(() => cstDayOfWeek('2025-9-1')).toThrow(RangeError);
    expect(() => cal.isWorkday('yesterday')).toThrow(RangeError);
  });

  test('every CST hour of a date maps back to that date', () => {
    const date = fc.integer({ min: -3000, max: 30000 }).map((n) => addCalendarDays('1970-01-01', n));
    fc.assert(
      fc.property(date, fc.integer({ min: 0, max: 23 }), (d, hour) => {
        expect(cstDate(cstTime(d, hour, 59))).toBe(d);
      }),
    );
  });
});

describe('the working-day calendar', () => {
  test('the 2025 National Day holiday and its 调休 Sunday and Saturday come from the package', () => {
    expect(calendarDataFor('2025-09-27', '2025-10-12')).toEqual({
      holidays: ['2025-10-01', '2025-10-02', '2025-10-03', '2025-10-06', '2025-10-07', '2025-10-08'],
      workdays: ['2025-09-28', '2025-10-11'],
    });
    for (const date of ['2025-09-28', '2025-10-09', '2025-10-11']) expect(cal.isWorkday(date)).toBe(true);
    for (const date of ['2025-09-27', '2025-10-01', '2025-10-08', '2025-10-12'])
      expect(cal.isWorkday(date)).toBe(false);
  });

  test('2026 New Year, Spring Festival and National Day follow the State Council arrangement', () => {
    expect(calendarDataFor('2026-01-01', '2026-01-04')).toEqual({
      holidays: ['2026-01-01', '2026-01-02'],
      workdays: ['2026-01-04'],
    });
    expect(calendarDataFor('2026-02-14', '2026-02-28')).toEqual({
      holidays: ['2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20', '2026-02-23'],
      workdays: ['2026-02-14', '2026-02-28'],
    });
    expect(calendarDataFor('2026-09-20', '2026-10-10')).toEqual({
      holidays: ['2026-09-25', '2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07'],
      workdays: ['2026-09-20', '2026-10-10'],
    });
  });

  test('2025 has 248 working days', () => {
    // 261 weekdays − 18 weekday holidays (1 + 6 + 1 + 3 + 1 + 6) + 5 调休 weekend days.
    const cal2025 = createCalendar(calendarDataFor('2025-01-01', '2025-12-31'));
    const dates = Array.from({ length: 365 }, (_, i) => addCalendarDays('2025-01-01', i));
    expect(dates.filter((d) => cal2025.isWorkday(d))).toHaveLength(248);
  });

  test('later years the package does not know rest on the statutory holidays; years before it on Monday to Friday', () => {
    expect(calendarDataFor('2003-01-01', '2003-12-31')).toEqual({ holidays: [], workdays: [] });
    // 2030: 1 Jan Tue, 春节 2–5 Feb (Sat–Tue), 清明 5 Apr Fri, 1–2 May Wed–Thu, 端午 5 Jun Wed, 中秋 12 Sep Thu,
    // 1–3 Oct Tue–Thu; no 调休 weekend days until the notice.
    expect(calendarDataFor('2030-01-01', '2030-12-31')).toEqual({
      holidays: [
        ...['2030-01-01', '2030-02-04', '2030-02-05', '2030-04-05', '2030-05-01', '2030-05-02', '2030-06-05'],
        ...['2030-09-12', '2030-10-01', '2030-10-02', '2030-10-03'],
      ],
      workdays: [],
    });
    const cal2030 = createCalendar(calendarDataFor('2030-09-28', '2030-10-08'));
    expect(cal2030.isWorkday('2030-10-01')).toBe(false);
    expect(cal2030.isWorkday('2030-10-04')).toBe(true);
    expect(cal2030.isWorkday('2030-10-05')).toBe(false);
  });

  test('database overrides win over the package and only deviations from Monday to Friday are listed', () => {
    const data = calendarDataFor('2025-09-27', '2025-10-12', [
      { date: '2025-10-09', kind: 'holiday' }, // a local typhoon day off
      { date: '2025-10-03', kind: 'workday' },
      { date: '2025-09-28', kind: 'holiday' },
      { date: '2025-10-04', kind: 'holiday' }, // a Saturday: already a day off
      { date: '2025-12-25', kind: 'holiday' }, // outside the range
    ]);
    expect(data).toEqual({
      holidays: ['2025-10-01', '2025-10-02', '2025-10-06', '2025-10-07', '2025-10-08', '2025-10-09'],
      workdays: ['2025-10-11'],
    });
  });

  test('a calendar range that ends before it starts, or a malformed override, is refused', () => {
    expect(() => calendarDataFor('2025-10-02', '2025-10-01')).toThrow(RangeError);
    expect(() => calendarDataFor('2025-10-01', '2025-10-02', [{ date: '2025/10/01', kind: 'holiday' }])).toThrow(
      RangeError,
    );
  });

  test('weekdays work unless listed as holidays and weekends rest unless listed as make-up days', () => {
    const custom = createCalendar({ holidays: ['2025-10-06', '2025-10-04'], workdays: ['2025-10-05', '2025-10-07'] });
    expect(custom.isWorkday('2025-10-06')).toBe(false);
    expect(custom.isWorkday('2025-10-05')).toBe(true);
    expect(custom.isWorkday('2025-10-07')).toBe(true);
    expect(custom.isWorkday('2025-10-04')).toBe(false);
  });

  test('overrides win over the package on any date', () => {
    const date = fc.integer({ min: 0, max: 729 }).map((n) => addCalendarDays('2025-01-01', n));
    fc.assert(
      fc.property(date, fc.constantFrom('holiday' as const, 'workday' as const), (d, kind) => {
        const overridden = createCalendar(calendarDataFor('2025-01-01', '2026-12-31', [{ date: d, kind }]));
        expect(overridden.isWorkday(d)).toBe(kind === 'workday');
      }),
      { numRuns: 50 },
    );
  });
});

describe('working hours', () => {
  test('working moments are 09:00 to 18:00 CST inclusive on workdays only', () => {
    expect([WORKDAY_START_HOUR, WORKDAY_END_HOUR]).toEqual([9, 18]);
    expect(isWorkingMoment(at('2025-10-09T09:00:00+08:00'), cal)).toBe(true);
    expect(isWorkingMoment(at('2025-10-09T08:59:59.999+08:00'), cal)).toBe(false);
    expect(isWorkingMoment(at('2025-10-09T18:00:00+08:00'), cal)).toBe(true);
    expect(isWorkingMoment(at('2025-10-09T18:00:00.001+08:00'), cal)).toBe(false);
    expect(isWorkingMoment(at('2025-09-28T10:00:00+08:00'), cal)).toBe(true);
    expect(isWorkingMoment(at('2025-10-01T10:00:00+08:00'), cal)).toBe(false);
    expect(isWorkingMoment(at('2025-10-12T10:00:00+08:00'), cal)).toBe(false);
  });
});

describe('addDuration', () => {
  test('hours and seconds add clock time, even over a holiday', () => {
    const start = at('2025-09-30T17:00:00+08:00');
    expect(addDuration(start, { unit: 'hours', amount: 2 }, cal)).toBe(at('2025-09-30T19:00:00+08:00'));
    expect(addDuration(start, { unit: 'hours', amount: 24 }, cal)).toBe(at('2025-10-01T17:00:00+08:00'));
    expect(addDuration(start, { unit: 'hours', amount: 0.5 }, cal)).toBe(start + HOUR / 2);
    expect(addDuration(start, { unit: 'seconds', amount: 60 }, cal)).toBe(start + 60_000);
  });

  test('seven working days from the eve of National Day 2025 skip the holiday and include the 调休 Saturday', () => {
    // Workdays after 09-30: 10-09, 10-10, 10-11 (调休 Saturday), 10-13, 10-14, 10-15, 10-16.
    expect(addDuration(at('2025-09-30T10:00:00+08:00'), days(7), cal)).toBe(at('2025-10-16T18:00:00+08:00'));
  });

  test('the start day never counts, whatever the hour', () => {
    const due = at('2025-10-10T18:00:00+08:00');
    expect(addDuration(at('2025-10-09T00:00:00+08:00'), days(1), cal)).toBe(due);
    expect(addDuration(at('2025-10-09T08:00:00+08:00'), days(1), cal)).toBe(due);
    expect(addDuration(at('2025-10-09T23:59:00+08:00'), days(1), cal)).toBe(due);
  });

  test('one working day from a Friday lands on the next 调休 Sunday, and from a holiday on the first workday after it', () => {
    expect(addDuration(at('2025-09-26T15:00:00+08:00'), days(1), cal)).toBe(at('2025-09-28T18:00:00+08:00'));
    expect(addDuration(at('2025-10-03T11:00:00+08:00'), days(1), cal)).toBe(at('2025-10-09T18:00:00+08:00'));
  });

  test('working days count across the 2026 Spring Festival', () => {
    // Workdays after 02-13: 02-14 (调休 Saturday), 02-24, 02-25.
    expect(addDuration(at('2026-02-13T12:00:00+08:00'), days(3), cal)).toBe(at('2026-02-25T18:00:00+08:00'));
  });

  test('durations that cannot be counted are refused', () => {
    const start = at('2025-10-09T10:00:00+08:00');
    expect(() => addDuration(start, days(0), cal)).toThrow(RangeError);
    expect(() => addDuration(start, days(1.5), cal)).toThrow(RangeError);
    expect(() => addDuration(start, { unit: 'hours', amount: -1 }, cal)).toThrow(RangeError);
    expect(() => addDuration(start, { unit: 'seconds', amount: Number.NaN }, cal)).toThrow(RangeError);
    expect(() => addDuration(start, days(1), { isWorkday: () => false, isWorkdayNumber: () => false })).toThrow(
      RangeError,
    );
  });
});

describe('time left', () => {
  test('working time left counts only 09:00 to 18:00 on workdays, make-up days included', () => {
    // Thu 10:00–18:00, Fri, Sun 09-28 (调休), Mon 09-29: 8 + 9 + 9 + 9 hours.
    const left = workingTimeLeftMs(at('2025-09-25T10:00:00+08:00'), at('2025-09-29T18:00:00+08:00'), cal);
    expect(left).toBe(35 * HOUR);
    expect(workingTimeLeftMs(at('2025-10-09T12:30:00+08:00'), at('2025-10-09T18:00:00+08:00'), cal)).toBe(5.5 * HOUR);
  });

  test('no working time is left over a weekend before a Monday-morning due, yet the case is not overdue', () => {
    expect(workingTimeLeftMs(at('2025-10-18T10:00:00+08:00'), at('2025-10-20T08:00:00+08:00'), cal)).toBe(0);
  });

  test('an overdue case reads minus the clock time since its due, even over a weekend', () => {
    const due = at('2025-10-17T18:00:00+08:00');
    expect(workingTimeLeftMs(due + 20 * HOUR, due, cal)).toBe(-20 * HOUR);
    expect(workingTimeLeftMs(due, due, cal)).toBe(0);
    expect(clockTimeLeftMs(due - HOUR, due)).toBe(HOUR);
    expect(clockTimeLeftMs(due + HOUR, due)).toBe(-HOUR);
  });

  test('a year of working time is the year’s working days times nine hours', () => {
    expect(workingMsBetween(at('2024-12-31T18:00:00+08:00'), at('2025-12-31T18:00:00+08:00'), cal)).toBe(
      248 * 9 * HOUR,
    );
    expect(workingMsBetween(at('2025-12-31T18:00:00+08:00'), at('2024-12-31T18:00:00+08:00'), cal)).toBe(0);
  });
});

describe('reminders', () => {
  test('reminders fall at the given fractions of the span, sorted, without duplicates or fractions outside (0,1)', () => {
    expect(reminderTimes(1000, 2000, [0.75, 0.5, 0.5, 0, 1, 1.2, -0.1, Number.NaN])).toEqual([1500, 1750]);
    expect(reminderTimes(0, 8 * HOUR, DEFAULT_REMINDER_POINTS)).toEqual([4 * HOUR, 6 * HOUR]);
    expect(reminderTimes(2000, 2000, [0.5])).toEqual([]);
    expect(reminderTimes(2000, 1000, [0.5])).toEqual([]);
  });
});

describe('calendar properties', () => {
  const from = at('2024-01-01T00:00:00+08:00');
  const to = at('2027-01-01T00:00:00+08:00');
  const start = fc.integer({ min: from, max: to });
  const amount = fc.integer({ min: 1, max: 30 });

  test('a working-days due is a working moment after the start, with exactly N workdays after the start day', () => {
    fc.assert(
      fc.property(start, amount, (s, n) => {
        const due = addDuration(s, days(n), cal);
        expect(due).toBeGreaterThan(s);
        expect(isWorkingMoment(due, cal)).toBe(true);
        expect(cstTime(cstDate(due), WORKDAY_END_HOUR)).toBe(due);
        const between = Array.from({ length: 400 }, (_, i) => addCalendarDays(cstDate(s), i + 1));
        const counted = between.slice(0, between.indexOf(cstDate(due)) + 1).filter((d) => cal.isWorkday(d));
        expect(counted).toHaveLength(n);
      }),
    );
  });

  test('a later start never gives an earlier due', () => {
    fc.assert(
      fc.property(start, fc.integer({ min: 0, max: 30 * 24 * HOUR }), amount, (s, gap, n) => {
        expect(addDuration(s + gap, days(n), cal)).toBeGreaterThanOrEqual(addDuration(s, days(n), cal));
      }),
    );
  });

  test('reminders lie strictly between the start and the due', () => {
    const points = fc.array(fc.double({ min: -0.5, max: 1.5, noNaN: true }), { maxLength: 6 });
    fc.assert(
      fc.property(start, amount, points, (s, n, ps) => {
        const due = addDuration(s, days(n), cal);
        const times = reminderTimes(s, due, ps);
        for (const t of times) expect(t > s && t < due).toBe(true);
        expect(times).toEqual([...new Set(times)].sort((a, b) => a - b));
      }),
    );
  });

  test('N working days started at 18:00 on a workday hold exactly N times nine working hours', () => {
    const workdayEvening = fc
      .integer({ min: 0, max: 1000 })
      .map((i) => addCalendarDays('2024-01-01', i))
      .filter((d) => cal.isWorkday(d))
      .map((d) => cstTime(d, 18));
    fc.assert(
      fc.property(workdayEvening, amount, (s, n) => {
        expect(workingTimeLeftMs(s, addDuration(s, days(n), cal), cal)).toBe(n * 9 * HOUR);
      }),
    );
  });

  test('working time left never exceeds clock time left and is negative exactly when overdue', () => {
    fc.assert(
      fc.property(start, start, (now, due) => {
        const working = workingTimeLeftMs(now, due, cal);
        expect(working).toBeLessThanOrEqual(clockTimeLeftMs(now, due));
        expect(working < 0).toBe(now > due);
      }),
    );
  });
});

describe('reference deadlines', () => {
  test('the reference tiers follow Beijing 12345 practice', () => {
    expect(DEFAULT_DEADLINES.emergency).toEqual({
      response: { unit: 'hours', amount: 1 },
      resolution: { unit: 'hours', amount: 2 },
    });
    expect(DEFAULT_DEADLINES.utilities).toEqual({
      response: { unit: 'hours', amount: 4 },
      resolution: { unit: 'hours', amount: 24 },
    });
    expect(DEFAULT_DEADLINES.general).toEqual({ response: days(1), resolution: days(7) });
    expect(DEFAULT_DEADLINES.complex).toEqual({ response: days(2), resolution: days(15) });
    expect([DEFAULT_EVALUATION_WINDOW, DEFAULT_REWORK_LIMIT, DEFAULT_REMINDER_POINTS]).toEqual([
      days(3),
      1,
      [0.5, 0.75],
    ]);
  });

  test('the shared reference deadlines cannot be changed by one caller for everyone', () => {
    expect(() => {
      (DEFAULT_DEADLINES.general.resolution as { amount: number }).amount = 70;
    }).toThrow(TypeError);
    expect(DEFAULT_DEADLINES.general.resolution.amount).toBe(7);
  });

  test('a category override beats the agreement tier, which beats the reference tier', () => {
    const lift = { response: { unit: 'hours', amount: 2 }, resolution: days(3) } as const;
    const general = { response: days(2), resolution: days(10) } as const;
    const terms = {
      deadlines: { ...DEFAULT_DEADLINES, general },
      categoryDeadlines: { lift },
    } as unknown as AgreementTerms;
    expect(deadlinesFor('general', 'lift', terms)).toEqual(lift);
    expect(deadlinesFor('general', 'cleaning', terms)).toEqual(general);
    expect(deadlinesFor('general', 'constructor', terms)).toEqual(general);
    expect(deadlinesFor('complex', 'cleaning', null)).toEqual(DEFAULT_DEADLINES.complex);
  });
});

describe('describeDuration', () => {
  test.each([
    [days(7), '7个工作日', '7 working days'],
    [days(1), '1个工作日', '1 working day'],
    [{ unit: 'seconds', amount: 60 } as Duration, '60秒', '60 seconds'],
    [{ unit: 'hours', amount: 1 } as Duration, '1小时', '1 hour'],
    [{ unit: 'hours', amount: 24 } as Duration, '24小时', '24 hours'],
  ])('%o reads %s in Chinese and %s in English', (d, zh, en) => {
    expect(describeDuration(d, 'zh')).toBe(zh);
    expect(describeDuration(d, 'en')).toBe(en);
  });
});
