// Operations: health and readiness, Prometheus metrics, security headers, request ids, intake rate limits.
import { SECURITY_HEADERS } from '../../api/hardening';
import { eventually } from '../helpers/cases';
import { serveMetrics } from '../../api/metrics';
import { as, intakeBody, scrape, startApiStack, testConfig, TEST_METRICS_TOKEN, type ApiStack } from './helpers';

let s: ApiStack;
beforeAll(async () => {
  s = await startApiStack();
});
afterAll(async () => {
  await s?.close();
});

const metric = (text: string, line: RegExp) => {
  const m = text.split('\n').find((l) => line.test(l));
  return m === undefined ? undefined : Number(m.split(' ').pop());
};

test('/healthz and /readyz answer as before', async () => {
  expect((await s.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
  const ready = await s.app.inject({ method: 'GET', url: '/readyz' });
  expect(ready.statusCode).toBe(200);
  expect(ready.json()).toEqual({ postgres: 'up', temporal: 'up' });
});

test('/metrics reports request durations by route template, cases by stage, overdue cases and escalations', async () => {
  const resident = await as(s.app, 'resident3');
  const filed = (await resident.post('/api/v1/cases', intakeBody())).json();
  await resident.get(`/api/v1/cases/${filed.caseId}`);
  const escalated = await (await as(s.app, 'community1')).act(filed.caseId, 'escalate', { reason: '物业未回应' });
  expect(escalated.statusCode).toBe(200);
  // A second case, past its resolution deadline in the projection (as between the due moment and the timer).
  const late = (await resident.post('/api/v1/cases', intakeBody())).json();
  await eventually(
    async () => (await s.pool.query('SELECT last_seq FROM cases WHERE id = $1', [late.caseId])).rows[0].last_seq === 2,
  );
  await s.pool.query(
    `UPDATE cases SET deadlines = '{"resolution": {"dueAt": "2020-01-02T00:00:00.000Z", "startedAt": "2020-01-01T00:00:00.000Z", "breachedAt": null, "extended": 0}}' WHERE id = $1`,
    [late.caseId],
  );

  const res = await s.app.inject({
    method: 'GET',
    url: '/metrics',
    headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` },
  });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toContain('text/plain');
  const text = res.body;
  expect(
    metric(
      text,
      /^redsteward_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/cases\/:id",status_code="200"\}/,
    ),
  ).toBe(1);
  expect(text).not.toContain(filed.caseId); // one series per route, not per case
  expect(metric(text, /^redsteward_cases\{stage="follow_up"\}/)).toBe(1);
  expect(metric(text, /^redsteward_cases\{stage="respond"\}/)).toBe(1);
  expect(metric(text, /^redsteward_cases\{stage="closed"\}/)).toBe(0);
  expect(metric(text, /^redsteward_cases_overdue /)).toBe(1);
  expect(metric(text, /^redsteward_escalations\{type="escalated",automatic="false"\}/)).toBe(1);
});

test('two apps in one process each have their own metrics registry', async () => {
  const second = await s.buildApp();
  expect(await scrape(second)).toContain('redsteward_cases{');
});

describe('/metrics is for operators, not the public port', () => {
  test('without a configured token the API port has no /metrics at all', async () => {
    const open = await s.buildApp({ config: { ...testConfig(s.dataDir), METRICS_TOKEN: undefined } });
    expect((await open.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
  });

  test('with a token, the API port answers only a caller presenting it', async () => {
    expect((await s.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    expect(
      (
        await s.app.inject({
          method: 'GET',
          url: '/metrics',
          headers: { authorization: 'Bearer wrong-token-0123456789ab' },
        })
      ).statusCode,
    ).toBe(401);
    expect(
      (
        await s.app.inject({
          method: 'GET',
          url: '/metrics',
          headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}x` },
        })
      ).statusCode,
    ).toBe(401);
    const ok = await s.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['cache-control']).toBe('no-store');
  });

  test('the internal listener serves the same registry on its own address, and nothing else', async () => {
    const server = await serveMetrics(s.app.metricsRegistry, '127.0.0.1', 0);
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const res = await fetch(server.url);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('redsteward_cases{');
      expect((await fetch(server.url.replace('/metrics', '/api/v1/categories'))).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});

test('responses carry security headers and the request id', async () => {
  const res = await s.app.inject({
    method: 'GET',
    url: '/api/v1/categories',
    headers: { 'x-request-id': 'trace-abc-123' },
  });
  expect(res.headers).toMatchObject({
    'x-request-id': 'trace-abc-123',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'SAMEORIGIN',
    'strict-transport-security': expect.stringContaining('max-age='),
  });
  expect(res.headers['content-security-policy']).toContain("default-src 'self'");
  expect(res.headers['x-powered-by']).toBeUndefined();
});

test("every answer carries all of helmet's headers, errors included, and /docs keeps its own policy", async () => {
  expect(Object.keys(SECURITY_HEADERS).length).toBeGreaterThanOrEqual(10);
  const answers = [
    await s.app.inject({ method: 'GET', url: '/api/v1/categories' }),
    await s.app.inject({ method: 'GET', url: '/api/v1/cases' }), // 401 from the auth hook
    await s.app.inject({ method: 'GET', url: '/api/v1/no-such-route' }), // 404
  ];
  expect(answers.map((r) => r.statusCode)).toEqual([200, 401, 404]);
  for (const res of answers) expect(res.headers).toMatchObject(SECURITY_HEADERS);
  // swagger-ui's staticCSP replaces helmet's policy for its page (hashes of its inline scripts).
  const docs = await s.app.inject({ method: 'GET', url: '/docs/' });
  expect(docs.statusCode).toBe(200);
  expect(docs.headers['content-security-policy']).toEqual(expect.any(String));
  expect(docs.headers['content-security-policy']).not.toBe(SECURITY_HEADERS['content-security-policy']);
});

test('filing cases is rate limited more tightly than reading them', async () => {
  const app = await s.buildApp({ rateLimit: { intake: { max: 2, timeWindow: 60_000 } } });
  const resident = await as(app, 'resident3');
  const codes = [];
  for (let i = 0; i < 3; i++) codes.push((await resident.post('/api/v1/cases', intakeBody())).statusCode);
  expect(codes).toEqual([201, 201, 429]);
  expect((await resident.get('/api/v1/cases')).statusCode).toBe(200);
});

test('rate limits are configuration: an operator sets them (and a load test raises them) through the environment', async () => {
  const config = { ...testConfig(s.dataDir), RATE_LIMIT_INTAKE_PER_MINUTE: 1, RATE_LIMIT_GLOBAL_PER_MINUTE: 3 };
  const app = await s.buildApp({ config, rateLimit: {} });
  const resident = await as(app, 'resident3');
  expect((await resident.post('/api/v1/cases', intakeBody())).statusCode).toBe(201);
  expect((await resident.post('/api/v1/cases', intakeBody())).statusCode).toBe(429);
  const reads = [];
  for (let i = 0; i < 4; i++) reads.push((await resident.get('/api/v1/categories')).statusCode);
  expect(reads).toEqual([200, 200, 200, 429]);
});

test('an overloaded API sheds load with a 503 and Retry-After in the shared shape', async () => {
  // Any heap is over a 1-byte limit: the next sample marks the process as under pressure.
  const app = await s.buildApp({ underPressure: { maxHeapUsedBytes: 1, sampleInterval: 10 } });
  await app.ready();
  await new Promise((r) => setTimeout(r, 100));
  const res = await app.inject({ method: 'GET', url: '/api/v1/categories', headers: { 'accept-language': 'en' } });
  expect(res.statusCode).toBe(503);
  expect(res.headers['retry-after']).toBe('10');
  expect(res.json()).toEqual({
    error: { code: 'server.overloaded', message: 'The service is overloaded; please retry shortly', details: [] },
  });
});
