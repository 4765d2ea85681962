// The fairness rules (docs/domain.md) on the real Temporal dev server and PostgreSQL, each written as what a
// handler or supervisor would try in order to escape it. demo-fast counts in seconds in this file's own database.
import { DEMO, DEMO_USERS } from '../../db/seed-data';
import type { Actor } from '../../domain/actions';
import { actionUpdates } from '../../workflows/messages';
import { actors, assertGapFree, eventually, loop } from '../helpers/cases';
import { useLoopSuite } from '../helpers/loop-suite';

const seconds = (amount: number) => ({ unit: 'seconds', amount }) as const;
const suite = useLoopSuite({
  response: 3,
  resolution: 6,
  evaluation: 3,
  fairness: {
    decisionTime: seconds(2),
    maxPause: seconds(30),
    topRungCadence: seconds(2),
    noticeAfter: 2,
    extensionMaxTotal: seconds(30),
  },
});
const l = () => loop(suite().t, suite().pool);
const row = (id: string) => l().row(id);
const until = (id: string, ok: (r: Awaited<ReturnType<typeof row>>) => boolean, ms = 30_000) =>
  eventually(async () => ok(await row(id)) && (await row(id)), ms, 100);
const records = async (id: string) =>
  (
    await suite().pool.query(
      'SELECT organization_id, duty_code, source, deadline_kind FROM accountability_records WHERE case_id = $1 ORDER BY created_at',
      [id],
    )
  ).rows;
const types = async (id: string) => (await l().events(id)).map((e) => e.type);

test('a return does not stop the handler’s clock, and a return left undecided is the community’s own breach', async () => {
  const { caseId } = await l().file({ categoryCode: 'greenery' });
  const due = (await row(caseId)).deadlines.response.dueAt;
  await l().act(caseId, actors.handler1, { type: 'return', reason: '公共绿地不归物业管' });
  expect((await row(caseId)).deadlines.response.dueAt).toBe(due);
  // Nobody decides: the community misses its decision time, the handler its response deadline.
  await until(caseId, (r) => r.escalation_count >= 2);
  expect(await records(caseId)).toEqual(
    expect.arrayContaining([
      {
        organization_id: DEMO.communityOrgId,
        duty_code: 'community_committee.decide_in_time',
        source: 'breach',
        deadline_kind: 'decision',
      },
      {
        organization_id: DEMO.propertyCompanyOrgId,
        duty_code: 'property_company.respond_in_time',
        source: 'breach',
        deadline_kind: 'response',
      },
    ]),
  );
  assertGapFree(await l().events(caseId));
});

test('a refused return sends the case back with its first deadlines; re-routing back to the same handler resumes them', async () => {
  const { caseId } = await l().file({ categoryCode: 'greenery' });
  await l().act(caseId, actors.handler1, { type: 'acknowledge' });
  const first = (await row(caseId)).deadlines.resolution.dueAt;
  await l().act(caseId, actors.handler1, { type: 'return', reason: '非物业职责' });
  await l().act(caseId, actors.community1, { type: 'decide_return', decision: 'refuse', reason: '属物业服务范围' });
  expect(await row(caseId)).toMatchObject({ status: 'acknowledged', handler_org_id: DEMO.propertyCompanyOrgId });
  expect((await row(caseId)).deadlines.resolution.dueAt).toBe(first);
  // Away to the owners' committee and straight back: no fresh deadline for the company, only the moment it was away.
  await l().act(caseId, actors.community1, {
    type: 'reroute',
    handlerOrgId: DEMO.ownersCommitteeOrgId,
    reason: '转业委会',
  });
  await l().act(caseId, actors.community1, {
    type: 'reroute',
    handlerOrgId: DEMO.propertyCompanyOrgId,
    reason: '还是物业',
  });
  const moved = Date.parse((await row(caseId)).deadlines.resolution.dueAt) - Date.parse(first);
  expect(moved).toBeGreaterThanOrEqual(0);
  expect(moved).toBeLessThan(1_000);
  expect((await row(caseId)).handler_history).toEqual([DEMO.propertyCompanyOrgId, DEMO.ownersCommitteeOrgId]);
  // The owners' committee handled it once and still sees it, but may not act.
  await expect(l().act(caseId, actors.owners1, { type: 'acknowledge' })).rejects.toMatchObject({ kind: 'forbidden' });
});

test('an extension nobody decides is deemed approved at the deadline: the silence is the community’s, not the handler’s breach', async () => {
  const { caseId } = await l().file();
  await l().act(caseId, actors.handler1, { type: 'acknowledge' });
  const before = Date.parse((await row(caseId)).deadlines.resolution.dueAt);
  await l().act(caseId, actors.handler1, {
    type: 'request_extension',
    deadline: 'resolution',
    extendBy: seconds(10),
    reason: '等配件',
  });
  const r = await until(caseId, (x) => x.pending_extension === null);
  expect(Date.parse(r.deadlines.resolution.dueAt) - before).toBe(10_000);
  expect(r.deadlines.resolution.breachedAt).toBeNull();
  const decided = (await l().events(caseId)).find((e) => e.type === 'extension_decided');
  expect(decided?.payload).toMatchObject({ approve: true, deemed: true });
  expect(await records(caseId)).toEqual([
    {
      organization_id: DEMO.communityOrgId,
      duty_code: 'community_committee.decide_in_time',
      source: 'silence',
      deadline_kind: 'resolution',
    },
  ]);
  // A second request beyond the agreement's total is refused.
  await expect(
    l().act(caseId, actors.handler1, {
      type: 'request_extension',
      deadline: 'resolution',
      extendBy: seconds(60),
      reason: '再延',
    }),
  ).rejects.toMatchObject({ kind: 'validation' });
});

test('a pause stops the clock while the case waits on the resident, and the resident’s information ends it', async () => {
  const { caseId } = await l().file();
  await l().act(caseId, actors.handler1, { type: 'acknowledge' });
  const before = Date.parse((await row(caseId)).deadlines.resolution.dueAt);
  await l().act(caseId, actors.handler1, { type: 'request_pause', reason: '住户不在家，无法入户' });
  await l().act(caseId, actors.community1, { type: 'decide_pause', approve: true });
  expect((await row(caseId)).paused_since).not.toBeNull();
  await new Promise((r) => setTimeout(r, 7_000)); // past the resolution deadline as it stood
  expect((await row(caseId)).deadlines.resolution.breachedAt).toBeNull();
  await l().act(caseId, actors.resident1, { type: 'add_information', text: '明天上午在家' });
  const r = await row(caseId);
  expect(r.paused_since).toBeNull();
  expect(Date.parse(r.deadlines.resolution.dueAt) - before).toBeGreaterThanOrEqual(6_500);
  const resumed = (await l().events(caseId)).find((e) => e.type === 'resumed');
  expect(resumed?.payload).toMatchObject({ cause: 'resident_information' });
  // The resident was told of the pause.
  const told = await suite().pool.query(
    `SELECT 1 FROM notification_outbox WHERE template = 'case.paused' AND recipient->>'caseId' = $1`,
    [caseId],
  );
  expect(told.rowCount).toBe(1);
});

test('missing the response deadline earns no extra resolution time: escalation sets a new deadline for the breached duty only', async () => {
  const { caseId } = await l().file();
  const resolution = (await row(caseId)).deadlines.resolution.dueAt;
  const r = await until(caseId, (x) => x.level === 'street_committee');
  expect(r.deadlines.resolution.dueAt).toBe(resolution);
  expect(Date.parse(r.deadlines.response.dueAt)).toBeGreaterThan(Date.parse(resolution) - 6_000);
  const escalated = (await l().events(caseId)).find((e) => e.type === 'escalated');
  expect((escalated?.payload.deadlines as { kind: string }[]).map((d) => d.kind)).toEqual(['response']);
  expect(escalated?.payload.reason).toContain('街道党工委');
});

test('at the top rung a case is urged on the cadence, each miss is recorded, and it is publicly noticed; the company stays the handler', async () => {
  const { caseId } = await l().file();
  const r = await until(caseId, (x) => x.publicly_noticed === true, 60_000);
  expect(r).toMatchObject({
    level: 'functional_department',
    handler_org_id: DEMO.propertyCompanyOrgId,
    supervisor_org_id: DEMO.departments.market,
  });
  const t = await types(caseId);
  expect(t).toContain('publicly_noticed');
  expect(t.filter((x) => x === 'urged').length).toBeGreaterThanOrEqual(2);
  const misses = (await records(caseId)).filter((x) => x.organization_id === DEMO.propertyCompanyOrgId);
  expect(misses.length).toBeGreaterThanOrEqual(4);
  // The department's Party organisation supervises: its staff may urge, the company still acknowledges.
  const market: Actor = { userId: 'u-market-test', role: 'handler', organizationId: DEMO.departments.market };
  await l().act(caseId, market, { type: 'urge', message: '请立即处理' });
  await l().act(caseId, actors.handler1, { type: 'acknowledge' });
});

test('still unsatisfied after rework escalates for 督办, and only the level above may close it as verified unreasonable', async () => {
  const { caseId } = await l().file();
  await l().act(caseId, actors.handler1, { type: 'acknowledge' });
  for (const summary of ['第一次', '第二次']) {
    await l().act(caseId, actors.handler1, { type: 'resolve', summary });
    await l().act(caseId, actors.resident1, { type: 'evaluate', satisfaction: 'unsatisfied', solved: false });
  }
  expect(await row(caseId)).toMatchObject({
    status: 'acknowledged',
    level: 'street_committee',
    awaiting_verification: true,
  });
  await expect(
    l().act(caseId, actors.community1, { type: 'close', ground: 'verified_unreasonable', reason: '核实' }),
  ).rejects.toMatchObject({ kind: 'forbidden' });
  await l().act(caseId, actors.street1, {
    type: 'close',
    ground: 'verified_unreasonable',
    reason: '经核实诉求超出物业服务范围',
  });
  expect(await row(caseId)).toMatchObject({ status: 'closed', outcome: 'unsatisfied_unreasonable' });
  // "Not solved" with a satisfied rating reworks too.
  const other = await l().file();
  await l().act(other.caseId, actors.handler1, { type: 'acknowledge' });
  await l().act(other.caseId, actors.handler1, { type: 'resolve', summary: '已修' });
  expect(
    await l().act(other.caseId, actors.resident1, { type: 'evaluate', satisfaction: 'satisfied', solved: false }),
  ).toMatchObject({ status: 'acknowledged' });
});

test('nobody closes a resolved case awaiting evaluation; a staff-filed case is evaluated by the community’s 回访', async () => {
  const { caseId } = await l().file({ residentUserId: null, householdId: null });
  await l().act(caseId, actors.handler1, { type: 'acknowledge' });
  await l().act(caseId, actors.handler1, { type: 'resolve', summary: '已修复' });
  await expect(
    l().act(caseId, actors.community1, { type: 'close', ground: 'invalid', reason: '结案' }),
  ).rejects.toMatchObject({ kind: 'conflict' });
  await expect(
    l().act(caseId, actors.handler1, {
      type: 'record_callback',
      channel: 'phone',
      satisfaction: 'satisfied',
      solved: true,
    }),
  ).rejects.toMatchObject({ kind: 'forbidden' });
  await l().act(caseId, actors.community1, {
    type: 'record_callback',
    channel: 'phone',
    satisfaction: 'satisfied',
    solved: true,
  });
  expect(await row(caseId)).toMatchObject({ status: 'closed', outcome: 'satisfied' });
  const evaluated = (await l().events(caseId)).find((e) => e.type === 'evaluated');
  expect(evaluated?.payload).toMatchObject({ channel: 'phone' });
  // Without a 回访 in the window, the committee answers for it.
  const lapsed = await l().file({ residentUserId: null, householdId: null });
  await l().act(lapsed.caseId, actors.handler1, { type: 'acknowledge' });
  await l().act(lapsed.caseId, actors.handler1, { type: 'resolve', summary: '已修复' });
  await until(lapsed.caseId, (r) => r.status === 'closed');
  expect(await records(lapsed.caseId)).toEqual([
    {
      organization_id: DEMO.communityOrgId,
      duty_code: 'community_committee.callback',
      source: 'silence',
      deadline_kind: 'evaluation',
    },
  ]);
});

test('a street take-over moves control up: the community may still urge but no longer decide', async () => {
  const { caseId } = await l().file();
  await expect(l().act(caseId, actors.community1, { type: 'take_over', reason: '本级' })).rejects.toMatchObject({
    kind: 'forbidden',
  });
  await l().act(caseId, actors.street1, { type: 'take_over', reason: '同类问题反复出现' });
  expect(await row(caseId)).toMatchObject({ level: 'street_committee', supervisor_org_id: DEMO.streetOrgId });
  await l().act(caseId, actors.community1, { type: 'urge', message: '请尽快处理' });
  await expect(
    l().act(caseId, actors.community1, { type: 'reroute', handlerOrgId: DEMO.ownersCommitteeOrgId, reason: '改派' }),
  ).rejects.toMatchObject({ kind: 'forbidden' });
  await l().act(caseId, actors.resident1, { type: 'withdraw' });
});

test('a merged case closes as merged, and its complainant follows the primary and may reopen it; its own complainant settles it', async () => {
  const primary = await l().file();
  const duplicate = await l().file({ residentUserId: DEMO_USERS.resident2, householdId: DEMO.resident2HouseholdId });
  const target = { caseId: primary.caseId, trackingCode: primary.trackingCode, compoundCode: DEMO.compound };
  await l().act(duplicate.caseId, actors.community1, { type: 'merge', primary: target, reason: '同一部电梯' });
  expect(await row(duplicate.caseId)).toMatchObject({
    status: 'closed',
    outcome: 'merged',
    merged_into: primary.caseId,
  });
  await until(primary.caseId, (r) => r.co_complainants.includes(DEMO_USERS.resident2));
  await l().act(primary.caseId, actors.handler1, { type: 'acknowledge' });
  await l().act(primary.caseId, actors.handler1, { type: 'resolve', summary: '已修复' });
  // The merged complainant cannot settle the primary for its own complainant, but can send it back.
  await expect(
    l().act(primary.caseId, actors.resident2, { type: 'evaluate', satisfaction: 'satisfied', solved: true }),
  ).rejects.toMatchObject({ kind: 'forbidden', field: 'case.co_complainant_settles' });
  await l().act(primary.caseId, actors.resident2, { type: 'evaluate', satisfaction: 'unsatisfied', solved: false });
  expect(await row(primary.caseId)).toMatchObject({ status: 'acknowledged', reopen_count: 1 });
  await l().act(primary.caseId, actors.handler1, { type: 'resolve', summary: '更换了门机板' });
  await l().act(primary.caseId, actors.resident1, { type: 'evaluate', satisfaction: 'satisfied', solved: true });
  expect(await row(primary.caseId)).toMatchObject({ status: 'closed', outcome: 'satisfied' });
});

test('text PostgreSQL cannot store does not freeze a case: it is stored repaired, reported, and the case still breaches and escalates on time', async () => {
  const { caseId } = await l().file();
  await l().act(caseId, actors.handler1, { type: 'acknowledge' });
  // Past the API (which refuses it with a 400), straight to the workflow.
  const handle = suite().t.client.workflow.getHandle(`case-${caseId}`);
  const note = 'a\u0000b\ud800';
  await handle.executeUpdate(actionUpdates.progress, {
    args: [{ requestId: 'nul-note', actor: actors.handler1, action: { type: 'progress', note } }],
  });
  const progress = (await l().events(caseId)).find((e) => e.type === 'progress_reported');
  expect(progress?.payload.note).toBe('a\ufffdb\ufffd');
  const failures = await suite().pool.query('SELECT sqlstate, repaired FROM event_write_failures WHERE case_id = $1', [
    caseId,
  ]);
  expect(failures.rows).toEqual([{ sqlstate: expect.stringMatching(/^22/), repaired: true }]);
  const due = Date.parse((await row(caseId)).deadlines.resolution.dueAt);
  await until(caseId, (r) => r.level === 'street_committee');
  const breached = (await l().events(caseId)).find((e) => e.type === 'breached');
  const at = new Date(breached!.at).getTime();
  expect(at).toBeGreaterThanOrEqual(due);
  expect(at - due).toBeLessThan(5_000);
  assertGapFree(await l().events(caseId));
});
