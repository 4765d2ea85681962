// Every message of the case workflow in one module: the API, the worker and the tests import these.
// Each human action is an Update named after its action type; merging tells the primary case by a Signal.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ActionType, Actor, CalendarChanged, CaseAction, ComplainantJoined } from '../domain/actions';
import type { CaseIntake, CaseState } from '../domain/case-state';
import type { ActionResult } from '../domain/case-view';
import type { TopicAction, TopicActionResult, TopicActionType, TopicOpening, TopicState } from '../domain/topic';

export const DEFAULT_TASK_QUEUE = 'red-steward';

/** One workflow per case; the id derives from the case id so a second start of the same case is refused. */
export const workflowIdFor = (caseId: string): string => `case-${caseId}`;

export interface ActionInput<A extends CaseAction = CaseAction> {
  /** Chosen by the caller (the Idempotency-Key): a retried action is applied once. */
  requestId: string;
  actor: Actor;
  action: A;
}

export interface CaseWorkflowInput {
  /** What intake decided; intake has already written the opening events (submitted, dispatched) with the case row. */
  intake: CaseIntake;
  /** Carried over by continue-as-new; absent on the first run. */
  state?: CaseState;
  applied?: [string, ActionResult][];
}

const update = <T extends ActionType>(name: T) =>
  defineUpdate<ActionResult, [ActionInput<Extract<CaseAction, { type: T }>>]>(name);

/** The Update for each action type, for code that dispatches by name (the API's action routes). */
export const actionUpdates = {
  acknowledge: update('acknowledge'),
  progress: update('progress'),
  resolve: update('resolve'),
  request_extension: update('request_extension'),
  decide_extension: update('decide_extension'),
  return: update('return'),
  decide_return: update('decide_return'),
  reroute: update('reroute'),
  request_pause: update('request_pause'),
  decide_pause: update('decide_pause'),
  resume: update('resume'),
  assign_follow_up: update('assign_follow_up'),
  record_follow_up: update('record_follow_up'),
  urge: update('urge'),
  escalate: update('escalate'),
  report: update('report'),
  forward: update('forward'),
  take_over: update('take_over'),
  merge: update('merge'),
  evaluate: update('evaluate'),
  record_callback: update('record_callback'),
  add_information: update('add_information'),
  withdraw: update('withdraw'),
  close: update('close'),
} satisfies { [K in ActionType]: ReturnType<typeof update<K>> };

export const acknowledgeUpdate = actionUpdates.acknowledge;
export const addInformationUpdate = actionUpdates.add_information;

/** From a merged case's workflow to its primary's: this resident now follows the primary and may evaluate it. */
export const complainantJoinedSignal = defineSignal<[ComplainantJoined]>('complainant_joined');

/** The working-day calendar changed: the case recomputes its running deadlines on it (calendar-change-workflow.ts). */
export const calendarChangedSignal = defineSignal<[CalendarChanged]>('calendar_changed');

export const statusQuery = defineQuery<CaseState>('status');

// --- Governance topics (治理专题): workflows/topic-workflow.ts, one per topic ---

/** One workflow per topic; the id derives from the topic id so a second start of the same topic is refused. */
export const topicWorkflowIdFor = (topicId: string): string => `topic-${topicId}`;

export interface TopicActionInput<A extends TopicAction = TopicAction> {
  /** Chosen by the caller (the Idempotency-Key): a retried action is applied once. */
  requestId: string;
  actor: Actor;
  action: A;
}

export interface TopicWorkflowInput {
  /** What the API decided; it has already written the `opened` event (seq 1) with the topic row. */
  opening: TopicOpening;
  /** Carried over by continue-as-new; absent on the first run. */
  state?: TopicState;
  applied?: [string, TopicActionResult][];
}

const topicUpdate = <T extends TopicActionType>(name: string) =>
  defineUpdate<TopicActionResult, [TopicActionInput<Extract<TopicAction, { type: T }>>]>(name);

/** The Update for each topic action, for code that dispatches by name (the API's topic routes). */
export const topicActionUpdates = {
  complete_task: topicUpdate<'complete_task'>('topic_complete_task'),
  add_progress: topicUpdate<'add_progress'>('topic_add_progress'),
  close: topicUpdate<'close'>('topic_close'),
} satisfies { [K in TopicActionType]: unknown };

export const topicStatusQuery = defineQuery<TopicState>('topic_status');
