// The rates over cases driven through the real loop — real workflows, real timers, real activities writing the
// projection and history — on demo-fast (its agreement sped up to seconds) and lakeview (working days): on time,
// breached twice over, reworked, not evaluated, returned and re-routed, escalated to a department's Party
// organisation, unsatisfied past the rework limit. Every rate, numerator and denominator is asserted against the
// outcome each case was driven to (table below).
import { addCalendarDays, cstDate } from '../../domain/calendar';
import { DEMO, DEMO_USERS } from '../../db/seed-data';
import { listScopeFor } from '../../api/visibility';
import { ratesByGroup } from '../../api/routes/stats-common';
import { actors, eventually, loop } from '../helpers/cases';
import { useLoopSuite } from '../helpers/loop-suite';
import { rateOf } from './fixtures';

// demo-fast: 15 s to respond, 30 s to resolve, 4 s to evaluate.
const suite = useLoopSuite({ response: 15, resolution: 30, evaluation: 4 });
const l = () => loop(suite().t, suite().pool);
const resident3 = { userId: DEMO_USERS.resident3, role: 'resident' as const, organizationId: null };
const lakeview = { compoundCode: DEMO.siblingCompound, householdId: 'hh-lakeview-1-1-101', residentUserId: DEMO_USERS.resident3, categoryCode: 'repairs' };
const ok = { type: 'evaluate' as const, satisfaction: 'satisfied' as const, solved: true };

const ids: Record<string, string> = {};

async function drive(): Promise<void> {
  const { act } = l();
  const file = async (name: string, over: Parameters<ReturnType<typeof l>['file']>[0] = {}) => (ids[name] = (await l().file(over)).caseId);
  // E1 on time and satisfied.
  await file('E1');
  await act(ids.E1, actors.handler1, { type: 'acknowledge' });
  await act(ids.E1, actors.handler1, { type: 'resolve', summary: '已修复' });
  await act(ids.E1, actors.resident1, ok);
  // E2 不满意 → 重办 → basically satisfied (the second evaluation counts).
  await file('E2');
  await act(ids.E2, actors.handler1, { type: 'acknowledge' });
  await act(ids.E2, actors.handler1, { type: 'resolve', summary: '第一次' });
  await act(ids.E2, actors.resident1, { type: 'evaluate', satisfaction: 'unsatisfied', solved: false });
  await act(ids.E2, actors.handler1, { type: 'resolve', summary: '第二次' });
  await act(ids.E2, actors.resident1, { type: 'evaluate', satisfaction: 'basically_satisfied', solved: true });
  // E3 resolved, never evaluated: closes as not_evaluated after 4 s.
  await file('E3');
  await act(ids.E3, actors.handler1, { type: 'acknowledge' });
  await act(ids.E3, actors.handler1, { type: 'resolve', summary: '已处理' });
  // E4 nobody acknowledges: the response deadline breaches and the case escalates.
  await file('E4');
  // E5 returned unacknowledged (回退), re-routed to the owners' committee, which handles it.
  await file('E5', { categoryCode: 'greenery' });
  await act(ids.E5, actors.handler1, { type: 'return', reason: '公共绿地属业委会自管' });
  await act(ids.E5, actors.community1, { type: 'reroute', handlerOrgId: DEMO.ownersCommitteeOrgId, reason: '转业委会' });
  await act(ids.E5, actors.owners1, { type: 'acknowledge' });
  await act(ids.E5, actors.owners1, { type: 'resolve', summary: '已修剪' });
  await act(ids.E5, actors.resident1, ok);
  // E9 acknowledged, never resolved: the resolution deadline breaches.
  await file('E9');
  await act(ids.E9, actors.handler1, { type: 'acknowledge' });
  // lakeview. E6 up the ladder to urban management's Party organisation, which supervises the company's work on it.
  await file('E6', { ...lakeview, categoryCode: 'noise' });
  await act(ids.E6, actors.community1, { type: 'escalate', reason: '夜间施工' });
  await act(ids.E6, actors.street1, { type: 'report', reason: '需执法' });
  await act(ids.E6, actors.orgdept1, { type: 'forward', departmentOrgId: DEMO.departments.urban, reason: '转城管' });
  await act(ids.E6, actors.handler2, { type: 'acknowledge' });
  await act(ids.E6, actors.handler2, { type: 'resolve', summary: '已停工' });
  await act(ids.E6, resident3, ok);
  // E7 unsatisfied twice: reworked once, then past the rework limit it escalates to the street for 督办 (not closed),
  // which verifies the demand unreasonable and closes it (诉求合理性核实).
  await file('E7', lakeview);
  await act(ids.E7, actors.handler2, { type: 'acknowledge' });
  await act(ids.E7, actors.handler2, { type: 'resolve', summary: '一' });
  await act(ids.E7, resident3, { type: 'evaluate', satisfaction: 'unsatisfied', solved: false });
  await act(ids.E7, actors.handler2, { type: 'resolve', summary: '二' });
  await act(ids.E7, resident3, { type: 'evaluate', satisfaction: 'unsatisfied', solved: false });
  await act(ids.E7, actors.street1, { type: 'close', ground: 'verified_unreasonable', reason: '经核实，诉求超出物业服务范围' });
  // E8 on time and satisfied.
  await file('E8', lakeview);
  await act(ids.E8, actors.handler2, { type: 'acknowledge' });
  await act(ids.E8, actors.handler2, { type: 'resolve', summary: '好了' });
  await act(ids.E8, resident3, ok);
  // E10 illegal construction: urban management's from intake; basically satisfied but not solved, so reworked.
  await file('E10', { ...lakeview, categoryCode: 'illegal_construction' });
  await act(ids.E10, actors.department1, { type: 'acknowledge' });
  await act(ids.E10, actors.department1, { type: 'resolve', summary: '已立案' });
  await act(ids.E10, resident3, { type: 'evaluate', satisfaction: 'basically_satisfied', solved: false });
}

beforeAll(async () => {
  await drive();
  // Wait for the clock's part: E3 closed unevaluated, E4 and E9 escalated after their breaches.
  await eventually(async () => {
    const { rows } = await suite().pool.query('SELECT id, outcome, escalation_count FROM cases WHERE id = ANY($1::uuid[])', [[ids.E3, ids.E4, ids.E9]]);
    const by = new Map(rows.map((r) => [r.id, r]));
    return by.get(ids.E3)?.outcome === 'not_evaluated' && by.get(ids.E4)?.escalation_count > 0 && by.get(ids.E9)?.escalation_count > 0;
  }, 90_000);
}, 180_000);

type E = [cases: number, response: [number, number], resolution: [number, number], satisfaction: [number, number], onTime: [number, number], rework: [number, number], escalation: [number, number], ret: [number, number]];
const rates = ([cases, response, resolution, satisfaction, onTime, rework, escalation, ret]: E) => ({
  cases,
  responseRate: rateOf(...response),
  resolutionRate: rateOf(...resolution),
  satisfactionRate: rateOf(...satisfaction),
  onTimeResolutionRate: rateOf(...onTime),
  reworkRate: rateOf(...rework),
  escalationRate: rateOf(...escalation),
  returnRate: rateOf(...ret),
});
// pc-demo-fast: E1 E2 E3 E4 E5 E9 — responded E1 E2 E3 E9; evaluated E1 E2 E5, all solved and satisfied;
// resolved E1 E2 E3 E5, all in time; reworked E2; escalated E4 E9; returned E5.
// pc-lakeview: E6 E7 E8 — responded all three (a forward leaves E6 with the company); evaluated all three, solved
// and satisfied E6 E8; resolved E6 E8 (E7's rework never ended in a resolution); reworked E7; escalated E6 E7.
// dept-urban: E10, evaluated basically satisfied but not solved, so in rework: not resolved.
// prettier-ignore
const HANDLERS: Record<string, E> = {
  'dept-urban':   [1, [1, 1], [0, 1], [1, 1], [0, 0], [1, 1], [0, 1], [0, 1]],
  'pc-demo-fast': [6, [4, 6], [3, 3], [3, 3], [4, 4], [1, 3], [2, 6], [1, 6]],
  'pc-lakeview':  [3, [3, 3], [2, 3], [2, 3], [2, 2], [1, 3], [2, 3], [0, 3]],
};
// All ten are in 金鸡湖社区 (comm-jinji) under 湖西街道 (street-huxi).
// prettier-ignore
const ALL: E = [10, [8, 10], [5, 7], [6, 7], [6, 6], [3, 7], [4, 10], [1, 10]];

const today = cstDate(Date.now());
// A day either side, so a run across midnight China time still holds every case.
const period = { from: addCalendarDays(today, -1), to: addCalendarDays(today, 2) };
/** The rates without the median, which is a number exactly when something was resolved (its span is clock time). */
const without = <T extends { medianHandlingMs: unknown; onTimeResolutionRate: { denominator: number } }>(r: T) => {
  const { medianHandlingMs, ...rest } = r;
  expect(medianHandlingMs).toEqual(r.onTimeResolutionRate.denominator === 0 ? null : expect.any(Number));
  return rest;
};

test('per handler, every rate of the driven cases matches their outcomes', async () => {
  const { items } = await ratesByGroup(suite().pool, period, { kind: 'all' }, 'handler');
  expect(Object.fromEntries(items.map((i) => [i.id, without(i.rates)]))).toEqual(Object.fromEntries(Object.entries(HANDLERS).map(([id, e]) => [id, rates(e)])));
});

test('per community and per street, seen by the community and the street committee', async () => {
  const community = await ratesByGroup(suite().pool, period, listScopeFor(actors.community1), 'community');
  expect(community.items.map((i) => [i.id, without(i.rates)])).toEqual([['comm-jinji', rates(ALL)]]);
  const street = await ratesByGroup(suite().pool, period, listScopeFor(actors.street1), 'street');
  expect(street.items.map((i) => [i.id, without(i.rates)])).toEqual([['street-huxi', rates(ALL)]]);
  // The sibling community sees none of them.
  expect((await ratesByGroup(suite().pool, period, listScopeFor(actors.community2), 'community')).items).toEqual([]);
});

test('the breaches left accountability records against the handler, naming the duty', async () => {
  const { rows } = await suite().pool.query(
    `SELECT case_id, duty_code FROM accountability_records WHERE case_id = ANY($1::uuid[]) AND source = 'breach' ORDER BY created_at`,
    [[ids.E4, ids.E9]],
  );
  expect(rows.find((r) => r.case_id === ids.E4)?.duty_code).toBe('property_company.respond_in_time');
  expect(rows.find((r) => r.case_id === ids.E9)?.duty_code).toBe('property_company.resolve_in_time');
});

test('repeated dissatisfaction escalated instead of closing, and "not solved" brought rework whatever the satisfaction', async () => {
  const { rows } = await suite().pool.query('SELECT id, status, level, outcome, reopen_count FROM cases WHERE id = ANY($1::uuid[])', [[ids.E7, ids.E10]]);
  const by = new Map(rows.map((r) => [r.id, r]));
  expect(by.get(ids.E7)).toMatchObject({ status: 'closed', level: 'street_committee', outcome: 'unsatisfied_unreasonable', reopen_count: 2 });
  expect(by.get(ids.E10)).toMatchObject({ status: 'acknowledged', outcome: null, reopen_count: 1 });
  const records = await suite().pool.query(`SELECT organization_id, duty_code FROM accountability_records WHERE case_id = $1 AND source = 'unsatisfied'`, [ids.E7]);
  expect(records.rows).toEqual([{ organization_id: DEMO.siblingPropertyCompanyOrgId, duty_code: 'property_company.satisfy_residents' }]);
});
