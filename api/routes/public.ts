// Information disclosure (信息公开): what anyone may read without signing in — the rates and rankings of property
// companies and communities, the monthly assessment results, and an anonymised case list. Nothing personal
// leaves here: every field below is named explicitly (no row is spread into a response), and free text is
// never published, not even staff's (an adjustment's reason may name a household). Answers are cached for a
// minute and rate-limited harder than the rest of the API, since the public hits these most.
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ASSESSED_KINDS, DEFAULT_ASSESSMENT_TERMS } from '../../domain/assessment';
import { cstDate } from '../../domain/calendar';
import {
  computeRates,
  leavesEveryMeasure,
  resolvedOnTime,
  responded,
  type RateSet,
  type Verdict,
} from '../../domain/rates';
import { OUTCOMES, STAGES, STATUSES, LEVELS } from '../../domain/types';
import { adjustmentsFor, listAssessments } from '../../db/queries/assessments';
import { listPublicCases, listPublicNotices } from '../../db/queries/disclosure';
import { monthPeriod } from '../../db/queries/period';
import { listOrganizations } from '../../db/queries/reference';
import type { ApiContext } from '../context';
import { errorResponses, errors } from '../errors';
import type { RateLimit } from '../hardening';
import { text } from '../i18n';
import { codeSchema, storableString } from '../schemas';
import { adjustmentTotal, assessmentFields, assessmentSchema } from './assessment-schemas';
import { cacheKey, TtlCache } from './public-cache';
import {
  checkPeriod,
  decodeCursor,
  encodeCursor,
  monthSchema,
  periodFields,
  periodOf,
  periodSchema,
  rateSetSchema,
  ratesByGroup,
  type RateGroup,
} from './stats-common';

export const PUBLIC_RATE_LIMIT: RateLimit = { max: 120, timeWindow: 60_000 };
export const PUBLIC_CACHE_TTL_MS = 60_000;

export interface PublicOptions {
  ctx: ApiContext;
  rateLimit?: RateLimit;
  cacheTtlMs?: number;
}

const RANKED_KINDS = [...ASSESSED_KINDS, 'community'] as const;
const RANK_BY = {
  satisfaction: 'satisfactionRate',
  resolution: 'resolutionRate',
  response: 'responseRate',
  onTime: 'onTimeResolutionRate',
} as const;
type RankBy = keyof typeof RANK_BY;

/** Fewer settled cases than this for the ranked rate and an organisation is listed, not ranked: 1 of 1 is not 100%. */
export const MIN_RANKED = DEFAULT_ASSESSMENT_TERMS.minEvaluated;

const rankedSchema = z.object({
  rank: z
    .number()
    .int()
    .nullable()
    .describe(`1 = best; equal values share a rank; null: fewer than ${MIN_RANKED} cases to rank by`),
  insufficientData: z
    .boolean()
    .describe(`fewer than ${MIN_RANKED} settled cases for the ranked rate: listed, not ranked`),
  id: z.string(),
  nameZh: z.string(),
  nameEn: z.string(),
  rates: rateSetSchema,
});

/**
 * Best first by the chosen rate, then more cases, then id; equal rates share a rank (1, 1, 3). An organisation with
 * fewer than `min` settled cases for that rate is listed after the ranked ones, without a rank.
 */
export function rank(
  groups: Pick<RateGroup, 'id' | 'nameZh' | 'nameEn' | 'rates'>[],
  by: RankBy,
  min = MIN_RANKED,
): z.infer<typeof rankedSchema>[] {
  const valueOf = (r: RateSet) => (r[RANK_BY[by]].denominator >= Math.max(min, 1) ? r[RANK_BY[by]].value : null);
  const sorted = [...groups].sort((a, b) => {
    const [va, vb] = [valueOf(a.rates), valueOf(b.rates)];
    if (va !== vb) return va === null ? 1 : vb === null ? -1 : vb - va;
    return b.rates.cases - a.rates.cases || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  });
  return sorted.map((g, i) => {
    const v = valueOf(g.rates);
    const first = sorted.findIndex((o) => valueOf(o.rates) === v);
    return {
      rank: v === null ? null : (i === first ? i : first) + 1,
      insufficientData: v === null,
      id: g.id,
      nameZh: g.nameZh,
      nameEn: g.nameEn,
      rates: g.rates,
    };
  });
}

const named = z.object({ code: z.string(), nameZh: z.string(), nameEn: z.string() });
const publicCaseSchema = z.object({
  category: named,
  compound: named,
  community: z.object({ id: z.string(), nameZh: z.string(), nameEn: z.string() }),
  filedOn: z.string().describe('day, China Standard Time'),
  acknowledgedOn: z.string().nullable().describe('by the handler first dispatched to'),
  resolvedOn: z.string().nullable(),
  closedOn: z.string().nullable(),
  stage: z.enum(STAGES),
  status: z.enum(STATUSES),
  level: z.enum(LEVELS),
  outcome: z.enum(OUTCOMES).nullable(),
  respondedOnTime: z
    .boolean()
    .nullable()
    .describe('null while the response deadline still runs, or when the case left the rates'),
  resolvedOnTime: z.boolean().nullable().describe('null until settled: the deadline passed, or the case closed'),
  reworked: z.boolean(),
  escalated: z.boolean(),
  returned: z.boolean(),
});

const day = (ms: number | null) => (ms === null ? null : cstDate(ms));
/** The same verdict the rates count: true (in time), false (late), null (not yet settled, or not measured). */
const flag = (v: Verdict): boolean | null => (v === 'hit' ? true : v === 'miss' ? false : null);

export const publicRoutes: FastifyPluginAsyncZod<PublicOptions> = async (app, { ctx, rateLimit, cacheTtlMs }) => {
  const cache = new TtlCache<unknown>(cacheTtlMs ?? PUBLIC_CACHE_TTL_MS);
  const config = { rateLimit: rateLimit ?? PUBLIC_RATE_LIMIT };
  const maxAge = Math.floor(cache.ttlMs / 1000);
  async function cached<T>(reply: FastifyReply, key: string, compute: () => Promise<T>): Promise<T> {
    const hit = cache.get(key) as T | undefined;
    reply.header('x-cache', hit === undefined ? 'miss' : 'hit').header('cache-control', `public, max-age=${maxAge}`);
    if (hit !== undefined) return hit;
    const value = await compute();
    cache.set(key, value);
    return value;
  }

  app.get('/public/rankings', {
    config,
    schema: {
      tags: ['public'],
      summary: '排名公示 Rates and rankings of handlers or communities',
      description: `Every organisation of the kind in the district, ranked by one rate; each rate with numerator, denominator and pending count, satisfaction beside the evaluation coverage (参评率). Fewer than ${MIN_RANKED} settled cases for the ranked rate: listed, not ranked.`,
      querystring: z
        .strictObject({
          ...periodFields,
          kind: z.enum(RANKED_KINDS),
          by: z.enum(['satisfaction', 'resolution', 'response', 'onTime']).default('satisfaction'),
        })
        .superRefine(checkPeriod),
      response: {
        200: z.object({
          period: periodSchema,
          kind: z.enum(RANKED_KINDS),
          by: z.string(),
          items: z.array(rankedSchema),
        }),
        ...errorResponses(400, 429),
      },
    },
    handler: async (req, reply) =>
      cached(reply, cacheKey('rankings', req.query), async () => {
        const q = req.query;
        const period = periodOf(q);
        const orgKind = q.kind === 'community' ? 'community_committee' : q.kind;
        const [{ items }, orgs] = await Promise.all([
          ratesByGroup(
            ctx.pool,
            period,
            { kind: 'all' },
            q.kind === 'community' ? 'community' : 'handler',
            q.kind === 'community' ? {} : { handlerKind: q.kind },
          ),
          listOrganizations(ctx.pool, { kind: orgKind }),
        ]);
        // Organisations with no case in the period are listed too (unranked): absence is also information.
        const zero = computeRates([], Date.now());
        const byId = new Map(items.map((g) => [g.id, g]));
        const groups = orgs.map((o) => byId.get(o.id) ?? { id: o.id, nameZh: o.nameZh, nameEn: o.nameEn, rates: zero });
        return { period, kind: q.kind, by: q.by, items: rank(groups, q.by) };
      }),
  });

  app.get('/public/assessments', {
    config,
    schema: {
      tags: ['public'],
      summary: '考核公示 Monthly assessment results',
      description:
        "The latest version per handler and unit, every handler kind; insufficient_data where too few cases were evaluated. The assessor's adjustments as a total beside the computed score (their reasons are not published).",
      querystring: z.strictObject({ period: monthSchema, kind: z.enum(ASSESSED_KINDS).optional() }),
      response: {
        200: z.object({
          period: z.string(),
          items: z.array(
            assessmentSchema
              .omit({ adjustments: true, computedBy: true })
              .extend({ adjustments: z.object({ total: z.number(), count: z.number().int() }) }),
          ),
        }),
        ...errorResponses(400, 429),
      },
    },
    handler: async (req, reply) =>
      cached(reply, cacheKey('assessments', req.query), async () => {
        const rows = await listAssessments(
          ctx.pool,
          { kind: 'all' },
          { period: monthPeriod(req.query.period), organizationKind: req.query.kind },
        );
        const adjustments = await adjustmentsFor(
          ctx.pool,
          rows.map((r) => r.id),
        );
        const items = rows.map((r) => {
          const adj = adjustments.get(r.id) ?? [];
          return { ...assessmentFields(r), adjustments: { total: adjustmentTotal(adj), count: adj.length } };
        });
        return { period: req.query.period, items };
      }),
  });

  app.get('/public/cases', {
    config,
    schema: {
      tags: ['public'],
      summary: '工单公开 Anonymised cases of a period',
      description:
        'Category, compound, days, stage and outcome only: no name, phone, room, location, description or any other text.',
      querystring: z
        .strictObject({
          ...periodFields,
          compound: codeSchema.optional(),
          community: codeSchema.optional(),
          category: codeSchema.optional(),
          stage: z.enum(STAGES).optional(),
          outcome: z.enum(OUTCOMES).optional(),
          limit: z.coerce.number().int().min(1).max(100).default(50),
          cursor: storableString().max(200).optional(),
        })
        .superRefine(checkPeriod),
      response: {
        200: z.object({ period: periodSchema, items: z.array(publicCaseSchema), nextCursor: z.string().nullable() }),
        ...errorResponses(400, 429),
      },
    },
    handler: async (req, reply) => {
      const q = req.query;
      const after = q.cursor ? decodeCursor(q.cursor) : undefined;
      if (after === null) throw errors.field('cursor', text('无效的分页游标', 'not a cursor this API issued'));
      return cached(reply, cacheKey('cases', q), async () => {
        const period = periodOf(q);
        const filter = {
          compoundCode: q.compound,
          communityOrgId: q.community,
          categoryCode: q.category,
          stage: q.stage,
          outcome: q.outcome,
        };
        const { rows, next } = await listPublicCases(ctx.pool, period, filter, { limit: q.limit, after });
        const now = Date.now();
        const items = rows.map(({ facts: f, ...r }) => ({
          category: { code: r.categoryCode, nameZh: r.categoryNameZh, nameEn: r.categoryNameEn },
          compound: { code: f.compoundCode, nameZh: r.compoundNameZh, nameEn: r.compoundNameEn },
          community: { id: f.communityOrgId, nameZh: r.communityNameZh, nameEn: r.communityNameEn },
          filedOn: cstDate(r.createdAt.getTime()),
          acknowledgedOn: day(f.acknowledgedAt),
          resolvedOn: day(f.resolvedAt),
          closedOn: day(f.closedAt),
          stage: r.stage as z.infer<typeof publicCaseSchema>['stage'],
          status: r.status as z.infer<typeof publicCaseSchema>['status'],
          level: r.level as z.infer<typeof publicCaseSchema>['level'],
          outcome: f.outcome,
          respondedOnTime: leavesEveryMeasure(f) ? null : flag(responded(f, now)),
          resolvedOnTime: leavesEveryMeasure(f) ? null : flag(resolvedOnTime(f, now)),
          reworked: f.reopenCount > 0,
          escalated: f.escalated,
          returned: f.returned,
        }));
        return { period, items, nextCursor: next ? encodeCursor(next) : null };
      });
    },
  });

  app.get('/public/notices', {
    config,
    schema: {
      tags: ['public'],
      summary: '通报 Public notices: cases whose handler kept missing the top rung’s 督办 cadence',
      description:
        'A case is noticed once its handler has missed the agreement’s number of 督办 cadences at the functional department. Category, compound, days, handler and supervisor only: nothing about the resident.',
      querystring: z.strictObject({
        days: z.coerce.number().int().min(1).max(366).default(90),
        limit: z.coerce.number().int().min(1).max(200).default(50),
      }),
      response: {
        200: z.object({
          items: z.array(
            z.object({
              filedOn: z.string().describe('day, China Standard Time'),
              noticedAt: z.string(),
              missedCadences: z.number().int(),
              category: named,
              compound: named,
              handler: z.object({ id: z.string(), nameZh: z.string(), nameEn: z.string() }).nullable(),
              supervisor: z.object({ nameZh: z.string(), nameEn: z.string() }).nullable(),
              resolved: z.boolean(),
            }),
          ),
        }),
        ...errorResponses(400, 429),
      },
    },
    handler: async (req, reply) =>
      cached(reply, cacheKey('notices', req.query), async () => {
        const since = new Date(Date.now() - req.query.days * 86_400_000);
        const rows = await listPublicNotices(ctx.pool, since, req.query.limit);
        return {
          items: rows.map((r) => ({
            filedOn: cstDate(r.createdAt.getTime()),
            noticedAt: r.noticedAt.toISOString(),
            missedCadences: r.missedCadences,
            category: { code: r.categoryCode, nameZh: r.categoryNameZh, nameEn: r.categoryNameEn },
            compound: { code: r.compoundCode, nameZh: r.compoundNameZh, nameEn: r.compoundNameEn },
            handler: r.handlerOrgId
              ? { id: r.handlerOrgId, nameZh: r.handlerNameZh ?? '', nameEn: r.handlerNameEn ?? '' }
              : null,
            supervisor: r.supervisorNameZh ? { nameZh: r.supervisorNameZh, nameEn: r.supervisorNameEn ?? '' } : null,
            resolved: r.status === 'resolved' || r.status === 'closed',
          })),
        };
      }),
  });
};
