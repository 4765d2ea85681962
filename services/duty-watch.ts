// The duty watch: records the Party organisations' missed duties that no case clock watches — a follow-up not
// recorded by its due time, a reported case not forwarded (domain/duty-watch.ts). It runs beside the worker like the
// intake reconciler, outside every workflow, so the case workflow stays as it is (workflows/README.md "Versioning").
// Safe to run anywhere and concurrently: each record's dedupe key is the case and the event that started the duty.
import type { Pool } from 'pg';
import { addCalendarDays, createCalendar, cstDate } from '../domain/calendar';
import { dutyMissed, followUpParty, WATCH_REASONS } from '../domain/duty-watch';
import { recordMissedDuties, watchedStarts, type MissedDuty, type WatchedStart } from '../db/queries/duty-watch';
import { loadCalendarData } from '../db/queries/calendar';

/** How far back a round looks: every watched duty falls due within days, and a round runs every few seconds. */
export const WATCH_LOOKBACK_DAYS = 30;

function partyOf(s: WatchedStart): string | null {
  if (s.duty === 'forward') return s.reportedTo;
  return s.owner ? followUpParty(s.owner, s.memberOrg, s.communityOrgId) : null;
}

/** One round at `now`: records every duty missed by then and not yet recorded; returns how many records are new. */
export async function watchDutiesOnce(pool: Pool, now: number = Date.now()): Promise<number> {
  const since = now - WATCH_LOOKBACK_DAYS * 86_400_000;
  const starts = await watchedStarts(pool, new Date(since));
  if (starts.length === 0) return 0;
  const [from, to] = [cstDate(since), addCalendarDays(cstDate(now), 1)];
  const calendar = createCalendar(await loadCalendarData(pool, from, to));
  const missed: MissedDuty[] = [];
  for (const s of starts) {
    const organizationId = partyOf(s);
    if (organizationId === null || !dutyMissed(s, calendar, now)) continue;
    missed.push({
      caseId: s.caseId,
      seq: s.seq,
      duty: s.duty,
      organizationId,
      level: s.level,
      reason: WATCH_REASONS[s.duty],
    });
  }
  return recordMissedDuties(pool, missed);
}

/** Runs watchDutiesOnce every `everyMs` until stop() is called; errors are logged and retried next round. */
export function startDutyWatch(pool: Pool, everyMs = 10_000, log: (m: string) => void = console.error) {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    try {
      const n = await watchDutiesOnce(pool);
      if (n > 0) log(`[duty-watch] recorded ${n} missed Party organisation duty(ies)`);
    } catch (err) {
      log(`[duty-watch] ${(err as Error).message}`);
    }
    if (!stopped) timer = setTimeout(() => void tick(), everyMs);
  };
  timer = setTimeout(() => void tick(), everyMs);
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
