// Who is asking. A bearer JWT names the user; every request then reloads that user from Postgres, so a
// deactivated account or a changed role takes effect at once rather than when the token expires.
import jwt from '@fastify/jwt';
import type { FastifyInstance, FastifyRequest, onRequestHookHandler, preHandlerHookHandler } from 'fastify';
import type { Pool } from 'pg';
import type { Actor } from '../domain/actions';
import type { Role } from '../domain/types';
import { getUserById, type User } from '../db/queries/reference';
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

/** onRequest hook: runs before the body is parsed, so an anonymous caller learns nothing about the schema. */
export function authenticate(pool: Pool): onRequestHookHandler {
  return async (req) => {
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
