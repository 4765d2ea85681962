// Every action a person can take on a case (each a workflow Update and an API route), and every event the
// loop records. Actions are what someone asks for; events are what happened. Wire names are snake_case.
import type { Duration, DeadlineKind, Level, Outcome, Role, Satisfaction, Status } from './types';

export interface Actor {
  userId: string;
  role: Role;
  organizationId: string | null;
  /** The person behind the user (party members record follow-up as themselves). */
  personId?: string | null;
}

export const SYSTEM_ACTOR: Actor = { userId: 'system', role: 'system', organizationId: null };

export interface FollowUpOwner {
  kind: 'grid_branch' | 'party_member';
  id: string;
}

export type CaseAction =
  | { type: 'acknowledge'; note?: string }
  | { type: 'progress'; note: string }
  | { type: 'resolve'; summary: string; evidence?: string[] }
  | { type: 'request_extension'; deadline: 'response' | 'resolution'; extendBy: Duration; reason: string }
  | { type: 'decide_extension'; approve: boolean; reason?: string }
  | { type: 'return'; reason: string }
  | { type: 'reroute'; handlerOrgId: string; reason: string }
  | { type: 'assign_follow_up'; owner?: FollowUpOwner; note?: string }
  | { type: 'record_follow_up'; findings: string; onSite?: boolean }
  | { type: 'urge'; message: string }
  | { type: 'escalate'; reason: string }
  | { type: 'report'; reason: string }
  | { type: 'forward'; departmentOrgId: string; reason: string }
  | { type: 'evaluate'; satisfaction: Satisfaction; solved: boolean; comment?: string }
  | { type: 'add_information'; text: string }
  | { type: 'withdraw'; reason?: string }
  | { type: 'close'; reason: string };

export type ActionType = CaseAction['type'];

export const ACTION_TYPES: ActionType[] = [
  'acknowledge',
  'progress',
  'resolve',
  'request_extension',
  'decide_extension',
  'return',
  'reroute',
  'assign_follow_up',
  'record_follow_up',
  'urge',
  'escalate',
  'report',
  'forward',
  'evaluate',
  'add_information',
  'withdraw',
  'close',
];

export interface DeadlineState {
  kind: DeadlineKind;
  startedAt: number;
  dueAt: number;
  duration: Duration;
  /** Reminder moments (催办) within the span; `remindersSent` of them have gone out. */
  reminderAt: number[];
  remindersSent: number;
  extended: number;
  /** Set once the deadline has passed and its breach was recorded; a breach is recorded once. */
  breachedAt: number | null;
}

/** What happened, in order. `seq` is the case's event number, gap-free from 1. */
export type CaseEventBody =
  | { type: 'submitted'; categoryCode: string; compoundCode: string }
  | { type: 'dispatched'; handlerOrgId: string; supervisorOrgId: string; level: Level; deadlines: DeadlineState[]; reason?: string }
  | { type: 'acknowledged'; note?: string }
  | { type: 'progress_reported'; note: string }
  | { type: 'resolved'; summary: string; evidence: string[]; evaluationDeadline: DeadlineState }
  | { type: 'extension_requested'; deadline: 'response' | 'resolution'; extendBy: Duration; proposedDueAt: number; reason: string }
  | { type: 'extension_decided'; approve: boolean; deadline: 'response' | 'resolution'; newDueAt: number | null; reason?: string; updated?: DeadlineState }
  | { type: 'returned'; reason: string; handlerOrgId: string }
  | { type: 'follow_up_assigned'; owner: FollowUpOwner; suggested: boolean; note?: string }
  | { type: 'follow_up_recorded'; findings: string; onSite: boolean }
  | { type: 'urged'; message: string; deadline?: DeadlineKind; automatic: boolean }
  | { type: 'reminder_sent'; deadline: DeadlineKind; index: number; dueAt: number }
  | { type: 'breached'; deadline: DeadlineKind; dueAt: number; organizationId: string; level: Level }
  | { type: 'accountability_recorded'; organizationId: string; dutyCode: string; source: 'breach' | 'unsatisfied' | 'finding'; reason: string; deadline?: DeadlineKind; level: Level }
  | { type: 'escalated'; fromLevel: Level; toLevel: Level; supervisorOrgId: string; reason: string; automatic: boolean; deadlines: DeadlineState[] }
  | { type: 'reported'; toOrgId: string; reason: string; automatic: boolean }
  | { type: 'forwarded'; departmentOrgId: string; reason: string; automatic: boolean; deadlines: DeadlineState[] }
  | { type: 'evaluated'; satisfaction: Satisfaction; solved: boolean; comment?: string; counts: boolean }
  | { type: 'reopened'; reopenCount: number; deadlines: DeadlineState[] }
  | { type: 'information_added'; text: string }
  | { type: 'closed'; outcome: Outcome; reason?: string };

export type CaseEventType = CaseEventBody['type'];

export type CaseEvent = CaseEventBody & { seq: number; at: number; actor: Actor; requestId?: string };

export interface Rejection {
  ok: false;
  /** Stable error codes, mapped by the API: forbidden → 403, illegal_transition/invalid → 409/400. */
  code: 'case.forbidden' | 'case.illegal_transition' | 'case.invalid';
  reason: string;
}

export type Decision = { ok: true; events: CaseEventBody[] } | Rejection;

export type { Status };
