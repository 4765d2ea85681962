// GET /cases/:id's read of one case (getCaseDetail: the row, its names, its timeline, its calendar), kept in the API
// process until Postgres says the case changed. Every change a reader could see moves the projection row forward in
// the statement that appends the events, and an UPDATE of `cases` notifies rs_case_changed with the case's id at
// COMMIT (migration 0023); a change of a category's or compound's names drops every entry. The rules against
// staleness are db/cache.ts's: an answer read while a change arrived is not kept, nothing is kept while the LISTEN
// connection is down, and every entry expires after the TTL.
//
// What a reader can still see: a change committed by the worker (a timer, another process's action) reaches this
// process's cache milliseconds after its COMMIT, the time a notification takes. An action answered by this process
// drops its case at once (`changed`), so its caller's next read here shows it.
//
// The cached row is the same for every caller: who may see it, and what of it, is decided per request
// (api/visibility.ts canSee, personalDataAccess), and working time left is computed at each read.
import type { Pool } from 'pg';
import type { InvalidatedCache } from './cache';
import { getCaseDetail, type CaseDetailRow } from './queries/case-list';

export interface CaseReads {
  /** The case by id (null when there is none), with its timeline and calendar data. Frozen when cached. */
  detail(caseId: string): Promise<CaseDetailRow | null>;
  /** This process has just changed the case (an action it answered): drop it now, not when the notification comes. */
  changed(caseId: string): void;
}

/** About 5–10 kB of heap a case (a short timeline and its calendar): tens of MB at most. */
export const CASE_CACHE_ENTRIES = 5_000;

const load = (pool: Pool, caseId: string) => getCaseDetail(pool, { id: caseId });

/** Straight to Postgres on every read (buildApp({ cache: false }), scripts). */
export function caseReadsThrough(pool: Pool): CaseReads {
  return { detail: (caseId) => load(pool, caseId), changed: () => undefined };
}

export function cachedCaseReads(pool: Pool, cache: InvalidatedCache, maxEntries = CASE_CACHE_ENTRIES): CaseReads {
  const details = cache.section<CaseDetailRow | null>('caseDetails', {
    tables: ['cases', 'categories', 'compounds'],
    keyedByRow: true,
    maxEntries,
    // An id nobody filed is not kept: made-up ids must not crowd out real cases.
    keep: (row) => row !== null,
  });
  return {
    detail: (caseId) => details.get(caseId, () => load(pool, caseId)),
    changed: (caseId) => cache.changed({ table: 'cases', id: caseId }),
  };
}
