// What the API reads of governance topics: lists and detail in the caller's scope, the timeline with organisation
// names, the cases a topic covers, its effect counts, its accountability records, and the public list of closed
// topics. Nothing personal: cases are read by tracking code, category, building and status only.
import type { TopicScope } from '../../domain/topic';
import type { Queryable } from '../pool';
import { Params } from './case-list';
import { topicScopeSql, type TopicScopeOf } from './topics';

/**
 * A case of the topic's scope (`t`, `c`): one of its compounds, in a listed building where the compound lists any,
 * of its category if it names one. Merged duplicates are left out: they are one problem reported twice.
 */
const IN_SCOPE = `c.compound_code = ANY(t.compound_codes)
  AND (t.category_code IS NULL OR c.category_code = t.category_code)
  AND c.merged_into IS NULL
  AND (NOT EXISTS (SELECT 1 FROM jsonb_array_elements(t.scope->'buildings') b WHERE b->>'compoundCode' = c.compound_code)
       OR EXISTS (SELECT 1 FROM jsonb_array_elements(t.scope->'buildings') b
                   WHERE b->>'compoundCode' = c.compound_code AND b->>'building' = c.location->>'building'))`;

/** Linked to the topic: filed while it is open, or still open when it opened. */
const LINKED = `${IN_SCOPE} AND (
  c.created_at >= t.opened_at AND (t.closed_at IS NULL OR c.created_at < t.closed_at)
  OR c.created_at < t.opened_at AND (c.closed_at IS NULL OR c.closed_at > t.opened_at))`;

export interface TopicRow {
  id: string;
  title: string;
  description: string | null;
  status: 'open' | 'closed';
  ownerOrgId: string;
  supervisorOrgId: string;
  supervisorChain: string[];
  participantOrgIds: string[];
  scope: TopicScope;
  dueAt: Date;
  overdue: boolean;
  breachedAt: Date | null;
  superviseDueAt: Date | null;
  misses: number;
  tasks: {
    id: string;
    title: string;
    ownerOrgId: string;
    dueAt: number;
    doneAt: number | null;
    breachedAt: number | null;
    /** Absent in tasks projected before 0.5.0. */
    superviseDueAt?: number | null;
    misses?: number;
  }[];
  summary: string | null;
  closeReason: string | null;
  repeatProblemId: string | null;
  openedAt: Date;
  closedAt: Date | null;
}

const SELECT = `SELECT t.id, t.title, t.description, t.status, t.owner_org_id AS "ownerOrgId",
    t.supervisor_org_id AS "supervisorOrgId", t.supervisor_chain AS "supervisorChain",
    t.participant_org_ids AS "participantOrgIds", t.scope, t.due_at AS "dueAt", t.overdue, t.breached_at AS "breachedAt",
    t.supervise_due_at AS "superviseDueAt", t.misses, t.tasks, t.summary, t.close_reason AS "closeReason", t.repeat_problem_id AS "repeatProblemId",
    t.opened_at AS "openedAt", t.closed_at AS "closedAt"
  FROM topics t`;

export async function listTopics(
  db: Queryable,
  scope: TopicScopeOf,
  status: 'open' | 'closed' | 'all',
): Promise<TopicRow[]> {
  const p = new Params();
  const where = [topicScopeSql(scope, p)];
  if (status !== 'all') where.push(`t.status = ${p.add(status)}`);
  const { rows } = await db.query<TopicRow>(
    `${SELECT} WHERE ${where.join(' AND ')} ORDER BY t.opened_at DESC, t.id DESC LIMIT 500`,
    p.values,
  );
  return rows;
}

export async function getTopic(db: Queryable, scope: TopicScopeOf, id: string): Promise<TopicRow | null> {
  const p = new Params();
  const where = `t.id = ${p.add(id)} AND ${topicScopeSql(scope, p)}`;
  const { rows } = await db.query<TopicRow>(`${SELECT} WHERE ${where}`, p.values);
  return rows[0] ?? null;
}

export interface TopicEventRow {
  seq: number;
  type: string;
  at: Date;
  role: string;
  organizationId: string | null;
  payload: Record<string, unknown>;
}

export async function topicTimeline(db: Queryable, id: string): Promise<TopicEventRow[]> {
  const { rows } = await db.query<TopicEventRow>(
    `SELECT seq, type, at, actor->>'role' AS role, actor->>'organizationId' AS "organizationId", payload
       FROM topic_events WHERE topic_id = $1 ORDER BY seq`,
    [id],
  );
  return rows;
}

export interface LinkedCaseRow {
  id: string;
  trackingCode: string;
  categoryCode: string;
  compoundCode: string;
  building: string | null;
  status: string;
  createdAt: Date;
}

export async function linkedCases(db: Queryable, topicId: string): Promise<LinkedCaseRow[]> {
  const { rows } = await db.query<LinkedCaseRow>(
    `SELECT c.id, c.tracking_code AS "trackingCode", c.category_code AS "categoryCode", c.compound_code AS "compoundCode",
            c.location->>'building' AS building, c.status, c.created_at AS "createdAt"
       FROM topics t JOIN cases c ON ${LINKED}
      WHERE t.id = $1 ORDER BY c.created_at, c.id LIMIT 1000`,
    [topicId],
  );
  return rows;
}

/** Cases of the scope filed in [from, to) of each window (domain/topic-effect.ts says which windows). */
export async function effectCounts(
  db: Queryable,
  topicId: string,
  before: { from: number; to: number },
  after: { from: number; to: number },
): Promise<{ before: number; after: number }> {
  const { rows } = await db.query<{ before: number; after: number }>(
    `SELECT count(*) FILTER (WHERE c.created_at >= $2 AND c.created_at < $3)::int AS before,
            count(*) FILTER (WHERE c.created_at >= $4 AND c.created_at < $5)::int AS after
       FROM topics t JOIN cases c ON ${IN_SCOPE} WHERE t.id = $1`,
    [topicId, new Date(before.from), new Date(before.to), new Date(after.from), new Date(after.to)],
  );
  return rows[0];
}

/** The topics linked to one case (the caller has already been found to see the case). */
export async function topicsForCase(db: Queryable, caseId: string): Promise<TopicRow[]> {
  const { rows } = await db.query<TopicRow>(
    `${SELECT} JOIN cases c ON ${LINKED} WHERE c.id = $1 ORDER BY t.opened_at DESC`,
    [caseId],
  );
  return rows;
}

export interface TopicRecordRow {
  id: string;
  organizationId: string;
  dutyCode: string;
  dutyTitleZh: string;
  dutyTitleEn: string;
  reason: string;
  level: string | null;
  createdAt: Date;
  answeredAt: Date | null;
  closedAt: Date | null;
}

export async function topicAccountability(db: Queryable, topicId: string): Promise<TopicRecordRow[]> {
  const { rows } = await db.query<TopicRecordRow>(
    `SELECT r.id, r.organization_id AS "organizationId", r.duty_code AS "dutyCode", d.title_zh AS "dutyTitleZh",
            d.title_en AS "dutyTitleEn", r.reason, r.level, r.created_at AS "createdAt", r.answered_at AS "answeredAt",
            r.closed_at AS "closedAt"
       FROM accountability_records r JOIN responsibility_duties d ON d.code = r.duty_code
      WHERE r.topic_id = $1 ORDER BY r.created_at, r.id`,
    [topicId],
  );
  return rows;
}

export interface PublicTopicRow {
  id: string;
  title: string;
  compoundCodes: string[];
  categoryCode: string | null;
  openedAt: Date;
  closedAt: Date;
}

/** Closed topics, newest closing first: what the public list may show of them. */
export async function closedTopics(db: Queryable, limit = 100): Promise<PublicTopicRow[]> {
  const { rows } = await db.query<PublicTopicRow>(
    `SELECT id, title, compound_codes AS "compoundCodes", category_code AS "categoryCode", opened_at AS "openedAt",
            closed_at AS "closedAt"
       FROM topics WHERE status = 'closed' ORDER BY closed_at DESC, id DESC LIMIT $1`,
    [limit],
  );
  return rows;
}
