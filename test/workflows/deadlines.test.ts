// Deadlines on the clock: reminders, breaches with accountability, the escalation ladder, the evaluation
// window, and extensions. demo-fast's agreement is sped up to seconds in this file's own database.
import { actors, assertGapFree, eventually, loop } from '../helpers/cases';
import { useLoopSuite } from '../helpers/loop-suite';

const suite = useLoopSuite({ response: 3, resolution: 6, evaluation: 3 });
const l = () => loop(suite().t, suite().pool);

test('a case nobody acknowledges gets reminders, escalates to the street committee, then to the organisation department and on to the functional department', async () => {
  const filed = await l().file();
  const row = await eventually(async () => {
    const r = await l().row(filed.caseId);
    return r.level === 'functional_department' ? r : undefined;
  }, 30_000);
  expect(row).toMatchObject({ status: 'dispatched', handler_org_id: 'dept-market', supervisor_org_id: 'org-dept', escalation_count: 2 });
  const events = await l().events(filed.caseId);
  assertGapFree(events);
  // Reminders interleave with the restarted deadlines; the ladder itself is exact.
  const ladder = events.map((e) => e.type).filter((x) => x !== 'reminder_sent');
  expect(ladder).toEqual([
    'submitted', 'dispatched',
    'breached', 'accountability_recorded', 'escalated',
    'breached', 'accountability_recorded', 'reported', 'forwarded',
  ]);
  expect(events.slice(2, 4).map((e) => e.type)).toEqual(['reminder_sent', 'reminder_sent']);
  const escalated = events.find((e) => e.type === 'escalated');
  expect(escalated?.payload).toMatchObject({ fromLevel: 'community_committee', toLevel: 'street_committee', supervisorOrgId: 'street-huxi', automatic: true });
  const records = (await suite().pool.query(
    'SELECT organization_id, duty_code, source, deadline_kind, level FROM accountability_records WHERE case_id = $1 ORDER BY created_at', [filed.caseId],
  )).rows;
  const record = { organization_id: 'pc-demo-fast', duty_code: 'property_company.respond_in_time', source: 'breach', deadline_kind: 'response' };
  expect(records).toEqual([{ ...record, level: 'community_committee' }, { ...record, level: 'street_committee' }]);
  // At the top of the ladder a missed deadline stays missed: an extension asked after expiry is refused.
  await eventually(async () => (await l().row(filed.caseId)).overdue === true, 20_000);
  const market = { userId: 'u-market-test', role: 'handler' as const, organizationId: 'dept-market' };
  await expect(
    l().act(filed.caseId, market, { type: 'request_extension', deadline: 'response', extendBy: { unit: 'seconds', amount: 60 }, reason: '来不及' }),
  ).rejects.toMatchObject({ kind: 'conflict', message: expect.stringContaining('时限已过') });
  // Reminders (催办) reached the handler through the outbox.
  const urged = await suite().pool.query(`SELECT count(*)::int AS n FROM notification_outbox WHERE template = 'case.urged' AND recipient->>'caseId' = $1`, [filed.caseId]);
  expect(urged.rows[0].n).toBeGreaterThanOrEqual(4);
});

test('a resolved case nobody evaluates closes as not evaluated when the window passes', async () => {
  const filed = await l().file();
  await l().act(filed.caseId, actors.handler1, { type: 'acknowledge' });
  await l().act(filed.caseId, actors.handler1, { type: 'resolve', summary: '已处理' });
  const row = await eventually(async () => {
    const r = await l().row(filed.caseId);
    return r.status === 'closed' ? r : undefined;
  }, 20_000);
  expect(row).toMatchObject({ outcome: 'not_evaluated', stage: 'closed', satisfaction: null });
});

test('an extension approved before expiry moves the deadline; an approval after expiry is refused', async () => {
  const filed = await l().file();
  await l().act(filed.caseId, actors.handler1, { type: 'acknowledge' });
  const before = (await l().row(filed.caseId)).deadlines.resolution.dueAt;
  await l().act(filed.caseId, actors.handler1, { type: 'request_extension', deadline: 'resolution', extendBy: { unit: 'seconds', amount: 60 }, reason: '需要更换配件' });
  await l().act(filed.caseId, actors.community1, { type: 'decide_extension', approve: true });
  const after = (await l().row(filed.caseId)).deadlines.resolution.dueAt;
  expect(Date.parse(after) - Date.parse(before)).toBe(60_000);

  const late = await l().file();
  await l().act(late.caseId, actors.handler1, { type: 'request_extension', deadline: 'response', extendBy: { unit: 'seconds', amount: 60 }, reason: '人手不足' });
  // The response deadline (3 s) passes: the pending request is refused by the clock and the case escalates.
  await eventually(async () => (await l().row(late.caseId)).level === 'street_committee', 20_000);
  await expect(l().act(late.caseId, actors.community1, { type: 'decide_extension', approve: true })).rejects.toMatchObject({ kind: 'conflict' });
  const refused = (await l().events(late.caseId)).find((e) => e.type === 'extension_decided');
  expect(refused?.payload).toMatchObject({ approve: false });
});
