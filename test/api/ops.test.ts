// Operations: health and readiness, Prometheus metrics, security headers, request ids, intake rate limits.
import { SECURITY_HEADERS } from '../../api/hardening';
import { eventually } from '../helpers/cases';
import { as, intakeBody, startApiStack, type ApiStack } from './helpers';

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
  await eventually(async () => (await s.pool.query('SELECT last_seq FROM cases WHERE id = $1', [late.caseId])).rows[0].last_seq === 2);
  await s.pool.query(`UPDATE cases SET deadlines = '{"resolution": {"dueAt": "2020-01-02T00:00:00.000Z", "startedAt": "2020-01-01T00:00:00.000Z", "breachedAt": null, "extended": 0}}' WHERE id = $1`, [late.caseId]);

  const res = await s.app.inject({ method: 'GET', url: '/metrics' });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toContain('text/plain');
  const text = res.body;
  expect(metric(text, /^redsteward_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/cases\/:id",status_code="200"\}/)).toBe(1);
  expect(text).not.toContain(filed.caseId); // one series per route, not per case
  expect(metric(text, /^redsteward_cases\{stage="follow_up"\}/)).toBe(1);
  expect(metric(text, /^redsteward_cases\{stage="respond"\}/)).toBe(1);
  expect(metric(text, /^redsteward_cases\{stage="closed"\}/)).toBe(0);
  expect(metric(text, /^redsteward_cases_overdue /)).toBe(1);
  expect(metric(text, /^redsteward_escalations\{type="escalated",automatic="false"\}/)).toBe(1);
});

test('two apps in one process each have their own metrics registry', async () => {
  const second = await s.buildApp();
  expect((await second.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
});

test('responses carry security headers and the request id', async () => {
  const res = await s.app.inject({ method: 'GET', url: '/api/v1/categories', headers: { 'x-request-id': 'trace-abc-123' } });
  expect(res.headers).toMatchObject({
    'x-request-id': 'trace-abc-123',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'SAMEORIGIN',
    'strict-transport-security': expect.stringContaining('max-age='),
  });
  expect(res.headers['content-security-policy']).toContain("default-src 'self'");
  expect(res.headers['x-powered-by']).toBeUndefined();
});

test('every answer carries all of helmet\'s headers, errors included, and /docs keeps its own policy', async () => {
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

test('an overloaded API sheds load with a 503 and Retry-After in the shared shape', async () => {
  // Any heap is over a 1-byte limit: the next sample marks the process as under pressure.
  const app = await s.buildApp({ underPressure: { maxHeapUsedBytes: 1, sampleInterval: 10 } });
  await app.ready();
  await new Promise((r) => setTimeout(r, 100));
  const res = await app.inject({ method: 'GET', url: '/api/v1/categories', headers: { 'accept-language': 'en' } });
  expect(res.statusCode).toBe(503);
  expect(res.headers['retry-after']).toBe('10');
  expect(res.json()).toEqual({ error: { code: 'server.overloaded', message: 'The service is overloaded; please retry shortly', details: [] } });
});
