// Sign-in. Staff (and the demo residents) use username + password; residents use phone + one-time code sent
// through the notification outbox. Both open a session: a short bearer JWT and a refresh token that renews it
// (POST /auth/refresh) until sign-out (POST /auth/logout). Every attempt spends the account's one failure budget
// (api/sign-in.ts). Failures and lockouts never say whether the account exists.
import { createHmac, randomInt } from 'node:crypto';
import bcrypt from 'bcryptjs';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { jwtSecret } from '../../config';
import { ROLES, ORGANIZATION_KINDS } from '../../domain/types';
import { getUserByPhone, getUserByUsername, householdsOfResident } from '../../db/queries/reference';
import { codeIssuedWithin, consumeLoginCode, issueLoginCode } from '../../db/queries/login-codes';
import { revokeSession, rotateRefreshToken } from '../../db/queries/sessions';
import { getProfile } from '../../db/queries/users';
import { actorOf, authenticate, newRefreshSecret, parseRefreshToken } from '../auth';
import type { ApiContext } from '../context';
import { errorResponses, errors } from '../errors';
import { text } from '../i18n';
import { phoneSchema, storableString } from '../schemas';
import { openSession, signInBudget, signInNames, tokenAnswer } from '../sign-in';

const CODE_TTL_SECONDS = 300;
const CODE_RESEND_SECONDS = 60;
const CODE_MAX_ATTEMPTS = 5;
// Compared against when the username is unknown, so a miss costs as long as a wrong password.
const DUMMY_HASH = '$2b$10$Fv4EqkowEx/42JPd5.U7SuvM9PgoyZVIudda6AMpLM5Wi7lRbIel6';

const userSchema = z.object({
  id: z.string(),
  username: z.string(),
  role: z.enum(ROLES),
  organizationId: z.string().nullable(),
  personId: z.string().nullable(),
});

const tokenSchema = z.object({
  token: z.string().describe('access token (JWT): send it as `Authorization: Bearer …`'),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int().describe('seconds the access token lasts (ACCESS_TOKEN_TTL_SECONDS)'),
  refreshToken: z
    .string()
    .describe(
      'POST it to /auth/refresh for a new access token; each use replaces it, and using a replaced one ends the session',
    ),
  refreshExpiresIn: z.number().int().describe('seconds until the session ends and the user signs in again'),
  user: userSchema,
});

const refreshTokenSchema = z
  .string()
  .regex(/^[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/, '刷新令牌格式不正确 (not a refresh token)');

const profileSchema = userSchema.extend({
  phone: z.string().nullable(),
  nameZh: z.string().nullable(),
  nameEn: z.string().nullable(),
  organization: z
    .object({ id: z.string(), kind: z.enum(ORGANIZATION_KINDS), nameZh: z.string(), nameEn: z.string() })
    .nullable(),
  households: z
    .array(
      z.object({
        id: z.string(),
        compoundCode: z.string(),
        building: z.string(),
        unit: z.string(),
        room: z.string(),
        linkedPartyMember: z.object({ id: z.string(), nameZh: z.string(), nameEn: z.string() }).nullable(),
      }),
    )
    .optional()
    .describe(
      "residents only: their households (the intake form is prefilled from them) and each one's linked party member (党员联户)",
    ),
});

const codeSchema = z.string().regex(/^\d{6}$/, '验证码为 6 位数字 (the code is 6 digits)');

export const authRoutes: FastifyPluginAsyncZod<{ ctx: ApiContext }> = async (app, { ctx }) => {
  const hashCode = (phone: string, code: string) =>
    createHmac('sha256', jwtSecret(ctx.config)).update(`${phone}:${code}`).digest('hex');
  const budget = signInBudget(ctx);

  app.post('/auth/login', {
    config: { rateLimit: ctx.rateLimits.signIn },
    schema: {
      tags: ['auth'],
      summary: '登录 Sign in with username and password',
      body: z.strictObject({
        username: storableString().trim().min(1).max(64),
        password: storableString().min(1).max(200),
      }),
      response: { 200: tokenSchema, ...errorResponses(400, 401, 413, 415, 429) },
    },
    handler: async (req) => {
      const user = await getUserByUsername(ctx.pool, req.body.username);
      const names = signInNames({ username: req.body.username }, user);
      await budget.spend(names);
      const ok = await bcrypt.compare(req.body.password, user?.passwordHash ?? DUMMY_HASH);
      if (!user || !user.active || !user.passwordHash || !ok) throw errors.invalidCredentials();
      await budget.succeeded(names);
      return openSession(app, ctx, user);
    },
  });

  app.post('/auth/code', {
    config: { rateLimit: ctx.rateLimits.signIn },
    schema: {
      tags: ['auth'],
      summary: '发送验证码 Send a one-time sign-in code to a resident phone',
      description:
        'Always 202, whether or not the phone has an account, so the route cannot be used to probe for residents; 429 while the ' +
        "phone's sign-in budget is spent (each request spends one attempt of it, as a wrong code does).",
      body: z.strictObject({ phone: phoneSchema }),
      response: {
        202: z.object({ sent: z.literal(true), expiresInSeconds: z.number().int() }),
        ...errorResponses(400, 413, 415, 429),
      },
    },
    handler: async (req, reply) => {
      const { phone } = req.body;
      const user = await getUserByPhone(ctx.pool, phone);
      await budget.spend(signInNames({ phone }, user));
      if (user?.role === 'resident' && !(await codeIssuedWithin(ctx.pool, phone, CODE_RESEND_SECONDS))) {
        const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
        // The code goes out only by SMS (the outbox's sms channel; in development the console sink's DATA_DIR/sms.log):
        // never into a log line, which is kept and shared.
        await issueLoginCode(ctx.pool, { phone, code, codeHash: hashCode(phone, code), ttlSeconds: CODE_TTL_SECONDS });
      }
      return reply.code(202).send({ sent: true, expiresInSeconds: CODE_TTL_SECONDS });
    },
  });

  app.post('/auth/code/verify', {
    config: { rateLimit: ctx.rateLimits.signIn },
    schema: {
      tags: ['auth'],
      summary: '验证码登录 Sign in with phone and one-time code',
      body: z.strictObject({ phone: phoneSchema, code: codeSchema }),
      response: { 200: tokenSchema, ...errorResponses(400, 401, 413, 415, 429) },
    },
    handler: async (req) => {
      const { phone, code } = req.body;
      const user = await getUserByPhone(ctx.pool, phone);
      const names = signInNames({ phone }, user);
      await budget.spend(names);
      const ok = await consumeLoginCode(ctx.pool, phone, hashCode(phone, code), CODE_MAX_ATTEMPTS);
      if (!ok || !user || user.role !== 'resident') throw errors.invalidCode();
      await budget.succeeded(names);
      return openSession(app, ctx, user);
    },
  });

  app.post('/auth/refresh', {
    schema: {
      tags: ['auth'],
      summary: "续期 A new access token for the session's refresh token",
      description:
        'Answers a new access token and a new refresh token; the one presented stops working. Presenting it again ends the session (it was copied).',
      body: z.strictObject({ refreshToken: refreshTokenSchema }),
      response: { 200: tokenSchema, ...errorResponses(400, 401, 413, 415) },
    },
    handler: async (req) => {
      const presented = parseRefreshToken(req.body.refreshToken);
      if (!presented) throw errors.invalidRefreshToken();
      const next = newRefreshSecret();
      const rotation = await rotateRefreshToken(ctx.pool, presented.sessionId, presented.hash, next.hash);
      if (rotation.kind === 'reused') {
        ctx.reference.changed('sessions', presented.sessionId);
        req.log.warn(
          { sessionId: presented.sessionId, userId: rotation.session.userId },
          'a replaced refresh token was presented: session revoked',
        );
      }
      if (rotation.kind !== 'rotated') throw errors.invalidRefreshToken();
      const account = await ctx.reference.account(rotation.session.userId);
      if (!account || !account.active) throw errors.invalidRefreshToken();
      return tokenAnswer(app, ctx, account, rotation.session, next.secret);
    },
  });

  app.post('/auth/logout', {
    onRequest: authenticate(ctx.reference),
    schema: {
      tags: ['auth'],
      summary: "退出登录 Sign out: end this token's session",
      description: 'Its access tokens and refresh token stop working at once, in every API process.',
      security: [{ bearerAuth: [] }],
      response: { 204: z.null(), ...errorResponses(401, 409) },
    },
    handler: async (req, reply) => {
      const sessionId = req.sessionId;
      if (!sessionId)
        throw errors.conflict(
          'auth.no_session',
          text('接口密钥没有会话可退出，请吊销密钥', 'An API key has no session to end; revoke the key instead'),
        );
      await revokeSession(ctx.pool, sessionId, 'sign_out');
      ctx.reference.changed('sessions', sessionId);
      return reply.code(204).send(null);
    },
  });

  app.get('/me', {
    onRequest: authenticate(ctx.reference),
    schema: {
      tags: ['auth'],
      summary: '当前用户 The signed-in user',
      security: [{ bearerAuth: [] }],
      response: { 200: profileSchema, ...errorResponses(401) },
    },
    handler: async (req) => {
      const profile = await getProfile(ctx.pool, actorOf(req).userId);
      if (!profile) throw errors.unauthenticated();
      if (profile.role !== 'resident') return profile;
      const households = (await householdsOfResident(ctx.pool, profile.id)).map(({ linkedPartyMember: m, ...h }) => ({
        ...h,
        // The member's name only: a resident knows who visits them; the member's phone stays with staff.
        linkedPartyMember: m ? { id: m.personId, nameZh: m.nameZh, nameEn: m.nameEn } : null,
      }));
      return { ...profile, households };
    },
  });
};
