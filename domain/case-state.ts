// The state of one case as the workflow holds it, and `evolve`, which folds one event into it.
// Evolve never decides anything: every choice was made in case-machine.ts and written into the event,
// so replaying the events always rebuilds the same state.
import type { CaseEvent, DeadlineState, FollowUpOwner } from './actions';
import type {
  CalendarData,
  DeadlineKind,
  Duration,
  FairnessTerms,
  HandlerDeadlineKind,
  Level,
  Outcome,
  PhaseDeadlines,
  Satisfaction,
  Stage,
  Status,
  Tier,
} from './types';

export interface SupervisionChain {
  communityOrgId: string;
  streetOrgId: string;
  organizationDepartmentId: string;
}

/** The agreement terms one case runs under, fixed at intake (a later agreement change affects new cases). */
export interface CaseTerms {
  agreementId: string | null;
  phase: PhaseDeadlines;
  reminderPoints: number[];
  evaluationWindow: Duration;
  reworkLimit: number;
  fairness: FairnessTerms;
}

export interface CaseIntake {
  caseId: string;
  trackingCode: string;
  categoryCode: string;
  compoundCode: string;
  tier: Tier;
  residentUserId: string | null;
  householdId: string | null;
  submittedAt: number;
  handlerOrgId: string;
  /** The functional department whose Party organisation supervises once the organisation department forwards. */
  departmentOrgId: string;
  /** The compound's community committee: the first-level supervisor. */
  chain: SupervisionChain;
  /** Household linking (党员联户): the party member linked to the complainant's household, if any. */
  linkedPartyMemberId: string | null;
  terms: CaseTerms;
  calendar: CalendarData;
}

export interface PendingExtension {
  deadline: HandlerDeadlineKind;
  extendBy: Duration;
  proposedDueAt: number;
  reason: string;
  requestedAt: number;
}

/** A return (回退) or pause (挂起) waiting for the supervisor; its decision deadline is `deadlines.decision`. */
export interface PendingRequest {
  kind: 'return' | 'pause';
  reason: string;
  requestedAt: number;
  /** The status to go back to when a return is refused. */
  statusBefore: Status;
}

/** A handler's deadlines as it left the case, when, and whether by its own return (回退). */
export interface ParkedDeadlines {
  deadlines: DeadlineState[];
  since: number;
  byReturn: boolean;
}

export interface CaseState extends CaseIntake {
  seq: number;
  status: Status;
  level: Level;
  /** The organisation that supervises at the level the case has reached. */
  supervisorOrgId: string;
  currentHandlerOrgId: string | null;
  /** Every handler the case has had, in order: each keeps seeing it. */
  handlerHistory: string[];
  /** Deadlines of handlers the case was moved away from: a handler it comes back to resumes them. */
  parkedDeadlines: Record<string, ParkedDeadlines>;
  followUpOwner: FollowUpOwner | null;
  deadlines: Partial<Record<DeadlineKind, DeadlineState>>;
  pendingExtension: PendingExtension | null;
  pendingRequest: PendingRequest | null;
  /** Set while the handler's clock is paused (挂起); paused time does not count. */
  pausedSince: number | null;
  pausedMs: number;
  reopenCount: number;
  escalationCount: number;
  returnedCount: number;
  breaches: number;
  /** Missed 督办 cadences at the top rung; a public notice (通报) follows the agreement's count. */
  topRungMisses: number;
  publiclyNoticed: boolean;
  /** 不满意 past the rework limit: the level above may close it as verified unreasonable. */
  awaitingVerification: boolean;
  /** Residents of merged cases who follow and may evaluate this one. */
  coComplainants: string[];
  mergedInto: { caseId: string; trackingCode: string } | null;
  overdue: boolean;
  dispatchedAt: number | null;
  acknowledgedAt: number | null;
  resolvedAt: number | null;
  closedAt: number | null;
  firstResponseDueAt: number | null;
  firstResolutionDueAt: number | null;
  satisfaction: Satisfaction | null;
  solved: boolean | null;
  outcome: Outcome | null;
}

export function initialState(intake: CaseIntake): CaseState {
  return {
    ...intake,
    seq: 0,
    status: 'submitted',
    level: 'community_committee',
    supervisorOrgId: intake.chain.communityOrgId,
    currentHandlerOrgId: null,
    handlerHistory: [],
    parkedDeadlines: {},
    followUpOwner: null,
    deadlines: {},
    pendingExtension: null,
    pendingRequest: null,
    pausedSince: null,
    pausedMs: 0,
    reopenCount: 0,
    escalationCount: 0,
    returnedCount: 0,
    breaches: 0,
    topRungMisses: 0,
    publiclyNoticed: false,
    awaitingVerification: false,
    coComplainants: [],
    mergedInto: null,
    overdue: false,
    dispatchedAt: null,
    acknowledgedAt: null,
    resolvedAt: null,
    closedAt: null,
    firstResponseDueAt: null,
    firstResolutionDueAt: null,
    satisfaction: null,
    solved: null,
    outcome: null,
  };
}

/** 民意收集 → 响应处理 → 跟踪督促 → 评估评价: the stage follows from the status and who is watching. */
export function stageOf(s: Pick<CaseState, 'status' | 'level' | 'followUpOwner'>): Stage {
  switch (s.status) {
    case 'submitted':
      return 'collect';
    case 'resolved':
      return 'evaluate';
    case 'closed':
      return 'closed';
    default:
      return s.followUpOwner || s.level !== 'community_committee' ? 'follow_up' : 'respond';
  }
}

function withDeadlines(state: CaseState, list: DeadlineState[], clear: DeadlineKind[] = []): CaseState['deadlines'] {
  const next = { ...state.deadlines };
  for (const k of clear) delete next[k];
  for (const d of list) next[d.kind] = d;
  return next;
}

const without = (deadlines: CaseState['deadlines'], ...kinds: DeadlineKind[]): CaseState['deadlines'] =>
  withDeadlines({ deadlines } as CaseState, [], kinds);

const handlerDeadlines = (s: CaseState): DeadlineState[] =>
  [s.deadlines.response, s.deadlines.resolution].filter((d): d is DeadlineState => d !== undefined);

/** Moving to a new level: the new supervisor's own decision deadline, if any, travels in the event. */
function atLevel(s: CaseState, level: Level, supervisorOrgId: string, deadlines: DeadlineState[]): CaseState {
  return {
    ...s,
    level,
    supervisorOrgId,
    escalationCount: s.escalationCount + 1,
    deadlines: withDeadlines(s, deadlines),
    overdue: isOverdue(withDeadlines(s, deadlines), -Infinity),
  };
}

export function evolve(state: CaseState, e: CaseEvent): CaseState {
  const s: CaseState = { ...state, seq: e.seq };
  switch (e.type) {
    case 'submitted':
      return s;
    case 'dispatched': {
      // The handler it leaves parks its running deadlines; coming back, they are what it resumes.
      const leaving = s.currentHandlerOrgId;
      const parked: ParkedDeadlines = {
        deadlines: handlerDeadlines(s),
        since: e.at,
        byReturn: e.leavingByReturn === true,
      };
      const parkedDeadlines =
        leaving && leaving !== e.handlerOrgId ? { ...s.parkedDeadlines, [leaving]: parked } : s.parkedDeadlines;
      const deadlines = withDeadlines(s, e.deadlines, ['response', 'resolution', 'evaluation', 'decision']);
      return {
        ...s,
        status: 'dispatched',
        currentHandlerOrgId: e.handlerOrgId,
        handlerHistory: s.handlerHistory.includes(e.handlerOrgId)
          ? s.handlerHistory
          : [...s.handlerHistory, e.handlerOrgId],
        parkedDeadlines,
        supervisorOrgId: e.supervisorOrgId,
        level: e.level,
        deadlines,
        // A pending extension named the deadline of the handler the case has left: it lapses with it.
        pendingExtension: null,
        pendingRequest: null,
        pausedSince: null,
        overdue: isOverdue(deadlines, e.at),
        dispatchedAt: s.dispatchedAt ?? e.at,
        firstResponseDueAt: s.firstResponseDueAt ?? e.deadlines.find((d) => d.kind === 'response')?.dueAt ?? null,
        firstResolutionDueAt: s.firstResolutionDueAt ?? e.deadlines.find((d) => d.kind === 'resolution')?.dueAt ?? null,
      };
    }
    case 'acknowledged': {
      const deadlines = without(s.deadlines, 'response');
      return {
        ...s,
        status: 'acknowledged',
        deadlines,
        acknowledgedAt: s.acknowledgedAt ?? e.at,
        overdue: isOverdue(deadlines, e.at),
      };
    }
    case 'resolved': {
      const deadlines = withDeadlines(s, [e.evaluationDeadline], ['response', 'resolution', 'decision']);
      return {
        ...s,
        status: 'resolved',
        deadlines,
        resolvedAt: e.at,
        pendingExtension: null,
        pendingRequest: null,
        pausedSince: null,
        overdue: false,
      };
    }
    case 'extension_requested':
      return {
        ...s,
        pendingExtension: {
          deadline: e.deadline,
          extendBy: e.extendBy,
          proposedDueAt: e.proposedDueAt,
          reason: e.reason,
          requestedAt: e.at,
        },
      };
    case 'extension_decided':
      return { ...s, pendingExtension: null, deadlines: e.updated ? withDeadlines(s, [e.updated]) : s.deadlines };
    case 'extension_withdrawn':
      return { ...s, pendingExtension: null };
    case 'returned':
      return {
        ...s,
        status: 'returned',
        deadlines: withDeadlines(s, [e.decisionDeadline]),
        pendingRequest: { kind: 'return', reason: e.reason, requestedAt: e.at, statusBefore: s.status },
        returnedCount: s.returnedCount + 1,
      };
    case 'return_withdrawn':
      return {
        ...s,
        status: s.pendingRequest?.statusBefore ?? 'dispatched',
        pendingRequest: null,
        deadlines: without(s.deadlines, 'decision'),
      };
    case 'return_decided': {
      // A refusal sends the case back as it was: the handler's deadlines never stopped.
      const status = e.decision === 'refuse' ? (s.pendingRequest?.statusBefore ?? 'dispatched') : s.status;
      return { ...s, status, pendingRequest: null, deadlines: without(s.deadlines, 'decision') };
    }
    case 'pause_requested':
      return {
        ...s,
        deadlines: withDeadlines(s, [e.decisionDeadline]),
        pendingRequest: { kind: 'pause', reason: e.reason, requestedAt: e.at, statusBefore: s.status },
      };
    case 'pause_decided': {
      // 视为同意: a pause the supervisor left undecided counts from the request, so its silence costs the handler
      // none of the time it had left when it asked.
      const since = e.deemed ? (s.pendingRequest?.requestedAt ?? e.at) : e.at;
      return {
        ...s,
        pendingRequest: null,
        deadlines: without(s.deadlines, 'decision'),
        pausedSince: e.approve ? since : null,
      };
    }
    case 'resumed': {
      // A pending extension names a due the pause has just moved: it moves with it.
      const p = s.pendingExtension;
      const before = p ? s.deadlines[p.deadline] : undefined;
      const after = p ? e.deadlines.find((d) => d.kind === p.deadline) : undefined;
      const pendingExtension =
        p && before && after ? { ...p, proposedDueAt: p.proposedDueAt + (after.dueAt - before.dueAt) } : p;
      return {
        ...s,
        pausedSince: null,
        pausedMs: s.pausedMs + e.pausedMs,
        deadlines: withDeadlines(s, e.deadlines),
        pendingExtension,
      };
    }
    case 'deadline_recalculated':
      return { ...s, calendar: e.calendar, deadlines: withDeadlines(s, e.deadlines) };
    case 'follow_up_assigned':
      return { ...s, followUpOwner: e.owner };
    case 'reminder_sent': {
      const d = s.deadlines[e.deadline];
      return d ? { ...s, deadlines: { ...s.deadlines, [e.deadline]: { ...d, remindersSent: e.index + 1 } } } : s;
    }
    case 'breached': {
      const d = s.deadlines[e.deadline];
      const deadlines = d ? { ...s.deadlines, [e.deadline]: { ...d, breachedAt: e.at } } : s.deadlines;
      return { ...s, deadlines, breaches: s.breaches + 1, overdue: true };
    }
    case 'escalated':
    case 'taken_over':
      return atLevel(s, e.toLevel, e.supervisorOrgId, e.deadlines);
    case 'reported':
      return atLevel(s, 'organization_department', e.toOrgId, e.deadlines);
    case 'forwarded':
      return atLevel(s, 'functional_department', e.departmentOrgId, e.deadlines);
    case 'urged':
      // An automatic 催办 with a new 督办 deadline is the top rung's answer to one missed cadence.
      return e.deadlines ? { ...s, topRungMisses: s.topRungMisses + 1, deadlines: withDeadlines(s, e.deadlines) } : s;
    case 'publicly_noticed':
      return { ...s, publiclyNoticed: true };
    case 'merged':
      return { ...s, mergedInto: { caseId: e.primaryCaseId, trackingCode: e.primaryTrackingCode } };
    case 'complainant_joined':
      return s.coComplainants.includes(e.residentUserId)
        ? s
        : { ...s, coComplainants: [...s.coComplainants, e.residentUserId] };
    case 'evaluated':
      return e.counts ? { ...s, satisfaction: e.satisfaction, solved: e.solved } : s;
    case 'reopened': {
      const deadlines = withDeadlines(s, e.deadlines, ['evaluation']);
      const awaitingVerification = s.awaitingVerification || e.beyondLimit;
      return {
        ...s,
        status: 'acknowledged',
        reopenCount: e.reopenCount,
        deadlines,
        awaitingVerification,
        resolvedAt: null,
        overdue: isOverdue(deadlines, e.at),
      };
    }
    case 'closed':
      return {
        ...s,
        status: 'closed',
        outcome: e.outcome,
        closedAt: e.at,
        deadlines: {},
        pendingExtension: null,
        pendingRequest: null,
        pausedSince: null,
        overdue: false,
      };
    default:
      // progress_reported, follow_up_recorded, accountability_recorded, information_added
      return s;
  }
}

/** A case is overdue while a deadline it still runs under has been breached. */
function isOverdue(deadlines: CaseState['deadlines'], at: number): boolean {
  return Object.values(deadlines).some((d) => d !== undefined && (d.breachedAt !== null || d.dueAt <= at));
}
