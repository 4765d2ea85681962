// Starts the workflow of every case and governance topic row whose start was never confirmed (the process died
// between the INSERT and the start). Safe to run anywhere and concurrently: each workflow id derives from its row's
// id, so a second start is refused by Temporal and treated as done.
import { listUnstartedCases } from '../db/queries/cases';
import { listUnstartedTopics } from '../db/queries/topics';
import { startCaseWorkflow, type IntakeDeps } from './intake';
import { startTopicWorkflow } from './topics';

export async function reconcileOnce(deps: IntakeDeps, graceMs = 5_000): Promise<number> {
  const pending = await listUnstartedCases(deps.pool, graceMs);
  for (const c of pending) await startCaseWorkflow(deps, c.intake, 'now');
  const topics = await listUnstartedTopics(deps.pool, graceMs);
  for (const opening of topics) await startTopicWorkflow(deps, opening);
  return pending.length + topics.length;
}

/** Runs reconcileOnce every `everyMs` until stop() is called; errors are logged and retried next round. */
export function startReconciler(deps: IntakeDeps, everyMs = 5_000, log: (m: string) => void = console.error) {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    try {
      const n = await reconcileOnce(deps);
      if (n > 0) log(`[reconciler] started ${n} workflow(s) whose start had not been confirmed`);
    } catch (err) {
      log(`[reconciler] ${(err as Error).message}`);
    }
    if (!stopped) timer = setTimeout(() => void tick(), everyMs);
  };
  timer = setTimeout(() => void tick(), 0);
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
