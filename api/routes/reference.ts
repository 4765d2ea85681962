// Reference data, readable without signing in: a resident needs categories and compounds to file a case, and
// the organisation tree, agreements and calendar are public by design (信息公开: the public may see how the
// loop is set up). Nothing here names a resident.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listAgreements } from '../../db/queries/admin';
import { listCalendarOverrides, listCategories, listCompounds, listOrganizations } from '../../db/queries/reference';
import { cstDate, addCalendarDays } from '../../domain/calendar';
import type { ApiContext } from '../context';
import { errorResponses, errors } from '../errors';
import { text } from '../i18n';
import { codeSchema, dateSchema } from '../schemas';
import {
  agreementSchema,
  calendarOverrideSchema,
  categorySchema,
  compoundSchema,
  organizationNodeSchema,
  type OrganizationNode,
} from './reference-schemas';

export const referenceRoutes: FastifyPluginAsyncZod<{ ctx: ApiContext }> = async (app, { ctx }) => {
  app.get('/categories', {
    schema: {
      tags: ['reference'],
      summary: '诉求类别 Complaint categories',
      querystring: z.strictObject({ includeInactive: z.enum(['true', 'false']).default('false') }),
      response: { 200: z.object({ items: z.array(categorySchema) }), ...errorResponses(400) },
    },
    handler: async (req) => ({
      items: await listCategories(ctx.pool, { activeOnly: req.query.includeInactive !== 'true' }),
    }),
  });

  app.get('/organizations', {
    schema: {
      tags: ['reference'],
      summary: '组织树 The organisation tree',
      description:
        'Roots are the organisation department, property companies and functional departments (see db/README.md).',
      response: { 200: z.object({ items: z.array(organizationNodeSchema) }), ...errorResponses() },
    },
    handler: async () => {
      const orgs = await listOrganizations(ctx.pool);
      const nodes = new Map<string, OrganizationNode>(
        orgs.map((o) => [
          o.id,
          { id: o.id, kind: o.kind, nameZh: o.nameZh, nameEn: o.nameEn, supervisedBy: o.supervisedBy, children: [] },
        ]),
      );
      const roots: OrganizationNode[] = [];
      for (const o of orgs) {
        const parent = o.parentId ? nodes.get(o.parentId) : undefined;
        (parent ? parent.children : roots).push(nodes.get(o.id) as OrganizationNode);
      }
      return { items: roots };
    },
  });

  app.get('/compounds', {
    schema: {
      tags: ['reference'],
      summary: '小区 Compounds',
      querystring: z.strictObject({ community: codeSchema.optional() }),
      response: { 200: z.object({ items: z.array(compoundSchema) }), ...errorResponses(400) },
    },
    handler: async (req) => ({ items: await listCompounds(ctx.pool, { communityOrgId: req.query.community }) }),
  });

  app.get('/agreements', {
    schema: {
      tags: ['reference'],
      summary: '三方协议 Three-party agreements, every version',
      querystring: z.strictObject({ compound: codeSchema.optional() }),
      response: { 200: z.object({ items: z.array(agreementSchema) }), ...errorResponses(400) },
    },
    handler: async (req) => ({ items: await listAgreements(ctx.pool, req.query.compound) }),
  });

  app.get('/calendar-overrides', {
    schema: {
      tags: ['reference'],
      summary: '工作日历调整 Calendar overrides (holidays, 调休 workdays)',
      description: 'Defaults to the coming year. At most 2 years per request.',
      querystring: z.strictObject({ from: dateSchema.optional(), to: dateSchema.optional() }),
      response: { 200: z.object({ items: z.array(calendarOverrideSchema) }), ...errorResponses(400) },
    },
    handler: async (req) => {
      const from = req.query.from ?? cstDate(Date.now());
      const to = req.query.to ?? addCalendarDays(from, 366);
      if (to < from || to > addCalendarDays(from, 731))
        throw errors.field(
          'to',
          text('日期范围须在 2 年以内且不倒置', 'the range must run forwards and span at most 2 years'),
        );
      return { items: await listCalendarOverrides(ctx.pool, from, to) };
    },
  });
};
