// CSV exports of cases and of rates for a period and scope (UTF-8 with BOM). The scope is the caller's, exactly as
// GET /cases and GET /stats/rates apply it; the cases file streams page by page (exports-csv.ts).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LEVELS, STAGES, STATUSES } from '../../domain/types';
import { periodInstants } from '../../db/queries/period';
import { actorOf, authenticate, requireRole } from '../auth';
import type { ApiContext } from '../context';
import { errorResponses } from '../errors';
import { langOf } from '../i18n';
import { bearer, codeSchema } from '../schemas';
import { listScopeFor } from '../visibility';
import { exportCasesCsv, ratesCsv } from './exports-csv';
import { STATS_ROLES, ratesQuerySchema } from './stats';
import { checkPeriod, periodFields, periodOf, ratesByGroup } from './stats-common';

const csvResponse = { description: 'CSV, UTF-8 with BOM', content: { 'text/csv': { schema: z.string() } } };

const casesQuery = z
  .strictObject({
    ...periodFields,
    status: z.enum(STATUSES).optional(),
    stage: z.enum(STAGES).optional(),
    level: z.enum(LEVELS).optional(),
    community: codeSchema.optional(),
    compound: codeSchema.optional(),
    handler: codeSchema.optional(),
    category: codeSchema.optional(),
  })
  .superRefine(checkPeriod);

const attachment = (name: string) => `attachment; filename="${name}"`;

export const exportRoutes: FastifyPluginAsyncZod<{ ctx: ApiContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', authenticate(ctx.reference));
  app.addHook('preHandler', requireRole(...STATS_ROLES));

  app.get('/exports/cases.csv', {
    schema: {
      tags: ['exports'],
      summary: '导出工单 Cases you may see, filed in the period, as CSV',
      description:
        'Same scope and filters as GET /cases (period on the filing time, to exclusive). No personal data: no name, phone, location or description.',
      security: bearer,
      querystring: casesQuery,
      response: { 200: csvResponse, ...errorResponses(400, 401, 403) },
    },
    handler: async (req, reply) => {
      const q = req.query;
      const period = periodOf(q);
      const { from, to } = periodInstants(period);
      const filter = {
        status: q.status,
        stage: q.stage,
        level: q.level,
        communityOrgId: q.community,
        compoundCode: q.compound,
        handlerOrgId: q.handler,
        categoryCode: q.category,
        createdFrom: from,
        createdBefore: to,
      };
      const stream = exportCasesCsv(ctx.pool, listScopeFor(actorOf(req)), filter, { lang: langOf(req) });
      // A failure after the first bytes cannot become an error response any more; the log keeps the request id.
      stream.on('error', (err) => req.log.error({ err }, 'cases export failed mid-stream'));
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', attachment(`cases-${period.from}_${period.to}.csv`))
        .header('cache-control', 'private, no-store')
        .send(stream as unknown as string);
    },
  });

  app.get('/exports/rates.csv', {
    schema: {
      tags: ['exports'],
      summary: '导出三率 Rates for a period as CSV',
      description: 'The figures of GET /stats/rates (same query), each rate with numerator and denominator.',
      security: bearer,
      querystring: ratesQuerySchema,
      response: { 200: csvResponse, ...errorResponses(400, 401, 403) },
    },
    handler: async (req, reply) => {
      const q = req.query;
      const period = periodOf(q);
      const filter = {
        communityOrgId: q.community,
        streetOrgId: q.street,
        compoundCode: q.compound,
        handlerOrgId: q.handler,
        categoryCode: q.category,
      };
      const { items } = await ratesByGroup(ctx.pool, period, listScopeFor(actorOf(req)), q.groupBy, filter);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', attachment(`rates-${q.groupBy}-${period.from}_${period.to}.csv`))
        .header('cache-control', 'private, no-store')
        .send(ratesCsv(items, langOf(req), period));
    },
  });
};
