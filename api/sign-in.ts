// What every way of signing in shares: the failure budget per sign-in name, and the session a sign-in opens.
import type { FastifyInstance } from 'fastify';
import type { Account } from '../db/queries/reference';
import { createSession } from '../db/queries/sessions';
import { clearSignInFailures, takeSignInAttempt } from '../db/queries/sign-in-budget';
import { newRefreshSecret, refreshTokenOf, signAccessToken } from './auth';
import type { ApiContext } from './context';
import { errors } from './errors';

/** How a caller named the account: a username (password sign-in) or a phone (code sign-in). */
export type PresentedName = { username: string } | { phone: string };

/** Full-width letters and case do not make a new name: 'ＡＤＭＩＮ' spends the budget of 'admin'. */
const normalUsername = (username: string) => username.trim().normalize('NFKC').toLowerCase();

/**
 * The budgets an attempt is charged to: the name presented, and, when it names an account, every name of that
 * account, so password, code request and code verify spend one budget. An unknown name has a budget of its own
 * that behaves the same, so a lockout says nothing about whether an account exists.
 */
export function signInNames(presented: PresentedName, account: Pick<Account, 'username' | 'phone'> | null): string[] {
  const names = [
    'username' in presented ? `username:${normalUsername(presented.username)}` : `phone:${presented.phone}`,
  ];
  if (account) {
    names.push(`username:${normalUsername(account.username)}`);
    if (account.phone) names.push(`phone:${account.phone}`);
  }
  return [...new Set(names)];
}

export interface SignInBudget {
  /** Charges one attempt, or throws 429 with Retry-After while any of the names is locked. */
  spend(names: string[]): Promise<void>;
  /** A successful sign-in: the names' failures are forgotten. */
  succeeded(names: string[]): Promise<void>;
}

export function signInBudget(ctx: ApiContext): SignInBudget {
  const rules = { maxFailures: ctx.config.SIGN_IN_MAX_FAILURES, lockoutSeconds: ctx.config.SIGN_IN_LOCKOUT_SECONDS };
  return {
    async spend(names) {
      const attempt = await takeSignInAttempt(ctx.pool, names, rules);
      if (!attempt.allowed) throw errors.signInLocked(attempt.retryAfterSeconds);
    },
    succeeded: (names) => clearSignInFailures(ctx.pool, names),
  };
}

type Signable = Pick<Account, 'id' | 'username' | 'role' | 'organizationId' | 'personId'>;

/** The answer of every sign-in and refresh: a short access token, the session's refresh token, who signed in. */
export function tokenAnswer(
  app: FastifyInstance,
  ctx: ApiContext,
  user: Signable,
  session: { id: string; expiresAt: Date },
  refreshSecret: string,
) {
  return {
    token: signAccessToken(app, user, session.id),
    tokenType: 'Bearer' as const,
    expiresIn: ctx.config.ACCESS_TOKEN_TTL_SECONDS,
    refreshToken: refreshTokenOf(session.id, refreshSecret),
    refreshExpiresIn: Math.max(0, Math.round((session.expiresAt.getTime() - Date.now()) / 1000)),
    user: {
      id: user.id,
      username: user.username,
      role: user.role,
      organizationId: user.organizationId,
      personId: user.personId,
    },
  };
}

/** Opens a session for a user who has just proved who they are. */
export async function openSession(app: FastifyInstance, ctx: ApiContext, user: Signable) {
  const { secret, hash } = newRefreshSecret();
  const session = await createSession(ctx.pool, {
    userId: user.id,
    refreshTokenHash: hash,
    ttlSeconds: ctx.config.REFRESH_TOKEN_TTL_SECONDS,
  });
  return tokenAnswer(app, ctx, user, session, secret);
}
