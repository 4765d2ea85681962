// How a case row leaves the API: names resolved, deadlines with the working time left on the case's own
// calendar (the one fixed at intake, so the answer matches the workflow's timers), personal data only for those
// who must contact the resident (api/visibility.ts personalDataAccess) and ask for it, and other users' ids made opaque.
import { createHmac } from 'node:crypto';
import type { z } from 'zod';
import type { Actor } from '../domain/actions';
import { createCalendar, workingTimeLeftMs, type WorkCalendar } from '../domain/calendar';
import type { CalendarData } from '../domain/types';
import type { CaseDetailRow, CaseViewRow } from '../db/queries/case-list';
import type { Organization, PersonName, ReferenceReads } from '../db/queries/reference';
import type { caseDetailSchema, caseSummarySchema } from './routes/case-schemas';
import { personalDataAccess, type PersonalDataAccess } from './visibility';

type Summary = z.infer<typeof caseSummarySchema>;
type Detail = z.infer<typeof caseDetailSchema>;
interface Names {
  orgs: Map<string, Organization>;
  people: Map<string, PersonName>;
}

/** 张伟 → 张*, Zhang Wei → Z******** : the family name's first character only. */
export function maskName(name: string): string {
  const chars = [...name];
  return chars.map((c, i) => (i === 0 || c === ' ' ? c : '*')).join('');
}

/** How other users' ids appear in an answer: the caller's own as it is (the web app says "you"), others opaque. */
export type UserIds = (userId: string) => string;

/**
 * Stable opaque handles for user ids (`u_` + 16 hex of an HMAC): the same user reads the same everywhere, so a
 * timeline still shows who acted twice, but a handle cannot be turned back into an id, nor an id guessed from it.
 * The key is derived from the server's secret for this use only.
 */
export function opaqueUserIds(secret: string): (viewerUserId: string) => UserIds {
  const key = createHmac('sha256', secret).update('red-steward/opaque-user-id/v1').digest();
  const memo = new Map<string, string>();
  const handle = (id: string): string => {
    let h = memo.get(id);
    if (h === undefined) {
      h = `u_${createHmac('sha256', key).update(id).digest('hex').slice(0, 16)}`;
      if (memo.size >= 10_000) memo.clear();
      memo.set(id, h);
    }
    return h;
  };
  // 'system' is the loop itself, not a person.
  return (viewer) => (id) => (id === viewer || id === 'system' ? id : handle(id));
}

/** The personal data of a case, by the names the view log records. */
export type PersonalField = 'name' | 'phone' | 'householdId' | 'location';

/** Location finer than the building (unit, room, a free address) is personal data; the building alone is not. */
const finerThanBuilding = (loc: Record<string, string>) => Object.keys(loc).some((k) => k !== 'building');
const buildingOnly = (loc: Record<string, string>): Record<string, string> =>
  loc.building === undefined ? {} : { building: loc.building };

/** What of the resident's data a case view carries to this caller, to be logged: empty for the complainant, for `none` and without `reveal`. */
export function disclosedFields(
  row: CaseViewRow | CaseDetailRow,
  access: PersonalDataAccess,
  reveal: boolean,
): PersonalField[] {
  if (access !== 'contact' || !reveal) return [];
  const fields: PersonalField[] = [];
  if (row.residentName !== null) fields.push('name');
  if (row.residentPhone !== null) fields.push('phone');
  if (row.householdId !== null) fields.push('householdId');
  if (finerThanBuilding(row.location)) fields.push('location');
  return fields;
}

/**
 * The resident in a list: their own cases in full to the complainant; to those who may contact the resident the
 * family name only (a list is for choosing a case, not for calling anyone); nothing to everyone else.
 */
function residentInList(row: CaseViewRow | CaseDetailRow, access: PersonalDataAccess): Summary['resident'] {
  if (access === 'complainant')
    return { name: row.residentName, phone: row.residentPhone, masked: false, revealable: false };
  const revealable = access === 'contact';
  return {
    name: revealable && row.residentName !== null ? maskName(row.residentName) : null,
    phone: null,
    masked: true,
    revealable,
  };
}

/**
 * Whether a case view carries the resident's personal data: always to the complainant (their own), to a caller who
 * may contact the resident only when they asked for it (`?contact=reveal`), so that every such view is a deliberate
 * one the log can show the resident, not a page polling; never to anyone else.
 */
export const showsPersonalData = (access: PersonalDataAccess, reveal: boolean): boolean =>
  access === 'complainant' || (access === 'contact' && reveal);

function residentInView(row: CaseDetailRow, access: PersonalDataAccess, shown: boolean): Summary['resident'] {
  if (!shown) return residentInList(row, access);
  return { name: row.residentName, phone: row.residentPhone, masked: false, revealable: access === 'contact' };
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

/** A row's deadlines as answers show them, on the case's own calendar, earliest first. */
export const caseDeadlines = (row: Pick<CaseViewRow, 'deadlines' | 'calendar'>, now: number): Summary['deadlines'] =>
  deadlinesOf(row, now, calendarOf(row));

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

export async function loadNames(
  reads: ReferenceReads,
  rows: Pick<CaseViewRow, 'handlerOrgId' | 'supervisorOrgId' | 'followUpOwner'>[],
): Promise<Names> {
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

/** An organisation as answers name it, or null when unknown. */
export const orgRef = (o: Organization | undefined) =>
  o ? { id: o.id, kind: o.kind as NonNullable<Summary['handler']>['kind'], nameZh: o.nameZh, nameEn: o.nameEn } : null;

/**
 * A resident who follows a case, or whose own case was merged into it, follows its progress and may evaluate it, but
 * the complainant's own words and photos stay the complainant's: a neighbour who said "me too" reads neither.
 */
export const isCoComplainant = (actor: Actor, row: Pick<CaseViewRow, 'residentUserId' | 'coComplainants'>): boolean =>
  actor.role === 'resident' && actor.userId !== row.residentUserId && (row.coComplainants ?? []).includes(actor.userId);

/** What one resident wrote (a note, an evaluation's comment) is not shown to another resident. */
const RESIDENT_TEXT = ['text', 'comment', 'reason'];
function withoutOtherResidentsText(
  payload: Record<string, unknown>,
  by: { role?: string; userId?: string },
  actor: Actor,
): Record<string, unknown> {
  if (actor.role !== 'resident' || by.role !== 'resident' || by.userId === actor.userId) return payload;
  let out = payload;
  for (const k of RESIDENT_TEXT) if (k in out) out = { ...out, [k]: null };
  return out;
}

/** A case in a list. */
export function presentSummary(row: CaseViewRow | CaseDetailRow, actor: Actor, names: Names, now: number): Summary {
  return summaryOf(row, names, now, residentInList(row, personalDataAccess(actor, row)), !isCoComplainant(actor, row));
}

function summaryOf(
  row: CaseViewRow | CaseDetailRow,
  names: Names,
  now: number,
  resident: Summary['resident'],
  ownWords: boolean,
): Summary {
  const cal = calendarOf(row);
  const deadlines = deadlinesOf(row, now, cal);
  const owner = row.followUpOwner;
  const ownerName = owner
    ? owner.kind === 'party_member'
      ? names.people.get(owner.id)
      : names.orgs.get(owner.id)
    : undefined;
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
    followUpOwner: owner
      ? { kind: owner.kind, id: owner.id, nameZh: ownerName?.nameZh ?? '', nameEn: ownerName?.nameEn ?? '' }
      : null,
    resident,
    description: ownWords ? row.description : null,
    overdue: row.status !== 'closed' && (row.overdue || deadlines.some((d) => d.overdue && OVERDUE_KINDS.has(d.kind))),
    deadlines,
    outcome: row.outcome as Summary['outcome'],
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

/** Other users' ids inside an event's payload (a co-complainant who joined by a merge), made opaque like the actor's. */
function payloadOf(payload: Record<string, unknown>, ids: UserIds): Record<string, unknown> {
  let out = payload;
  for (const k in payload) {
    const v = payload[k];
    if (typeof v === 'string' && (k === 'userId' || k.endsWith('UserId')) && ids(v) !== v)
      out = { ...out, [k]: ids(v) };
  }
  return out;
}

/**
 * A case in full, as the caller may have it: the resident's name, phone, household and location finer than the
 * building only as `showsPersonalData` says (without `reveal`, one who may contact the resident gets the family name
 * and `revealable`); other users' ids through `ids`.
 */
export function presentDetail(
  row: CaseDetailRow,
  actor: Actor,
  names: Names,
  now: number,
  ids: UserIds,
  reveal = false,
): Detail {
  const access = personalDataAccess(actor, row);
  const personal = showsPersonalData(access, reveal);
  const ownWords = !isCoComplainant(actor, row);
  // Object.assign onto the summary, not `{ ...summary, householdId, … }`: in Node 20's V8 each property added after
  // a spread costs about a microsecond (no cached map transition), 14 µs for these 13, on every read of a case
  // (test/api/case-view.test.ts holds the answer the same).
  return Object.assign(summaryOf(row, names, now, residentInView(row, access, personal), ownWords), {
    householdId: personal ? row.householdId : null,
    location: personal ? row.location : buildingOnly(row.location),
    contactPreference: row.contactPreference,
    photos: ownWords ? row.photos : [],
    pendingExtension: row.pendingExtension,
    pendingRequest:
      row.pendingRequest === null
        ? null
        : {
            kind: row.pendingRequest.kind,
            reason: row.pendingRequest.reason,
            requestedAt: row.pendingRequest.requestedAt,
          },
    pausedSince: row.pausedSince === null ? null : iso(row.pausedSince),
    mergedInto: row.mergedInto,
    awaitingVerification: row.awaitingVerification,
    publiclyNoticed: row.publiclyNoticed,
    contactVerified: row.contactVerified,
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
      actor: {
        userId: e.actor.userId === undefined ? null : ids(e.actor.userId),
        role: e.actor.role ?? null,
        organizationId: e.actor.organizationId ?? null,
      },
      payload: payloadOf(withoutOtherResidentsText(e.payload, e.actor, actor), ids),
    })),
  });
}
