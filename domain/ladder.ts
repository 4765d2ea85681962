// The clock's side of the loop: deadlines, 催办 reminders, breaches and the escalation ladder
// community committee → street committee → (reported to) organisation department → (forwarded to) the
// functional department's Party organisation, whose 督办 cadence is the top rung (DOMAIN.md "Fairness rules").
import type { CaseEventBody, DeadlineState } from './actions';
import { addDuration, addWorkingMs, createCalendar, workingReminderTimes, workingMsBetween } from './calendar';
import type { CaseState } from './case-state';
import { controllerOf } from './policy';
import type { DeadlineKind, Duration, HandlerDeadlineKind, Level } from './types';

/**
 * 催办 moments of a span from `at` to `dueAt`. A reminder that would fall out of working hours waits for the office
 * to open (and is dropped if that is past the due, where the breach speaks instead); emergencies and demo seconds
 * remind around the clock. Breaches always keep their exact times.
 */
export function remindersFor(
  s: Pick<CaseState, 'calendar' | 'terms' | 'tier'>,
  duration: Duration,
  at: number,
  dueAt: number,
): number[] {
  const clockTime = duration.unit === 'seconds' || s.tier === 'emergency';
  return workingReminderTimes(at, dueAt, s.terms.reminderPoints, clockTime ? null : createCalendar(s.calendar));
}

export function makeDeadline(
  s: Pick<CaseState, 'calendar' | 'terms' | 'tier'>,
  kind: DeadlineKind,
  duration: Duration,
  at: number,
): DeadlineState {
  const dueAt = addDuration(at, duration, createCalendar(s.calendar));
  return {
    kind,
    startedAt: at,
    dueAt,
    firstDueAt: dueAt,
    duration,
    reminderAt: remindersFor(s, duration, at, dueAt),
    remindersSent: 0,
    extended: 0,
    breachedAt: null,
  };
}

/** The length a fresh deadline of this kind runs: the phase's for the handler, the decision time for a supervisor. */
export function durationOf(s: Pick<CaseState, 'terms'>, kind: DeadlineKind): Duration {
  if (kind === 'decision') return s.terms.fairness.decisionTime;
  if (kind === 'evaluation') return s.terms.evaluationWindow;
  return s.terms.phase[kind];
}

const HANDLER_KINDS: readonly DeadlineKind[] = ['response', 'resolution'];
const isHandlerKind = (k: DeadlineKind): k is HandlerDeadlineKind => HANDLER_KINDS.includes(k);

/** The deadlines the clock watches now: a paused case's handler deadlines stand still. */
function watched(s: CaseState): DeadlineState[] {
  return (Object.values(s.deadlines) as DeadlineState[]).filter(
    (d) => d.breachedAt === null && !(s.pausedSince !== null && isHandlerKind(d.kind)),
  );
}

/** The agreement's maximum pause is for the whole case: a second pause has what the first left. */
export function pauseAllowanceMs(s: CaseState, from: number): number {
  return Math.max(0, addDuration(from, s.terms.fairness.maxPause, createCalendar(s.calendar)) - from - s.pausedMs);
}

export const pauseEndsAt = (s: CaseState): number | null =>
  s.pausedSince === null ? null : s.pausedSince + pauseAllowanceMs(s, s.pausedSince);

/** The next moment the clock can change this case (a reminder, a deadline, the end of the longest pause), or null. */
export function nextWakeUp(s: CaseState): number | null {
  if (s.status === 'closed') return null;
  let next = pauseEndsAt(s);
  for (const d of watched(s)) {
    const at = Math.min(d.reminderAt[d.remindersSent] ?? Infinity, d.dueAt);
    if (next === null || at < next) next = at;
  }
  return next;
}

/**
 * Resuming: the handler's running deadlines move on by the time paused, so paused time never counts — neither
 * against the due nor against the extension cap, which counts from the first due (so that moves too). A pause
 * counts at most the agreement's maximum, also when it ends later than that (a pause deemed approved late).
 */
export function resumeEvent(
  s: CaseState,
  cause: Extract<CaseEventBody, { type: 'resumed' }>['cause'],
  at: number,
): CaseEventBody {
  const since = s.pausedSince ?? at;
  const end = Math.max(since, Math.min(at, pauseEndsAt(s) ?? at));
  const deadlines = (Object.values(s.deadlines) as DeadlineState[])
    .filter((d) => isHandlerKind(d.kind) && d.breachedAt === null)
    .map((d) => resumed(s, d, since, end));
  return { type: 'resumed', cause, pausedMs: end - since, deadlines };
}

/**
 * A deadline held from `since` to `end` runs on with the time it had left: working time for a working-day deadline
 * (a pause from Friday evening to Monday morning gives back no working hours), clock time otherwise.
 */
export function resumed(
  s: Pick<CaseState, 'calendar' | 'terms' | 'tier'>,
  d: DeadlineState,
  since: number,
  end: number,
): DeadlineState {
  const cal = createCalendar(s.calendar);
  const dueAt =
    d.duration.unit === 'working_days'
      ? addWorkingMs(end, workingMsBetween(since, d.dueAt, cal), cal)
      : d.dueAt + (end - since);
  const moved = dueAt - d.dueAt;
  const reminderAt = [
    ...d.reminderAt.slice(0, d.remindersSent),
    ...remindersFor(s, d.duration, end, dueAt).filter((t) => t > end),
  ].slice(0, d.reminderAt.length);
  return { ...d, dueAt, firstDueAt: d.firstDueAt + moved, reminderAt };
}

/**
 * What the clock does at `now`: the end of a pause at its cap, 催办 reminders that fell due, then at most one
 * deadline's consequence. The caller applies the events and asks again until nothing is due.
 */
export function timerEvents(s: CaseState, now: number): CaseEventBody[] {
  if (s.status === 'closed') return [];
  const pauseEnd = pauseEndsAt(s);
  if (pauseEnd !== null && pauseEnd <= now) return [resumeEvent(s, 'limit', now)];
  const running = watched(s).sort((a, b) => a.dueAt - b.dueAt);
  const events: CaseEventBody[] = [];
  for (const d of running) {
    if (d.dueAt <= now) continue;
    // Only the latest reminder that fell due goes out: after downtime, one 催办 rather than a burst.
    let last = -1;
    for (let i = d.remindersSent; i < d.reminderAt.length && d.reminderAt[i] <= now; i++) last = i;
    if (last >= 0) events.push({ type: 'reminder_sent', deadline: d.kind, index: last, dueAt: d.dueAt });
  }
  const due = running.find((d) => d.dueAt <= now);
  if (due) events.push(...deadlineEvents(s, due, now));
  return events;
}

const ZH: Record<DeadlineKind, string> = { response: '响应', resolution: '办结', evaluation: '评价', decision: '审批' };

function deadlineEvents(s: CaseState, d: DeadlineState, now: number): CaseEventBody[] {
  if (d.kind === 'evaluation') return evaluationLapse(s);
  const controller = controllerOf(s);
  const silence = (what: string): CaseEventBody => ({
    type: 'accountability_recorded',
    organizationId: controller,
    dutyCode: 'decide_in_time',
    source: 'silence',
    deadline: d.kind,
    level: s.level,
    reason: `到期未审批${what}，视为同意 (the ${what === '延期' ? 'extension' : 'pause'} was not decided in time and is deemed approved)`,
  });
  // No party is charged for another's silence: an undecided request at the handler's deadline is deemed approved.
  if (isHandlerKind(d.kind) && s.pendingExtension?.deadline === d.kind) {
    const p = s.pendingExtension;
    const updated: DeadlineState = {
      ...d,
      dueAt: p.proposedDueAt,
      reminderAt: remindersFor(s, d.duration, now, p.proposedDueAt),
      remindersSent: 0,
      extended: d.extended + 1,
    };
    return [
      {
        type: 'extension_decided',
        approve: true,
        deemed: true,
        deadline: d.kind,
        newDueAt: p.proposedDueAt,
        updated,
        reason: '到期未审批，视为同意 (deemed approved)',
      },
      silence('延期'),
    ];
  }
  if (isHandlerKind(d.kind) && s.pendingRequest?.kind === 'pause') {
    return [
      { type: 'pause_decided', approve: true, deemed: true, reason: '到期未审批，视为同意 (deemed approved)' },
      silence('挂起'),
    ];
  }
  const party = d.kind === 'decision' ? controller : (s.currentHandlerOrgId ?? s.handlerOrgId);
  const duty = d.kind === 'decision' ? 'decide_in_time' : d.kind === 'response' ? 'respond_in_time' : 'resolve_in_time';
  const missed =
    d.kind === 'decision'
      ? `监督方未在时限内审批${s.pendingRequest?.kind === 'pause' ? '挂起' : '回退'}`
      : `承办单位超过${ZH[d.kind]}时限`;
  return [
    { type: 'breached', deadline: d.kind, dueAt: d.dueAt, organizationId: party, level: s.level },
    {
      type: 'accountability_recorded',
      organizationId: party,
      dutyCode: duty,
      source: 'breach',
      deadline: d.kind,
      level: s.level,
      reason: `${missed} (missed the ${d.kind} deadline)`,
    },
    ...climb(s, missed, now, [d.kind]),
  ];
}

/** The evaluation window passed: the case closes unevaluated; without a resident account, 回访 was the committee's duty. */
function evaluationLapse(s: CaseState): CaseEventBody[] {
  const closed: CaseEventBody = {
    type: 'closed',
    outcome: 'not_evaluated',
    reason: '评价期内未评价 (no evaluation within the window)',
  };
  if (s.residentUserId !== null || s.coComplainants.length > 0) return [closed];
  const reason = '评价期内未回访记录居民评价 (no 回访 evaluation was recorded within the window)';
  return [
    {
      type: 'accountability_recorded',
      organizationId: s.chain.communityOrgId,
      dutyCode: 'callback',
      source: 'silence',
      deadline: 'evaluation',
      level: s.level,
      reason,
    },
    closed,
  ];
}

const NEXT: Partial<Record<Level, Level>> = {
  community_committee: 'street_committee',
  street_committee: 'organization_department',
  organization_department: 'functional_department',
};

/**
 * One rung up, with a new 督办 deadline for each duty in `fresh` only (a deadline that did not breach keeps its due
 * time) and, where a decision is pending, a decision deadline for the new controller. At the top rung there is no
 * higher level: an automatic 催办 sets the next cadence, and enough missed cadences bring a public notice (通报).
 */
export function climb(s: CaseState, missed: string, now: number, fresh: DeadlineKind[]): CaseEventBody[] {
  const next = NEXT[s.level];
  if (!next) return topRung(s, missed, now, fresh);
  const deadlines = fresh.map((k) => makeDeadline(s, k, durationOf(s, k), now));
  if (s.pendingRequest && !fresh.includes('decision'))
    deadlines.push(makeDeadline(s, 'decision', durationOf(s, 'decision'), now));
  const stays = s.currentHandlerOrgId ? '，问题仍由原承办单位办理' : '';
  if (next === 'street_committee') {
    const reason = `${missed}，已交街道党工委督办${stays} (escalated to the street Party working committee)`;
    return [
      {
        type: 'escalated',
        fromLevel: s.level,
        toLevel: next,
        supervisorOrgId: s.chain.streetOrgId,
        reason,
        automatic: true,
        deadlines,
      },
    ];
  }
  const forward = `${missed}，组织部已转${'职能部门党组织'}督促办理${stays} (forwarded to the functional department's Party organisation)`;
  const forwarded: CaseEventBody = {
    type: 'forwarded',
    departmentOrgId: s.departmentOrgId,
    reason: forward,
    automatic: true,
    deadlines,
  };
  if (next === 'organization_department') {
    const report = `${missed}，街道党工委已报送组织部 (reported to the organisation department)`;
    return [
      { type: 'reported', toOrgId: s.chain.organizationDepartmentId, reason: report, automatic: true, deadlines: [] },
      forwarded,
    ];
  }
  return [forwarded];
}

function topRung(s: CaseState, missed: string, now: number, fresh: DeadlineKind[]): CaseEventBody[] {
  if (fresh.length === 0) return [];
  const cadence = s.terms.fairness.topRungCadence;
  const deadlines = fresh.map((k) => makeDeadline(s, k, cadence, now));
  const events: CaseEventBody[] = [
    {
      type: 'urged',
      message: `${missed}，职能部门党组织再次督办 (urged again at the top rung)`,
      deadline: fresh[0],
      automatic: true,
      deadlines,
    },
  ];
  const misses = s.topRungMisses + 1;
  if (!s.publiclyNoticed && misses >= s.terms.fairness.noticeAfter) {
    events.push({
      type: 'publicly_noticed',
      missedCadences: misses,
      reason: `督办期限连续${misses}次未办，予以通报 (publicly noticed after ${misses} missed cadences)`,
    });
  }
  return events;
}
