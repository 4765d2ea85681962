// One durable workflow per case: 民意收集 → 响应处理 → 跟踪督促 → 评估评价.
// Handlers are registered first; then the main loop waits for the next deadline or a change, lets the clock act,
// and keeps the triage search attributes current. The rules live in domain/, the state and its writer in CaseRun.
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  patched,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { ACTION_TYPES } from '../domain/actions';
import { nextWakeUp } from '../domain/case-machine';
import type { CaseState } from '../domain/case-state';
import { CaseRun } from './case-run';
import { DeadlineTimer } from './deadline-timer';
import type { ActionInput, CaseWorkflowInput } from './messages';
import { actionUpdates, calendarChangedSignal, complainantJoinedSignal, statusQuery, workflowIdFor } from './messages';
import { PATCHES } from './patches';
import { caseSearchAttributes, searchAttributesKey } from './search-attributes';

export interface CaseWorkflowResult {
  caseId: string;
  outcome: CaseState['outcome'];
  seq: number;
}

export async function caseWorkflow(input: CaseWorkflowInput): Promise<CaseWorkflowResult> {
  const run = new CaseRun(input);
  for (const type of ACTION_TYPES) {
    const update = actionUpdates[type] as (typeof actionUpdates)['acknowledge'];
    setHandler(update, (req: ActionInput) => run.act(req), {
      validator: (req: ActionInput) => run.validate(type, req),
    });
  }
  setHandler(complainantJoinedSignal, (joined) => run.join(joined));
  // 0.3.0: a case started on 0.2.0 left this signal unhandled; replaying its history, it still does.
  setHandler(calendarChangedSignal, (change) => {
    if (patched(PATCHES.calendarChanges.id)) run.recalculate(change);
  });
  setHandler(statusQuery, () => run.state);

  const timer = new DeadlineTimer();
  // Intake started the workflow with these search attributes; they change only off the ordinary path.
  let published = searchAttributesKey(run.state);
  while (run.isOpen()) {
    timer.set(nextWakeUp(run.state));
    const seen = run.state.seq;
    await condition(() => run.state.seq !== seen || timer.fired || workflowInfo().continueAsNewSuggested);
    timer.fired = false;
    run.tick(Date.now());
    if (searchAttributesKey(run.state) !== published) {
      published = searchAttributesKey(run.state);
      upsertSearchAttributes(caseSearchAttributes(run.state));
    }
    if (workflowInfo().continueAsNewSuggested && run.isOpen()) {
      // Months-long cases stay under the history limits: carry the state over once handlers and writes are done.
      await condition(() => allHandlersFinished() && run.idle);
      await continueAsNew<typeof caseWorkflow>({ intake: input.intake, state: run.state, applied: [...run.applied] });
    }
  }
  await condition(() => allHandlersFinished() && run.idle);
  const primary = run.state.mergedInto;
  if (primary && run.state.residentUserId) {
    // 合并: the complainant now follows the primary case. A primary closed meanwhile has nobody left to tell.
    const joined = {
      fromCaseId: run.state.caseId,
      fromTrackingCode: run.state.trackingCode,
      residentUserId: run.state.residentUserId,
    };
    await getExternalWorkflowHandle(workflowIdFor(primary.caseId))
      .signal(complainantJoinedSignal, joined)
      .catch(() => undefined);
  }
  return { caseId: run.state.caseId, outcome: run.state.outcome, seq: run.state.seq };
}
