// 查询办理进度 by tracking code without signing in: where the case stands, and nothing that names or locates the
// resident — the attacker here is anyone who got hold of a code (a screenshot, a neighbour).
import { as, intakeBody, startApiStack, type ApiStack } from './helpers';

let s: ApiStack;
beforeAll(async () => {
  s = await startApiStack();
});
afterAll(async () => {
  await s?.close();
});

test('anyone with the code sees status, handler, deadlines and steps, and nothing personal', async () => {
  const resident3 = await as(s.app, 'resident3');
  const description = '3号楼地下车库漏水，车位积水（业主王芳，电话13800000003）';
  const filed = (
    await resident3.post(
      '/api/v1/cases',
      intakeBody({ description, location: { building: '3', unit: '2', room: '1702' } }),
    )
  ).json();
  const res = await s.app.inject({ method: 'GET', url: `/api/v1/public/track/${filed.trackingCode.toLowerCase()}` });
  expect(res.statusCode).toBe(200);
  expect(res.headers['cache-control']).toBe('no-store');
  const body = res.json();
  expect(body).toMatchObject({
    trackingCode: filed.trackingCode,
    compound: { code: 'lakeview' },
    status: 'dispatched',
    level: 'community_committee',
    handler: { id: filed.handler.id },
    supervisor: { id: filed.supervisor.id },
  });
  expect(body.steps.map((e: { type: string }) => e.type)).toEqual(['dispatched', 'submitted']);
  expect(body.deadlines.map((d: { kind: string }) => d.kind)).toEqual(['response', 'resolution']);
  const text = res.body;
  for (const secret of [
    '王芳',
    '13800000003',
    '1702',
    '漏水',
    'u-resident3',
    'hh-lakeview',
    'resident',
    'description',
    'photos',
    'location',
  ]) {
    expect({ secret, found: text.includes(secret) }).toEqual({ secret, found: false });
  }
});

test('an unknown code is 404 and a malformed one 400 naming the code', async () => {
  expect((await s.app.inject({ method: 'GET', url: '/api/v1/public/track/2601-ZZZZZZ' })).statusCode).toBe(404);
  const bad = await s.app.inject({ method: 'GET', url: '/api/v1/public/track/not-a-code' });
  expect(bad.statusCode).toBe(400);
  expect(bad.json().error.details[0].path).toContain('code');
});
