// The Party organisations' duties that no case clock watches (DOMAIN.md "Rates: what counts": Party organisations'
// own duties are recorded when missed). The case workflow already records a return, pause or extension left
// undecided (decide_in_time) and a 回访 not made (callback); these two it does not:
// - follow_up: a follow-up owner (跟踪人) records the follow-up within the agreement's followUpTime of being
//   assigned, unless the case was reassigned or closed first;
// - forward: the organisation department forwards a case the street reported to it within the decision time,
//   unless the case closed first.
// Pure: services/duty-watch.ts loads the starts and the calendar and writes what is missed.
import { addDuration, type WorkCalendar } from './calendar';
import type { Duration, OrganizationKind } from './types';

export const WATCHED_DUTIES = ['follow_up', 'forward'] as const;
export type WatchedDuty = (typeof WATCHED_DUTIES)[number];

/** One duty that started on a case: a follow-up assigned, or a case reported to the organisation department. */
export interface DutyStart {
  duty: WatchedDuty;
  caseId: string;
  seq: number;
  at: number;
  /** followUpTime for a follow-up, the decision time for a forward. */
  allowed: Duration;
  /** The first follow_up_recorded (or forwarded) after the start, if any. */
  doneAt: number | null;
  /** The next follow_up_assigned (or reported) after the start: a new owner's clock replaces this one. */
  supersededAt: number | null;
  closedAt: number | null;
}

export const dutyDueAt = (d: DutyStart, cal: WorkCalendar): number => addDuration(d.at, d.allowed, cal);

/** Missed: the due time has passed and the duty was neither done, nor replaced, nor made moot by closing, by then. */
export function dutyMissed(d: DutyStart, cal: WorkCalendar, now: number): boolean {
  const due = dutyDueAt(d, cal);
  const by = (t: number | null) => t !== null && t <= due;
  return due < now && !by(d.doneAt) && !by(d.supersededAt) && !by(d.closedAt);
}

const PARTY_KINDS: readonly OrganizationKind[] = [
  'organization_department',
  'street_committee',
  'community_committee',
  'grid_branch',
];

/**
 * Who a missed follow-up is recorded against: a grid branch owner itself; a party member's own Party organisation
 * (the branch that manages the member, 队伍统管); the community committee that assigned it when the member has none.
 */
export function followUpParty(
  owner: { kind: 'grid_branch' | 'party_member'; id: string },
  memberOrg: { id: string; kind: OrganizationKind } | null,
  communityOrgId: string,
): string {
  if (owner.kind === 'grid_branch') return owner.id;
  return memberOrg && PARTY_KINDS.includes(memberOrg.kind) ? memberOrg.id : communityOrgId;
}

export const WATCH_REASONS: Record<WatchedDuty, string> = {
  follow_up: '跟踪人未在时限内记录跟踪情况 (the follow-up was not recorded by its due time)',
  forward: '组织部未在时限内将报送的事项转交职能部门党组织 (the reported case was not forwarded in time)',
};
