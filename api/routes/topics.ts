// Governance topics (治理专题, issue 29): a supervisor opens one over compounds of its own tree; the topic runs as its
// own workflow (services/topics.ts). Reads come from Postgres in the caller's scope (topic-view.ts topicScopeFor): a
// topic the caller may not see answers 404 like a missing one. Actions go through the workflow with the
// Idempotency-Key as the Update id. The public list (信息公开) shows closed topics with their effect and no free
// text but the title: the closing summary is staff's prose and may name a household, so it is not published.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Actor } from '../../domain/actions';
import { cstDate } from '../../domain/calendar';
import type { TopicAction } from '../../domain/topic';
import { getCaseScope } from '../../db/queries/case-list';
import { closedTopics, getTopic, listTopics, topicsForCase } from '../../db/queries/topic-reads';
import { DomainError } from '../../services/errors';
import { openTopicFor, performTopicAction, TopicInputError } from '../../services/topics';
import { actorOf, authenticate } from '../auth';
import type { ApiContext } from '../context';
import { ApiError, errorResponses, errors } from '../errors';
import type { RateLimit } from '../hardening';
import { splitBilingual, text } from '../i18n';
import { bearer, caseIdParams, idempotencyKeySchema } from '../schemas';
import { canSee } from '../visibility';
import { PUBLIC_CACHE_TTL_MS, PUBLIC_RATE_LIMIT } from './public';
import { cacheKey, TtlCache } from './public-cache';
import * as s from './topic-schemas';
import { effectOf, namesOf, orgIdsOf, presentDetail, presentSummary, topicScopeFor } from './topic-view';

const STATUS: Record<DomainError['kind'], number> = {
  validation: 400,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unavailable: 503,
};

/** The services' errors with the topic's own codes (the shared handler knows only the case's). */
function apiErrorOf(err: unknown): unknown {
  if (err instanceof TopicInputError)
    return errors.validation(err.problems.map((p) => ({ path: p.path, issue: text(p.zh, p.en) })));
  if (!(err instanceof DomainError)) return err;
  const headers: Record<string, string> = err.kind === 'unavailable' ? { 'retry-after': '5' } : {};
  return new ApiError(STATUS[err.kind], err.field, splitBilingual(err.message), [], headers);
}

const topicNotFound = () => errors.notFound('topic.not_found', text('专题不存在', 'Topic not found'));
const actionHeaders = z.looseObject({ 'idempotency-key': idempotencyKeySchema });
const tags = ['topics'];

export interface TopicRouteOptions {
  ctx: ApiContext;
  rateLimit?: RateLimit;
  cacheTtlMs?: number;
}

export const topicRoutes: FastifyPluginAsyncZod<TopicRouteOptions> = async (app, { ctx, rateLimit, cacheTtlMs }) => {
  const onRequest = authenticate(ctx.reference);
  const deps = { pool: ctx.pool, temporal: ctx.temporal, taskQueue: ctx.taskQueue, timeoutMs: ctx.actionTimeoutMs };
  const scopeOf = (actor: Actor) => {
    const scope = topicScopeFor(actor);
    if (!scope) throw errors.roleForbidden();
    return scope;
  };
  const visible = async (actor: Actor, id: string) => {
    const row = await getTopic(ctx.pool, scopeOf(actor), id.toLowerCase());
    if (!row) throw topicNotFound();
    return row;
  };

  app.post('/topics', {
    onRequest,
    schema: {
      tags,
      summary: '开设治理专题 Open a governance topic (street or community committee)',
      description:
        'Over compounds your organisation supervises, owned by an organisation it supervises; runs as a workflow with reminders and breach → accountability. A retry with the same Idempotency-Key answers the same topic (200); the key reused for a different topic is a 409 (`idempotency.key_reused`).',
      security: bearer,
      headers: z.looseObject({ 'idempotency-key': idempotencyKeySchema.optional() }),
      body: s.openTopicBodySchema,
      response: { 201: s.topicDetailSchema, 200: s.topicDetailSchema, ...errorResponses(400, 401, 403, 409, 503) },
    },
    handler: async (req, reply) => {
      const actor = actorOf(req);
      const b = req.body;
      const key = req.headers['idempotency-key'];
      const opened = await openTopicFor(
        deps,
        actor,
        {
          title: b.title,
          description: b.description ?? null,
          scope: {
            compoundCodes: [...new Set(b.scope.compoundCodes)],
            buildings: b.scope.buildings ?? [],
            categoryCode: b.scope.categoryCode ?? null,
          },
          ownerOrgId: b.ownerOrgId,
          dueAt: Date.parse(b.dueAt),
          tasks: b.tasks.map((t) => ({ title: t.title, ownerOrgId: t.ownerOrgId, dueAt: Date.parse(t.dueAt) })),
          fromRepeatProblemId: b.fromRepeatProblemId?.toLowerCase() ?? null,
        },
        key ? `${actor.userId}:${key}` : null,
      ).catch((err: unknown) => {
        throw apiErrorOf(err);
      });
      const row = await visible(actor, opened.id);
      return reply
        .code(opened.created ? 201 : 200)
        .header('location', `/api/v1/topics/${opened.id}`)
        .send(await presentDetail(ctx.pool, ctx.reference, row, Date.now()));
    },
  });

  app.get('/topics', {
    onRequest,
    schema: {
      tags,
      summary: '治理专题列表 Topics you may see',
      description:
        'Supervisors: topics over compounds of their tree; handlers and others: topics their organisation owns or has a task in; admins: all.',
      security: bearer,
      querystring: s.listTopicsQuery,
      response: { 200: z.object({ items: z.array(s.topicSummarySchema) }), ...errorResponses(400, 401, 403) },
    },
    handler: async (req) => {
      const rows = await listTopics(ctx.pool, scopeOf(actorOf(req)), req.query.status);
      const names = await namesOf(ctx.reference, orgIdsOf(rows));
      const now = Date.now();
      return { items: rows.map((r) => presentSummary(r, names, now)) };
    },
  });

  app.get('/topics/:id', {
    onRequest,
    schema: {
      tags,
      summary: '治理专题详情 A topic: tasks, timeline, linked cases, effect, accountability',
      security: bearer,
      params: s.topicIdParams,
      response: { 200: s.topicDetailSchema, ...errorResponses(400, 401, 403, 404) },
    },
    handler: async (req) =>
      presentDetail(ctx.pool, ctx.reference, await visible(actorOf(req), req.params.id), Date.now()),
  });

  const act = async (actor: Actor, id: string, action: TopicAction, key: string) => {
    const row = await visible(actor, id);
    if (row.status === 'closed')
      throw errors.conflict('topic.illegal_transition', text('专题已结束', 'The topic is closed'));
    // Scoped by user and action, as the case actions: another user's key is a different request.
    return performTopicAction(deps, row.id, actor, action, `${actor.userId}:${action.type}:${key}`).catch(
      (err: unknown) => {
        throw apiErrorOf(err);
      },
    );
  };
  const actionSchema = (summary: string, params: z.ZodType, body: z.ZodType) => ({
    tags,
    summary,
    description: 'Idempotency-Key is required: a retry with the same key is applied once and answers the first result.',
    security: bearer,
    params,
    headers: actionHeaders,
    body,
    response: { 200: s.actionResultSchema, ...errorResponses(400, 401, 403, 404, 409, 503) },
  });

  app.post('/topics/:id/tasks/:taskId/complete', {
    onRequest,
    schema: actionSchema('完成任务 Complete a task (its owner or the supervisor)', s.taskParams, s.completeTaskBody),
    handler: async (req) => {
      const { id, taskId } = req.params as z.infer<typeof s.taskParams>;
      const { note } = req.body as z.infer<typeof s.completeTaskBody>;
      const key = (req.headers as { 'idempotency-key': string })['idempotency-key'];
      return act(actorOf(req), id, { type: 'complete_task', taskId, note }, key);
    },
  });

  app.post('/topics/:id/progress', {
    onRequest,
    schema: actionSchema('专题进展 Add a progress note (anyone taking part)', s.topicIdParams, s.progressBody),
    handler: async (req) => {
      const { id } = req.params as z.infer<typeof s.topicIdParams>;
      const { note } = req.body as z.infer<typeof s.progressBody>;
      const key = (req.headers as { 'idempotency-key': string })['idempotency-key'];
      return act(actorOf(req), id, { type: 'add_progress', note }, key);
    },
  });

  app.post('/topics/:id/close', {
    onRequest,
    schema: actionSchema(
      '结束专题 Close: a summary, and a reason while tasks are undone (the opener or a level above)',
      s.topicIdParams,
      s.closeBody,
    ),
    handler: async (req) => {
      const { id } = req.params as z.infer<typeof s.topicIdParams>;
      const { summary, reason } = req.body as z.infer<typeof s.closeBody>;
      const key = (req.headers as { 'idempotency-key': string })['idempotency-key'];
      return act(actorOf(req), id, { type: 'close', summary, ...(reason ? { reason } : {}) }, key);
    },
  });

  app.get('/cases/:id/topics', {
    onRequest,
    schema: {
      tags,
      summary: '工单所属专题 The topics a case is linked to',
      description:
        'Topics whose scope covers the case and that were open when it was filed or opened while it was open; for whoever may see the case.',
      security: bearer,
      params: caseIdParams,
      response: { 200: z.object({ items: z.array(s.topicSummarySchema) }), ...errorResponses(400, 401, 404) },
    },
    handler: async (req) => {
      const row = await getCaseScope(ctx.pool, req.params.id.toLowerCase());
      if (!row || !canSee(actorOf(req), row)) throw errors.caseNotFound();
      const rows = await topicsForCase(ctx.pool, row.id);
      const names = await namesOf(ctx.reference, orgIdsOf(rows));
      return { items: rows.map((r) => presentSummary(r, names, Date.now())) };
    },
  });

  const cache = new TtlCache<unknown>(cacheTtlMs ?? PUBLIC_CACHE_TTL_MS);
  app.get('/public/topics', {
    config: { rateLimit: rateLimit ?? PUBLIC_RATE_LIMIT },
    schema: {
      tags: ['public'],
      summary: '治理专题公示 Closed governance topics and their effect',
      description:
        'The 100 most recently closed topics: title, compounds, category, dates and the effect counts. No other free text (a closing summary may name a household), nothing personal.',
      response: { 200: z.object({ items: z.array(s.publicTopicSchema) }), ...errorResponses(429) },
    },
    handler: async (_req, reply) => {
      const hit = cache.get(cacheKey('topics', {}));
      reply
        .header('x-cache', hit ? 'hit' : 'miss')
        .header('cache-control', `public, max-age=${Math.floor(cache.ttlMs / 1000)}`);
      if (hit) return hit as { items: z.infer<typeof s.publicTopicSchema>[] };
      const now = Date.now();
      const rows = await closedTopics(ctx.pool);
      const named = (x: { code: string; nameZh: string; nameEn: string } | null) =>
        x ? { code: x.code, nameZh: x.nameZh, nameEn: x.nameEn } : null;
      const items = await Promise.all(
        rows.map(async (r) => ({
          id: r.id,
          title: r.title,
          compounds: (await Promise.all(r.compoundCodes.map((c) => ctx.reference.compound(c)))).flatMap((c) =>
            c ? [named(c)!] : [],
          ),
          category: r.categoryCode ? named(await ctx.reference.category(r.categoryCode)) : null,
          openedOn: cstDate(r.openedAt.getTime()),
          closedOn: cstDate(r.closedAt.getTime()),
          effect: (await effectOf(ctx.pool, r, now))!,
        })),
      );
      cache.set(cacheKey('topics', {}), { items });
      return { items };
    },
  });
};
