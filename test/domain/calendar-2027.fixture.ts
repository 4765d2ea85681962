// TEST FIXTURE — NOT the State Council's notice. An invented 2027 arrangement shaped like the real ones (holidays
// longer than the law's days, 调休 weekend days worked), used to show that an imported year replaces the
// statutory fallback. Never seed it or use it as data: import the published notice instead.
import type { CalendarImport } from '../../domain/calendar-years';

export const FIXTURE_2027: CalendarImport = {
  year: 2027,
  holidays: [
    { holiday: 'new_year', from: '2027-01-01', to: '2027-01-03' },
    { holiday: 'spring_festival', from: '2027-02-05', to: '2027-02-12' },
    { holiday: 'tomb_sweeping', from: '2027-04-03', to: '2027-04-05' },
    { holiday: 'labour_day', from: '2027-05-01', to: '2027-05-05' },
    { holiday: 'dragon_boat', from: '2027-06-09', to: '2027-06-09' },
    { holiday: 'mid_autumn', from: '2027-09-15', to: '2027-09-15' },
    { holiday: 'national_day', from: '2027-10-01', to: '2027-10-07' },
  ],
  workdays: ['2027-02-20', '2027-04-25', '2027-05-08', '2027-09-26', '2027-10-09'],
  statutoryDaysWorked: [],
};
