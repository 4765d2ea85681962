// Accountability (问责): records per organisation and period in each caller's scope, the organisation's one
// answer, the supervisor's closing, and a supervisor's own finding against the responsibility list (责任清单).
import { addCalendarDays, cstDate } from '../../domain/calendar';
import { RESTRICT_VIOLATION } from '../../db/errors';
import { as, startApiStack, type ApiStack } from '../api/helpers';
import { insertCase } from './fixtures';

let s: ApiStack;
const ids: Record<string, string> = {};
const today = cstDate(Date.now());
const period = `from=${addCalendarDays(today, -1)}&to=${addCalendarDays(today, 2)}`;

async function record(
  key: string,
  caseId: string,
  org: string,
  duty: string,
  level = 'community_committee',
  source = 'breach',
) {
  const { rows } = await s.pool.query(
    `INSERT INTO accountability_records (case_id, organization_id, duty_code, reason, source, deadline_kind, level, dedupe_key)
     VALUES ($1, $2, $3, '超过响应时限 (missed the response deadline)', $4, 'response', $5, $6) RETURNING id`,
    [caseId, org, duty, source, level, key],
  );
  ids[key] = rows[0].id;
}

beforeAll(async () => {
  s = await startApiStack({ worker: false });
  const now = Date.now();
  const demo = await insertCase(s.pool, { compound: 'demo-fast', dispatchedAt: now, escalations: 1 });
  const demo2 = await insertCase(s.pool, { compound: 'demo-fast', dispatchedAt: now });
  const dushu = await insertCase(s.pool, { compound: 'dushu-court', dispatchedAt: now });
  await record('demo', demo, 'pc-demo-fast', 'property_company.respond_in_time');
  await record('demo2', demo2, 'pc-demo-fast', 'property_company.resolve_in_time', 'street_committee');
  await record('dept', demo, 'dept-urban', 'functional_department.respond_in_time', 'functional_department');
  await record('dushu', dushu, 'pc-dushu-court', 'property_company.respond_in_time');
});
afterAll(async () => {
  await s?.close();
});

const listIds = async (user: Parameters<typeof as>[1], query = period) => {
  const res = await (await as(s.app, user)).get(`/api/v1/accountability?${query}`);
  expect(res.statusCode).toBe(200);
  return res
    .json()
    .items.map((r: { id: string }) => r.id)
    .sort();
};

test('the responsibility list is public and filterable by organisation kind', async () => {
  const res = await s.app.inject({
    method: 'GET',
    url: '/api/v1/responsibility-duties?organizationKind=property_company',
  });
  expect(res.statusCode).toBe(200);
  expect(res.json().items.map((d: { code: string }) => d.code)).toEqual([
    'property_company.respond_in_time',
    'property_company.resolve_in_time',
    'property_company.satisfy_residents',
    'property_company.service_standard',
    'property_company.topic_task_in_time',
  ]);
});

test('each caller lists the records of its own organisation, and supervisors those below them', async () => {
  expect(await listIds('handler1')).toEqual([ids.demo, ids.demo2].sort());
  expect(await listIds('community1')).toEqual([ids.demo, ids.demo2, ids.dept].sort());
  expect(await listIds('street2')).toEqual([ids.dushu]);
  expect(await listIds('admin')).toEqual(Object.values(ids).sort());
  expect(await listIds('community1', `${period}&organization=dept-urban`)).toEqual([ids.dept]);
  expect(await listIds('admin', 'period=2026-01')).toEqual([]);
  expect((await (await as(s.app, 'resident1')).get('/api/v1/accountability')).statusCode).toBe(403);
});

test('a record names the duty, the organisation, the case and what follows', async () => {
  const res = await (await as(s.app, 'handler1')).get(`/api/v1/accountability/${ids.demo}`);
  expect(res.json()).toMatchObject({
    id: ids.demo,
    case: { trackingCode: expect.any(String) },
    organization: { id: 'pc-demo-fast', kind: 'property_company' },
    duty: { code: 'property_company.respond_in_time', titleZh: '按时响应', titleEn: 'Respond in time' },
    source: 'breach',
    level: 'community_committee',
    follows: { zh: '上报街道党工委督办', en: 'escalated to the street committee' },
    status: 'open',
    answer: null,
    closed: null,
  });
  expect((await (await as(s.app, 'handler1')).get(`/api/v1/accountability/${ids.dushu}`)).statusCode).toBe(404);
});

test('the organisation answers once; only it may answer', async () => {
  const handler = await as(s.app, 'handler1');
  expect(
    (await (await as(s.app, 'community1')).post(`/api/v1/accountability/${ids.demo}/answer`, { answer: '代答' })).json()
      .error.code,
  ).toBe('accountability.forbidden');
  expect(
    (await (await as(s.app, 'handler2')).post(`/api/v1/accountability/${ids.demo}/answer`, { answer: '代答' }))
      .statusCode,
  ).toBe(404);
  const answered = await handler.post(`/api/v1/accountability/${ids.demo}/answer`, {
    answer: '当晚值班人员请假，已调整排班',
  });
  expect(answered.statusCode).toBe(200);
  expect(answered.json()).toMatchObject({
    status: 'answered',
    answer: { text: '当晚值班人员请假，已调整排班', by: 'u-handler1' },
  });
  const again = await handler.post(`/api/v1/accountability/${ids.demo}/answer`, { answer: '再说一次' });
  expect([again.statusCode, again.json().error.code]).toEqual([409, 'accountability.already_answered']);
  // The database holds the answer too: no route or script can overwrite it.
  await expect(
    s.pool.query(`UPDATE accountability_records SET answer = 'x' WHERE id = $1`, [ids.demo]),
  ).rejects.toMatchObject({ code: RESTRICT_VIOLATION });
  await expect(
    s.pool.query(`UPDATE accountability_records SET reason = 'x' WHERE id = $1`, [ids.demo2]),
  ).rejects.toMatchObject({ code: RESTRICT_VIOLATION });
});

test('its supervisor closes it once; a closed record takes no answer', async () => {
  expect(
    (await (await as(s.app, 'handler1')).post(`/api/v1/accountability/${ids.demo}/close`, { reason: '自行关闭' }))
      .statusCode,
  ).toBe(403);
  const community = await as(s.app, 'community1');
  const closed = await community.post(`/api/v1/accountability/${ids.demo}/close`, { reason: '说明合理，已整改' });
  expect(closed.json()).toMatchObject({ status: 'closed', closed: { by: 'u-community1', reason: '说明合理，已整改' } });
  expect((await community.post(`/api/v1/accountability/${ids.demo}/close`, { reason: '再关一次' })).statusCode).toBe(
    409,
  );
  await community.post(`/api/v1/accountability/${ids.demo2}/close`, { reason: '未说明，记入考核' });
  const late = await (
    await as(s.app, 'handler1')
  ).post(`/api/v1/accountability/${ids.demo2}/answer`, { answer: '迟到的说明' });
  expect([late.statusCode, late.json().error.code]).toEqual([409, 'accountability.closed']);
  expect(await listIds('community1', `${period}&status=closed`)).toEqual([ids.demo, ids.demo2].sort());
  // A department's breach on a community case: the community sees it, the organisation department closes it.
  expect((await community.post(`/api/v1/accountability/${ids.dept}/close`, { reason: '越位' })).json().error.code).toBe(
    'accountability.forbidden',
  );
  expect(
    (
      await (await as(s.app, 'orgdept1')).post(`/api/v1/accountability/${ids.dept}/close`, { reason: '已督促整改' })
    ).json().status,
  ).toBe('closed');
});

test('a supervisor files a finding against an organisation it supervises, naming a duty of that organisation', async () => {
  const community = await as(s.app, 'community1');
  const body = {
    organizationId: 'pc-demo-fast',
    dutyCode: 'property_company.service_standard',
    reason: '现场检查：3 号楼消防通道堆放杂物',
    consequence: '7 日内清理并书面说明',
  };
  const filed = await community.post('/api/v1/accountability', body, { 'idempotency-key': 'finding-0001' });
  expect(filed.statusCode).toBe(201);
  expect(filed.json()).toMatchObject({
    source: 'finding',
    filedBy: 'u-community1',
    case: null,
    follows: { zh: '7 日内清理并书面说明' },
    duty: { code: 'property_company.service_standard' },
  });
  const repeat = await community.post('/api/v1/accountability', body, { 'idempotency-key': 'finding-0001' });
  expect([repeat.statusCode, repeat.json().id]).toEqual([200, filed.json().id]);
  expect(
    (await community.post('/api/v1/accountability', { ...body, organizationId: 'pc-dushu-court' })).json().error.code,
  ).toBe('accountability.forbidden');
  const wrongDuty = await community.post('/api/v1/accountability', {
    ...body,
    dutyCode: 'owners_committee.oversee_property_service',
  });
  expect(wrongDuty.json().error.details[0].path).toBe('dutyCode');
  expect((await (await as(s.app, 'handler1')).post('/api/v1/accountability', body)).statusCode).toBe(403);
});

test('a street files against a community committee, which sees it but may not close it itself', async () => {
  const street = await as(s.app, 'street1');
  const filed = await street.post('/api/v1/accountability', {
    organizationId: 'comm-jinji',
    dutyCode: 'community_committee.follow_up',
    reason: '两周未指派跟踪人',
    consequence: '本周内补派并报告',
  });
  expect(filed.json()).toMatchObject({ level: 'street_committee', organization: { id: 'comm-jinji' } });
  const id = filed.json().id as string;
  const community = await as(s.app, 'community1');
  expect(await listIds('community1')).toContain(id);
  expect((await community.post(`/api/v1/accountability/${id}/answer`, { answer: '已补派党员跟踪' })).statusCode).toBe(
    200,
  );
  expect((await community.post(`/api/v1/accountability/${id}/close`, { reason: '自己关' })).statusCode).toBe(403);
  expect((await street.post(`/api/v1/accountability/${id}/close`, { reason: '已落实' })).json().status).toBe('closed');
});
