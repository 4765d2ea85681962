// Webhook endpoints, their delivery log, and the outbox rows addressed to them (migration 0051; docs/webhooks.md).
// The sealed secret is read only by `endpointForDelivery`: no list or answer of the API selects it.
import type { PoolClient } from 'pg';
import { LOCK_NOT_AVAILABLE, sqlState } from '../errors';
import type { Queryable } from '../pool';

export interface WebhookEndpoint {
  id: string;
  organizationId: string;
  url: string;
  description: string | null;
  active: boolean;
  createdAt: Date;
  secretRotatedAt: Date | null;
  deactivatedAt: Date | null;
  deactivatedReason: 'deleted' | 'gone' | null;
}

const COLUMNS = `id, organization_id AS "organizationId", url, description, active, created_at AS "createdAt",
  secret_rotated_at AS "secretRotatedAt", deactivated_at AS "deactivatedAt", deactivated_reason AS "deactivatedReason"`;

export async function insertEndpoint(
  db: Queryable,
  e: {
    id: string;
    organizationId: string;
    url: string;
    description: string | null;
    secretSealed: string;
    createdBy: string | null;
  },
): Promise<WebhookEndpoint> {
  const { rows } = await db.query<WebhookEndpoint>(
    `INSERT INTO webhook_endpoints (id, organization_id, url, description, secret_sealed, created_by)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
    [e.id, e.organizationId, e.url, e.description, e.secretSealed, e.createdBy],
  );
  return rows[0];
}

export async function getEndpoint(db: Queryable, id: string): Promise<WebhookEndpoint | null> {
  const { rows } = await db.query<WebhookEndpoint>(`SELECT ${COLUMNS} FROM webhook_endpoints WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

/** One organisation's endpoints, or every endpoint (the platform admin), newest first. */
export async function listEndpoints(db: Queryable, organizationId: string | null): Promise<WebhookEndpoint[]> {
  const { rows } = await db.query<WebhookEndpoint>(
    `SELECT ${COLUMNS} FROM webhook_endpoints WHERE $1::text IS NULL OR organization_id = $1 ORDER BY created_at DESC, id`,
    [organizationId],
  );
  return rows;
}

/** Locks the organisation's row so two registrations at once cannot both pass the per-organisation cap. */
export async function countActiveLocked(client: PoolClient, organizationId: string): Promise<number> {
  await client.query('SELECT 1 FROM organizations WHERE id = $1 FOR UPDATE', [organizationId]);
  const { rows } = await client.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM webhook_endpoints WHERE organization_id = $1 AND active',
    [organizationId],
  );
  return rows[0].n;
}

/** Deactivates once; null when the endpoint does not exist or is already inactive. */
export async function deactivateEndpoint(
  db: Queryable,
  id: string,
  reason: 'deleted' | 'gone',
): Promise<WebhookEndpoint | null> {
  const { rows } = await db.query<WebhookEndpoint>(
    `UPDATE webhook_endpoints SET active = false, deactivated_at = now(), deactivated_reason = $2
      WHERE id = $1 AND active RETURNING ${COLUMNS}`,
    [id, reason],
  );
  return rows[0] ?? null;
}

export async function replaceSecret(db: Queryable, id: string, secretSealed: string): Promise<WebhookEndpoint | null> {
  const { rows } = await db.query<WebhookEndpoint>(
    `UPDATE webhook_endpoints SET secret_sealed = $2, secret_rotated_at = now() WHERE id = $1 AND active RETURNING ${COLUMNS}`,
    [id, secretSealed],
  );
  return rows[0] ?? null;
}

export async function activeEndpointIds(db: Queryable, organizationId: string): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    'SELECT id FROM webhook_endpoints WHERE organization_id = $1 AND active ORDER BY id',
    [organizationId],
  );
  return rows.map((r) => r.id);
}

export interface EndpointForDelivery {
  id: string;
  organizationId: string;
  url: string;
  active: boolean;
  secretSealed: string;
}

export async function endpointForDelivery(db: Queryable, id: string): Promise<EndpointForDelivery | null> {
  const { rows } = await db.query<EndpointForDelivery>(
    `SELECT id, organization_id AS "organizationId", url, active, secret_sealed AS "secretSealed" FROM webhook_endpoints WHERE id = $1`,
    [id],
  );
  return rows[0] ?? null;
}

export interface DeliveryAttempt {
  endpointId: string;
  outboxId: string;
  dedupeKey: string;
  event: string;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
}

/** One row per POST, numbered after the message's earlier POSTs (manual redeliveries included). */
export async function insertDeliveryAttempt(db: Queryable, a: DeliveryAttempt): Promise<number> {
  const { rows } = await db.query<{ attempt: number }>(
    `INSERT INTO webhook_deliveries (endpoint_id, outbox_id, dedupe_key, event, attempt, status_code, latency_ms, error)
     SELECT $1, $2, $3, $4, COALESCE(max(attempt), 0) + 1, $5, $6, $7 FROM webhook_deliveries WHERE outbox_id = $2
     RETURNING attempt`,
    [a.endpointId, a.outboxId, a.dedupeKey, a.event, a.statusCode, a.latencyMs, a.error],
  );
  return rows[0].attempt;
}

const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

export interface DeliveryLogEntry {
  attempt: number;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  at: string;
}

export interface EndpointMessage {
  outboxId: string;
  dedupeKey: string;
  event: string;
  state: 'sent' | 'pending' | 'dead';
  createdAt: string;
  attempts: number;
  /** The latest attempts first, at most 20. */
  log: DeliveryLogEntry[];
}

/** An endpoint's messages, newest first, each with its delivery state and latest attempts; keyset by outbox id. */
export async function listEndpointMessages(
  db: Queryable,
  endpointId: string,
  page: { limit: number; before: string | null },
): Promise<EndpointMessage[]> {
  const { rows } = await db.query<EndpointMessage>(
    `SELECT o.id::text AS "outboxId", o.dedupe_key AS "dedupeKey", o.template AS event,
            CASE WHEN o.sent_at IS NOT NULL THEN 'sent' WHEN o.dead_at IS NOT NULL THEN 'dead' ELSE 'pending' END AS state,
            ${iso('o.created_at')} AS "createdAt",
            (SELECT count(*)::int FROM webhook_deliveries d WHERE d.outbox_id = o.id) AS attempts,
            COALESCE((SELECT jsonb_agg(jsonb_build_object('attempt', d.attempt, 'statusCode', d.status_code, 'latencyMs', d.latency_ms,
                                                          'error', d.error, 'at', ${iso('d.at')}) ORDER BY d.attempt DESC)
                        FROM (SELECT * FROM webhook_deliveries WHERE outbox_id = o.id ORDER BY attempt DESC LIMIT 20) d), '[]') AS log
       FROM notification_outbox o
      WHERE o.channel = 'webhook' AND o.recipient ->> 'endpointId' = $1 AND ($2::bigint IS NULL OR o.id < $2::bigint)
      ORDER BY o.id DESC
      LIMIT $3`,
    [endpointId, page.before, page.limit],
  );
  return rows;
}

/**
 * Puts one of the endpoint's messages back in the queue, due now and with its tries counted afresh, whether it
 * was sent or dead. 'busy' when a dispatcher holds it this moment (NOWAIT: the route answers at once, not after
 * a delivery's timeout).
 */
export async function requeueMessage(
  client: PoolClient,
  endpointId: string,
  outboxId: string,
): Promise<'requeued' | 'not_found' | 'busy'> {
  try {
    const found = await client.query(
      `SELECT 1 FROM notification_outbox WHERE id = $1 AND channel = 'webhook' AND recipient ->> 'endpointId' = $2 FOR UPDATE NOWAIT`,
      [outboxId, endpointId],
    );
    if (found.rowCount === 0) return 'not_found';
  } catch (err) {
    if (sqlState(err) === LOCK_NOT_AVAILABLE) return 'busy';
    throw err;
  }
  await client.query(
    `UPDATE notification_outbox SET sent_at = NULL, dead_at = NULL, attempts = 0, last_error = NULL, next_attempt_at = now() WHERE id = $1`,
    [outboxId],
  );
  // Wakes the dispatchers at COMMIT, as a new message does (migration 0050's trigger fires on INSERT only).
  await client.query(`SELECT pg_notify('rs_outbox', '')`);
  return 'requeued';
}

/** What a webhook may tell about a case: nothing of the resident (api/README.md "Personal data"). */
export interface WebhookCaseRow {
  id: string;
  trackingCode: string;
  categoryCode: string;
  categoryNameZh: string;
  categoryNameEn: string;
  compoundCode: string;
  compoundNameZh: string;
  compoundNameEn: string;
  building: string | null;
  status: string;
  stage: string;
  level: string;
  overdue: boolean;
  outcome: string | null;
  handlerOrgId: string | null;
  supervisorOrgId: string | null;
  deadlines: Record<string, { dueAt?: string; breachedAt?: string | null }>;
  createdAt: string;
  eventAt: string | null;
}

export async function caseForWebhook(db: Queryable, caseId: string, seq: number): Promise<WebhookCaseRow | null> {
  const { rows } = await db.query<WebhookCaseRow>(
    `SELECT c.id, c.tracking_code AS "trackingCode", c.category_code AS "categoryCode", cat.name_zh AS "categoryNameZh",
            cat.name_en AS "categoryNameEn", c.compound_code AS "compoundCode", co.name_zh AS "compoundNameZh",
            co.name_en AS "compoundNameEn", c.location ->> 'building' AS building, c.status, c.stage, c.level, c.overdue,
            c.outcome, c.handler_org_id AS "handlerOrgId", c.supervisor_org_id AS "supervisorOrgId", c.deadlines,
            ${iso('c.created_at')} AS "createdAt", ${iso('e.at')} AS "eventAt"
       FROM cases c
       JOIN categories cat ON cat.code = c.category_code
       JOIN compounds co ON co.code = c.compound_code
       LEFT JOIN case_events e ON e.case_id = c.id AND e.seq = $2
      WHERE c.id = $1`,
    [caseId, seq],
  );
  return rows[0] ?? null;
}
