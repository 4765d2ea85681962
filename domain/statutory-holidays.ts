// The public holidays fixed by law, for years whose arrangement is not yet published. 《全国年节及纪念日放假办法》 as
// revised in 2024 (in force from 1 January 2025), article 2: 元旦 1 day (1 January), 春节 4 days (除夕 to 初三),
// 清明节 1 day (the day of the 清明 solar term), 劳动节 2 days (1–2 May), 端午节 1 day (lunar 5/5), 中秋节 1 day
// (lunar 8/15), 国庆节 3 days (1–3 October).
//
// What the law does not fix is the State Council's yearly arrangement: the weekend days worked to make a longer
// break (调休) and the weekday given back when a holiday falls on a weekend (补休). Until the notice is out a
// year's statutory days are rest days and nothing more: a holiday on a Saturday stays a Saturday.
//
// Like holidays.ts this module is for intake and the API only; workflow code never imports it (it pulls in
// chinese-days' lunar tables).
import { getSolarDateFromLunar, getSolarTermDate } from 'chinese-days';
import { addCalendarDays } from './calendar';

export const HOLIDAYS = [
  'new_year',
  'spring_festival',
  'tomb_sweeping',
  'labour_day',
  'dragon_boat',
  'mid_autumn',
  'national_day',
  'other',
] as const;
/** A holiday by its stable code; `other` for a one-off day the State Council adds (2015's 9月3日 纪念日). */
export type Holiday = (typeof HOLIDAYS)[number];

/** Consecutive rest days of one holiday, both ends included (YYYY-MM-DD). */
export interface HolidayRange {
  holiday: Holiday;
  from: string;
  to: string;
}

/** The 2024 revision applies from this year; earlier years have their published arrangement in the package. */
export const STATUTORY_FIRST_YEAR = 2025;
/** chinese-days' lunar table ends with this year. */
export const STATUTORY_LAST_YEAR = 2100;

const byYear = new Map<number, HolidayRange[]>();

/** The statutory holidays of `year`, in order of the year. Throws a RangeError outside the years the law and the lunar table cover. */
export function statutoryHolidays(year: number): HolidayRange[] {
  if (!Number.isInteger(year) || year < STATUTORY_FIRST_YEAR || year > STATUTORY_LAST_YEAR) {
    throw new RangeError(
      `no statutory holidays computed for ${year}: only ${STATUTORY_FIRST_YEAR}–${STATUTORY_LAST_YEAR}`,
    );
  }
  let ranges = byYear.get(year);
  if (!ranges) {
    ranges = computeYear(year);
    byYear.set(year, ranges);
  }
  return ranges.map((r) => ({ ...r }));
}

function computeYear(year: number): HolidayRange[] {
  const f = festivalDates(year);
  const day = (month: number, dayOfMonth: number) => `${year}-${pad(month)}-${pad(dayOfMonth)}`;
  return [
    { holiday: 'new_year', from: day(1, 1), to: day(1, 1) },
    {
      holiday: 'spring_festival',
      from: addCalendarDays(f.springFestival, -1),
      to: addCalendarDays(f.springFestival, 2),
    },
    { holiday: 'tomb_sweeping', from: f.qingming, to: f.qingming },
    { holiday: 'labour_day', from: day(5, 1), to: day(5, 2) },
    { holiday: 'dragon_boat', from: f.dragonBoat, to: f.dragonBoat },
    { holiday: 'mid_autumn', from: f.midAutumn, to: f.midAutumn },
    { holiday: 'national_day', from: day(10, 1), to: day(10, 3) },
  ];
}

/** The Gregorian dates of the festivals that move: 春节 (初一), 清明, 端午 (lunar 5/5), 中秋 (lunar 8/15); 1901–2100. */
export function festivalDates(year: number): {
  springFestival: string;
  qingming: string;
  dragonBoat: string;
  midAutumn: string;
} {
  if (!Number.isInteger(year) || year <= 1900 || year > STATUTORY_LAST_YEAR)
    throw new RangeError(`no lunar dates for ${year}`);
  return {
    springFestival: lunarToSolar(year, 1, 1),
    qingming: qingmingDay(year),
    dragonBoat: lunarToSolar(year, 5, 5),
    midAutumn: lunarToSolar(year, 8, 15),
  };
}

/**
 * A day of a lunar year's regular (not leap) month as a Gregorian date. The package reads the lunar date with
 * host-local getters and counts days with host-local date arithmetic, so it is handed a local-time Date: then the
 * host's zone cancels out (checked with TZ=America/New_York and Pacific/Kiritimati).
 */
function lunarToSolar(lunarYear: number, month: number, dayOfMonth: number): string {
  return getSolarDateFromLunar(new Date(lunarYear, month - 1, dayOfMonth)).date;
}

/**
 * The day of the 清明 solar term. The package computes the day right, then builds it as UTC midnight and prints it
 * with host-local getters, which west of UTC shows the day before. Undo exactly that: if the next day's UTC
 * midnight prints as the answer, the answer was shifted.
 */
function qingmingDay(year: number): string {
  const shown = getSolarTermDate(year, 4, 'pure_brightness');
  const next = addCalendarDays(shown, 1);
  const nextAtUtcMidnight = new Date(Date.parse(`${next}T00:00:00Z`));
  const printed = `${nextAtUtcMidnight.getFullYear()}-${pad(nextAtUtcMidnight.getMonth() + 1)}-${pad(nextAtUtcMidnight.getDate())}`;
  return printed === shown ? next : shown;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Names as the law and the notices write them. */
export const HOLIDAY_NAMES: Record<Holiday, { zh: string; en: string }> = {
  new_year: { zh: '元旦', en: "New Year's Day" },
  spring_festival: { zh: '春节', en: 'Spring Festival' },
  tomb_sweeping: { zh: '清明节', en: 'Qingming Festival' },
  labour_day: { zh: '劳动节', en: 'Labour Day' },
  dragon_boat: { zh: '端午节', en: 'Dragon Boat Festival' },
  mid_autumn: { zh: '中秋节', en: 'Mid-Autumn Festival' },
  national_day: { zh: '国庆节', en: 'National Day' },
  other: { zh: '其他纪念日', en: 'other commemoration day' },
};
