// Hotspots and repeat problems (DOMAIN.md "Proactive governance") for staff, over the cases they may see: the same
// scope as GET /cases and GET /stats/rates, so a community committee never counts another community's cases.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { computeRates, type CaseOutcomeFacts } from '../../domain/rates';
import {
  dimensionsOf,
  hotspotKey,
  monthRange,
  previousPeriod,
  rankHotspots,
  trendMonths,
  type HotspotGroupBy,
} from '../../domain/hotspots';
import { hotspotCounts } from '../../db/queries/hotspots';
import { closeRepeatProblem, listRepeatProblems, type RepeatProblemRow } from '../../db/queries/repeat-problems';
import { groupNames, loadOutcomeFacts } from '../../db/queries/stats';
import { authenticate, actorOf, requireRole } from '../auth';
import type { ApiContext } from '../context';
import { errorResponses, errors } from '../errors';
import { text } from '../i18n';
import { bearer, caseIdParams, shortText } from '../schemas';
import { listScopeFor } from '../visibility';
import {
  HOTSPOT_LIMIT,
  hotspotsQuerySchema,
  hotspotsResponseSchema,
  repeatProblemSchema,
  repeatProblemsQuerySchema,
} from './hotspot-schemas';
import { periodOf } from './stats-common';
import { STATS_ROLES } from './stats';

/** The facts of each group, keyed as the counts are (hotspotKey), for the rates. */
function factsByGroup(facts: CaseOutcomeFacts[], groupBy: HotspotGroupBy): Map<string, CaseOutcomeFacts[]> {
  const d = dimensionsOf(groupBy);
  const groups = new Map<string, CaseOutcomeFacts[]>();
  for (const f of facts) {
    const key = hotspotKey({
      compoundCode: d.compound ? f.compoundCode : null,
      building: d.building ? f.building : null,
      categoryCode: d.category ? f.categoryCode : null,
    });
    const group = groups.get(key);
    if (group) group.push(f);
    else groups.set(key, [f]);
  }
  return groups;
}

export const hotspotRoutes: FastifyPluginAsyncZod<{ ctx: ApiContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', authenticate(ctx.reference));
  app.addHook('preHandler', requireRole(...STATS_ROLES));

  app.get('/stats/hotspots', {
    schema: {
      tags: ['stats'],
      summary: '热点 Hotspots: cases per compound, building and/or category, ranked, with a 6-month trend',
      description: `Cases count in the period they were filed in (created), within the cases you may see (as GET /cases); merged cases and cases closed as duplicate or invalid do not count. \`repeats\` are those that belong to a repeat problem (重复问题). On-time and satisfaction rates are those of GET /stats/rates for the same group (cases first dispatched in the period, which intake does at filing). Ranked by cases, then repeats, then codes; at most ${HOTSPOT_LIMIT} groups.`,
      security: bearer,
      querystring: hotspotsQuerySchema,
      response: { 200: hotspotsResponseSchema, ...errorResponses(400, 401, 403) },
    },
    handler: async (req) => {
      const q = req.query;
      const period = periodOf(q);
      const previous = previousPeriod(period);
      const months = trendMonths(period);
      const scope = listScopeFor(actorOf(req));
      const filter = {
        communityOrgId: q.community,
        streetOrgId: q.street,
        compoundCode: q.compound,
        categoryCode: q.category,
      };
      const [counts, facts, names] = await Promise.all([
        hotspotCounts(
          ctx.pool,
          { period, previous, months: months.map(monthRange), groupBy: q.groupBy, scope },
          filter,
        ),
        loadOutcomeFacts(ctx.pool, period, scope, filter),
        groupNames(ctx.pool),
      ]);
      const groups = factsByGroup(facts, q.groupBy);
      const asOf = Date.now();
      const { items, leftOut } = rankHotspots(counts, HOTSPOT_LIMIT);
      const d = dimensionsOf(q.groupBy);
      return {
        period,
        previousPeriod: previous,
        groupBy: q.groupBy,
        months,
        items: items.map((g) => {
          const rates = computeRates(groups.get(hotspotKey(g)) ?? [], asOf);
          const compound = names.get(`compound:${g.compoundCode}`);
          const category = names.get(`category:${g.categoryCode}`);
          return {
            rank: g.rank,
            ...(d.compound && {
              compoundCode: g.compoundCode ?? '',
              compoundNameZh: compound?.nameZh ?? g.compoundCode ?? '',
              compoundNameEn: compound?.nameEn ?? g.compoundCode ?? '',
            }),
            ...(d.building && { building: g.building }),
            ...(d.category && {
              categoryCode: g.categoryCode ?? '',
              categoryNameZh: category?.nameZh ?? g.categoryCode ?? '',
              categoryNameEn: category?.nameEn ?? g.categoryCode ?? '',
            }),
            cases: g.cases,
            repeats: g.repeats,
            onTime: rates.onTimeResolutionRate,
            satisfaction: rates.satisfactionRate,
            evaluationCoverage: rates.evaluationCoverage,
            previous: g.previous,
            change: g.cases - g.previous,
            trend: g.trend,
          };
        }),
        leftOut,
        total: {
          cases: counts.reduce((n, g) => n + g.cases, 0),
          repeats: counts.reduce((n, g) => n + g.repeats, 0),
        },
      };
    },
  });

  app.get('/stats/repeat-problems', {
    schema: {
      tags: ['stats'],
      summary: '重复问题 Repeat problems: one category in one building N times within D days',
      description:
        "Repeat problems of the compounds you supervise (community, street, organisation department) or serve as property company; an admin sees all. Newest last case first. Detected when a case is filed, under the compound's agreement terms (governance.repeatCount, governance.repeatWindowDays).",
      security: bearer,
      querystring: repeatProblemsQuerySchema,
      response: {
        200: z.object({ items: z.array(repeatProblemSchema) }),
        ...errorResponses(400, 401, 403),
      },
    },
    handler: async (req) => {
      const rows = await listRepeatProblems(ctx.pool, listScopeFor(actorOf(req)), {
        openOnly: req.query.status === 'open',
        limit: req.query.limit,
      });
      return { items: rows.map(presentRepeatProblem) };
    },
  });

  app.post('/stats/repeat-problems/:id/close', {
    schema: {
      tags: ['stats'],
      summary: '关闭重复问题 Close a repeat problem that needs no governance topic',
      description:
        'A supervisor of its community, street or organisation department (or an admin) closes an open repeat problem no topic answers, with the reason, on the record: a coincidence, or fixed already. One answered by a topic closes with its topic. The same problem filed again later raises a new repeat problem.',
      security: bearer,
      params: caseIdParams,
      body: z.strictObject({ reason: shortText(500).describe('why no governance topic is needed') }),
      response: { 200: repeatProblemSchema, ...errorResponses(400, 401, 403, 404, 409) },
    },
    handler: async (req) => {
      const actor = actorOf(req);
      if (actor.role !== 'supervisor' && actor.role !== 'admin') throw errors.roleForbidden();
      const visible = async () =>
        (await listRepeatProblems(ctx.pool, listScopeFor(actor), { openOnly: false, limit: 1, id: req.params.id }))[0];
      const problem = await visible();
      if (!problem) throw errors.notFound('repeat_problem.not_found', text('重复问题不存在', 'No such repeat problem'));
      if (!(await closeRepeatProblem(ctx.pool, problem.id, { userId: actor.userId, reason: req.body.reason })))
        throw errors.conflict(
          'repeat_problem.closed',
          problem.topicId
            ? text('该问题已立为治理专题，随专题结题', 'A governance topic answers it: it closes with the topic')
            : text('该重复问题已关闭', 'The repeat problem is closed already'),
        );
      return presentRepeatProblem((await visible())!);
    },
  });
};

function presentRepeatProblem(r: RepeatProblemRow) {
  return {
    ...r,
    firstCaseAt: r.firstCaseAt.toISOString(),
    lastCaseAt: r.lastCaseAt.toISOString(),
    detectedAt: r.detectedAt.toISOString(),
    closedAt: r.closedAt?.toISOString() ?? null,
  };
}
