// Deadline arithmetic on the Chinese working-day calendar. Pure and deterministic: time comes in as epoch
// milliseconds, dates are 'YYYY-MM-DD' in China Standard Time, which is a fixed UTC+08:00 (no DST), so plain
// offset arithmetic on UTC getters is exact and independent of the host's time zone. This module also runs in
// the Temporal workflow sandbox: no clock reads, no Intl, no Node built-ins.
//
// The holiday data itself is in holidays.ts, which workflow code never imports: a case's workflow gets its
// calendar in its intake, so the 37 kB table stays out of the workflow bundle and out of every workflow's sandbox.
import type { AgreementTerms, FairnessTerms, CalendarData, Duration, PhaseDeadlines, Tier } from './types';

export interface WorkCalendar {
  /** `date` is YYYY-MM-DD in CST. */
  isWorkday(date: string): boolean;
  /** The same by day number (days since 1970-01-01): the deadline arithmetic walks days by number. */
  isWorkdayNumber(day: number): boolean;
}

export type CalendarOverride = { date: string; kind: 'holiday' | 'workday' };

export const WORKDAY_START_HOUR = 9;
export const WORKDAY_END_HOUR = 18;

const SECOND_MS = 1000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const CST_OFFSET_MS = 8 * HOUR_MS;
/** A calendar with no workday for a year is broken data; stop rather than loop forever. */
const MAX_DAYS_WITHOUT_WORK = 366;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

// --- CST dates as day numbers (days since 1970-01-01) ---

function dayNumber(date: string): number {
  const n = DATE_PATTERN.test(date) ? Date.parse(`${date}T00:00:00Z`) / DAY_MS : NaN;
  // The round trip rejects impossible dates such as 2025-02-30, which Date.parse would roll over or refuse.
  if (!Number.isInteger(n) || dateOfDayNumber(n) !== date) throw new RangeError(`not a valid YYYY-MM-DD date: ${date}`);
  return n;
}

function dateOfDayNumber(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

function cstDayNumber(ms: number): number {
  return Math.floor((ms + CST_OFFSET_MS) / DAY_MS);
}

function isWeekendDay(n: number): boolean {
  const dow = weekday(n);
  return dow === 0 || dow === 6;
}

/** 0 = Sunday … 6 = Saturday; 1970-01-01 was a Thursday. */
function weekday(n: number): number {
  return (((n + 4) % 7) + 7) % 7;
}

/** The CST calendar date of an instant. */
export function cstDate(ms: number): string {
  return dateOfDayNumber(cstDayNumber(ms));
}

/** An instant as a reader in the district writes it: `2026-11-03 14:05:00`, China Standard Time. */
export function cstDateTime(ms: number): string {
  return new Date(ms + CST_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** Day of the week of a CST date: 0 = Sunday … 6 = Saturday. */
export function cstDayOfWeek(date: string): number {
  return weekday(dayNumber(date));
}

export function addCalendarDays(date: string, days: number): string {
  return dateOfDayNumber(dayNumber(date) + days);
}

/** Calendar days from `from` to `to`: 0 on the same date, negative when `to` comes first. */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

/** The instant of `hour:minute` CST on `date`. */
export function cstTime(date: string, hour: number, minute = 0): number {
  return dayNumber(date) * DAY_MS - CST_OFFSET_MS + hour * HOUR_MS + minute * 60_000;
}

// --- calendars ---

/** Monday–Friday work except `holidays`; Saturday and Sunday rest except `workdays` (调休). */
// Calendars are built from their data once: deadlines, reminders and every read of a case ask again, most cases
// filed on a day share the same data, and the answers never change. Memoising changes no result.
const byObject = new WeakMap<CalendarData, WorkCalendar>();
const byContent = new Map<string, WorkCalendar>();
const MAX_CALENDARS = 512;

export function createCalendar(data: CalendarData): WorkCalendar {
  const same = byObject.get(data);
  if (same) return same;
  const key = `${data.holidays.join(',')}|${data.workdays.join(',')}`;
  let cal = byContent.get(key);
  if (!cal) {
    cal = buildCalendar(data);
    if (byContent.size >= MAX_CALENDARS) byContent.delete(byContent.keys().next().value as string);
    byContent.set(key, cal);
  }
  byObject.set(data, cal);
  return cal;
}

function buildCalendar(data: CalendarData): WorkCalendar {
  // By day number: a working-time computation asks about every day up to a due date, and formatting each day as a
  // string to look it up was most of its cost.
  const holidays = new Set(data.holidays.map(dayNumber));
  const workdays = new Set(data.workdays.map(dayNumber));
  const isWorkdayNumber = (n: number): boolean => (isWeekendDay(n) ? workdays.has(n) : !holidays.has(n));
  return {
    isWorkdayNumber,
    isWorkday: (date) => isWorkdayNumber(dayNumber(date)),
  };
}

// --- deadlines ---

/**
 * The due moment of a duration started at `startMs`. Seconds and hours are clock time: an emergency does not
 * wait for Monday. N working days: the start day never counts (whatever the hour), and the due is 18:00 CST
 * on the Nth workday after it, so a working-day deadline always falls on a working moment.
 */
export function addDuration(startMs: number, d: Duration, cal: WorkCalendar): number {
  checkDuration(d);
  switch (d.unit) {
    case 'seconds':
      return startMs + Math.round(d.amount * SECOND_MS);
    case 'hours':
      return startMs + Math.round(d.amount * HOUR_MS);
    case 'working_days':
      return cstTime(nthWorkdayAfter(cstDayNumber(startMs), d.amount, cal), WORKDAY_END_HOUR);
  }
}

function checkDuration(d: Duration): void {
  const ok = d.unit === 'working_days' ? Number.isInteger(d.amount) && d.amount >= 1 : d.amount >= 0;
  if (!ok || !Number.isFinite(d.amount)) throw new RangeError(`invalid duration: ${d.amount} ${d.unit}`);
}

function nthWorkdayAfter(startDay: number, count: number, cal: WorkCalendar): string {
  let n = startDay;
  for (let found = 0, idle = 0; found < count;) {
    n += 1;
    if (cal.isWorkdayNumber(n)) {
      found += 1;
      idle = 0;
    } else if (++idle > MAX_DAYS_WITHOUT_WORK) {
      throw new RangeError(`no workday within ${MAX_DAYS_WITHOUT_WORK} days after ${dateOfDayNumber(n - idle)}`);
    }
  }
  return dateOfDayNumber(n);
}

/** Working hours are closed at both ends so that 18:00, where working-day deadlines fall, counts. */
export function isWorkingMoment(ms: number, cal: WorkCalendar): boolean {
  const day = cstDayNumber(ms);
  const sinceMidnight = ms + CST_OFFSET_MS - day * DAY_MS;
  return (
    cal.isWorkdayNumber(day) &&
    sinceMidnight >= WORKDAY_START_HOUR * HOUR_MS &&
    sinceMidnight <= WORKDAY_END_HOUR * HOUR_MS
  );
}

/**
 * The first working moment at or after `ms`: a 催办 that would fall at 02:00 or on a holiday goes out when the
 * office opens (09:00 CST on the next workday) instead.
 */
export function nextWorkingMoment(ms: number, cal: WorkCalendar): number {
  if (isWorkingMoment(ms, cal)) return ms;
  let day = cstDayNumber(ms);
  if (ms > cstTime(dateOfDayNumber(day), WORKDAY_START_HOUR) || !cal.isWorkdayNumber(day)) {
    day = cstDayNumber(cstTime(nthWorkdayAfter(day, 1, cal), 12));
  }
  return cstTime(dateOfDayNumber(day), WORKDAY_START_HOUR);
}

/** Working milliseconds (09:00–18:00 CST on workdays) in [fromMs, toMs); 0 when toMs <= fromMs. */
export function workingMsBetween(fromMs: number, toMs: number, cal: WorkCalendar): number {
  let total = 0;
  // One step per day, so a year-long span costs ~366 lookups.
  for (let n = cstDayNumber(fromMs); n <= cstDayNumber(toMs); n++) {
    if (!cal.isWorkdayNumber(n)) continue;
    const midnight = n * DAY_MS - CST_OFFSET_MS;
    const open = Math.max(fromMs, midnight + WORKDAY_START_HOUR * HOUR_MS);
    const close = Math.min(toMs, midnight + WORKDAY_END_HOUR * HOUR_MS);
    total += Math.max(0, close - open);
  }
  return total;
}

/** The moment `workingMs` of working time (09:00–18:00 CST on workdays) after `fromMs`: a paused working-day deadline resumes here. */
export function addWorkingMs(fromMs: number, workingMs: number, cal: WorkCalendar): number {
  let left = workingMs;
  for (let n = cstDayNumber(fromMs), idle = 0; ; n++) {
    if (!cal.isWorkdayNumber(n)) {
      if (++idle > MAX_DAYS_WITHOUT_WORK) throw new RangeError(`no workday within ${MAX_DAYS_WITHOUT_WORK} days`);
      continue;
    }
    idle = 0;
    const midnight = n * DAY_MS - CST_OFFSET_MS;
    const open = Math.max(fromMs, midnight + WORKDAY_START_HOUR * HOUR_MS);
    const close = midnight + WORKDAY_END_HOUR * HOUR_MS;
    if (open <= close && close - open >= left) return open + left;
    left -= Math.max(0, close - open);
  }
}

/**
 * Working time left until the due. Once overdue it is minus the clock time since the due, not working time:
 * measured in working time an overdue case would read 0 all weekend, and the sign must say "overdue".
 * So: > 0 or 0 before the due (0 when no working hour is left), 0 at it, < 0 exactly when overdue.
 */
export function workingTimeLeftMs(nowMs: number, dueMs: number, cal: WorkCalendar): number {
  return dueMs < nowMs ? dueMs - nowMs : workingMsBetween(nowMs, dueMs, cal);
}

export function clockTimeLeftMs(nowMs: number, dueMs: number): number {
  return dueMs - nowMs;
}

/**
 * 催办 moments at fractions of the start→due span, in clock time (a reminder may fall outside working hours;
 * the notifier decides when to deliver). Fractions outside (0,1) are dropped; moments come out whole
 * milliseconds, strictly between start and due, sorted and without duplicates.
 */
export function reminderTimes(startMs: number, dueMs: number, points: readonly number[]): number[] {
  const moments = points
    .filter((p) => p > 0 && p < 1)
    .map((p) => startMs + Math.round(p * (dueMs - startMs)))
    .filter((t) => t > startMs && t < dueMs);
  return [...new Set(moments)].sort((a, b) => a - b);
}

/**
 * The 催办 moments of a span as a case's or a topic's clock keeps them: on a working calendar a reminder that would
 * fall out of working hours waits for the office to open, and is dropped if that is past the due (where the breach
 * speaks instead); without one (`cal` null: emergencies, demo seconds) they keep clock time.
 */
export function workingReminderTimes(
  startMs: number,
  dueMs: number,
  points: readonly number[],
  cal: WorkCalendar | null,
): number[] {
  const raw = reminderTimes(startMs, dueMs, points);
  if (cal === null) return raw;
  return [...new Set(raw.map((t) => nextWorkingMoment(t, cal)))].filter((t) => t < dueMs);
}

// --- reference terms ---

/** Reference tiers from Beijing 12345 practice (DOMAIN.md "Deadlines"). Frozen: every case shares them. */
export const DEFAULT_DEADLINES: Record<Tier, PhaseDeadlines> = deepFreeze({
  emergency: { response: { unit: 'hours', amount: 1 }, resolution: { unit: 'hours', amount: 2 } },
  utilities: { response: { unit: 'hours', amount: 4 }, resolution: { unit: 'hours', amount: 24 } },
  general: { response: { unit: 'working_days', amount: 1 }, resolution: { unit: 'working_days', amount: 7 } },
  complex: { response: { unit: 'working_days', amount: 2 }, resolution: { unit: 'working_days', amount: 15 } },
});
// Typed mutable so agreements can take them as they are; frozen, so a stray push throws instead of changing
// every case's reminders.
export const DEFAULT_REMINDER_POINTS: number[] = Object.freeze([0.5, 0.75]) as number[];
export const DEFAULT_EVALUATION_WINDOW: Duration = Object.freeze({ unit: 'working_days', amount: 3 });
/** 重办 at most once: the second evaluation is the one that counts. */
export const DEFAULT_REWORK_LIMIT = 1;
/** Reference fairness terms: a day to decide, two extensions within five working days, a week's pause at most. */
export const DEFAULT_FAIRNESS: FairnessTerms = deepFreeze({
  decisionTime: { unit: 'working_days', amount: 1 },
  extensionMaxCount: 2,
  extensionMaxTotal: { unit: 'working_days', amount: 5 },
  maxPause: { unit: 'working_days', amount: 5 },
  topRungCadence: { unit: 'working_days', amount: 1 },
  noticeAfter: 3,
});

/** The deadlines of one case: the agreement's category override, else its tier, else the reference tier. */
export function deadlinesFor(tier: Tier, categoryCode: string, terms: AgreementTerms | null): PhaseDeadlines {
  const byCategory = terms?.categoryDeadlines;
  // hasOwn, so a category code such as 'constructor' cannot pick up Object.prototype members.
  if (byCategory && Object.hasOwn(byCategory, categoryCode)) return byCategory[categoryCode];
  return terms?.deadlines[tier] ?? DEFAULT_DEADLINES[tier];
}

function deepFreeze<T extends object>(value: T): T {
  for (const inner of Object.values(value)) if (typeof inner === 'object' && inner !== null) deepFreeze(inner);
  return Object.freeze(value);
}

const UNIT_NAMES = {
  seconds: { zh: '秒', en: ['second', 'seconds'] },
  hours: { zh: '小时', en: ['hour', 'hours'] },
  working_days: { zh: '个工作日', en: ['working day', 'working days'] },
} as const;

/** "7个工作日" / "7 working days", "60秒" / "60 seconds". */
export function describeDuration(d: Duration, lang: 'zh' | 'en'): string {
  const names = UNIT_NAMES[d.unit];
  if (lang === 'zh') return `${d.amount}${names.zh}`;
  return `${d.amount} ${names.en[d.amount === 1 ? 0 : 1]}`;
}
