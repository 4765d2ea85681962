// Reads of cases through the public API: one case, and lists walked page by page along nextCursor.
import { api, ok } from '../api/client';
import type { CaseDetail, CaseSummary, ContactViews, ListQuery } from '../api/types';
import { learnServerClock } from './time';

export async function getCase(id: string): Promise<CaseDetail> {
  const c = await ok(api.GET('/api/v1/cases/{id}', { params: { path: { id } } }));
  learnServerClock(c.deadlines, Date.now());
  return c;
}

/**
 * The case with the resident's name, phone, household and room, for staff whose `resident.revealable` is true.
 * Each call is logged and shown to the resident, so only a click asks for it; the page's polling never does.
 */
export async function revealContact(id: string): Promise<CaseDetail> {
  return ok(api.GET('/api/v1/cases/{id}', { params: { path: { id }, query: { contact: 'reveal' } } }));
}

export async function getCaseByTrackingCode(code: string): Promise<CaseDetail> {
  return ok(api.GET('/api/v1/cases/by-tracking-code/{code}', { params: { path: { code } } }));
}

/** Who viewed the resident's contact details on a case, newest first (the complainant's, the community's, an admin's). */
export async function getContactViews(id: string): Promise<ContactViews> {
  return ok(api.GET('/api/v1/cases/{id}/contact-views', { params: { path: { id } } }));
}

/** Up to `max` cases, newest first; `truncated` says there were more. */
export async function listCases(
  query: Omit<ListQuery, 'limit' | 'cursor'>,
  max = 300,
): Promise<{ items: CaseSummary[]; truncated: boolean }> {
  const items: CaseSummary[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await ok(
      api.GET('/api/v1/cases', { params: { query: { ...query, limit: 100, cursor } as ListQuery } }),
    );
    items.push(...page.items);
    const withDeadline = page.items.find((c) => c.deadlines.length);
    if (withDeadline) learnServerClock(withDeadline.deadlines, Date.now());
    if (!page.nextCursor) return { items, truncated: false };
    if (items.length >= max) return { items, truncated: true };
    cursor = page.nextCursor;
  }
}
