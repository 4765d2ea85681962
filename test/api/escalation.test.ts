// The README's curl session as a test: a resident files in demo-fast, the handler acknowledges, misses the
// resolution deadline, and the case escalates to the street committee with an accountability record. The
// agreement is first revised (through the admin API) to a 3-second resolution deadline so the test is quick.
import { eventually } from '../helpers/cases';
import { as, DEMO, startApiStack, tokenOf, type ApiStack } from './helpers';

let s: ApiStack;
beforeAll(async () => {
  s = await startApiStack();
});
afterAll(async () => {
  await s?.close();
});

const seconds = (amount: number) => ({ unit: 'seconds', amount });
const phase = { response: seconds(30), resolution: seconds(3) };

test('a handler who misses the resolution deadline sees the case escalate to the street committee', async () => {
  const revised = await s.app.inject({
    method: 'PATCH',
    url: `/api/v1/admin/agreements/${DEMO.agreementId}`,
    headers: { authorization: `Bearer ${await tokenOf(s.app, 'admin')}` },
    payload: {
      terms: { deadlines: { emergency: phase, utilities: phase, general: phase, complex: phase } },
      reason: '演示：缩短办结时限',
    },
  });
  expect(revised.statusCode).toBe(201);

  const resident = await as(s.app, 'resident1');
  const filed = await resident.post(
    '/api/v1/cases',
    {
      categoryCode: 'lift',
      compoundCode: DEMO.compound,
      location: { building: '1', unit: '1', room: '101' },
      description: '1号楼电梯停在三楼不动',
    },
    { 'idempotency-key': 'demo-0001' },
  );
  expect(filed.statusCode).toBe(201);
  const caseId = filed.json().caseId as string;

  const handler = await as(s.app, 'handler1');
  expect((await handler.act(caseId, 'acknowledge', { note: '已联系业主' }, 'ack-0001')).statusCode).toBe(200);

  const escalated = await eventually(async () => {
    const c = (await resident.get(`/api/v1/cases/${caseId}`)).json();
    return c.timeline.some((e: { type: string }) => e.type === 'escalated') && c;
  }, 30_000);
  const types = escalated.timeline.map((e: { type: string }) => e.type);
  expect(types.slice(0, 3)).toEqual(['submitted', 'dispatched', 'acknowledged']);
  const breach = types.indexOf('breached');
  expect(types.slice(breach, breach + 3)).toEqual(['breached', 'accountability_recorded', 'escalated']);
  expect(escalated.timeline[breach + 2]).toMatchObject({
    actor: { role: 'system' },
    payload: { toLevel: 'street_committee', automatic: true, supervisorOrgId: DEMO.streetOrgId },
  });

  // The street committee now has it in its list; the accountability record names the property company.
  const street = await as(s.app, 'street1');
  expect((await street.get('/api/v1/cases')).json().items.map((c: { id: string }) => c.id)).toContain(caseId);
  const { rows } = await s.pool.query(
    'SELECT organization_id, duty_code, source FROM accountability_records WHERE case_id = $1 ORDER BY created_at LIMIT 1',
    [caseId],
  );
  expect(rows).toEqual([
    { organization_id: DEMO.propertyCompanyOrgId, duty_code: 'property_company.resolve_in_time', source: 'breach' },
  ]);
});
