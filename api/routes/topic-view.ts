// A governance topic as it leaves the API: organisation names, tasks with their state, the timeline without
// personal data, the linked cases by tracking code, the effect windows and the topic's accountability records.
import type { z } from 'zod';
import { effectWindow, effectWindows, EFFECT_WINDOW_DAYS } from '../../domain/topic-effect';
import type { Actor } from '../../domain/actions';
import {
  effectCounts,
  linkedCases,
  topicAccountability,
  topicTimeline,
  type TopicRow,
} from '../../db/queries/topic-reads';
import type { TopicScopeOf } from '../../db/queries/topics';
import type { ReferenceReads } from '../../db/queries/reference';
import type { Queryable } from '../../db/pool';
import type { effectSchema, topicDetailSchema, topicSummarySchema } from './topic-schemas';

type Org = { id: string; nameZh: string; nameEn: string };
export type Names = (id: string) => Org;

/** Organisation names for the ids given; an id no longer found still answers (by its id), never a 500. */
export async function namesOf(reference: ReferenceReads, ids: Iterable<string>): Promise<Names> {
  const orgs = await reference.organizations([...new Set(ids)]);
  return (id) => {
    const o = orgs.get(id);
    return { id, nameZh: o?.nameZh ?? id, nameEn: o?.nameEn ?? id };
  };
}

export const orgIdsOf = (rows: TopicRow[]): string[] =>
  rows.flatMap((r) => [r.ownerOrgId, r.supervisorOrgId, ...r.tasks.map((t) => t.ownerOrgId)]);

/** Who sees which topics: admins all, supervisors their tree's and chain's, others those they take part in. */
export function topicScopeFor(actor: Actor): TopicScopeOf | null {
  if (actor.role === 'admin') return { kind: 'all' };
  if (!actor.organizationId || actor.role === 'resident' || actor.role === 'system') return null;
  return actor.role === 'supervisor'
    ? { kind: 'supervisor', orgId: actor.organizationId }
    : { kind: 'participant', orgId: actor.organizationId };
}

const iso = (v: Date | number | null): string | null => (v === null ? null : new Date(v).toISOString());

export function presentSummary(r: TopicRow, names: Names, now: number): z.infer<typeof topicSummarySchema> {
  const undoneLate = r.tasks.some((t) => t.doneAt === null && t.dueAt <= now);
  return {
    id: r.id,
    title: r.title,
    status: r.status,
    ownerOrg: names(r.ownerOrgId),
    dueAt: r.dueAt.toISOString(),
    overdue: r.status === 'open' && (r.dueAt.getTime() <= now || undoneLate),
    scope: { compoundCodes: r.scope.compoundCodes, buildings: r.scope.buildings, categoryCode: r.scope.categoryCode },
    tasks: { total: r.tasks.length, done: r.tasks.filter((t) => t.doneAt !== null).length },
    openedAt: r.openedAt.toISOString(),
    closedAt: iso(r.closedAt),
  };
}

/** The effect once closed (domain/topic-effect.ts): the windows and the cases of the scope filed in each. */
export async function effectOf(
  db: Queryable,
  r: Pick<TopicRow, 'id' | 'openedAt' | 'closedAt'>,
  now: number,
): Promise<z.infer<typeof effectSchema> | null> {
  if (r.closedAt === null) return null;
  const w = effectWindows(r.openedAt.getTime(), r.closedAt.getTime(), now);
  const counts = await effectCounts(db, r.id, w.before, w.after);
  const view = (x: ReturnType<typeof effectWindow>) => ({ ...x, from: iso(x.from)!, to: iso(x.to)! });
  return {
    windowDays: EFFECT_WINDOW_DAYS,
    before: view(effectWindow(w.before, counts.before)),
    after: view(effectWindow(w.after, counts.after)),
    afterComplete: w.afterComplete,
  };
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);

const supervision = (dueAt: Date | number | null | undefined, misses: number | undefined) =>
  dueAt == null ? null : { dueAt: iso(dueAt)!, misses: misses ?? 1 };

export async function presentDetail(
  db: Queryable,
  reference: ReferenceReads,
  r: TopicRow,
  now: number,
): Promise<z.infer<typeof topicDetailSchema>> {
  const [events, cases, records, effect] = await Promise.all([
    topicTimeline(db, r.id),
    linkedCases(db, r.id),
    topicAccountability(db, r.id),
    effectOf(db, r, now),
  ]);
  const ids = [
    ...orgIdsOf([r]),
    ...events.flatMap((e) =>
      [e.organizationId, str(e.payload.organizationId), str(e.payload.escalatedToOrgId)].filter(
        (x): x is string => x !== null,
      ),
    ),
    ...records.map((x) => x.organizationId),
  ];
  const names = await namesOf(reference, ids);
  return {
    ...presentSummary(r, names, now),
    description: r.description,
    supervisorOrg: names(r.supervisorOrgId),
    supervision: r.status === 'open' ? supervision(r.superviseDueAt, r.misses) : null,
    summary: r.summary,
    closeReason: r.closeReason,
    repeatProblemId: r.repeatProblemId,
    taskList: r.tasks.map((t) => ({
      id: t.id,
      title: t.title,
      ownerOrg: names(t.ownerOrgId),
      dueAt: iso(t.dueAt)!,
      status: t.doneAt === null ? ('open' as const) : ('done' as const),
      doneAt: iso(t.doneAt),
      overdue: t.doneAt === null ? t.dueAt <= now : t.doneAt > t.dueAt,
      supervision: r.status === 'open' && t.doneAt === null ? supervision(t.superviseDueAt, t.misses) : null,
    })),
    // Roles and organisations, never who: a user id or a person's name is not part of a topic's record.
    timeline: events.map((e) => {
      const about = str(e.payload.organizationId);
      const escalatedTo = str(e.payload.escalatedToOrgId);
      const superviseDueAt = num(e.payload.superviseDueAt);
      return {
        seq: e.seq,
        type: e.type,
        at: e.at.toISOString(),
        role: e.role,
        organization: e.organizationId ? names(e.organizationId) : null,
        about: about ? names(about) : null,
        escalatedTo: escalatedTo ? names(escalatedTo) : null,
        superviseDueAt: iso(superviseDueAt),
        taskId: str(e.payload.taskId),
        note: str(e.payload.note) ?? str(e.payload.summary),
        reason: str(e.payload.reason),
      };
    }),
    linkedCases: cases.map((c) => ({ ...c, createdAt: c.createdAt.toISOString() })),
    effect,
    accountability: records.map((x) => ({
      id: x.id,
      organization: names(x.organizationId),
      dutyCode: x.dutyCode,
      dutyTitleZh: x.dutyTitleZh,
      dutyTitleEn: x.dutyTitleEn,
      reason: x.reason,
      level: x.level,
      createdAt: x.createdAt.toISOString(),
      answered: x.answeredAt !== null,
      closed: x.closedAt !== null,
    })),
  };
}
