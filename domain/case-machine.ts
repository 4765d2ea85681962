// `decide`: given a case, an action and who asks, either the events that follow or a rejection with its reason.
// `intakeEvents` and `timerEvents` are the same for the two other sources of change: intake and the clock.
// Everything here is pure and deterministic, so the workflow can call it from validators and handlers alike.
import type { Actor, CaseAction, CaseEvent, CaseEventBody, DeadlineState, Decision, Rejection } from './actions';
import { SYSTEM_ACTOR } from './actions';
import { addDuration, createCalendar, reminderTimes } from './calendar';
import type { CaseIntake, CaseState } from './case-state';
import { evolve, initialState } from './case-state';
import { authorize } from './policy';
import type { DeadlineKind, Duration, Level } from './types';

const OPEN = ['dispatched', 'acknowledged', 'returned'] as const;
const illegal = (reason: string): Rejection => ({ ok: false, code: 'case.illegal_transition', reason });
const invalid = (reason: string): Rejection => ({ ok: false, code: 'case.invalid', reason });
const ok = (...events: CaseEventBody[]): Decision => ({ ok: true, events });

export function makeDeadline(s: Pick<CaseState, 'calendar' | 'terms'>, kind: DeadlineKind, duration: Duration, at: number): DeadlineState {
  const dueAt = addDuration(at, duration, createCalendar(s.calendar));
  return { kind, startedAt: at, dueAt, duration, reminderAt: reminderTimes(at, dueAt, s.terms.reminderPoints), remindersSent: 0, extended: 0, breachedAt: null };
}

function handlingDeadlines(s: CaseState, at: number): DeadlineState[] {
  return [makeDeadline(s, 'response', s.terms.phase.response, at), makeDeadline(s, 'resolution', s.terms.phase.resolution, at)];
}

/** 民意收集: the case is recorded and dispatched to the handler its routing named, under its supervisor. */
export function intakeEvents(s: CaseState): CaseEventBody[] {
  return [
    { type: 'submitted', categoryCode: s.categoryCode, compoundCode: s.compoundCode },
    {
      type: 'dispatched',
      handlerOrgId: s.handlerOrgId,
      supervisorOrgId: s.chain.communityOrgId,
      level: 'community_committee',
      deadlines: handlingDeadlines(s, s.submittedAt),
    },
  ];
}

/**
 * Stamps event bodies as the next events of the case (seq, time, actor, the caller's request id) and returns
 * them with the state after them. The workflow and intake both stamp through here, so the events intake writes
 * with the case row are exactly those the workflow derives from the same intake.
 */
export function stamp(state: CaseState, bodies: CaseEventBody[], actor: Actor, at: number, requestId?: string): { state: CaseState; events: CaseEvent[] } {
  const events: CaseEvent[] = [];
  for (const body of bodies) {
    const event = { ...body, seq: state.seq + 1, at, actor, ...(requestId ? { requestId } : {}) } as CaseEvent;
    state = evolve(state, event);
    events.push(event);
  }
  return { state, events };
}

/** A new case: its intake events (submitted, dispatched) by the system at the moment of submission. */
export function openCase(intake: CaseIntake): { state: CaseState; events: CaseEvent[] } {
  const state = initialState(intake);
  return stamp(state, intakeEvents(state), SYSTEM_ACTOR, state.submittedAt);
}

export function decide(s: CaseState, action: CaseAction, actor: Actor, at: number): Decision {
  if (s.status === 'closed') return illegal('工单已办结，不能再操作 (the case is closed)');
  const forbidden = authorize(actor, action.type, s);
  if (forbidden) return { ok: false, code: 'case.forbidden', reason: forbidden };
  const open = (OPEN as readonly string[]).includes(s.status);
  switch (action.type) {
    case 'acknowledge':
      return s.status === 'dispatched' ? ok({ type: 'acknowledged', note: action.note }) : illegal('只有待受理的工单可以受理 (only a dispatched case can be acknowledged)');
    case 'progress':
      return s.status === 'acknowledged' ? ok({ type: 'progress_reported', note: action.note }) : illegal('请先受理工单 (acknowledge the case first)');
    case 'resolve':
      if (s.status !== 'acknowledged') return illegal('请先受理工单再办结 (acknowledge the case before resolving it)');
      return ok({ type: 'resolved', summary: action.summary, evidence: action.evidence ?? [], evaluationDeadline: makeDeadline(s, 'evaluation', s.terms.evaluationWindow, at) });
    case 'request_extension':
      return requestExtension(s, action, at);
    case 'decide_extension':
      return decideExtension(s, action, at);
    case 'return':
      if (s.status !== 'dispatched' && s.status !== 'acknowledged') return illegal('只有办理中的工单可以回退 (only a case being handled can be returned)');
      return ok({ type: 'returned', reason: action.reason, handlerOrgId: s.currentHandlerOrgId ?? '' });
    case 'reroute':
      if (!open) return illegal('已办结待评价的工单不能改派 (a resolved case cannot be re-routed)');
      if (action.handlerOrgId === s.currentHandlerOrgId) return invalid('新承办单位与当前相同 (the new handler is the current one)');
      return ok({ type: 'dispatched', handlerOrgId: action.handlerOrgId, supervisorOrgId: s.supervisorOrgId, level: s.level, deadlines: handlingDeadlines(s, at), reason: action.reason });
    case 'assign_follow_up': {
      const owner = action.owner ?? (s.linkedPartyMemberId ? { kind: 'party_member' as const, id: s.linkedPartyMemberId } : null);
      if (!owner) return invalid('该住户没有联户党员，请指定跟踪人 (no linked party member: name a follow-up owner)');
      return ok({ type: 'follow_up_assigned', owner, suggested: !action.owner, note: action.note });
    }
    case 'record_follow_up':
      if (!s.followUpOwner) return illegal('尚未指派跟踪人 (no follow-up owner has been assigned)');
      return ok({ type: 'follow_up_recorded', findings: action.findings, onSite: action.onSite ?? true });
    case 'urge':
      return open ? ok({ type: 'urged', message: action.message, automatic: false }) : illegal('只有办理中的工单可以催办 (only an open case can be urged)');
    case 'escalate':
      if (!open) return illegal('只有办理中的工单可以上报 (only an open case can be escalated)');
      if (s.level !== 'community_committee') return illegal('工单已不在社区层级 (the case is already above the community level)');
      return ok(escalateToStreet(s, action.reason, at, false));
    case 'report':
      if (!open) return illegal('只有办理中的工单可以报告 (only an open case can be reported)');
      if (s.level !== 'street_committee') return illegal('只有街道层级的工单可以报告组织部 (only a case at street level can be reported)');
      return ok({ type: 'reported', toOrgId: s.chain.organizationDepartmentId, reason: action.reason, automatic: false });
    case 'forward':
      if (!open) return illegal('只有办理中的工单可以转交 (only an open case can be forwarded)');
      if (s.level !== 'organization_department') return illegal('只有组织部层级的工单可以转交职能部门 (only a case at the organisation department can be forwarded)');
      return ok(forwardEvent(s, action.departmentOrgId, action.reason, at, false));
    case 'evaluate':
      return s.status === 'resolved' ? ok(...evaluationEvents(s, action, at)) : illegal('工单尚未办结，不能评价 (the case is not resolved yet)');
    case 'add_information':
      return ok({ type: 'information_added', text: action.text });
    case 'withdraw':
      if (s.status === 'resolved') return illegal('工单已办结，不能撤回 (a resolved case cannot be withdrawn)');
      return ok({ type: 'closed', outcome: 'withdrawn', reason: action.reason });
    case 'close':
      return ok({ type: 'closed', outcome: 'closed_by_supervisor', reason: action.reason });
  }
}

function requestExtension(s: CaseState, a: Extract<CaseAction, { type: 'request_extension' }>, at: number): Decision {
  const d = s.deadlines[a.deadline];
  if (!d) return illegal(`当前没有进行中的${a.deadline === 'response' ? '响应' : '办结'}时限 (no running ${a.deadline} deadline)`);
  if (at >= d.dueAt) return illegal('时限已过，不能申请延期 (the deadline has passed: an extension must be asked before it)');
  if (s.pendingExtension) return illegal('已有待审批的延期申请 (an extension request is already pending)');
  const proposedDueAt = addDuration(d.dueAt, a.extendBy, createCalendar(s.calendar));
  return ok({ type: 'extension_requested', deadline: a.deadline, extendBy: a.extendBy, proposedDueAt, reason: a.reason });
}

function decideExtension(s: CaseState, a: Extract<CaseAction, { type: 'decide_extension' }>, at: number): Decision {
  const p = s.pendingExtension;
  if (!p) return illegal('没有待审批的延期申请 (no extension request is pending)');
  const d = s.deadlines[p.deadline];
  if (!a.approve || !d) return ok({ type: 'extension_decided', approve: false, deadline: p.deadline, newDueAt: null, reason: a.reason });
  if (at >= d.dueAt) return illegal('时限已过，延期只能在到期前批准 (the deadline has passed: an extension can only be approved before it)');
  const updated: DeadlineState = { ...d, dueAt: p.proposedDueAt, reminderAt: reminderTimes(at, p.proposedDueAt, s.terms.reminderPoints), remindersSent: 0, extended: d.extended + 1 };
  return ok({ type: 'extension_decided', approve: true, deadline: p.deadline, newDueAt: p.proposedDueAt, reason: a.reason, updated });
}

/** 不满意 reopens for 重办 while the agreement allows; the last evaluation is the one that counts. */
function evaluationEvents(s: CaseState, a: Extract<CaseAction, { type: 'evaluate' }>, at: number): CaseEventBody[] {
  const evaluated: CaseEventBody = { type: 'evaluated', satisfaction: a.satisfaction, solved: a.solved, comment: a.comment, counts: true };
  if (a.satisfaction !== 'unsatisfied') return [evaluated, { type: 'closed', outcome: a.satisfaction }];
  if (s.reopenCount < s.terms.reworkLimit) {
    const deadline = makeDeadline(s, 'resolution', s.terms.phase.resolution, at);
    return [evaluated, { type: 'reopened', reopenCount: s.reopenCount + 1, deadlines: [deadline] }];
  }
  return [
    evaluated,
    { type: 'accountability_recorded', organizationId: s.currentHandlerOrgId ?? s.handlerOrgId, dutyCode: 'satisfy_residents', source: 'unsatisfied', level: s.level, reason: '重办后居民仍不满意 (still unsatisfied after rework)' },
    { type: 'closed', outcome: 'unsatisfied' },
  ];
}

function escalateToStreet(s: CaseState, reason: string, at: number, automatic: boolean): CaseEventBody {
  const restart = (Object.values(s.deadlines) as DeadlineState[]).filter((d) => d.kind !== 'evaluation').map((d) => makeDeadline(s, d.kind, d.duration, at));
  return { type: 'escalated', fromLevel: s.level, toLevel: 'street_committee', supervisorOrgId: s.chain.streetOrgId, reason, automatic, deadlines: restart };
}

function forwardEvent(s: CaseState, departmentOrgId: string, reason: string, at: number, automatic: boolean): CaseEventBody {
  return { type: 'forwarded', departmentOrgId, reason, automatic, deadlines: handlingDeadlines(s, at) };
}

/** The next moment the clock can change this case (a reminder or a deadline), or null. */
export function nextWakeUp(s: CaseState): number | null {
  if (s.status === 'closed') return null;
  let next: number | null = null;
  for (const d of Object.values(s.deadlines) as DeadlineState[]) {
    const candidates = [d.breachedAt === null ? d.reminderAt[d.remindersSent] : undefined, d.breachedAt === null ? d.dueAt : undefined];
    for (const t of candidates) if (t !== undefined && (next === null || t < next)) next = t;
  }
  return next;
}

const DUTY: Record<'response' | 'resolution', string> = { response: 'respond_in_time', resolution: 'resolve_in_time' };

/**
 * What the clock does at `now`: 催办 reminders that fell due, then at most one breach with its accountability
 * record and escalation one level up. The caller applies the events and asks again until nothing is due.
 */
export function timerEvents(s: CaseState, now: number): CaseEventBody[] {
  if (s.status === 'closed') return [];
  const running = (Object.values(s.deadlines) as DeadlineState[]).filter((d) => d.breachedAt === null).sort((a, b) => a.dueAt - b.dueAt);
  const events: CaseEventBody[] = [];
  for (const d of running) {
    if (d.dueAt > now) {
      // Only the latest reminder that fell due goes out: after downtime, one 催办 rather than a burst.
      let last = -1;
      for (let i = d.remindersSent; i < d.reminderAt.length && d.reminderAt[i] <= now; i++) last = i;
      if (last >= 0) events.push({ type: 'reminder_sent', deadline: d.kind, index: last, dueAt: d.dueAt });
    }
  }
  const due = running.find((d) => d.dueAt <= now);
  if (due) events.push(...breachEvents(s, due, now));
  return events;
}

function breachEvents(s: CaseState, d: DeadlineState, now: number): CaseEventBody[] {
  if (d.kind === 'evaluation') return [{ type: 'closed', outcome: 'not_evaluated', reason: '评价期内未评价 (no evaluation within the window)' }];
  const handler = s.currentHandlerOrgId ?? s.handlerOrgId;
  const events: CaseEventBody[] = [];
  if (s.pendingExtension?.deadline === d.kind) {
    events.push({ type: 'extension_decided', approve: false, deadline: d.kind, newDueAt: null, reason: '到期前未获批准 (not approved before the deadline)' });
  }
  events.push(
    { type: 'breached', deadline: d.kind, dueAt: d.dueAt, organizationId: handler, level: s.level },
    { type: 'accountability_recorded', organizationId: handler, dutyCode: DUTY[d.kind], source: 'breach', deadline: d.kind, level: s.level, reason: `超过${d.kind === 'response' ? '响应' : '办结'}时限 (missed the ${d.kind} deadline)` },
  );
  const reason = `${d.kind} deadline missed`;
  const next: Partial<Record<Level, () => CaseEventBody[]>> = {
    community_committee: () => [escalateToStreet(s, reason, now, true)],
    street_committee: () => [
      { type: 'reported', toOrgId: s.chain.organizationDepartmentId, reason, automatic: true },
      forwardEvent(s, s.departmentOrgId, reason, now, true),
    ],
    organization_department: () => [forwardEvent(s, s.departmentOrgId, reason, now, true)],
  };
  return [...events, ...(next[s.level]?.() ?? [])];
}

export { SYSTEM_ACTOR };
