// Writes of the case workflow: events, the projection, accountability records and the outbox.
// Every statement is idempotent (keyed by case id + seq) because Temporal retries the activity that runs it.
import type { Pool, PoolClient } from 'pg';
import type { CaseEvent } from '../../domain/actions';
import type { CaseProjection } from '../../domain/case-view';

const ts = (ms: number | null) => (ms === null ? null : new Date(ms));

/** The projection's columns and their values: the one list both the UPDATE below and intake's INSERT use. */
export function projectionColumns(p: CaseProjection): [column: string, value: unknown][] {
  return [
    ['status', p.status],
    ['stage', p.stage],
    ['level', p.level],
    ['handler_org_id', p.handlerOrgId],
    ['supervisor_org_id', p.supervisorOrgId],
    ['follow_up_owner', p.followUpOwner === null ? null : JSON.stringify(p.followUpOwner)],
    ['deadlines', JSON.stringify(p.deadlines)],
    ['overdue', p.overdue],
    ['reopen_count', p.reopenCount],
    ['escalation_count', p.escalationCount],
    ['returned_count', p.returnedCount],
    ['outcome', p.outcome],
    ['satisfaction', p.satisfaction],
    ['solved', p.solved],
    ['dispatched_at', ts(p.dispatchedAt)],
    ['acknowledged_at', ts(p.acknowledgedAt)],
    ['resolved_at', ts(p.resolvedAt)],
    ['closed_at', ts(p.closedAt)],
    ['first_response_due_at', ts(p.firstResponseDueAt)],
    ['first_resolution_due_at', ts(p.firstResolutionDueAt)],
    ['pending_extension', p.pendingExtension === null ? null : JSON.stringify(p.pendingExtension)],
    ['pending_request', p.pendingRequest === null ? null : JSON.stringify(p.pendingRequest)],
    ['paused_since', ts(p.pausedSince)],
    ['paused_ms', p.pausedMs],
    ['handler_history', p.handlerHistory],
    ['co_complainants', p.coComplainants],
    ['merged_into', p.mergedInto],
    ['awaiting_verification', p.awaitingVerification],
    ['top_rung_misses', p.topRungMisses],
    ['publicly_noticed', p.publiclyNoticed],
    ['last_seq', p.lastSeq],
  ];
}

/** The projection's column names, in projectionColumns' order (for statements built once at load). */
export const PROJECTION_COLUMNS = projectionColumns({
  deadlines: {},
  followUpOwner: null,
  pendingExtension: null,
  pendingRequest: null,
  pausedSince: null,
} as unknown as CaseProjection).map(([c]) => c);
const LAST_SEQ_PARAM = PROJECTION_COLUMNS.indexOf('last_seq') + 2;
// Moves the projection forward only: a late retry of an older batch never overwrites a newer state. Only the
// worker writes it, so the workflow evidently runs: workflow_started is confirmed too.
const UPDATE_PROJECTION = `UPDATE cases SET ${PROJECTION_COLUMNS.map((c, i) => `${c} = $${i + 2}`).join(', ')},
    workflow_started = true, updated_at = now()
  WHERE id = $1 AND last_seq < $${LAST_SEQ_PARAM}`;

/** Events as the rows of case_events, for jsonb_to_recordset. */
export function eventRows(events: CaseEvent[]) {
  return events.map(({ seq, type, at, actor, requestId, ...payload }) => ({
    seq,
    type,
    at: new Date(at).toISOString(),
    actor,
    request_id: requestId ?? null,
    payload: { ...payload, type: undefined },
  }));
}

/** Outbox entries as rows of notification_outbox, for jsonb_to_recordset. */
export const outboxRows = (entries: OutboxEntry[]) =>
  entries.map((e) => ({
    dedupe_key: e.dedupeKey,
    channel: e.channel,
    recipient: e.recipient,
    template: e.template,
    payload: e.payload,
  }));

export interface OutboxEntry {
  dedupeKey: string;
  channel: string;
  recipient: Record<string, unknown>;
  template: string;
  payload: Record<string, unknown>;
}

export async function enqueueNotifications(client: PoolClient, entries: OutboxEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await client.query(
    `INSERT INTO notification_outbox (dedupe_key, channel, recipient, template, payload)
     SELECT r.dedupe_key, r.channel, r.recipient, r.template, r.payload
       FROM jsonb_to_recordset($1::jsonb) AS r(dedupe_key text, channel text, recipient jsonb, template text, payload jsonb)
     ON CONFLICT (dedupe_key) DO NOTHING`,
    [JSON.stringify(outboxRows(entries))],
  );
}

export interface RecordedEvents {
  caseId: string;
  events: CaseEvent[];
  projection: CaseProjection;
  notifications: OutboxEntry[];
}

const RECORD_EVENTS = `
  WITH e AS (
    INSERT INTO case_events (case_id, seq, type, actor, at, payload, request_id)
    SELECT $1, r.seq, r.type, r.actor, r.at, r.payload, r.request_id
      FROM jsonb_to_recordset($${PROJECTION_COLUMNS.length + 2}::jsonb)
        AS r(seq int, type text, actor jsonb, at timestamptz, payload jsonb, request_id text)
    ON CONFLICT (case_id, seq) DO NOTHING
  ), a AS (
    -- The duty is named by the organisation's kind: a property company's respond_in_time is
    -- property_company.respond_in_time in the responsibility list (责任清单).
    INSERT INTO accountability_records (case_id, organization_id, duty_code, reason, source, deadline_kind, level, dedupe_key)
    SELECT $1, o.id, d.code, r.reason, r.source, r.deadline_kind, r.level, r.dedupe_key
      FROM jsonb_to_recordset($${PROJECTION_COLUMNS.length + 3}::jsonb)
        AS r(organization_id text, duty_code text, reason text, source text, deadline_kind text, level text, dedupe_key text)
      JOIN organizations o ON o.id = r.organization_id
      LEFT JOIN responsibility_duties d ON d.code = o.kind || '.' || r.duty_code
    ON CONFLICT (dedupe_key) DO NOTHING
  ), n AS (
    INSERT INTO notification_outbox (dedupe_key, channel, recipient, template, payload)
    SELECT r.dedupe_key, r.channel, r.recipient, r.template, r.payload
      FROM jsonb_to_recordset($${PROJECTION_COLUMNS.length + 4}::jsonb)
        AS r(dedupe_key text, channel text, recipient jsonb, template text, payload jsonb)
    ON CONFLICT (dedupe_key) DO NOTHING
  )
  ${UPDATE_PROJECTION}`;

/**
 * Appends the events, files their accountability records and notifications, and moves the projection forward:
 * one statement, so one round trip and atomic without a transaction (the worker's recordEvents activity). Every
 * part is idempotent by case id + seq, because Temporal retries the activity until it succeeds.
 */
export async function recordCaseEvents(db: Pool | PoolClient, r: RecordedEvents): Promise<void> {
  const accountability = r.events.flatMap((e) =>
    e.type === 'accountability_recorded'
      ? [
          {
            organization_id: e.organizationId,
            duty_code: e.dutyCode,
            reason: e.reason,
            source: e.source,
            deadline_kind: e.deadline ?? null,
            level: e.level,
            dedupe_key: `${r.caseId}:${e.seq}`,
          },
        ]
      : [],
  );
  // A named statement: parsed and planned once per connection, not on every write.
  await db.query({
    name: 'rs-record-events',
    text: RECORD_EVENTS,
    values: [
      r.caseId,
      ...projectionColumns(r.projection).map(([, v]) => v),
      JSON.stringify(eventRows(r.events)),
      JSON.stringify(accountability),
      JSON.stringify(outboxRows(r.notifications)),
    ],
  });
}
