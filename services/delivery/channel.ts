// What the outbox dispatcher (dispatcher.ts) hands a channel, and what a channel answers. One module per channel:
// in_app (the inbox and live push), sms (services/sms/), webhook (an organisation's own system).
import type { PoolClient } from 'pg';
import type { OutboxEntry } from '../../db/queries/case-events';
import type { ClaimedMessage } from '../../db/queries/outbox';

/** A claimed row of notification_outbox (its reads and writes: db/queries/outbox.ts). */
export type OutboxRow = ClaimedMessage;

export interface DeliveryResult {
  /** The provider's id of what it accepted (SMS message id, webhook response's request id), when it gives one. */
  providerMessageId?: string | null;
  /** Further outbox rows this delivery causes (an in-app notice to an organisation → its webhooks; to a resident → an SMS). */
  fanOut?: OutboxEntry[];
  /** The payload to keep once sent, when it must not stay as it was (a sign-in code is redacted). */
  redactedPayload?: Record<string, unknown>;
  /** Not now: try again at this time without counting an attempt (quiet hours). */
  holdUntil?: Date;
}

/** A failed delivery: retried with the channel's backoff while `retryable` and attempts remain, else dead-lettered. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

export interface Channel {
  readonly name: string;
  /** Tries in all before the row is dead. */
  readonly maxAttempts: number;
  /** Milliseconds to wait before try `attempt + 1` after `attempt` tries failed (exponential, capped). */
  backoffMs(attempt: number): number;
  /** Delivers one row. Runs inside the dispatcher's transaction (`client`), which also marks the row sent. */
  deliver(row: OutboxRow, client: PoolClient): Promise<DeliveryResult>;
}

/** Exponential backoff with a cap: base × 2^(attempt-1), at most `maxMs`. */
export const exponentialBackoff = (baseMs: number, maxMs: number) => (attempt: number) =>
  Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
