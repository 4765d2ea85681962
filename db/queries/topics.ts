// Governance topics (治理专题): the opening row, the workflow's writes (events, projection, accountability records,
// the outbox: one statement, idempotent by topic id + seq), and the reads of the API — each in the caller's scope.
import type { PoolClient } from 'pg';
import type { TopicEvent, TopicOpening, TopicProjection, TopicScope } from '../../domain/topic';
import type { Queryable } from '../pool';
import { enqueueNotifications, outboxRows, type OutboxEntry } from './case-events';
import { Params } from './case-list';

/** Who sees which topics: admins all; a supervisor its tree's compounds and its chain; others as participants. */
export type TopicScopeOf =
  { kind: 'all' } | { kind: 'supervisor'; orgId: string } | { kind: 'participant'; orgId: string };

/** The organisation and everything below it in the Party tree (`org`: a placeholder already added). */
export const treeSql = (org: string) => `(WITH RECURSIVE tree(id) AS (
    SELECT id FROM organizations WHERE id = ${org}
    UNION SELECT o.id FROM organizations o JOIN tree t ON o.parent_id = t.id) SELECT id FROM tree)`;

export function topicScopeSql(scope: TopicScopeOf, p: Params): string {
  if (scope.kind === 'all') return 'TRUE';
  const org = p.add(scope.orgId);
  const participant = `${org} = ANY(t.participant_org_ids)`;
  if (scope.kind === 'participant') return participant;
  return `(${participant} OR ${org} = ANY(t.supervisor_chain) OR EXISTS (
    SELECT 1 FROM compounds cp WHERE cp.code = ANY(t.compound_codes) AND cp.community_org_id IN ${treeSql(org)}))`;
}

/** The compounds of `codes` outside the supervisor's tree: a topic may cover only compounds it supervises. */
export async function compoundsOutside(db: Queryable, orgId: string, codes: string[]): Promise<string[]> {
  const { rows } = await db.query<{ code: string }>(
    `SELECT code FROM unnest($2::text[]) AS code
      WHERE code NOT IN (SELECT cp.code FROM compounds cp WHERE cp.community_org_id IN ${treeSql('$1')})`,
    [orgId, codes],
  );
  return rows.map((r) => r.code);
}

/** The organisation, then each parent up the Party tree: community → street → organisation department. */
export async function supervisorChain(db: Queryable, orgId: string): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `WITH RECURSIVE up(id, parent_id, depth) AS (
       SELECT id, parent_id, 0 FROM organizations WHERE id = $1
       UNION ALL SELECT o.id, o.parent_id, up.depth + 1 FROM organizations o JOIN up ON o.id = up.parent_id)
     SELECT id FROM up ORDER BY depth`,
    [orgId],
  );
  return rows.map((r) => r.id);
}

export interface NewTopic {
  opening: TopicOpening;
  openKey: string | null;
  description: string | null;
  scope: TopicScope;
  supervisorOrgId: string;
  openedBy: string;
  repeatProblemId: string | null;
  opened: TopicEvent;
  notifications: OutboxEntry[];
}

/** The row, its `opened` event and its notices in the caller's transaction; a repeated open key returns the first. */
export async function insertTopic(client: PoolClient, t: NewTopic): Promise<{ id: string; created: boolean }> {
  const o = t.opening;
  const participants = [...new Set([o.ownerOrgId, ...o.tasks.map((x) => x.ownerOrgId)])];
  const tasks = o.tasks.map((x) => ({ ...x, doneAt: null, breachedAt: null }));
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO topics (id, workflow_id, open_key, title, description, scope, compound_codes, category_code,
       owner_org_id, supervisor_org_id, supervisor_chain, participant_org_ids, opened_by, repeat_problem_id, opening,
       due_at, tasks, opened_at)
     VALUES ($1, $18, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
     ON CONFLICT (open_key) DO NOTHING RETURNING id`,
    [
      o.topicId,
      t.openKey,
      o.title,
      t.description,
      JSON.stringify(t.scope),
      t.scope.compoundCodes,
      t.scope.categoryCode,
      o.ownerOrgId,
      t.supervisorOrgId,
      o.supervisorChain,
      participants,
      t.openedBy,
      t.repeatProblemId,
      JSON.stringify(o),
      new Date(o.dueAt),
      JSON.stringify(tasks),
      new Date(o.openedAt),
      `topic-${o.topicId}`,
    ],
  );
  if (rows.length === 0) {
    const first = await client.query<{ id: string }>('SELECT id FROM topics WHERE open_key = $1', [t.openKey]);
    return { id: first.rows[0].id, created: false };
  }
  await client.query(
    `INSERT INTO topic_events (topic_id, seq, type, actor, at, payload) VALUES ($1, 1, 'opened', $2, $3, '{}')`,
    [o.topicId, JSON.stringify(t.opened.actor), new Date(t.opened.at)],
  );
  await enqueueNotifications(client, t.notifications);
  return { id: o.topicId, created: true };
}

export async function topicOpening(db: Queryable, id: string): Promise<TopicOpening | null> {
  const { rows } = await db.query<{ opening: TopicOpening }>('SELECT opening FROM topics WHERE id = $1', [id]);
  return rows[0]?.opening ?? null;
}

export interface AccountabilityEntry {
  organizationId: string;
  reason: string;
  /** The organisation whose rung the record names as its level (its kind: community, street, department). */
  levelOrgId: string;
  dedupeKey: string;
}

const RECORD_TOPIC_EVENTS = `
  WITH e AS (
    INSERT INTO topic_events (topic_id, seq, type, actor, at, payload, request_id)
    SELECT $1, r.seq, r.type, r.actor, r.at, r.payload, r.request_id
      FROM jsonb_to_recordset($2::jsonb) AS r(seq int, type text, actor jsonb, at timestamptz, payload jsonb, request_id text)
    ON CONFLICT (topic_id, seq) DO NOTHING
  ), a AS (
    -- A handler's duty is its topic_task_in_time; a Party organisation's its 全程督促 (supervise).
    INSERT INTO accountability_records (topic_id, organization_id, duty_code, reason, source, level, dedupe_key)
    SELECT $1, o.id, o.kind || CASE WHEN o.kind IN ('property_company', 'owners_committee', 'resident_association',
             'functional_department') THEN '.topic_task_in_time' ELSE '.supervise' END, r.reason, 'breach', l.kind, r.dedupe_key
      FROM jsonb_to_recordset($3::jsonb) AS r(organization_id text, reason text, level_org_id text, dedupe_key text)
      JOIN organizations o ON o.id = r.organization_id
      JOIN organizations l ON l.id = r.level_org_id
    ON CONFLICT (dedupe_key) DO NOTHING
  ), n AS (
    INSERT INTO notification_outbox (dedupe_key, channel, recipient, template, payload)
    SELECT r.dedupe_key, r.channel, r.recipient, r.template, r.payload
      FROM jsonb_to_recordset($4::jsonb) AS r(dedupe_key text, channel text, recipient jsonb, template text, payload jsonb)
    ON CONFLICT (dedupe_key) DO NOTHING
  ), rp AS (
    -- The repeat problem a topic answered ends with it: the same problem filed again later is a new repeat problem.
    UPDATE repeat_problems SET closed_at = $8 WHERE topic_id = $1 AND closed_at IS NULL AND $8::timestamptz IS NOT NULL
  )
  UPDATE topics SET status = $5, overdue = $6, breached_at = $7, closed_at = $8, tasks = $9, last_seq = $10,
         summary = COALESCE($11, summary), close_reason = COALESCE($12, close_reason),
         supervise_due_at = $13, misses = $14, updated_at = now()
   WHERE id = $1 AND last_seq < $10`;

export interface RecordedTopicEvents {
  topicId: string;
  events: TopicEvent[];
  projection: TopicProjection;
  accountability: AccountabilityEntry[];
  notifications: OutboxEntry[];
}

const ts = (ms: number | null) => (ms === null ? null : new Date(ms));

/** One statement, so atomic without a transaction; every part keyed by topic id + seq (Temporal retries it). */
export async function recordTopicEvents(db: Queryable, r: RecordedTopicEvents): Promise<void> {
  const rows = r.events.map(({ seq, type, at, actor, requestId, ...payload }) => ({
    seq,
    type,
    at: new Date(at).toISOString(),
    actor,
    request_id: requestId ?? null,
    payload,
  }));
  const closed = r.events.find((e) => e.type === 'closed');
  const p = r.projection;
  await db.query(RECORD_TOPIC_EVENTS, [
    r.topicId,
    JSON.stringify(rows),
    JSON.stringify(
      r.accountability.map((a) => ({
        organization_id: a.organizationId,
        reason: a.reason,
        level_org_id: a.levelOrgId,
        dedupe_key: a.dedupeKey,
      })),
    ),
    JSON.stringify(outboxRows(r.notifications)),
    p.status,
    p.overdue,
    ts(p.breachedAt),
    ts(p.closedAt),
    JSON.stringify(p.tasks),
    p.lastSeq,
    closed?.type === 'closed' ? closed.summary : null,
    closed?.type === 'closed' ? closed.reason : null,
    ts(p.superviseDueAt),
    p.misses,
  ]);
}

/** A repeat problem becomes this topic's (issue 29: a topic opened from the repeat it answers). */
export async function linkRepeatProblem(
  client: PoolClient,
  repeatProblemId: string,
  topicId: string,
): Promise<boolean> {
  const { rowCount } = await client.query('UPDATE repeat_problems SET topic_id = $2 WHERE id = $1', [
    repeatProblemId,
    topicId,
  ]);
  return rowCount === 1;
}

/** The workflow of this topic is running (or ran): the reconciler leaves it be. */
export async function markTopicStarted(db: Queryable, id: string): Promise<void> {
  await db.query('UPDATE topics SET workflow_started = true WHERE id = $1 AND NOT workflow_started', [id]);
}

/** Topics written more than `olderThanMs` ago whose workflow start was never confirmed (the opener died in between). */
export async function listUnstartedTopics(db: Queryable, olderThanMs: number, limit = 100): Promise<TopicOpening[]> {
  const { rows } = await db.query<{ opening: TopicOpening }>(
    `SELECT opening FROM topics
      WHERE NOT workflow_started AND opened_at < now() - make_interval(secs => $1::float8 / 1000)
      ORDER BY opened_at LIMIT $2`,
    [olderThanMs, limit],
  );
  return rows.map((r) => r.opening);
}
