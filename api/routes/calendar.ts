// The working-day calendar as deadlines count it, day by day with where each day's status comes from, and how far
// the published arrangement reaches. Public like the rest of the reference data (信息公开). The admin imports a
// year's notice through PUT /admin/calendar-years/:year (admin.ts), with the schemas below.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { cstDate, daysBetween } from '../../domain/calendar';
import { COVERAGE_WARNING_DAYS } from '../../domain/calendar-years';
import { CALENDAR_FIRST_YEAR, CALENDAR_LAST_YEAR, yearArrangement } from '../../domain/holidays';
import { HOLIDAYS } from '../../domain/statutory-holidays';
import { calendarCoverageFrom, calendarDaysFrom } from '../../db/queries/calendar';
import type { CalendarYearRow } from '../../db/queries/calendar-years';
import type { ApiContext } from '../context';
import { errorResponses, errors } from '../errors';
import { text } from '../i18n';
import { dateSchema, storableString } from '../schemas';
import { reasonSchema } from './reference-schemas';

const SOURCES = ['override', 'imported', 'package', 'statutory'] as const;
const SOURCE_DOC =
  'override: set by the admin for that date; imported: from the State Council notice the admin imported for the year; ' +
  'package: from the arrangement published in chinese-days; statutory: computed from the law (《全国年节及纪念日放假办法》, ' +
  '2024 revision) because no notice is known for the year yet — its 调休 make-up working days and 补休 are unknown, so a ' +
  'holiday on a weekend stays a weekend day and no weekend day is worked.';

export const calendarDaySchema = z.object({
  date: z.string(),
  working: z.boolean(),
  kind: z
    .enum(['workday', 'rest_day', 'holiday', 'make_up_workday'])
    .describe('holiday: a rest day of a public holiday; make_up_workday: a weekend day worked (调休)'),
  source: z.enum(SOURCES).describe(SOURCE_DOC),
  holiday: z.enum(HOLIDAYS).nullable(),
});

export const holidayRangeSchema = z.strictObject({ holiday: z.enum(HOLIDAYS), from: dateSchema, to: dateSchema });

export const yearParams = (first: number) =>
  z.strictObject({
    year: z.coerce
      .number()
      .int()
      .min(first, `年份须在 ${first}–${CALENDAR_LAST_YEAR} 之间 (the year must be ${first}–${CALENDAR_LAST_YEAR})`)
      .max(
        CALENDAR_LAST_YEAR,
        `年份须在 ${first}–${CALENDAR_LAST_YEAR} 之间 (the year must be ${first}–${CALENDAR_LAST_YEAR})`,
      ),
  });

export const calendarYearSchema = z
  .object({
    year: z.number().int(),
    source: z.enum(['imported', 'package', 'statutory']).describe(SOURCE_DOC),
    holidays: z.array(z.object({ holiday: z.enum(HOLIDAYS), from: z.string(), to: z.string() })),
    workdays: z.array(z.string()).describe('调休: weekend days worked'),
    statutoryDaysWorked: z.array(z.string()).describe('statutory holidays the imported notice makes working days'),
    notice: z.string().nullable(),
    importedAt: z.string().nullable(),
  })
  .meta({ id: 'CalendarYear' });
export type CalendarYearView = z.infer<typeof calendarYearSchema>;

export const calendarImportBody = z.strictObject({
  holidays: z.array(holidayRangeSchema).min(1).max(40),
  workdays: z.array(dateSchema).max(40).describe('调休: the weekend days worked'),
  statutoryDaysWorked: z
    .array(dateSchema)
    .max(20)
    .default([])
    .describe('statutory holidays this notice makes working days, said explicitly'),
  notice: storableString()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe('the notice it comes from, e.g. 国办发明电〔2026〕7号'),
  reason: reasonSchema,
});

/** A year as GET /calendar/years/:year shows it: the imported notice, else the package's or the law's days. */
export function calendarYearView(year: number, imported: readonly CalendarYearRow[]): CalendarYearView | null {
  const row = imported.find((y) => y.year === year);
  const arrangement = yearArrangement(year, imported);
  if (!arrangement) return null;
  return {
    ...arrangement,
    statutoryDaysWorked: row?.statutoryDaysWorked ?? [],
    notice: row?.notice ?? null,
    importedAt: row?.importedAt ?? null,
  };
}

export const calendarRoutes: FastifyPluginAsyncZod<{ ctx: ApiContext }> = async (app, { ctx }) => {
  app.get('/calendar/days', {
    schema: {
      tags: ['reference'],
      summary: '工作日历 Each day: working or not, and where that comes from',
      description: `At most a year (366 days) per request, within ${CALENDAR_FIRST_YEAR}–${CALENDAR_LAST_YEAR}. ${SOURCE_DOC}`,
      querystring: z.strictObject({ from: dateSchema, to: dateSchema }),
      response: {
        200: z.object({ from: z.string(), to: z.string(), items: z.array(calendarDaySchema) }),
        ...errorResponses(400),
      },
    },
    handler: async (req) => {
      const { from, to } = req.query;
      const span = daysBetween(from, to);
      if (span < 0 || span > 365)
        throw errors.field(
          'to',
          text('日期范围须在一年以内且不倒置', 'the range must run forwards and span at most a year'),
        );
      for (const [field, date] of [
        ['from', from],
        ['to', to],
      ] as const) {
        const year = Number(date.slice(0, 4));
        if (year < CALENDAR_FIRST_YEAR || year > CALENDAR_LAST_YEAR) {
          throw errors.field(
            field,
            text(
              `日历仅涵盖 ${CALENDAR_FIRST_YEAR}–${CALENDAR_LAST_YEAR} 年`,
              `the calendar covers ${CALENDAR_FIRST_YEAR}–${CALENDAR_LAST_YEAR} only`,
            ),
          );
        }
      }
      return { from, to, items: await calendarDaysFrom(ctx.reference, from, to) };
    },
  });

  app.get('/calendar/coverage', {
    schema: {
      tags: ['reference'],
      summary: '日历覆盖范围 Up to which date the published holiday arrangement is known',
      description:
        `publishedThrough: the last day of the last year whose arrangement is published (chinese-days' data or an imported notice, no year missing before it). ` +
        `From ${COVERAGE_WARNING_DAYS} days before it (warnFrom) the admin and the supervisors are asked to import nextYear's notice; after it, days are statutory until then.`,
      response: {
        200: z.object({
          today: z.string(),
          publishedThrough: z.string(),
          daysLeft: z
            .number()
            .int()
            .describe('calendar days from today to publishedThrough; negative once it has passed'),
          warnFrom: z.string(),
          warn: z.boolean(),
          nextYear: z.number().int(),
          lastPackageYear: z.number().int(),
          importedYears: z.array(z.number().int()),
        }),
        ...errorResponses(),
      },
    },
    handler: async () => {
      const today = cstDate(Date.now());
      return { today, ...(await calendarCoverageFrom(ctx.reference, today)) };
    },
  });

  app.get('/calendar/years/:year', {
    schema: {
      tags: ['reference'],
      summary: "年度放假安排 A year's holiday arrangement as its source gives it (overrides aside)",
      params: yearParams(CALENDAR_FIRST_YEAR),
      response: { 200: calendarYearSchema, ...errorResponses(400, 404) },
    },
    handler: async (req) => {
      const view = calendarYearView(req.params.year, await ctx.reference.calendarYears());
      if (!view) throw errors.notFound('calendar_year.not_found', text('该年没有日历', 'No calendar for that year'));
      return view;
    },
  });
};
