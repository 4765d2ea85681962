// Cases: intake (民意收集) and reads. Reads come from the Postgres projection only and never wait on a worker;
// a case the caller may not see is answered 404, exactly like one that does not exist.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Actor } from '../../domain/actions';
import type { Role } from '../../domain/types';
import { cstTime, addCalendarDays } from '../../domain/calendar';
import {
  getCaseDetail,
  getCaseScope,
  getCaseView,
  listCases,
  type CaseCursor,
  type CaseViewRow,
} from '../../db/queries/case-list';
import { listContactViews, recordPersonalDataView } from '../../db/queries/personal-data-views';
import { actorOf, authenticate, requireRole } from '../auth';
import {
  disclosedFields,
  isCoComplainant,
  loadNames,
  opaqueUserIds,
  presentDetail,
  presentSummary,
  type PersonalField,
} from '../case-view';
import type { ApiContext } from '../context';
import { fastSerializerCompiler } from '../fast-serializer';
import { ApiError, errorResponses, errors } from '../errors';
import { text } from '../i18n';
import { FILING_ROLES, fileFromRequest } from '../intake';
import { MAX_PHOTOS, MAX_PHOTO_DATA_URL } from '../photos';
import { bearer, caseIdParams } from '../schemas';
import { PHOTO_ID_PATTERN } from '../storage';
import { canSee, listScopeFor, mayReadViewLog, personalDataAccess } from '../visibility';
import { jwtSecret } from '../../config';
import {
  CONTACT_VIEWS_LIMIT,
  caseDetailSchema,
  caseViewQuerySchema,
  contactViewsResponseSchema,
  intakeBodySchema,
  intakeHeadersSchema,
  intakeResponseSchema,
  listQuerySchema,
  listResponseSchema,
  trackingCodeParams,
} from './case-schemas';

const contactForbidden = () =>
  new ApiError(
    403,
    'case.contact_forbidden',
    text(
      '只有正在办理的承办单位、跟踪人和社区居委会可以查看居民的联系方式',
      "Only the current handler, the follow-up owner and the community committee may see the resident's contact details",
    ),
  );

/** Nine full-size photos in base64 plus the rest of the form. */
export const INTAKE_BODY_LIMIT = MAX_PHOTOS * MAX_PHOTO_DATA_URL + 64 * 1024;

// Exactly what db/queries/case-list.ts writes: anything else could be a date Postgres reads differently.
const CURSOR_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const encodeCursor = (c: CaseCursor) => Buffer.from(JSON.stringify([c.at, c.id])).toString('base64url');

function decodeCursor(raw: string): CaseCursor {
  try {
    const [at, id] = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown[];
    if (
      typeof at === 'string' &&
      CURSOR_AT.test(at) &&
      !Number.isNaN(Date.parse(at)) &&
      typeof id === 'string' &&
      z.uuid().safeParse(id).success
    )
      return { at, id };
  } catch {
    // fall through: any undecodable cursor is the client's error, not ours
  }
  throw errors.field('cursor', text('无效的分页游标', 'not a cursor this API issued'));
}

export const caseRoutes: FastifyPluginAsyncZod<{ ctx: ApiContext }> = async (app, { ctx }) => {
  // No cache keeps these answers: buildApp's no-store covers every API answer (a photo sets its own).
  app.addHook('onRequest', authenticate(ctx.reference));
  const userIds = opaqueUserIds(jwtSecret(ctx.config));
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
   * case cache (db/case-cache.ts), by tracking code from Postgres. Names come from the reference cache. The resident's
   * personal data goes to anyone but the complainant only when asked for (`reveal`), and that read is logged before it
   * is answered, cached or not; asked for by someone who may not have it, it is refused rather than quietly withheld.
   */
  const detail = async (
    actor: Actor,
    requestId: string,
    by: { id: string } | { trackingCode: string },
    reveal: boolean,
  ) => {
    const row = 'id' in by ? await ctx.cases.detail(by.id) : await getCaseDetail(ctx.pool, by);
    if (!row || !canSee(actor, row)) throw errors.caseNotFound();
    const access = personalDataAccess(actor, row);
    if (reveal && access === 'none') throw contactForbidden();
    const fields = disclosedFields(row, access, reveal);
    const [names] = await Promise.all([
      loadNames(ctx.reference, [row]),
      fields.length > 0 &&
        recordPersonalDataView(ctx.pool, {
          caseId: row.id,
          viewerUserId: actor.userId,
          viewerRole: actor.role,
          viewerOrganizationId: actor.organizationId,
          fields,
          requestId,
        }),
    ]);
    return presentDetail(row, actor, names, Date.now(), userIds(actor.userId), reveal);
  };

  app.post('/cases', {
    bodyLimit: INTAKE_BODY_LIMIT,
    config: { rateLimit: ctx.rateLimits.intake },
    preHandler: requireRole(...FILING_ROLES),
    schema: {
      tags: ['cases'],
      summary: '提交诉求 File a case',
      description:
        "A resident files for themselves, about a compound where they have a household; staff file about compounds they serve or supervise, on behalf of a resident living there (the resident's own contact is not copied until they confirm it). Each account may file a number of cases a day (429 with Retry-After beyond it). A retry with the same Idempotency-Key returns the same case (200) instead of a second one.",
      security: bearer,
      headers: intakeHeadersSchema,
      body: intakeBodySchema,
      response: {
        201: intakeResponseSchema,
        200: intakeResponseSchema,
        ...errorResponses(400, 401, 403, 409, 413, 415, 429, 503),
      },
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
          building: q.building,
          handlerOrgId: q.handler,
          categoryCode: q.category,
          overdue: q.overdue === undefined ? undefined : q.overdue === 'true',
          // Days are China Standard Time days, as everywhere in the loop.
          createdFrom: q.from ? new Date(cstTime(q.from, 0)) : undefined,
          createdBefore: q.to ? new Date(cstTime(addCalendarDays(q.to, 1), 0)) : undefined,
          text: q.q,
          pending: q.pending,
          // An admin decides nothing and sees what waits for anyone.
          deciderOrgId: actor.role === 'admin' ? null : actor.organizationId,
        },
        { limit: q.limit, after: q.cursor ? decodeCursor(q.cursor) : undefined },
      );
      const names = await loadNames(ctx.reference, rows);
      const now = Date.now();
      return {
        items: rows.map((r) => presentSummary(r, actor, names, now)),
        nextCursor: next ? encodeCursor(next) : null,
      };
    },
  });

  app.get('/cases/by-tracking-code/:code', {
    schema: {
      tags: ['cases'],
      summary: '按查询码查看 A case by its tracking code',
      security: bearer,
      params: trackingCodeParams,
      querystring: caseViewQuerySchema,
      response: { 200: caseDetailSchema, ...errorResponses(400, 401, 403, 404) },
    },
    serializerCompiler: detailSerializer,
    handler: async (req) =>
      detail(actorOf(req), req.id, { trackingCode: req.params.code.toUpperCase() }, req.query.contact === 'reveal'),
  });

  app.get('/cases/:id', {
    schema: {
      tags: ['cases'],
      summary: '工单详情 A case: state, deadlines, timeline',
      description:
        "The resident's name, phone, household and room: to the complainant always; to the current handler, the follow-up owner and the community committee (resident.revealable) only with contact=reveal, each such read logged (contact-views).",
      security: bearer,
      params: caseIdParams,
      querystring: caseViewQuerySchema,
      response: { 200: caseDetailSchema, ...errorResponses(400, 401, 403, 404) },
    },
    serializerCompiler: detailSerializer,
    handler: async (req) => detail(actorOf(req), req.id, { id: req.params.id }, req.query.contact === 'reveal'),
  });

  app.get('/cases/:id/photos/:photoId', {
    schema: {
      tags: ['cases'],
      summary: '工单照片 A photo of a case',
      security: bearer,
      params: z.strictObject({
        id: z.uuid(),
        photoId: z.string().regex(PHOTO_ID_PATTERN, '无效的照片编号 (not a photo id)'),
      }),
      response: {
        200: {
          description: 'The image',
          content: {
            'image/jpeg': { schema: z.string() },
            'image/png': { schema: z.string() },
            'image/webp': { schema: z.string() },
          },
        },
        ...errorResponses(400, 401, 404),
      },
    },
    handler: async (req, reply) => {
      const actor = actorOf(req);
      const row = await visibleCase(actor, { id: req.params.id });
      // A photo may show the resident, their door or their room: never kept by a browser or a proxy, never a follower's.
      const shown = row.photos.includes(req.params.photoId) && !isCoComplainant(actor, row);
      const photo = shown ? await ctx.storage.get(req.params.photoId) : null;
      if (!photo) throw errors.notFound('photo.not_found', text('照片不存在', 'Photo not found'));
      // A Buffer is sent as it is (Fastify never serializes one); the schema's string type is for the document.
      return reply
        .type(photo.mime)
        .header('cache-control', 'private, no-store')
        .send(photo.bytes as unknown as string);
    },
  });
  app.get('/cases/:id/contact-views', {
    schema: {
      tags: ['cases'],
      summary: "谁查看了我的联系方式 Who viewed the resident's contact details",
      description: `Every read that showed the resident's name, phone, household or location finer than the building to someone other than the complainant, newest first; reads of one viewer with the same fields within one hour are one entry, at most ${CONTACT_VIEWS_LIMIT}. For the complainant, the supervising community committee and admins.`,
      security: bearer,
      params: caseIdParams,
      response: { 200: contactViewsResponseSchema, ...errorResponses(400, 401, 403, 404) },
    },
    handler: async (req) => {
      const actor = actorOf(req);
      const row = await getCaseScope(ctx.pool, req.params.id);
      if (!row || !canSee(actor, row)) throw errors.caseNotFound();
      if (!mayReadViewLog(actor, row)) {
        throw new ApiError(
          403,
          'case.forbidden',
          text(
            '只有投诉人、社区居委会和管理员可以查看此记录',
            'Only the complainant, the community committee and admins may read this log',
          ),
        );
      }
      const rows = await listContactViews(ctx.pool, row.id, CONTACT_VIEWS_LIMIT + 1);
      return {
        items: rows.slice(0, CONTACT_VIEWS_LIMIT).map((v) => ({
          at: v.at,
          firstAt: v.firstAt,
          reads: v.reads,
          viewer: {
            role: v.viewerRole as Role,
            organization:
              v.organizationId === null
                ? null
                : { id: v.organizationId, nameZh: v.organizationNameZh ?? '', nameEn: v.organizationNameEn ?? '' },
            name: v.viewerNameZh === null ? null : { nameZh: v.viewerNameZh, nameEn: v.viewerNameEn ?? '' },
          },
          fields: v.fields as PersonalField[],
        })),
        truncated: rows.length > CONTACT_VIEWS_LIMIT,
      };
    },
  });
};
