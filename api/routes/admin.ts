// Administration of reference data (role admin only): categories, agreement terms, calendar overrides, imported
// years. Every change is written in one transaction with its audit_log row (who, when, why, before, after, request id).
// A change of terms applies to cases filed afterwards; a change of the working-day calendar also reaches the open
// cases, which recompute their running deadlines on it (services/calendar-changes.ts).
import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { PoolClient } from 'pg';
import { z } from 'zod';
import { cstDate } from '../../domain/calendar';
import { announceCalendarChange } from '../../services/calendar-changes';
import { checkCalendarImport, IMPORT_FIRST_YEAR } from '../../domain/calendar-years';
import { deleteCalendarYear, lockCalendarYear, writeCalendarYear } from '../../db/queries/calendar-years';
import { HANDLER_KINDS, TIERS } from '../../domain/types';
import { withTransaction } from '../../db/pool';
import * as admin from '../../db/queries/admin';
import { getOrganization } from '../../db/queries/reference';
import { actorOf, authenticate, requireRole } from '../auth';
import type { ApiContext } from '../context';
import { ApiError, errorResponses, errors } from '../errors';
import { splitBilingual, text } from '../i18n';
import { bearer, codeSchema, dateSchema, shortText, storableString } from '../schemas';
import {
  agreementSchema,
  agreementTermsSchema,
  calendarOverrideSchema,
  categorySchema,
  reasonSchema,
} from './reference-schemas';
import { calendarImportBody, calendarYearSchema, calendarYearView, yearParams } from './calendar';

const categoryFields = {
  nameZh: shortText(50),
  nameEn: shortText(100),
  tier: z.enum(TIERS),
  defaultHandlerKind: z.enum(HANDLER_KINDS),
  ownerDepartmentId: codeSchema.nullable(),
  icon: storableString().trim().min(1).max(50).nullable(),
  active: z.boolean(),
  sort: z.number().int().min(0).max(100_000),
  sharedFacility: z
    .boolean()
    .describe('the whole compound shares it (lift, gate…): duplicate hints look compound-wide'),
};
const putCategoryBody = z.strictObject({
  ...categoryFields,
  icon: categoryFields.icon.optional(),
  active: categoryFields.active.optional(),
  sort: categoryFields.sort.optional(),
  sharedFacility: categoryFields.sharedFacility.optional(),
  reason: reasonSchema,
});
const patchCategoryBody = z
  .strictObject({ ...z.object(categoryFields).partial().shape, reason: reasonSchema })
  .refine((b) => Object.keys(b).length > 1, '请至少修改一个字段 (change at least one field)');

const notFound = (what: string, zh: string) =>
  errors.notFound(`${what}.not_found`, text(`${zh}不存在`, `No such ${what.replace(/_/g, ' ')}`));

/** A department-owned category needs its department, and that must be a functional department. */
async function checkCategory(client: PoolClient, f: admin.CategoryFields): Promise<void> {
  if (f.defaultHandlerKind === 'functional_department' && !f.ownerDepartmentId) {
    throw errors.field(
      'ownerDepartmentId',
      text('由职能部门承办的类别须指定部门', 'a category handled by a department must name it'),
    );
  }
  if (f.ownerDepartmentId && (await getOrganization(client, f.ownerDepartmentId))?.kind !== 'functional_department') {
    throw errors.field('ownerDepartmentId', text('不是职能部门', 'not a functional department'));
  }
}

export const adminRoutes: FastifyPluginAsyncZod<{ ctx: ApiContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', authenticate(ctx.reference));
  app.addHook('preHandler', requireRole('admin'));
  const audit = (client: PoolClient, req: FastifyRequest, e: Omit<admin.AuditEntry, 'actorUserId' | 'requestId'>) =>
    admin.insertAudit(client, { ...e, actorUserId: actorOf(req).userId, requestId: req.id });
  /**
   * A transaction that changes `table`, then this process's cache drops what it read from it: the admin's next
   * request (an intake under the new agreement) must not beat the change notification (db/reference-cache.ts).
   */
  const changing = <T>(table: string, fn: (client: PoolClient) => Promise<T>): Promise<T> =>
    withTransaction(ctx.pool, fn).finally(() => ctx.reference.changed(table));

  app.put('/admin/categories/:code', {
    schema: {
      tags: ['admin'],
      summary: '新增或替换类别 Create or replace a category',
      security: bearer,
      params: z.strictObject({ code: codeSchema }),
      body: putCategoryBody,
      response: { 200: categorySchema, 201: categorySchema, ...errorResponses(400, 401, 403, 413, 415) },
    },
    handler: async (req, reply) => {
      const { reason, ...b } = req.body;
      const fields: admin.CategoryFields = {
        ...b,
        icon: b.icon ?? null,
        active: b.active ?? true,
        sort: b.sort ?? 0,
        sharedFacility: b.sharedFacility ?? false,
      };
      const { before, after } = await changing('categories', async (client) => {
        await checkCategory(client, fields);
        const before = await admin.lockCategory(client, req.params.code);
        const after = await admin.writeCategory(client, req.params.code, fields);
        await audit(client, req, {
          action: before ? 'category.replace' : 'category.create',
          entity: 'category',
          entityId: req.params.code,
          reason,
          before,
          after,
        });
        return { before, after };
      });
      return reply.code(before ? 200 : 201).send(after);
    },
  });

  app.patch('/admin/categories/:code', {
    schema: {
      tags: ['admin'],
      summary: '修改类别 Change some fields of a category',
      security: bearer,
      params: z.strictObject({ code: codeSchema }),
      body: patchCategoryBody,
      response: { 200: categorySchema, ...errorResponses(400, 401, 403, 404, 413, 415) },
    },
    handler: async (req) => {
      const { reason, ...changes } = req.body;
      return changing('categories', async (client) => {
        const before = await admin.lockCategory(client, req.params.code);
        if (!before) throw notFound('category', '类别');
        const fields: admin.CategoryFields = { ...before, ...changes };
        await checkCategory(client, fields);
        const after = await admin.writeCategory(client, req.params.code, fields);
        await audit(client, req, {
          action: 'category.update',
          entity: 'category',
          entityId: req.params.code,
          reason,
          before,
          after,
        });
        return after;
      });
    },
  });

  app.patch('/admin/agreements/:id', {
    schema: {
      tags: ['admin'],
      summary: '修订协议条款 Revise an agreement: a new version from validFrom',
      description:
        "Merges the given top-level terms over this version's and saves the result as the compound's next version. Earlier open versions end on validFrom.",
      security: bearer,
      params: z.strictObject({ id: storableString().min(1).max(100) }),
      body: z.strictObject({
        terms: agreementTermsSchema.partial(),
        validFrom: dateSchema.optional(),
        reason: reasonSchema,
      }),
      response: { 201: agreementSchema, ...errorResponses(400, 401, 403, 404, 409, 413, 415) },
    },
    handler: async (req, reply) => {
      const today = cstDate(Date.now());
      const validFrom = req.body.validFrom ?? today;
      if (validFrom < today)
        throw errors.field('validFrom', text('不能追溯生效', 'a revision cannot take effect in the past'));
      const created = await changing('agreements', async (client) => {
        const base = await admin.getAgreementRow(client, req.params.id);
        if (!base) throw notFound('agreement', '协议');
        const merged = agreementTermsSchema.safeParse({ ...base.terms, ...req.body.terms });
        if (!merged.success)
          throw errors.field('terms', text('合并后的条款无效', 'the terms are invalid once merged with this version'));
        const terms = merged.data;
        const next = await admin.insertAgreementVersion(client, base, terms, validFrom);
        await audit(client, req, {
          action: 'agreement.revise',
          entity: 'agreement',
          entityId: next.id,
          reason: req.body.reason,
          before: base,
          after: next,
        });
        return next;
      });
      return reply.code(201).send(created);
    },
  });

  /** The open cases recompute their running deadlines on the calendar as it now stands (services/calendar-changes.ts). */
  // The change is committed first; if Temporal cannot be reached, a 503 says so and the same request, repeated,
  // announces it (the write is idempotent), so no open case keeps an old calendar unnoticed.
  const calendarChanged = async (what: string, reason: string): Promise<void> => {
    try {
      await announceCalendarChange(
        { temporal: ctx.temporal, taskQueue: ctx.taskQueue },
        { id: randomUUID(), reason: `工作日历调整：${what}（${reason}） (the working-day calendar changed: ${what})` },
      );
    } catch {
      throw new ApiError(
        503,
        'calendar.not_announced',
        text(
          '日历已保存，但暂时未能通知办理中的工单，请重试同一请求',
          'The calendar is saved, but the open cases could not be told yet: repeat the same request',
        ),
        [],
        { 'retry-after': '5' },
      );
    }
  };

  app.put('/admin/calendar-overrides/:date', {
    schema: {
      tags: ['admin'],
      summary: '设置工作日历调整 Mark a date as holiday or 调休 workday',
      security: bearer,
      params: z.strictObject({ date: dateSchema }),
      body: z.strictObject({
        kind: z.enum(['holiday', 'workday']),
        note: storableString().trim().max(200).optional(),
        reason: reasonSchema,
      }),
      response: {
        200: calendarOverrideSchema,
        201: calendarOverrideSchema,
        ...errorResponses(400, 401, 403, 413, 415, 503),
      },
    },
    handler: async (req, reply) => {
      const { before, after } = await changing('calendar_overrides', async (client) => {
        const before = await admin.lockCalendarOverride(client, req.params.date);
        const after = await admin.writeCalendarOverride(
          client,
          { date: req.params.date, kind: req.body.kind, note: req.body.note ?? null },
          actorOf(req).userId,
        );
        await audit(client, req, {
          action: 'calendar_override.set',
          entity: 'calendar_override',
          entityId: req.params.date,
          reason: req.body.reason,
          before,
          after,
        });
        return { before, after };
      });
      await calendarChanged(`override ${req.params.date} ${req.body.kind}`, req.body.reason);
      return reply.code(before ? 200 : 201).send(after);
    },
  });

  app.delete('/admin/calendar-overrides/:date', {
    schema: {
      tags: ['admin'],
      summary: '删除工作日历调整 Remove a calendar override',
      security: bearer,
      params: z.strictObject({ date: dateSchema }),
      body: z.strictObject({ reason: reasonSchema }),
      response: { 200: calendarOverrideSchema, ...errorResponses(400, 401, 403, 404, 413, 415, 503) },
    },
    handler: async (req) => {
      const before = await changing('calendar_overrides', async (client) => {
        const before = await admin.lockCalendarOverride(client, req.params.date);
        if (!before) throw notFound('calendar_override', '日历调整');
        await admin.deleteCalendarOverride(client, req.params.date);
        await audit(client, req, {
          action: 'calendar_override.delete',
          entity: 'calendar_override',
          entityId: req.params.date,
          reason: req.body.reason,
          before,
          after: null,
        });
        return before;
      });
      await calendarChanged(`override ${req.params.date} removed`, req.body.reason);
      return before;
    },
  });

  app.put('/admin/calendar-years/:year', {
    schema: {
      tags: ['admin'],
      summary: "导入年度放假安排 Import a year's State Council holiday notice",
      description:
        "The holiday ranges and the 调休 weekend days worked, in one go. Replaces, for that year, the statutory fallback (or the package's data); " +
        'overrides still win. Refused with 400: a date outside the year, a make-up working day that is no weekend day, a day both holiday and working, ' +
        'a statutory holiday left working unless listed in statutoryDaysWorked. Open cases recompute their running deadlines.',
      security: bearer,
      params: yearParams(IMPORT_FIRST_YEAR),
      body: calendarImportBody,
      response: { 200: calendarYearSchema, 201: calendarYearSchema, ...errorResponses(400, 401, 403, 413, 415, 503) },
    },
    handler: async (req, reply) => {
      const { reason, notice, ...arrangement } = req.body;
      const imp = { year: req.params.year, ...arrangement };
      const problems = checkCalendarImport(imp);
      if (problems.length > 0)
        throw errors.validation(problems.map((p) => ({ path: p.path, issue: splitBilingual(p.issue) })));
      const { before, after } = await changing('calendar_years', async (client) => {
        const before = await lockCalendarYear(client, imp.year);
        const after = await writeCalendarYear(client, imp, notice ?? null, actorOf(req).userId);
        await audit(client, req, {
          action: before ? 'calendar_year.replace' : 'calendar_year.import',
          entity: 'calendar_year',
          entityId: String(imp.year),
          reason,
          before,
          after,
        });
        return { before, after };
      });
      await calendarChanged(`${imp.year} notice imported`, reason);
      return reply
        .code(before ? 200 : 201)
        .send(calendarYearView(imp.year, [after]) as z.infer<typeof calendarYearSchema>);
    },
  });

  app.delete('/admin/calendar-years/:year', {
    schema: {
      tags: ['admin'],
      summary: '删除已导入的年度安排 Remove an imported year: it falls back to the package or the law',
      security: bearer,
      params: yearParams(IMPORT_FIRST_YEAR),
      body: z.strictObject({ reason: reasonSchema }),
      response: { 200: calendarYearSchema, ...errorResponses(400, 401, 403, 404, 413, 415, 503) },
    },
    handler: async (req) => {
      const before = await changing('calendar_years', async (client) => {
        const before = await lockCalendarYear(client, req.params.year);
        if (!before) throw notFound('calendar_year', '年度安排');
        await deleteCalendarYear(client, req.params.year);
        await audit(client, req, {
          action: 'calendar_year.delete',
          entity: 'calendar_year',
          entityId: String(req.params.year),
          reason: req.body.reason,
          before,
          after: null,
        });
        return before;
      });
      await calendarChanged(`${req.params.year} notice removed`, req.body.reason);
      return calendarYearView(req.params.year, [before]) as z.infer<typeof calendarYearSchema>;
    },
  });
};
