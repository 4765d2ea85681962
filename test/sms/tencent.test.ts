// The Tencent Cloud adapter on the real tencentcloud-sdk-nodejs-sms SDK against a local stand-in of
// sms.tencentcloudapi.com: the stand-in checks the TC3-HMAC-SHA256 Authorization the SDK computed (recomputed here
// from what arrived and the secret key, per Tencent's v3 signing document), the action headers and the body, and
// answers in the provider's own shapes. The endpoint is `sms.localhost:PORT`, resolved to 127.0.0.1 by the test's
// agent: the SDK signs for the service its endpoint's first label names, which must be `sms`.
import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import { SmsSendError, type SmsMessage } from '../../services/sms/provider';
import { tencentSms } from '../../services/sms/tencent';
import { loopbackLookup, startStandIn, TEMPLATES, type Answer, type Recorded } from './stand-in';

const SECRET_KEY = 'tencent-test-secret-key-0123456789';
const ok = (sessionContext: string) => ({
  Response: {
    SendStatusSet: [
      {
        SerialNo: '5000:1045710669157053657849499619',
        PhoneNumber: '+8613800000001',
        Fee: 1,
        SessionContext: sessionContext,
        Code: 'Ok',
        Message: 'send success',
        IsoCode: 'CN',
      },
    ],
    RequestId: 'a0aabda6-cf91-4f3e-a81f-9198114a2279',
  },
});
const evaluate: SmsMessage = {
  to: '13800000001',
  kind: 'evaluation_requested',
  params: { trackingCode: '2611-D0F0B6', deadline: '5月3日 18:00' },
  dedupeKey: 'c1:7:resident',
};

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const hmac = (key: string | Buffer, s: string) => createHmac('sha256', key).update(s, 'utf8').digest();

/** The Authorization Tencent would compute for the request that arrived (TC3-HMAC-SHA256). */
function tc3Authorization(
  req: Recorded,
  secretId: string,
  secretKey: string,
  service = 'sms',
  body = req.body,
): string {
  const timestamp = Number(req.headers['x-tc-timestamp']);
  const date = new Date(timestamp * 1000).toISOString().slice(0, 10);
  const host = String(req.headers.host).replace(/:\d+$/, '');
  const canonical = [
    'POST',
    '/',
    '',
    `content-type:${req.headers['content-type']}\nhost:${host}\n`,
    'content-type;host',
    sha256(body),
  ].join('\n');
  const scope = `${date}/${service}/tc3_request`;
  const toSign = ['TC3-HMAC-SHA256', String(timestamp), scope, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac(`TC3${secretKey}`, date), service), 'tc3_request');
  return `TC3-HMAC-SHA256 Credential=${secretId}/${scope}, SignedHeaders=content-type;host, Signature=${createHmac('sha256', key).update(toSign, 'utf8').digest('hex')}`;
}

async function withStandIn(
  answer: (req: Recorded) => Answer,
  run: (send: (m: SmsMessage) => Promise<{ providerMessageId: string }>, requests: Recorded[]) => Promise<void>,
  timeoutMs?: number,
) {
  const standIn = await startStandIn(answer);
  const agent = new http.Agent({ lookup: loopbackLookup } as http.AgentOptions);
  try {
    const provider = tencentSms({
      secretId: 'AKID-test-secret-id',
      secretKey: SECRET_KEY,
      sdkAppId: '1400006666',
      region: 'ap-guangzhou',
      endpoint: `http://sms.localhost:${standIn.port}`,
      signName: '红色管家',
      templates: TEMPLATES,
      timeoutMs,
      agent,
    });
    expect(provider.name).toBe('tencent');
    await run((m) => provider.send(m), standIn.requests);
  } finally {
    agent.destroy();
    await standIn.close();
  }
}

const sendError = async (p: Promise<unknown>): Promise<SmsSendError> => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SmsSendError);
  return err as SmsSendError;
};

test('SendSms (2021-01-11) carries +86 number, app id, sign, template id, the parameters in template order and the dedupe key, signed TC3-HMAC-SHA256 for sms', async () => {
  await withStandIn(
    (req) => ({ body: ok(JSON.parse(req.body).SessionContext) }),
    async (send, requests) => {
      expect(await send(evaluate)).toEqual({ providerMessageId: '5000:1045710669157053657849499619' });
      expect(requests).toHaveLength(1);
      const [req] = requests;
      expect(req.method).toBe('POST');
      expect(req.url).toBe('/');
      expect(req.headers['x-tc-action']).toBe('SendSms');
      expect(req.headers['x-tc-version']).toBe('2021-01-11');
      expect(req.headers['x-tc-region']).toBe('ap-guangzhou');
      expect(req.headers['content-type']).toBe('application/json');
      expect(JSON.parse(req.body)).toEqual({
        PhoneNumberSet: ['+8613800000001'],
        SmsSdkAppId: '1400006666',
        SignName: '红色管家',
        TemplateId: 'SMS_100004',
        TemplateParamSet: ['2611-D0F0B6', '5月3日 18:00'],
        SessionContext: 'c1:7:resident',
      });
      expect(Math.abs(Number(req.headers['x-tc-timestamp']) * 1000 - Date.now())).toBeLessThan(5 * 60_000);
      expect(req.headers.authorization).toBe(tc3Authorization(req, 'AKID-test-secret-id', SECRET_KEY));
      // The check can fail: another key, another service, or another body gives another Authorization.
      expect(tc3Authorization(req, 'AKID-test-secret-id', 'another-key')).not.toBe(req.headers.authorization);
      expect(tc3Authorization(req, 'AKID-test-secret-id', SECRET_KEY, '127')).not.toBe(req.headers.authorization);
      expect(
        tc3Authorization(
          req,
          'AKID-test-secret-id',
          SECRET_KEY,
          'sms',
          req.body.replace('+8613800000001', '+8613900000009'),
        ),
      ).not.toBe(req.headers.authorization);
    },
  );
});

test("a sign-in code goes as the first template parameter; nothing beyond the kind's parameters is sent", async () => {
  await withStandIn(
    (req) => ({ body: ok(JSON.parse(req.body).SessionContext) }),
    async (send, requests) => {
      await send({
        to: '13800000001',
        kind: 'sign_in_code',
        params: { minutes: '5', code: '482913', name: '张伟' },
        dedupeKey: 'login-code:42',
      });
      expect(JSON.parse(requests[0].body)).toMatchObject({
        TemplateId: 'SMS_100001',
        TemplateParamSet: ['482913', '5'],
      });
    },
  );
});

test("per-number refusals and API errors: short windows, throttling and the provider's faults are retryable; the daily cap, a bad number or template, a bad key are not", async () => {
  const status = (Code: string, Message: string) => ({
    body: {
      Response: {
        SendStatusSet: [
          { SerialNo: '', PhoneNumber: '+8613800000001', Fee: 0, SessionContext: '', Code, Message, IsoCode: 'CN' },
        ],
        RequestId: 'r',
      },
    },
  });
  const error = (Code: string, Message: string) => ({
    body: { Response: { Error: { Code, Message }, RequestId: 'r' } },
  });
  const answers: Answer[] = [
    status(
      'LimitExceeded.PhoneNumberDailyLimit',
      'the number of SMS messages sent from a single mobile number every day exceeds the upper limit',
    ),
    status(
      'LimitExceeded.PhoneNumberThirtySecondLimit',
      'the number of sms messages sent from a single mobile number within 30 seconds exceeds the upper limit',
    ),
    status('InvalidParameterValue.IncorrectPhoneNumber', 'incorrect phone number format'),
    error(
      'FailedOperation.TemplateIncorrectOrUnapproved',
      'template is not approved or request content does not match the approved template content',
    ),
    error('RequestLimitExceeded', 'Your current request rate exceeds the limit.'),
    error('InternalError.Timeout', 'request timed out'),
    error('AuthFailure.SignatureFailure', 'The provided credentials could not be validated.'),
    { status: 502, body: 'Bad Gateway' },
  ];
  let i = 0;
  await withStandIn(
    () => answers[i++],
    async (send) => {
      const results = [];
      for (let n = 0; n < answers.length; n++) {
        const e = await sendError(send(evaluate));
        results.push({ code: e.code, retryable: e.retryable });
      }
      expect(results).toEqual([
        { code: 'LimitExceeded.PhoneNumberDailyLimit', retryable: false },
        { code: 'LimitExceeded.PhoneNumberThirtySecondLimit', retryable: true },
        { code: 'InvalidParameterValue.IncorrectPhoneNumber', retryable: false },
        { code: 'FailedOperation.TemplateIncorrectOrUnapproved', retryable: false },
        { code: 'RequestLimitExceeded', retryable: true },
        { code: 'InternalError.Timeout', retryable: true },
        { code: 'AuthFailure.SignatureFailure', retryable: false },
        { code: 'http_502', retryable: true },
      ]);
    },
  );
});

test('no answer in time is retryable, and the error carries neither the code nor the number', async () => {
  await withStandIn(
    () => 'hang',
    async (send) => {
      const e = await sendError(
        send({
          to: '13800000001',
          kind: 'sign_in_code',
          params: { code: '482913', minutes: '5' },
          dedupeKey: 'login-code:43',
        }),
      );
      expect({ code: e.code, retryable: e.retryable }).toEqual({ code: 'network', retryable: true });
      expect(e.message).not.toMatch(/482913|13800000001/);
    },
    1000,
  );
});

test('a number list or a foreign number is refused before anything is sent', async () => {
  await withStandIn(
    () => ({ body: ok('') }),
    async (send, requests) => {
      for (const to of ['13800000001,13900000002', '+8613800000001', '008613800000001', '1380000000a']) {
        const e = await sendError(send({ ...evaluate, to }));
        expect({ code: e.code, retryable: e.retryable }).toEqual({ code: 'invalid_phone', retryable: false });
      }
      expect(requests).toHaveLength(0);
    },
  );
});
