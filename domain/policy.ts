// Who may do what (DOMAIN.md "Who may do what", "Who controls a case"), as one role × action × scope policy.
// "补位、到位，但不越位": supervisors urge, follow up, decide and escalate, but only the responsible handler
// acknowledges and resolves; control belongs to the level the case has reached.
import type { ActionType, Actor } from './actions';
import type { CaseState } from './case-state';
import type { Level } from './types';
import { LEVELS } from './types';

type Who =
  | 'resident'
  | 'complainant'
  | 'handler'
  | 'past_handler'
  | 'controller'
  | 'supervisor'
  | 'community'
  | 'above'
  | 'follow_up_owner';

/** Which kinds of participant may take each action. */
export const ACTION_POLICY: Record<ActionType, Who[]> = {
  acknowledge: ['handler'],
  progress: ['handler'],
  resolve: ['handler'],
  request_extension: ['handler'],
  return: ['handler'],
  request_pause: ['handler'],
  resume: ['handler', 'controller'],
  decide_extension: ['controller'],
  decide_return: ['controller'],
  decide_pause: ['controller'],
  reroute: ['controller'],
  close: ['controller'],
  escalate: ['controller'],
  report: ['controller'],
  forward: ['controller'],
  merge: ['controller'],
  take_over: ['above'],
  // A lower level keeps urging and following up after the case has climbed past it.
  urge: ['supervisor'],
  assign_follow_up: ['community'],
  record_follow_up: ['community', 'follow_up_owner'],
  // 回访 is the supervising committee's independent call, never the handler's.
  record_callback: ['community', 'controller'],
  evaluate: ['resident'],
  add_information: ['resident'],
  withdraw: ['complainant'],
};

type Scope = Pick<
  CaseState,
  | 'residentUserId'
  | 'coComplainants'
  | 'currentHandlerOrgId'
  | 'handlerHistory'
  | 'chain'
  | 'followUpOwner'
  | 'level'
  | 'supervisorOrgId'
>;

const levelIndex = (l: Level): number => LEVELS.indexOf(l);

/**
 * The organisation that decides at the level the case has reached. An organisation never decides its own requests:
 * where a department both handles and supervises, the organisation department decides.
 */
export function controllerOf(c: Pick<Scope, 'supervisorOrgId' | 'currentHandlerOrgId' | 'chain'>): string {
  return c.supervisorOrgId === c.currentHandlerOrgId ? c.chain.organizationDepartmentId : c.supervisorOrgId;
}

/** The chain's levels by organisation: which rung each supervising organisation stands on. */
function chainLevel(org: string, c: Scope): Level | null {
  if (org === c.chain.communityOrgId) return 'community_committee';
  if (org === c.chain.streetOrgId) return 'street_committee';
  if (org === c.chain.organizationDepartmentId) return 'organization_department';
  return null;
}

/** What the actor is to this case: the roles it plays in it (none: the case is not its business). */
export function participation(actor: Actor, c: Scope): Set<Who> {
  const who = new Set<Who>();
  const org = actor.organizationId;
  if (actor.role === 'resident') {
    if (c.residentUserId !== null && actor.userId === c.residentUserId) who.add('resident').add('complainant');
    if (c.coComplainants.includes(actor.userId)) who.add('resident');
  }
  const staff = actor.role === 'handler' || actor.role === 'supervisor';
  if (staff && org !== null) {
    if (actor.role === 'handler' && org === c.currentHandlerOrgId) who.add('handler');
    if (actor.role === 'handler' && c.handlerHistory.includes(org)) who.add('past_handler');
    // A department's staff supervise a case forwarded to its Party organisation.
    if (org === controllerOf(c)) who.add('controller').add('supervisor');
    if (org === c.supervisorOrgId && org !== c.currentHandlerOrgId) who.add('supervisor');
    const rung = actor.role === 'supervisor' ? chainLevel(org, c) : null;
    if (rung !== null) {
      who.add('supervisor');
      if (rung === 'community_committee') who.add('community');
      if (levelIndex(rung) > levelIndex(c.level)) who.add('above');
    }
  }
  const owner = c.followUpOwner;
  if (owner && actor.role === 'party_member') {
    if (owner.kind === 'party_member' && actor.personId === owner.id) who.add('follow_up_owner');
    if (owner.kind === 'grid_branch' && org === owner.id) who.add('follow_up_owner');
  }
  return who;
}

/** Everyone who plays a part in the case sees it, past handlers included: one rule, decided from the state. */
export function maySee(actor: Actor, c: Scope): boolean {
  return actor.role === 'admin' || participation(actor, c).size > 0;
}

const HANDLER_ONLY = new Set<ActionType>([
  'acknowledge',
  'resolve',
  'progress',
  'request_extension',
  'return',
  'request_pause',
]);
const CONTROL = new Set<ActionType>([
  'decide_extension',
  'decide_return',
  'decide_pause',
  'reroute',
  'close',
  'escalate',
  'report',
  'forward',
  'merge',
]);

/** null when allowed; otherwise the reason, for a 403. The system actor never reaches here from outside the loop. */
export function authorize(actor: Actor, action: ActionType, c: Scope): string | null {
  const who = participation(actor, c);
  if (ACTION_POLICY[action].some((w) => who.has(w))) return null;
  if (HANDLER_ONLY.has(action) && who.has('supervisor'))
    return '补位不越位：监督方不能代替承办单位办理 (a supervisor may not act as the handler)';
  if (action === 'record_callback' && who.has('handler'))
    return '回访须由监督方进行，承办单位不能代为评价 (the handler may not record its own evaluation)';
  if (CONTROL.has(action) && who.has('supervisor')) {
    return '工单已由上级督办，只有当前层级可以作出决定 (the case is controlled by the level it has reached)';
  }
  if (action === 'take_over' && who.has('supervisor'))
    return '只有上级可以提级督办 (only a higher level may take a case over)';
  if (who.size === 0) return "无权处理此工单 (this case is not within your organisation's scope)";
  return `当前角色不能执行此操作 (your role may not ${action.replace(/_/g, ' ')} this case)`;
}

/**
 * A co-complainant (a resident following the case, or one whose case was merged into it) may say it is not solved,
 * which reopens it as the complainant's word would, but may not settle it as solved while the case has its own
 * complainant: otherwise anyone a handler asked to follow the case could close it for the resident who raised it.
 * Applied by the workflow's Update validator only, so no recorded history changes (workflows/README.md).
 */
export function coComplainantSettles(
  actor: Actor,
  c: Pick<CaseState, 'residentUserId'>,
  action: { type: string; satisfaction?: string; solved?: boolean },
): string | null {
  if (action.type !== 'evaluate' || actor.role !== 'resident') return null;
  if (c.residentUserId === null || actor.userId === c.residentUserId) return null;
  if (action.satisfaction === 'unsatisfied' || action.solved === false) return null;
  return '本工单由提出问题的居民评价结案；您若仍未解决，可评价为“未解决”以退回重办 (the resident who raised this case settles it; if it is not solved for you, say so and it goes back for rework)';
}
