// Every action a person can take on a case (each a workflow Update and an API route), and every event the
// loop records. Actions are what someone asks for; events are what happened. Wire names are snake_case.
import type {
  CalendarData,
  CallbackChannel,
  CloseGround,
  Duration,
  DeadlineKind,
  HandlerDeadlineKind,
  Level,
  Outcome,
  Role,
  Satisfaction,
  Status,
} from './types';

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

/** The primary case of a merge as the API found it in Postgres (same compound, open): the workflow checks both. */
export interface MergeTarget {
  caseId: string;
  trackingCode: string;
  compoundCode: string;
}

export type CaseAction =
  | { type: 'acknowledge'; note?: string }
  | { type: 'progress'; note: string }
  | { type: 'resolve'; summary: string; evidence?: string[] }
  | { type: 'request_extension'; deadline: HandlerDeadlineKind; extendBy: Duration; reason: string }
  | { type: 'decide_extension'; approve: boolean; reason?: string }
  | { type: 'return'; reason: string }
  | { type: 'decide_return'; decision: 'reroute' | 'refuse'; handlerOrgId?: string; reason: string }
  | { type: 'reroute'; handlerOrgId: string; reason: string }
  | { type: 'request_pause'; reason: string }
  | { type: 'decide_pause'; approve: boolean; reason?: string }
  | { type: 'resume'; note?: string }
  | { type: 'assign_follow_up'; owner?: FollowUpOwner; note?: string }
  | { type: 'record_follow_up'; findings: string; onSite?: boolean }
  | { type: 'urge'; message: string }
  | { type: 'escalate'; reason: string }
  | { type: 'report'; reason: string }
  | { type: 'forward'; departmentOrgId: string; reason: string }
  | { type: 'take_over'; reason: string }
  | { type: 'merge'; primary: MergeTarget; reason: string }
  | { type: 'evaluate'; satisfaction: Satisfaction; solved: boolean; comment?: string }
  | { type: 'record_callback'; channel: CallbackChannel; satisfaction: Satisfaction; solved: boolean; comment?: string }
  | { type: 'add_information'; text: string }
  | { type: 'withdraw'; reason?: string }
  | { type: 'close'; ground: CloseGround; reason: string };

export type ActionType = CaseAction['type'];

export const ACTION_TYPES: ActionType[] = [
  'acknowledge',
  'progress',
  'resolve',
  'request_extension',
  'decide_extension',
  'return',
  'decide_return',
  'reroute',
  'request_pause',
  'decide_pause',
  'resume',
  'assign_follow_up',
  'record_follow_up',
  'urge',
  'escalate',
  'report',
  'forward',
  'take_over',
  'merge',
  'evaluate',
  'record_callback',
  'add_information',
  'withdraw',
  'close',
];

export interface DeadlineState {
  kind: DeadlineKind;
  startedAt: number;
  dueAt: number;
  /** The due time before any extension: the extension cap counts from here. */
  firstDueAt: number;
  duration: Duration;
  /** Reminder moments (催办) within the span; `remindersSent` of them have gone out. */
  reminderAt: number[];
  remindersSent: number;
  extended: number;
  /** Set once the deadline has passed and its breach was recorded; a breach is recorded once. */
  breachedAt: number | null;
}

/** Who a missed duty is recorded against, and why, in a sentence a resident understands. */
type Accountability = {
  type: 'accountability_recorded';
  organizationId: string;
  dutyCode: string;
  source: 'breach' | 'unsatisfied' | 'finding' | 'silence';
  reason: string;
  deadline?: DeadlineKind;
  level: Level;
};

/** What happened, in order. `seq` is the case's event number, gap-free from 1. */
export type CaseEventBody =
  | { type: 'submitted'; categoryCode: string; compoundCode: string }
  | {
      type: 'dispatched';
      handlerOrgId: string;
      supervisorOrgId: string;
      level: Level;
      deadlines: DeadlineState[];
      reason?: string;
      /** The handler it leaves returned it: coming back, its deadlines resume as they ran meanwhile (its own move). */
      leavingByReturn?: boolean;
    }
  | { type: 'acknowledged'; note?: string }
  | { type: 'progress_reported'; note: string }
  | { type: 'resolved'; summary: string; evidence: string[]; evaluationDeadline: DeadlineState }
  | {
      type: 'extension_requested';
      deadline: HandlerDeadlineKind;
      extendBy: Duration;
      proposedDueAt: number;
      reason: string;
    }
  | {
      type: 'extension_decided';
      approve: boolean;
      deadline: HandlerDeadlineKind;
      newDueAt: number | null;
      reason?: string;
      updated?: DeadlineState;
      deemed?: boolean;
    }
  | { type: 'extension_withdrawn'; deadline: HandlerDeadlineKind; reason: string }
  | { type: 'returned'; reason: string; handlerOrgId: string; decisionDeadline: DeadlineState }
  | { type: 'return_decided'; decision: 'reroute' | 'refuse'; handlerOrgId: string; reason: string }
  | { type: 'return_withdrawn'; reason: string }
  | { type: 'pause_requested'; reason: string; decisionDeadline: DeadlineState }
  | { type: 'pause_decided'; approve: boolean; reason?: string; deemed?: boolean }
  | {
      type: 'resumed';
      cause: 'handler' | 'supervisor' | 'resident_information' | 'limit';
      pausedMs: number;
      deadlines: DeadlineState[];
    }
  | { type: 'follow_up_assigned'; owner: FollowUpOwner; suggested: boolean; note?: string }
  | { type: 'follow_up_recorded'; findings: string; onSite: boolean }
  | { type: 'urged'; message: string; deadline?: DeadlineKind; automatic: boolean; deadlines?: DeadlineState[] }
  | { type: 'reminder_sent'; deadline: DeadlineKind; index: number; dueAt: number }
  | { type: 'breached'; deadline: DeadlineKind; dueAt: number; organizationId: string; level: Level }
  | Accountability
  | {
      type: 'escalated';
      fromLevel: Level;
      toLevel: Level;
      supervisorOrgId: string;
      reason: string;
      automatic: boolean;
      deadlines: DeadlineState[];
    }
  | { type: 'reported'; toOrgId: string; reason: string; automatic: boolean; deadlines: DeadlineState[] }
  | { type: 'forwarded'; departmentOrgId: string; reason: string; automatic: boolean; deadlines: DeadlineState[] }
  | {
      type: 'taken_over';
      fromLevel: Level;
      toLevel: Level;
      supervisorOrgId: string;
      reason: string;
      deadlines: DeadlineState[];
    }
  | { type: 'publicly_noticed'; missedCadences: number; reason: string }
  | { type: 'merged'; primaryCaseId: string; primaryTrackingCode: string; reason: string }
  | { type: 'complainant_joined'; fromCaseId: string | null; fromTrackingCode: string | null; residentUserId: string }
  | {
      type: 'evaluated';
      satisfaction: Satisfaction;
      solved: boolean;
      comment?: string;
      counts: boolean;
      channel: 'app' | CallbackChannel;
    }
  | { type: 'reopened'; reopenCount: number; deadlines: DeadlineState[]; reason: string; beyondLimit: boolean }
  | { type: 'information_added'; text: string }
  | {
      type: 'deadline_recalculated';
      reason: string;
      calendar: CalendarData;
      moved: { kind: DeadlineKind; fromDueAt: number; toDueAt: number }[];
      deadlines: DeadlineState[];
    }
  | { type: 'closed'; outcome: Outcome; reason?: string; ground?: CloseGround };

export type CaseEventType = CaseEventBody['type'];

export type CaseEvent = CaseEventBody & { seq: number; at: number; actor: Actor; requestId?: string };

/** The working-day calendar changed (an imported year, an override added or removed): open cases recompute. */
export interface CalendarChanged {
  changeId: string;
  reason: string;
  calendar: CalendarData;
}

/**
 * A resident now follows this case as a co-complainant: the complainant of a merged case (a signal from its workflow,
 * naming it), or a resident who followed it instead of filing the same problem ("me too": both null).
 */
export interface ComplainantJoined {
  fromCaseId: string | null;
  fromTrackingCode: string | null;
  residentUserId: string;
}

export interface Rejection {
  ok: false;
  /** Stable error codes, mapped by the API: forbidden → 403, illegal_transition/invalid → 409/400. */
  code: 'case.forbidden' | 'case.illegal_transition' | 'case.invalid';
  reason: string;
}

export type Decision = { ok: true; events: CaseEventBody[] } | Rejection;

export type { Status };
