// Duplicate hints (issue 29, "me too"): before a resident files, the open cases that look like the same problem;
// following one instead of filing; and the same suggestions to staff on a case, for the merge rule of the fairness
// rules (POST /cases/:id/merge). Rows carry nothing personal (db/queries/similar-cases.ts); filing stays open to all.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Actor } from '../../domain/actions';
import { STAGES, STATUSES } from '../../domain/types';
import { getCaseScope, getCaseView, type ListScope } from '../../db/queries/case-list';
import { similarOpenCases, type SimilarCaseRow } from '../../db/queries/similar-cases';
import { followCase } from '../../services/case-follow';
import { actorOf, authenticate, requireRole } from '../auth';
import type { ApiContext } from '../context';
import { errorResponses, errors } from '../errors';
import { langOf, text, type Lang } from '../i18n';
import { FILING_ROLES } from '../intake';
import { bearer, caseIdParams, codeSchema, storableString } from '../schemas';
import { canSee, listScopeFor } from '../visibility';

/** How many open cases a resident is offered before filing: enough to recognise theirs, few enough to read. */
export const HINT_LIMIT = 5;
/** Staff merging twenty reports of one broken lift need to see more of them. */
export const DUPLICATE_LIMIT = 20;

const STAFF_ROLES = ['handler', 'supervisor', 'party_member', 'admin'] as const;

export const similarQuerySchema = z.strictObject({
  compound: codeSchema,
  category: codeSchema,
  // As intake stores it (case-schemas.ts locationPart): a building that matches exactly.
  building: storableString().trim().min(1).max(20).optional(),
});

const similarItemSchema = z.object({
  id: z.uuid(),
  trackingCode: z.string(),
  categoryCode: z.string(),
  categoryName: z.string().describe('in the language of Accept-Language'),
  building: z.string().nullable(),
  sameBuilding: z.boolean().describe('in the building asked about; false: elsewhere in the compound (shared facility)'),
  status: z.enum(STATUSES),
  stage: z.enum(STAGES),
  createdAt: z.string(),
  followers: z.number().int().describe('the complainant and the co-complainants'),
  following: z.boolean().describe('the caller is its complainant or a co-complainant already'),
});
const similarResponseSchema = z.object({ items: z.array(similarItemSchema) });

const followResponseSchema = z.object({
  caseId: z.uuid(),
  trackingCode: z.string(),
  following: z
    .boolean()
    .describe('false (202): accepted, not yet shown on the case; the same request again is harmless'),
});

const itemOf = (r: SimilarCaseRow, lang: Lang): z.infer<typeof similarItemSchema> => ({
  id: r.id,
  trackingCode: r.trackingCode,
  categoryCode: r.categoryCode,
  categoryName: lang === 'zh' ? r.categoryNameZh : r.categoryNameEn,
  building: r.building,
  sameBuilding: r.sameBuilding,
  status: r.status as z.infer<typeof similarItemSchema>['status'],
  stage: r.stage as z.infer<typeof similarItemSchema>['stage'],
  createdAt: r.createdAt.toISOString(),
  followers: r.followers,
  following: r.following,
});

const NOT_YOUR_COMPOUND = text('只能查看本人住户所在小区的诉求', 'only about a compound where you have a household');

/** Whether the resident has a household in the compound: the same rule as filing (api/intake.ts). */
async function livesIn(ctx: ApiContext, actor: Actor, compoundCode: string): Promise<boolean> {
  const account = await ctx.reference.residentContact(actor.userId);
  return account?.households.some((h) => h.compoundCode === compoundCode) ?? false;
}

export const caseSimilarRoutes: FastifyPluginAsyncZod<{ ctx: ApiContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', authenticate(ctx.reference));

  app.get('/cases/similar', {
    preHandler: requireRole(...FILING_ROLES),
    schema: {
      tags: ['cases'],
      summary: '相似诉求提示 Open cases like the one about to be filed ("me too")',
      description: `Open cases of the category in the building, or anywhere in the compound for a shared facility (lift, gate, parking…), the same building first, then newest; at most ${HINT_LIMIT}. A resident asks only about a compound where they have a household; staff see the cases within their scope. Nothing personal: no description, name or room.`,
      security: bearer,
      querystring: similarQuerySchema,
      response: { 200: similarResponseSchema, ...errorResponses(400, 401, 403) },
    },
    handler: async (req) => {
      const actor = actorOf(req);
      const q = req.query;
      const [compound, category] = await Promise.all([
        ctx.reference.compound(q.compound),
        ctx.reference.category(q.category),
      ]);
      if (!compound) throw errors.field('compound', text('小区不存在', 'no such compound'));
      if (!category) throw errors.field('category', text('类别不存在', 'no such category'));
      let scope: ListScope = listScopeFor(actor);
      if (actor.role === 'resident') {
        if (!(await livesIn(ctx, actor, q.compound))) throw errors.field('compound', NOT_YOUR_COMPOUND);
        // Every open case of their own compound: what the rows say is what a notice board by the lift would.
        scope = { kind: 'all' };
      }
      const rows = await similarOpenCases(ctx.pool, scope, {
        compoundCode: q.compound,
        categoryCode: q.category,
        building: q.building ?? null,
        userId: actor.userId,
        limit: HINT_LIMIT,
      });
      return { items: rows.map((r) => itemOf(r, langOf(req))) };
    },
  });

  app.post('/cases/:id/follow', {
    preHandler: requireRole('resident'),
    schema: {
      tags: ['cases'],
      summary: '我也遇到 Follow an open case instead of filing the same problem',
      description:
        "The resident becomes a co-complainant: sees the case, is told what its complainant is told, and may evaluate it. Only a resident with a household in the case's compound (others: 404), only an open case (409), never its own complainant (409). Following again changes nothing (200). 202: Temporal has it, the case does not show it yet.",
      security: bearer,
      params: caseIdParams,
      response: {
        200: followResponseSchema,
        202: followResponseSchema,
        ...errorResponses(400, 401, 403, 404, 409, 503),
      },
    },
    handler: async (req, reply) => {
      const actor = actorOf(req);
      const caseId = req.params.id.toLowerCase();
      const row = await getCaseScope(ctx.pool, caseId);
      // A resident of another compound cannot tell this case from one that does not exist.
      if (!row || !(canSee(actor, row) || (await livesIn(ctx, actor, row.compoundCode)))) throw errors.caseNotFound();
      const answer = (following: boolean) => ({ caseId: row.id, trackingCode: row.trackingCode, following });
      if (row.residentUserId === actor.userId)
        throw errors.conflict('case.own_case', text('这是您本人提交的工单', 'This is your own case'));
      if (row.coComplainants.includes(actor.userId)) return answer(true);
      if (row.status === 'closed')
        throw errors.conflict('case.illegal_transition', text('工单已办结，不能关注', 'The case is closed'));
      const outcome = await followCase(
        { pool: ctx.pool, temporal: ctx.temporal, timeoutMs: ctx.actionTimeoutMs },
        caseId,
        actor.userId,
      );
      // This process's cached read of the case goes now: the follower's next read here must show them.
      ctx.cases.changed(caseId);
      return reply.code(outcome === 'joined' ? 200 : 202).send(answer(outcome === 'joined'));
    },
  });

  app.get('/cases/:id/duplicates', {
    preHandler: requireRole(...STAFF_ROLES),
    schema: {
      tags: ['cases'],
      summary: '疑似重复工单 Suggested duplicates of a case, for merging',
      description: `Other open cases of its category in its building, or anywhere in its compound for a shared facility, within your scope; the same building first, then newest; at most ${DUPLICATE_LIMIT}. Merge one with POST /cases/{id}/merge.`,
      security: bearer,
      params: caseIdParams,
      response: { 200: similarResponseSchema, ...errorResponses(400, 401, 403, 404) },
    },
    handler: async (req) => {
      const actor = actorOf(req);
      const row = await getCaseView(ctx.pool, { id: req.params.id });
      if (!row || !canSee(actor, row)) throw errors.caseNotFound();
      const rows = await similarOpenCases(ctx.pool, listScopeFor(actor), {
        compoundCode: row.compoundCode,
        categoryCode: row.categoryCode,
        building: row.location.building ?? null,
        excludeCaseId: row.id,
        userId: actor.userId,
        limit: DUPLICATE_LIMIT,
      });
      return { items: rows.map((r) => itemOf(r, langOf(req))) };
    },
  });
};
