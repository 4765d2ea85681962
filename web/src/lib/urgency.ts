// A handler's queue in the order work should be done: overdue cases first (the longest overdue on top), then
// open cases by the time left on their nearest deadline, then cases waiting on someone else, closed last.
import type { CaseSummary } from '../api/types';

const HANDLING = new Set(['response', 'resolution']);

/** Milliseconds to the nearest running handling deadline at `now`; negative once overdue; null if none. */
export function timeLeft(c: CaseSummary, now: number): number | null {
  const due = c.deadlines
    .filter((d) => HANDLING.has(d.kind))
    .map((d) => (d.breachedAt ? Math.min(Date.parse(d.dueAt), Date.parse(d.breachedAt)) : Date.parse(d.dueAt)) - now);
  return due.length ? Math.min(...due) : null;
}

function rank(c: CaseSummary, now: number): [number, number] {
  if (c.status === 'closed') return [4, -Date.parse(c.updatedAt)];
  const left = timeLeft(c, now);
  if (c.overdue) return [0, left ?? 0];
  if (left !== null) return [1, left];
  if (c.status === 'resolved') return [2, Date.parse(c.updatedAt)];
  return [3, Date.parse(c.createdAt)];
}

export function byUrgency(cases: readonly CaseSummary[], now: number): CaseSummary[] {
  return [...cases].sort((a, b) => {
    const [ra, ka] = rank(a, now);
    const [rb, kb] = rank(b, now);
    return ra - rb || ka - kb;
  });
}
