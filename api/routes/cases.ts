// Cases: intake (民意收集) and reads. Reads come from the Postgres projection only and never wait on a worker;
// a case the caller may not see is answered 404, exactly like one that does not exist.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Actor } from '../../domain/actions';
import { cstTime, addCalendarDays } from '../../domain/calendar';
import { getCaseDetail, getCaseView, listCases, type CaseCursor, type CaseViewRow } from '../../db/queries/case-list';
import { actorOf, authenticate, requireRole } from '../auth';
import { loadNames, presentDetail, presentSummary } from '../case-view';
import type { ApiContext } from '../context';
import { fastSerializerCompiler } from '../fast-serializer';
import { errorResponses, errors } from '../errors';
import { text } from '../i18n';
import { FILING_ROLES, fileFromRequest } from '../intake';
import { MAX_PHOTOS, MAX_PHOTO_DATA_URL } from '../photos';
import { bearer, caseIdParams } from '../schemas';
import { PHOTO_ID_PATTERN } from '../storage';
import { canSee, listScopeFor } from '../visibility';
import {
  caseDetailSchema,
  intakeBodySchema,
  intakeHeadersSchema,
  intakeResponseSchema,
  listQuerySchema,
  listResponseSchema,
  trackingCodeParams,
} from './case-schemas';

/** Nine full-size photos in base64 plus the rest of the form. */
export const INTAKE_BODY_LIMIT = MAX_PHOTOS * MAX_PHOTO_DATA_URL + 64 * 1024;

// Exactly what db/queries/case-list.ts writes: anything else could be a date Postgres reads differently.
const CURSOR_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const encodeCursor = (c: CaseCursor) => Buffer.from(JSON.stringify([c.at, c.id])).toString('base64url');

function decodeCursor(raw: string): CaseCursor {
  try {
    const [at, id] = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown[];
    if (typeof at === 'string' && CURSOR_AT.test(at) && !Number.isNaN(Date.parse(at)) && typeof id === 'string' && z.uuid().safeParse(id).success) return { at, id };
  } catch {
    // fall through: any undecodable cursor is the client's error, not ours
  }
  throw errors.field('cursor', text('无效的分页游标', 'not a cursor this API issued'));
}

export const caseRoutes: FastifyPluginAsyncZod<{ ctx: ApiContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', authenticate(ctx.reference));
  // A case's detail is the most read answer, intake's the most written: both by fast-json-stringify, checked against
  // zod outside production.
  const detailSerializer = fastSerializerCompiler({ verify: ctx.config.NODE_ENV !== 'production' });

  /** The case if this caller may see it; otherwise the same 404 as a case that does not exist. */
  const visibleCase = async (actor: Actor, by: { id: string }): Promise<CaseViewRow> => {
    const row = await getCaseView(ctx.pool, by);
    if (!row || !canSee(actor, row)) throw errors.caseNotFound();
    return row;
  };
  /**
   * The same rule for reading a case, decided from one read of it with its timeline (getCaseDetail): by id from the
   * case cache (db/case-cache.ts), by tracking code from Postgres. Names come from the reference cache.
   */
  const detail = async (actor: Actor, by: { id: string } | { trackingCode: string }) => {
    const row = 'id' in by ? await ctx.cases.detail(by.id) : await getCaseDetail(ctx.pool, by);
    if (!row || !canSee(actor, row)) throw errors.caseNotFound();
    const names = await loadNames(ctx.reference, [row]);
    return presentDetail(row, actor, names, Date.now());
  };

  app.post('/cases', {
    bodyLimit: INTAKE_BODY_LIMIT,
    config: { rateLimit: ctx.rateLimits.intake },
    preHandler: requireRole(...FILING_ROLES),
    schema: {
      tags: ['cases'],
      summary: '提交诉求 File a case',
      description: 'A resident files for themselves; staff may file on a resident\'s behalf. A retry with the same Idempotency-Key returns the same case (200) instead of a second one.',
      security: bearer,
      headers: intakeHeadersSchema,
      body: intakeBodySchema,
      response: { 201: intakeResponseSchema, 200: intakeResponseSchema, ...errorResponses(400, 401, 403, 409, 413, 415, 429, 503) },
    },
    serializerCompiler: detailSerializer,
    handler: async (req, reply) => {
      const { result, response } = await fileFromRequest(ctx, actorOf(req), req.body, req.headers['idempotency-key']);
      return reply
        .code(result.created ? 201 : 200)
        .header('location', `/api/v1/cases/${result.caseId}`)
        .send(response);
    },
  });

  app.get('/cases', {
    schema: {
      tags: ['cases'],
      summary: '工单列表 List the cases you may see',
      description: 'Newest first (created_at, id); pass nextCursor as cursor for the next page.',
      security: bearer,
      querystring: listQuerySchema,
      response: { 200: listResponseSchema, ...errorResponses(400, 401) },
    },
    handler: async (req) => {
      const actor = actorOf(req);
      const q = req.query;
      const { rows, next } = await listCases(
        ctx.pool,
        listScopeFor(actor),
        {
          status: q.status,
          stage: q.stage,
          level: q.level,
          communityOrgId: q.community,
          compoundCode: q.compound,
          handlerOrgId: q.handler,
          categoryCode: q.category,
          overdue: q.overdue === undefined ? undefined : q.overdue === 'true',
          // Days are China Standard Time days, as everywhere in the loop.
          createdFrom: q.from ? new Date(cstTime(q.from, 0)) : undefined,
          createdBefore: q.to ? new Date(cstTime(addCalendarDays(q.to, 1), 0)) : undefined,
          text: q.q,
        },
        { limit: q.limit, after: q.cursor ? decodeCursor(q.cursor) : undefined },
      );
      const names = await loadNames(ctx.reference, rows);
      const now = Date.now();
      return { items: rows.map((r) => presentSummary(r, actor, names, now)), nextCursor: next ? encodeCursor(next) : null };
    },
  });

  app.get('/cases/by-tracking-code/:code', {
    schema: {
      tags: ['cases'],
      summary: '按查询码查看 A case by its tracking code',
      security: bearer,
      params: trackingCodeParams,
      response: { 200: caseDetailSchema, ...errorResponses(400, 401, 404) },
    },
    serializerCompiler: detailSerializer,
    handler: async (req) => detail(actorOf(req), { trackingCode: req.params.code.toUpperCase() }),
  });

  app.get('/cases/:id', {
    schema: {
      tags: ['cases'],
      summary: '工单详情 A case: state, deadlines, timeline',
      security: bearer,
      params: caseIdParams,
      response: { 200: caseDetailSchema, ...errorResponses(400, 401, 404) },
    },
    serializerCompiler: detailSerializer,
    handler: async (req) => detail(actorOf(req), { id: req.params.id }),
  });

  app.get('/cases/:id/photos/:photoId', {
    schema: {
      tags: ['cases'],
      summary: '工单照片 A photo of a case',
      security: bearer,
      params: z.strictObject({ id: z.uuid(), photoId: z.string().regex(PHOTO_ID_PATTERN, '无效的照片编号 (not a photo id)') }),
      response: {
        200: { description: 'The image', content: { 'image/jpeg': { schema: z.string() }, 'image/png': { schema: z.string() }, 'image/webp': { schema: z.string() } } },
        ...errorResponses(400, 401, 404),
      },
    },
    handler: async (req, reply) => {
      const row = await visibleCase(actorOf(req), { id: req.params.id });
      const photo = row.photos.includes(req.params.photoId) ? await ctx.storage.get(req.params.photoId) : null;
      if (!photo) throw errors.notFound('photo.not_found', text('照片不存在', 'Photo not found'));
      // A Buffer is sent as it is (Fastify never serializes one); the schema's string type is for the document.
      return reply.type(photo.mime).header('cache-control', 'private, max-age=86400, immutable').send(photo.bytes as unknown as string);
    },
  });
};
