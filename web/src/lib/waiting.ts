// What waits for the signed-in organisation: in a handler's queue, the cases it must act on now (it is the
// current handler, the case is open) and the one next step of each; how near each is to its deadline.
import type { ActionPath, CaseSummary, Me } from '../api/types';
import { deadlineNow } from './time';

const HANDLING = new Set(['response', 'resolution']);
const HOUR = 3_600_000;

/** The running handling deadline nearest its due moment, if any. */
export function nearestHandling(c: CaseSummary): CaseSummary['deadlines'][number] | undefined {
  return c.deadlines.filter((d) => HANDLING.has(d.kind)).sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt))[0];
}

export type Urgency = 'overdue' | 'near' | 'ok';

/**
 * Red once overdue; amber with less than a quarter of the phase's time or under one working hour of a longer phase
 * left (what a handler can still do today), so the case that must be acknowledged in seconds stands out from the others.
 */
export function urgencyOf(c: CaseSummary, now: number, fetchedAt: number): Urgency {
  if (c.status === 'closed' || c.status === 'resolved') return 'ok';
  if (c.overdue) return 'overdue';
  const d = nearestHandling(c);
  if (!d) return 'ok';
  const { overdue, used, workingLeft } = deadlineNow(d, now, fetchedAt);
  if (overdue) return 'overdue';
  // The hour counts only where a phase is hours long (not demo-fast's seconds, where it would mark every case).
  const span = Date.parse(d.dueAt) - Date.parse(d.startedAt);
  return used >= 0.75 || (workingLeft < HOUR && span >= 4 * HOUR) ? 'near' : 'ok';
}

/**
 * The case waits for the caller now: a handler is its current handler while it is open (a case forwarded or
 * re-routed away is only followed); a party member or grid branch owns its follow-up while it is not closed.
 */
export function mustAct(me: Me, c: CaseSummary): boolean {
  if (me.role === 'party_member') {
    const o = c.followUpOwner;
    return (
      c.status !== 'closed' &&
      o !== null &&
      (o.kind === 'party_member' ? o.id === me.personId : o.id === me.organizationId)
    );
  }
  return (
    c.handler?.id === me.organizationId &&
    (c.status === 'dispatched' || c.status === 'acknowledged' || c.status === 'returned')
  );
}

/** The one next step offered in the row (the case page has every other action). */
export function nextAction(me: Me, c: CaseSummary): ActionPath | null {
  if (me.role === 'party_member') return 'record-follow-up';
  if (c.status === 'dispatched') return 'acknowledge';
  if (c.status === 'acknowledged') return 'resolve';
  return null;
}
