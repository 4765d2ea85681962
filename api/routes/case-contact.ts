// The contact on a case (SECURITY.md "On-behalf filing"): a case staff filed for a resident carries no personal
// data from the resident's account until the resident confirms it, and a phone typed by staff, or by a resident for
// someone else, stays unverified until a code sent to it by SMS comes back. The contact lives in the projection row
// only (the workflow's intake never carries it), so none of this touches a workflow; each change is audited.
import { createHmac, randomInt } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { jwtSecret } from '../../config';
import type { Actor } from '../../domain/actions';
import {
  confirmOwnContact,
  contactCodesSent,
  getCaseContact,
  issueContactCode,
  verifyContactCode,
  type CaseContact,
} from '../../db/queries/case-contact';
import { getCaseView } from '../../db/queries/case-list';
import { actorOf, authenticate, requireRole } from '../auth';
import type { ApiContext } from '../context';
import { ApiError, errorResponses, errors } from '../errors';
import { text } from '../i18n';
import { bearer, caseIdParams } from '../schemas';
import { canSee } from '../visibility';

const CODE_TTL_SECONDS = 300;
const CODE_RESEND_SECONDS = 60;
const CODE_MAX_ATTEMPTS = 5;
/** Codes one phone receives a day, whichever cases ask: the route must not become a way to flood a stranger's phone. */
const CODES_PER_PHONE_PER_DAY = 5;

const contactSchema = z.object({
  name: z.string().nullable(),
  phone: z.string().nullable(),
  contactVerified: z
    .boolean()
    .describe("the phone is the complainant's own account phone or was confirmed by SMS code"),
});

export const caseContactRoutes: FastifyPluginAsyncZod<{ ctx: ApiContext }> = async (app, { ctx }) => {
  // Answers carry the complainant's contact: never kept by a browser or proxy cache (as the other case routes).
  app.addHook('onRequest', (_req, reply, done) => {
    reply.header('cache-control', 'no-store');
    done();
  });
  app.addHook('onRequest', authenticate(ctx.reference));
  const hashCode = (caseId: string, phone: string, code: string) =>
    createHmac('sha256', jwtSecret(ctx.config)).update(`contact:${caseId}:${phone}:${code}`).digest('hex');

  /** The case's contact if the caller is its complainant (or, with `filer`, the account that filed it). */
  const contactFor = async (
    actor: Actor,
    caseId: string,
    who: 'complainant' | 'complainant_or_filer',
  ): Promise<CaseContact> => {
    const row = await getCaseContact(ctx.pool, caseId);
    if (
      row &&
      (row.residentUserId === actor.userId || (who === 'complainant_or_filer' && row.filedBy === actor.userId))
    )
      return row;
    // Others who may see the case are told it is not theirs to do; everyone else gets the 404 of a missing case.
    const view = row ? await getCaseView(ctx.pool, { id: caseId }) : null;
    if (view && canSee(actor, view)) throw errors.roleForbidden();
    throw errors.caseNotFound();
  };

  app.post('/cases/:id/contact/confirm', {
    preHandler: requireRole('resident'),
    schema: {
      tags: ['cases'],
      summary: '确认联系方式 The complainant confirms their own contact on the case',
      description:
        "Copies the name and phone of the complainant's account into the case (a case filed on their behalf starts without them) and marks it verified.",
      security: bearer,
      params: caseIdParams,
      response: { 200: contactSchema, ...errorResponses(400, 401, 403, 404) },
    },
    handler: async (req) => {
      const actor = actorOf(req);
      const row = await contactFor(actor, req.params.id, 'complainant');
      const account = await ctx.reference.residentContact(actor.userId);
      await confirmOwnContact(ctx.pool, {
        caseId: row.id,
        userId: actor.userId,
        name: account?.nameZh ?? null,
        phone: account?.phone ?? null,
        requestId: req.id,
      });
      ctx.cases.changed(row.id);
      return { name: account?.nameZh ?? null, phone: account?.phone ?? null, contactVerified: true };
    },
  });

  app.post('/cases/:id/contact/verification', {
    config: { rateLimit: ctx.rateLimits.signIn },
    schema: {
      tags: ['cases'],
      summary: "发送联系电话验证码 Send a code to the case's contact phone",
      description: `By the complainant or the account that filed the case. The code goes by SMS (the notification outbox); one a minute to a case or a phone, ${CODES_PER_PHONE_PER_DAY} a day to a phone.`,
      security: bearer,
      params: caseIdParams,
      response: {
        202: z.object({ sent: z.boolean(), expiresInSeconds: z.number().int() }),
        ...errorResponses(400, 401, 403, 404, 409, 429),
      },
    },
    handler: async (req, reply) => {
      const actor = actorOf(req);
      const row = await contactFor(actor, req.params.id, 'complainant_or_filer');
      if (row.phone === null)
        throw errors.conflict('contact.no_phone', text('该工单没有联系电话', 'The case has no contact phone'));
      if (row.verified)
        throw errors.conflict(
          'contact.already_verified',
          text('联系电话已核实', 'The contact phone is already verified'),
        );
      const sent = await contactCodesSent(ctx.pool, row.id, row.phone, CODE_RESEND_SECONDS);
      if (sent.recent || sent.today >= CODES_PER_PHONE_PER_DAY) {
        const wait = sent.today >= CODES_PER_PHONE_PER_DAY ? 86_400 : CODE_RESEND_SECONDS;
        throw new ApiError(
          429,
          'contact.code_recently_sent',
          text('验证码已发送，请稍后再试', 'A code was sent to this phone recently; try again later'),
          [],
          {
            'retry-after': String(wait),
          },
        );
      }
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      await issueContactCode(ctx.pool, {
        caseId: row.id,
        trackingCode: row.trackingCode,
        phone: row.phone,
        code,
        codeHash: hashCode(row.id, row.phone, code),
        requestedBy: actor.userId,
        ttlSeconds: CODE_TTL_SECONDS,
      });
      return reply.code(202).send({ sent: true, expiresInSeconds: CODE_TTL_SECONDS });
    },
  });

  app.post('/cases/:id/contact/verify', {
    config: { rateLimit: ctx.rateLimits.signIn },
    schema: {
      tags: ['cases'],
      summary: "核实联系电话 Verify the case's contact phone with the code sent to it",
      description: `Five attempts per code, which expires after ${CODE_TTL_SECONDS / 60} minutes.`,
      security: bearer,
      params: caseIdParams,
      body: z.strictObject({ code: z.string().regex(/^\d{6}$/, '验证码为 6 位数字 (a code is 6 digits)') }),
      response: { 200: contactSchema.pick({ contactVerified: true }), ...errorResponses(400, 401, 403, 404, 429) },
    },
    handler: async (req) => {
      const actor = actorOf(req);
      const row = await contactFor(actor, req.params.id, 'complainant_or_filer');
      const ok =
        row.phone !== null &&
        (await verifyContactCode(ctx.pool, {
          caseId: row.id,
          codeHash: hashCode(row.id, row.phone, req.body.code),
          maxAttempts: CODE_MAX_ATTEMPTS,
          userId: actor.userId,
          requestId: req.id,
        }));
      if (!ok) throw errors.field('code', text('验证码错误或已过期', 'the code is wrong or has expired'));
      ctx.cases.changed(row.id);
      return { contactVerified: true };
    },
  });
};
