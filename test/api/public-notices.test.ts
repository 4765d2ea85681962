// 通报: a case whose handler keeps missing the top rung's 督办 cadence is listed publicly, without personal data.
import { as, DEMO, intakeBody, startApiStack, type ApiStack } from './helpers';
import { eventually } from '../helpers/cases';

let s: ApiStack;
const seconds = (amount: number) => ({ unit: 'seconds', amount });

beforeAll(async () => {
  s = await startApiStack({ worker: true, app: { public: { cacheTtlMs: 0 } } });
  const phase = { response: seconds(2), resolution: seconds(4) };
  const terms = {
    deadlines: { emergency: phase, utilities: phase, general: phase, complex: phase },
    fairness: { topRungCadence: seconds(2), noticeAfter: 2 },
  };
  await s.pool.query(`UPDATE agreements SET terms = terms || $1::jsonb WHERE compound_code = 'demo-fast'`, [
    JSON.stringify(terms),
  ]);
});
afterAll(() => s?.close());

test('a case left unhandled to the top rung is publicly noticed: category, compound and handler, nothing about the resident', async () => {
  const resident = await as(s.app, 'resident1');
  const filed = await resident.post(
    '/api/v1/cases',
    intakeBody({
      categoryCode: 'lift',
      compoundCode: DEMO.compound,
      householdId: DEMO.resident1HouseholdId,
      description: 'NOTICE-描述：电梯坏了三天',
    }),
  );
  expect(filed.statusCode).toBe(201);
  const res = await eventually(
    async () => {
      const r = await s.app.inject({ method: 'GET', url: '/api/v1/public/notices' });
      return r.json().items.length > 0 && r;
    },
    60_000,
    500,
  );
  expect(res.statusCode).toBe(200);
  const [notice] = res.json().items;
  expect(notice).toMatchObject({
    missedCadences: 2,
    category: { code: 'lift' },
    compound: { code: 'demo-fast' },
    handler: { id: 'pc-demo-fast' },
    resolved: false,
  });
  const body = res.body;
  for (const secret of ['NOTICE-描述', '张伟', '13800000001', filed.json().trackingCode, '101'])
    expect(body).not.toContain(secret);
  expect((await s.app.inject({ method: 'GET', url: '/api/v1/public/notices?days=0' })).statusCode).toBe(400);
});
