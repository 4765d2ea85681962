// `decide`: given a case, an action and who asks, either the events that follow or a rejection with its reason.
// `intakeEvents` opens a case; the clock's side (reminders, breaches, the ladder) is in ladder.ts.
// Everything here is pure and deterministic, so the workflow can call it from validators and handlers alike.
import type { Actor, CaseAction, CaseEvent, CaseEventBody, DeadlineState, Decision, Rejection } from './actions';
import { SYSTEM_ACTOR } from './actions';
import { addDuration, createCalendar } from './calendar';
import type { CaseIntake, CaseState } from './case-state';
import { evolve, initialState } from './case-state';
import { climb, durationOf, makeDeadline, pauseAllowanceMs, remindersFor, resumed, resumeEvent } from './ladder';
import { authorize } from './policy';
import type { Level, Satisfaction } from './types';
import { LEVELS } from './types';

export { makeDeadline, nextWakeUp, timerEvents } from './ladder';

const HANDLING = ['dispatched', 'acknowledged'] as const;
const OPEN = ['dispatched', 'acknowledged', 'returned'] as const;
const illegal = (reason: string): Rejection => ({ ok: false, code: 'case.illegal_transition', reason });
const invalid = (reason: string): Rejection => ({ ok: false, code: 'case.invalid', reason });
const ok = (...events: CaseEventBody[]): Decision => ({ ok: true, events });
const isIn = (list: readonly string[], status: string): boolean => list.includes(status);

/**
 * A handler's deadlines from `at`. One the case comes back to resumes the deadlines it left, never fresh ones: as
 * they ran meanwhile if it returned the case itself (a return never stops the clock), else with the time it had left.
 */
function deadlinesFor(s: CaseState, handlerOrgId: string, at: number): DeadlineState[] {
  const parked = s.parkedDeadlines[handlerOrgId];
  const resume = (d: DeadlineState) =>
    !parked || parked.byReturn || d.breachedAt !== null ? d : resumed(s, d, parked.since, at);
  return (['response', 'resolution'] as const).map((k) => {
    const d = parked?.deadlines.find((x) => x.kind === k);
    return d ? resume(d) : makeDeadline(s, k, s.terms.phase[k], at);
  });
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
      deadlines: deadlinesFor(s, s.handlerOrgId, s.submittedAt),
    },
  ];
}

/**
 * Stamps event bodies as the next events of the case (seq, time, actor, the caller's request id) and returns
 * them with the state after them. The workflow and intake both stamp through here, so the events intake writes
 * with the case row are exactly those the workflow derives from the same intake.
 */
export function stamp(
  state: CaseState,
  bodies: CaseEventBody[],
  actor: Actor,
  at: number,
  requestId?: string,
): { state: CaseState; events: CaseEvent[] } {
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
  if (s.status === 'returned' && TAKE_BACK.has(action.type)) return takeBack(s, action, actor, at);
  return handling(s, action, actor, at) ?? control(s, action, actor, at) ?? closing(s, action, at);
}

/** The handler's own work while its return waits: it never has to wait out its own clock. */
const TAKE_BACK = new Set<CaseAction['type']>(['acknowledge', 'progress', 'resolve', 'request_extension']);

/** Working on a case it returned takes the return back first: the case is the handler's again, as before. */
function takeBack(s: CaseState, action: CaseAction, actor: Actor, at: number): Decision {
  const withdrawn: CaseEventBody = {
    type: 'return_withdrawn',
    reason: '承办单位收回回退，继续办理 (the handler took its return back and carries on)',
  };
  const back = evolve(s, { ...withdrawn, seq: s.seq + 1, at, actor } as CaseEvent);
  const d = handling(back, action, actor, at)!;
  return d.ok ? ok(withdrawn, ...d.events) : d;
}

/** The handler's own actions (and resuming, which the controller may do too). */
function handling(s: CaseState, a: CaseAction, actor: Actor, at: number): Decision | undefined {
  switch (a.type) {
    case 'acknowledge': {
      if (s.status !== 'dispatched')
        return illegal('只有待受理的工单可以受理 (only a dispatched case can be acknowledged)');
      const lapsed: CaseEventBody[] =
        s.pendingExtension?.deadline === 'response'
          ? [
              {
                type: 'extension_withdrawn',
                deadline: 'response',
                reason: '已受理，响应延期申请不再需要 (acknowledged: the response extension is no longer needed)',
              },
            ]
          : [];
      return ok({ type: 'acknowledged', note: a.note }, ...lapsed);
    }
    case 'progress':
      return s.status === 'acknowledged'
        ? ok({ type: 'progress_reported', note: a.note })
        : illegal('请先受理工单 (acknowledge the case first)');
    case 'resolve':
      if (s.status !== 'acknowledged') return illegal('请先受理工单再办结 (acknowledge the case before resolving it)');
      return ok({
        type: 'resolved',
        summary: a.summary,
        evidence: a.evidence ?? [],
        evaluationDeadline: makeDeadline(s, 'evaluation', s.terms.evaluationWindow, at),
      });
    case 'request_extension':
      return requestExtension(s, a, at);
    case 'return':
      if (!isIn(HANDLING, s.status))
        return illegal('只有办理中的工单可以回退 (only a case being handled can be returned)');
      if (s.pendingRequest || s.pausedSince !== null)
        return illegal('已有待审批的申请或工单已挂起 (a request is pending or the case is paused)');
      return ok({
        type: 'returned',
        reason: a.reason,
        handlerOrgId: s.currentHandlerOrgId ?? '',
        decisionDeadline: makeDeadline(s, 'decision', durationOf(s, 'decision'), at),
      });
    case 'request_pause':
      if (!isIn(HANDLING, s.status))
        return illegal('只有办理中的工单可以挂起 (only a case being handled can be paused)');
      if (s.pendingRequest || s.pausedSince !== null)
        return illegal('已有待审批的申请或工单已挂起 (a request is pending or the case is paused)');
      if (pauseAllowanceMs(s, at) <= 0)
        return illegal('本工单的挂起时间已用完 (the agreement’s pause allowance for this case is used up)');
      return ok({
        type: 'pause_requested',
        reason: a.reason,
        decisionDeadline: makeDeadline(s, 'decision', durationOf(s, 'decision'), at),
      });
    case 'resume':
      if (s.pausedSince === null) return illegal('工单未挂起 (the case is not paused)');
      return ok(resumeEvent(s, actor.organizationId === s.currentHandlerOrgId ? 'handler' : 'supervisor', at));
    default:
      return undefined;
  }
}

function requestExtension(s: CaseState, a: Extract<CaseAction, { type: 'request_extension' }>, at: number): Decision {
  const d = s.deadlines[a.deadline];
  if (!d || d.breachedAt !== null)
    return illegal(
      `当前没有进行中的${a.deadline === 'response' ? '响应' : '办结'}时限 (no running ${a.deadline} deadline)`,
    );
  if (at >= d.dueAt)
    return illegal('时限已过，不能申请延期 (the deadline has passed: an extension must be asked before it)');
  if (s.pendingExtension) return illegal('已有待审批的延期申请 (an extension request is already pending)');
  const f = s.terms.fairness;
  if (d.extended >= f.extensionMaxCount)
    return illegal(
      `该时限已延期 ${d.extended} 次，达到协议上限 (this deadline has been extended the most times the agreement allows)`,
    );
  const cal = createCalendar(s.calendar);
  const proposedDueAt = addDuration(d.dueAt, a.extendBy, cal);
  if (proposedDueAt > addDuration(d.firstDueAt, f.extensionMaxTotal, cal))
    return invalid('延期总长超过协议上限 (extendBy: the extensions would exceed the agreement’s total)');
  return ok({
    type: 'extension_requested',
    deadline: a.deadline,
    extendBy: a.extendBy,
    proposedDueAt,
    reason: a.reason,
  });
}

const levelIndex = (l: Level): number => LEVELS.indexOf(l);

/** The supervisor's decisions, taken by the level the case has reached (policy.ts controllerOf). */
function control(s: CaseState, a: CaseAction, actor: Actor, at: number): Decision | undefined {
  const open = isIn(OPEN, s.status);
  switch (a.type) {
    case 'decide_extension':
      return decideExtension(s, a, at);
    case 'decide_return':
      if (s.pendingRequest?.kind !== 'return') return illegal('没有待审批的回退 (no return is waiting for a decision)');
      if (a.decision === 'refuse')
        return ok({
          type: 'return_decided',
          decision: 'refuse',
          handlerOrgId: s.currentHandlerOrgId ?? '',
          reason: a.reason,
        });
      if (!a.handlerOrgId) return invalid('handlerOrgId: 改派须指定新的承办单位 (name the handler to re-route to)');
      return reroute(s, a.handlerOrgId, a.reason, at);
    case 'reroute':
      return open
        ? reroute(s, a.handlerOrgId, a.reason, at)
        : illegal('已办结待评价的工单不能改派 (a resolved case cannot be re-routed)');
    case 'decide_pause':
      if (s.pendingRequest?.kind !== 'pause')
        return illegal('没有待审批的挂起申请 (no pause is waiting for a decision)');
      return ok({ type: 'pause_decided', approve: a.approve, reason: a.reason });
    case 'escalate':
      if (!open) return illegal('只有办理中的工单可以上报 (only an open case can be escalated)');
      if (s.level !== 'community_committee')
        return illegal('工单已不在社区层级 (the case is already above the community level)');
      return ok({
        type: 'escalated',
        fromLevel: s.level,
        toLevel: 'street_committee',
        supervisorOrgId: s.chain.streetOrgId,
        reason: a.reason,
        automatic: false,
        deadlines: decisionFor(s, at),
      });
    case 'report':
      if (!open) return illegal('只有办理中的工单可以报告 (only an open case can be reported)');
      if (s.level !== 'street_committee')
        return illegal('只有街道层级的工单可以报告组织部 (only a case at street level can be reported)');
      return ok({
        type: 'reported',
        toOrgId: s.chain.organizationDepartmentId,
        reason: a.reason,
        automatic: false,
        deadlines: decisionFor(s, at),
      });
    case 'forward':
      if (!open) return illegal('只有办理中的工单可以转交 (only an open case can be forwarded)');
      if (s.level !== 'organization_department')
        return illegal(
          '只有组织部层级的工单可以转交职能部门 (only a case at the organisation department can be forwarded)',
        );
      return ok({
        type: 'forwarded',
        departmentOrgId: a.departmentOrgId,
        reason: a.reason,
        automatic: false,
        deadlines: decisionFor(s, at),
      });
    case 'take_over':
      return takeOver(s, a.reason, actor, at);
    case 'urge':
      return open
        ? ok({ type: 'urged', message: a.message, automatic: false })
        : illegal('只有办理中的工单可以催办 (only an open case can be urged)');
    case 'assign_follow_up': {
      const owner =
        a.owner ?? (s.linkedPartyMemberId ? { kind: 'party_member' as const, id: s.linkedPartyMemberId } : null);
      if (!owner)
        return invalid('owner: 该住户没有联户党员，请指定跟踪人 (no linked party member: name a follow-up owner)');
      return ok({ type: 'follow_up_assigned', owner, suggested: !a.owner, note: a.note });
    }
    case 'record_follow_up':
      if (!s.followUpOwner) return illegal('尚未指派跟踪人 (no follow-up owner has been assigned)');
      return ok({ type: 'follow_up_recorded', findings: a.findings, onSite: a.onSite ?? true });
    case 'merge':
      if (!open) return illegal('只有办理中的工单可以合并 (only a case being handled can be merged)');
      if (a.primary.caseId === s.caseId)
        return invalid('primaryCaseId: 不能合并到自身 (a case cannot be merged into itself)');
      if (a.primary.compoundCode !== s.compoundCode)
        return invalid('primaryCaseId: 主工单须属于同一小区 (the primary case must be in the same compound)');
      return ok(
        {
          type: 'merged',
          primaryCaseId: a.primary.caseId,
          primaryTrackingCode: a.primary.trackingCode,
          reason: a.reason,
        },
        {
          type: 'closed',
          outcome: 'merged',
          reason: `已合并到工单 ${a.primary.trackingCode} (merged into ${a.primary.trackingCode})`,
        },
      );
    default:
      return undefined;
  }
}

function reroute(s: CaseState, handlerOrgId: string, reason: string, at: number): Decision {
  if (handlerOrgId === s.currentHandlerOrgId)
    return invalid(
      'handlerOrgId: 新承办单位与当前相同，请驳回回退 (the new handler is the current one: refuse the return instead)',
    );
  const decided: CaseEventBody[] =
    s.pendingRequest?.kind === 'return' ? [{ type: 'return_decided', decision: 'reroute', handlerOrgId, reason }] : [];
  // The handler it leaves parks its deadlines with the paused time already added back: a pause never counts.
  const unpaused: CaseEventBody[] = s.pausedSince !== null ? [resumeEvent(s, 'supervisor', at)] : [];
  const leavingByReturn = s.pendingRequest?.kind === 'return';
  const dispatched: CaseEventBody = {
    type: 'dispatched',
    handlerOrgId,
    supervisorOrgId: s.supervisorOrgId,
    level: s.level,
    deadlines: deadlinesFor(s, handlerOrgId, at),
    reason,
    leavingByReturn,
  };
  return ok(...unpaused, ...decided, dispatched);
}

function decideExtension(s: CaseState, a: Extract<CaseAction, { type: 'decide_extension' }>, at: number): Decision {
  const p = s.pendingExtension;
  if (!p) return illegal('没有待审批的延期申请 (no extension request is pending)');
  const d = s.deadlines[p.deadline];
  if (!a.approve || !d)
    return ok({ type: 'extension_decided', approve: false, deadline: p.deadline, newDueAt: null, reason: a.reason });
  const updated: DeadlineState = {
    ...d,
    dueAt: p.proposedDueAt,
    reminderAt: remindersFor(s, d.duration, at, p.proposedDueAt),
    remindersSent: 0,
    extended: d.extended + 1,
  };
  return ok({
    type: 'extension_decided',
    approve: true,
    deadline: p.deadline,
    newDueAt: p.proposedDueAt,
    reason: a.reason,
    updated,
  });
}

/** A pending return or pause is the new controller's to decide, on a clock of its own. */
const decisionFor = (s: CaseState, at: number): DeadlineState[] =>
  s.pendingRequest ? [makeDeadline(s, 'decision', durationOf(s, 'decision'), at)] : [];

/** 提级督办: a higher level of the chain takes control, with a reason; nothing the handler owes changes. */
function takeOver(s: CaseState, reason: string, actor: Actor, at: number): Decision {
  if (s.status === 'resolved') return illegal('已办结待评价的工单不能提级 (a resolved case cannot be taken over)');
  const c = s.chain;
  const toLevel: Level | null =
    actor.organizationId === c.streetOrgId
      ? 'street_committee'
      : actor.organizationId === c.organizationDepartmentId
        ? 'organization_department'
        : null;
  if (!toLevel || levelIndex(toLevel) <= levelIndex(s.level))
    return illegal('只有上级可以提级督办 (only a higher level may take a case over)');
  return ok({
    type: 'taken_over',
    fromLevel: s.level,
    toLevel,
    supervisorOrgId: actor.organizationId!,
    reason,
    deadlines: decisionFor(s, at),
  });
}

/** The resident's side, 回访, and closing. */
function closing(s: CaseState, a: CaseAction, at: number): Decision {
  switch (a.type) {
    case 'evaluate':
    case 'record_callback':
      if (s.status !== 'resolved') return illegal('工单尚未办结，不能评价 (the case is not resolved yet)');
      return ok(...evaluationEvents(s, a, a.type === 'evaluate' ? 'app' : a.channel, at));
    case 'add_information': {
      // The resident's answer is what a pause waited for: the clock runs again.
      const resumed = s.pausedSince !== null ? [resumeEvent(s, 'resident_information', at)] : [];
      return ok({ type: 'information_added', text: a.text }, ...resumed);
    }
    case 'withdraw':
      if (s.status === 'resolved') return illegal('工单已办结，不能撤回 (a resolved case cannot be withdrawn)');
      return ok({ type: 'closed', outcome: 'withdrawn', reason: a.reason });
    case 'close':
      return close(s, a);
    default:
      return illegal(`未知操作 (unknown action ${(a as CaseAction).type})`);
  }
}

/** Supervisors close only what was never resolved (duplicate, invalid, withdrawn by phone), or verified repeated dissatisfaction. */
function close(s: CaseState, a: Extract<CaseAction, { type: 'close' }>): Decision {
  if (s.status === 'resolved')
    return illegal(
      '已办结待评价的工单不能关闭，须由居民评价或回访 (a resolved case waits for the resident’s evaluation)',
    );
  if (a.ground === 'verified_unreasonable') {
    if (!s.awaitingVerification)
      return illegal(
        '只有重办后仍不满意的工单可以核实后关闭 (only a case still unsatisfied after rework can be closed as unreasonable)',
      );
    return ok({ type: 'closed', outcome: 'unsatisfied_unreasonable', ground: a.ground, reason: a.reason });
  }
  if (s.reopenCount > 0)
    return illegal('已办结过的工单不能以此理由关闭 (a case resolved before cannot be closed on this ground)');
  return ok({ type: 'closed', outcome: 'closed_by_supervisor', ground: a.ground, reason: a.reason });
}

/** 不满意 or "not solved" reopens for 重办 within the agreement's limit; past it, the level above supervises the rework. */
function evaluationEvents(
  s: CaseState,
  a: { satisfaction: Satisfaction; solved: boolean; comment?: string },
  channel: 'app' | 'phone' | 'visit',
  at: number,
): CaseEventBody[] {
  const evaluated: CaseEventBody = {
    type: 'evaluated',
    satisfaction: a.satisfaction,
    solved: a.solved,
    comment: a.comment,
    counts: true,
    channel,
  };
  if (a.satisfaction !== 'unsatisfied' && a.solved) return [evaluated, { type: 'closed', outcome: a.satisfaction }];
  const deadlines = [makeDeadline(s, 'resolution', s.terms.phase.resolution, at)];
  const reopenCount = s.reopenCount + 1;
  if (s.reopenCount < s.terms.reworkLimit) {
    return [
      evaluated,
      {
        type: 'reopened',
        reopenCount,
        deadlines,
        beyondLimit: false,
        reason: '居民认为问题未解决，退回重办 (the resident says it is not solved: rework)',
      },
    ];
  }
  const handler = s.currentHandlerOrgId ?? s.handlerOrgId;
  const why = '重办后居民仍不满意';
  return [
    evaluated,
    {
      type: 'accountability_recorded',
      organizationId: handler,
      dutyCode: 'satisfy_residents',
      source: 'unsatisfied',
      level: s.level,
      reason: `${why} (still unsatisfied after rework)`,
    },
    {
      type: 'reopened',
      reopenCount,
      deadlines,
      beyondLimit: true,
      reason: `${why}，由上级督办重办 (rework under the level above)`,
    },
    ...climb(s, why, at, []),
  ];
}
