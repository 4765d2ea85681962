// One error shape everywhere, in the caller's language, naming the field at fault.
import { PassThrough } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { negotiateLang, splitBilingual } from '../../api/i18n';
import { as, intakeBody, startApiStack, testConfig, tokenOf, type ApiStack } from './helpers';

let s: ApiStack;
let residentToken: string;
beforeAll(async () => {
  s = await startApiStack();
  residentToken = await tokenOf(s.app, 'resident3');
});
afterAll(async () => {
  await s?.close();
});

const post = (url: string, payload: string | object, headers: Record<string, string> = {}) =>
  s.app.inject({
    method: 'POST',
    url,
    payload,
    headers: { authorization: `Bearer ${residentToken}`, 'content-type': 'application/json', ...headers },
  });

test('broken JSON is a 400 naming the body', async () => {
  const res = await post('/api/v1/cases', '{"categoryCode": "lift",');
  expect(res.statusCode).toBe(400);
  expect(res.json()).toEqual({
    error: {
      code: 'request.malformed',
      message: '请求体不是合法的 JSON',
      details: [{ path: 'body', issue: 'JSON 格式错误' }],
    },
  });
});

test('a body that is not JSON is a 415', async () => {
  const res = await post('/api/v1/cases', 'categoryCode=lift', {
    'content-type': 'text/plain',
    'accept-language': 'en',
  });
  expect(res.statusCode).toBe(415);
  expect(res.json()).toEqual({
    error: {
      code: 'request.unsupported_media_type',
      message: 'Only application/json bodies are accepted',
      details: [],
    },
  });
});

test('a body over the limit is a 413 and is not read further', async () => {
  const res = await post(
    `/api/v1/cases/${randomUUID()}/add-information`,
    { text: 'x'.repeat(300 * 1024) },
    { 'idempotency-key': 'key-413-0001' },
  );
  expect(res.statusCode).toBe(413);
  expect(res.json()).toEqual({
    error: { code: 'request.too_large', message: '请求体过大', details: [{ path: 'body', issue: '超过大小上限' }] },
  });
});

test('an empty JSON body is a 400 naming the body', async () => {
  const res = await post('/api/v1/cases', '');
  expect(res.statusCode).toBe(400);
  expect(res.json().error.details).toEqual([{ path: 'body', issue: '请求体不能为空' }]);
});

test('a __proto__ key is refused as malformed, never merged into an object', async () => {
  const res = await post('/api/v1/cases', '{"__proto__": {"admin": true}, "categoryCode": "lift"}');
  expect(res.statusCode).toBe(400);
  expect(res.json().error.code).toBe('request.malformed');
});

test('unknown fields are refused by name, at any depth', async () => {
  const res = await post('/api/v1/cases', intakeBody({ priority: 'high', location: { building: '1', floor: '3' } }));
  expect(res.statusCode).toBe(400);
  expect(res.json()).toEqual({
    error: {
      code: 'validation.failed',
      message: '请求参数有误',
      details: expect.arrayContaining([
        { path: 'priority', issue: '不允许的字段' },
        { path: 'location.floor', issue: '不允许的字段' },
      ]),
    },
  });
});

test('validation errors come in English when the client prefers it, one detail per field', async () => {
  const body = intakeBody({ categoryCode: 'Lift!', description: undefined, contact: { phone: '12345' } });
  const res = await post('/api/v1/cases', body, { 'accept-language': 'en-GB,en;q=0.9,zh;q=0.5' });
  expect(res.statusCode).toBe(400);
  expect(res.json()).toEqual({
    error: {
      code: 'validation.failed',
      message: 'The request is invalid',
      details: [
        { path: 'categoryCode', issue: 'a code is lower-case letters, digits, - and _' },
        { path: 'description', issue: 'required' },
        { path: 'contact.phone', issue: 'not a mainland mobile number' },
      ],
    },
  });
});

test('a rule the service checks (an unknown category) names its field too', async () => {
  const res = await post('/api/v1/cases', intakeBody({ categoryCode: 'no_such_category' }));
  expect(res.statusCode).toBe(400);
  expect(res.json()).toEqual({
    error: {
      code: 'validation.failed',
      message: '未知的诉求类别',
      details: [{ path: 'categoryCode', issue: '未知的诉求类别' }],
    },
  });
});

test('an action without an Idempotency-Key is a 400 naming the header', async () => {
  const res = await post(`/api/v1/cases/${randomUUID()}/add-information`, { text: '补充' });
  expect(res.statusCode).toBe(400);
  expect(res.json().error.details).toEqual([{ path: 'idempotency-key', issue: '必填' }]);
});

test('an illegal transition is a 409 with the reason in the chosen language', async () => {
  const resident = await as(s.app, 'resident3');
  const filed = await resident.post('/api/v1/cases', intakeBody());
  expect(filed.statusCode).toBe(201);
  const res = await s.app.inject({
    method: 'POST',
    url: `/api/v1/cases/${filed.json().caseId}/evaluate`,
    headers: {
      authorization: `Bearer ${residentToken}`,
      'idempotency-key': 'eval-too-early-1',
      'accept-language': 'en',
    },
    payload: { satisfaction: 'satisfied', solved: true },
  });
  expect(res.statusCode).toBe(409);
  expect(res.json()).toEqual({
    error: { code: 'case.illegal_transition', message: 'the case is not resolved yet', details: [] },
  });
});

test('no token, or a forged one, is a 401', async () => {
  const none = await s.app.inject({ method: 'GET', url: '/api/v1/cases' });
  expect(none.statusCode).toBe(401);
  expect(none.json()).toEqual({ error: { code: 'auth.unauthenticated', message: '请先登录', details: [] } });
  const [header, , signature] = residentToken.split('.');
  const forgedClaims = Buffer.from(
    JSON.stringify({ userId: 'u-admin', role: 'admin', organizationId: null, personId: null }),
  ).toString('base64url');
  const forged = await s.app.inject({
    method: 'GET',
    url: '/api/v1/cases',
    headers: { authorization: `Bearer ${header}.${forgedClaims}.${signature}` },
  });
  expect(forged.statusCode).toBe(401);
});

test('an unknown route is a 404 in the same shape', async () => {
  const res = await s.app.inject({
    method: 'GET',
    url: '/api/v1/nothing-here?x=1',
    headers: { 'accept-language': 'en' },
  });
  expect(res.statusCode).toBe(404);
  expect(res.json()).toEqual({
    error: {
      code: 'route.not_found',
      message: 'No such route',
      details: [{ path: 'url', issue: 'GET /api/v1/nothing-here' }],
    },
  });
});

test('an unexpected failure is a generic 500 whose log line carries the request id', async () => {
  const lines: string[] = [];
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
  const app = await s.buildApp({
    logger: true,
    logStream: stream,
    config: { ...testConfig(s.dataDir), LOG_LEVEL: 'info' },
  });
  app.get('/boom', async () => {
    throw new Error('database password is hunter2');
  });
  const res = await app.inject({ method: 'GET', url: '/boom', headers: { 'x-request-id': 'req-boom-1' } });
  expect(res.statusCode).toBe(500);
  expect(res.headers['x-request-id']).toBe('req-boom-1');
  expect(res.json()).toEqual({ error: { code: 'internal', message: '服务器内部错误，请稍后重试', details: [] } });
  expect(res.body).not.toContain('hunter2');
  await new Promise((r) => setImmediate(r));
  const logged = lines
    .map((l) => JSON.parse(l) as { reqId?: string; msg?: string; err?: { message: string } })
    .find((l) => l.msg === 'unhandled error');
  expect(logged).toMatchObject({ reqId: 'req-boom-1', err: { message: 'database password is hunter2' } });
});

test('a request id that is unsafe to log is replaced by our own', async () => {
  const res = await s.app.inject({
    method: 'GET',
    url: '/healthz',
    headers: { 'x-request-id': 'evil\nINJECTED log line' },
  });
  expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
});

describe('language negotiation', () => {
  test.each([
    [undefined, 'zh'],
    ['', 'zh'],
    ['en', 'en'],
    ['en-US,en;q=0.9', 'en'],
    ['fr-FR,en;q=0.5', 'en'],
    ['zh-CN,zh;q=0.9,en;q=0.8', 'zh'],
    ['en;q=0.4,zh;q=0.8', 'zh'],
    ['de', 'zh'],
    ['en;q=0', 'zh'],
  ])('Accept-Language %p → %s', (header, lang) => {
    expect(negotiateLang(header)).toBe(lang);
  });

  test('a domain reason "中文 (English)" splits into its two languages', () => {
    expect(splitBilingual('工单已办结，不能再操作 (the case is closed)')).toEqual({
      zh: '工单已办结，不能再操作',
      en: 'the case is closed',
    });
    expect(splitBilingual('plain (not bilingual)')).toEqual({
      zh: 'plain (not bilingual)',
      en: 'plain (not bilingual)',
    });
  });
});
