// The effect of a governance topic (治理专题): the cases in its scope before it opened and after it closed.

/** Both windows are this long once the "after" window has fully passed. */
export const EFFECT_WINDOW_DAYS = 90;
const DAY_MS = 86_400_000;

export interface EffectWindow {
  from: number;
  to: number;
  days: number;
  cases: number;
  /** Cases per 30 days, so a still-short "after" window compares with the full "before" one; null under a day. */
  per30Days: number | null;
}

/**
 * The 90 days before the topic opened and the 90 days after it closed — or as much of them as has passed:
 * `afterComplete` is false until then, and the comparison is per 30 days rather than by raw counts.
 */
export function effectWindows(openedAt: number, closedAt: number, now: number) {
  const len = EFFECT_WINDOW_DAYS * DAY_MS;
  return {
    before: { from: openedAt - len, to: openedAt },
    after: { from: closedAt, to: Math.max(closedAt, Math.min(closedAt + len, now)) },
    afterComplete: closedAt + len <= now,
  };
}

export function effectWindow(w: { from: number; to: number }, cases: number): EffectWindow {
  const days = (w.to - w.from) / DAY_MS;
  return {
    ...w,
    days: Math.round(days * 10) / 10,
    cases,
    per30Days: days < 1 ? null : Math.round((cases / days) * 30 * 100) / 100,
  };
}
