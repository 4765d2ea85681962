// Integrations sign in with API keys: issued by an admin (shown once, stored hashed, audited), acting as their
// organisation in the key's role, and refused once revoked.
import { as, DEMO, intakeBody, startApiStack, type ApiStack } from './helpers';

let s: ApiStack;
beforeAll(async () => {
  s = await startApiStack();
});
afterAll(async () => {
  await s?.close();
});

async function issue(organizationId: string, role: 'handler' | 'supervisor') {
  const admin = await as(s.app, 'admin');
  return admin.post('/api/v1/admin/api-keys', {
    organizationId,
    role,
    label: '物业工单系统对接',
    reason: '对接物业公司自有工单系统',
  });
}

test("a property company's ticket system acknowledges its cases with an API key", async () => {
  const issued = await issue(DEMO.siblingPropertyCompanyOrgId, 'handler');
  expect(issued.statusCode).toBe(201);
  const { id, key } = issued.json();
  expect(key).toMatch(new RegExp(`^rsk_${id}\\.`));
  const stored = await s.pool.query('SELECT key_hash FROM api_keys WHERE id = $1', [id]);
  expect(stored.rows[0].key_hash).not.toContain(key.split('.')[1]);
  const audit = await s.pool.query(
    "SELECT actor_user_id, reason FROM audit_log WHERE entity = 'api_key' AND entity_id = $1",
    [id],
  );
  expect(audit.rows).toEqual([{ actor_user_id: 'u-admin', reason: '对接物业公司自有工单系统' }]);

  const filed = await (await as(s.app, 'resident3')).post('/api/v1/cases', intakeBody());
  const caseId = filed.json().caseId;
  const integration = await as(s.app, null);
  const ack = await integration.act(caseId, 'acknowledge', {}, undefined, { 'x-api-key': key });
  expect(ack.statusCode).toBe(200);
  const events = await s.pool.query("SELECT actor FROM case_events WHERE case_id = $1 AND type = 'acknowledged'", [
    caseId,
  ]);
  expect(events.rows[0].actor).toMatchObject({
    userId: `api-key:${id}`,
    role: 'handler',
    organizationId: DEMO.siblingPropertyCompanyOrgId,
  });

  // Another company's key sees nothing of this case.
  const other = (await issue(DEMO.propertyCompanyOrgId, 'handler')).json().key;
  expect((await integration.get(`/api/v1/cases/${caseId}`, { 'x-api-key': other })).statusCode).toBe(404);

  const admin = await as(s.app, 'admin');
  expect((await admin.post(`/api/v1/admin/api-keys/${id}/revoke`, { reason: '合同终止' })).statusCode).toBe(204);
  const refused = await integration.get(`/api/v1/cases/${caseId}`, { 'x-api-key': key });
  expect(refused.statusCode).toBe(401);
  expect(refused.json().error.code).toBe('auth.unauthenticated');
});

test('a wrong secret, a malformed key and an unknown key are all 401', async () => {
  const { id } = (await issue(DEMO.communityOrgId, 'supervisor')).json();
  const anon = await as(s.app, null);
  for (const key of [`rsk_${id}.${'x'.repeat(43)}`, 'not-a-key', `rsk_ffffffffffffffff.${'y'.repeat(43)}`]) {
    const res = await anon.get('/api/v1/cases', { 'x-api-key': key });
    expect(res.statusCode).toBe(401);
  }
});

test('a key must match its organisation’s kind, and only admins issue keys', async () => {
  const wrongKind = await issue(DEMO.communityOrgId, 'handler');
  expect(wrongKind.statusCode).toBe(400);
  expect(wrongKind.json().error.details[0].path).toBe('role');
  const handler = await as(s.app, 'handler1');
  const res = await handler.post('/api/v1/admin/api-keys', {
    organizationId: DEMO.propertyCompanyOrgId,
    role: 'handler',
    label: 'x',
    reason: '自己签发',
  });
  expect(res.statusCode).toBe(403);
});
