// The Aliyun adapter on the real @alicloud/dysmsapi20170525 SDK against a local stand-in of dysmsapi.aliyuncs.com:
// the stand-in checks the ACS3-HMAC-SHA256 signature the SDK computed (recomputed here from what arrived and the
// secret, per Aliyun's V3 signing scheme), the SendSms parameters, and answers in the provider's own shapes.
import { createHash, createHmac } from 'node:crypto';
import { aliyunSms } from '../../services/sms/aliyun';
import { SmsSendError, type SmsMessage } from '../../services/sms/provider';
import { startStandIn, TEMPLATES, type Answer, type Recorded } from './stand-in';

const SECRET = 'aliyun-test-secret-0123456789';
const OK = {
  Code: 'OK',
  Message: 'OK',
  BizId: '9006197469364984400^0',
  RequestId: 'F655A8D5-B967-440B-8683-DAD6FF8DE990',
};
const signIn: SmsMessage = {
  to: '13800000001',
  kind: 'sign_in_code',
  params: { code: '482913', minutes: '5' },
  dedupeKey: 'login-code:42',
};

// RFC 3986 with Aliyun's extra escapes, as its V3 signature document gives them.
const percent = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/** The signature Aliyun would compute for the request that arrived (ACS3-HMAC-SHA256, V3). */
function acs3Signature(
  req: Recorded,
  secret: string,
  signedHeaders: string[],
  queryOverride?: Record<string, string>,
): string {
  const url = new URL(req.url, 'http://stand-in');
  const query = queryOverride ?? Object.fromEntries(url.searchParams);
  const canonicalQuery = Object.keys(query)
    .sort()
    .map((k) => `${percent(k)}=${percent(query[k])}`)
    .join('&');
  const canonicalHeaders = signedHeaders.map((h) => `${h}:${String(req.headers[h]).trim()}\n`).join('');
  const canonical = [
    req.method,
    url.pathname,
    canonicalQuery,
    canonicalHeaders,
    signedHeaders.join(';'),
    sha256(req.body),
  ].join('\n');
  return createHmac('sha256', secret)
    .update(`ACS3-HMAC-SHA256\n${sha256(canonical)}`)
    .digest('hex');
}

async function withStandIn(
  answer: (req: Recorded) => Answer,
  run: (send: (m: SmsMessage) => Promise<{ providerMessageId: string }>, requests: Recorded[]) => Promise<void>,
  timeoutMs?: number,
) {
  const standIn = await startStandIn(answer);
  try {
    const provider = aliyunSms({
      accessKeyId: 'LTAI-test-key-id',
      accessKeySecret: SECRET,
      endpoint: `http://127.0.0.1:${standIn.port}`,
      signName: '红色管家',
      templates: TEMPLATES,
      timeoutMs,
    });
    expect(provider.name).toBe('aliyun');
    await run((m) => provider.send(m), standIn.requests);
  } finally {
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

test('SendSms carries the number, sign, template code, parameters by name and the dedupe key as OutId, signed with the secret', async () => {
  await withStandIn(
    () => ({ body: OK }),
    async (send, requests) => {
      expect(await send(signIn)).toEqual({ providerMessageId: OK.BizId });
      expect(requests).toHaveLength(1);
      const [req] = requests;
      expect(req.method).toBe('POST');
      expect(req.headers['x-acs-action']).toBe('SendSms');
      expect(req.headers['x-acs-version']).toBe('2017-05-25');
      const url = new URL(req.url, 'http://stand-in');
      expect(url.pathname).toBe('/');
      expect(Object.fromEntries(url.searchParams)).toEqual({
        PhoneNumbers: '13800000001',
        SignName: '红色管家',
        TemplateCode: 'SMS_100001',
        TemplateParam: '{"code":"482913","minutes":"5"}',
        OutId: 'login-code:42',
      });

      const auth = /^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]{64})$/.exec(
        String(req.headers.authorization),
      );
      expect(auth).not.toBeNull();
      const [, keyId, signedList, signature] = auth!;
      expect(keyId).toBe('LTAI-test-key-id');
      const signed = signedList.split(';');
      // Everything that decides what is sent, and the replay guards (date, nonce), is under the signature.
      expect(signed).toEqual(
        expect.arrayContaining([
          'host',
          'x-acs-action',
          'x-acs-version',
          'x-acs-date',
          'x-acs-signature-nonce',
          'x-acs-content-sha256',
        ]),
      );
      expect(signed).toEqual([...signed].sort());
      expect(req.headers['x-acs-content-sha256']).toBe(sha256(req.body));
      expect(Math.abs(Date.parse(String(req.headers['x-acs-date'])) - Date.now())).toBeLessThan(5 * 60_000);
      expect(signature).toBe(acs3Signature(req, SECRET, signed));
      // The check can fail: another secret, or another number in the same request, gives another signature.
      expect(acs3Signature(req, 'another-secret', signed)).not.toBe(signature);
      expect(
        acs3Signature(req, SECRET, signed, { ...Object.fromEntries(url.searchParams), PhoneNumbers: '13900000009' }),
      ).not.toBe(signature);
    },
  );
});

test("only the kind's own parameters leave: anything else in the payload is not sent", async () => {
  await withStandIn(
    () => ({ body: OK }),
    async (send, requests) => {
      await send({
        to: '13800000001',
        kind: 'case_acknowledged',
        params: { trackingCode: '2611-D0F0B6', category: '电梯故障', residentName: '张伟', phone: '13800000001' },
        dedupeKey: 'c1:3:resident',
      });
      const query = new URL(requests[0].url, 'http://stand-in').searchParams;
      expect(JSON.parse(query.get('TemplateParam')!)).toEqual({ trackingCode: '2611-D0F0B6', category: '电梯故障' });
      expect(query.get('TemplateCode')).toBe('SMS_100003');
    },
  );
});

test('throttling (isv.BUSINESS_LIMIT_CONTROL, answered with HTTP 200) is retryable; an illegal number is permanent', async () => {
  const answers: Answer[] = [
    { body: { Code: 'isv.BUSINESS_LIMIT_CONTROL', Message: '触发分钟级流控Permits:1', RequestId: 'A1' } },
    { body: { Code: 'isv.MOBILE_NUMBER_ILLEGAL', Message: '非法手机号', RequestId: 'A2' } },
    { body: { Code: 'isv.SMS_TEMPLATE_ILLEGAL', Message: '该账号下找不到对应模板', RequestId: 'A3' } },
    {
      status: 503,
      body: {
        Code: 'ServiceUnavailable',
        Message: 'The request has failed due to a temporary failure of the server.',
        RequestId: 'A4',
      },
    },
    {
      status: 404,
      body: { Code: 'InvalidAccessKeyId.NotFound', Message: 'Specified access key is not found.', RequestId: 'A5' },
    },
  ];
  let i = 0;
  await withStandIn(
    () => answers[i++],
    async (send) => {
      const results = [];
      for (let n = 0; n < answers.length; n++) {
        const e = await sendError(send(signIn));
        results.push({ code: e.code, retryable: e.retryable });
      }
      expect(results).toEqual([
        { code: 'isv.BUSINESS_LIMIT_CONTROL', retryable: true },
        { code: 'isv.MOBILE_NUMBER_ILLEGAL', retryable: false },
        { code: 'isv.SMS_TEMPLATE_ILLEGAL', retryable: false },
        { code: 'ServiceUnavailable', retryable: true },
        { code: 'InvalidAccessKeyId.NotFound', retryable: false },
      ]);
    },
  );
});

test('no answer in time, or a dropped connection, is retryable, and the error carries neither the code nor the number', async () => {
  // The SDK's own timeout message quotes the request path, whose query holds TemplateParam and PhoneNumbers.
  await withStandIn(
    () => 'hang',
    async (send) => {
      const e = await sendError(send(signIn));
      expect({ code: e.code, retryable: e.retryable }).toEqual({ code: 'network', retryable: true });
      expect(e.message).not.toContain('482913');
      expect(e.message).not.toContain('13800000001');
    },
    300,
  );
  await withStandIn(
    () => 'reset',
    async (send) => {
      const e = await sendError(send(signIn));
      expect({ code: e.code, retryable: e.retryable }).toEqual({ code: 'network', retryable: true });
    },
  );
});

test('what an attacker might put in the number or leave out of the parameters is refused before anything is sent', async () => {
  await withStandIn(
    () => ({ body: OK }),
    async (send, requests) => {
      // PhoneNumbers takes a comma-separated list of up to 1,000 numbers: one message must never fan out.
      for (const to of [
        '13800000001,13900000002',
        '+8613800000001',
        '1380000000',
        '23800000001',
        '13800000001\n',
        '',
      ]) {
        const e = await sendError(send({ ...signIn, to }));
        expect({ to, code: e.code, retryable: e.retryable }).toEqual({ to, code: 'invalid_phone', retryable: false });
      }
      const e = await sendError(send({ ...signIn, params: { minutes: '5' } }));
      expect({ code: e.code, retryable: e.retryable }).toEqual({ code: 'missing_param', retryable: false });
      expect(requests).toHaveLength(0);
    },
  );
});
