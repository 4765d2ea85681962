// What an organisation's webhooks receive for one in-app notice to that organisation: one outbox row per active
// endpoint, whose payload is the JSON body POSTed (docs/webhooks.md "Payload").
//
// The body is built here, once, when the notice fans out, not at each attempt: every retry and every manual
// redelivery of a message then POSTs the same bytes (only `t` and the signature change), so a receiver that
// dedupes by `deliveryId` never sees two versions of one event; and the case is described as it stood right
// after the event, not as it stands whenever a retry happens to run.
//
// Personal data: none. The receiver is an organisation's system, which in the API sees staff lists and masked
// cases (api/README.md "Personal data"): no resident name, phone, household, unit, room or address, and no free
// text (description, notes) that could carry them. The building stays, as it does for everyone.
import type { PoolClient } from 'pg';
import type { OutboxEntry } from '../../db/queries/case-events';
import { activeEndpointIds, caseForWebhook, type WebhookCaseRow } from '../../db/queries/webhooks';
import type { OutboxRow } from './channel';

export interface WebhookPayload {
  deliveryId: string;
  event: string;
  organizationId: string;
  occurredAt: string | null;
  caseEvent: { seq: number; type: string };
  case: {
    id: string;
    trackingCode: string;
    category: { code: string; nameZh: string; nameEn: string };
    compound: { code: string; nameZh: string; nameEn: string };
    building: string | null;
    status: string;
    stage: string;
    level: string;
    overdue: boolean;
    outcome: string | null;
    handlerOrgId: string | null;
    supervisorOrgId: string | null;
    deadlines: Record<string, { dueAt: string | null; breachedAt: string | null }>;
    createdAt: string;
  };
  links: { case: string };
}

export const webhookDedupeKey = (row: Pick<OutboxRow, 'dedupeKey'>, endpointId: string) =>
  `${row.dedupeKey}:webhook:${endpointId}`;

export function buildWebhookPayload(
  c: WebhookCaseRow,
  e: { deliveryId: string; event: string; organizationId: string; seq: number; type: string },
): WebhookPayload {
  const deadlines = Object.fromEntries(
    Object.entries(c.deadlines ?? {}).map(([kind, d]) => [
      kind,
      { dueAt: d.dueAt ?? null, breachedAt: d.breachedAt ?? null },
    ]),
  );
  return {
    deliveryId: e.deliveryId,
    event: e.event,
    organizationId: e.organizationId,
    occurredAt: c.eventAt,
    caseEvent: { seq: e.seq, type: e.type },
    case: {
      id: c.id,
      trackingCode: c.trackingCode,
      category: { code: c.categoryCode, nameZh: c.categoryNameZh, nameEn: c.categoryNameEn },
      compound: { code: c.compoundCode, nameZh: c.compoundNameZh, nameEn: c.compoundNameEn },
      building: c.building,
      status: c.status,
      stage: c.stage,
      level: c.level,
      overdue: c.overdue,
      outcome: c.outcome,
      handlerOrgId: c.handlerOrgId,
      supervisorOrgId: c.supervisorOrgId,
      deadlines,
      createdAt: c.createdAt,
    },
    links: { case: `/api/v1/cases/${c.id}` },
  };
}

/**
 * The webhook rows an in-app notice to an organisation causes: one per active endpoint of that organisation, keyed
 * `<notice's dedupe key>:webhook:<endpoint id>` so a notice delivered twice fans out once. Called by the in-app
 * channel inside the dispatcher's transaction; a notice to a resident, or about no case, causes none.
 */
export async function webhookFanOut(client: PoolClient, row: OutboxRow): Promise<OutboxEntry[]> {
  const organizationId = row.recipient.organizationId;
  const caseId = row.recipient.caseId ?? row.payload.caseId;
  if (typeof organizationId !== 'string' || typeof caseId !== 'string') return [];
  const endpoints = await activeEndpointIds(client, organizationId);
  if (endpoints.length === 0) return [];
  const seq = Number(row.payload.seq ?? 0);
  const c = await caseForWebhook(client, caseId, seq);
  if (!c) return [];
  const type = typeof row.payload.type === 'string' ? row.payload.type : row.template;
  return endpoints.map((endpointId) => {
    const dedupeKey = webhookDedupeKey(row, endpointId);
    return {
      dedupeKey,
      channel: 'webhook',
      recipient: { endpointId, organizationId, caseId },
      template: row.template,
      payload: { ...buildWebhookPayload(c, { deliveryId: dedupeKey, event: row.template, organizationId, seq, type }) },
    };
  });
}
