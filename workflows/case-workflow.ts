// One durable workflow per case: 民意收集 → 响应处理 → 跟踪督促 → 评估评价.
// Handlers are registered first, then the main loop waits for the next deadline or reminder.
// Decisions come from domain/; this file only orders them, keeps time and persists what happened.
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { ActionType, Actor, CaseEvent, CaseEventBody } from '../domain/actions';
import { SYSTEM_ACTOR } from '../domain/actions';
import { decide, intakeEvents, nextWakeUp, timerEvents } from '../domain/case-machine';
import type { CaseState } from '../domain/case-state';
import { evolve, initialState, stageOf } from '../domain/case-state';
import type { ActionResult } from '../domain/case-view';
import { projectCase } from '../domain/case-view';
import type { ActionInput, CaseWorkflowInput } from './messages';
import { actionUpdates, statusQuery } from './messages';
import { rsCommunity, rsHandler, rsLevel, rsOverdue, rsStage, rsStatus } from './search-attributes';

const { recordEvents } = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  // Writes are idempotent by (case_id, seq), so retrying forever is safe; a down database must not lose events.
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '10 seconds' },
});

export interface CaseWorkflowResult {
  caseId: string;
  outcome: CaseState['outcome'];
  seq: number;
}

export async function caseWorkflow(input: CaseWorkflowInput): Promise<CaseWorkflowResult> {
  let state: CaseState = input.state ?? initialState(input.intake);
  const applied = new Map<string, ActionResult>(input.applied ?? []);
  let unpersisted: CaseEvent[] = [];
  let persistedSeq = state.seq;

  const commit = (bodies: CaseEventBody[], actor: Actor, at: number, requestId?: string): CaseEvent[] => {
    const events = bodies.map((body) => {
      const event = { ...body, seq: state.seq + 1, at, actor, ...(requestId ? { requestId } : {}) } as CaseEvent;
      state = evolve(state, event);
      return event;
    });
    unpersisted.push(...events);
    return events;
  };

  const rejectIfInvalid = (type: ActionType, req: ActionInput): void => {
    if (applied.has(req.requestId)) return; // a retry: the handler returns the first result
    if (req.action?.type !== type) {
      throw ApplicationFailure.create({ type: 'case.invalid', message: `action.type must be "${type}"`, nonRetryable: true });
    }
    const d = decide(state, req.action, req.actor, Date.now());
    if (!d.ok) throw ApplicationFailure.create({ type: d.code, message: d.reason, nonRetryable: true });
  };

  // Intake first: an Update that arrived with the start is dispatched as soon as its handler is registered,
  // and must find the case already dispatched to its handler.
  if (state.seq === 0) commit(intakeEvents(state), SYSTEM_ACTOR, state.submittedAt);

  for (const type of Object.keys(actionUpdates) as ActionType[]) {
    const def = actionUpdates[type] as (typeof actionUpdates)['acknowledge'];
    setHandler(
      def,
      async (req: ActionInput) => {
        const prior = applied.get(req.requestId);
        if (prior) return prior;
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
        // Answer only once the events are in Postgres, so the caller's next read sees them.
        const mine = state.seq;
        await condition(() => persistedSeq >= mine);
        return result;
      },
      { validator: (req: ActionInput) => rejectIfInvalid(type, req) },
    );
  }
  setHandler(statusQuery, () => state);

  // One writer: events reach Postgres in seq order, each batch with the projection as of its last event.
  const persist = async (): Promise<void> => {
    for (;;) {
      await condition(() => unpersisted.length > 0);
      const batch = unpersisted;
      unpersisted = [];
      const projection = projectCase(state);
      await recordEvents({ caseId: state.caseId, events: batch, projection });
      persistedSeq = batch[batch.length - 1].seq;
    }
  };
  void persist();

  let attributesKey = '';
  const publishSearchAttributes = (): void => {
    const key = [state.status, stageOf(state), state.level, state.currentHandlerOrgId, state.overdue].join('|');
    if (key === attributesKey) return;
    attributesKey = key;
    upsertSearchAttributes([
      { key: rsStatus, value: state.status },
      { key: rsStage, value: stageOf(state) },
      { key: rsLevel, value: state.level },
      { key: rsCommunity, value: state.chain.communityOrgId },
      { key: rsHandler, value: state.currentHandlerOrgId ?? '' },
      { key: rsOverdue, value: state.overdue },
    ]);
  };

  // A function, not an inline test: TypeScript would otherwise narrow `state.status` across the awaits.
  const isOpen = (): boolean => state.status !== 'closed';
  while (isOpen()) {
    publishSearchAttributes();
    const seen = state.seq;
    const wake = nextWakeUp(state);
    const timeout = wake === null ? undefined : Math.max(wake - Date.now(), 1);
    const changed = () => state.seq !== seen || workflowInfo().continueAsNewSuggested;
    if (timeout === undefined) await condition(changed);
    else await condition(changed, timeout);

    const now = Date.now();
    for (let i = 0; i < 8; i++) {
      const due = timerEvents(state, now);
      if (due.length === 0) break;
      commit(due, SYSTEM_ACTOR, now);
    }

    if (workflowInfo().continueAsNewSuggested && isOpen()) {
      // Months-long cases stay under the history limits: carry the state over once handlers are done.
      await condition(() => allHandlersFinished() && unpersisted.length === 0 && persistedSeq === state.seq);
      await continueAsNew<typeof caseWorkflow>({ intake: input.intake, state, applied: [...applied] });
    }
  }
  publishSearchAttributes();
  await condition(() => allHandlersFinished() && unpersisted.length === 0 && persistedSeq === state.seq);
  return { caseId: state.caseId, outcome: state.outcome, seq: state.seq };
}
