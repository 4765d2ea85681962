// The state of one case as the workflow holds it, and `evolve`, which folds one event into it.
// Evolve never decides anything: every choice was made in case-machine.ts and written into the event,
// so replaying the events always rebuilds the same state.
import type { CaseEvent, DeadlineState, FollowUpOwner } from './actions';
import type { CalendarData, DeadlineKind, Duration, Level, Outcome, PhaseDeadlines, Satisfaction, Stage, Status, Tier } from './types';

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
  /** Where a breach at street level is forwarded: the category's owning department, else the regulator. */
  departmentOrgId: string;
  /** The compound's community committee: the first-level supervisor. */
  chain: SupervisionChain;
  /** Household linking (党员联户): the party member linked to the complainant's household, if any. */
  linkedPartyMemberId: string | null;
  terms: CaseTerms;
  calendar: CalendarData;
}

export interface PendingExtension {
  deadline: 'response' | 'resolution';
  extendBy: Duration;
  proposedDueAt: number;
  reason: string;
  requestedAt: number;
}

export interface CaseState extends CaseIntake {
  seq: number;
  status: Status;
  level: Level;
  supervisorOrgId: string;
  currentHandlerOrgId: string | null;
  followUpOwner: FollowUpOwner | null;
  deadlines: Partial<Record<DeadlineKind, DeadlineState>>;
  pendingExtension: PendingExtension | null;
  reopenCount: number;
  escalationCount: number;
  returnedCount: number;
  breaches: number;
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
    followUpOwner: null,
    deadlines: {},
    pendingExtension: null,
    reopenCount: 0,
    escalationCount: 0,
    returnedCount: 0,
    breaches: 0,
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

export function evolve(state: CaseState, e: CaseEvent): CaseState {
  const s: CaseState = { ...state, seq: e.seq };
  switch (e.type) {
    case 'submitted':
      return s;
    case 'dispatched':
      return {
        ...s,
        status: 'dispatched',
        currentHandlerOrgId: e.handlerOrgId,
        supervisorOrgId: e.supervisorOrgId,
        level: e.level,
        deadlines: withDeadlines(s, e.deadlines, ['response', 'resolution', 'evaluation']),
        // A pending extension named a deadline that has just been replaced: it lapses with it.
        pendingExtension: null,
        overdue: false,
        dispatchedAt: s.dispatchedAt ?? e.at,
        firstResponseDueAt: s.firstResponseDueAt ?? e.deadlines.find((d) => d.kind === 'response')?.dueAt ?? null,
        firstResolutionDueAt: s.firstResolutionDueAt ?? e.deadlines.find((d) => d.kind === 'resolution')?.dueAt ?? null,
      };
    case 'acknowledged': {
      const deadlines = { ...s.deadlines };
      delete deadlines.response;
      // A request to extend the response deadline lapses with it; the handler may then ask about the resolution.
      const pendingExtension = s.pendingExtension?.deadline === 'response' ? null : s.pendingExtension;
      return { ...s, status: 'acknowledged', deadlines, pendingExtension, acknowledgedAt: s.acknowledgedAt ?? e.at, overdue: isOverdue(deadlines, e.at) };
    }
    case 'resolved': {
      const deadlines = withDeadlines(s, [e.evaluationDeadline], ['response', 'resolution']);
      return { ...s, status: 'resolved', deadlines, resolvedAt: e.at, pendingExtension: null, overdue: false };
    }
    case 'extension_requested':
      return { ...s, pendingExtension: { deadline: e.deadline, extendBy: e.extendBy, proposedDueAt: e.proposedDueAt, reason: e.reason, requestedAt: e.at } };
    case 'extension_decided':
      return { ...s, pendingExtension: null, deadlines: e.updated ? withDeadlines(s, [e.updated]) : s.deadlines };
    case 'returned':
      return { ...s, status: 'returned', currentHandlerOrgId: null, deadlines: {}, pendingExtension: null, returnedCount: s.returnedCount + 1, overdue: false };
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
      return { ...s, level: e.toLevel, supervisorOrgId: e.supervisorOrgId, escalationCount: s.escalationCount + 1, deadlines: withDeadlines(s, e.deadlines), pendingExtension: null, overdue: false };
    case 'reported':
      return { ...s, level: 'organization_department', supervisorOrgId: e.toOrgId, escalationCount: s.escalationCount + 1 };
    case 'forwarded':
      return {
        ...s,
        level: 'functional_department',
        status: 'dispatched',
        currentHandlerOrgId: e.departmentOrgId,
        deadlines: withDeadlines(s, e.deadlines, ['response', 'resolution']),
        pendingExtension: null,
        overdue: false,
      };
    case 'evaluated':
      return e.counts ? { ...s, satisfaction: e.satisfaction, solved: e.solved } : s;
    case 'reopened':
      return { ...s, status: 'acknowledged', reopenCount: e.reopenCount, deadlines: withDeadlines(s, e.deadlines, ['evaluation']), resolvedAt: null };
    case 'closed':
      return { ...s, status: 'closed', outcome: e.outcome, closedAt: e.at, deadlines: {}, pendingExtension: null, overdue: false };
    default:
      // progress_reported, follow_up_recorded, urged, accountability_recorded, information_added
      return s;
  }
}

function isOverdue(deadlines: CaseState['deadlines'], at: number): boolean {
  return Object.values(deadlines).some((d) => d !== undefined && d.dueAt <= at);
}
