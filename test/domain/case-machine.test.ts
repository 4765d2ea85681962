// The case state machine (domain/case-machine.ts + domain/case-state.ts) driven as caseWorkflow drives it:
// decide → commit (seq + 1, evolve), and the clock through timerEvents until nothing is due.
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import type { Actor, CaseAction, CaseEvent, DeadlineState } from '../../domain/actions';
import { ACTION_TYPES } from '../../domain/actions';
import { createCalendar, cstTime, isWorkingMoment, reminderTimes } from '../../domain/calendar';
import { decide, makeDeadline, nextWakeUp, timerEvents } from '../../domain/case-machine';
import { evolve, initialState, stageOf, type CaseIntake, type CaseState } from '../../domain/case-state';
import { LEVELS, SATISFACTIONS, type Duration, type Level, type Status } from '../../domain/types';
import {
  BEFORE_NATIONAL_DAY,
  CALENDAR,
  CaseRun,
  DAY,
  SECOND,
  T0,
  actors,
  deepFreeze,
  fastIntake,
  ids,
  sampleActions,
  seconds,
  typesOf,
  workdayIntake,
  workingDays,
  type ActorName,
} from './fixtures';

const s = (n: number) => T0 + n * SECOND;
const cst = (date: string, hour: number, minute = 0) => cstTime(date, hour, minute);
const cal = createCalendar(CALENDAR);

/** A demo-fast case already in `status`, at community level, with the clock at T0 + 5 s. */
function caseIn(status: Status): CaseRun {
  const run = new CaseRun(fastIntake());
  if (status === 'acknowledged' || status === 'resolved') run.must(actors.handler, sampleActions.acknowledge, s(2));
  if (status === 'resolved') run.must(actors.handler, sampleActions.resolve, s(4));
  if (status === 'returned') run.must(actors.handler, sampleActions.return, s(2));
  if (status === 'closed') run.must(actors.resident1, sampleActions.withdraw, s(2));
  return run;
}

describe('intake and stages', () => {
  test('a filed case is recorded and dispatched to the property company under the community committee, with its clocks started', () => {
    const run = new CaseRun(fastIntake());
    expect(run.log).toMatchObject([
      { seq: 1, type: 'submitted', categoryCode: 'lift', compoundCode: 'demo-fast', at: T0 },
      { seq: 2, type: 'dispatched', handlerOrgId: ids.handler, supervisorOrgId: ids.community, level: 'community_committee', at: T0 },
    ]);
    expect(run.state).toMatchObject({ status: 'dispatched', level: 'community_committee', currentHandlerOrgId: ids.handler, supervisorOrgId: ids.community });
    expect(run.state.deadlines.response).toEqual({
      kind: 'response', startedAt: T0, dueAt: s(15), duration: seconds(15), reminderAt: [s(7.5), s(11.25)], remindersSent: 0, extended: 0, breachedAt: null,
    });
    expect(run.state.deadlines.resolution).toMatchObject({ dueAt: s(60), reminderAt: [s(30), s(45)] });
    expect(run.state.firstResponseDueAt).toBe(s(15));
    expect(run.state.firstResolutionDueAt).toBe(s(60));
    expect(nextWakeUp(run.state)).toBe(s(7.5));
    expect(stageOf(run.state)).toBe('respond');
  });

  test.each<[string, Status, Level, boolean, string]>([
    ['a submitted case is being collected', 'submitted', 'community_committee', false, 'collect'],
    ['a dispatched case at community level is in response', 'dispatched', 'community_committee', false, 'respond'],
    ['an acknowledged case at community level is in response', 'acknowledged', 'community_committee', false, 'respond'],
    ['a returned case waits for re-routing in response', 'returned', 'community_committee', false, 'respond'],
    ['a case with a follow-up owner is followed up', 'dispatched', 'community_committee', true, 'follow_up'],
    ['a case escalated to the street is followed up', 'acknowledged', 'street_committee', false, 'follow_up'],
    ['a forwarded case is followed up', 'dispatched', 'functional_department', false, 'follow_up'],
    ['a resolved case is being evaluated', 'resolved', 'street_committee', true, 'evaluate'],
    ['a closed case is closed', 'closed', 'organization_department', true, 'closed'],
  ])('stageOf: %s', (_name, status, level, owner, stage) => {
    expect(stageOf({ status, level, followUpOwner: owner ? { kind: 'party_member', id: ids.partyMember } : null })).toBe(stage);
  });
});

describe('the happy path', () => {
  test('acknowledged, followed up by the linked party member, resolved and evaluated satisfied: closed with a gap-free timeline', () => {
    const run = new CaseRun(fastIntake());
    run.must(actors.handler, { type: 'acknowledge', note: '已联系业主' }, s(5));
    expect(run.state.deadlines.response).toBeUndefined();
    expect(run.state.acknowledgedAt).toBe(s(5));
    const [assigned] = run.must(actors.community, { type: 'assign_follow_up' }, s(6));
    // 党员联户: with no owner named, the party member linked to the household is suggested.
    expect(assigned).toMatchObject({ type: 'follow_up_assigned', owner: { kind: 'party_member', id: ids.partyMember }, suggested: true });
    expect(stageOf(run.state)).toBe('follow_up');
    run.must(actors.member1, { type: 'record_follow_up', findings: '现场核实电梯已停运' }, s(8));
    expect(run.tick(s(9))).toEqual([]);
    run.must(actors.handler, sampleActions.progress, s(10));
    run.must(actors.resident1, sampleActions.add_information, s(12));
    const [resolved] = run.must(actors.handler, sampleActions.resolve, s(20));
    expect(resolved).toMatchObject({ type: 'resolved', evidence: ['photo-1.jpg'], evaluationDeadline: { kind: 'evaluation', startedAt: s(20), dueAt: s(80) } });
    expect(stageOf(run.state)).toBe('evaluate');
    expect(Object.keys(run.state.deadlines)).toEqual(['evaluation']);
    run.must(actors.resident1, { type: 'evaluate', satisfaction: 'satisfied', solved: true }, s(30));

    expect(typesOf(run.log)).toEqual([
      'submitted', 'dispatched', 'acknowledged', 'follow_up_assigned', 'follow_up_recorded', 'progress_reported',
      'information_added', 'resolved', 'evaluated', 'closed',
    ]);
    expect(run.log.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(run.state).toMatchObject({ status: 'closed', outcome: 'satisfied', satisfaction: 'satisfied', solved: true, closedAt: s(30), deadlines: {}, overdue: false });
    expect(stageOf(run.state)).toBe('closed');
    expect(nextWakeUp(run.state)).toBeNull();
    expect(timerEvents(run.state, s(1000))).toEqual([]);
  });

  test('a follow-up owner may be named explicitly, and a household without a linked party member needs one', () => {
    const run = new CaseRun(fastIntake({ linkedPartyMemberId: null }));
    const d = run.act(actors.community, { type: 'assign_follow_up' }, s(1));
    expect(d).toEqual({ ok: false, code: 'case.invalid', reason: expect.stringContaining('no linked party member') });
    const [e] = run.must(actors.community, { type: 'assign_follow_up', owner: { kind: 'grid_branch', id: ids.gridBranch } }, s(2));
    expect(e).toMatchObject({ owner: { kind: 'grid_branch', id: ids.gridBranch }, suggested: false });
    expect(run.must(actors.member1, { type: 'record_follow_up', findings: '网格巡查', onSite: false }, s(3))).toMatchObject([{ onSite: false }]);
  });
});

describe('which action is legal in which status (with an actor the policy allows)', () => {
  const actorFor: Record<(typeof ACTION_TYPES)[number], ActorName> = {
    acknowledge: 'handler', progress: 'handler', resolve: 'handler', request_extension: 'handler', return: 'handler',
    decide_extension: 'community', reroute: 'community', assign_follow_up: 'community', record_follow_up: 'community',
    urge: 'community', escalate: 'community', close: 'community', report: 'street', forward: 'orgDept',
    evaluate: 'resident1', add_information: 'resident1', withdraw: 'resident1',
  };
  type Outcome = 'ok' | 'illegal' | 'forbidden' | 'invalid';
  const O: Outcome = 'ok', I: Outcome = 'illegal', F: Outcome = 'forbidden';
  // Columns: dispatched, acknowledged, returned, resolved, closed. All at community level, no follow-up owner,
  // no pending extension. A returned case has no handler, so handler actions are nobody's (forbidden).
  const table: Record<(typeof ACTION_TYPES)[number], Outcome[]> = {
    acknowledge: [O, I, F, I, I],
    progress: [I, O, F, I, I],
    resolve: [I, O, F, I, I],
    request_extension: [O, O, F, I, I],
    return: [O, O, F, I, I],
    decide_extension: [I, I, I, I, I],
    reroute: [O, O, O, I, I],
    assign_follow_up: [O, O, O, O, I],
    record_follow_up: [I, I, I, I, I],
    urge: [O, O, O, I, I],
    escalate: [O, O, O, I, I],
    report: [I, I, I, I, I],
    forward: [I, I, I, I, I],
    evaluate: [I, I, I, O, I],
    add_information: [O, O, O, O, I],
    withdraw: [O, O, O, I, I],
    close: [O, O, O, O, I],
  };
  const statuses: Status[] = ['dispatched', 'acknowledged', 'returned', 'resolved', 'closed'];
  const cases = ACTION_TYPES.flatMap((type) => statuses.map((status, i) => [type, status, table[type][i]] as const));

  test.each(cases)('%s on a %s case: %s', (type, status, expected) => {
    const run = caseIn(status);
    const before = structuredClone(run.state);
    const d = decide(deepFreeze(run.state), sampleActions[type], actors[actorFor[type]], s(5));
    expect(d.ok ? 'ok' : d.code.replace('case.', '').replace('_transition', '')).toBe(expected);
    if (d.ok) expect(d.events.length).toBeGreaterThan(0);
    else expect(d.reason).toMatch(/[\u4e00-\u9fff].*\(.+\)/); // Chinese first, English in brackets
    expect(run.state).toEqual(before);
  });

  test('a closed case refuses everything, even the system, with the same reason', () => {
    const run = caseIn('closed');
    for (const type of ACTION_TYPES) {
      expect(decide(run.state, sampleActions[type], actors.system, s(9))).toEqual({ ok: false, code: 'case.illegal_transition', reason: '工单已办结，不能再操作 (the case is closed)' });
    }
  });

  test('record_follow_up needs an assigned owner; decide_extension needs a pending request', () => {
    const run = caseIn('dispatched');
    expect(run.act(actors.community, sampleActions.record_follow_up, s(5))).toMatchObject({ ok: false, reason: expect.stringContaining('no follow-up owner') });
    expect(run.act(actors.community, sampleActions.decide_extension, s(5))).toMatchObject({ ok: false, reason: expect.stringContaining('no extension request is pending') });
  });
});

describe('escalation ladder by hand', () => {
  /** A dispatched case brought to `level` by the supervisors' own actions. */
  function atLevel(level: Level): CaseRun {
    const run = caseIn('dispatched');
    if (level === 'community_committee') return run;
    run.must(actors.community, sampleActions.escalate, s(3));
    if (level === 'street_committee') return run;
    run.must(actors.street, sampleActions.report, s(4));
    if (level === 'organization_department') return run;
    run.must(actors.orgDept, sampleActions.forward, s(5));
    return run;
  }
  const moves: [string, ActorName, CaseAction][] = [
    ['escalate', 'community', sampleActions.escalate],
    ['report', 'street', sampleActions.report],
    ['forward', 'orgDept', sampleActions.forward],
  ];
  const legalAt: Record<string, Level> = { escalate: 'community_committee', report: 'street_committee', forward: 'organization_department' };

  test.each(LEVELS.flatMap((level) => moves.map(([name, who, action]) => [name, level, who, action] as const)))(
    '%s at %s level is legal only one rung below its target',
    (name, level, who, action) => {
      const d = decide(atLevel(level).state, action, actors[who], s(6));
      if (legalAt[name] === level) expect(d.ok).toBe(true);
      else expect(d).toMatchObject({ ok: false, code: 'case.illegal_transition' });
    },
  );

  test('each step names who escalated, why, the new supervisor or handler and restarts the deadlines', () => {
    const run = caseIn('dispatched');
    const [esc] = run.must(actors.community, { type: 'escalate', reason: '多次催办无果' }, s(3));
    expect(esc).toMatchObject({ type: 'escalated', fromLevel: 'community_committee', toLevel: 'street_committee', supervisorOrgId: ids.street, automatic: false, reason: '多次催办无果', actor: actors.community });
    expect(run.state.deadlines.response).toMatchObject({ startedAt: s(3), dueAt: s(18) });
    expect(run.state.deadlines.resolution).toMatchObject({ startedAt: s(3), dueAt: s(63) });
    const [rep] = run.must(actors.street, sampleActions.report, s(4));
    expect(rep).toMatchObject({ type: 'reported', toOrgId: ids.orgDept, automatic: false });
    expect(run.state).toMatchObject({ level: 'organization_department', supervisorOrgId: ids.orgDept, escalationCount: 2, currentHandlerOrgId: ids.handler });
    const [fwd] = run.must(actors.orgDept, { type: 'forward', departmentOrgId: ids.housing, reason: '住建局监管' }, s(5));
    expect(fwd).toMatchObject({ type: 'forwarded', departmentOrgId: ids.housing, automatic: false });
    expect(run.state).toMatchObject({ level: 'functional_department', status: 'dispatched', currentHandlerOrgId: ids.housing });
    expect(run.state.deadlines.response).toMatchObject({ startedAt: s(5), dueAt: s(20) });
    // The property company is no longer the handler; the department is.
    expect(run.act(actors.handler, sampleActions.acknowledge, s(6))).toMatchObject({ ok: false, code: 'case.forbidden' });
    run.must(actors.housing, sampleActions.acknowledge, s(6));
    // The community committee still follows up, and the resident still evaluates.
    run.must(actors.community, sampleActions.assign_follow_up, s(7));
    run.must(actors.housing, sampleActions.resolve, s(8));
    run.must(actors.resident1, { type: 'evaluate', satisfaction: 'basically_satisfied', solved: true }, s(9));
    expect(run.state).toMatchObject({ status: 'closed', outcome: 'basically_satisfied' });
  });
});

describe('extensions (延期)', () => {
  const ask = (deadline: 'response' | 'resolution', by = 10): CaseAction => ({ type: 'request_extension', deadline, extendBy: seconds(by), reason: '等配件' });

  test('an extension asked at or after the deadline is refused', () => {
    const run = caseIn('dispatched');
    for (const at of [s(15), s(16)]) {
      expect(run.act(actors.handler, ask('response'), at)).toEqual({ ok: false, code: 'case.illegal_transition', reason: '时限已过，不能申请延期 (the deadline has passed: an extension must be asked before it)' });
    }
    expect(run.act(actors.handler, ask('response'), s(14.999))).toMatchObject({ ok: true });
  });

  test('an extension approved before expiry moves the due and recomputes the reminders from the approval', () => {
    const run = caseIn('dispatched');
    run.tick(s(8)); // the 50 % reminder of the response deadline went out
    expect(run.state.deadlines.response?.remindersSent).toBe(1);
    const [asked] = run.must(actors.handler, ask('response', 10), s(9));
    expect(asked).toMatchObject({ type: 'extension_requested', deadline: 'response', proposedDueAt: s(25) });
    expect(run.state.pendingExtension).toEqual({ deadline: 'response', extendBy: seconds(10), proposedDueAt: s(25), reason: '等配件', requestedAt: s(9) });
    expect(run.act(actors.handler, ask('resolution'), s(9.5))).toMatchObject({ ok: false, reason: expect.stringContaining('already pending') });
    const [decided] = run.must(actors.community, { type: 'decide_extension', approve: true, reason: '同意' }, s(13));
    expect(decided).toMatchObject({ type: 'extension_decided', approve: true, deadline: 'response', newDueAt: s(25) });
    expect(run.state.pendingExtension).toBeNull();
    expect(run.state.deadlines.response).toEqual({
      kind: 'response', startedAt: T0, dueAt: s(25), duration: seconds(15), reminderAt: [s(19), s(22)], remindersSent: 0, extended: 1, breachedAt: null,
    });
    expect(nextWakeUp(run.state)).toBe(s(19));
    expect(run.tick(s(15))).toEqual([]); // the old due passes quietly
    expect(typesOf(run.tick(s(25)))).toEqual(['breached', 'accountability_recorded', 'escalated']);
  });

  test('an approval after expiry is refused, a refusal is still recorded', () => {
    const run = caseIn('dispatched');
    run.must(actors.handler, ask('response'), s(10));
    expect(run.act(actors.community, { type: 'decide_extension', approve: true }, s(15))).toEqual({
      ok: false, code: 'case.illegal_transition', reason: '时限已过，延期只能在到期前批准 (the deadline has passed: an extension can only be approved before it)',
    });
    expect(run.must(actors.street, { type: 'decide_extension', approve: false, reason: '不同意' }, s(15))).toMatchObject([{ type: 'extension_decided', approve: false, newDueAt: null }]);
    expect(run.state.deadlines.response?.dueAt).toBe(s(15));
  });

  test('a request still pending when its deadline passes is refused automatically at the breach', () => {
    const run = caseIn('dispatched');
    run.must(actors.handler, ask('response'), s(10));
    const events = run.tick(s(15));
    expect(events).toMatchObject([
      { type: 'extension_decided', approve: false, deadline: 'response', newDueAt: null, reason: '到期前未获批准 (not approved before the deadline)', actor: actors.system },
      { type: 'breached', deadline: 'response' },
      { type: 'accountability_recorded' },
      { type: 'escalated' },
    ]);
    expect(run.state.pendingExtension).toBeNull();
  });

  test('there is no deadline to extend on a resolved or returned case, nor a response deadline once acknowledged', () => {
    expect(decide(caseIn('resolved').state, ask('resolution'), actors.handler, s(5))).toMatchObject({ ok: false, reason: expect.stringContaining('no running resolution deadline') });
    expect(decide(caseIn('acknowledged').state, ask('response'), actors.handler, s(5))).toMatchObject({ ok: false, reason: expect.stringContaining('no running response deadline') });
  });

  test('in working days, the extension is counted on the calendar from the current due', () => {
    const run = new CaseRun(workdayIntake());
    run.must(actors.handler, { type: 'request_extension', deadline: 'resolution', extendBy: workingDays(2), reason: '节后施工' }, cst('2025-10-09', 10));
    // Due Thu 10-16 18:00; +2 working days: Fri 10-17, Mon 10-20.
    expect(run.state.pendingExtension?.proposedDueAt).toBe(cst('2025-10-20', 18));
  });

  // Regression: a pending request used to survive a restart of the deadline it refers to, and approving it set the
  // due to the stale proposedDueAt, moving the due earlier (into the past). The request now lapses with its deadline.
  test.each<[string, () => CaseRun, number]>([
    ['a response breach escalated the case', () => {
      const run = caseIn('dispatched');
      run.must(actors.handler, ask('resolution', 1), s(5)); // proposes 60 s + 1 s
      run.tick(s(15)); // the resolution deadline restarts: 15 s → 75 s
      return run;
    }, s(20)],
    ['the community escalated it by hand', () => {
      const run = caseIn('acknowledged');
      run.must(actors.handler, ask('resolution', 1), s(5));
      run.must(actors.community, sampleActions.escalate, s(15));
      return run;
    }, s(65)],
    ['it was re-routed to another handler, who never asked for it', () => {
      const run = caseIn('acknowledged');
      run.must(actors.handler, ask('resolution', 1), s(5));
      run.must(actors.community, sampleActions.reroute, s(15));
      run.must(actors.owners, sampleActions.acknowledge, s(16));
      return run;
    }, s(65)],
  ])('an approved extension never moves a deadline earlier, also when %s', (_name, setup, approveAt) => {
    const run = setup();
    expect(run.state.deadlines.resolution?.dueAt).toBe(s(75));
    run.act(actors.community, { type: 'decide_extension', approve: true }, approveAt);
    expect(run.state.deadlines.resolution?.dueAt).toBeGreaterThanOrEqual(s(75));
    expect(typesOf(run.tick(approveAt))).not.toContain('breached');
  });

  // Regression: acknowledging removed the response deadline but kept a pending request to extend it, which then
  // blocked a request about the resolution deadline ("already pending").
  test('after acknowledging, a moot response-extension request does not block a resolution extension', () => {
    const run = caseIn('dispatched');
    run.must(actors.handler, ask('response'), s(5));
    run.must(actors.handler, sampleActions.acknowledge, s(6));
    expect(run.act(actors.handler, ask('resolution', 30), s(7))).toMatchObject({ ok: true });
  });
});

describe('return (回退) and re-route', () => {
  test('a returned case waits for the supervisor; the new handler\'s deadlines start at the re-route', () => {
    const run = caseIn('acknowledged');
    const [ret] = run.must(actors.handler, { type: 'return', reason: '属业委会职责' }, s(5));
    expect(ret).toMatchObject({ type: 'returned', reason: '属业委会职责', handlerOrgId: ids.handler });
    expect(run.state).toMatchObject({ status: 'returned', currentHandlerOrgId: null, deadlines: {}, returnedCount: 1, overdue: false });
    expect(nextWakeUp(run.state)).toBeNull();
    expect(run.tick(s(500))).toEqual([]);
    expect(run.act(actors.handler, sampleActions.acknowledge, s(500))).toMatchObject({ ok: false, code: 'case.forbidden' });
    expect(run.act(actors.community, { type: 'reroute', handlerOrgId: ids.ownersCommittee, reason: '改派' }, s(500))).toMatchObject({ ok: true });
    expect(run.log.at(-1)).toMatchObject({ type: 'dispatched', handlerOrgId: ids.ownersCommittee, supervisorOrgId: ids.community, level: 'community_committee', reason: '改派' });
    expect(run.state).toMatchObject({ status: 'dispatched', currentHandlerOrgId: ids.ownersCommittee, firstResponseDueAt: s(15), dispatchedAt: T0 });
    expect(run.state.deadlines.response).toMatchObject({ startedAt: s(500), dueAt: s(515), reminderAt: [s(507.5), s(511.25)] });
    expect(run.state.deadlines.resolution).toMatchObject({ startedAt: s(500), dueAt: s(560) });
    run.must(actors.owners, sampleActions.acknowledge, s(501));
  });

  test('re-routing to the current handler is invalid; a resolved case cannot be re-routed', () => {
    expect(decide(caseIn('dispatched').state, { type: 'reroute', handlerOrgId: ids.handler, reason: 'x' }, actors.community, s(5))).toMatchObject({ ok: false, code: 'case.invalid' });
    expect(decide(caseIn('resolved').state, sampleActions.reroute, actors.community, s(5))).toMatchObject({ ok: false, code: 'case.illegal_transition' });
  });
});

describe('evaluation (评估评价) and rework (重办)', () => {
  const evaluate = (satisfaction: (typeof SATISFACTIONS)[number], solved = satisfaction !== 'unsatisfied'): CaseAction => ({ type: 'evaluate', satisfaction, solved });

  test('不满意 reopens the case for rework with a new resolution deadline; the second evaluation is the one that counts', () => {
    const run = caseIn('resolved');
    const events = run.must(actors.resident1, evaluate('unsatisfied'), s(20));
    expect(events).toMatchObject([
      { type: 'evaluated', satisfaction: 'unsatisfied', solved: false, counts: true },
      { type: 'reopened', reopenCount: 1, deadlines: [{ kind: 'resolution', startedAt: s(20), dueAt: s(80) }] },
    ]);
    expect(run.state).toMatchObject({ status: 'acknowledged', reopenCount: 1, resolvedAt: null });
    expect(Object.keys(run.state.deadlines)).toEqual(['resolution']);
    run.must(actors.handler, sampleActions.resolve, s(30));
    run.must(actors.resident1, evaluate('satisfied'), s(40));
    expect(run.state).toMatchObject({ status: 'closed', outcome: 'satisfied', satisfaction: 'satisfied', solved: true, reopenCount: 1 });
  });

  test('不满意 again at the rework limit closes the case as unsatisfied with an accountability record against the handler', () => {
    const run = caseIn('resolved');
    run.must(actors.resident1, evaluate('unsatisfied'), s(20));
    run.must(actors.handler, sampleActions.resolve, s(30));
    const events = run.must(actors.resident1, evaluate('unsatisfied'), s(40));
    expect(events).toMatchObject([
      { type: 'evaluated', satisfaction: 'unsatisfied', counts: true },
      { type: 'accountability_recorded', organizationId: ids.handler, dutyCode: 'satisfy_residents', source: 'unsatisfied' },
      { type: 'closed', outcome: 'unsatisfied' },
    ]);
    expect(run.state).toMatchObject({ status: 'closed', outcome: 'unsatisfied', satisfaction: 'unsatisfied', reopenCount: 1 });
  });

  test('with a rework limit of 0, the first 不满意 closes the case', () => {
    const intake = fastIntake();
    const run = new CaseRun({ ...intake, terms: { ...intake.terms, reworkLimit: 0 } });
    run.must(actors.handler, sampleActions.acknowledge, s(1));
    run.must(actors.handler, sampleActions.resolve, s(2));
    expect(typesOf(run.must(actors.resident1, evaluate('unsatisfied'), s(3)))).toEqual(['evaluated', 'accountability_recorded', 'closed']);
  });

  test('基本满意 closes as basically satisfied, keeping "not solved" if the resident says so', () => {
    const run = caseIn('resolved');
    run.must(actors.resident1, evaluate('basically_satisfied', false), s(10));
    expect(run.state).toMatchObject({ outcome: 'basically_satisfied', satisfaction: 'basically_satisfied', solved: false });
  });

  test('no answer within the evaluation window closes the case as not evaluated, not a moment before', () => {
    const run = caseIn('resolved'); // resolved at 4 s: the window runs to 64 s, with 催办 at 34 s and 49 s
    expect(run.state.deadlines.evaluation).toMatchObject({ dueAt: s(64), reminderAt: [s(34), s(49)] });
    expect(run.tick(s(50))).toMatchObject([{ type: 'reminder_sent', deadline: 'evaluation', index: 1 }]);
    expect(run.tick(s(63.999))).toEqual([]);
    expect(run.tick(s(64))).toMatchObject([{ type: 'closed', outcome: 'not_evaluated', reason: '评价期内未评价 (no evaluation within the window)' }]);
    expect(run.state).toMatchObject({ status: 'closed', outcome: 'not_evaluated', satisfaction: null, deadlines: {} });
  });

  test('only the resident may evaluate, and only a resolved case; a resolved case cannot be withdrawn', () => {
    const run = caseIn('resolved');
    expect(run.act(actors.resident2, evaluate('satisfied'), s(5))).toMatchObject({ ok: false, code: 'case.forbidden' });
    expect(run.act(actors.community, evaluate('satisfied'), s(5))).toMatchObject({ ok: false, code: 'case.forbidden' });
    expect(run.act(actors.resident1, sampleActions.withdraw, s(5))).toMatchObject({ ok: false, reason: expect.stringContaining('cannot be withdrawn') });
    expect(decide(caseIn('acknowledged').state, evaluate('satisfied'), actors.resident1, s(5))).toMatchObject({ ok: false, reason: expect.stringContaining('not resolved yet') });
  });
});

describe('the clock: timerEvents and nextWakeUp', () => {
  test('催办 reminders go out at 50 % and 75 % of the response deadline, each once', () => {
    const run = caseIn('dispatched');
    expect(timerEvents(run.state, s(7.499))).toEqual([]);
    expect(run.tick(s(7.5))).toMatchObject([{ type: 'reminder_sent', deadline: 'response', index: 0, dueAt: s(15), actor: actors.system }]);
    expect(run.tick(s(8))).toEqual([]);
    expect(nextWakeUp(run.state)).toBe(s(11.25));
    expect(run.tick(s(11.25))).toMatchObject([{ type: 'reminder_sent', deadline: 'response', index: 1 }]);
    expect(run.state.deadlines.response?.remindersSent).toBe(2);
    expect(nextWakeUp(run.state)).toBe(s(15));
  });

  test('after a long gap only the latest reminder that fell due goes out', () => {
    const run = caseIn('dispatched');
    expect(run.tick(s(14))).toMatchObject([{ type: 'reminder_sent', deadline: 'response', index: 1 }]);
    expect(run.log.filter((e) => e.type === 'reminder_sent')).toHaveLength(1);
    expect(run.state.deadlines.response?.remindersSent).toBe(2);
  });

  test('a missed response deadline at community level: breach, accountability against the handler, escalation to the street with restarted deadlines', () => {
    const run = caseIn('dispatched');
    run.tick(s(7.5));
    run.tick(s(11.25));
    const events = run.tick(s(15));
    expect(events).toMatchObject([
      { type: 'breached', deadline: 'response', dueAt: s(15), organizationId: ids.handler, level: 'community_committee' },
      { type: 'accountability_recorded', organizationId: ids.handler, dutyCode: 'respond_in_time', source: 'breach', deadline: 'response' },
      { type: 'escalated', fromLevel: 'community_committee', toLevel: 'street_committee', supervisorOrgId: ids.street, automatic: true, reason: 'response deadline missed' },
    ]);
    expect(events.every((e) => e.at === s(15) && e.actor === actors.system)).toBe(true);
    const restarted = (events[2] as Extract<CaseEvent, { type: 'escalated' }>).deadlines;
    expect(restarted.map((d) => [d.kind, d.startedAt, d.dueAt])).toEqual([['response', s(15), s(30)], ['resolution', s(15), s(75)]]);
    expect(run.state).toMatchObject({ level: 'street_committee', supervisorOrgId: ids.street, currentHandlerOrgId: ids.handler, status: 'dispatched', breaches: 1, escalationCount: 1, overdue: false });
    expect(run.state.deadlines.response).toMatchObject({ breachedAt: null, remindersSent: 0, reminderAt: [s(22.5), s(26.25)] });
    expect(stageOf(run.state)).toBe('follow_up');
    // The lower level keeps the case: the community committee may still urge and follow up.
    run.must(actors.community, sampleActions.urge, s(16));
  });

  test('a missed resolution deadline of an acknowledged case escalates with only the resolution deadline restarted', () => {
    const run = caseIn('acknowledged');
    const events = run.tick(s(60));
    expect(events).toMatchObject([{ type: 'breached', deadline: 'resolution' }, { dutyCode: 'resolve_in_time' }, { type: 'escalated' }]);
    expect(Object.keys(run.state.deadlines)).toEqual(['resolution']);
    expect(run.state.deadlines.resolution).toMatchObject({ startedAt: s(60), dueAt: s(120) });
  });

  test('a breach at street level is reported to the organisation department and forwarded to the owning department with new deadlines', () => {
    const run = caseIn('dispatched');
    run.tick(s(15));
    const events = run.tick(s(30));
    expect(events).toMatchObject([
      { type: 'breached', deadline: 'response', organizationId: ids.handler, level: 'street_committee' },
      { type: 'accountability_recorded', organizationId: ids.handler },
      { type: 'reported', toOrgId: ids.orgDept, automatic: true },
      { type: 'forwarded', departmentOrgId: ids.market, automatic: true },
    ]);
    const forwarded = events[3] as Extract<CaseEvent, { type: 'forwarded' }>;
    expect(forwarded.deadlines.map((d) => [d.kind, d.startedAt, d.dueAt])).toEqual([['response', s(30), s(45)], ['resolution', s(30), s(90)]]);
    expect(run.state).toMatchObject({ level: 'functional_department', supervisorOrgId: ids.orgDept, currentHandlerOrgId: ids.market, status: 'dispatched', breaches: 2, escalationCount: 2 });
    expect(run.act(actors.handler, sampleActions.progress, s(31))).toMatchObject({ ok: false, code: 'case.forbidden' });
  });

  test('an acknowledged case that breaches at street level goes back to "dispatched": the department must acknowledge it', () => {
    const run = caseIn('dispatched');
    run.tick(s(15));
    run.must(actors.handler, sampleActions.acknowledge, s(16));
    expect(typesOf(run.tick(s(75)))).toEqual(['breached', 'accountability_recorded', 'reported', 'forwarded']);
    expect(run.state).toMatchObject({ status: 'dispatched', currentHandlerOrgId: ids.market });
    expect(Object.keys(run.state.deadlines).sort()).toEqual(['resolution', 'response']);
    run.must(actors.market, sampleActions.acknowledge, s(76));
  });

  test('a breach at organisation-department level is forwarded without a second report', () => {
    const run = caseIn('dispatched');
    run.must(actors.community, sampleActions.escalate, s(1));
    run.must(actors.street, sampleActions.report, s(2));
    expect(typesOf(run.tick(s(16)))).toEqual(['breached', 'accountability_recorded', 'forwarded']);
    expect(run.state.level).toBe('functional_department');
  });

  test('a breach at functional-department level records the breach against the department and goes no further', () => {
    const run = caseIn('dispatched');
    run.tick(s(15));
    run.tick(s(30)); // now with dept-market: response due 45 s, resolution 90 s
    const events = run.tick(s(45));
    expect(events).toMatchObject([
      { type: 'breached', deadline: 'response', organizationId: ids.market, level: 'functional_department' },
      { type: 'accountability_recorded', organizationId: ids.market, dutyCode: 'respond_in_time' },
    ]);
    expect(run.state).toMatchObject({ level: 'functional_department', status: 'dispatched', overdue: true, breaches: 3 });
    expect(run.state.deadlines.response?.breachedAt).toBe(s(45));
    // The breached deadline no longer wakes the case; the resolution deadline still does, and breaches once.
    expect(nextWakeUp(run.state)).toBe(s(60));
    expect(run.tick(s(89))).toMatchObject([{ type: 'reminder_sent', deadline: 'resolution', index: 1 }]);
    expect(typesOf(run.tick(s(90)))).toEqual(['breached', 'accountability_recorded']);
    expect(nextWakeUp(run.state)).toBeNull();
    expect(run.tick(s(1000))).toEqual([]);
    expect(run.state.status).toBe('dispatched');
  });

  test('a closed case never wakes up', () => {
    const run = caseIn('closed');
    expect(nextWakeUp(run.state)).toBeNull();
    expect(timerEvents(run.state, s(10_000))).toEqual([]);
  });
});

describe('working-day deadlines on the real calendar', () => {
  test('a case filed before the National Day holiday is due on working days, at 18:00 CST', () => {
    const run = new CaseRun(workdayIntake()); // Tue 2025-09-30 15:00; 10-01..10-08 off, Sat 10-11 worked
    expect(run.state.deadlines.response?.dueAt).toBe(cst('2025-10-09', 18));
    expect(run.state.deadlines.resolution?.dueAt).toBe(cst('2025-10-16', 18));
    // 催办 are clock-time fractions of the span, so they may fall in the holiday; the notifier decides delivery.
    expect(run.state.deadlines.response?.reminderAt).toEqual(reminderTimes(BEFORE_NATIONAL_DAY, cst('2025-10-09', 18), [0.5, 0.75]));
    run.tick(cst('2025-10-09', 18));
    expect(run.state.level).toBe('street_committee');
    expect(run.state.deadlines.response?.dueAt).toBe(cst('2025-10-10', 18));
    expect(run.state.deadlines.resolution?.dueAt).toBe(cst('2025-10-17', 18));
    run.must(actors.handler, sampleActions.acknowledge, cst('2025-10-10', 9));
    run.must(actors.handler, sampleActions.resolve, cst('2025-10-10', 17));
    // Three working days to evaluate: Sat 10-11 (调休), Mon 10-13, Tue 10-14.
    expect(run.state.deadlines.evaluation?.dueAt).toBe(cst('2025-10-14', 18));
  });

  test('makeDeadline counts from the day after the start, whatever the hour', () => {
    const d = makeDeadline({ calendar: CALENDAR, terms: workdayIntake().terms }, 'resolution', workingDays(1), cst('2025-10-10', 23, 30));
    expect(d).toMatchObject({ startedAt: cst('2025-10-10', 23, 30), dueAt: cst('2025-10-11', 18), extended: 0, breachedAt: null });
  });
});

// --- property-based: random actors, actions and clock advances, applied as the workflow applies them ---

type Who = ActorName | 'currentHandler';
interface Step { who: Who; action: CaseAction; advanceMs: number }

const SUPERVISOR_AT: Record<Level, string> = {
  community_committee: ids.community,
  street_committee: ids.street,
  organization_department: ids.orgDept,
  functional_department: ids.orgDept,
};
const DEADLINE_KINDS_BY_STATUS: Partial<Record<Status, string[]>> = {
  dispatched: ['resolution', 'response'],
  acknowledged: ['resolution'],
  returned: [],
  resolved: ['evaluation'],
  closed: [],
};
const OUTSIDERS: ActorName[] = ['resident2', 'siblingHandler', 'siblingCommunity', 'otherStreet', 'member2', 'admin'];

function actorOf(who: Who, s: CaseState): Actor {
  return who === 'currentHandler' ? { userId: 'u-current-handler', role: 'handler', organizationId: s.currentHandlerOrgId ?? ids.handler } : actors[who];
}

function stepArb(extendBy: fc.Arbitrary<Duration>, advanceMs: fc.Arbitrary<number>): fc.Arbitrary<Step> {
  const orgs = [ids.handler, ids.ownersCommittee, ids.siblingHandler, ids.market, ids.housing];
  const action: fc.Arbitrary<CaseAction> = fc.oneof(
    { weight: 4, arbitrary: fc.constant(sampleActions.acknowledge) },
    { weight: 4, arbitrary: fc.constant(sampleActions.resolve) },
    { weight: 1, arbitrary: fc.constant(sampleActions.progress) },
    { weight: 2, arbitrary: fc.record({ deadline: fc.constantFrom('response' as const, 'resolution' as const), extendBy }).map((a): CaseAction => ({ type: 'request_extension', reason: '延期', ...a })) },
    { weight: 2, arbitrary: fc.boolean().map((approve): CaseAction => ({ type: 'decide_extension', approve })) },
    { weight: 1, arbitrary: fc.constant(sampleActions.return) },
    { weight: 1, arbitrary: fc.constantFrom(...orgs).map((handlerOrgId): CaseAction => ({ type: 'reroute', handlerOrgId, reason: '改派' })) },
    {
      weight: 1,
      arbitrary: fc
        .option(fc.constantFrom({ kind: 'party_member' as const, id: ids.partyMember }, { kind: 'grid_branch' as const, id: ids.gridBranch }, { kind: 'party_member' as const, id: 'p-member2' }), { nil: undefined })
        .map((owner): CaseAction => ({ type: 'assign_follow_up', owner })),
    },
    { weight: 2, arbitrary: fc.constantFrom(sampleActions.record_follow_up, sampleActions.urge, sampleActions.add_information) },
    { weight: 2, arbitrary: fc.constantFrom(sampleActions.escalate, sampleActions.report) },
    { weight: 1, arbitrary: fc.constantFrom(ids.market, ids.housing).map((departmentOrgId): CaseAction => ({ type: 'forward', departmentOrgId, reason: '转办' })) },
    { weight: 3, arbitrary: fc.record({ satisfaction: fc.constantFrom(...SATISFACTIONS), solved: fc.boolean() }).map((e): CaseAction => ({ type: 'evaluate', ...e })) },
    { weight: 1, arbitrary: fc.constantFrom(sampleActions.withdraw, sampleActions.close, sampleActions.add_information) },
  );
  // Mostly someone the action plausibly belongs to, sometimes anyone at all (outsiders and the system too).
  const who: fc.Arbitrary<Who | 'natural'> = fc.oneof(
    { weight: 6, arbitrary: fc.constant('natural' as const) },
    { weight: 1, arbitrary: fc.constantFrom<Who>('currentHandler', ...(Object.keys(actors) as ActorName[])) },
  );
  return fc.record({ who, action, advanceMs, pick: fc.nat() }).map(({ who, action, advanceMs, pick }) => ({
    action,
    advanceMs,
    who: who === 'natural' ? NATURAL[action.type][pick % NATURAL[action.type].length] : who,
  }));
}

/** Clock advances: mostly short (within a deadline), sometimes long (past one or several). */
const advance = (maxMs: number) => fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: Math.round(maxMs / 8) }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: maxMs }) });

const NATURAL: Record<CaseAction['type'], Who[]> = {
  acknowledge: ['currentHandler'], progress: ['currentHandler'], resolve: ['currentHandler'], request_extension: ['currentHandler'], return: ['currentHandler'],
  decide_extension: ['community', 'street', 'orgDept'], reroute: ['community', 'street'], urge: ['community', 'street', 'orgDept'], close: ['community', 'street', 'orgDept'],
  escalate: ['community'], report: ['street'], forward: ['orgDept'], assign_follow_up: ['community'], record_follow_up: ['member1', 'community'],
  evaluate: ['resident1'], add_information: ['resident1'], withdraw: ['resident1'],
};

/**
 * The invariants every reachable state keeps (see evolve in domain/case-state.ts), as a list of violations:
 * plain checks rather than one expect() each, because they run after every step of every generated sequence.
 */
function violations(run: CaseRun, now: number, afterTick: boolean): string[] {
  const s = run.state;
  const bad: string[] = [];
  const check = (ok: boolean, what: string) => void (ok || bad.push(what));
  check(run.log.every((e, i) => e.seq === i + 1) && s.seq === run.log.length, 'seq is gap-free from 1 and the state is at the last event');
  check(Object.keys(s.deadlines).sort().join() === DEADLINE_KINDS_BY_STATUS[s.status]?.join(), `deadlines ${Object.keys(s.deadlines)} fit status ${s.status}`);
  for (const [kind, d] of Object.entries(s.deadlines) as [string, DeadlineState][]) {
    check(d.kind === kind, `deadline ${kind} is keyed by its kind`);
    check(d.remindersSent <= d.reminderAt.length, `${kind}: no more reminders sent than planned`);
    check(d.reminderAt.every((t, i) => t > d.startedAt && t < d.dueAt && (i === 0 || t > d.reminderAt[i - 1])), `${kind}: reminders sorted within the span`);
    check(d.breachedAt === null || d.breachedAt >= d.dueAt, `${kind}: a breach is recorded at or after the due`);
  }
  check(s.reopenCount <= s.terms.reworkLimit, 'reopenCount ≤ reworkLimit');
  check(s.supervisorOrgId === SUPERVISOR_AT[s.level], `the supervisor fits level ${s.level}`);
  // escalated (community → street) and reported (street → organisation department) count; forwarding does not.
  check(s.escalationCount === Math.min(LEVELS.indexOf(s.level), 2), 'escalationCount follows the level');
  const breached = Object.values(s.deadlines).some((d) => d?.breachedAt !== null);
  if (s.status === 'closed') {
    check(s.outcome !== null && s.closedAt !== null && s.pendingExtension === null, 'a closed case has an outcome and nothing pending');
    check(run.log.filter((e) => e.type === 'closed').length === 1 && run.log.at(-1)?.type === 'closed', 'closed is the last event, once');
    check(nextWakeUp(s) === null, 'a closed case never wakes');
  } else {
    check(s.outcome === null && s.closedAt === null, 'an open case has no outcome');
    // A breach is either escalated away at once or, at the top of the ladder, kept and flagged overdue.
    check(s.overdue === breached, 'overdue iff a running deadline was breached');
    check(!breached || s.level === 'functional_department', 'a kept breach only at functional_department level');
    // Checked after the clock only: between ticks an action may happen after a due that the clock has not seen yet.
    if (afterTick) check(Object.values(s.deadlines).every((d) => d === undefined || d.breachedAt !== null || d.dueAt > now), 'every deadline that has passed was breached');
  }
  if (s.status === 'dispatched' || s.status === 'acknowledged' || s.status === 'resolved') check(s.currentHandlerOrgId !== null, 'a case being handled has a handler');
  if (s.status === 'returned') check(s.currentHandlerOrgId === null && s.pendingExtension === null, 'a returned case has no handler and nothing pending');
  if (s.status === 'resolved') check(s.resolvedAt !== null && s.pendingExtension === null, 'a resolved case has its moment and nothing pending');
  if (s.status === 'acknowledged') check(s.acknowledgedAt !== null, 'an acknowledged case has its moment');
  if (s.outcome === 'satisfied' || s.outcome === 'basically_satisfied' || s.outcome === 'unsatisfied') {
    // The last evaluation is the one that counts.
    const last = run.log.filter((e) => e.type === 'evaluated').at(-1);
    check(last?.type === 'evaluated' && last.satisfaction === s.outcome && last.counts && s.satisfaction === s.outcome, 'the outcome is the last evaluation');
  }
  run.log.forEach((e, i) => {
    const next = run.log[i + 1];
    if (e.type === 'breached') check(next?.type === 'accountability_recorded' && next.source === 'breach' && next.organizationId === e.organizationId, 'every breach carries its accountability record');
  });
  // The wake-up is exact: nothing is due before it, something is due at it.
  const wake = nextWakeUp(s);
  if (wake === null) check(timerEvents(s, now + 400 * DAY).length === 0, 'no wake-up means nothing will ever be due');
  else check(timerEvents(s, wake - 1).length === 0 && timerEvents(s, wake).length > 0, 'the wake-up is exactly the next due moment');
  return bad;
}

function runSteps(intake: CaseIntake, steps: Step[], eachState: (s: CaseState) => void = () => {}): CaseRun {
  const run = new CaseRun(intake);
  let now = intake.submittedAt;
  const expectLegal = (after: string) => {
    const bad = violations(run, now, after === 'tick');
    if (bad.length > 0) expect({ after, bad, state: run.state }).toBe('a legal state');
  };
  expectLegal('intake');
  for (const step of steps) {
    now += step.advanceMs;
    run.tick(now); // throws if the clock has not settled within the workflow's 8 rounds
    expectLegal('tick');
    eachState(run.state);

    const before = deepFreeze(run.state); // any mutation by decide would throw
    const snapshot = structuredClone(before);
    const actor = actorOf(step.who, before);
    const d = decide(before, step.action, actor, now);
    if (!d.ok) {
      // Nothing to commit: the state is the same object, untouched (frozen, and deep-equal to a copy).
      if (!isDeepStrictEqual(before, snapshot)) expect(before).toEqual(snapshot);
      if (!['case.forbidden', 'case.illegal_transition', 'case.invalid'].includes(d.code) || d.reason.length === 0) expect(d).toBe('a rejection with a code and a reason');
    } else {
      const events = run.commit(d.events, actor, now);
      const recordedOnce = d.events.length > 0 && events.every((e, i) => e.seq === before.seq + 1 + i) && run.state.seq === before.seq + d.events.length;
      if (!recordedOnce) expect({ events, seq: run.state.seq }).toBe(`${d.events.length} events after seq ${before.seq}`);
      if (LEVELS.indexOf(run.state.level) < LEVELS.indexOf(before.level)) expect(run.state.level).toBe(`not below ${before.level}`);
      expectLegal(step.action.type);
    }
    if (before.status !== 'closed') {
      // 补位不越位 and scope, on every reachable open state.
      for (const who of ['community', 'street', 'orgDept'] as const) {
        for (const type of ['acknowledge', 'resolve', 'progress'] as const) {
          const r = decide(before, sampleActions[type], actors[who], now);
          if (r.ok || r.code !== 'case.forbidden' || !r.reason.includes('补位不越位')) expect({ who, type, r }).toBe('rejected as 补位不越位');
        }
      }
      for (const who of OUTSIDERS) {
        const r = decide(before, sampleActions.urge, actors[who], now);
        if (r.ok || r.code !== 'case.forbidden') expect({ who, r }).toBe('rejected as forbidden');
      }
    }
  }
  // Evolve never decides: replaying the recorded events rebuilds the same state.
  expect(run.log.reduce(evolve, initialState(intake))).toEqual(run.state);
  return run;
}

describe('properties over random action sequences', () => {
  test('demo-fast (seconds): no sequence reaches an illegal state, accepted actions are recorded once, rejected ones change nothing', () => {
    const steps = fc.array(stepArb(fc.integer({ min: 1, max: 90 }).map(seconds), advance(30_000)), { maxLength: 30, size: 'max' });
    fc.assert(fc.property(steps, (st) => void runSteps(fastIntake(), st)), { numRuns: 300 });
  });

  test('demo-fast with rework limit 2: 重办 never exceeds the agreement\'s limit', () => {
    const intake = fastIntake();
    const evaluateOften = fc.array(stepArb(fc.constant(seconds(5)), advance(10_000)), { maxLength: 40, size: 'max' });
    fc.assert(fc.property(evaluateOften, (st) => void runSteps({ ...intake, terms: { ...intake.terms, reworkLimit: 2 } }, st)), { numRuns: 150 });
  });

  test('working days: no working-day deadline falls on a non-working moment', () => {
    const start = fc.integer({ min: Date.parse('2025-01-01T00:00:00+08:00'), max: Date.parse('2026-12-31T00:00:00+08:00') });
    const steps = fc.array(stepArb(fc.integer({ min: 1, max: 3 }).map(workingDays), advance(4 * DAY)), { maxLength: 25, size: 'max' });
    const onWorkingMoments = (s: CaseState) => {
      for (const d of Object.values(s.deadlines)) if (d?.duration.unit === 'working_days') expect(isWorkingMoment(d.dueAt, cal)).toBe(true);
      if (s.pendingExtension) expect(isWorkingMoment(s.pendingExtension.proposedDueAt, cal)).toBe(true);
    };
    fc.assert(fc.property(start, steps, (t, st) => void runSteps(workdayIntake(t), st, onWorkingMoments)), { numRuns: 200 });
  });

  test('the clock alone walks a case up the whole ladder, one breach per deadline per rung', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 1, max: 400 }), (acks, gapS) => {
        const run = new CaseRun(fastIntake());
        let now = T0;
        for (let i = 0; i < 40 && nextWakeUp(run.state) !== null; i++) {
          now = Math.max(now + gapS * SECOND, nextWakeUp(run.state) ?? now);
          run.tick(now);
          if (i === acks && run.state.status === 'dispatched') run.act(actorOf('currentHandler', run.state), sampleActions.acknowledge, now);
        }
        expect(run.state.level).toBe('functional_department');
        expect(run.state.currentHandlerOrgId).toBe(ids.market);
        expect(nextWakeUp(run.state)).toBeNull();
        const levels = run.log.filter((e) => e.type === 'breached').map((e) => (e as Extract<CaseEvent, { type: 'breached' }>).level);
        expect(levels.slice(0, 2)).toEqual(['community_committee', 'street_committee']);
        expect(levels.slice(2).every((l) => l === 'functional_department')).toBe(true);
        expect(levels.length).toBeLessThanOrEqual(4);
      }),
      { numRuns: 50 },
    );
  });
});
