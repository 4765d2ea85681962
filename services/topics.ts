// Opening a governance topic (治理专题) and acting on it. Opening checks what the opener may name (compounds of
// its own tree, organisations it supervises, dues ahead), writes the row with its `opened` event and notices in one
// transaction keyed by the Idempotency-Key, and starts the topic's workflow; a retry starts the same one. Actions are
// workflow Updates whose id is the caller's request id, as the case actions are (services/case-actions.ts).
import { randomUUID } from 'node:crypto';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Pool } from 'pg';
import type { Actor } from '../domain/actions';
import { addCalendarDays, cstDate, DEFAULT_FAIRNESS, DEFAULT_REMINDER_POINTS } from '../domain/calendar';
import type { OpeningProblem, TopicAction, TopicActionResult, TopicOpening, TopicScope } from '../domain/topic';
import { openingProblems, openTopic, stampTopic } from '../domain/topic';
import { topicNotices } from '../activities/topics';
import { supervises } from '../db/queries/accountability';
import { withTransaction } from '../db/pool';
import { getActiveAgreement, getCategory } from '../db/queries/reference';
import { loadCalendarData } from '../db/queries/calendar';
import {
  compoundsOutside,
  insertTopic,
  linkRepeatProblem,
  markTopicStarted,
  supervisorChain,
  topicOpening,
} from '../db/queries/topics';
import { topicWorkflow } from '../workflows/topic-workflow';
import { topicActionUpdates, topicWorkflowIdFor } from '../workflows/messages';
import { DomainError } from './errors';

export interface TopicDeps {
  pool: Pool;
  temporal: Client;
  taskQueue: string;
  timeoutMs?: number;
}

export interface OpenTopicRequest {
  title: string;
  description: string | null;
  scope: TopicScope;
  ownerOrgId: string;
  dueAt: number;
  tasks: { title: string; ownerOrgId: string; dueAt: number }[];
  fromRepeatProblemId: string | null;
}

/** Every field of the opening at fault, for one 400 that names them all. */
export class TopicInputError extends DomainError {
  constructor(readonly problems: OpeningProblem[]) {
    super('validation', problems[0].path, `${problems[0].zh} (${problems[0].en})`);
  }
}

const problem = (path: string, zh: string, en: string): OpeningProblem => ({ path, zh, en });

async function problemsOf(pool: Pool, orgId: string, r: OpenTopicRequest, now: number): Promise<OpeningProblem[]> {
  const out = openingProblems(r, now);
  const outside = new Set(await compoundsOutside(pool, orgId, r.scope.compoundCodes));
  r.scope.compoundCodes.forEach((c, i) => {
    if (outside.has(c))
      out.push(
        problem(`scope.compoundCodes.${i}`, '不是本单位督办的小区', 'not a compound your organisation supervises'),
      );
  });
  r.scope.buildings.forEach((b, i) => {
    if (!r.scope.compoundCodes.includes(b.compoundCode))
      out.push(
        problem(`scope.buildings.${i}.compoundCode`, '不在专题的小区之中', 'not one of the scope.compoundCodes'),
      );
  });
  if (r.scope.categoryCode !== null && !(await getCategory(pool, r.scope.categoryCode)))
    out.push(problem('scope.categoryCode', '没有这个类别', 'no such category'));
  const owners: [string, string][] = [
    ['ownerOrgId', r.ownerOrgId],
    ...r.tasks.map((t, i): [string, string] => [`tasks.${i}.ownerOrgId`, t.ownerOrgId]),
  ];
  for (const [path, id] of owners)
    if (id !== orgId && !(await supervises(pool, orgId, id)))
      out.push(problem(path, '不是本单位督办的单位', 'not an organisation your organisation supervises'));
  if (r.fromRepeatProblemId !== null) {
    const { rows } = await pool.query<{ compound: string }>(
      'SELECT compound_code AS compound FROM repeat_problems WHERE id = $1',
      [r.fromRepeatProblemId],
    );
    // Its compound must be in the scope, which is within the opener's tree: another community's repeat is refused.
    if (!rows[0] || !r.scope.compoundCodes.includes(rows[0].compound))
      out.push(
        problem(
          'fromRepeatProblemId',
          '没有这个重复问题，或其小区不在专题之中',
          'no such repeat problem in scope.compoundCodes',
        ),
      );
  }
  return out;
}

/** Starts the topic's workflow once (the id derives from the topic's), then marks the row so the reconciler skips it. */
export async function startTopicWorkflow(
  deps: Pick<TopicDeps, 'pool' | 'temporal' | 'taskQueue'>,
  opening: TopicOpening,
): Promise<void> {
  try {
    await deps.temporal.workflow.start(topicWorkflow, {
      workflowId: topicWorkflowIdFor(opening.topicId),
      taskQueue: deps.taskQueue,
      args: [{ opening }],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  await markTopicStarted(deps.pool, opening.topicId);
}

/** Opens the topic (or finds the one this key opened) and starts its workflow. Only a supervisor opens one. */
export async function openTopicFor(
  deps: TopicDeps,
  actor: Actor,
  r: OpenTopicRequest,
  openKey: string | null,
): Promise<{ id: string; created: boolean }> {
  const { result, opening } = await recordTopicOpening(deps, actor, r, openKey);
  try {
    await startTopicWorkflow(deps, opening);
  } catch {
    // The topic is written: the reconciler starts its workflow, and a retry with the same key answers it.
    throw new DomainError(
      'unavailable',
      'topic.unavailable',
      '专题已记录，流程稍后启动，请稍后用同一 Idempotency-Key 重试 (the topic is recorded and starts shortly: retry with the same Idempotency-Key)',
    );
  }
  return result;
}

/**
 * Checks and writes the topic with its `opened` event and notices, without starting its workflow: what a process
 * that dies right after leaves for the reconciler (services/reconciler.ts) to start.
 */
export async function recordTopicOpening(
  deps: Pick<TopicDeps, 'pool'>,
  actor: Actor,
  r: OpenTopicRequest,
  openKey: string | null,
): Promise<{ result: { id: string; created: boolean }; opening: TopicOpening }> {
  const orgId = actor.organizationId;
  if (actor.role !== 'supervisor' || !orgId)
    throw new DomainError(
      'forbidden',
      'topic.forbidden',
      '只有街道或社区党组织可以开设治理专题 (only a supervisor opens a topic)',
    );
  const now = Date.now();
  const problems = await problemsOf(deps.pool, orgId, r, now);
  if (problems.length > 0) throw new TopicInputError(problems);
  const today = cstDate(now);
  const [agreement, calendar] = await Promise.all([
    getActiveAgreement(deps.pool, r.scope.compoundCodes[0], new Date(now)),
    // As a case's intake: past the end, the Monday–Friday rule counts.
    loadCalendarData(deps.pool, addCalendarDays(today, -1), addCalendarDays(today, 400)),
  ]);
  const opening: TopicOpening = {
    topicId: randomUUID(),
    title: r.title,
    openedAt: now,
    ownerOrgId: r.ownerOrgId,
    supervisorChain: await supervisorChain(deps.pool, orgId),
    dueAt: r.dueAt,
    reminderPoints: agreement?.reminderPoints ?? [...DEFAULT_REMINDER_POINTS],
    tasks: r.tasks.map((t, i) => ({ id: `t${i + 1}`, ...t })),
    supervision: { cadence: agreement?.fairness?.topRungCadence ?? DEFAULT_FAIRNESS.topRungCadence, calendar },
  };
  const state = openTopic(opening);
  // The `opened` event is seq 1 of the state openTopic derives: stamped from the state before it.
  const opened = stampTopic({ ...state, seq: 0 }, [{ type: 'opened' }], actor, now).events[0];
  const result = await withTransaction(deps.pool, async (client) => {
    const row = await insertTopic(client, {
      opening,
      openKey,
      description: r.description,
      scope: r.scope,
      supervisorOrgId: orgId,
      openedBy: actor.userId,
      repeatProblemId: r.fromRepeatProblemId,
      opened,
      notifications: topicNotices(state, [opened]),
    });
    if (row.created && r.fromRepeatProblemId) await linkRepeatProblem(client, r.fromRepeatProblemId, row.id);
    return row;
  });
  const started = result.created ? opening : await topicOpening(deps.pool, result.id);
  if (!result.created && started && !sameOpening(started, opening))
    throw new DomainError(
      'conflict',
      'idempotency.key_reused',
      '该 Idempotency-Key 已用于另一个治理专题 (this Idempotency-Key already opened a different topic)',
    );
  return { result, opening: started! };
}

/** A retry names the same topic: title, owner, due and tasks as the first request (ids and times aside). */
function sameOpening(a: TopicOpening, b: TopicOpening): boolean {
  const key = (o: TopicOpening) =>
    JSON.stringify([o.title, o.ownerOrgId, o.dueAt, o.tasks.map((t) => [t.title, t.ownerOrgId, t.dueAt])]);
  return key(a) === key(b);
}

const KIND: Record<string, DomainError['kind']> = {
  'topic.forbidden': 'forbidden',
  'topic.task_not_found': 'not_found',
  'topic.invalid': 'validation',
};

const closedTopic = () => new DomainError('conflict', 'topic.illegal_transition', '专题已结束 (the topic is closed)');

/** One action as an Update; the request id is the Update id, so a retry is applied once. */
export async function performTopicAction(
  deps: TopicDeps,
  topicId: string,
  actor: Actor,
  action: TopicAction,
  requestId: string,
): Promise<TopicActionResult> {
  const handle = deps.temporal.workflow.getHandle(topicWorkflowIdFor(topicId));
  const def = topicActionUpdates[action.type] as (typeof topicActionUpdates)['add_progress'];
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), deps.timeoutMs ?? 10_000);
  try {
    return await deps.temporal.withAbortSignal(abort.signal, () =>
      handle.executeUpdate(def, {
        args: [{ requestId, actor, action: action as Extract<TopicAction, { type: 'add_progress' }> }],
        updateId: requestId,
      }),
    );
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
      const code = err.cause.type ?? 'topic.illegal_transition';
      throw new DomainError(KIND[code] ?? 'conflict', code, err.cause.message);
    }
    if (err instanceof WorkflowNotFoundError || /already completed/i.test((err as Error).message)) throw closedTopic();
    if (abort.signal.aborted)
      throw new DomainError(
        'unavailable',
        'topic.unavailable',
        '处理服务暂时不可用，请用同一请求编号重试 (no worker answered in time; retry with the same Idempotency-Key)',
      );
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
