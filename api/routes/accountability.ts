// Accountability (问责) and the responsibility list (责任清单). A record names the duty broken, the organisation,
// the case and what follows; the organisation answers it once, its supervisor closes it. Supervisors may file
// a finding of their own against an organisation they supervise. A record the caller may not see is 404.
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Actor } from '../../domain/actions';
import { LEVELS, ORGANIZATION_KINDS, type Level } from '../../domain/types';
import * as acc from '../../db/queries/accountability';
import { getCaseView } from '../../db/queries/case-list';
import { listResponsibilityDuties } from '../../db/queries/duties';
import { periodInstants } from '../../db/queries/period';
import { getOrganization } from '../../db/queries/reference';
import { jwtSecret } from '../../config';
import { actorOf, authenticate, requireRole } from '../auth';
import { opaqueUserIds } from '../case-view';
import type { ApiContext } from '../context';
import { ApiError, errorResponses, errors } from '../errors';
import { text } from '../i18n';
import { bearer, idempotencyKeySchema, shortText } from '../schemas';
import { canSee } from '../visibility';
import { findingBody, listQuerySchema, presentRecord, recordSchema } from './accountability-schemas';
import { decodeCursor, encodeCursor, periodOf } from './stats-common';

const notFound = () =>
  errors.notFound('accountability.not_found', text('问责记录不存在', 'Accountability record not found'));
const forbidden = (zh: string, en: string) => new ApiError(403, 'accountability.forbidden', text(zh, en));
const idParams = z.strictObject({ id: z.uuid() });

function scopeOf(actor: Actor): acc.AccountabilityScope {
  if (actor.role === 'admin') return { kind: 'all' };
  if (!actor.organizationId || actor.role === 'resident') throw errors.roleForbidden();
  return actor.role === 'supervisor'
    ? { kind: 'supervisor', orgId: actor.organizationId }
    : { kind: 'organization', orgId: actor.organizationId };
}

export const accountabilityRoutes: FastifyPluginAsyncZod<{ ctx: ApiContext }> = async (app, { ctx }) => {
  const signedIn = authenticate(ctx.reference);
  const userIds = opaqueUserIds(jwtSecret(ctx.config));
  const present = (actor: Actor, r: acc.AccountabilityRow) => presentRecord(r, userIds(actor.userId));
  const visible = async (actor: Actor, id: string) => {
    const row = await acc.getAccountability(ctx.pool, scopeOf(actor), id);
    if (!row) throw notFound();
    return row;
  };

  app.get('/responsibility-duties', {
    schema: {
      tags: ['accountability'],
      summary: "责任清单 The responsibility list: each organisation kind's duties",
      description:
        "Public, like the rest of how the loop is set up (信息公开). Party organisations have eighteen duties in six areas (政治统领、组织统联、阵地统建、队伍统管、资源统筹、治理统筹: the areas are the Runzhou list's, the eighteen duties this project's reading of them); handlers have their service duties (area null).",
      querystring: z.strictObject({ organizationKind: z.enum(ORGANIZATION_KINDS).optional() }),
      response: {
        200: z.object({
          items: z.array(
            z.object({
              code: z.string(),
              organizationKind: z.enum(ORGANIZATION_KINDS),
              titleZh: z.string(),
              titleEn: z.string(),
              description: z.string().nullable(),
              area: z
                .object({ code: z.string(), titleZh: z.string(), titleEn: z.string() })
                .nullable()
                .describe("the area of a Party organisation's duty; null: a service duty"),
            }),
          ),
        }),
        ...errorResponses(400),
      },
    },
    handler: async (req) => ({
      items: await listResponsibilityDuties(ctx.pool, { organizationKind: req.query.organizationKind }),
    }),
  });

  app.get('/accountability', {
    onRequest: signedIn,
    schema: {
      tags: ['accountability'],
      summary: '问责记录 Accountability records per organisation and period',
      description:
        'An organisation sees the records against it; a supervisor also those against the organisations it supervises and those on its cases. Newest first.',
      security: bearer,
      querystring: listQuerySchema,
      response: {
        200: z.object({ items: z.array(recordSchema), nextCursor: z.string().nullable() }),
        ...errorResponses(400, 401, 403),
      },
    },
    handler: async (req) => {
      const q = req.query;
      const actor = actorOf(req);
      const after = q.cursor ? decodeCursor(q.cursor) : undefined;
      if (after === null) throw errors.field('cursor', text('无效的分页游标', 'not a cursor this API issued'));
      const range = q.period || q.from ? periodInstants(periodOf(q)) : undefined;
      const { rows, next } = await acc.listAccountability(
        ctx.pool,
        scopeOf(actor),
        {
          organizationId: q.organization,
          caseId: q.case,
          source: q.source,
          status: q.status,
          from: range?.from,
          to: range?.to,
        },
        { limit: q.limit, after },
      );
      return { items: rows.map((r) => present(actor, r)), nextCursor: next ? encodeCursor(next) : null };
    },
  });

  app.get('/accountability/:id', {
    onRequest: signedIn,
    schema: {
      tags: ['accountability'],
      summary: '问责记录详情 One accountability record',
      security: bearer,
      params: idParams,
      response: { 200: recordSchema, ...errorResponses(400, 401, 403, 404) },
    },
    handler: async (req) => {
      const actor = actorOf(req);
      return present(actor, await visible(actor, req.params.id));
    },
  });

  app.post('/accountability', {
    onRequest: signedIn,
    preHandler: requireRole('supervisor'),
    schema: {
      tags: ['accountability'],
      summary: '提出问责 File a finding against an organisation you supervise',
      description:
        "Names a duty of the responsibility list for the organisation's kind, optionally the case, and what follows. The same Idempotency-Key files one record (200 on a repeat).",
      security: bearer,
      headers: z.looseObject({ 'idempotency-key': idempotencyKeySchema.optional() }),
      body: findingBody,
      response: { 201: recordSchema, 200: recordSchema, ...errorResponses(400, 401, 403, 404, 413, 415) },
    },
    handler: async (req, reply) => {
      const actor = actorOf(req);
      const b = req.body;
      const supervisor = await getOrganization(ctx.pool, actor.organizationId ?? '');
      const target = await getOrganization(ctx.pool, b.organizationId);
      if (!target) throw errors.field('organizationId', text('组织不存在', 'no such organisation'));
      if (!supervisor || !(await acc.supervises(ctx.pool, supervisor.id, target.id))) {
        throw forbidden(
          '只能对本组织督导的单位提出问责',
          'you may file findings only against organisations you supervise',
        );
      }
      const duties = await listResponsibilityDuties(ctx.pool, { organizationKind: target.kind });
      if (!duties.some((d) => d.code === b.dutyCode))
        throw errors.field(
          'dutyCode',
          text('该单位的责任清单中没有这项职责', "not a duty on this organisation's responsibility list"),
        );
      if (b.caseId) {
        const row = await getCaseView(ctx.pool, { id: b.caseId });
        if (!row || !canSee(actor, row)) throw errors.caseNotFound();
      }
      const key = req.headers['idempotency-key'];
      const { id, created } = await acc.insertFinding(ctx.pool, {
        organizationId: target.id,
        dutyCode: b.dutyCode,
        caseId: b.caseId ?? null,
        reason: b.reason,
        consequence: b.consequence,
        level: (LEVELS as readonly string[]).includes(supervisor.kind)
          ? (supervisor.kind as Level)
          : 'community_committee',
        filedBy: actor.userId,
        dedupeKey: `finding:${actor.userId}:${key ?? randomUUID()}`,
      });
      return reply.code(created ? 201 : 200).send(present(actor, await visible(actor, id)));
    },
  });

  app.post('/accountability/:id/answer', {
    onRequest: signedIn,
    schema: {
      tags: ['accountability'],
      summary: '问责说明 Answer a record (once, by the organisation it names)',
      security: bearer,
      params: idParams,
      body: z.strictObject({ answer: shortText(2000).describe('the explanation and what was done (说明/整改)') }),
      response: { 200: recordSchema, ...errorResponses(400, 401, 403, 404, 409, 413, 415) },
    },
    handler: async (req) => {
      const actor = actorOf(req);
      const row = await visible(actor, req.params.id);
      if (actor.organizationId !== row.organizationId)
        throw forbidden('只有被问责单位可以说明', 'only the organisation held to account may answer');
      if (!(await acc.answerRecord(ctx.pool, row.id, actor.userId, req.body.answer))) {
        const now = await visible(actor, row.id);
        throw now.closedAt
          ? errors.conflict('accountability.closed', text('问责记录已关闭', 'The record is closed'))
          : errors.conflict(
              'accountability.already_answered',
              text('已说明过，每条记录只能说明一次', 'Already answered: a record is answered once'),
            );
      }
      return present(actor, await visible(actor, row.id));
    },
  });

  app.post('/accountability/:id/close', {
    onRequest: signedIn,
    preHandler: requireRole('supervisor'),
    schema: {
      tags: ['accountability'],
      summary: '关闭问责 Close a record (a supervisor of the organisation held to account)',
      security: bearer,
      params: idParams,
      body: z.strictObject({ reason: shortText(1000) }),
      response: { 200: recordSchema, ...errorResponses(400, 401, 403, 404, 409, 413, 415) },
    },
    handler: async (req) => {
      const actor = actorOf(req);
      const row = await visible(actor, req.params.id);
      // Closed by a supervisor of the organisation held to account: a community committee sees a department's
      // breach on its case but does not close it (补位不越位); the organisation department, which supervises
      // departments, does. Nobody closes a record against their own organisation.
      if (!actor.organizationId || !(await acc.supervises(ctx.pool, actor.organizationId, row.organizationId))) {
        throw forbidden(
          '只有被问责单位的上级督导方可以关闭',
          'only a supervisor of the organisation held to account may close it',
        );
      }
      if (!(await acc.closeRecord(ctx.pool, row.id, actor.userId, req.body.reason))) {
        throw errors.conflict('accountability.closed', text('问责记录已关闭', 'The record is already closed'));
      }
      return present(actor, await visible(actor, row.id));
    },
  });
};
