// 党员联户: who the community committee would send to follow a case up when it picks "the suggested owner" — the
// party member linked to the complainant's household at intake (domain/case-machine.ts assign_follow_up's default).
// Named so the committee knows whom it is choosing; only those who assign follow-up (the community, admins) ask.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { participation } from '../../domain/policy';
import { getCaseView } from '../../db/queries/case-list';
import { linkedPartyMemberOf } from '../../db/queries/cases';
import { actorOf, authenticate } from '../auth';
import type { ApiContext } from '../context';
import { ApiError, errorResponses, errors } from '../errors';
import { text } from '../i18n';
import { bearer, caseIdParams } from '../schemas';
import { canSee, scopeOfRow } from '../visibility';

const suggestionSchema = z.object({
  owner: z
    .object({ kind: z.literal('party_member'), id: z.string(), nameZh: z.string(), nameEn: z.string() })
    .nullable()
    .describe('null: the household has no linked party member (the committee picks a grid branch)'),
});

export const caseFollowUpRoutes: FastifyPluginAsyncZod<{ ctx: ApiContext }> = async (app, { ctx }) => {
  app.get('/cases/:id/follow-up-suggestion', {
    onRequest: authenticate(ctx.reference),
    schema: {
      tags: ['cases'],
      summary: '建议跟踪人 The party member linked to the household (党员联户), for assigning follow-up',
      security: bearer,
      params: caseIdParams,
      response: { 200: suggestionSchema, ...errorResponses(400, 401, 403, 404) },
    },
    handler: async (req) => {
      const actor = actorOf(req);
      const row = await getCaseView(ctx.pool, { id: req.params.id });
      if (!row || !canSee(actor, row)) throw errors.caseNotFound();
      if (actor.role !== 'admin' && !participation(actor, scopeOfRow(row)).has('community')) {
        throw new ApiError(
          403,
          'case.follow_up_forbidden',
          text('只有社区党委指派跟踪', 'Only the community committee assigns follow-up'),
        );
      }
      const personId = await linkedPartyMemberOf(ctx.pool, row.id);
      const person = personId ? (await ctx.reference.personNames([personId])).get(personId) : undefined;
      return {
        owner:
          personId && person
            ? { kind: 'party_member' as const, id: personId, nameZh: person.nameZh, nameEn: person.nameEn }
            : null,
      };
    },
  });
};
