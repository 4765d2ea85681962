// The loop's other paths on an ordinary agreement (working-day deadlines): the cross-department path, a
// department's own category, 不满意 and 重办, and 回退 with re-routing.
import { DEMO, DEMO_USERS } from '../../db/seed-data';
import { actors, assertGapFree, loop } from '../helpers/cases';
import { useLoopSuite } from '../helpers/loop-suite';

const suite = useLoopSuite();
const l = () => loop(suite().t, suite().pool);
const resident3 = { userId: DEMO_USERS.resident3, role: 'resident' as const, organizationId: null };
const lakeview = {
  compoundCode: DEMO.siblingCompound,
  householdId: 'hh-lakeview-1-1-101',
  residentUserId: DEMO_USERS.resident3,
  categoryCode: 'noise',
};

test('the cross-department path: reported by the street, forwarded to the department’s Party organisation, which supervises while the company handles, followed up by the community, evaluated by the resident', async () => {
  const filed = await l().file(lakeview);
  const id = filed.caseId;
  await l().act(id, actors.community1, { type: 'escalate', reason: '涉及夜间施工噪声，需街道协调' });
  await expect(l().act(id, actors.community1, { type: 'report', reason: '越级' })).rejects.toMatchObject({
    kind: 'forbidden',
  });
  await l().act(id, actors.street1, { type: 'report', reason: '需城管督促' });
  await expect(
    l().act(id, actors.street1, { type: 'forward', departmentOrgId: DEMO.departments.urban, reason: '越级' }),
  ).rejects.toMatchObject({ kind: 'forbidden' });
  await l().act(id, actors.orgdept1, {
    type: 'forward',
    departmentOrgId: DEMO.departments.urban,
    reason: '转城管党组织督促办理',
  });
  // The department's Party organisation supervises (urges); the company still handles.
  await expect(l().act(id, actors.department1, { type: 'acknowledge' })).rejects.toMatchObject({ kind: 'forbidden' });
  await l().act(id, actors.department1, { type: 'urge', message: '限期处理夜间施工' });
  await l().act(id, actors.handler2, { type: 'acknowledge', note: '已联系施工方' });
  await l().act(id, actors.community1, { type: 'assign_follow_up' });
  await l().act(id, actors.community1, { type: 'record_follow_up', findings: '夜间施工已停止', onSite: true });
  await l().act(id, actors.handler2, { type: 'resolve', summary: '已责令施工方停工' });
  const closed = await l().act(id, resident3, { type: 'evaluate', satisfaction: 'basically_satisfied', solved: true });
  expect(closed.status).toBe('closed');
  const row = await l().row(id);
  expect(row).toMatchObject({
    level: 'functional_department',
    handler_org_id: DEMO.siblingPropertyCompanyOrgId,
    supervisor_org_id: DEMO.departments.urban,
    outcome: 'basically_satisfied',
  });
  const events = await l().events(id);
  assertGapFree(events);
  expect(events.map((e) => e.type)).toEqual([
    'submitted',
    'dispatched',
    'escalated',
    'reported',
    'forwarded',
    'urged',
    'acknowledged',
    'follow_up_assigned',
    'follow_up_recorded',
    'resolved',
    'evaluated',
    'closed',
  ]);
});

test('a category that is a department’s own duty (违章搭建 → 城管) is handled by the department from intake', async () => {
  const filed = await l().file({ categoryCode: 'illegal_construction' });
  expect(await l().row(filed.caseId)).toMatchObject({
    handler_org_id: DEMO.departments.urban,
    level: 'community_committee',
  });
  await l().act(filed.caseId, actors.department1, { type: 'acknowledge' });
  await l().act(filed.caseId, actors.resident1, { type: 'withdraw' });
});

test('不满意 reopens the case for rework and the second evaluation is the one that counts', async () => {
  const filed = await l().file(lakeview);
  const id = filed.caseId;
  await l().act(id, actors.handler2, { type: 'acknowledge' });
  await l().act(id, actors.handler2, { type: 'resolve', summary: '已提醒装修户' });
  const reopened = await l().act(id, resident3, {
    type: 'evaluate',
    satisfaction: 'unsatisfied',
    solved: false,
    comment: '还在吵',
  });
  expect(reopened).toMatchObject({ status: 'acknowledged', stage: 'respond' });
  expect(await l().row(id)).toMatchObject({ reopen_count: 1, satisfaction: 'unsatisfied', solved: false });
  await l().act(id, actors.handler2, { type: 'resolve', summary: '已约谈并限定施工时间' });
  await l().act(id, resident3, { type: 'evaluate', satisfaction: 'satisfied', solved: true });
  expect(await l().row(id)).toMatchObject({
    status: 'closed',
    outcome: 'satisfied',
    satisfaction: 'satisfied',
    solved: true,
    reopen_count: 1,
  });
});

test('a second 不满意 past the rework limit escalates for 督办 with an accountability record, instead of closing', async () => {
  const filed = await l().file(lakeview);
  const id = filed.caseId;
  await l().act(id, actors.handler2, { type: 'acknowledge' });
  await l().act(id, actors.handler2, { type: 'resolve', summary: '第一次处理' });
  await l().act(id, resident3, { type: 'evaluate', satisfaction: 'unsatisfied', solved: false });
  await l().act(id, actors.handler2, { type: 'resolve', summary: '第二次处理' });
  await l().act(id, resident3, { type: 'evaluate', satisfaction: 'unsatisfied', solved: false });
  expect(await l().row(id)).toMatchObject({
    status: 'acknowledged',
    level: 'street_committee',
    awaiting_verification: true,
    reopen_count: 2,
  });
  const records = await suite().pool.query(
    'SELECT organization_id, source, duty_code FROM accountability_records WHERE case_id = $1',
    [id],
  );
  expect(records.rows).toEqual([
    {
      organization_id: DEMO.siblingPropertyCompanyOrgId,
      source: 'unsatisfied',
      duty_code: 'property_company.satisfy_residents',
    },
  ]);
});

test('a return (回退) goes to the supervisor, who re-routes it; the new handler’s deadlines start then', async () => {
  const filed = await l().file({ categoryCode: 'greenery' });
  const id = filed.caseId;
  const due = (await l().row(id)).deadlines.response.dueAt;
  await l().act(id, actors.handler1, { type: 'return', reason: '公共绿地属业委会自管范围' });
  // The handler's clock keeps running while the community decides.
  expect(await l().row(id)).toMatchObject({
    status: 'returned',
    handler_org_id: DEMO.propertyCompanyOrgId,
    returned_count: 1,
  });
  expect((await l().row(id)).deadlines.response.dueAt).toBe(due);
  expect((await l().row(id)).deadlines.decision).toBeDefined();
  const before = Date.now();
  await l().act(id, actors.community1, {
    type: 'decide_return',
    decision: 'reroute',
    handlerOrgId: DEMO.ownersCommitteeOrgId,
    reason: '转业委会处理',
  });
  const row = await l().row(id);
  expect(row).toMatchObject({ status: 'dispatched', handler_org_id: DEMO.ownersCommitteeOrgId });
  expect(row.deadlines.decision).toBeUndefined();
  expect(Date.parse(row.deadlines.response.startedAt)).toBeGreaterThanOrEqual(before - 1000);
  // The company handled it once: it still sees the case, and may no longer act on it.
  await expect(l().act(id, actors.handler1, { type: 'acknowledge' })).rejects.toMatchObject({ kind: 'forbidden' });
  await l().act(id, actors.owners1, { type: 'acknowledge' });
  expect((await l().row(id)).status).toBe('acknowledged');
});

test('a resident may withdraw an open case, and nobody may act on it afterwards', async () => {
  const filed = await l().file();
  // Another resident may not even see the case.
  await expect(l().act(filed.caseId, actors.resident2, { type: 'withdraw' })).rejects.toMatchObject({
    kind: 'not_found',
    field: 'case.not_visible',
  });
  await l().act(filed.caseId, actors.resident1, { type: 'withdraw', reason: '已自行解决' });
  expect(await l().row(filed.caseId)).toMatchObject({ status: 'closed', outcome: 'withdrawn' });
  await expect(l().act(filed.caseId, actors.handler1, { type: 'acknowledge' })).rejects.toMatchObject({
    kind: 'conflict',
  });
});
