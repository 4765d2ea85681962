// The sms channel: one outbox row → one SMS through the configured provider (services/sms/).
//
// Two kinds of row. A code someone just asked for (`auth.login_code`, `case.contact_code`: SMS_TEXTS[kind].onRequest)
// names its phone and carries the code; it goes at any hour, and once sent its payload is replaced by one without the
// code (`redactedPayload`), so the code lives in the outbox only until it is sent. A notice to a case's resident
// (`{ caseResident, caseId }`, fanned out by the in_app channel) names no phone: the case's verified contact phone
// is read when sending, and the text carries the tracking code, category name and a deadline — never a name, phone or
// address — the same the resident sees in the API. Quiet hours (22:00–08:00 China time) hold notices but for cases of
// the emergency tier.
import type { PoolClient } from 'pg';
import type { Config } from '../../config';
import { caseForDelivery } from '../../db/queries/notifications';
import type { Tier } from '../../domain/types';
import {
  quietHoursHold,
  smsDeadline,
  smsKindForTemplate,
  smsProviderFrom,
  SmsSendError,
  SMS_TEXTS,
  type SmsKind,
  type SmsProvider,
} from '../sms';
import { errorLabel } from '../sms/provider';
import { smsAllowed } from './in-app-channel';
import { DeliveryError, exponentialBackoff, type Channel, type DeliveryResult, type OutboxRow } from './channel';

export interface SmsChannelDeps {
  /** The provider; `smsProviderFrom(config)` unless given. */
  provider?: SmsProvider;
  config?: Config;
  /** The clock of quiet hours (tests inject one); a code's expiry is checked on the real clock. */
  now?: () => Date;
  maxAttempts?: number;
  backoff?: { baseMs: number; maxMs: number };
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

export function smsChannel(deps: SmsChannelDeps): Channel {
  if (!deps.provider && !deps.config) throw new Error('smsChannel: needs a provider or the configuration');
  const provider = deps.provider ?? smsProviderFrom(deps.config as Config);
  const now = deps.now ?? (() => new Date());
  const backoff = deps.backoff ?? { baseMs: 30_000, maxMs: 3_600_000 };

  async function send(to: string, kind: SmsKind, params: Record<string, string>, row: OutboxRow): Promise<string> {
    try {
      return (await provider.send({ to, kind, params, dedupeKey: row.dedupeKey })).providerMessageId;
    } catch (err) {
      // SmsSendError's message names the provider and its code only; anything else is named by its class, never its message.
      if (err instanceof SmsSendError) throw new DeliveryError(err.message, err.retryable);
      throw new DeliveryError(`${provider.name}: ${errorLabel(err)}`, true);
    }
  }

  async function code(row: OutboxRow, kind: SmsKind): Promise<DeliveryResult> {
    const phone = str(row.recipient.phone);
    const value = str(row.payload.code);
    const expiresAt = str(row.payload.expiresAt);
    if (!phone || !value || !expiresAt) throw new DeliveryError('code message without phone, code or expiry', false);
    const expires = new Date(expiresAt).getTime();
    // A code that expired while the provider was down is useless to its receiver: not sent late.
    if (!(expires > Date.now())) throw new DeliveryError('code expired before it could be sent', false);
    const minutes = String(
      row.payload.minutes ?? Math.max(1, Math.round((expires - row.createdAt.getTime()) / 60_000)),
    );
    const params: Record<string, string> = { code: value, minutes };
    const providerMessageId = await send(phone, kind, params, row);
    const { code: _sent, ...rest } = row.payload;
    return { providerMessageId, redactedPayload: { ...rest, redacted: true } };
  }

  async function notice(row: OutboxRow, kind: SmsKind, client: PoolClient): Promise<DeliveryResult> {
    const caseId = str(row.recipient.caseId) ?? str(row.payload.caseId);
    const c = caseId ? await caseForDelivery(client, caseId) : null;
    if (!c) throw new DeliveryError('no such case', false);
    if (!smsAllowed(c)) throw new DeliveryError('the case has no verified contact phone that accepts SMS', false);
    const held = quietHoursHold(now(), c.tier as Tier);
    if (held) return { holdUntil: held };
    const params: Record<string, string> = { trackingCode: c.trackingCode, category: c.categoryNameZh };
    if (SMS_TEXTS[kind].params.includes('deadline')) {
      if (!c.evaluationDueAt) throw new DeliveryError('the case has no evaluation deadline to name', false);
      params.deadline = smsDeadline(new Date(c.evaluationDueAt));
    }
    return { providerMessageId: await send(c.verifiedPhone as string, kind, params, row) };
  }

  return {
    name: 'sms',
    maxAttempts: deps.maxAttempts ?? 8,
    backoffMs: exponentialBackoff(backoff.baseMs, backoff.maxMs),
    async deliver(row, client) {
      const kind = smsKindForTemplate(row.template);
      if (!kind) throw new DeliveryError(`no SMS text for ${row.template}`, false);
      return SMS_TEXTS[kind].onRequest ? code(row, kind) : notice(row, kind, client);
    },
  };
}
