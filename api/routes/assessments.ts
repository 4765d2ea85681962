// Assessment (考核) of every handler kind: read the stored monthly scores, let the assessor (the agreement's community
// committee; for an association its community committee, for a department the organisation department) sign an
// adjustment beside one, and start a computation for any past month (the same workflow the Schedule runs).
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Actor } from '../../domain/actions';
import { ADJUSTMENT_CAP, adjustmentFits, ASSESSED_KINDS } from '../../domain/assessment';
import { cstDate } from '../../domain/calendar';
import { withTransaction } from '../../db/pool';
import { adjustmentsFor, listAssessments, signAdjustment, type AssessmentScope } from '../../db/queries/assessments';
import { monthPeriod } from '../../db/queries/period';
import { getOrganization } from '../../db/queries/reference';
import { startAssessment } from '../../services/assessment-schedule';
import { jwtSecret } from '../../config';
import { actorOf, authenticate, requireRole } from '../auth';
import { opaqueUserIds } from '../case-view';
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

const CAP = `调整合计不超过 ±${ADJUSTMENT_CAP} 分 (adjustments total at most ±${ADJUSTMENT_CAP} points)`;
const adjustmentBody = z.strictObject({
  delta: z
    .number()
    .min(-ADJUSTMENT_CAP, CAP)
    .max(ADJUSTMENT_CAP, CAP)
    .refine(
      (d) => d !== 0 && Math.abs(d * 100 - Math.round(d * 100)) < 1e-9,
      '须为非零且最多两位小数 (non-zero, at most two decimals)',
    ),
  reason: shortText(1000).describe('the inspection finding behind the adjustment'),
});

export const assessmentRoutes: FastifyPluginAsyncZod<{ ctx: ApiContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', authenticate(ctx.reference));

  const userIds = opaqueUserIds(jwtSecret(ctx.config));
  const present = async (actor: Actor, rows: Awaited<ReturnType<typeof listAssessments>>) => {
    const adjustments = await adjustmentsFor(
      ctx.pool,
      rows.map((r) => r.id),
    );
    const ids = userIds(actor.userId);
    return rows.map((r) => presentAssessment(r, adjustments.get(r.id) ?? [], ids));
  };
  const visible = async (actor: Actor, id: string) => {
    const [row] = await listAssessments(ctx.pool, scopeOf(actor), { id });
    if (!row) throw notFound();
    return row;
  };

  app.get('/assessments', {
    schema: {
      tags: ['assessments'],
      summary: '考核结果 Monthly assessments of every handler kind',
      description:
        'The latest version of each handler × unit × month unless versions=all; adjustments of every version of the month are listed beside the computed score. Below the minimum of evaluated cases the status is insufficient_data and there is no score.',
      security: bearer,
      querystring: z.strictObject({
        period: monthSchema.optional(),
        organization: codeSchema.optional(),
        kind: z.enum(ASSESSED_KINDS).optional(),
        compound: codeSchema.optional(),
        versions: z.enum(['latest', 'all']).default('latest'),
      }),
      response: { 200: z.object({ items: z.array(assessmentSchema) }), ...errorResponses(400, 401, 403) },
    },
    handler: async (req) => {
      const q = req.query;
      const actor = actorOf(req);
      const rows = await listAssessments(ctx.pool, scopeOf(actor), {
        period: q.period ? monthPeriod(q.period) : undefined,
        organizationId: q.organization,
        organizationKind: q.kind,
        compoundCode: q.compound,
        allVersions: q.versions === 'all',
      });
      return { items: await present(actor, rows) };
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
    handler: async (req) => {
      const actor = actorOf(req);
      return (await present(actor, [await visible(actor, req.params.id)]))[0];
    },
  });

  app.post('/assessments/:id/adjustments', {
    preHandler: requireRole('supervisor'),
    schema: {
      tags: ['assessments'],
      summary: '考核调整 Sign an adjustment (the assessor)',
      description: `Recorded with who signed it and why, and shown beside the computed score; the score itself never changes. The net total of a month's adjustments stays within ±${ADJUSTMENT_CAP} (409 beyond it); an assessment without a score takes none (409). The same Idempotency-Key signs once (200 on a repeat).`,
      security: bearer,
      headers: z.looseObject({ 'idempotency-key': idempotencyKeySchema.optional() }),
      params: z.strictObject({ id: z.uuid() }),
      body: adjustmentBody,
      response: { 201: assessmentSchema, 200: assessmentSchema, ...errorResponses(400, 401, 403, 404, 409, 413, 415) },
    },
    handler: async (req, reply) => {
      const actor = actorOf(req);
      const row = await visible(actor, req.params.id);
      // 考核权 belongs to the assessor (the community committee that signed the agreement), not to the levels above it.
      if (actor.organizationId !== row.assessorOrgId) {
        throw new ApiError(
          403,
          'assessment.forbidden',
          text('只有考核单位可以调整考核', 'Only the assessing organisation may adjust it'),
        );
      }
      const key = req.headers['idempotency-key'];
      const adjustment = {
        assessmentId: row.id,
        delta: req.body.delta,
        reason: req.body.reason,
        userId: actor.userId,
        dedupeKey: key ? `${actor.userId}:${key}` : null,
      };
      // No score, nothing to adjust: "insufficient data" is not a number to move.
      if (row.score === null)
        throw errors.conflict(
          'assessment.no_score',
          text('该考核没有得分，不能调整', 'This assessment has no score to adjust'),
        );
      const signed = await withTransaction(ctx.pool, (client) => signAdjustment(client, adjustment, adjustmentFits));
      if (signed.kind === 'over_cap') {
        throw errors.conflict(
          'assessment.adjustment_cap',
          text(
            `本月调整合计已为 ${signed.total} 分，不能超过 ±${ADJUSTMENT_CAP} 分`,
            `The month's adjustments total ${signed.total} already; the total stays within ±${ADJUSTMENT_CAP}`,
          ),
        );
      }
      if (signed.kind === 'repeated' && !signed.sameMonth) {
        throw errors.conflict(
          'idempotency.key_reused',
          text(
            '该 Idempotency-Key 已用于另一项考核调整',
            'This Idempotency-Key already signed an adjustment of another assessment',
          ),
        );
      }
      return reply.code(signed.kind === 'signed' ? 201 : 200).send((await present(actor, [row]))[0]);
    },
  });

  app.post('/assessments/compute', {
    preHandler: requireRole('admin', 'supervisor'),
    schema: {
      tags: ['assessments'],
      summary: '计算考核 Compute a past month now',
      description:
        'Starts the monthly assessment workflow for the period (admins and the organisation department). Each run stores a new version; the same Idempotency-Key never computes twice.',
      security: bearer,
      headers: z.looseObject({ 'idempotency-key': idempotencyKeySchema.optional() }),
      body: z.strictObject({ period: monthSchema }),
      response: {
        202: z.object({
          workflowId: z.string(),
          period: z.string(),
          started: z.boolean().describe('false: this Idempotency-Key already started it'),
        }),
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
      const r = await startAssessment(ctx.temporal, ctx.taskQueue, {
        period,
        requestedBy: actor.userId,
        requestKey: key,
      });
      return reply.code(202).send({ ...r, period });
    },
  });
};
