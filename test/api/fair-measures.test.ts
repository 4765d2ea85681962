// Rates, assessments and accountability that cannot be gamed (issue 23), over HTTP as a new user would. demo-fast's
// agreement is first revised through the admin API so its clock runs in seconds (response 5 s, resolution 15 s, a
// decision 3 s, a follow-up 3 s); then a case left unresolved counts against its handler's on-time rate, pending
// until its deadline passes; a follow-up nobody records and a reported case nobody forwards are recorded against the
// Party organisations whose duty they were; and a year 0000 is a 400 on every route that takes a period.
import { cstDate } from '../../domain/calendar';
import { startDutyWatch } from '../../services/duty-watch';
import { eventually } from '../helpers/cases';
import { as, DEMO, intakeBody, startApiStack, tokenOf, type ApiStack } from './helpers';

let s: ApiStack;
let watch: { stop(): void };
const seconds = (amount: number) => ({ unit: 'seconds', amount });
const phase = { response: seconds(5), resolution: seconds(15) };

beforeAll(async () => {
  s = await startApiStack();
  const revised = await s.app.inject({
    method: 'PATCH',
    url: `/api/v1/admin/agreements/${DEMO.agreementId}`,
    headers: { authorization: `Bearer ${await tokenOf(s.app, 'admin')}` },
    payload: {
      terms: {
        deadlines: { emergency: phase, utilities: phase, general: phase, complex: phase },
        fairness: {
          decisionTime: seconds(3),
          extensionMaxCount: 2,
          extensionMaxTotal: seconds(60),
          maxPause: seconds(30),
          topRungCadence: seconds(60),
          noticeAfter: 2,
        },
        assessment: { minEvaluated: 3, followUpTime: seconds(3) },
      },
      reason: '演示：考核与跟踪时限',
    },
  });
  expect(revised.statusCode).toBe(201);
  // The duty watch as the worker runs it, every half second here.
  watch = startDutyWatch(s.pool, 500, () => undefined);
});
afterAll(async () => {
  watch?.stop();
  await s?.close();
});

const fast = { compoundCode: DEMO.compound, categoryCode: 'lift', description: '2号楼电梯按钮失灵' };

async function file(): Promise<string> {
  const res = await (await as(s.app, 'resident1')).post('/api/v1/cases', intakeBody(fast));
  expect(res.statusCode).toBe(201);
  return res.json().caseId;
}

type Rate = { numerator: number; denominator: number; pending: number };
async function handlerRates(): Promise<{ onTimeResolutionRate: Rate; responseRate: Rate }> {
  const res = await (
    await as(s.app, 'community1')
  ).get(`/api/v1/stats/rates?period=${cstDate(Date.now()).slice(0, 7)}&groupBy=handler&compound=${DEMO.compound}`);
  expect(res.statusCode).toBe(200);
  const none = { numerator: 0, denominator: 0, pending: 0 };
  return (
    res.json().items.find((i: { id: string }) => i.id === DEMO.propertyCompanyOrgId)?.rates ?? {
      onTimeResolutionRate: none,
      responseRate: none,
    }
  );
}

test.each([
  '/api/v1/stats/rates?period=0000-01',
  '/api/v1/public/rankings?period=0000-01&kind=property_company',
  '/api/v1/public/assessments?period=0000-01',
  '/api/v1/public/cases?period=0000-01',
  '/api/v1/assessments?period=0000-01',
  '/api/v1/accountability?period=0000-01',
  '/api/v1/exports/cases.csv?period=0000-01',
  '/api/v1/exports/rates.csv?period=0000-01',
])('%s is a 400 naming the period', async (url) => {
  const res = await (await as(s.app, 'community1')).get(url);
  expect(res.statusCode).toBe(400);
  expect(res.json().error.details.map((d: { path: string }) => d.path)).toEqual(['period']);
});

test('a case left unresolved is pending until its deadline, then in its handler’s on-time denominator as late', async () => {
  const before = await handlerRates();
  const id = await file();
  expect((await (await as(s.app, 'handler1')).act(id, 'acknowledge', {})).statusCode).toBe(200);
  const running = await handlerRates();
  expect(running.onTimeResolutionRate.pending).toBe(before.onTimeResolutionRate.pending + 1);
  expect(running.onTimeResolutionRate.denominator).toBe(before.onTimeResolutionRate.denominator);
  // Nobody resolves it: once the resolution deadline passes it is a miss, never a case left out.
  const after = await eventually(async () => {
    const r = await handlerRates();
    return r.onTimeResolutionRate.denominator === before.onTimeResolutionRate.denominator + 1 && r;
  }, 40_000);
  expect(after.onTimeResolutionRate.numerator).toBe(before.onTimeResolutionRate.numerator);
  expect(after.onTimeResolutionRate.pending).toBe(before.onTimeResolutionRate.pending);
  expect(after.responseRate.numerator).toBe(before.responseRate.numerator + 1);
}, 60_000);

test('a follow-up nobody records in time is recorded against the grid branch that owned it', async () => {
  const id = await file();
  const community = await as(s.app, 'community1');
  const assigned = await community.act(id, 'assign-follow-up', {
    owner: { kind: 'grid_branch', id: 'grid-jinji-1' },
    note: '请上门核实',
  });
  expect(assigned.statusCode).toBe(200);
  const record = await eventually(async () => {
    const items = (await community.get(`/api/v1/accountability?case=${id}`)).json().items as {
      duty: { code: string };
      organization: { id: string };
    }[];
    return items.find((r) => r.duty.code === 'grid_branch.follow_up');
  }, 20_000);
  expect(record).toMatchObject({
    organization: { id: 'grid-jinji-1', kind: 'grid_branch' },
    duty: {
      code: 'grid_branch.follow_up',
      titleZh: '跟踪督促',
      area: { code: 'team_management', titleZh: '队伍统管' },
    },
    source: 'silence',
    deadlineKind: 'follow_up',
  });
}, 30_000);

test('a case reported to the organisation department and not forwarded in time is the department’s missed duty', async () => {
  const id = await file();
  expect((await (await as(s.app, 'handler1')).act(id, 'acknowledge', {})).statusCode).toBe(200);
  expect((await (await as(s.app, 'community1')).act(id, 'escalate', { reason: '需街道协调' })).statusCode).toBe(200);
  expect((await (await as(s.app, 'street1')).act(id, 'report', { reason: '需职能部门处理' })).statusCode).toBe(200);
  const orgdept = await as(s.app, 'orgdept1');
  const record = await eventually(async () => {
    const items = (await orgdept.get(`/api/v1/accountability?case=${id}`)).json().items as { duty: { code: string } }[];
    return items.find((r) => r.duty.code === 'organization_department.forward');
  }, 20_000);
  expect(record).toMatchObject({
    organization: { id: 'org-dept' },
    duty: { area: { titleZh: '资源统筹' } },
    source: 'silence',
    deadlineKind: 'forward',
  });
}, 30_000);

test('the responsibility list gives each Party organisation eighteen duties in six areas, each handler its service duties', async () => {
  const res = await s.app.inject({
    method: 'GET',
    url: '/api/v1/responsibility-duties?organizationKind=community_committee',
  });
  const items = res.json().items as { code: string; area: { titleZh: string } | null }[];
  expect(items).toHaveLength(18);
  expect(new Set(items.map((d) => d.area?.titleZh)).size).toBe(6);
  const company = (
    await s.app.inject({ method: 'GET', url: '/api/v1/responsibility-duties?organizationKind=property_company' })
  ).json().items;
  expect(company.map((d: { code: string; area: unknown }) => [d.code, d.area])).toEqual([
    ['property_company.respond_in_time', null],
    ['property_company.resolve_in_time', null],
    ['property_company.satisfy_residents', null],
    ['property_company.service_standard', null],
    ['property_company.topic_task_in_time', null],
  ]);
});
