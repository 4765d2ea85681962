// The repeat-problem rule (重复问题) at intake, on the real Temporal dev server and PostgreSQL: demo-fast's agreement
// says three cases of one category in one building within one day. Each test uses its own building, and is written
// as what someone would try: count a repeat twice, pass another building's or a merged case off as a repeat, race
// two intakes, read another community's.
import { DEMO, DEMO_USERS } from '../../db/seed-data';
import { DAY_MS } from '../../domain/hotspots';
import { listRepeatProblems } from '../../db/queries/repeat-problems';
import { fileCase } from '../../services/intake';
import { detectRepeatProblem } from '../../services/repeat-problems';
import { actors, demoIntake, loop } from '../helpers/cases';
import { useLoopSuite } from '../helpers/loop-suite';

// Deadlines of an hour and more: the cases wait quietly while the rule is tested.
const suite = useLoopSuite({ response: 3_600, resolution: 7_200, evaluation: 3_600 });
const l = () => loop(suite().t, suite().pool);
const HOUR = 3_600_000;

const fileIn = (building: string, over: { categoryCode?: string; at?: number; resident2?: boolean } = {}) =>
  l().file({
    categoryCode: over.categoryCode ?? 'lift',
    location: { building, unit: '1', room: '101' },
    ...(over.resident2 && { residentUserId: DEMO_USERS.resident2, householdId: DEMO.resident2HouseholdId }),
  });

async function problemsOf(building: string) {
  const { rows } = await suite().pool.query<{ id: string; cases: string[]; first: Date; last: Date }>(
    `SELECT rp.id, array_agg(c.tracking_code ORDER BY c.created_at) AS cases, rp.first_case_at AS first, rp.last_case_at AS last
       FROM repeat_problems rp JOIN repeat_problem_cases l ON l.repeat_problem_id = rp.id JOIN cases c ON c.id = l.case_id
      WHERE rp.compound_code = $1 AND rp.building = $2 GROUP BY rp.id ORDER BY rp.first_case_at`,
    [DEMO.compound, building],
  );
  return rows;
}

async function noticesOf(ids: string[]) {
  const { rows } = await suite().pool.query(
    `SELECT dedupe_key, channel, recipient, template, payload FROM notification_outbox
      WHERE template = 'repeat_problem' AND payload->>'repeatProblemId' = ANY($1::text[])`,
    [ids],
  );
  return rows;
}

test('the third lift case in one building within the window raises one repeat problem and one notice to the community', async () => {
  const a = await fileIn('11');
  const b = await fileIn('11', { resident2: true });
  expect(await problemsOf('11')).toEqual([]);
  const c = await fileIn('11');
  const problems = await problemsOf('11');
  expect(problems.map((p) => p.cases)).toEqual([[a.trackingCode, b.trackingCode, c.trackingCode]]);
  expect(await noticesOf([problems[0].id])).toEqual([
    {
      dedupe_key: `repeat-problem:${problems[0].id}`,
      channel: 'in_app',
      recipient: { organizationId: DEMO.communityOrgId },
      template: 'repeat_problem',
      payload: {
        repeatProblemId: problems[0].id,
        compoundCode: DEMO.compound,
        compoundZh: '金湖苑（演示）',
        compoundEn: 'Jinhu Court (demo)',
        building: '11',
        categoryCode: 'lift',
        categoryZh: expect.any(String),
        categoryEn: expect.any(String),
        count: 3,
        windowDays: 1,
      },
    },
  ]);

  // A fourth case within the window joins it: no second repeat problem, no second notice.
  const d = await fileIn('11');
  const after = await problemsOf('11');
  expect(after.map((p) => [p.id, p.cases])).toEqual([
    [problems[0].id, [a.trackingCode, b.trackingCode, c.trackingCode, d.trackingCode]],
  ]);
  expect(await noticesOf([problems[0].id])).toHaveLength(1);
  // Running the rule again for a case (a retried intake) changes nothing.
  await expect(detectRepeatProblem(suite().pool, d.caseId)).resolves.toEqual({
    kind: 'extended',
    repeatProblemId: problems[0].id,
  });
  expect((await problemsOf('11'))[0].cases).toHaveLength(4);
});

test('the same category in other buildings, or other categories in the building, are no repeat', async () => {
  await fileIn('21');
  await fileIn('22');
  await fileIn('23');
  await fileIn('24', { categoryCode: 'lift' });
  await fileIn('24', { categoryCode: 'leak' });
  await fileIn('24', { categoryCode: 'greenery' });
  for (const b of ['21', '22', '23', '24']) expect(await problemsOf(b)).toEqual([]);
});

test('a merged case does not count towards a repeat', async () => {
  const primary = await fileIn('31');
  const duplicate = await fileIn('31', { resident2: true });
  const target = { caseId: primary.caseId, trackingCode: primary.trackingCode, compoundCode: DEMO.compound };
  await l().act(duplicate.caseId, actors.community1, { type: 'merge', primary: target, reason: '同一部电梯' });
  await fileIn('31');
  expect(await problemsOf('31')).toEqual([]);
  const fourth = await fileIn('31');
  expect((await problemsOf('31')).map((p) => p.cases.length)).toEqual([3]);
  expect((await problemsOf('31'))[0].cases).toContain(fourth.trackingCode);
  expect((await problemsOf('31'))[0].cases).not.toContain(duplicate.trackingCode);
});

test('a case closed as a duplicate does not count towards a repeat', async () => {
  await fileIn('32');
  const duplicate = await fileIn('32', { resident2: true });
  await l().act(duplicate.caseId, actors.community1, { type: 'close', ground: 'duplicate', reason: '与前一件重复' });
  await fileIn('32');
  expect(await problemsOf('32')).toEqual([]);
  await fileIn('32');
  expect((await problemsOf('32')).map((p) => p.cases.includes(duplicate.trackingCode))).toEqual([false]);
});

test('intakes racing into the same building raise one repeat problem with every case, and one notice', async () => {
  await fileIn('41');
  const racing = await Promise.all([fileIn('41'), fileIn('41', { resident2: true }), fileIn('41'), fileIn('41')]);
  const problems = await problemsOf('41');
  expect(problems).toHaveLength(1);
  expect(problems[0].cases).toHaveLength(5);
  expect(problems[0].cases).toEqual(expect.arrayContaining(racing.map((r) => r.trackingCode)));
  expect(await noticesOf([problems[0].id])).toHaveLength(1);
});

test('after the window has passed, a new repeat starts only when N cases are again within it', async () => {
  const svc = { pool: suite().pool, temporal: suite().t.client, taskQueue: suite().t.taskQueue };
  const t0 = Date.now() + 10 * DAY_MS;
  const at = (ms: number) => fileCase(svc, demoIntake({ location: { building: '51' } }), t0 + ms);
  await at(0);
  await at(HOUR);
  await at(2 * HOUR);
  expect(await problemsOf('51')).toHaveLength(1);
  // Two days on: the first repeat's window is over, so these neither extend it nor count with its cases.
  await at(2 * DAY_MS);
  await at(2 * DAY_MS + HOUR);
  expect(await problemsOf('51')).toHaveLength(1);
  expect((await problemsOf('51'))[0].cases).toHaveLength(3);
  await at(2 * DAY_MS + 2 * HOUR);
  const problems = await problemsOf('51');
  expect(problems.map((p) => [p.cases.length, p.first.getTime() - t0, p.last.getTime() - t0])).toEqual([
    [3, 0, 2 * HOUR],
    [3, 2 * DAY_MS, 2 * DAY_MS + 2 * HOUR],
  ]);
  expect(await noticesOf(problems.map((p) => p.id))).toHaveLength(2);
});

test('a repeat problem is seen by its community, street and property company, not by another community or company', async () => {
  await fileIn('61');
  await fileIn('61');
  await fileIn('61');
  const seen = async (scope: Parameters<typeof listRepeatProblems>[1]) =>
    (await listRepeatProblems(suite().pool, scope, { openOnly: true, limit: 200 })).some((p) => p.building === '61');
  expect(await seen({ kind: 'supervisor', orgId: DEMO.communityOrgId })).toBe(true);
  expect(await seen({ kind: 'supervisor', orgId: DEMO.streetOrgId })).toBe(true);
  expect(await seen({ kind: 'supervisor', orgId: DEMO.organizationDepartmentId })).toBe(true);
  expect(await seen({ kind: 'handler', orgId: DEMO.propertyCompanyOrgId })).toBe(true);
  expect(await seen({ kind: 'all' })).toBe(true);
  expect(await seen({ kind: 'supervisor', orgId: DEMO.siblingCommunityOrgId })).toBe(false);
  expect(await seen({ kind: 'supervisor', orgId: DEMO.otherStreetOrgId })).toBe(false);
  expect(await seen({ kind: 'handler', orgId: DEMO.siblingPropertyCompanyOrgId })).toBe(false);
  expect(await seen({ kind: 'resident', userId: DEMO_USERS.resident1 })).toBe(false);
});
