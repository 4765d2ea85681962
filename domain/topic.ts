// A governance topic (治理专题): a supervisor works a repeat problem as a whole — title, scope, an owner
// organisation, a due date, tasks with owners and due dates — under the same clock as a case: 催办 reminders at the
// agreement's reminder points of each span, and a task or the topic past its due without being done is a breach,
// recorded for accountability and told one rung up the ladder (community → street → organisation department).
// Under supervision (督办, the `topic-supervision` patch) a breach is not the end of it: the span gets a 督办 due one
// cadence of the agreement later, and each missed one is another breach told a rung higher, up to the top of the
// chain, where it repeats until the work is done or the topic closes.
// `decideTopic` answers an action with events or a rejection; `evolveTopic` folds an event in; the clock is
// `topicWakeUp` and `topicTimerEvents`. Pure, so the topic workflow can run it in validators and handlers alike.
import type { Actor } from './actions';
import { addDuration, createCalendar, workingReminderTimes } from './calendar';
import type { CalendarData, Duration } from './types';

export interface TopicScope {
  compoundCodes: string[];
  /** Buildings narrow their compound to those buildings; a compound with none listed counts whole. */
  buildings: { compoundCode: string; building: string }[];
  categoryCode: string | null;
}

export interface TopicTaskOpening {
  id: string;
  title: string;
  ownerOrgId: string;
  dueAt: number;
}

/** How a breached span is supervised: the agreement's 督办 cadence, counted on the working-day calendar. */
export interface TopicSupervision {
  cadence: Duration;
  calendar: CalendarData;
}

/** What the API decided when the topic was opened; it wrote the `opened` event (seq 1) with the topic row. */
export interface TopicOpening {
  topicId: string;
  title: string;
  openedAt: number;
  ownerOrgId: string;
  /** The opener's organisation first, then each rung above it up to the organisation department. */
  supervisorChain: string[];
  dueAt: number;
  /** The agreement's 催办 points (fractions of each span), or the reference points. */
  reminderPoints: number[];
  tasks: TopicTaskOpening[];
  /** Absent in openings made before 0.5.0: such a topic's breach stays its last word. */
  supervision?: TopicSupervision;
}

/** A span's 督办 after its first breach; absent in states carried over from before 0.5.0 (read as none). */
export interface Supervised {
  /** When the running 督办 is due, or null while not (yet) supervised. */
  superviseDueAt?: number | null;
  /** Breaches so far: the first at the due, then one per missed 督办. */
  misses?: number;
}

export interface TopicTask extends TopicTaskOpening, Supervised {
  reminderAt: number[];
  remindersSent: number;
  doneAt: number | null;
  breachedAt: number | null;
}

export interface TopicState extends Supervised {
  topicId: string;
  title: string;
  ownerOrgId: string;
  supervisorChain: string[];
  openedAt: number;
  dueAt: number;
  reminderAt: number[];
  remindersSent: number;
  breachedAt: number | null;
  tasks: TopicTask[];
  status: 'open' | 'closed';
  closedAt: number | null;
  seq: number;
  supervision?: TopicSupervision | null;
}

export type TopicAction =
  | { type: 'complete_task'; taskId: string; note: string }
  | { type: 'add_progress'; note: string }
  | { type: 'close'; summary: string; reason?: string };
export type TopicActionType = TopicAction['type'];
export const TOPIC_ACTION_TYPES: TopicActionType[] = ['complete_task', 'add_progress', 'close'];

/** What a reminder or breach is about: the topic as a whole, or one of its tasks. */
export type TopicTarget = { target: 'topic'; taskId: null } | { target: 'task'; taskId: string };

export type TopicEventBody =
  | { type: 'opened' }
  | ({ type: 'reminder_sent'; organizationId: string; index: number } & TopicTarget)
  | ({
      type: 'breached';
      organizationId: string;
      dueAt: number;
      escalatedToOrgId: string | null;
      /** Under supervision: the next 督办 due, set by this breach. */
      superviseDueAt?: number;
    } & TopicTarget)
  | { type: 'task_completed'; taskId: string; note: string; late: boolean }
  | { type: 'progress_added'; note: string }
  | { type: 'closed'; summary: string; reason: string | null; undoneTaskIds: string[] };
export type TopicEvent = TopicEventBody & { seq: number; at: number; actor: Actor; requestId?: string };

export type TopicRejectionCode =
  'topic.forbidden' | 'topic.illegal_transition' | 'topic.task_not_found' | 'topic.tasks_undone';
export type TopicDecision =
  { ok: true; events: TopicEventBody[] } | { ok: false; code: TopicRejectionCode; reason: string };

/** A due date the opening may not take, as the request field it came from. */
export interface OpeningProblem {
  path: string;
  zh: string;
  en: string;
}

/** Dues must lie ahead, and no task may fall due after the topic it belongs to. */
export function openingProblems(o: { dueAt: number; tasks: { dueAt: number }[] }, now: number): OpeningProblem[] {
  const problems: OpeningProblem[] = [];
  if (!(o.dueAt > now)) problems.push({ path: 'dueAt', zh: '截止时间须在将来', en: 'must be in the future' });
  o.tasks.forEach((t, i) => {
    if (!(t.dueAt > now))
      problems.push({ path: `tasks.${i}.dueAt`, zh: '截止时间须在将来', en: 'must be in the future' });
    else if (t.dueAt > o.dueAt)
      problems.push({
        path: `tasks.${i}.dueAt`,
        zh: '不能晚于专题截止时间',
        en: "must not be after the topic's dueAt",
      });
  });
  return problems;
}

/**
 * 催办 moments of a span, as a case's (ladder.ts `remindersFor`): held to working hours, except for an agreement
 * counted in seconds (the demo's) and for openings made before 0.5.0, which carry no calendar.
 */
export function topicReminders(
  o: Pick<TopicOpening, 'openedAt' | 'reminderPoints' | 'supervision'>,
  dueAt: number,
): number[] {
  const s = o.supervision;
  const cal = s && s.cadence.unit !== 'seconds' ? createCalendar(s.calendar) : null;
  return workingReminderTimes(o.openedAt, dueAt, o.reminderPoints, cal);
}

/** The state right after opening: seq 1 is the `opened` event the API wrote with the row. */
export function openTopic(o: TopicOpening): TopicState {
  const remind = (dueAt: number) => topicReminders(o, dueAt);
  return {
    topicId: o.topicId,
    title: o.title,
    ownerOrgId: o.ownerOrgId,
    supervisorChain: o.supervisorChain,
    openedAt: o.openedAt,
    dueAt: o.dueAt,
    reminderAt: remind(o.dueAt),
    remindersSent: 0,
    breachedAt: null,
    superviseDueAt: null,
    misses: 0,
    tasks: o.tasks.map((t) => ({
      ...t,
      reminderAt: remind(t.dueAt),
      remindersSent: 0,
      doneAt: null,
      breachedAt: null,
      superviseDueAt: null,
      misses: 0,
    })),
    status: 'open',
    closedAt: null,
    seq: 1,
    supervision: o.supervision ?? null,
  };
}

const inChain = (s: TopicState, a: Actor): boolean =>
  a.role === 'admin' || (a.organizationId !== null && s.supervisorChain.includes(a.organizationId));

/** Who takes part: the supervising chain, the owner organisation and every task's owner (and admins). */
export function takesPart(s: TopicState, a: Actor): boolean {
  const org = a.organizationId;
  return inChain(s, a) || (org !== null && (org === s.ownerOrgId || s.tasks.some((t) => t.ownerOrgId === org)));
}

const reject = (code: TopicRejectionCode, reason: string): TopicDecision => ({ ok: false, code, reason });

export function decideTopic(s: TopicState, action: TopicAction, actor: Actor, at: number): TopicDecision {
  if (!takesPart(s, actor))
    return reject('topic.forbidden', '您的单位不参与此专题 (your organisation takes no part in this topic)');
  if (s.status === 'closed') return reject('topic.illegal_transition', '专题已结束 (the topic is closed)');
  switch (action.type) {
    case 'complete_task': {
      const task = s.tasks.find((t) => t.id === action.taskId);
      if (!task) return reject('topic.task_not_found', '没有这项任务 (no such task)');
      if (task.ownerOrgId !== actor.organizationId && !inChain(s, actor))
        return reject(
          'topic.forbidden',
          '只有任务责任单位或督办单位可以完成任务 (only the task owner or the supervisor)',
        );
      // Completing a done task again changes nothing: a retry under a new key is not a second completion.
      if (task.doneAt !== null) return { ok: true, events: [] };
      return {
        ok: true,
        events: [{ type: 'task_completed', taskId: task.id, note: action.note, late: at > task.dueAt }],
      };
    }
    case 'add_progress':
      return { ok: true, events: [{ type: 'progress_added', note: action.note }] };
    case 'close': {
      if (!inChain(s, actor))
        return reject('topic.forbidden', '只有开题单位或其上级可以结束专题 (only the opener or a level above closes)');
      const undone = s.tasks.filter((t) => t.doneAt === null).map((t) => t.id);
      const reason = action.reason?.trim() || null;
      if (undone.length > 0 && reason === null)
        return reject('topic.tasks_undone', '仍有任务未完成，结束须说明理由 (tasks are undone: give a reason)');
      return { ok: true, events: [{ type: 'closed', summary: action.summary, reason, undoneTaskIds: undone }] };
    }
  }
}

interface Span extends Supervised {
  dueAt: number;
  reminderAt: number[];
  remindersSent: number;
  breachedAt: number | null;
}
type Watched = { due: number; remindAt: number | null; index: number; orgId: string; misses: number } & TopicTarget;

/**
 * The spans the clock still watches: the topic until it closes, each task until done. Before its first breach a span
 * reminds and falls due; after it, only a running 督办 (under supervision) is watched; without one a breach is once.
 */
function watched(s: TopicState, supervised: boolean): Watched[] {
  if (s.status === 'closed') return [];
  const watch = (x: Span, orgId: string, target: TopicTarget): Watched[] => {
    if (x.breachedAt === null)
      return [
        {
          due: x.dueAt,
          remindAt: x.reminderAt[x.remindersSent] ?? null,
          index: x.remindersSent,
          orgId,
          misses: 0,
          ...target,
        },
      ];
    if (supervised && x.superviseDueAt != null)
      return [{ due: x.superviseDueAt, remindAt: null, index: 0, orgId, misses: x.misses ?? 1, ...target }];
    return [];
  };
  return [
    ...watch(s, s.ownerOrgId, { target: 'topic', taskId: null }),
    ...s.tasks.flatMap((t) => (t.doneAt === null ? watch(t, t.ownerOrgId, { target: 'task', taskId: t.id }) : [])),
  ];
}

/** `supervised`: the workflow runs the `topic-supervision` patch (workflows/patches.ts). */
export function topicWakeUp(s: TopicState, supervised = false): number | null {
  const next = Math.min(...watched(s, supervised).map((w) => Math.min(w.remindAt ?? Infinity, w.due)));
  return Number.isFinite(next) ? next : null;
}

/**
 * What the clock does at `now`: a due reminder for each span, and a breach for each span past its due. Unsupervised,
 * every breach is told to the rung above the opener; supervised, the k-th is told k rungs up (the top of the chain at
 * most) and sets the next 督办 due one cadence later.
 */
export function topicTimerEvents(s: TopicState, now: number, supervised = false): TopicEventBody[] {
  const chain = s.supervisorChain;
  const supervision = supervised ? (s.supervision ?? null) : null;
  return watched(s, supervised).flatMap((w): TopicEventBody[] => {
    const target = { target: w.target, taskId: w.taskId } as TopicTarget;
    if (now >= w.due) {
      const escalatedToOrgId = supervised
        ? (chain[Math.min(w.misses + 1, chain.length - 1)] ?? null)
        : (chain[1] ?? null);
      const next = supervision
        ? { superviseDueAt: addDuration(now, supervision.cadence, createCalendar(supervision.calendar)) }
        : {};
      return [{ type: 'breached', ...target, organizationId: w.orgId, dueAt: w.due, escalatedToOrgId, ...next }];
    }
    if (w.remindAt !== null && now >= w.remindAt)
      return [{ type: 'reminder_sent', ...target, organizationId: w.orgId, index: w.index }];
    return [];
  });
}

const onTarget = (s: TopicState, e: TopicTarget, f: (x: Span) => object): TopicState =>
  e.target === 'topic'
    ? { ...s, ...f(s) }
    : { ...s, tasks: s.tasks.map((t) => (t.id === e.taskId ? { ...t, ...f(t) } : t)) };

export function evolveTopic(s: TopicState, e: TopicEvent): TopicState {
  const next = { ...s, seq: e.seq };
  switch (e.type) {
    case 'reminder_sent':
      return onTarget(next, e, (x) => ({ remindersSent: x.remindersSent + 1 }));
    case 'breached':
      // The first breach is the span's; later ones are missed 督办 dues, counted, each setting the next.
      return onTarget(next, e, (x) => ({
        breachedAt: x.breachedAt ?? e.at,
        misses: (x.misses ?? 0) + 1,
        superviseDueAt: e.superviseDueAt ?? null,
      }));
    case 'task_completed':
      return { ...next, tasks: next.tasks.map((t) => (t.id === e.taskId ? { ...t, doneAt: e.at } : t)) };
    case 'closed':
      return { ...next, status: 'closed', closedAt: e.at };
    default:
      return next;
  }
}

/** Stamps bodies as the topic's next events (seq, time, actor, request id) and returns the state after them. */
export function stampTopic(
  state: TopicState,
  bodies: TopicEventBody[],
  actor: Actor,
  at: number,
  requestId?: string,
): { state: TopicState; events: TopicEvent[] } {
  const events: TopicEvent[] = [];
  for (const body of bodies) {
    const event = { ...body, seq: state.seq + 1, at, actor, ...(requestId ? { requestId } : {}) } as TopicEvent;
    state = evolveTopic(state, event);
    events.push(event);
  }
  return { state, events };
}

/** The topics row as the workflow keeps it current. */
export interface TopicProjection {
  status: TopicState['status'];
  overdue: boolean;
  breachedAt: number | null;
  /** The running 督办 due of the topic, while it is supervised and open. */
  superviseDueAt: number | null;
  /** How many times the topic missed its due or a 督办 due. */
  misses: number;
  closedAt: number | null;
  tasks: {
    id: string;
    title: string;
    ownerOrgId: string;
    dueAt: number;
    doneAt: number | null;
    breachedAt: number | null;
    superviseDueAt: number | null;
    misses: number;
  }[];
  lastSeq: number;
}

export function projectTopic(s: TopicState): TopicProjection {
  return {
    status: s.status,
    overdue: s.breachedAt !== null || s.tasks.some((t) => t.breachedAt !== null && t.doneAt === null),
    breachedAt: s.breachedAt,
    superviseDueAt: s.status === 'open' ? (s.superviseDueAt ?? null) : null,
    misses: s.misses ?? (s.breachedAt === null ? 0 : 1),
    closedAt: s.closedAt,
    tasks: s.tasks.map(({ id, title, ownerOrgId, dueAt, doneAt, breachedAt, superviseDueAt, misses }) => ({
      id,
      title,
      ownerOrgId,
      dueAt,
      doneAt,
      breachedAt,
      superviseDueAt: doneAt === null && s.status === 'open' ? (superviseDueAt ?? null) : null,
      misses: misses ?? (breachedAt === null ? 0 : 1),
    })),
    lastSeq: s.seq,
  };
}

/** The answer of an action: the topic after it and the events it added (none for a repeat). */
export interface TopicActionResult {
  topicId: string;
  status: TopicState['status'];
  seq: number;
  events: { seq: number; type: TopicEvent['type'] }[];
}
