// Every message of the case workflow in one module: the API, the worker and the tests import these.
// Each human action is an Update named after its action type (wire name = handle without "Update").
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ActionType, Actor, CaseAction } from '../domain/actions';
import type { CaseIntake, CaseState } from '../domain/case-state';
import type { ActionResult } from '../domain/case-view';

export const DEFAULT_TASK_QUEUE = 'red-steward';

/** One workflow per case; the id derives from the case id so a second start of the same case is refused. */
export const workflowIdFor = (caseId: string): string => `case-${caseId}`;

export interface ActionInput<A extends CaseAction = CaseAction> {
  /** Chosen by the caller (the Idempotency-Key): a retried action is applied once. */
  requestId: string;
  actor: Actor;
  action: A;
  /**
   * Set by the API once Postgres has shown that the actor's organisation handled the case before (a handler keeps
   * seeing a case once dispatched to it: api/visibility.ts). Every other way of seeing a case the workflow decides
   * from its own state, and refuses an actor who may not see it with `case.not_visible` (the API's 404).
   */
  handledBefore?: boolean;
}

/** The revision intake starts new cases with (CaseWorkflowInput.revision). */
export const CASE_WORKFLOW_REVISION = 2;

export interface CaseWorkflowInput {
  intake: CaseIntake;
  /**
   * Set by intake (services/intake.ts) since the first task of a case became one Temporal round trip: the intake
   * events and the first projection were committed with the case row, and the workflow was started with its
   * search attributes, so the first run neither records nor upserts them. Absent in older histories, which
   * therefore replay the way they ran (they recorded the intake events through the activity).
   */
  recordedAtIntake?: boolean;
  /**
   * Set by intake since the event writer (the loop that writes events in seq order) starts with the first event
   * there is to write instead of with the workflow: a new case sleeps on its first timer with six promises fewer,
   * each of which the SDK's promise hook pays a stack trace for (bench/README.md, "Intake, this round"). Absent in
   * older histories, which therefore replay with the writer started first, as they ran. Carried by continue-as-new.
   */
  writerOnDemand?: boolean;
  /**
   * Set by intake since the event writer and the main loop are woken by the commit (or the timer) that gives them
   * work, through a promise, instead of by condition(), which the SDK re-tests after every job: fewer promises and
   * sandbox entries per task, which is what a burst of deadlines queues on (bench/README.md, "Where the time goes").
   * Absent in older histories, which replay with the conditions, as they ran. Carried by continue-as-new.
   */
  wakeOnCommit?: boolean;
  /**
   * Changes to the workflow's commands from here on are numbered instead of each getting a flag; intake sets the
   * current one, continue-as-new carries it, and absent means 0 (every history from before). 1: the event writer
   * is started where a run of commits ends, an Update is answered by the promise its batch's write resolves (no
   * condition(), no async handler: fewer promises and one sandbox entry fewer per Update), the kept deadline timer
   * records no patch marker (and so no TemporalChangeVersion upsert), and the timer is not cancelled as the case
   * closes (the workflow's end ends it): two history events and a visibility write fewer per case. 2: the case is
   * started with, and upserts, only the triage search attributes (RsLevel, RsCommunity, RsHandler, RsOverdue;
   * search-attributes.ts), which the ordinary path never changes: no upsert, and no visibility write, per action.
   */
  revision?: number;
  /** Carried over by continue-as-new; absent on the first run. */
  state?: CaseState;
  applied?: [string, ActionResult][];
}

const update = <T extends ActionType>(name: T) =>
  defineUpdate<ActionResult, [ActionInput<Extract<CaseAction, { type: T }>>]>(name);

export const acknowledgeUpdate = update('acknowledge');
export const progressUpdate = update('progress');
export const resolveUpdate = update('resolve');
export const requestExtensionUpdate = update('request_extension');
export const decideExtensionUpdate = update('decide_extension');
export const returnUpdate = update('return');
export const rerouteUpdate = update('reroute');
export const assignFollowUpUpdate = update('assign_follow_up');
export const recordFollowUpUpdate = update('record_follow_up');
export const urgeUpdate = update('urge');
export const escalateUpdate = update('escalate');
export const reportUpdate = update('report');
export const forwardUpdate = update('forward');
export const evaluateUpdate = update('evaluate');
export const addInformationUpdate = update('add_information');
export const withdrawUpdate = update('withdraw');
export const closeUpdate = update('close');

/** The update for each action type, for code that dispatches by name (the API's action routes). */
export const actionUpdates = {
  acknowledge: acknowledgeUpdate,
  progress: progressUpdate,
  resolve: resolveUpdate,
  request_extension: requestExtensionUpdate,
  decide_extension: decideExtensionUpdate,
  return: returnUpdate,
  reroute: rerouteUpdate,
  assign_follow_up: assignFollowUpUpdate,
  record_follow_up: recordFollowUpUpdate,
  urge: urgeUpdate,
  escalate: escalateUpdate,
  report: reportUpdate,
  forward: forwardUpdate,
  evaluate: evaluateUpdate,
  add_information: addInformationUpdate,
  withdraw: withdrawUpdate,
  close: closeUpdate,
} satisfies { [K in ActionType]: ReturnType<typeof update<K>> };

export const statusQuery = defineQuery<CaseState>('status');
