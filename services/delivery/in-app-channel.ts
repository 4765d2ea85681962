// The in_app channel: turns one outbox notice into inbox rows (the trigger of migration 0050 announces each, and
// the API pushes it to the user's open web app), and into the further messages the notice causes: an
// organisation's webhooks, a resident's SMS.
//
// Recipients, as activities/notifications.ts writes them:
// - `{ organizationId }`: every active account of that organisation, and its webhooks (webhookFanOut);
// - `{ caseCommunity: true }`: the case's community committee, looked up here (the workflow's projection does not
//   carry it), then as an organisation;
// - `{ caseResident: true }`: the case's resident and its co-complainants (merged cases), and an SMS to the case's
//   contact when the template has an SMS text, the contact preference allows SMS and the phone is verified.
import type { PoolClient } from 'pg';
import type { OutboxEntry } from '../../db/queries/case-events';
import {
  activeUsersOf,
  caseForDelivery,
  insertInboxEntries,
  type CaseForDelivery,
  type InboxEntry,
} from '../../db/queries/notifications';
import { smsKindForTemplate } from '../sms';
import { DeliveryError, exponentialBackoff, type Channel, type DeliveryResult, type OutboxRow } from './channel';
import { webhookFanOut } from './webhook-channel';

/** Preferences under which a resident gets SMS; `in_app` and `none` ask for none. No preference given: SMS allowed. */
const SMS_PREFERENCES = new Set([null, 'sms', 'phone']);

export const smsAllowed = (c: Pick<CaseForDelivery, 'contactPreference' | 'verifiedPhone'>): boolean =>
  c.verifiedPhone !== null && SMS_PREFERENCES.has(c.contactPreference as string | null);

export interface InAppChannelOptions {
  maxAttempts?: number;
  backoff?: { baseMs: number; maxMs: number };
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** One notice per user and event: the same event reaching a user by two paths is one inbox row. */
function inboxKey(row: OutboxRow, caseId: string | null): string {
  const seq = row.payload.seq;
  return caseId && typeof seq === 'number' ? `${caseId}:${seq}:${row.template}` : row.dedupeKey;
}

function paramsOf(row: OutboxRow): Record<string, unknown> {
  const { caseId: _caseId, code: _code, ...rest } = row.payload;
  return rest;
}

export function inAppChannel(options: InAppChannelOptions = {}): Channel {
  const backoff = options.backoff ?? { baseMs: 1_000, maxMs: 60_000 };

  async function toOrganization(
    client: PoolClient,
    row: OutboxRow,
    organizationId: string,
    caseId: string | null,
  ): Promise<DeliveryResult> {
    const users = await activeUsersOf(client, organizationId);
    const key = inboxKey(row, caseId);
    await insertInboxEntries(
      client,
      users.map((userId) => ({ userId, caseId, template: row.template, params: paramsOf(row), dedupeKey: key })),
    );
    return { fanOut: await webhookFanOut(client, row) };
  }

  async function toResident(client: PoolClient, row: OutboxRow, caseId: string): Promise<DeliveryResult> {
    const c = await caseForDelivery(client, caseId);
    if (!c) throw new DeliveryError('no such case', false);
    const users = [...new Set([c.residentUserId, ...c.coComplainants].filter((u): u is string => u !== null))];
    const key = inboxKey(row, caseId);
    const entries: InboxEntry[] = users.map((userId) => ({
      userId,
      caseId,
      template: row.template,
      params: paramsOf(row),
      dedupeKey: key,
    }));
    await insertInboxEntries(client, entries);
    const fanOut: OutboxEntry[] = [];
    // The phone is not copied into the SMS row: the SMS channel reads it from the case when it sends, so a contact
    // anonymised (retention) or changed in between is not texted.
    if (smsKindForTemplate(row.template) && smsAllowed(c)) {
      fanOut.push({
        dedupeKey: `${row.dedupeKey}:sms`,
        channel: 'sms',
        recipient: { caseResident: true, caseId },
        template: row.template,
        payload: { ...row.payload, caseId },
      });
    }
    return { fanOut };
  }

  return {
    name: 'in_app',
    maxAttempts: options.maxAttempts ?? 8,
    backoffMs: exponentialBackoff(backoff.baseMs, backoff.maxMs),
    async deliver(row, client) {
      const r = row.recipient;
      const caseId = str(r.caseId) ?? str(row.payload.caseId);
      const organizationId = str(r.organizationId);
      if (organizationId) return toOrganization(client, row, organizationId, caseId);
      if (r.caseCommunity === true && caseId) {
        const c = await caseForDelivery(client, caseId);
        if (!c) throw new DeliveryError('no such case', false);
        // Keyed as a notice to that organisation would be, so its webhooks fan out once when the community is also the supervisor.
        const [caseKey, seq] = row.dedupeKey.split(':');
        const asOrg: OutboxRow = {
          ...row,
          dedupeKey: `${caseKey}:${seq}:${c.communityOrgId}`,
          recipient: { ...r, organizationId: c.communityOrgId },
        };
        return toOrganization(client, asOrg, c.communityOrgId, caseId);
      }
      if (r.caseResident === true && caseId) return toResident(client, row, caseId);
      const userId = str(r.userId);
      if (userId) {
        await insertInboxEntries(client, [
          { userId, caseId, template: row.template, params: paramsOf(row), dedupeKey: inboxKey(row, caseId) },
        ]);
        return {};
      }
      throw new DeliveryError('recipient names no organisation, case resident or user', false);
    },
  };
}
