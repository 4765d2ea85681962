// Who may do what (DOMAIN.md "Who may do what"), as one role × action × organisation-scope policy.
// "补位、到位，但不越位": supervisors urge, follow up, decide, escalate and close with a reason, but only the
// responsible handler acknowledges and resolves.
import type { ActionType, Actor } from './actions';
import type { CaseState } from './case-state';

type Who = 'resident' | 'handler' | 'community' | 'supervisor' | 'street' | 'organization_department' | 'follow_up_owner';

/** Which kinds of participant may take each action. */
export const ACTION_POLICY: Record<ActionType, Who[]> = {
  acknowledge: ['handler'],
  progress: ['handler'],
  resolve: ['handler'],
  request_extension: ['handler'],
  return: ['handler'],
  decide_extension: ['supervisor'],
  reroute: ['supervisor'],
  urge: ['supervisor'],
  close: ['supervisor'],
  escalate: ['supervisor'],
  report: ['street'],
  forward: ['organization_department'],
  assign_follow_up: ['community'],
  record_follow_up: ['community', 'follow_up_owner'],
  evaluate: ['resident'],
  add_information: ['resident'],
  withdraw: ['resident'],
};

type Scope = Pick<CaseState, 'residentUserId' | 'currentHandlerOrgId' | 'chain' | 'followUpOwner'>;

/** What the actor is to this case: the roles it plays in it (none: the case is not its business). */
export function participation(actor: Actor, c: Scope): Set<Who> {
  const who = new Set<Who>();
  const org = actor.organizationId;
  if (actor.role === 'resident' && c.residentUserId !== null && actor.userId === c.residentUserId) who.add('resident');
  if (actor.role === 'handler' && org !== null && org === c.currentHandlerOrgId) who.add('handler');
  if (actor.role === 'supervisor' && org !== null) {
    // A supervisor at any level above the compound may step in (补位); the lower levels keep their case.
    if (org === c.chain.communityOrgId) who.add('community').add('supervisor');
    if (org === c.chain.streetOrgId) who.add('street').add('supervisor');
    if (org === c.chain.organizationDepartmentId) who.add('organization_department').add('supervisor');
  }
  const owner = c.followUpOwner;
  if (owner && actor.role === 'party_member') {
    if (owner.kind === 'party_member' && actor.personId === owner.id) who.add('follow_up_owner');
    if (owner.kind === 'grid_branch' && org === owner.id) who.add('follow_up_owner');
  }
  return who;
}

/** A party member linked to the case (its follow-up owner) may see it as well. */
export function maySee(actor: Actor, c: Scope): boolean {
  return actor.role === 'admin' || actor.role === 'system' || participation(actor, c).size > 0;
}

/** null when allowed; otherwise the reason, for a 403. */
export function authorize(actor: Actor, action: ActionType, c: Scope): string | null {
  if (actor.role === 'system') return null;
  const who = participation(actor, c);
  if (ACTION_POLICY[action].some((w) => who.has(w))) return null;
  if ((action === 'acknowledge' || action === 'resolve' || action === 'progress') && who.has('supervisor')) {
    return '补位不越位：监督方不能代替承办单位受理或办结 (a supervisor may not act as the handler)';
  }
  if (who.size === 0) return '无权处理此工单 (this case is not within your organisation\'s scope)';
  return `当前角色不能执行此操作 (your role may not ${action.replace(/_/g, ' ')} this case)`;
}
