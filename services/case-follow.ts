// Following a case ("me too", issue 29): the resident joins an open case as a co-complainant instead of filing the
// same problem again. It is the Signal a merged case sends its primary (workflows/messages.ts complainantJoinedSignal,
// CaseRun.join), without a case it came from, so the workflow runs no new code: it records `complainant_joined` once
// (a repeat changes nothing) and from then on the follower sees the case, hears what its complainant hears and may
// evaluate it (domain/policy.ts: co-complainants act as the resident).
import type { Pool } from 'pg';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { getCaseScope } from '../db/queries/case-list';
import { complainantJoinedSignal, workflowIdFor } from '../workflows/messages';
import { DomainError } from './errors';

export interface FollowDeps {
  pool: Pool;
  temporal: Client;
  /** How long to wait for Temporal to take the Signal, and then for the projection to show the follower. */
  timeoutMs: number;
}

/** `joined`: the projection shows the follower; `pending`: Temporal has the Signal, the projection does not show it yet. */
export type FollowOutcome = 'joined' | 'pending';

const POLL_MS = 50;

/**
 * Sends the Signal and waits, bounded, until the case's row lists the resident among its co-complainants. A case that
 * closes meanwhile is a conflict (its workflow ignores the Signal); a workflow not started yet, or Temporal not
 * answering in time, is `unavailable` (a retry is harmless: the workflow records one join whatever it receives).
 */
export async function followCase(deps: FollowDeps, caseId: string, residentUserId: string): Promise<FollowOutcome> {
  const until = Date.now() + deps.timeoutMs;
  try {
    await deps.temporal.withDeadline(until, () =>
      deps.temporal.workflow
        .getHandle(workflowIdFor(caseId))
        .signal(complainantJoinedSignal, { fromCaseId: null, fromTrackingCode: null, residentUserId }),
    );
  } catch (err) {
    // A completed workflow reads as not found: the row tells a closed case from one whose start is still being retried.
    const row = await getCaseScope(deps.pool, caseId);
    if (row?.status === 'closed') throw closed();
    if (!row) throw err;
    throw new DomainError(
      'unavailable',
      'case.unavailable',
      `处理服务暂时不可用，请稍后重试 (the case could not be reached: ${err instanceof WorkflowNotFoundError ? 'not started yet' : 'Temporal did not answer in time'}; try again)`,
    );
  }
  for (;;) {
    const row = await getCaseScope(deps.pool, caseId);
    if (row?.coComplainants.includes(residentUserId)) return 'joined';
    if (row?.status === 'closed') throw closed();
    if (Date.now() >= until) return 'pending';
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

const closed = () =>
  new DomainError('conflict', 'case.illegal_transition', '工单已办结，不能关注 (the case is closed)');
