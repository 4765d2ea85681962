// Who may see a case, and who may see the resident's name and phone on it (DOMAIN.md "Who may do what").
// One case: domain/policy.ts maySee over the scope stored in Postgres, plus the handler's history (a handler
// keeps seeing a case once dispatched to it). Lists: the same rule as a SQL scope (db/queries/case-list.ts);
// test/api/visibility.test.ts checks the two agree for every demo user.
import type { Pool } from 'pg';
import type { Actor } from '../domain/actions';
import { maySee, participation } from '../domain/policy';
import { handledBefore, type CaseDetailRow, type CaseScopeRow, type CaseViewRow, type ListScope } from '../db/queries/case-list';

type Scope = Parameters<typeof maySee>[1];

export function scopeOfRow(row: Pick<CaseViewRow, 'residentUserId' | 'handlerOrgId' | 'chain' | 'communityOrgId' | 'streetOrgId' | 'followUpOwner'>): Scope {
  return {
    residentUserId: row.residentUserId,
    currentHandlerOrgId: row.handlerOrgId,
    // The intake row always carries the chain; the columns are the fallback for a row without it.
    chain: row.chain ?? { communityOrgId: row.communityOrgId, streetOrgId: row.streetOrgId ?? '', organizationDepartmentId: '' },
    followUpOwner: row.followUpOwner,
  };
}

export async function canSee(pool: Pool, actor: Actor, row: CaseScopeRow): Promise<boolean> {
  if (maySee(actor, scopeOfRow(row))) return true;
  return handledByCaller(pool, actor, row.id);
}

/** The one way of seeing a case that its current scope does not show: a handler it was dispatched to before. */
export async function handledByCaller(pool: Pool, actor: Actor, caseId: string): Promise<boolean> {
  return actor.role === 'handler' && actor.organizationId !== null && handledBefore(pool, caseId, actor.organizationId);
}

/**
 * canSee for a row read with getCaseDetail: the handler's history is read from the row's own timeline, the same
 * events handledBefore asks Postgres about (dispatched or returned to it, forwarded to it as the department).
 */
export function canSeeDetail(actor: Actor, row: CaseDetailRow): boolean {
  if (maySee(actor, scopeOfRow(row))) return true;
  return actor.role === 'handler' && actor.organizationId !== null && handledIn(row.timeline, actor.organizationId);
}

/** Whether a timeline shows the case dispatched, returned or forwarded to this organisation. */
export function handledIn(timeline: CaseDetailRow['timeline'], orgId: string): boolean {
  return timeline.some((e) =>
    e.type === 'forwarded' ? e.payload.departmentOrgId === orgId : (e.type === 'dispatched' || e.type === 'returned') && e.payload.handlerOrgId === orgId,
  );
}

/**
 * Personal data goes only to those who must contact the resident: the resident, the handler now handling the
 * case, the community committee and the follow-up owner. Streets, departments, admins and past handlers see
 * it masked.
 */
export function seesPersonalData(actor: Actor, row: Parameters<typeof scopeOfRow>[0]): boolean {
  const who = participation(actor, scopeOfRow(row));
  return who.has('resident') || who.has('handler') || who.has('community') || who.has('follow_up_owner');
}

export function listScopeFor(actor: Actor): ListScope {
  switch (actor.role) {
    case 'admin':
    case 'system':
      return { kind: 'all' };
    case 'resident':
      return { kind: 'resident', userId: actor.userId };
    case 'handler':
      return actor.organizationId ? { kind: 'handler', orgId: actor.organizationId } : { kind: 'none' };
    case 'supervisor':
      return actor.organizationId ? { kind: 'supervisor', orgId: actor.organizationId } : { kind: 'none' };
    case 'party_member':
      return { kind: 'party_member', personId: actor.personId ?? null, orgId: actor.organizationId };
  }
}
