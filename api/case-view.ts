// How a case row leaves the API: names resolved, deadlines with the working time left on the case's own
// calendar (the one fixed at intake, so the answer matches the workflow's timers), and personal data masked
// for callers who have no need to contact the resident.
import type { z } from 'zod';
import type { Actor } from '../domain/actions';
import { createCalendar, workingTimeLeftMs } from '../domain/calendar';
import { namesFor, type CaseViewRow, type OrgName, type TimelineRow } from '../db/queries/case-list';
import type { Queryable } from '../db/pool';
import type { caseDetailSchema, caseSummarySchema } from './routes/case-schemas';
import { seesPersonalData } from './visibility';

type Summary = z.infer<typeof caseSummarySchema>;
type Detail = z.infer<typeof caseDetailSchema>;
type Names = Awaited<ReturnType<typeof namesFor>>;

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

const iso = (d: Date | null) => (d === null ? null : d.toISOString());
const OVERDUE_KINDS = new Set(['response', 'resolution']);

function deadlinesOf(row: CaseViewRow, now: number): Summary['deadlines'] {
  const cal = createCalendar(row.calendar ?? { holidays: [], workdays: [] });
  return Object.entries(row.deadlines)
    .filter(([kind]) => kind === 'response' || kind === 'resolution' || kind === 'evaluation')
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

export async function loadNames(db: Queryable, rows: CaseViewRow[]): Promise<Names> {
  const orgIds: string[] = [];
  const personIds: string[] = [];
  for (const r of rows) {
    if (r.handlerOrgId) orgIds.push(r.handlerOrgId);
    if (r.supervisorOrgId) orgIds.push(r.supervisorOrgId);
    if (r.followUpOwner) (r.followUpOwner.kind === 'party_member' ? personIds : orgIds).push(r.followUpOwner.id);
  }
  return namesFor(db, orgIds, personIds);
}

const orgRef = (o: OrgName | undefined) => (o ? { id: o.id, kind: o.kind as NonNullable<Summary['handler']>['kind'], nameZh: o.nameZh, nameEn: o.nameEn } : null);

export function presentSummary(row: CaseViewRow, actor: Actor, names: Names, now: number): Summary {
  const deadlines = deadlinesOf(row, now);
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
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function presentDetail(row: CaseViewRow, timeline: TimelineRow[], actor: Actor, names: Names, now: number): Detail {
  return {
    ...presentSummary(row, actor, names, now),
    householdId: row.householdId,
    location: row.location,
    contactPreference: row.contactPreference,
    photos: row.photos,
    pendingExtension: row.pendingExtension,
    satisfaction: row.satisfaction as Detail['satisfaction'],
    solved: row.solved,
    counts: { reopen: row.reopenCount, escalation: row.escalationCount, returned: row.returnedCount },
    dispatchedAt: iso(row.dispatchedAt),
    acknowledgedAt: iso(row.acknowledgedAt),
    resolvedAt: iso(row.resolvedAt),
    closedAt: iso(row.closedAt),
    timeline: timeline.map((e) => ({
      seq: e.seq,
      type: e.type,
      at: e.at.toISOString(),
      actor: { userId: e.actor.userId ?? null, role: e.actor.role ?? null, organizationId: e.actor.organizationId ?? null },
      payload: e.payload,
    })),
  };
}
