// Which actions to offer on a case: the client's reading of domain/policy.ts ("补位、到位，但不越位") and the
// state rules of domain/case-machine.ts, from what the case view says. The API still decides: anything
// offered here that the workflow refuses comes back as a 403/409 with its reason, shown to the user.
import type { ActionPath, CaseDetail, Me } from '../api/types';

const OPEN = new Set(['dispatched', 'acknowledged', 'returned']);

export function allowedActions(me: Me | null, c: CaseDetail, now: number): ActionPath[] {
  if (!me || c.status === 'closed') return [];
  const open = OPEN.has(c.status);
  const out: ActionPath[] = [];
  const add = (cond: boolean, a: ActionPath) => cond && out.push(a);
  switch (me.role) {
    case 'resident':
      add(c.status === 'resolved', 'evaluate');
      add(true, 'add-information');
      add(c.status !== 'resolved', 'withdraw');
      break;
    case 'handler': {
      if (me.organizationId === null || me.organizationId !== c.handler?.id) break;
      const extendable = c.deadlines.some((d) => (d.kind === 'response' || d.kind === 'resolution') && Date.parse(d.dueAt) > now && !d.breachedAt);
      add(c.status === 'dispatched', 'acknowledge');
      add(c.status === 'acknowledged', 'resolve');
      add(c.status === 'acknowledged', 'progress');
      add(open && extendable && !c.pendingExtension, 'request-extension');
      add(c.status === 'dispatched' || c.status === 'acknowledged', 'return');
      break;
    }
    case 'supervisor': {
      const kind = me.organization?.kind;
      add(c.pendingExtension !== null, 'decide-extension');
      add(open, 'urge');
      add(kind === 'community_committee', 'assign-follow-up');
      add(kind === 'community_committee' && c.followUpOwner !== null, 'record-follow-up');
      add(open && c.level === 'community_committee', 'escalate');
      add(open && kind === 'street_committee' && c.level === 'street_committee', 'report');
      add(open && kind === 'organization_department' && c.level === 'organization_department', 'forward');
      add(open, 'reroute');
      add(true, 'close');
      break;
    }
    case 'party_member': {
      const owner = c.followUpOwner;
      const mine = owner !== null && ((owner.kind === 'party_member' && owner.id === me.personId) || (owner.kind === 'grid_branch' && owner.id === me.organizationId));
      add(mine, 'record-follow-up');
      break;
    }
    default:
      break;
  }
  return out;
}
