// Deadlines on the clock: reminders, breaches with accountability, the escalation ladder, the evaluation
// window, and extensions. demo-fast's agreement is sped up to seconds in this file's own database.
import { actors, assertGapFree, eventually, loop } from '../helpers/cases';
import { useLoopSuite } from '../helpers/loop-suite';

const suite = useLoopSuite({ response: 3, resolution: 6, evaluation: 3 });
const l = () => loop(suite().t, suite().pool);

test('a case nobody acknowledges gets reminders, escalates to the street committee, is reported to the organisation department and forwarded to the department’s Party organisation, which supervises the same handler', async () => {
  const filed = await l().file();
  const row = await eventually(async () => {
    const r = await l().row(filed.caseId);
    return r.level === 'functional_department' ? r : undefined;
  }, 30_000);
  // The department supervises; the company is still the one that must fix the lift.
  expect(row).toMatchObject({ status: 'dispatched', handler_org_id: 'pc-demo-fast', supervisor_org_id: 'dept-market' });
  const events = await l().events(filed.caseId);
  assertGapFree(events);
  const ladder = events.map((e) => e.type).filter((x) => x !== 'reminder_sent');
  expect(ladder.slice(0, 5)).toEqual(['submitted', 'dispatched', 'breached', 'accountability_recorded', 'escalated']);
  expect(ladder).toEqual(expect.arrayContaining(['reported', 'forwarded']));
  expect(ladder.indexOf('forwarded')).toBe(ladder.indexOf('reported') + 1);
  expect(events.slice(2, 4).map((e) => e.type)).toEqual(['reminder_sent', 'reminder_sent']);
  const escalated = events.find((e) => e.type === 'escalated');
  expect(escalated?.payload).toMatchObject({
    fromLevel: 'community_committee',
    toLevel: 'street_committee',
    supervisorOrgId: 'street-huxi',
    automatic: true,
  });
  const forwarded = events.find((e) => e.type === 'forwarded');
  expect(forwarded?.payload.reason).toMatch(/组织部已转职能部门党组织督促办理，问题仍由原承办单位办理/);
  const records = (
    await suite().pool.query(
      'SELECT organization_id, duty_code, source, deadline_kind, level FROM accountability_records WHERE case_id = $1 ORDER BY created_at',
      [filed.caseId],
    )
  ).rows;
  // Every record is against the company, whose duty each missed deadline was.
  expect(records.length).toBeGreaterThanOrEqual(2);
  expect(records[0]).toEqual({
    organization_id: 'pc-demo-fast',
    duty_code: 'property_company.respond_in_time',
    source: 'breach',
    deadline_kind: 'response',
    level: 'community_committee',
  });
  for (const r of records) expect(r).toMatchObject({ organization_id: 'pc-demo-fast', source: 'breach' });
  // Reminders (催办) reached the handler through the outbox.
  const urged = await suite().pool.query(
    `SELECT count(*)::int AS n FROM notification_outbox WHERE template = 'case.urged' AND recipient->>'caseId' = $1`,
    [filed.caseId],
  );
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

test('an extension approved before expiry moves the deadline; once the case has climbed, the community no longer decides', async () => {
  const filed = await l().file();
  await l().act(filed.caseId, actors.handler1, { type: 'acknowledge' });
  const before = (await l().row(filed.caseId)).deadlines.resolution.dueAt;
  await l().act(filed.caseId, actors.handler1, {
    type: 'request_extension',
    deadline: 'resolution',
    extendBy: { unit: 'seconds', amount: 60 },
    reason: '需要更换配件',
  });
  await l().act(filed.caseId, actors.community1, { type: 'decide_extension', approve: true });
  const after = (await l().row(filed.caseId)).deadlines.resolution.dueAt;
  expect(Date.parse(after) - Date.parse(before)).toBe(60_000);

  // An extension may only be asked before the deadline it would move.
  const late = await l().file();
  await eventually(async () => (await l().row(late.caseId)).level === 'street_committee', 20_000);
  const breached = (await l().row(late.caseId)).deadlines;
  expect(breached.response.breachedAt).toBeNull(); // the street's new 督办 deadline
  await l().act(late.caseId, actors.handler1, { type: 'acknowledge' });
  await expect(
    l().act(late.caseId, actors.community1, { type: 'decide_extension', approve: true }),
  ).rejects.toMatchObject({ kind: 'forbidden' });
});
