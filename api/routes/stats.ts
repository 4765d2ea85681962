// Measures (三率 and companions) for staff, over the cases they may see: the same scope as GET /cases, so a
// community committee's figures are its community's and a handler's are the cases dispatched to it.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authenticate, actorOf, requireRole } from '../auth';
import type { ApiContext } from '../context';
import { errorResponses } from '../errors';
import { bearer, codeSchema } from '../schemas';
import { listScopeFor } from '../visibility';
import {
  checkPeriod,
  GROUP_BYS,
  groupSchema,
  periodFields,
  periodOf,
  periodSchema,
  rateSetSchema,
  ratesByGroup,
} from './stats-common';

/** Roles that read measures: residents see their own cases, party members their follow-ups; neither is a population. */
export const STATS_ROLES = ['handler', 'supervisor', 'admin'] as const;

export const ratesQuerySchema = z
  .strictObject({
    ...periodFields,
    groupBy: z.enum(GROUP_BYS).default('community'),
    community: codeSchema.optional(),
    street: codeSchema.optional(),
    compound: codeSchema.optional(),
    handler: codeSchema.optional().describe('the handler a case was first dispatched to'),
    category: codeSchema.optional(),
  })
  .superRefine(checkPeriod);

export const statsRoutes: FastifyPluginAsyncZod<{ ctx: ApiContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', authenticate(ctx.reference));
  app.addHook('preHandler', requireRole(...STATS_ROLES));

  app.get('/stats/rates', {
    schema: {
      tags: ['stats'],
      summary: '三率统计 Rates per handler, compound, community, street, category, building or district',
      description:
        'Cases count in the period they were first dispatched, for the handler they were first dispatched to, within the cases you may see (as GET /cases). A case counts in a rate once its outcome for it is settled; until then it is pending. Merged, duplicate, invalid and early-withdrawn cases leave the rates. Every rate carries its numerator, denominator and pending count; satisfaction travels with the evaluation coverage (参评率).',
      security: bearer,
      querystring: ratesQuerySchema,
      response: {
        200: z.object({
          period: periodSchema,
          groupBy: z.enum(GROUP_BYS),
          items: z.array(groupSchema),
          overall: rateSetSchema,
        }),
        ...errorResponses(400, 401, 403),
      },
    },
    handler: async (req) => {
      const q = req.query;
      const period = periodOf(q);
      const filter = {
        communityOrgId: q.community,
        streetOrgId: q.street,
        compoundCode: q.compound,
        handlerOrgId: q.handler,
        categoryCode: q.category,
      };
      const { items, overall } = await ratesByGroup(ctx.pool, period, listScopeFor(actorOf(req)), q.groupBy, filter);
      return { period, groupBy: q.groupBy, items, overall };
    },
  });
};
