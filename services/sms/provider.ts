// The SMS channel's one seam: the dispatcher hands a provider a message and gets the provider's id for it, or an
// SmsSendError that says whether trying again later can help (throttled, the provider down, the network) or cannot
// (a number, template or sign the provider refuses), so the dispatcher retries the first and dead-letters the second.
import { orderedParams, type SmsKind } from './texts';

export type { SmsKind } from './texts';

export type SmsMessage = {
  /** A mainland mobile number as Red Steward stores it: 11 digits, no +86. */
  to: string;
  kind: SmsKind;
  /** The kind's parameters by name (texts.ts lists them); others are not sent. */
  params: Record<string, string>;
  /** notification_outbox.dedupe_key: sent to the provider (OutId / SessionContext) so a delivery can be traced. */
  dedupeKey: string;
};

export type SmsProviderName = 'console' | 'aliyun' | 'tencent';

export interface SmsProvider {
  readonly name: SmsProviderName;
  send(msg: SmsMessage): Promise<{ providerMessageId: string }>;
}

export class SmsSendError extends Error {
  constructor(
    readonly provider: SmsProviderName,
    /** The provider's error code (isv.MOBILE_NUMBER_ILLEGAL, LimitExceeded.…), or ours: invalid_phone, missing_param, http_NNN, network. */
    readonly code: string,
    readonly retryable: boolean,
    message: string,
  ) {
    // The message names the provider and code only: never the phone or a parameter (a code must reach no log).
    super(`${provider}: ${code}${message ? ` (${message})` : ''}`);
    this.name = 'SmsSendError';
  }
}

const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;

/**
 * Refuses, before anything is sent, what no provider would deliver: a number that is not a mainland mobile, or a
 * kind's parameter missing. Returns the parameters in template order.
 */
export function checkMessage(provider: SmsProviderName, msg: SmsMessage): string[] {
  if (!MAINLAND_MOBILE.test(msg.to))
    throw new SmsSendError(provider, 'invalid_phone', false, 'not an 11-digit mainland mobile number');
  const ordered = orderedParams(msg.kind, msg.params);
  if (!Array.isArray(ordered))
    throw new SmsSendError(provider, 'missing_param', false, `${msg.kind} needs ${ordered.missing}`);
  return ordered;
}

/**
 * A provider endpoint from configuration: `host[:port]` is HTTPS; `http://host:port` is plain HTTP, for a local
 * stand-in of the provider (configuration refuses it in production).
 */
export function parseEndpoint(value: string): { protocol: 'http' | 'https'; host: string } {
  const m = /^(https?):\/\/([^/]+)\/?$/.exec(value);
  if (m) return { protocol: m[1] as 'http' | 'https', host: m[2] };
  return { protocol: 'https', host: value };
}

/** Errors below HTTP (refused, reset, timed out, DNS): the provider may answer next time. */
export function isNetworkError(err: unknown): boolean {
  const e = (err ?? {}) as { code?: unknown; name?: unknown; message?: unknown };
  const text = [e.code, e.name, e.message].filter((v) => typeof v === 'string').join(' ');
  return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EPIPE|EHOSTUNREACH|ENETUNREACH|socket hang up|timeout|network/i.test(
    text,
  );
}

/** An error's name and code, never its message (which may quote a request carrying the parameters). */
export function errorLabel(err: unknown): string {
  const e = (err ?? {}) as { name?: unknown; code?: unknown };
  return [e.name, e.code].filter((v): v is string => typeof v === 'string' && v !== '').join(' ') || 'error';
}
