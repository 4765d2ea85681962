// Who may see a case, and who may see the resident's name and phone on it (DOMAIN.md "Who may do what").
// One case: domain/policy.ts maySee over the scope stored in the projection, which knows every handler the case
// has had — the same rule the workflow applies to its own state. Lists: the same rule as a SQL scope
// (db/queries/case-list.ts); test/api/visibility.test.ts checks the two agree for every demo user.
import type { Actor } from '../domain/actions';
import { maySee, participation } from '../domain/policy';
import type { Level } from '../domain/types';
import type { CaseScopeRow, ListScope } from '../db/queries/case-list';

type Scope = Parameters<typeof maySee>[1];
type ScopeFields = Pick<
  CaseScopeRow,
  | 'residentUserId'
  | 'coComplainants'
  | 'handlerOrgId'
  | 'handlerHistory'
  | 'level'
  | 'supervisorOrgId'
  | 'chain'
  | 'communityOrgId'
  | 'streetOrgId'
  | 'followUpOwner'
>;

export function scopeOfRow(row: ScopeFields): Scope {
  // The intake row always carries the chain; the columns are the fallback for a row without it.
  const chain = row.chain ?? {
    communityOrgId: row.communityOrgId,
    streetOrgId: row.streetOrgId ?? '',
    organizationDepartmentId: '',
  };
  return {
    residentUserId: row.residentUserId,
    coComplainants: row.coComplainants ?? [],
    currentHandlerOrgId: row.handlerOrgId,
    handlerHistory: row.handlerHistory ?? [],
    level: row.level as Level,
    supervisorOrgId: row.supervisorOrgId ?? chain.communityOrgId,
    chain,
    followUpOwner: row.followUpOwner,
  };
}

export function canSee(actor: Actor, row: ScopeFields): boolean {
  return maySee(actor, scopeOfRow(row));
}

/**
 * What of the resident's personal data (name, phone, household, location finer than the building) the caller may
 * have: `complainant` — it is their own; `contact` — they must contact the resident: the handler now handling the
 * case and the follow-up owner while it is open, and the supervising community committee; `none` — everyone else
 * (streets, departments, the organisation department, admins, past handlers, the residents of merged cases).
 */
export type PersonalDataAccess = 'complainant' | 'contact' | 'none';

export function personalDataAccess(actor: Actor, row: ScopeFields & { status: string }): PersonalDataAccess {
  const who = participation(actor, scopeOfRow(row));
  if (who.has('complainant')) return 'complainant';
  if (who.has('community')) return 'contact';
  const open = row.status !== 'closed';
  return open && (who.has('handler') || who.has('follow_up_owner')) ? 'contact' : 'none';
}

/** Who may read a case's log of personal data views: its complainant, the supervising community committee, admins. */
export function mayReadViewLog(actor: Actor, row: ScopeFields): boolean {
  if (actor.role === 'admin') return true;
  const who = participation(actor, scopeOfRow(row));
  return who.has('complainant') || who.has('community');
}

export function listScopeFor(actor: Actor): ListScope {
  switch (actor.role) {
    case 'admin':
      return { kind: 'all' };
    case 'resident':
      return { kind: 'resident', userId: actor.userId };
    case 'handler':
      return actor.organizationId ? { kind: 'handler', orgId: actor.organizationId } : { kind: 'none' };
    case 'supervisor':
      return actor.organizationId ? { kind: 'supervisor', orgId: actor.organizationId } : { kind: 'none' };
    case 'party_member':
      return { kind: 'party_member', personId: actor.personId ?? null, orgId: actor.organizationId };
    case 'system':
      return { kind: 'none' };
  }
}
