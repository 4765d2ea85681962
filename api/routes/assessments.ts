// Assessment (考核) under the three-party agreement: read the stored monthly scores, let the agreement's
// community committee sign an adjustment beside one, and start a computation for any past month (the same
// workflow the monthly Schedule runs).
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Actor } from '../../domain/actions';
import { cstDate } from '../../domain/calendar';
import { withTransaction } from '../../db/pool';
import { adjustmentsFor, insertAdjustment, listAssessments, type AssessmentScope } from '../../db/queries/assessments';
import { monthPeriod } from '../../db/queries/period';
import { getOrganization } from '../../db/queries/reference';
import { startAssessment } from '../../services/assessment-schedule';
import { actorOf, authenticate, requireRole } from '../auth';
import type { ApiContext } from '../context';
import { ApiError, errorResponses, errors } from '../errors';
import { text } from '../i18n';
import { bearer, codeSchema, idempotencyKeySchema, shortText } from '../schemas';
import { assessmentSchema, presentAssessment } from './assessment-schemas';
import { monthSchema } from './stats-common';

const notFound = () => errors.notFound('assessment.not_found', text('考核结果不存在', 'Assessment not found'));

/** Admins and the Party tree read every assessment in their scope; a handler reads its own. */
function scopeOf(actor: Actor): AssessmentScope {
  if (actor.role === 'admin') return { kind: 'all' };
  if (actor.role === 'supervisor' && actor.organizationId) return { kind: 'supervisor', orgId: actor.organizationId };
  if (actor.role === 'handler' && actor.organizationId) return { kind: 'organization', orgId: actor.organizationId };
  throw errors.roleForbidden();
}

const adjustmentBody = z.strictObject({
  delta: z
    .number()
    .min(-20, '调整幅度不超过 ±20 分 (an adjustment is at most ±20 points)')
    .max(20, '调整幅度不超过 ±20 分 (an adjustment is at most ±20 points)')
    .refine((d) => d !== 0 && Math.abs(d * 100 - Math.round(d * 100)) < 1e-9, '须为非零且最多两位小数 (non-zero, at most two decimals)'),
  reason: shortText(1000).describe('the inspection finding behind the adjustment'),
});

export const assessmentRoutes: FastifyPluginAsyncZod<{ ctx: ApiContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', authenticate(ctx.reference));

  const present = async (rows: Awaited<ReturnType<typeof listAssessments>>) => {
    const adjustments = await adjustmentsFor(ctx.pool, rows.map((r) => r.id));
    return rows.map((r) => presentAssessment(r, adjustments.get(r.id) ?? []));
  };
  const visible = async (actor: Actor, id: string) => {
    const [row] = await listAssessments(ctx.pool, scopeOf(actor), { id });
    if (!row) throw notFound();
    return row;
  };

  app.get('/assessments', {
    schema: {
      tags: ['assessments'],
      summary: '考核结果 Monthly assessments of property companies',
      description: 'The latest version of each company × agreement × month unless versions=all; adjustments of every version of the month are listed beside the computed score.',
      security: bearer,
      querystring: z.strictObject({
        period: monthSchema.optional(),
        organization: codeSchema.optional(),
        compound: codeSchema.optional(),
        versions: z.enum(['latest', 'all']).default('latest'),
      }),
      response: { 200: z.object({ items: z.array(assessmentSchema) }), ...errorResponses(400, 401, 403) },
    },
    handler: async (req) => {
      const q = req.query;
      const rows = await listAssessments(ctx.pool, scopeOf(actorOf(req)), {
        period: q.period ? monthPeriod(q.period) : undefined,
        organizationId: q.organization,
        compoundCode: q.compound,
        allVersions: q.versions === 'all',
      });
      return { items: await present(rows) };
    },
  });

  app.get('/assessments/:id', {
    schema: {
      tags: ['assessments'],
      summary: '考核结果详情 One assessment',
      security: bearer,
      params: z.strictObject({ id: z.uuid() }),
      response: { 200: assessmentSchema, ...errorResponses(400, 401, 403, 404) },
    },
    handler: async (req) => (await present([await visible(actorOf(req), req.params.id)]))[0],
  });

  app.post('/assessments/:id/adjustments', {
    preHandler: requireRole('supervisor'),
    schema: {
      tags: ['assessments'],
      summary: '考核调整 Sign an adjustment (community committee of the agreement)',
      description: 'Recorded with who signed it and why, and shown beside the computed score; the score itself never changes.',
      security: bearer,
      params: z.strictObject({ id: z.uuid() }),
      body: adjustmentBody,
      response: { 201: assessmentSchema, ...errorResponses(400, 401, 403, 404, 413, 415) },
    },
    handler: async (req, reply) => {
      const actor = actorOf(req);
      const row = await visible(actor, req.params.id);
      // 考核权 belongs to the community committee that signed the agreement, not to the levels above it.
      if (actor.organizationId !== row.communityOrgId) {
        throw new ApiError(403, 'assessment.forbidden', text('只有签订协议的社区党组织可以调整考核', 'Only the community committee party to the agreement may adjust it'));
      }
      await withTransaction(ctx.pool, (client) => insertAdjustment(client, row.id, req.body.delta, req.body.reason, actor.userId));
      return reply.code(201).send((await present([row]))[0]);
    },
  });

  app.post('/assessments/compute', {
    preHandler: requireRole('admin', 'supervisor'),
    schema: {
      tags: ['assessments'],
      summary: '计算考核 Compute a past month now',
      description: 'Starts the monthly assessment workflow for the period (admins and the organisation department). Each run stores a new version; the same Idempotency-Key never computes twice.',
      security: bearer,
      headers: z.looseObject({ 'idempotency-key': idempotencyKeySchema.optional() }),
      body: z.strictObject({ period: monthSchema }),
      response: {
        202: z.object({ workflowId: z.string(), period: z.string(), started: z.boolean().describe('false: this Idempotency-Key already started it') }),
        ...errorResponses(400, 401, 403, 413, 415),
      },
    },
    handler: async (req, reply) => {
      const actor = actorOf(req);
      if (actor.role !== 'admin') {
        const org = actor.organizationId ? await getOrganization(ctx.pool, actor.organizationId) : null;
        if (org?.kind !== 'organization_department') throw errors.roleForbidden();
      }
      const { period } = req.body;
      if (monthPeriod(period).to > cstDate(Date.now())) {
        throw errors.field('period', text('只能计算已结束的月份', 'only a month that has ended can be assessed'));
      }
      const key = req.headers['idempotency-key'] ?? randomUUID();
      const r = await startAssessment(ctx.temporal, ctx.taskQueue, { period, requestedBy: actor.userId, requestKey: key });
      return reply.code(202).send({ ...r, period });
    },
  });
};
