// The fairness rules as properties over random sequences of actions by random actors (handler, every supervising
// level, the resident, outsiders), with the clock run between them as the workflow's timer runs it: a wake-up at
// every nextWakeUp, timerEvents until nothing is due (at most 8 rounds). Each rule is checked against a model of its
// own, not against the code's reasons: which deadlines a handler missed, whose duty a deadline was, who may act.
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import type { Actor, CaseAction, CaseEvent, DeadlineState, Decision } from '../../domain/actions';
import { SYSTEM_ACTOR } from '../../domain/actions';
import { addDuration, createCalendar, workingMsBetween } from '../../domain/calendar';
import { decide, nextWakeUp, timerEvents } from '../../domain/case-machine';
import { evolve, initialState, type CaseIntake, type CaseState } from '../../domain/case-state';
import { controllerOf } from '../../domain/policy';
import type { HandlerDeadlineKind } from '../../domain/types';
import { OUTSIDERS, actorOf, advance, stepArb, type Step, type Who } from './arbitraries';
import {
  CaseRun,
  DAY,
  actors,
  deepFreeze,
  departmentIntake,
  fastIntake,
  seconds,
  staffFiledIntake,
  workdayIntake,
  workingDays,
} from './fixtures';

/** Fixed, so a run is repeatable; fast-check prints the seed and path of any counterexample. */
const SEED = 20251009;

/** One commit: the clock's round at `at`, or an accepted action, with the state it was decided on. */
interface Round {
  before: CaseState;
  events: CaseEvent[];
  at: number;
  clock: boolean;
}
/** One action as asked, accepted or not. */
interface Attempt {
  before: CaseState;
  snapshot: CaseState;
  step: Step;
  actor: Actor;
  at: number;
  decision: Decision;
}
interface Trace {
  run: CaseRun;
  rounds: Round[];
  attempts: Attempt[];
}

function drive(intake: CaseIntake, steps: Step[]): Trace {
  const run = new CaseRun(intake);
  const rounds: Round[] = [];
  const attempts: Attempt[] = [];
  const tick = (at: number) => {
    for (let i = 0; i < 8; i++) {
      const before = run.state;
      const due = timerEvents(before, at);
      if (due.length === 0) return;
      rounds.push({ before, events: run.commit(due, SYSTEM_ACTOR, at), at, clock: true });
    }
    throw new Error(`the clock had not settled after 8 rounds at ${at}`);
  };
  let now = intake.submittedAt;
  for (const step of steps) {
    const to = now + step.advanceMs;
    for (let i = 0, wake = nextWakeUp(run.state); wake !== null && wake <= to; i++, wake = nextWakeUp(run.state)) {
      // A wake-up already past (a handler's parked deadlines, resumed) fires at once, as a timer set in the past does.
      if (i > 1000) throw new Error(`the clock does not settle: still waking at ${wake}`);
      now = Math.max(now, wake);
      tick(now);
    }
    now = to;
    tick(now);
    const before = deepFreeze(run.state); // a decide that mutated its input would throw here
    const actor = actorOf(step.who, before);
    const decision = decide(before, step.action, actor, now);
    attempts.push({ before, snapshot: copyOf(before), step, actor, at: now, decision });
    if (decision.ok) rounds.push({ before, events: run.commit(decision.events, actor, now), at: now, clock: false });
  }
  return { run, rounds, attempts };
}

/** A deep copy sharing the intake's calendar, which is frozen: copying it for every attempt was most of the run. */
function copyOf(s: CaseState): CaseState {
  const { calendar, ...rest } = s;
  return { ...structuredClone(rest), calendar };
}

function sameState(a: CaseState, b: CaseState): boolean {
  const { calendar: ca, ...ra } = a;
  const { calendar: cb, ...rb } = b;
  return ca === cb && isDeepStrictEqual(ra, rb);
}

const HANDLER_KINDS: HandlerDeadlineKind[] = ['response', 'resolution'];

/** The duties the handler still owes, from the status alone: acknowledging until it has, resolving until it has. */
function owes(s: CaseState, kind: HandlerDeadlineKind): boolean {
  const status = s.status === 'returned' ? s.pendingRequest?.statusBefore : s.status;
  return kind === 'response' ? status === 'dispatched' : status === 'dispatched' || status === 'acknowledged';
}

/**
 * The handler deadlines missed, by their own definition: a response or resolution deadline the case still owed,
 * running (not paused, no pause request that its due would approve), whose due — moved by a pending extension,
 * which its due approves — passed on the clock. Keyed by instance (handler, kind, start).
 */
function missedDeadlines(t: Trace): Map<string, { org: string; kind: HandlerDeadlineKind; at: number }> {
  const missed = new Map<string, { org: string; kind: HandlerDeadlineKind; at: number }>();
  for (const r of t.rounds.filter((x) => x.clock)) {
    const s = r.before;
    if (s.status === 'closed' || s.pausedSince !== null || s.pendingRequest?.kind === 'pause') continue;
    for (const kind of HANDLER_KINDS) {
      const d = s.deadlines[kind];
      if (!d || d.breachedAt !== null || !owes(s, kind) || s.currentHandlerOrgId === null) continue;
      const due = s.pendingExtension?.deadline === kind ? s.pendingExtension.proposedDueAt : d.dueAt;
      const key = `${s.currentHandlerOrgId}|${kind}|${d.startedAt}`;
      if (due <= r.at && !missed.has(key)) missed.set(key, { org: s.currentHandlerOrgId, kind, at: r.at });
    }
  }
  return missed;
}

type EventOf<T extends CaseEvent['type']> = Extract<CaseEvent, { type: T }>;
const ofType = <T extends CaseEvent['type']>(events: CaseEvent[], type: T) =>
  events.filter((e): e is EventOf<T> => e.type === type);

/** Whose duty a deadline is, from the state the clock decided on. */
function dutyOf(s: CaseState, deadline: string | undefined, source: string): string | null {
  if (deadline === 'evaluation') return s.chain.communityOrgId; // 回访 of a case without a resident account
  if (deadline === 'decision' || source === 'silence') return controllerOf(s);
  if (deadline === 'response' || deadline === 'resolution') return s.currentHandlerOrgId;
  return null;
}

/** Everyone the policy's own words exclude from an action on this case (DOMAIN.md "Who may do what"). */
function unauthorised(action: CaseAction['type'], s: CaseState): Who[] {
  const chainLevels: Who[] = ['community', 'street', 'orgDept'];
  const handlers: Who[] = ['handler', 'siblingHandler', 'owners', 'market', 'housing', 'urban'];
  const orgOf = (w: Who) => actorOf(w, s).organizationId;
  const otherHandlers = handlers.filter((w) => orgOf(w) !== s.currentHandlerOrgId && orgOf(w) !== controllerOf(s));
  const notControlling = [...chainLevels, ...handlers].filter((w) => orgOf(w) !== controllerOf(s));
  const extra: Record<CaseAction['type'], Who[]> = {
    acknowledge: [...chainLevels, 'controller', 'resident1', 'member1', ...otherHandlers],
    progress: [...chainLevels, 'controller', 'resident1', ...otherHandlers],
    resolve: [...chainLevels, 'controller', 'resident1', 'member1', ...otherHandlers],
    request_extension: [...chainLevels, 'controller', 'resident1', ...otherHandlers],
    return: [...chainLevels, 'controller', 'resident1', ...otherHandlers],
    request_pause: [...chainLevels, 'controller', 'resident1', ...otherHandlers],
    resume: [
      'resident1',
      'member1',
      ...otherHandlers,
      ...notControlling.filter((w) => orgOf(w) !== s.currentHandlerOrgId),
    ],
    decide_extension: ['currentHandler', 'resident1', 'member1', ...notControlling],
    decide_return: ['currentHandler', 'resident1', ...notControlling],
    decide_pause: ['currentHandler', 'resident1', ...notControlling],
    reroute: ['currentHandler', 'resident1', ...notControlling],
    close: ['currentHandler', 'resident1', 'member1', ...notControlling],
    escalate: ['currentHandler', 'resident1', ...notControlling],
    report: ['currentHandler', 'resident1', ...notControlling],
    forward: ['currentHandler', 'resident1', ...notControlling],
    merge: ['currentHandler', 'resident1', ...notControlling],
    take_over: ['currentHandler', 'controller', 'resident1', 'member1', 'community'],
    urge: ['currentHandler', 'resident1', 'member1'],
    assign_follow_up: ['currentHandler', 'resident1', 'street', 'orgDept'],
    record_follow_up: ['currentHandler', 'resident1', 'street', 'orgDept'],
    record_callback: ['currentHandler', 'resident1', 'member1'],
    evaluate: ['currentHandler', 'controller', ...chainLevels, 'member1'],
    add_information: ['currentHandler', 'controller', ...chainLevels],
    withdraw: ['currentHandler', 'controller', ...chainLevels],
  };
  // A party member of another grid stops being an outsider once named the follow-up owner.
  const outsiders = OUTSIDERS.filter((w) => !(w === 'member2' && s.followUpOwner?.id === actors.member2.personId));
  return [...outsiders, ...extra[action]];
}

/** Every deadline instance the state holds, running or parked, keyed by owner, kind and start. */
function instances(s: CaseState): [string, DeadlineState][] {
  const own = (org: string | null, d: DeadlineState) =>
    d.kind === 'response' || d.kind === 'resolution' ? org : d.kind;
  const running = Object.values(s.deadlines).map((d): [string, DeadlineState] => [
    `${own(s.currentHandlerOrgId, d)}|${d.kind}|${d.startedAt}`,
    d,
  ]);
  // The current handler's own parked entry is what it resumed on coming back: superseded by its running deadlines.
  const parked = Object.entries(s.parkedDeadlines)
    .filter(([org]) => org !== s.currentHandlerOrgId)
    .flatMap(([org, p]) => p.deadlines.map((d): [string, DeadlineState] => [`${org}|${d.kind}|${d.startedAt}`, d]));
  return [...running, ...parked];
}

/**
 * When the handler's clock stood still, by the rule's own words: from the supervisor's approval, or from the request
 * when its silence approved it (视为同意), until the handler or controller resumes, the resident answers, the
 * case leaves that handler or is resolved — and never longer than the agreement's maximum pause.
 */
function pauseIntervals(t: Trace): { handler: string; from: number; to: number }[] {
  const out: { handler: string; from: number; to: number }[] = [];
  const { terms, calendar } = t.run.intake;
  const longest = (from: number) => addDuration(from, terms.fairness.maxPause, createCalendar(calendar));
  let open: { handler: string; from: number } | null = null;
  let requestedAt = 0;
  for (const e of t.run.log) {
    if (e.type === 'pause_requested') requestedAt = e.at;
    if (e.type === 'pause_decided' && e.approve)
      open = { handler: handlerAt(t, e.seq), from: e.deemed ? requestedAt : e.at };
    if (open && (e.type === 'resumed' || e.type === 'dispatched' || e.type === 'resolved' || e.type === 'closed')) {
      out.push({ ...open, to: Math.min(e.at, longest(open.from)) });
      open = null;
    }
  }
  if (open) out.push({ ...open, to: longest(open.from) });
  return out;
}

/** The case's handler when event `seq` was recorded. */
function handlerAt(t: Trace, seq: number): string {
  let handler = '';
  for (const e of t.run.log) {
    if (e.seq > seq) break;
    if (e.type === 'dispatched') handler = e.handlerOrgId;
  }
  return handler;
}

// --- the runs ---

const fastSteps = fc.array(stepArb(fc.integer({ min: 1, max: 45 }).map(seconds), advance(40_000)), {
  maxLength: 25,
  size: 'max',
});
const workdaySteps = fc.array(stepArb(fc.integer({ min: 1, max: 3 }).map(workingDays), advance(3 * DAY)), {
  maxLength: 20,
  size: 'max',
});
const intakes = fc.constantFrom(fastIntake(), staffFiledIntake(), departmentIntake());
const workdayStart = fc.integer({
  min: Date.parse('2025-01-01T00:00:00+08:00'),
  max: Date.parse('2026-12-31T00:00:00+08:00'),
});

/** A property over the traces of random sequences: demo-fast (three intakes) and reference working-day terms. */
function forAllTraces(check: (t: Trace) => void): void {
  fc.assert(
    fc.property(intakes, fastSteps, (intake, steps) => check(drive(intake, steps))),
    { numRuns: 200, seed: SEED },
  );
  fc.assert(
    fc.property(workdayStart, workdaySteps, (start, steps) => check(drive(workdayIntake(start), steps))),
    { numRuns: 60, seed: SEED },
  );
}

describe('fairness properties over random sequences of actions and clock advances', () => {
  test('a. no sequence lets a handler end with fewer breaches than the deadlines it missed', () => {
    forAllTraces((t) => {
      for (const r of t.rounds) {
        const s = r.before;
        if (s.status === 'closed') continue;
        // The case runs a deadline for exactly the duties it still owes.
        for (const kind of HANDLER_KINDS)
          if ((s.deadlines[kind] !== undefined) !== owes(s, kind))
            expect({ kind, status: s.status, deadlines: s.deadlines }).toBe('a deadline for each duty owed');
      }
      const missed = missedDeadlines(t);
      const breaches = t.rounds
        .flatMap((r) => ofType(r.events, 'breached'))
        .filter((e) => e.deadline === 'response' || e.deadline === 'resolution');
      for (const m of missed.values()) {
        if (!breaches.some((b) => b.at === m.at && b.deadline === m.kind && b.organizationId === m.org))
          expect({ missed: m, breaches }).toBe('a breach for every missed deadline');
      }
      for (const org of new Set([...missed.values()].map((m) => m.org))) {
        const owed = [...missed.values()].filter((m) => m.org === org).length;
        expect(breaches.filter((b) => b.organizationId === org).length).toBeGreaterThanOrEqual(owed);
      }
    });
  });

  test("b. no party is charged for another's silence: every breach and silence is recorded against the organisation whose duty it was", () => {
    forAllTraces((t) => {
      for (const r of t.rounds) {
        const charged = [
          ...ofType(r.events, 'accountability_recorded').filter((e) => e.source === 'breach' || e.source === 'silence'),
          ...ofType(r.events, 'breached'),
        ];
        if (!r.clock && charged.length > 0)
          expect({ action: r.events }).toBe('only the clock records breaches and silence');
        for (const e of charged) {
          const expected = dutyOf(r.before, e.deadline, e.type === 'breached' ? 'breach' : e.source);
          if (e.organizationId !== expected)
            expect({ event: e, expected, level: r.before.level }).toBe('charged to the organisation whose duty it was');
        }
        const deemed = r.events.some((e) => (e.type === 'extension_decided' || e.type === 'pause_decided') && e.deemed);
        const silences = ofType(r.events, 'accountability_recorded').filter((e) => e.source === 'silence');
        if (deemed && ofType(r.events, 'breached').length > 0)
          expect(r.events).toBe('no breach beside a request deemed approved');
        if (
          silences.length > 0 &&
          !deemed &&
          !r.events.some((e) => e.type === 'closed' && e.outcome === 'not_evaluated')
        )
          expect(r.events).toBe('silence only where a request was deemed approved or 回访 lapsed');
        if (r.clock && controllerOf(r.before) === r.before.currentHandlerOrgId)
          expect(r.before).toBe('a handler never decides its own requests');
      }
    });
  });

  test("e. nor is a handler charged for anyone's delay: it is breached only once the time since its deadline started, less the time paused, covers the span and the extensions granted", () => {
    forAllTraces((t) => {
      const pauses = pauseIntervals(t);
      // Working-day deadlines are measured in working time (a pause over a weekend gives back no working hours).
      const cal = createCalendar(t.rounds[0]?.before.calendar ?? { holidays: [], workdays: [] });
      const span = (d: Pick<DeadlineState, 'duration'>, from: number, to: number) =>
        to <= from ? 0 : d.duration.unit === 'working_days' ? workingMsBetween(from, to, cal) : to - from;
      const budget = new Map<string, { startedAt: number; budgetMs: number; d: DeadlineState }>();
      const observe = (s: CaseState) => {
        for (const [key, d] of instances(s))
          if (!budget.has(key))
            budget.set(key, { startedAt: d.startedAt, budgetMs: span(d, d.startedAt, d.firstDueAt), d });
      };
      for (const r of t.rounds) {
        observe(r.before);
        for (const e of ofType(r.events, 'breached').filter(
          (b) => b.deadline === 'response' || b.deadline === 'resolution',
        )) {
          const d = r.before.deadlines[e.deadline]!;
          const b = budget.get(`${e.organizationId}|${e.deadline}|${d.startedAt}`)!;
          const paused = pauses
            .filter((p) => p.handler === e.organizationId)
            .reduce((sum, p) => sum + span(b.d, Math.max(p.from, b.startedAt), Math.min(p.to, r.at)), 0);
          if (span(b.d, b.startedAt, r.at) - paused < b.budgetMs)
            expect({ breach: e, startedAt: b.startedAt, budgetMs: b.budgetMs, paused, at: r.at }).toBe(
              'breached only once its time has run',
            );
        }
        for (const e of ofType(r.events, 'extension_decided')) {
          const key = `${r.before.currentHandlerOrgId}|${e.deadline}|${r.before.deadlines[e.deadline]?.startedAt}`;
          const b = budget.get(key);
          if (b && e.updated) b.budgetMs += span(b.d, r.before.deadlines[e.deadline]!.dueAt, e.updated.dueAt);
        }
      }
    });
  });

  test('c. a rejected action changes nothing, and the same action from an unauthorised actor is always rejected', () => {
    forAllTraces((t) => {
      for (const a of t.attempts) {
        // decide is pure: the same question gets the same answer, and a refusal leaves the state as it was.
        if (!isDeepStrictEqual(decide(a.before, a.step.action, a.actor, a.at), a.decision))
          expect(a).toBe('the same decision twice');
        if (!a.decision.ok && !sameState(a.before, a.snapshot)) expect(a.before).toEqual(a.snapshot);
        if (a.before.status === 'closed') continue;
        for (const who of unauthorised(a.step.action.type, a.before)) {
          const d = decide(a.before, a.step.action, actorOf(who, a.before), a.at);
          if (d.ok || d.code !== 'case.forbidden')
            expect({ who, action: a.step.action, d, level: a.before.level, status: a.before.status }).toBe('forbidden');
        }
      }
      // Only the clock and accepted actions wrote events (intake wrote two), and they rebuild the state.
      expect(t.rounds.reduce((n, r) => n + r.events.length, 2)).toBe(t.run.log.length);
      expect(t.run.log.reduce(evolve, initialState(t.run.intake))).toEqual(t.run.state);
    });
  });

  test('d. a deadline never moves earlier (only a pause or an extension moves it, and only later), and breaches once', () => {
    forAllTraces((t) => {
      const seen = new Map<string, number>();
      const observe = (s: CaseState) => {
        for (const [key, d] of instances(s)) {
          if (d.dueAt < d.firstDueAt) expect({ key, d }).toBe('due at or after its first due');
          const was = seen.get(key);
          if (was !== undefined && d.dueAt < was) expect({ key, was, now: d.dueAt }).toBe('never earlier than before');
          seen.set(key, d.dueAt);
        }
      };
      const breached = new Set<string>();
      for (const r of t.rounds) {
        observe(r.before);
        for (const e of ofType(r.events, 'breached')) {
          const d = r.before.deadlines[e.deadline];
          if (!d || d.breachedAt !== null || d.dueAt !== e.dueAt || d.dueAt > r.at)
            expect({ event: e, deadline: d }).toBe('a breach of a running deadline that fell due');
          const key = `${e.organizationId}|${e.deadline}|${d?.startedAt}`;
          if (breached.has(key)) expect(key).toBe('breached once');
          breached.add(key);
        }
      }
      observe(t.run.state);
    });
  });

  test('the random sequences reach every rule these properties are about', () => {
    const seen = new Set<string>();
    const note = (t: Trace) => {
      for (const e of t.run.log) {
        if (e.type === 'extension_decided' && e.deemed) seen.add('extension deemed approved');
        if (e.type === 'pause_decided' && e.deemed) seen.add('pause deemed approved');
        if (e.type === 'resumed') seen.add(`resumed by ${e.cause}`);
        if (e.type === 'breached') seen.add(`${e.deadline} breached`);
        if (e.type === 'accountability_recorded' && e.dutyCode === 'callback') seen.add('回访 lapsed');
        if (e.type === 'closed') seen.add(`closed ${e.outcome}`);
        if (e.type === 'publicly_noticed') seen.add('publicly noticed');
        if (e.type === 'taken_over') seen.add('taken over');
        if (e.type === 'reopened' && e.beyondLimit) seen.add('reopened beyond the limit');
        if (e.type === 'return_decided') seen.add(`return ${e.decision}`);
        if (e.type === 'return_withdrawn') seen.add('return taken back');
      }
      for (const r of t.rounds) {
        if (
          r.clock &&
          r.before.level === 'functional_department' &&
          controllerOf(r.before) === r.before.chain.organizationDepartmentId
        )
          seen.add('a department supervising its own handling');
        if (ofType(r.events, 'dispatched').some((e) => e.handlerOrgId in r.before.parkedDeadlines))
          seen.add('back to a handler with parked deadlines');
      }
    };
    fc.assert(
      fc.property(intakes, fastSteps, (intake, steps) => note(drive(intake, steps))),
      { numRuns: 400, seed: SEED },
    );
    const wanted = [
      '回访 lapsed',
      'a department supervising its own handling',
      'back to a handler with parked deadlines',
      'closed closed_by_supervisor',
      'closed merged',
      'closed not_evaluated',
      'closed satisfied',
      'closed withdrawn',
      'decision breached',
      'extension deemed approved',
      'pause deemed approved',
      'publicly noticed',
      'reopened beyond the limit',
      'resolution breached',
      'response breached',
      'resumed by handler',
      'resumed by limit',
      'resumed by resident_information',
      'resumed by supervisor',
      'return refuse',
      'return reroute',
      'return taken back',
      'taken over',
    ];
    expect(wanted.filter((w) => !seen.has(w))).toEqual([]);
  });
});
