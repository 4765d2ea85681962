// Reads and intake writes of the `cases` projection and its `case_events` timeline.
import type { Pool, PoolClient } from 'pg';
import type { CaseEvent } from '../../domain/actions';
import type { CaseIntake } from '../../domain/case-state';
import type { CaseProjection } from '../../domain/case-view';
import { eventRows, outboxRows, PROJECTION_COLUMNS, projectionColumns, type OutboxEntry } from './case-events';
import type { Queryable } from '../pool';

export interface CaseRowInput {
  intake: CaseIntake;
  req: {
    location: object;
    description: string;
    contactPreference?: string | null;
    photos?: string[];
    contact: { name?: string | null; phone?: string | null };
    intakeKey?: string | null;
    /** The account that filed the case (the intake quota counts by it); null for system filings. */
    filedBy?: string | null;
    /** false when the contact phone is not proven to be the complainant's (typed by staff or for someone else). */
    contactVerified?: boolean;
  };
}

/** A new case's first events as intake writes them with its row (domain openCase, activities/notifications). */
export interface OpenedCase {
  events: CaseEvent[];
  projection: CaseProjection;
  notifications: OutboxEntry[];
}

const BASE_COLUMNS = [
  'id',
  'tracking_code',
  'workflow_id',
  'intake_key',
  'category_code',
  'compound_code',
  'household_id',
  'resident_user_id',
  'resident_name',
  'resident_phone',
  'location',
  'description',
  'contact_preference',
  'photos',
  'community_org_id',
  'street_org_id',
  'intake',
  'created_at',
  'filed_by',
  'contact_verified',
];

const INSERT_COLUMNS = [...BASE_COLUMNS, ...PROJECTION_COLUMNS];
// Built once, like RECORD_EVENTS: the row's columns, then the events and the outbox entries as JSON.
const INSERT_CASE = `WITH c AS (
    INSERT INTO cases (${INSERT_COLUMNS.join(', ')}) VALUES (${INSERT_COLUMNS.map((_, k) => `$${k + 1}`).join(', ')})
    ON CONFLICT (intake_key) DO NOTHING RETURNING id
  ), e AS (
    INSERT INTO case_events (case_id, seq, type, actor, at, payload, request_id)
    SELECT c.id, r.seq, r.type, r.actor, r.at, r.payload, r.request_id
      FROM c, jsonb_to_recordset($${INSERT_COLUMNS.length + 1}::jsonb)
        AS r(seq int, type text, actor jsonb, at timestamptz, payload jsonb, request_id text)
  ), o AS (
    INSERT INTO notification_outbox (dedupe_key, channel, recipient, template, payload)
    SELECT r.dedupe_key, r.channel, r.recipient, r.template, r.payload
      FROM c, jsonb_to_recordset($${INSERT_COLUMNS.length + 2}::jsonb)
        AS r(dedupe_key text, channel text, recipient jsonb, template text, payload jsonb)
    ON CONFLICT (dedupe_key) DO NOTHING
  )
  SELECT count(*)::int AS n FROM c`;

/**
 * Inserts the case with its first events, their notifications and the projection as of them, in one statement
 * (so one round trip, and atomic without a transaction); false when a row with the same intake key already
 * exists, in which case nothing is written. `workflow_started` stays false until the start is confirmed.
 */
export async function insertCase(
  db: Pool | PoolClient,
  { intake: i, req }: CaseRowInput,
  opened: OpenedCase,
): Promise<boolean> {
  const base = [
    i.caseId,
    i.trackingCode,
    `case-${i.caseId}`,
    req.intakeKey ?? null,
    i.categoryCode,
    i.compoundCode,
    i.householdId,
    i.residentUserId,
    req.contact.name ?? null,
    req.contact.phone ?? null,
    JSON.stringify(req.location),
    req.description,
    req.contactPreference ?? null,
    JSON.stringify(req.photos ?? []),
    i.chain.communityOrgId,
    i.chain.streetOrgId,
    JSON.stringify(i),
    new Date(i.submittedAt),
    req.filedBy ?? null,
    req.contactVerified ?? true,
  ];
  // A named statement: parsed and planned once per connection, not on every intake.
  const { rows } = await db.query<{ n: number }>({
    name: 'rs-insert-case',
    text: INSERT_CASE,
    values: [
      ...base,
      ...projectionColumns(opened.projection).map(([, v]) => v),
      JSON.stringify(eventRows(opened.events)),
      JSON.stringify(outboxRows(opened.notifications)),
    ],
  });
  return rows[0].n === 1;
}

/** A case not yet started, as the reconciler and an intake retry need it: `recorded` = its first events are written. */
export interface UnstartedCase {
  intake: CaseIntake;
  recorded: boolean;
}

export async function findCaseByIntakeKey(
  db: Queryable,
  intakeKey: string,
): Promise<(UnstartedCase & { workflowStarted: boolean }) | null> {
  const { rows } = await db.query<{ intake: CaseIntake; workflow_started: boolean; recorded: boolean }>(
    'SELECT intake, workflow_started, last_seq > 0 AS recorded FROM cases WHERE intake_key = $1',
    [intakeKey],
  );
  return rows[0]
    ? { intake: rows[0].intake, workflowStarted: rows[0].workflow_started, recorded: rows[0].recorded }
    : null;
}

export async function markWorkflowsStarted(db: Pool, caseIds: string[]): Promise<void> {
  await db.query('UPDATE cases SET workflow_started = true WHERE id = ANY($1::uuid[]) AND NOT workflow_started', [
    caseIds,
  ]);
}

/** Cases whose workflow start was never confirmed, oldest first (the reconciler's work list). */
export async function listUnstartedCases(db: Queryable, olderThanMs: number, limit = 100): Promise<UnstartedCase[]> {
  const { rows } = await db.query<UnstartedCase>(
    `SELECT intake, last_seq > 0 AS recorded FROM cases
      WHERE NOT workflow_started AND intake IS NOT NULL AND created_at < now() - make_interval(secs => $1::float8 / 1000)
      ORDER BY created_at LIMIT $2`,
    [olderThanMs, limit],
  );
  return rows;
}

export interface CaseEventRow {
  seq: number;
  type: string;
  actor: Record<string, unknown>;
  at: Date;
  payload: Record<string, unknown>;
  requestId: string | null;
}

export async function listCaseEvents(db: Queryable, caseId: string): Promise<CaseEventRow[]> {
  const { rows } = await db.query<CaseEventRow>(
    `SELECT seq, type, actor, at, payload, request_id AS "requestId" FROM case_events WHERE case_id = $1 ORDER BY seq`,
    [caseId],
  );
  return rows;
}

export async function getCaseRow(db: Queryable, caseId: string): Promise<Record<string, unknown> | null> {
  const { rows } = await db.query('SELECT * FROM cases WHERE id = $1', [caseId]);
  return rows[0] ?? null;
}

/** Ids of open cases whose workflow runs, in id order after `after`: the calendar fan-out's pages. */
export async function listOpenCaseIds(db: Queryable, after: string | null, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM cases WHERE status <> 'closed' AND workflow_started AND ($1::uuid IS NULL OR id > $1::uuid) ORDER BY id LIMIT $2`,
    [after, limit],
  );
  return rows.map((r) => r.id);
}

/** The party member linked to the complainant's household when the case was filed (党员联户), from its intake. */
export async function linkedPartyMemberOf(db: Queryable, caseId: string): Promise<string | null> {
  const { rows } = await db.query<{ id: string | null }>(
    `SELECT intake->>'linkedPartyMemberId' AS id FROM cases WHERE id = $1`,
    [caseId],
  );
  return rows[0]?.id ?? null;
}
