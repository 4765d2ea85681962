// Writes of the case workflow: events, the projection, accountability records and the outbox.
// Every statement is idempotent (keyed by case id + seq) because Temporal retries the activity that runs it.
import type { PoolClient } from 'pg';
import type { CaseEvent } from '../../domain/actions';
import type { CaseProjection } from '../../domain/case-view';

const ts = (ms: number | null) => (ms === null ? null : new Date(ms));

export async function insertEvents(client: PoolClient, caseId: string, events: CaseEvent[]): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map(({ seq, type, at, actor, requestId, ...payload }) => ({
    seq,
    type,
    at: new Date(at).toISOString(),
    actor,
    request_id: requestId ?? null,
    payload: { ...payload, type: undefined },
  }));
  await client.query(
    `INSERT INTO case_events (case_id, seq, type, actor, at, payload, request_id)
     SELECT $1, r.seq, r.type, r.actor, r.at, r.payload, r.request_id
       FROM jsonb_to_recordset($2::jsonb) AS r(seq int, type text, actor jsonb, at timestamptz, payload jsonb, request_id text)
     ON CONFLICT (case_id, seq) DO NOTHING`,
    [caseId, JSON.stringify(rows)],
  );
}

/** Moves the projection forward only: a late retry of an older batch never overwrites a newer state. */
export async function updateProjection(client: PoolClient, p: CaseProjection): Promise<void> {
  await client.query(
    `UPDATE cases SET status = $2, stage = $3, level = $4, handler_org_id = $5, supervisor_org_id = $6,
        follow_up_owner = $7, deadlines = $8, overdue = $9, reopen_count = $10, escalation_count = $11,
        returned_count = $12, outcome = $13, satisfaction = $14, solved = $15, dispatched_at = $16,
        acknowledged_at = $17, resolved_at = $18, closed_at = $19, first_response_due_at = $20,
        first_resolution_due_at = $21, pending_extension = $22, last_seq = $23, workflow_started = true,
        updated_at = now()
      WHERE id = $1 AND last_seq < $23`,
    [
      p.caseId, p.status, p.stage, p.level, p.handlerOrgId, p.supervisorOrgId,
      p.followUpOwner === null ? null : JSON.stringify(p.followUpOwner), JSON.stringify(p.deadlines), p.overdue,
      p.reopenCount, p.escalationCount, p.returnedCount, p.outcome, p.satisfaction, p.solved, ts(p.dispatchedAt),
      ts(p.acknowledgedAt), ts(p.resolvedAt), ts(p.closedAt), ts(p.firstResponseDueAt), ts(p.firstResolutionDueAt),
      p.pendingExtension === null ? null : JSON.stringify(p.pendingExtension), p.lastSeq,
    ],
  );
}

export async function insertAccountability(
  client: PoolClient,
  caseId: string,
  e: Extract<CaseEvent, { type: 'accountability_recorded' }>,
): Promise<void> {
  // The duty is named by the organisation's kind: a property company's respond_in_time is
  // property_company.respond_in_time in the responsibility list (责任清单).
  await client.query(
    `INSERT INTO accountability_records (case_id, organization_id, duty_code, reason, source, deadline_kind, level, dedupe_key)
     SELECT $1, o.id, d.code, $4, $5, $6, $7, $8
       FROM organizations o
       LEFT JOIN responsibility_duties d ON d.code = o.kind || '.' || $3
      WHERE o.id = $2
     ON CONFLICT (dedupe_key) DO NOTHING`,
    [caseId, e.organizationId, e.dutyCode, e.reason, e.source, e.deadline ?? null, e.level, `${caseId}:${e.seq}`],
  );
}

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
    [JSON.stringify(entries.map((e) => ({ dedupe_key: e.dedupeKey, channel: e.channel, recipient: e.recipient, template: e.template, payload: e.payload })))],
  );
}
