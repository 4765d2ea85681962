// The bare engine the benchmark measures Red Steward against: workflows that do nothing but what Temporal itself
// must do. Bundled together with the case workflow (bench/all-workflows.ts) so one bench worker serves both.
import { condition, defineUpdate, proxyLocalActivities, setHandler, sleep } from '@temporalio/workflow';

export const BARE_STEPS = 3;

/** One do-nothing Update; the loop baseline sends BARE_STEPS of them, as a case gets acknowledge, resolve, evaluate. */
export const stepUpdate = defineUpdate<number, [{ requestId: string }]>('step');

/** Starts and completes in its first task: the cost of a workflow start and one task, nothing more. */
export async function emptyWorkflow(): Promise<void> {}

/** Takes `steps` Updates, answering each at once, then completes: the bare shape of a case's loop. */
export async function bareLoopWorkflow({ steps }: { steps: number }): Promise<number> {
  let taken = 0;
  setHandler(stepUpdate, () => ++taken);
  await condition(() => taken >= steps);
  return taken;
}

export interface BareTimerActivities {
  /** Writes one row saying when the bare timer woke (`woke`, the workflow's clock); its created_at is when it was written. */
  benchTimerFired(a: { id: string; dueAt: number; woke: number }): Promise<void>;
}
const { benchTimerFired } = proxyLocalActivities<BareTimerActivities>({ startToCloseTimeout: '10 seconds' });

/**
 * The bare shape of a deadline: sleep until `dueAt`, then write one row from a local activity, as a case's breach
 * is written from the workflow task its timer wakes. The timers section measures its lateness beside the cases'.
 */
export async function bareTimerWorkflow({ id, dueAt }: { id: string; dueAt: number }): Promise<void> {
  await sleep(Math.max(dueAt - Date.now(), 1));
  await benchTimerFired({ id, dueAt, woke: Date.now() });
}
