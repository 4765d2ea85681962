// The webhook channel: POSTs a 'webhook' outbox row's payload to its endpoint, signed with the endpoint's secret
// (docs/webhooks.md). 2xx is delivered; anything else is retried with backoff by the dispatcher, then dead.
//
// Every attempt is written to webhook_deliveries on a connection of its own, committed at once: `deliver` runs
// inside the dispatcher's transaction, and the log of a failed attempt must outlive whatever that transaction does.
import http from 'node:http';
import https from 'node:https';
import type { Pool, PoolClient } from 'pg';
import { jwtSecret, type Config } from '../../config';
import {
  deactivateEndpoint,
  endpointForDelivery,
  insertDeliveryAttempt,
  type EndpointForDelivery,
} from '../../db/queries/webhooks';
import { DeliveryError, exponentialBackoff, type Channel, type DeliveryResult, type OutboxRow } from './channel';
import { secretBox, signatureHeader, type SecretBox } from './webhook-secret';
import { PrivateAddressError, publicOnlyLookup, refusedLiteral } from './webhook-url';

export { webhookFanOut } from './webhook-payload';

export const WEBHOOK_USER_AGENT = 'RedSteward-Webhooks/1.0 (+docs/webhooks.md)';

export interface WebhookChannelDeps {
  pool: Pool;
  config: Config;
  /** Whole request, connect to last byte (default 10 s). */
  timeoutMs?: number;
  /** The clock of `t` in the signature (ms). */
  now?: () => number;
  /** Tries in all before a message is dead (default 12: about 3.4 hours with the default backoff). */
  maxAttempts?: number;
  /** Backoff base and cap (default 10 s doubling, at most 1 hour). */
  backoff?: { baseMs: number; maxMs: number };
  /** Admit private and loopback addresses (default: outside production only, so a test's receiver on 127.0.0.1 works). */
  allowPrivateNetworks?: boolean;
}

interface Answer {
  statusCode: number;
  requestId: string | null;
}

/** The bytes of the answer are not kept; reading at most this many lets a keep-alive socket be reused. */
const MAX_ANSWER_BYTES = 64 * 1024;

function post(
  url: URL,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
  allowPrivate: boolean,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? https.request : http.request;
    const req = send(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        ...(allowPrivate ? {} : { lookup: publicOnlyLookup }),
      },
      (res) => {
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_ANSWER_BYTES) res.destroy();
        });
        const done = () => {
          clearTimeout(timer);
          const requestId = res.headers['x-request-id'];
          resolve({
            statusCode: res.statusCode ?? 0,
            requestId: typeof requestId === 'string' && requestId.length <= 200 ? requestId : null,
          });
        };
        res.on('end', done);
        res.on('close', done);
      },
    );
    const timer = setTimeout(() => req.destroy(new TimeoutError(timeoutMs)), timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(body);
  });
}

class TimeoutError extends Error {
  constructor(ms: number) {
    super(`timeout after ${ms} ms`);
  }
}

/** A failure as the log and last_error show it: never the URL (its query may hold the receiver's own token). */
function describe(err: unknown): string {
  if (err instanceof TimeoutError || err instanceof PrivateAddressError) return err.message;
  const code = (err as { code?: unknown }).code;
  return `network error${typeof code === 'string' ? `: ${code}` : ''}`;
}

export function webhookChannel(deps: WebhookChannelDeps): Channel {
  const timeoutMs = deps.timeoutMs ?? 10_000;
  const now = deps.now ?? Date.now;
  const allowPrivate = deps.allowPrivateNetworks ?? deps.config.NODE_ENV !== 'production';
  const backoff = deps.backoff ?? { baseMs: 10_000, maxMs: 3_600_000 };
  let box: SecretBox | null = null;
  const secrets = () => (box ??= secretBox(jwtSecret(deps.config)));

  const log = (
    row: OutboxRow,
    endpointId: string,
    statusCode: number | null,
    latencyMs: number,
    error: string | null,
  ) =>
    insertDeliveryAttempt(deps.pool, {
      endpointId,
      outboxId: row.id,
      dedupeKey: row.dedupeKey,
      event: row.template,
      statusCode,
      latencyMs,
      error,
    });

  /** The request to send, or why none can be: a sealed secret that does not open (a changed JWT_SECRET), a URL that no longer parses. */
  function prepare(
    row: OutboxRow,
    endpoint: EndpointForDelivery,
  ): { url: URL; body: string; headers: Record<string, string> } {
    const url = new URL(endpoint.url);
    const body = JSON.stringify(row.payload);
    const signature = signatureHeader(
      secrets().open(endpoint.id, endpoint.secretSealed),
      Math.floor(now() / 1000),
      body,
    );
    return {
      url,
      body,
      headers: {
        'content-type': 'application/json',
        'user-agent': WEBHOOK_USER_AGENT,
        'x-redsteward-event': row.template,
        'x-redsteward-delivery': row.dedupeKey,
        'x-redsteward-signature': signature,
      },
    };
  }

  async function attempt(row: OutboxRow, endpoint: EndpointForDelivery): Promise<DeliveryResult> {
    let request: ReturnType<typeof prepare>;
    try {
      request = prepare(row, endpoint);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      await log(row, endpoint.id, null, 0, message);
      throw new DeliveryError(message, false);
    }
    const started = performance.now();
    let answer: Answer;
    try {
      if (!allowPrivate && refusedLiteral(request.url)) throw new PrivateAddressError(request.url.hostname);
      answer = await post(request.url, request.headers, request.body, timeoutMs, allowPrivate);
    } catch (err) {
      const message = describe(err);
      await log(row, endpoint.id, null, Math.round(performance.now() - started), message);
      // An endpoint that points into our network is refused for good, not knocked on twelve times.
      throw new DeliveryError(message, !(err instanceof PrivateAddressError));
    }
    const latencyMs = Math.round(performance.now() - started);
    const ok = answer.statusCode >= 200 && answer.statusCode < 300;
    await log(row, endpoint.id, answer.statusCode, latencyMs, ok ? null : `HTTP ${answer.statusCode}`);
    if (ok) return { providerMessageId: answer.requestId };
    if (answer.statusCode === 410) {
      // 410 Gone: the receiver says this endpoint is no more. Deactivated, so no further event is queued for it.
      await deactivateEndpoint(deps.pool, endpoint.id, 'gone');
      throw new DeliveryError('HTTP 410: the endpoint is gone and was deactivated', false);
    }
    // Every other answer is retried, a 4xx too: a receiver's 401 or 404 is most often its own deployment, fixed
    // within the hours the retries span; after the last try the message is dead and can be redelivered by hand.
    throw new DeliveryError(`HTTP ${answer.statusCode}`, true);
  }

  return {
    name: 'webhook',
    maxAttempts: deps.maxAttempts ?? 12,
    backoffMs: exponentialBackoff(backoff.baseMs, backoff.maxMs),
    async deliver(row: OutboxRow, client: PoolClient): Promise<DeliveryResult> {
      const endpointId = row.recipient.endpointId;
      const endpoint = typeof endpointId === 'string' ? await endpointForDelivery(client, endpointId) : null;
      if (!endpoint) throw new DeliveryError('no such webhook endpoint', false);
      if (!endpoint.active) {
        await log(row, endpoint.id, null, 0, 'endpoint deactivated');
        throw new DeliveryError('endpoint deactivated', false);
      }
      return attempt(row, endpoint);
    },
  };
}
