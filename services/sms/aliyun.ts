// Aliyun SMS (短信服务, Dysmsapi 2017-05-25) through its own SDK: SendSms with the sign name, the kind's approved
// template code and the parameters by name; OutId carries the outbox's dedupe key. The SDK signs each request with
// ACS3-HMAC-SHA256. In tests this adapter runs against a local stand-in of the provider's endpoint
// (test/sms/aliyun.test.ts checks the request the SDK signed and sent); nothing here reaches the internet in tests.
import Dysmsapi, { SendSmsRequest } from '@alicloud/dysmsapi20170525';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import {
  checkMessage,
  errorLabel,
  isNetworkError,
  parseEndpoint,
  SmsSendError,
  type SmsMessage,
  type SmsProvider,
} from './provider';
import { SMS_TEXTS, type SmsKind } from './texts';

export type AliyunSmsOptions = {
  accessKeyId: string;
  accessKeySecret: string;
  /** `dysmsapi.aliyuncs.com`, or `http://127.0.0.1:PORT` for a local stand-in. */
  endpoint: string;
  signName: string;
  templates: Readonly<Record<SmsKind, string>>;
  timeoutMs?: number;
};

// Codes worth another try later: throttling (per number per minute/hour/day, BUSINESS_LIMIT_CONTROL), the account's
// own caps and balance (an operator raises or tops up), and the provider's system errors (isp.*). Everything else
// (the number, the sign, the template, the parameters, the key) stays wrong however often it is sent.
const RETRYABLE = new Set([
  'isv.BUSINESS_LIMIT_CONTROL',
  'isv.DAY_LIMIT_CONTROL',
  'isv.MONTH_LIMIT_CONTROL',
  'isv.AMOUNT_NOT_ENOUGH',
  'isv.OUT_OF_SERVICE',
  'SignatureNonceUsed',
  'ServiceUnavailable',
  'InternalError',
]);
export const aliyunRetryable = (code: string): boolean =>
  RETRYABLE.has(code) || code.startsWith('isp.') || code.startsWith('Throttling');

export function aliyunSms(options: AliyunSmsOptions): SmsProvider {
  const { protocol, host } = parseEndpoint(options.endpoint);
  const timeout = options.timeoutMs ?? 10_000;
  const client = new Dysmsapi(
    new $OpenApiUtil.Config({
      accessKeyId: options.accessKeyId,
      accessKeySecret: options.accessKeySecret,
      endpoint: host,
      protocol,
      connectTimeout: Math.min(timeout, 5000),
      readTimeout: timeout,
    }),
  );

  return {
    name: 'aliyun',
    async send(msg: SmsMessage) {
      const values = checkMessage('aliyun', msg);
      const names = SMS_TEXTS[msg.kind].params;
      const templateParam = JSON.stringify(Object.fromEntries(names.map((n, i) => [n, values[i]])));
      let body;
      try {
        const res = await client.sendSms(
          new SendSmsRequest({
            phoneNumbers: msg.to,
            signName: options.signName,
            templateCode: options.templates[msg.kind],
            templateParam,
            outId: msg.dedupeKey,
          }),
        );
        body = res.body;
      } catch (err) {
        throw fromSdkError(err);
      }
      // A refused message is an HTTP 200 whose Code is not OK.
      if (body?.code !== 'OK' || !body.bizId) {
        const code = body?.code ?? 'no_code';
        throw new SmsSendError('aliyun', code, aliyunRetryable(code), body?.message ?? '');
      }
      return { providerMessageId: body.bizId };
    },
  };
}

/**
 * The SDK throws ClientError/ServerError/ThrottlingError (code, statusCode) for 4xx/5xx, and Node's errors below
 * HTTP. Their messages are not kept: a timeout's message quotes the request path, whose query carries the parameters.
 */
function fromSdkError(err: unknown): SmsSendError {
  const e = (err ?? {}) as { code?: unknown; statusCode?: unknown; name?: unknown };
  const status = typeof e.statusCode === 'number' ? e.statusCode : undefined;
  if (status !== undefined) {
    const code = typeof e.code === 'string' && e.code !== 'undefined' ? e.code : `http_${status}`;
    return new SmsSendError('aliyun', code, status >= 500 || status === 429 || aliyunRetryable(code), `HTTP ${status}`);
  }
  return new SmsSendError('aliyun', isNetworkError(err) ? 'network' : 'unexpected', true, errorLabel(err));
}
