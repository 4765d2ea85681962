// Runs one loop action as a workflow Update. The caller's request id is the Update id, so a retry of the same
// request is applied once (Temporal deduplicates Update ids per run; the workflow also remembers request ids
// across continue-as-new). Rejections come back as DomainErrors for the API to map.
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Actor, CaseAction } from '../domain/actions';
import type { ActionResult } from '../domain/case-view';
import { actionUpdates, workflowIdFor } from '../workflows/messages';
import { DomainError } from './errors';

export interface ActionDeps {
  temporal: Client;
  /** How long to wait for a worker before answering 503 (the action is then applied once or not at all). */
  timeoutMs?: number;
}

const KIND: Record<string, DomainError['kind']> = {
  'case.not_visible': 'not_found',
  'case.forbidden': 'forbidden',
  'case.illegal_transition': 'conflict',
  'case.invalid': 'validation',
  'case.co_complainant_settles': 'forbidden',
};

/** The case's workflow has completed: no action applies. The API tells whether the caller may even know (404 or 409). */
export class CaseClosedError extends DomainError {
  constructor() {
    super('conflict', 'case.illegal_transition', '工单已办结，不能再操作 (the case is closed)');
  }
}

export async function performAction(
  deps: ActionDeps,
  caseId: string,
  actor: Actor,
  action: CaseAction,
  requestId: string,
): Promise<ActionResult> {
  const handle = deps.temporal.workflow.getHandle(workflowIdFor(caseId));
  const def = actionUpdates[action.type] as (typeof actionUpdates)['acknowledge'];
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), deps.timeoutMs ?? 10_000);
  try {
    return await deps.temporal.withAbortSignal(abort.signal, () =>
      handle.executeUpdate(def, {
        args: [{ requestId, actor, action: action as Extract<CaseAction, { type: 'acknowledge' }> }],
        updateId: requestId,
      }),
    );
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
      const kind = KIND[err.cause.type ?? ''] ?? 'conflict';
      throw new DomainError(kind, err.cause.type ?? 'case.illegal_transition', err.cause.message);
    }
    if (err instanceof WorkflowNotFoundError) {
      // An Update to a completed workflow also reads as "not found": tell a closed case from a missing one.
      const closed = await handle.describe().then(
        (d) => d.status.name !== 'RUNNING',
        () => false,
      );
      if (closed) throw new CaseClosedError();
      throw new DomainError('not_found', 'case.not_found', '工单不存在 (case not found)');
    }
    if (abort.signal.aborted) {
      throw new DomainError(
        'unavailable',
        'case.unavailable',
        '处理服务暂时不可用，请用同一请求编号重试 (no worker answered in time; retry with the same Idempotency-Key)',
      );
    }
    // A completed workflow rejects new Updates: the case is closed.
    if (/workflow execution already completed|already completed/i.test((err as Error).message))
      throw new CaseClosedError();
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
