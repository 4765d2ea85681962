// Confirms workflow starts in the case rows (`cases.workflow_started`), a batch at a time. The flag only tells
// the reconciler which rows it may leave alone, so it can trail the start by a moment without risk: the reconciler
// looks only at rows older than its grace period (5 s), and if this process dies before a batch is written, the
// reconciler tries the start, Temporal refuses the duplicate, and the reconciler marks the row itself.
// Intake thus answers without a second write on its path; a busy API writes one UPDATE for many cases.
import type { Pool } from 'pg';
import { markWorkflowsStarted } from '../db/queries/cases';

const FLUSH_AFTER_MS = 20;
const MAX_BATCH = 500;

interface Pending {
  ids: Set<string>;
  timer: NodeJS.Timeout | null;
  flushing: Promise<void>;
}

const byPool = new WeakMap<Pool, Pending>();

/** Queues the mark; it is written within FLUSH_AFTER_MS (or at once when the batch is full). */
export function confirmStartedSoon(pool: Pool, caseId: string): void {
  let p = byPool.get(pool);
  if (!p) byPool.set(pool, (p = { ids: new Set(), timer: null, flushing: Promise.resolve() }));
  p.ids.add(caseId);
  if (p.ids.size >= MAX_BATCH) void flushStartedMarks(pool);
  else if (!p.timer) {
    p.timer = setTimeout(() => void flushStartedMarks(pool), FLUSH_AFTER_MS);
    // Never keeps a process alive on its own: an unwritten mark is the reconciler's to repair.
    p.timer.unref();
  }
}

/** Writes what is queued (shutdown and tests call it; errors are left to the reconciler, see above). */
export async function flushStartedMarks(pool: Pool): Promise<void> {
  const p = byPool.get(pool);
  if (!p) return;
  if (p.timer) clearTimeout(p.timer);
  p.timer = null;
  const ids = [...p.ids];
  p.ids.clear();
  if (ids.length === 0) return p.flushing;
  p.flushing = p.flushing.then(() => markWorkflowsStarted(pool, ids).catch(() => undefined));
  return p.flushing;
}
