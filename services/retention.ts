// Retention: RETENTION_DAYS after a case closes, the resident's personal data leaves it (migration 0043 says what
// goes and what stays), and its photos are deleted; every count the rates, assessments and disclosure need stays.
// It runs beside the worker like the duty watch, hourly and once at start, rather than as a Temporal Schedule: it
// deletes files from the worker's photo folder, no workflow waits on it, and a run is one SQL batch loop that is
// idempotent (anonymised_at) and safe on several workers at once (FOR UPDATE SKIP LOCKED).
import type { Pool } from 'pg';
import { withTransaction } from '../db/pool';
import { referencedPhotos } from '../db/queries/photos';
import { anonymiseCases } from '../db/queries/retention';

/** What retention needs of the photo storage (api/storage.ts PhotoStorage). */
export interface PhotoRemover {
  delete(id: string): Promise<void>;
}

export interface RetentionOptions {
  retentionDays: number;
  now?: number;
  /** Cases per transaction: short transactions, and short row locks, however large the backlog. */
  batchSize?: number;
}

export interface RetentionResult {
  cases: number;
  photos: number;
}

const DAY_MS = 86_400_000;

/** Anonymises every case closed more than `retentionDays` before `now`, batch by batch; returns what it removed. */
export async function anonymiseExpired(
  pool: Pool,
  photos: PhotoRemover,
  opts: RetentionOptions,
): Promise<RetentionResult> {
  const now = opts.now ?? Date.now();
  const batchSize = opts.batchSize ?? 500;
  const cutoff = new Date(now - opts.retentionDays * DAY_MS);
  const total: RetentionResult = { cases: 0, photos: 0 };
  for (;;) {
    const batch = await withTransaction(pool, async (client) => {
      const cases = await anonymiseCases(client, cutoff, new Date(now), batchSize);
      // Photo files go before the commit: should a delete fail, the batch rolls back and is taken again next run,
      // so no photo is left behind by a case already marked anonymised. A file another case names stays (photos are
      // content-addressed). An intake storing the very same bytes in the instant between this check and its INSERT
      // would lose its file; identical bytes in the same instant as a year-old case's retention is not worth a lock.
      const ids = [...new Set(cases.flatMap((c) => c.photos))];
      const named = ids.length === 0 ? new Set<string>() : await referencedPhotos(client, ids);
      const gone = ids.filter((id) => !named.has(id));
      for (const id of gone) await photos.delete(id);
      return { cases: cases.length, photos: gone.length };
    });
    total.cases += batch.cases;
    total.photos += batch.photos;
    if (batch.cases < batchSize) return total;
  }
}

/**
 * Runs anonymiseExpired at once and then every `everyMs` until stop(); errors are logged and retried next run.
 * stop() waits for a run in progress, so the pool can close after it.
 */
export function startRetention(
  deps: { pool: Pool; photos: PhotoRemover; retentionDays: number },
  everyMs = 3_600_000,
  log: (m: string) => void = console.error,
) {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const run = async () => {
    try {
      const { cases, photos } = await anonymiseExpired(deps.pool, deps.photos, { retentionDays: deps.retentionDays });
      if (cases > 0)
        log(
          `[retention] anonymised ${cases} case(s) closed over ${deps.retentionDays} days ago; ${photos} photo(s) deleted`,
        );
    } catch (err) {
      log(`[retention] ${(err as Error).message}`);
    }
    if (!stopped) timer = setTimeout(tick, everyMs);
  };
  const tick = () => {
    running = run();
  };
  timer = setTimeout(tick, 0);
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
