// 查询办理进度 without signing in: whoever holds a case's tracking code (the resident, a neighbour they gave it
// to, the 12345 operator) sees where it stands — who handles it, the deadlines, the steps so far — and nothing
// that could name or locate the resident: no name, phone, household, room, description, photos or any free text
// (not even staff's notes, which may name a household). Codes are random (32^6 a month), and the route is
// rate-limited like the rest of the public API, so they cannot be walked.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LEVELS, ORGANIZATION_KINDS, OUTCOMES, STAGES, STATUSES } from '../../domain/types';
import { getCaseDetail } from '../../db/queries/case-list';
import type { ApiContext } from '../context';
import { errorResponses, errors } from '../errors';
import type { RateLimit } from '../hardening';
import { caseDeadlines, loadNames, orgRef } from '../case-view';
import { trackingCodeParams } from './case-schemas';

/** The steps a member of the public may see, by type and time only. */
export const PUBLIC_STEPS = [
  'submitted',
  'dispatched',
  'acknowledged',
  'resolved',
  'escalated',
  'reported',
  'forwarded',
  'rerouted',
  'taken_over',
  'extension_decided',
  'reopened',
  'evaluated',
  'closed',
] as const;
const PUBLIC_STEP_SET: ReadonlySet<string> = new Set(PUBLIC_STEPS);

const orgSchema = z.object({
  id: z.string(),
  kind: z.enum(ORGANIZATION_KINDS),
  nameZh: z.string(),
  nameEn: z.string(),
});
const named = z.object({ code: z.string(), nameZh: z.string(), nameEn: z.string() });

export const publicTrackSchema = z.object({
  trackingCode: z.string(),
  category: named,
  compound: named,
  status: z.enum(STATUSES),
  stage: z.enum(STAGES),
  level: z.enum(LEVELS),
  outcome: z.enum(OUTCOMES).nullable(),
  handler: orgSchema.nullable(),
  supervisor: orgSchema.nullable(),
  deadlines: z.array(
    z.object({
      kind: z.enum(['response', 'resolution', 'evaluation']),
      dueAt: z.string(),
      overdue: z.boolean(),
    }),
  ),
  steps: z.array(z.object({ type: z.enum(PUBLIC_STEPS), at: z.string() })).describe('newest first'),
  filedAt: z.string(),
  closedAt: z.string().nullable(),
});
type PublicTrack = z.infer<typeof publicTrackSchema>;

export const publicTrackRoutes: FastifyPluginAsyncZod<{ ctx: ApiContext; rateLimit: RateLimit }> = async (
  app,
  { ctx, rateLimit },
) => {
  app.get('/public/track/:code', {
    config: { rateLimit },
    schema: {
      tags: ['public'],
      summary: '查询办理进度 Where a case stands, by its tracking code, without signing in',
      description:
        'Status, level, who handles and supervises it, its deadlines and its steps (type and time). No name, phone, household, room, description, photos or text of any kind.',
      params: trackingCodeParams,
      response: { 200: publicTrackSchema, ...errorResponses(400, 404, 429) },
    },
    handler: async (req) => {
      const row = await getCaseDetail(ctx.pool, { trackingCode: req.params.code.toUpperCase() });
      if (!row) throw errors.caseNotFound();
      const names = await loadNames(ctx.reference, [row]);
      const org = (id: string | null) => orgRef(id ? names.orgs.get(id) : undefined);
      const now = Date.now();
      return {
        trackingCode: row.trackingCode,
        category: { code: row.categoryCode, nameZh: row.categoryNameZh, nameEn: row.categoryNameEn },
        compound: { code: row.compoundCode, nameZh: row.compoundNameZh, nameEn: row.compoundNameEn },
        status: row.status as PublicTrack['status'],
        stage: row.stage as PublicTrack['stage'],
        level: row.level as PublicTrack['level'],
        outcome: row.outcome as PublicTrack['outcome'],
        handler: org(row.handlerOrgId),
        supervisor: org(row.supervisorOrgId),
        deadlines: caseDeadlines(row, now)
          .filter((d) => d.kind !== 'decision')
          .map((d) => ({
            kind: d.kind as PublicTrack['deadlines'][number]['kind'],
            dueAt: d.dueAt,
            overdue: row.status !== 'closed' && d.overdue,
          })),
        steps: row.timeline
          .filter((e) => PUBLIC_STEP_SET.has(e.type))
          .map((e) => ({ type: e.type as PublicTrack['steps'][number]['type'], at: e.at }))
          .reverse(),
        filedAt: row.createdAt,
        closedAt: row.closedAt,
      };
    },
  });
};
