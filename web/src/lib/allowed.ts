// Which actions to offer on a case. Who may take each one is domain/policy.ts itself (ACTION_POLICY and
// participation, imported: pure TypeScript with no Node imports), applied to the case's scope as the view and the
// reference data show it; the state rules of domain/case-machine.ts are mirrored here, since deciding needs the
// workflow's whole state. The API still decides: anything offered here that the workflow refuses comes back as a
// 403/409 with its reason, shown to the user.
import type { ActionType, Actor } from '../../../domain/actions';
import { ACTION_POLICY, participation } from '../../../domain/policy';
import type { CloseGround } from '../../../domain/types';
import type { ActionPath, CaseDetail, Me } from '../api/types';

/** What of the reference data (lib/reference.ts) the supervision chain is read from. */
export interface ChainReference {
  compounds: ReadonlyArray<{ code: string; communityOrgId: string }>;
  orgs: ReadonlyMap<string, { parentId: string | null }>;
}

type Scope = Parameters<typeof participation>[1];
type State = Pick<
  CaseDetail,
  | 'status'
  | 'level'
  | 'deadlines'
  | 'pendingExtension'
  | 'pendingRequest'
  | 'pausedSince'
  | 'awaitingVerification'
  | 'counts'
  | 'followUpOwner'
  | 'timeline'
>;

const OPEN = new Set(['dispatched', 'acknowledged', 'returned']);
const HANDLING = new Set(['dispatched', 'acknowledged']);

/** domain/case-machine.ts close(): only verified repeated dissatisfaction, or a case that was never resolved. */
export function closeGrounds(c: Pick<State, 'status' | 'awaitingVerification' | 'counts'>): CloseGround[] {
  if (c.status === 'closed' || c.status === 'resolved') return [];
  if (c.awaitingVerification) return ['verified_unreasonable'];
  return c.counts.reopen === 0 ? ['duplicate', 'invalid', 'resident_request'] : [];
}

/** The supervision chain fixed at intake: the compound's community committee, its street, the organisation department. */
function chainOf(c: CaseDetail, ref: ChainReference): Scope['chain'] {
  const communityOrgId = ref.compounds.find((x) => x.code === c.compound.code)?.communityOrgId ?? '';
  const streetOrgId = ref.orgs.get(communityOrgId)?.parentId ?? '';
  const organizationDepartmentId = ref.orgs.get(streetOrgId)?.parentId ?? '';
  return { communityOrgId, streetOrgId, organizationDepartmentId };
}

/** A co-complainant: a resident who follows the case or whose case was merged into it (domain/policy.ts coComplainantSettles). */
export function isFollower(me: Me, c: Pick<CaseDetail, 'timeline'>): boolean {
  return (
    me.role === 'resident' &&
    c.timeline.some((e) => e.type === 'complainant_joined' && String(e.payload.residentUserId) === me.id)
  );
}

/** The case's scope as domain/policy.ts reads it, from the view: its timeline names every handler and co-complainant. */
export function scopeOf(me: Me, c: CaseDetail, ref: ChainReference): Scope {
  const payloads = (type: string) => c.timeline.filter((e) => e.type === type).map((e) => e.payload);
  const coComplainants = payloads('complainant_joined').map((p) => String(p.residentUserId));
  const handlerHistory = [...new Set(payloads('dispatched').map((p) => String(p.handlerOrgId)))];
  const owner = c.followUpOwner;
  return {
    // A resident sees only a case that is theirs, filed by them or joined by a merge.
    residentUserId: me.role === 'resident' && !coComplainants.includes(me.id) ? me.id : null,
    coComplainants,
    currentHandlerOrgId: c.handler?.id ?? null,
    handlerHistory,
    chain: chainOf(c, ref),
    followUpOwner: owner ? { kind: owner.kind, id: owner.id } : null,
    level: c.level,
    supervisorOrgId: c.supervisor?.id ?? '',
  };
}

/**
 * While its return waits, the handler may still work on the case: doing so takes the return back and the case is
 * as it was before (domain/case-machine.ts takeBack). That status is the one the last dispatch, acknowledgement or
 * reopening before the return set.
 */
function handlerStatus(c: Pick<CaseDetail, 'status' | 'timeline'>): string {
  if (c.status !== 'returned') return c.status;
  let status = 'dispatched';
  let beforeReturn = status;
  for (const e of c.timeline) {
    if (e.type === 'returned') beforeReturn = status;
    if (e.type === 'dispatched') status = 'dispatched';
    if (e.type === 'acknowledged' || e.type === 'reopened') status = 'acknowledged';
  }
  return beforeReturn;
}

/** The state rules of domain/case-machine.ts: may this action be taken on the case as it is now? */
function stateAllows(a: ActionType, c: State, now: number): boolean {
  const open = OPEN.has(c.status);
  const free = HANDLING.has(c.status) && !c.pendingRequest && c.pausedSince === null;
  switch (a) {
    case 'acknowledge':
      return handlerStatus(c) === 'dispatched';
    case 'progress':
    case 'resolve':
      return handlerStatus(c) === 'acknowledged';
    case 'request_extension':
      return (
        !c.pendingExtension &&
        c.deadlines.some(
          (d) => (d.kind === 'response' || d.kind === 'resolution') && Date.parse(d.dueAt) > now && !d.breachedAt,
        )
      );
    case 'return':
    case 'request_pause':
      return free;
    case 'resume':
      return c.pausedSince !== null;
    case 'decide_extension':
      return c.pendingExtension !== null;
    case 'decide_return':
      return c.pendingRequest?.kind === 'return';
    case 'decide_pause':
      return c.pendingRequest?.kind === 'pause';
    case 'reroute':
      // A pending return is decided in its own form, whose re-route is this one: one button, not two.
      return open && c.pendingRequest?.kind !== 'return';
    case 'escalate':
      return open && c.level === 'community_committee';
    case 'report':
      return open && c.level === 'street_committee';
    case 'forward':
      return open && c.level === 'organization_department';
    case 'take_over':
      // Only a level above the case's ('above' in the policy) takes it over, and never while it awaits evaluation.
      return c.status !== 'resolved';
    case 'urge':
    case 'merge':
      return open;
    case 'record_follow_up':
      return c.followUpOwner !== null;
    case 'evaluate':
    case 'record_callback':
      return c.status === 'resolved';
    case 'withdraw':
      return c.status !== 'resolved';
    case 'close':
      return closeGrounds(c).length > 0;
    case 'assign_follow_up':
    case 'add_information':
      return true;
  }
}

export function allowedActions(
  me: Me | null,
  c: CaseDetail,
  now: number,
  ref: ChainReference | undefined,
): ActionPath[] {
  // Without the reference data the chain is unknown: nothing is offered until it has loaded (it is cached).
  if (!me || !ref || c.status === 'closed') return [];
  const actor: Actor = { userId: me.id, role: me.role, organizationId: me.organizationId, personId: me.personId };
  const who = participation(actor, scopeOf(me, c, ref));
  return (Object.keys(ACTION_POLICY) as ActionType[])
    .filter((a) => ACTION_POLICY[a].some((w) => who.has(w)) && stateAllows(a, c, now))
    .map((a) => a.replace(/_/g, '-') as ActionPath);
}
