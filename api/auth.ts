// Who is asking. A bearer JWT names the user and the sign-in session it belongs to; every request then reloads
// that account and that session (through the reference cache, which Postgres itself invalidates on every change
// to users and sessions: db/reference-cache.ts), so a deactivated account, a changed role or a signed-out session
// takes effect at once, in every API process, rather than when the token expires.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import jwt from '@fastify/jwt';
import type { FastifyInstance, FastifyRequest, onRequestHookHandler, preHandlerHookHandler } from 'fastify';
import type { Actor } from '../domain/actions';
import type { Role } from '../domain/types';
import type { ReferenceReads, User } from '../db/queries/reference';
import { errors } from './errors';

export interface TokenClaims {
  userId: string;
  /** The session (db/queries/sessions.ts) whose sign-out or reuse of a refresh token ends this token too. */
  sid: string;
  role: Role;
  organizationId: string | null;
  personId: string | null;
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: TokenClaims;
    user: TokenClaims;
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    /** The session of the bearer token; null for an API key. */
    sessionId: string | null;
  }
  interface FastifyInstance {
    verifiedTokens: VerifiedTokens;
  }
}

/**
 * Access tokens are HS256 with the claims below, all required: a token without `exp` (which would never expire) or
 * without a session is refused, and so is one issued longer ago than the access lifetime, whatever its `exp` says.
 */
export async function registerAuth(app: FastifyInstance, secret: string, accessTtlSeconds: number): Promise<void> {
  await app.register(jwt, {
    secret,
    sign: { algorithm: 'HS256', expiresIn: accessTtlSeconds },
    verify: { algorithms: ['HS256'], requiredClaims: ['exp', 'iat', 'sid', 'userId'], maxAge: accessTtlSeconds },
  });
  app.decorateRequest('actor', null);
  app.decorateRequest('sessionId', null);
  // One per app: a token is only ever known as verified under the secret of the app that verified it.
  app.decorate('verifiedTokens', new VerifiedTokens(10_000));
}

/**
 * Bearer tokens already verified, by the exact Authorization header, until a second before they expire. Verifying
 * a token again gives the same claims until then (one secret per app, no `nbf`; a signed-out session or a
 * deactivated account is refused by the session and account checks that follow, which are never skipped), so each request
 * of a signed-in client does not redo the header parsing, base64 and JSON decoding and HMAC. A token is added only
 * after it verified; a header that differs by one byte is verified afresh. Least recently used go first.
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, { claims: TokenClaims; until: number }>();
  constructor(private readonly max: number) {}

  get(header: string, now: number): TokenClaims | undefined {
    const hit = this.entries.get(header);
    if (!hit) return undefined;
    this.entries.delete(header);
    if (hit.until <= now) return undefined;
    this.entries.set(header, hit);
    return hit.claims;
  }

  add(header: string, claims: TokenClaims & { exp?: unknown }): void {
    if (typeof claims.exp !== 'number') return;
    this.entries.set(header, { claims, until: claims.exp * 1000 - 1000 });
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as string);
  }
}

export const actorFromUser = (u: Pick<User, 'id' | 'role' | 'organizationId' | 'personId'>): Actor => ({
  userId: u.id,
  role: u.role,
  organizationId: u.organizationId,
  personId: u.personId,
});

export function signAccessToken(
  app: FastifyInstance,
  user: Pick<User, 'id' | 'role' | 'organizationId' | 'personId'>,
  sessionId: string,
): string {
  return app.jwt.sign({
    userId: user.id,
    sid: sessionId,
    role: user.role,
    organizationId: user.organizationId,
    personId: user.personId,
  });
}

const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const REFRESH_TOKEN_FORMAT = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/;

/** A refresh token `<session id>.<secret>`: 256 random bits, of which only the SHA-256 is stored. */
export function newRefreshSecret(): { secret: string; hash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { secret, hash: hashApiSecret(secret) };
}

export const refreshTokenOf = (sessionId: string, secret: string): string => `${sessionId}.${secret}`;

export function parseRefreshToken(token: string): { sessionId: string; hash: string } | null {
  const m = REFRESH_TOKEN_FORMAT.exec(token);
  return m ? { sessionId: m[1], hash: hashApiSecret(m[2]) } : null;
}

export const API_KEY_HEADER = 'x-api-key';
const API_KEY_FORMAT = /^rsk_([a-z0-9]{8,32})\.([A-Za-z0-9_-]{32,128})$/;

export const hashApiSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/** An integration's key `rsk_<id>.<secret>`: the actor is its organisation in the key's role, never a person. */
async function actorFromApiKey(reads: ReferenceReads, presented: string): Promise<Actor> {
  const m = API_KEY_FORMAT.exec(presented);
  const key = m ? await reads.apiKey(m[1]) : null;
  if (!m || !key || key.revokedAt) throw errors.unauthenticated();
  const a = Buffer.from(hashApiSecret(m[2]), 'hex');
  const b = Buffer.from(key.keyHash, 'hex');
  // Constant-time comparison: the secret must not leak through response timing.
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw errors.unauthenticated();
  return { userId: `api-key:${key.id}`, role: key.role, organizationId: key.organizationId, personId: null };
}

/** onRequest hook: runs before the body is parsed, so an anonymous caller learns nothing about the schema. */
export function authenticate(reads: ReferenceReads): onRequestHookHandler {
  return async (req) => {
    const presented = req.headers[API_KEY_HEADER];
    if (typeof presented === 'string' && !req.headers.authorization) {
      req.actor = await actorFromApiKey(reads, presented);
      return;
    }
    const header = req.headers.authorization;
    let claims = header === undefined ? undefined : req.server.verifiedTokens.get(header, Date.now());
    if (!claims) {
      try {
        claims = await req.jwtVerify<TokenClaims>();
      } catch {
        throw errors.unauthenticated();
      }
      if (header !== undefined) req.server.verifiedTokens.add(header, claims);
    }
    if (typeof claims.userId !== 'string' || typeof claims.sid !== 'string' || !SESSION_ID.test(claims.sid))
      throw errors.unauthenticated();
    const [session, user] = await Promise.all([reads.session(claims.sid), reads.account(claims.userId)]);
    const ended =
      !session ||
      session.revokedAt !== null ||
      session.userId !== claims.userId ||
      session.expiresAt.getTime() <= Date.now();
    if (ended || !user || !user.active) throw errors.unauthenticated();
    req.actor = actorFromUser(user);
    req.sessionId = session.id;
  };
}

/** The signed-in actor; routes behind `authenticate` always have one. */
export function actorOf(req: FastifyRequest): Actor {
  if (!req.actor) throw errors.unauthenticated();
  return req.actor;
}

export function requireRole(...roles: Role[]): preHandlerHookHandler {
  return async (req) => {
    if (!roles.includes(actorOf(req).role)) throw errors.roleForbidden();
  };
}
