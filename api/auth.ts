// Who is asking. A bearer JWT names the user; every request then reloads that user from Postgres, so a
// deactivated account or a changed role takes effect at once rather than when the token expires.
import { createHash, timingSafeEqual } from 'node:crypto';
import jwt from '@fastify/jwt';
import type { FastifyInstance, FastifyRequest, onRequestHookHandler, preHandlerHookHandler } from 'fastify';
import type { Pool } from 'pg';
import type { Actor } from '../domain/actions';
import type { Role } from '../domain/types';
import { getUserById, type User } from '../db/queries/reference';
import { getApiKey } from '../db/queries/api-keys';
import { errors } from './errors';

export interface TokenClaims {
  userId: string;
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
  }
}

export const TOKEN_TTL_SECONDS = 12 * 3600;

export async function registerAuth(app: FastifyInstance, secret: string): Promise<void> {
  await app.register(jwt, { secret, sign: { expiresIn: TOKEN_TTL_SECONDS } });
  app.decorateRequest('actor', null);
}

export const actorFromUser = (u: Pick<User, 'id' | 'role' | 'organizationId' | 'personId'>): Actor => ({
  userId: u.id,
  role: u.role,
  organizationId: u.organizationId,
  personId: u.personId,
});

export function signToken(app: FastifyInstance, user: User): string {
  return app.jwt.sign({ userId: user.id, role: user.role, organizationId: user.organizationId, personId: user.personId });
}

export const API_KEY_HEADER = 'x-api-key';
const API_KEY_FORMAT = /^rsk_([a-z0-9]{8,32})\.([A-Za-z0-9_-]{32,128})$/;

export const hashApiSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/** An integration's key `rsk_<id>.<secret>`: the actor is its organisation in the key's role, never a person. */
async function actorFromApiKey(pool: Pool, presented: string): Promise<Actor> {
  const m = API_KEY_FORMAT.exec(presented);
  const key = m ? await getApiKey(pool, m[1]) : null;
  if (!m || !key || key.revokedAt) throw errors.unauthenticated();
  const a = Buffer.from(hashApiSecret(m[2]), 'hex');
  const b = Buffer.from(key.keyHash, 'hex');
  // Constant-time comparison: the secret must not leak through response timing.
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw errors.unauthenticated();
  return { userId: `api-key:${key.id}`, role: key.role, organizationId: key.organizationId, personId: null };
}

/** onRequest hook: runs before the body is parsed, so an anonymous caller learns nothing about the schema. */
export function authenticate(pool: Pool): onRequestHookHandler {
  return async (req) => {
    const presented = req.headers[API_KEY_HEADER];
    if (typeof presented === 'string' && !req.headers.authorization) {
      req.actor = await actorFromApiKey(pool, presented);
      return;
    }
    let claims: TokenClaims;
    try {
      claims = await req.jwtVerify<TokenClaims>();
    } catch {
      throw errors.unauthenticated();
    }
    const user = typeof claims.userId === 'string' ? await getUserById(pool, claims.userId) : null;
    if (!user || !user.active) throw errors.unauthenticated();
    req.actor = actorFromUser(user);
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
