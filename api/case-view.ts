// How a case row leaves the API: names resolved, deadlines with the working time left on the case's own
// calendar (the one fixed at intake, so the answer matches the workflow's timers), and personal data masked
// for callers who have no need to contact the resident.
import type { z } from 'zod';
import type { Actor } from '../domain/actions';
import { createCalendar, workingTimeLeftMs, type WorkCalendar } from '../domain/calendar';
import type { CalendarData } from '../domain/types';
import type { CaseDetailRow, CaseViewRow } from '../db/queries/case-list';
import type { Organization, PersonName, ReferenceReads } from '../db/queries/reference';
import type { caseDetailSchema, caseSummarySchema } from './routes/case-schemas';
import { seesPersonalData } from './visibility';

type Summary = z.infer<typeof caseSummarySchema>;
type Detail = z.infer<typeof caseDetailSchema>;
interface Names {
  orgs: Map<string, Organization>;
  people: Map<string, PersonName>;
}

/** 13812345678 → 138****5678: enough to recognise one's own number, not enough to call it. */
export function maskPhone(phone: string): string {
  if (phone.length < 8) return '*'.repeat(phone.length);
  return `${phone.slice(0, 3)}${'*'.repeat(phone.length - 7)}${phone.slice(-4)}`;
}

/** 张伟 → 张*, Zhang Wei → Z******** : the family name's first character only. */
export function maskName(name: string): string {
  const chars = [...name];
  return chars.map((c, i) => (i === 0 || c === ' ' ? c : '*')).join('');
}

/** A row's time as the answer shows it: list rows carry Dates, the detail read brings them as ISO text already. */
function iso(d: Date | string): string;
function iso(d: Date | string | null): string | null;
function iso(d: Date | string | null): string | null {
  return d === null || typeof d === 'string' ? d : d.toISOString();
}
const OVERDUE_KINDS = new Set(['response', 'resolution']);

const NO_OVERRIDES: CalendarData = { holidays: [], workdays: [] };

/** A row's working calendar: built from the calendar data fixed at intake, once per data (createCalendar memoises). */
const calendarOf = (row: Pick<CaseViewRow, 'calendar'>): WorkCalendar => createCalendar(row.calendar ?? NO_OVERRIDES);

function deadlinesOf(row: Pick<CaseViewRow, 'deadlines'>, now: number, cal: WorkCalendar): Summary['deadlines'] {
  return Object.entries(row.deadlines)
    .filter(([kind]) => kind === 'response' || kind === 'resolution' || kind === 'evaluation' || kind === 'decision')
    .map(([kind, d]) => {
      const due = Date.parse(d.dueAt);
      return {
        kind: kind as Summary['deadlines'][number]['kind'],
        startedAt: d.startedAt,
        dueAt: d.dueAt,
        workingTimeLeftMs: workingTimeLeftMs(now, due, cal),
        clockTimeLeftMs: due - now,
        overdue: due <= now || d.breachedAt !== null,
        breachedAt: d.breachedAt,
        extended: d.extended,
      };
    })
    .sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt));
}

export async function loadNames(reads: ReferenceReads, rows: Pick<CaseViewRow, 'handlerOrgId' | 'supervisorOrgId' | 'followUpOwner'>[]): Promise<Names> {
  const orgIds: string[] = [];
  const personIds: string[] = [];
  for (const r of rows) {
    if (r.handlerOrgId) orgIds.push(r.handlerOrgId);
    if (r.supervisorOrgId) orgIds.push(r.supervisorOrgId);
    if (r.followUpOwner) (r.followUpOwner.kind === 'party_member' ? personIds : orgIds).push(r.followUpOwner.id);
  }
  const [orgs, people] = await Promise.all([
    orgIds.length > 0 ? reads.organizations(orgIds) : new Map<string, Organization>(),
    personIds.length > 0 ? reads.personNames(personIds) : new Map<string, PersonName>(),
  ]);
  return { orgs, people };
}

const orgRef = (o: Organization | undefined) => (o ? { id: o.id, kind: o.kind as NonNullable<Summary['handler']>['kind'], nameZh: o.nameZh, nameEn: o.nameEn } : null);

export function presentSummary(row: CaseViewRow | CaseDetailRow, actor: Actor, names: Names, now: number): Summary {
  const cal = calendarOf(row);
  const deadlines = deadlinesOf(row, now, cal);
  const unmasked = seesPersonalData(actor, row);
  const owner = row.followUpOwner;
  const ownerName = owner ? (owner.kind === 'party_member' ? names.people.get(owner.id) : names.orgs.get(owner.id)) : undefined;
  return {
    id: row.id,
    trackingCode: row.trackingCode,
    category: { code: row.categoryCode, nameZh: row.categoryNameZh, nameEn: row.categoryNameEn },
    compound: { code: row.compoundCode, nameZh: row.compoundNameZh, nameEn: row.compoundNameEn },
    status: row.status as Summary['status'],
    stage: row.stage as Summary['stage'],
    level: row.level as Summary['level'],
    handler: row.handlerOrgId ? orgRef(names.orgs.get(row.handlerOrgId)) : null,
    supervisor: row.supervisorOrgId ? orgRef(names.orgs.get(row.supervisorOrgId)) : null,
    followUpOwner: owner ? { kind: owner.kind, id: owner.id, nameZh: ownerName?.nameZh ?? '', nameEn: ownerName?.nameEn ?? '' } : null,
    resident: {
      name: row.residentName === null ? null : unmasked ? row.residentName : maskName(row.residentName),
      phone: row.residentPhone === null ? null : unmasked ? row.residentPhone : maskPhone(row.residentPhone),
      masked: !unmasked,
    },
    description: row.description,
    overdue: row.status !== 'closed' && (row.overdue || deadlines.some((d) => d.overdue && OVERDUE_KINDS.has(d.kind))),
    deadlines,
    outcome: row.outcome as Summary['outcome'],
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

export function presentDetail(row: CaseDetailRow, actor: Actor, names: Names, now: number): Detail {
  // Object.assign onto the summary, not `{ ...summary, householdId, … }`: in Node 20's V8 each property added after
  // a spread costs about a microsecond (no cached map transition), 14 µs for these 13, on every read of a case
  // (bench/README.md "Where the time goes"; test/api/case-view.test.ts holds the answer the same).
  return Object.assign(presentSummary(row, actor, names, now), {
    householdId: row.householdId,
    location: row.location,
    contactPreference: row.contactPreference,
    photos: row.photos,
    pendingExtension: row.pendingExtension,
    pendingRequest: row.pendingRequest === null ? null : { kind: row.pendingRequest.kind, reason: row.pendingRequest.reason, requestedAt: row.pendingRequest.requestedAt },
    pausedSince: row.pausedSince === null ? null : iso(row.pausedSince),
    mergedInto: row.mergedInto,
    awaitingVerification: row.awaitingVerification,
    publiclyNoticed: row.publiclyNoticed,
    satisfaction: row.satisfaction as Detail['satisfaction'],
    solved: row.solved,
    counts: { reopen: row.reopenCount, escalation: row.escalationCount, returned: row.returnedCount },
    dispatchedAt: iso(row.dispatchedAt),
    acknowledgedAt: iso(row.acknowledgedAt),
    resolvedAt: iso(row.resolvedAt),
    closedAt: iso(row.closedAt),
    timeline: row.timeline.map((e) => ({
      seq: e.seq,
      type: e.type,
      at: e.at,
      actor: { userId: e.actor.userId ?? null, role: e.actor.role ?? null, organizationId: e.actor.organizationId ?? null },
      payload: e.payload,
    })),
  });
}
