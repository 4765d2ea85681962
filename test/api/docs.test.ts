// The OpenAPI document is generated from the routes' schemas; it must be valid and complete, or integrators
// (and web/, which generates its types from it) build on something that is not the API.
import SwaggerParser from '@apidevtools/swagger-parser';
import type { FastifyInstance } from 'fastify';
import { ACTION_BODIES } from '../../api/routes/case-actions';
import { startApiStack, type ApiStack } from './helpers';

let s: ApiStack;
let app: FastifyInstance;
let doc: {
  paths: Record<string, Record<string, { responses: Record<string, unknown>; security?: unknown }>>;
  components: { schemas: Record<string, unknown> };
};

beforeAll(async () => {
  s = await startApiStack({ worker: false });
  app = s.app;
  doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
});
afterAll(async () => {
  await s?.close();
});

const kebab = (t: string) => t.replace(/_/g, '-');

const EXPECTED: Array<[string, string, string[]]> = [
  ['post', '/api/v1/auth/login', ['200', '400', '401', '429', '500']],
  ['post', '/api/v1/auth/code', ['202', '400', '429', '500']],
  ['post', '/api/v1/auth/code/verify', ['200', '400', '401', '429', '500']],
  ['post', '/api/v1/auth/refresh', ['200', '400', '401', '500']],
  ['post', '/api/v1/auth/logout', ['204', '401', '409', '500']],
  ['get', '/api/v1/me', ['200', '401', '500']],
  ['post', '/api/v1/cases', ['200', '201', '400', '401', '403', '409', '413', '415', '429', '503', '500']],
  ['get', '/api/v1/cases', ['200', '400', '401', '500']],
  ['get', '/api/v1/cases/{id}', ['200', '400', '401', '404', '500']],
  ['get', '/api/v1/cases/by-tracking-code/{code}', ['200', '400', '401', '404', '500']],
  ['get', '/api/v1/cases/{id}/photos/{photoId}', ['200', '400', '401', '404', '500']],
  ['get', '/api/v1/cases/{id}/contact-views', ['200', '400', '401', '403', '404', '500']],
  ['get', '/api/v1/cases/{id}/follow-up-suggestion', ['200', '400', '401', '403', '404', '500']],
  ['get', '/api/v1/cases/similar', ['200', '400', '401', '403', '500']],
  ['post', '/api/v1/cases/{id}/follow', ['200', '202', '400', '401', '403', '404', '409', '503', '500']],
  ['get', '/api/v1/cases/{id}/duplicates', ['200', '400', '401', '403', '404', '500']],
  ['get', '/api/v1/compounds/{code}/qr-codes', ['200', '400', '401', '403', '404', '503', '500']],
  ['get', '/api/v1/compounds/{code}/qr.svg', ['200', '400', '401', '403', '404', '503', '500']],
  ['get', '/api/v1/compounds/{code}/qr.png', ['200', '400', '401', '403', '404', '503', '500']],
  ['post', '/api/v1/cases/{id}/contact/confirm', ['200', '400', '401', '403', '404', '500']],
  ['post', '/api/v1/cases/{id}/contact/verification', ['202', '400', '401', '403', '404', '409', '429', '500']],
  ['post', '/api/v1/cases/{id}/contact/verify', ['200', '400', '401', '403', '404', '429', '500']],
  ...Object.keys(ACTION_BODIES).map((t): [string, string, string[]] => [
    'post',
    `/api/v1/cases/{id}/${kebab(t)}`,
    ['200', '400', '401', '403', '404', '409', '503', '500'],
  ]),
  ['get', '/api/v1/categories', ['200', '400', '500']],
  ['get', '/api/v1/organizations', ['200', '500']],
  ['get', '/api/v1/compounds', ['200', '400', '500']],
  ['get', '/api/v1/agreements', ['200', '400', '500']],
  ['get', '/api/v1/calendar-overrides', ['200', '400', '500']],
  ['get', '/api/v1/calendar/days', ['200', '400', '500']],
  ['get', '/api/v1/calendar/coverage', ['200', '500']],
  ['get', '/api/v1/calendar/years/{year}', ['200', '400', '404', '500']],
  ['put', '/api/v1/admin/categories/{code}', ['200', '201', '400', '401', '403', '500']],
  ['patch', '/api/v1/admin/categories/{code}', ['200', '400', '401', '403', '404', '500']],
  ['patch', '/api/v1/admin/agreements/{id}', ['201', '400', '401', '403', '404', '409', '500']],
  ['put', '/api/v1/admin/calendar-overrides/{date}', ['200', '201', '400', '401', '403', '500']],
  ['delete', '/api/v1/admin/calendar-overrides/{date}', ['200', '400', '401', '403', '404', '500']],
  ['put', '/api/v1/admin/calendar-years/{year}', ['200', '201', '400', '401', '403', '500']],
  ['delete', '/api/v1/admin/calendar-years/{year}', ['200', '400', '401', '403', '404', '500']],
  ['get', '/api/v1/admin/api-keys', ['200', '401', '403', '500']],
  ['post', '/api/v1/admin/api-keys', ['201', '400', '401', '403', '500']],
  ['post', '/api/v1/admin/api-keys/{id}/revoke', ['204', '400', '401', '403', '404', '500']],
  // Assessment, accountability and disclosure (issue 7).
  ['get', '/api/v1/stats/rates', ['200', '400', '401', '403', '500']],
  ['get', '/api/v1/stats/hotspots', ['200', '400', '401', '403', '500']],
  ['get', '/api/v1/stats/repeat-problems', ['200', '400', '401', '403', '500']],
  ['post', '/api/v1/stats/repeat-problems/{id}/close', ['200', '400', '401', '403', '404', '409', '500']],
  ['get', '/api/v1/assessments', ['200', '400', '401', '403', '500']],
  ['get', '/api/v1/assessments/{id}', ['200', '400', '401', '403', '404', '500']],
  ['post', '/api/v1/assessments/{id}/adjustments', ['201', '400', '401', '403', '404', '500']],
  ['post', '/api/v1/assessments/compute', ['202', '400', '401', '403', '500']],
  ['get', '/api/v1/responsibility-duties', ['200', '400', '500']],
  ['get', '/api/v1/accountability', ['200', '400', '401', '403', '500']],
  ['get', '/api/v1/accountability/{id}', ['200', '400', '401', '403', '404', '500']],
  ['post', '/api/v1/accountability', ['200', '201', '400', '401', '403', '404', '500']],
  ['post', '/api/v1/accountability/{id}/answer', ['200', '400', '401', '403', '404', '409', '500']],
  ['post', '/api/v1/accountability/{id}/close', ['200', '400', '401', '403', '404', '409', '500']],
  ['get', '/api/v1/exports/cases.csv', ['200', '400', '401', '403', '500']],
  ['get', '/api/v1/exports/rates.csv', ['200', '400', '401', '403', '500']],
  ['get', '/api/v1/public/rankings', ['200', '400', '429', '500']],
  ['get', '/api/v1/public/assessments', ['200', '400', '429', '500']],
  ['get', '/api/v1/public/cases', ['200', '400', '429', '500']],
  ['get', '/api/v1/public/notices', ['200', '400', '429', '500']],
  ['get', '/api/v1/public/track/{code}', ['200', '400', '404', '429', '500']],
  ['post', '/api/v1/topics', ['200', '201', '400', '401', '403', '409', '503', '500']],
  ['get', '/api/v1/topics', ['200', '400', '401', '403', '500']],
  ['get', '/api/v1/topics/{id}', ['200', '400', '401', '403', '404', '500']],
  ['post', '/api/v1/topics/{id}/tasks/{taskId}/complete', ['200', '400', '401', '403', '404', '409', '503', '500']],
  ['post', '/api/v1/topics/{id}/progress', ['200', '400', '401', '403', '404', '409', '503', '500']],
  ['post', '/api/v1/topics/{id}/close', ['200', '400', '401', '403', '404', '409', '503', '500']],
  ['get', '/api/v1/cases/{id}/topics', ['200', '400', '401', '404', '500']],
  ['get', '/api/v1/public/topics', ['200', '429', '500']],
  // Webhooks for an organisation's own system (issue 26, docs/webhooks.md).
  ['post', '/api/v1/webhooks', ['201', '400', '401', '403', '409', '500']],
  ['get', '/api/v1/webhooks', ['200', '400', '401', '403', '500']],
  ['delete', '/api/v1/webhooks/{id}', ['200', '400', '401', '403', '404', '500']],
  ['post', '/api/v1/webhooks/{id}/rotate-secret', ['200', '400', '401', '403', '404', '500']],
  ['get', '/api/v1/webhooks/{id}/deliveries', ['200', '400', '401', '403', '404', '500']],
  ['post', '/api/v1/webhooks/{id}/deliveries/{outboxId}/redeliver', ['202', '400', '401', '403', '404', '409', '500']],
  // The in-app inbox and its live stream (issue 26).
  ['get', '/api/v1/notifications', ['200', '400', '401', '403', '500']],
  ['get', '/api/v1/notifications/unread-count', ['200', '401', '403', '500']],
  ['post', '/api/v1/notifications/{id}/read', ['200', '400', '401', '403', '404', '500']],
  ['post', '/api/v1/notifications/read-all', ['200', '401', '403', '500']],
  ['post', '/api/v1/notifications/stream-ticket', ['200', '401', '403', '409', '500']],
  ['get', '/api/v1/notifications/stream', ['200', '400', '401', '500']],
];

test('/docs/json is a valid OpenAPI 3 document', async () => {
  // validate() dereferences in place; give it a copy so the other tests see the document as served.
  await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
  expect(doc).toMatchObject({ openapi: '3.0.3' });
});

test.each(EXPECTED)('%s %s is documented with its success and error responses', (method, path, codes) => {
  const op = doc.paths[path]?.[method];
  expect(op).toBeDefined();
  expect(Object.keys(op.responses).sort()).toEqual(expect.arrayContaining([...codes].sort()));
});

test('every /api/v1 route is in the table above, so a new route cannot go undocumented unnoticed', () => {
  const documented = Object.entries(doc.paths)
    .filter(([p]) => p.startsWith('/api/v1'))
    .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`))
    .sort();
  expect(documented).toEqual(EXPECTED.map(([m, p]) => `${m} ${p}`).sort());
});

test('every error response refers to the one shared error body', () => {
  for (const ops of Object.values(doc.paths)) {
    for (const op of Object.values(ops)) {
      for (const [code, res] of Object.entries(op.responses)) {
        if (Number(code) < 400) continue;
        expect(JSON.stringify(res)).toContain('#/components/schemas/Error');
      }
    }
  }
  expect(doc.components.schemas.Error).toMatchObject({ type: 'object', required: ['error'] });
});

test('a 204 promises no body, as it sends none (schemathesis held the revoke route to its JSON schema)', () => {
  const noContent = Object.values(doc.paths).flatMap((ops) =>
    Object.values(ops).flatMap((op) => (op.responses['204'] ? [op.responses['204']] : [])),
  );
  expect(noContent.length).toBeGreaterThan(0);
  for (const res of noContent) expect(res).not.toHaveProperty('content');
});

test('routes that need a token say so', () => {
  // A signed-in user's token, or an integration's API key.
  expect(doc.paths['/api/v1/cases'].post.security).toEqual([{ bearerAuth: [] }, { apiKeyAuth: [] }]);
  expect(doc.paths['/api/v1/admin/api-keys'].post.security).toEqual([{ bearerAuth: [] }]);
  expect(doc.paths['/api/v1/categories'].get.security).toBeUndefined();
  expect(doc.paths['/api/v1/public/cases'].get.security).toBeUndefined();
  expect(doc.paths['/api/v1/public/notices'].get.security).toBeUndefined();
  expect(doc.paths['/api/v1/stats/rates'].get.security).toEqual(doc.paths['/api/v1/cases'].get.security);
});

test('Swagger UI is served at /docs', async () => {
  const res = await app.inject({ method: 'GET', url: '/docs/' });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toContain('text/html');
});
