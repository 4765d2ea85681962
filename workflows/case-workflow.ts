// One durable workflow per case: 民意收集 → 响应处理 → 跟踪督促 → 评估评价.
// Handlers are registered first, then the main loop waits for the next deadline or reminder.
// Decisions come from domain/; this file only orders them, keeps time and persists what happened.
import {
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { ActionType, Actor, CaseEvent, CaseEventBody } from '../domain/actions';
import { SYSTEM_ACTOR } from '../domain/actions';
import { decide, intakeEvents, nextWakeUp, stamp, timerEvents } from '../domain/case-machine';
import type { CaseState } from '../domain/case-state';
import { initialState, stageOf } from '../domain/case-state';
import type { ActionResult } from '../domain/case-view';
import { projectCase } from '../domain/case-view';
import { maySee } from '../domain/policy';
import type { ActionInput, CaseWorkflowInput } from './messages';
import { actionUpdates, statusQuery } from './messages';
import { caseSearchAttributes, searchAttributesKey } from './search-attributes';

// Writes are idempotent by (case_id, seq), so retrying forever is safe; a down database must not lose events.
const writeOptions = {
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '10 seconds' },
} as const;
const { recordEvents } = proxyActivities<Activities>(writeOptions);
// The same write as a local activity: the worker runs it inside the workflow task that produced the events, so an
// Update is answered in one workflow task instead of two plus an activity task (a third of the history events).
const { recordEvents: recordEventsLocally } = proxyLocalActivities<Activities>(writeOptions);

/** Changes to the workflow's commands, by patch id (see workflows/README.md, "Changing the workflow"). */
export const PATCHES = {
  /** recordEvents runs as a local activity. */
  recordEventsLocally: 'record-events-locally',
  /** The deadline timer is kept while the next wake-up does not move. */
  keepDeadlineTimer: 'keep-deadline-timer',
} as const;

export interface CaseWorkflowResult {
  caseId: string;
  outcome: CaseState['outcome'];
  seq: number;
}

export async function caseWorkflow(input: CaseWorkflowInput): Promise<CaseWorkflowResult> {
  // A case filed by the current intake (recordedAtIntake) writes locally from its first task, and needs no marker
  // to say so: its input decides. An older case decides by the patch marker, so its history replays as it ran.
  const writeLocally = input.recordedAtIntake === true || patched(PATCHES.recordEventsLocally);
  const write = writeLocally ? recordEventsLocally : recordEvents;
  let state: CaseState = input.state ?? initialState(input.intake);
  const applied = new Map<string, ActionResult>(input.applied ?? []);
  let unpersisted: CaseEvent[] = [];
  let persistedSeq = state.seq;

  // The event writer (persist, below) is started once: with the workflow (as every case did before
  // writerOnDemand), or by the first commit after the opening when the input says so.
  const writerOnDemand = input.writerOnDemand === true;
  let writerStarted = false;
  let writerArmed = false;
  const startWriter = (): void => {
    if (writerStarted) return;
    writerStarted = true;
    void persist();
  };

  // wakeOnCommit (set by intake): the writer and the main loop are woken by the promise that the change resolves,
  // instead of waiting on condition(), which the SDK re-tests after every job of every activation. Older histories
  // (no flag) replay with the conditions, as they ran.
  const wakeOnCommit = input.wakeOnCommit === true;
  // Revision 1 (set by intake, carried by continue-as-new; messages.ts): the writer is started where the commits of
  // one synchronous run end, an Update is answered by the promise its batch's write resolves, and no command is
  // issued that changes nothing (the kept timer's patch marker, the timer's cancel as the case closes).
  const revision = input.revision ?? 0;
  const answers: { seq: number; answer: () => void }[] = [];
  let writing = false;
  let kicked = false;
  let wakeMainFn: (() => void) | null = null;
  const wakeMain = (): void => {
    const wake = wakeMainFn;
    wakeMainFn = null;
    wake?.();
  };
  // Queued as a microtask so that the commits of one synchronous run (a handler's, or the clock's up to eight) go to
  // Postgres as one batch; a commit while a batch is being written is picked up by the drain's next turn.
  const kickWriter = (): void => {
    if (writing || kicked) return;
    kicked = true;
    void Promise.resolve().then(() => {
      kicked = false;
      if (writing || unpersisted.length === 0) return;
      writing = true;
      void drain();
    });
  };

  const commit = (bodies: CaseEventBody[], actor: Actor, at: number, requestId?: string): CaseEvent[] => {
    const stamped = stamp(state, bodies, actor, at, requestId);
    state = stamped.state;
    unpersisted.push(...stamped.events);
    if (revision >= 1) wakeMain(); // the caller flushes once its commits are made
    else if (wakeOnCommit) {
      kickWriter();
      wakeMain();
    } else if (writerArmed) startWriter();
    return stamped.events;
  };
  // History grows only through commits, Updates and the writer's local activities; the main loop checks Temporal's
  // continue-as-new suggestion when it wakes, so the other two wake it once the suggestion is there.
  const wakeMainIfContinueSuggested = (): void => {
    if (wakeOnCommit && workflowInfo().continueAsNewSuggested) wakeMain();
  };

  // Who may see the case is decided first, from this state (the API sends actions without reading the case): an actor
  // who may not see it learns nothing more (404), not even a retry's first result when the retry reaches the workflow
  // (within one run Temporal itself answers a repeated Update id with its first outcome). Validators do not run on
  // replay, so this check is part of no history and needs no revision.
  const rejectIfInvalid = (type: ActionType, req: ActionInput): void => {
    if (req.handledBefore !== true && !maySee(req.actor, state)) {
      throw ApplicationFailure.create({ type: 'case.not_visible', message: '工单不存在 (case not found)', nonRetryable: true });
    }
    if (applied.has(req.requestId)) return; // a retry: the handler returns the first result
    if (req.action?.type !== type) {
      throw ApplicationFailure.create({ type: 'case.invalid', message: `action.type must be "${type}"`, nonRetryable: true });
    }
    const d = decide(state, req.action, req.actor, Date.now());
    if (!d.ok) throw ApplicationFailure.create({ type: d.code, message: d.reason, nonRetryable: true });
  };

  // Intake first: an Update that arrived with the start is dispatched as soon as its handler is registered,
  // and must find the case already dispatched to its handler.
  const opening = state.seq === 0;
  if (opening) commit(intakeEvents(state), SYSTEM_ACTOR, state.submittedAt);
  // Intake committed these very events (domain openCase) with the case row, and started us with their search
  // attributes.
  const recordedAtIntake = opening && input.recordedAtIntake === true;
  if (recordedAtIntake) {
    unpersisted = [];
    persistedSeq = state.seq;
  }

  // Decides and commits one action; a retry (a request id already applied) gets its first result back.
  const applyAction = (req: ActionInput): { result: ActionResult; fresh: boolean } => {
    const prior = applied.get(req.requestId);
    if (prior) {
      wakeMainIfContinueSuggested();
      return { result: prior, fresh: false };
    }
    const d = decide(state, req.action, req.actor, Date.now());
    if (!d.ok) throw ApplicationFailure.create({ type: d.code, message: d.reason, nonRetryable: true });
    const events = commit(d.events, req.actor, Date.now(), req.requestId);
    const result: ActionResult = {
      caseId: state.caseId,
      status: state.status,
      stage: stageOf(state),
      level: state.level,
      seq: state.seq,
      events: events.map((e) => ({ seq: e.seq, type: e.type })),
    };
    applied.set(req.requestId, result);
    return { result, fresh: true };
  };
  // Either handler answers only once the action's events are in Postgres, so the caller's next read sees them.
  // Revision 1: not an async function, and no condition(): one promise, resolved by the write (see flush).
  const answerWhenWritten = (req: ActionInput): ActionResult | Promise<ActionResult> => {
    const { result, fresh } = applyAction(req);
    if (!fresh) return result;
    const answered = new Promise<ActionResult>((resolve) => answers.push({ seq: result.seq, answer: () => resolve(result) }));
    flush();
    return answered;
  };
  const awaitWritten = async (req: ActionInput): Promise<ActionResult> => {
    const { result, fresh } = applyAction(req);
    if (!fresh) return result;
    await condition(() => persistedSeq >= result.seq);
    return result;
  };
  for (const type of Object.keys(actionUpdates) as ActionType[]) {
    const def = actionUpdates[type] as (typeof actionUpdates)['acknowledge'];
    setHandler(def, revision >= 1 ? answerWhenWritten : awaitWritten, { validator: (req: ActionInput) => rejectIfInvalid(type, req) });
  }
  setHandler(statusQuery, () => state);

  // One writer: events reach Postgres in seq order, each batch with the projection as of its last event. The next
  // batch is taken synchronously (no promise of its own: each costs the SDK's promise hook a stack trace); its write is
  // awaited by the caller, which then records `seq` as persisted. Function declarations, so that commit (above) may
  // start them.
  function nextBatch(): { write: Promise<void>; seq: number } {
    const batch = unpersisted;
    unpersisted = [];
    return { write: write({ caseId: state.caseId, events: batch, projection: projectCase(state) }), seq: batch[batch.length - 1].seq };
  }
  async function persist(): Promise<void> {
    for (;;) {
      await condition(() => unpersisted.length > 0);
      const next = nextBatch();
      await next.write;
      persistedSeq = next.seq;
    }
  }
  // Revision 1: the same writer without a promise of its own per batch; each written batch answers the Updates whose
  // events it held. Started by flush where a synchronous run of commits ends (a handler's, the clock's, the opening).
  function flush(): void {
    if (writing || unpersisted.length === 0) return;
    writing = true;
    writeNext();
  }
  function writeNext(): void {
    const next = nextBatch();
    void next.write.then(() => {
      persistedSeq = next.seq;
      while (answers.length > 0 && answers[0].seq <= persistedSeq) answers.shift()!.answer();
      if (unpersisted.length > 0) writeNext();
      else {
        writing = false;
        wakeMainIfContinueSuggested();
      }
    });
  }
  // The same writer, run while there is something to write (wakeOnCommit).
  async function drain(): Promise<void> {
    while (unpersisted.length > 0) {
      const next = nextBatch();
      await next.write;
      persistedSeq = next.seq;
    }
    writing = false;
    wakeMainIfContinueSuggested();
  }
  if (revision >= 1) flush();
  else if (wakeOnCommit) {
    if (unpersisted.length > 0) kickWriter();
  } else if (!writerOnDemand || unpersisted.length > 0) startWriter();
  else writerArmed = true;

  // Revision 2 keeps only the triage attributes (search-attributes.ts): no upsert on the ordinary path.
  let attributesKey = recordedAtIntake ? searchAttributesKey(state, revision) : '';
  const publishSearchAttributes = (): void => {
    const key = searchAttributesKey(state, revision);
    if (key === attributesKey) return;
    attributesKey = key;
    upsertSearchAttributes(caseSearchAttributes(state, revision));
  };

  // A function, not an inline test: TypeScript would otherwise narrow `state.status` across the awaits.
  const isOpen = (): boolean => state.status !== 'closed';
  // The durable timer for the next wake-up (deadline or reminder). Until patch keepDeadlineTimer it was restarted on
  // every change of state (as condition(changed, timeout) does); now it is kept while the next wake-up stays where it
  // was (a progress note, an urge, a follow-up record), saving a cancel and a start each time. Started the same way
  // as condition's own timer (a sleep in a cancellable scope), so histories from before replay command for command.
  // Declared with `as`: TypeScript would otherwise narrow it to null across the awaits (it is set in closures).
  let timer = null as { wake: number; fired: boolean; scope: CancellationScope; settled: Promise<void> } | null;
  // Cancels without waiting for the command (revision 1).
  const cancelTimer = (): void => {
    timer?.scope.cancel();
    timer = null;
  };
  // Awaits the cancellation: the SDK issues the cancel command a few microtasks after scope.cancel(), and it must
  // precede the next search-attribute upsert as it did when condition() cancelled its own timer.
  const stopTimer = async (): Promise<void> => {
    const t = timer;
    if (!t) return;
    cancelTimer();
    await t.settled;
  };
  const startTimer = (wake: number): void => {
    const scope = new CancellationScope();
    const t = { wake, fired: false, scope, settled: Promise.resolve() };
    t.settled = scope.run(() => sleep(Math.max(wake - Date.now(), 1))).then(
      () => {
        t.fired = true;
        wakeMain();
      },
      () => undefined, // cancelled: a newer wake-up replaced it
    );
    timer = t;
  };

  const keepTimer = (wake: number): boolean =>
    revision >= 1 ? !isOpen() || nextWakeUp(state) === wake : nextWakeUp(state) === wake && patched(PATCHES.keepDeadlineTimer);

  while (isOpen()) {
    publishSearchAttributes();
    const seen = state.seq;
    const wake = nextWakeUp(state);
    if (timer === null && wake !== null) startTimer(wake);
    const changed = () => state.seq !== seen || workflowInfo().continueAsNewSuggested;
    if (!wakeOnCommit) await condition(() => changed() || timer?.fired === true);
    else if (!changed() && timer?.fired !== true) await new Promise<void>((resolve) => (wakeMainFn = resolve));
    if (timer?.fired) timer = null;

    const now = Date.now();
    for (let i = 0; i < 8; i++) {
      const due = timerEvents(state, now);
      if (due.length === 0) break;
      commit(due, SYSTEM_ACTOR, now);
    }
    if (revision >= 1) flush();
    // Asked only when keeping is possible, so a case records the patch marker at its first kept timer, and a history
    // from before the patch (no marker) cancels here, where condition(changed, timeout) cancelled its timer.
    // Revision 1 keeps it without asking (no marker), and as the case closes too: a closing workflow's timers end with it.
    if (timer !== null && !keepTimer(timer.wake)) {
      // Revision 1 does not wait for the cancel command (an older history has it before the next upsert, as it ran).
      if (revision >= 1) cancelTimer();
      else await stopTimer();
    }

    if (workflowInfo().continueAsNewSuggested && isOpen()) {
      // Months-long cases stay under the history limits: carry the state over once handlers are done.
      await condition(() => allHandlersFinished() && unpersisted.length === 0 && persistedSeq === state.seq);
      await continueAsNew<typeof caseWorkflow>({
        intake: input.intake,
        state,
        applied: [...applied],
        ...(writerOnDemand ? { writerOnDemand } : {}),
        ...(wakeOnCommit ? { wakeOnCommit } : {}),
        ...(revision >= 1 ? { revision } : {}),
      });
    }
  }
  publishSearchAttributes();
  await condition(() => allHandlersFinished() && unpersisted.length === 0 && persistedSeq === state.seq);
  return { caseId: state.caseId, outcome: state.outcome, seq: state.seq };
}
