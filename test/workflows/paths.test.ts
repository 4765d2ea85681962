// The loop's other paths on an ordinary agreement (working-day deadlines): the cross-department path,
// 不满意 and 重办, and 回退 with re-routing.
import { DEMO, DEMO_USERS } from '../../db/seed-data';
import { actors, assertGapFree, loop } from '../helpers/cases';
import { useLoopSuite } from '../helpers/loop-suite';

const suite = useLoopSuite();
const l = () => loop(suite().t, suite().pool);
const resident3 = { userId: DEMO_USERS.resident3, role: 'resident' as const, organizationId: null };
const lakeview = { compoundCode: DEMO.siblingCompound, householdId: 'hh-lakeview-1-1-101', residentUserId: DEMO_USERS.resident3, categoryCode: 'noise' };

test('the cross-department path: reported by the street, forwarded by the organisation department, handled by the department, followed up by the community, evaluated by the resident', async () => {
  const filed = await l().file(lakeview);
  const id = filed.caseId;
  await l().act(id, actors.community1, { type: 'escalate', reason: '涉及夜间施工噪声，物业无执法权' });
  await expect(l().act(id, actors.community1, { type: 'report', reason: '越级' })).rejects.toMatchObject({ kind: 'forbidden' });
  await l().act(id, actors.street1, { type: 'report', reason: '需城管执法' });
  await expect(l().act(id, actors.street1, { type: 'forward', departmentOrgId: DEMO.departments.urban, reason: '越级' })).rejects.toMatchObject({ kind: 'forbidden' });
  await l().act(id, actors.orgdept1, { type: 'forward', departmentOrgId: DEMO.departments.urban, reason: '转城管党组织督促办理' });
  // The property company is no longer the handler; the department is. The workflow's state does not hold past
  // handlers, so it answers as for anyone who may not see the case; the API, which finds the company's history in
  // Postgres, answers 403 (test/api/actions.test.ts).
  await expect(l().act(id, actors.handler2, { type: 'acknowledge' })).rejects.toMatchObject({ kind: 'not_found', field: 'case.not_visible' });
  await l().act(id, actors.department1, { type: 'acknowledge', note: '已安排执法队' });
  await l().act(id, actors.community1, { type: 'assign_follow_up' });
  await l().act(id, actors.community1, { type: 'record_follow_up', findings: '夜间施工已停止', onSite: true });
  await l().act(id, actors.department1, { type: 'resolve', summary: '已责令停工并处罚' });
  const closed = await l().act(id, resident3, { type: 'evaluate', satisfaction: 'basically_satisfied', solved: true });
  expect(closed.status).toBe('closed');
  const row = await l().row(id);
  expect(row).toMatchObject({ level: 'functional_department', handler_org_id: DEMO.departments.urban, outcome: 'basically_satisfied', escalation_count: 2 });
  const events = await l().events(id);
  assertGapFree(events);
  expect(events.map((e) => e.type)).toEqual([
    'submitted', 'dispatched', 'escalated', 'reported', 'forwarded', 'acknowledged', 'follow_up_assigned',
    'follow_up_recorded', 'resolved', 'evaluated', 'closed',
  ]);
});

test('不满意 reopens the case for rework and the second evaluation is the one that counts', async () => {
  const filed = await l().file(lakeview);
  const id = filed.caseId;
  await l().act(id, actors.handler2, { type: 'acknowledge' });
  await l().act(id, actors.handler2, { type: 'resolve', summary: '已提醒装修户' });
  const reopened = await l().act(id, resident3, { type: 'evaluate', satisfaction: 'unsatisfied', solved: false, comment: '还在吵' });
  expect(reopened).toMatchObject({ status: 'acknowledged', stage: 'respond' });
  expect(await l().row(id)).toMatchObject({ reopen_count: 1, satisfaction: 'unsatisfied', solved: false });
  await l().act(id, actors.handler2, { type: 'resolve', summary: '已约谈并限定施工时间' });
  await l().act(id, resident3, { type: 'evaluate', satisfaction: 'satisfied', solved: true });
  expect(await l().row(id)).toMatchObject({ status: 'closed', outcome: 'satisfied', satisfaction: 'satisfied', solved: true, reopen_count: 1 });
});

test('a second 不满意 past the rework limit closes the case as unsatisfied with an accountability record', async () => {
  const filed = await l().file(lakeview);
  const id = filed.caseId;
  await l().act(id, actors.handler2, { type: 'acknowledge' });
  await l().act(id, actors.handler2, { type: 'resolve', summary: '第一次处理' });
  await l().act(id, resident3, { type: 'evaluate', satisfaction: 'unsatisfied', solved: false });
  await l().act(id, actors.handler2, { type: 'resolve', summary: '第二次处理' });
  await l().act(id, resident3, { type: 'evaluate', satisfaction: 'unsatisfied', solved: false });
  expect(await l().row(id)).toMatchObject({ status: 'closed', outcome: 'unsatisfied' });
  const records = await suite().pool.query('SELECT organization_id, source, duty_code FROM accountability_records WHERE case_id = $1', [id]);
  expect(records.rows).toEqual([{ organization_id: DEMO.siblingPropertyCompanyOrgId, source: 'unsatisfied', duty_code: 'property_company.satisfy_residents' }]);
});

test('a return (回退) goes to the supervisor, who re-routes it; the new handler’s deadlines start then', async () => {
  const filed = await l().file({ categoryCode: 'greenery' });
  const id = filed.caseId;
  await l().act(id, actors.handler1, { type: 'return', reason: '公共绿地属业委会自管范围' });
  expect(await l().row(id)).toMatchObject({ status: 'returned', handler_org_id: null, returned_count: 1 });
  // A past handler (see the cross-department path above).
  await expect(l().act(id, actors.handler1, { type: 'acknowledge' })).rejects.toMatchObject({ kind: 'not_found', field: 'case.not_visible' });
  const before = Date.now();
  await l().act(id, actors.community1, { type: 'reroute', handlerOrgId: DEMO.ownersCommitteeOrgId, reason: '转业委会处理' });
  const row = await l().row(id);
  expect(row).toMatchObject({ status: 'dispatched', handler_org_id: DEMO.ownersCommitteeOrgId });
  expect(Date.parse(row.deadlines.response.startedAt)).toBeGreaterThanOrEqual(before - 1000);
  await l().act(id, actors.owners1, { type: 'acknowledge' });
  expect((await l().row(id)).status).toBe('acknowledged');
});

test('a resident may withdraw an open case, and nobody may act on it afterwards', async () => {
  const filed = await l().file();
  // Another resident may not even see the case.
  await expect(l().act(filed.caseId, actors.resident2, { type: 'withdraw' })).rejects.toMatchObject({ kind: 'not_found', field: 'case.not_visible' });
  await l().act(filed.caseId, actors.resident1, { type: 'withdraw', reason: '已自行解决' });
  expect(await l().row(filed.caseId)).toMatchObject({ status: 'closed', outcome: 'withdrawn' });
  await expect(l().act(filed.caseId, actors.handler1, { type: 'acknowledge' })).rejects.toMatchObject({ kind: 'conflict' });
});
