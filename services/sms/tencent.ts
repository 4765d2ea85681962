// Tencent Cloud SMS (短信, API 2021-01-11) through its own SDK: SendSms with the SdkAppId, the sign name, the kind's
// approved template id and the parameters as the ordered list its template numbers {1}, {2}, … (texts.ts gives the
// order); SessionContext carries the outbox's dedupe key. The SDK signs each request with TC3-HMAC-SHA256 for the
// service named by the endpoint's first label, so the endpoint must start with `sms.`. In tests this adapter runs
// against a local stand-in of the provider's endpoint (test/sms/tencent.test.ts checks the request the SDK signed and
// sent); nothing here reaches the internet in tests.
import type { Agent } from 'node:http';
import { sms } from 'tencentcloud-sdk-nodejs-sms';
import {
  checkMessage,
  errorLabel,
  isNetworkError,
  parseEndpoint,
  SmsSendError,
  type SmsMessage,
  type SmsProvider,
} from './provider';
import type { SmsKind } from './texts';

export type TencentSmsOptions = {
  secretId: string;
  secretKey: string;
  sdkAppId: string;
  region: string;
  /** `sms.tencentcloudapi.com`, or `http://sms.<name>:PORT` for a local stand-in. */
  endpoint: string;
  signName: string;
  templates: Readonly<Record<SmsKind, string>>;
  timeoutMs?: number;
  /** The HTTP agent the SDK connects with (a test's agent resolves its stand-in's name to 127.0.0.1). */
  agent?: Agent;
};

// Worth another try later: the provider's internal errors and timeouts, request-rate limits, the short per-number
// windows (30 s, 1 h), the application's daily caps and an empty SMS package (an operator raises or tops up), a clock
// skew. Not: the per-number daily cap (LimitExceeded.PhoneNumberDailyLimit) — it exists to stop a phone being
// flooded, sending the same notice again tomorrow defeats it, and the in-app inbox still holds the notice — nor a
// wrong number, sign, template, parameter or key, nor a number that unsubscribed (FailedOperation.PhoneNumberInBlacklist).
const RETRYABLE = new Set([
  'LimitExceeded.PhoneNumberThirtySecondLimit',
  'LimitExceeded.PhoneNumberOneHourLimit',
  'LimitExceeded.DeliveryFrequencyLimit',
  'LimitExceeded.AppDailyLimit',
  'LimitExceeded.AppGlobalDailyLimit',
  'LimitExceeded.AppMainlandChinaDailyLimit',
  'FailedOperation.InsufficientBalanceInSmsPackage',
  'AuthFailure.SignatureExpire',
  'ResourceUnavailable',
]);
export const tencentRetryable = (code: string): boolean =>
  RETRYABLE.has(code) || code.startsWith('InternalError') || code.startsWith('RequestLimitExceeded');

type SendStatus = { SerialNo?: string; Code?: string; Message?: string };

export function tencentSms(options: TencentSmsOptions): SmsProvider {
  const { protocol, host } = parseEndpoint(options.endpoint);
  const client = new sms.v20210111.Client({
    credential: { secretId: options.secretId, secretKey: options.secretKey },
    region: options.region,
    profile: {
      httpProfile: {
        endpoint: host,
        protocol: `${protocol}://`,
        reqTimeout: Math.ceil((options.timeoutMs ?? 10_000) / 1000),
        ...(options.agent ? { agent: options.agent } : {}),
      },
    },
  });

  return {
    name: 'tencent',
    async send(msg: SmsMessage) {
      const values = checkMessage('tencent', msg);
      let status: SendStatus | undefined;
      try {
        const res = await client.SendSms({
          PhoneNumberSet: [`+86${msg.to}`],
          SmsSdkAppId: options.sdkAppId,
          SignName: options.signName,
          TemplateId: options.templates[msg.kind],
          TemplateParamSet: values,
          SessionContext: msg.dedupeKey,
        });
        status = res.SendStatusSet?.[0];
      } catch (err) {
        throw fromSdkError(err);
      }
      // A request the API accepted can still refuse the number: each number has its own status.
      if (status?.Code !== 'Ok' || !status.SerialNo) {
        const code = status?.Code ?? 'no_status';
        throw new SmsSendError('tencent', code, tencentRetryable(code), status?.Message ?? '');
      }
      return { providerMessageId: status.SerialNo };
    },
  };
}

/**
 * The SDK throws TencentCloudSDKHttpException: `code` for an API error (Response.Error), `httpCode` for a status
 * other than 200, neither when the request never got an answer.
 */
function fromSdkError(err: unknown): SmsSendError {
  const e = (err ?? {}) as { code?: unknown; httpCode?: unknown; message?: unknown };
  if (typeof e.code === 'string' && e.code !== '') {
    return new SmsSendError(
      'tencent',
      e.code,
      tencentRetryable(e.code),
      typeof e.message === 'string' ? e.message : '',
    );
  }
  if (typeof e.httpCode === 'number') {
    return new SmsSendError(
      'tencent',
      `http_${e.httpCode}`,
      e.httpCode >= 500 || e.httpCode === 429,
      `HTTP ${e.httpCode}`,
    );
  }
  return new SmsSendError('tencent', isNetworkError(err) ? 'network' : 'unexpected', true, errorLabel(err));
}
