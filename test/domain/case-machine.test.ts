// The case state machine (domain/case-machine.ts + domain/case-state.ts) driven as caseWorkflow drives it:
// decide → commit (seq + 1, evolve), and the clock through timerEvents until nothing is due.
import fc from 'fast-check';
import type { CaseAction, CaseEvent, DeadlineState } from '../../domain/actions';
import { ACTION_TYPES, SYSTEM_ACTOR } from '../../domain/actions';
import { createCalendar, cstTime, isWorkingMoment } from '../../domain/calendar';
import { decide, makeDeadline, nextWakeUp, timerEvents } from '../../domain/case-machine';
import { evolve, initialState, stageOf, type CaseIntake, type CaseState } from '../../domain/case-state';
import { controllerOf } from '../../domain/policy';
import { LEVELS, SATISFACTIONS, type Level, type Status } from '../../domain/types';
import { OUTSIDERS, actorOf, advance, stepArb, type Step } from './arbitraries';
import {
  CALENDAR,
  CaseRun,
  DAY,
  SECOND,
  T0,
  actors,
  deepFreeze,
  departmentIntake,
  fastIntake,
  ids,
  sampleActions,
  seconds,
  staffFiledIntake,
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
      {
        seq: 2,
        type: 'dispatched',
        handlerOrgId: ids.handler,
        supervisorOrgId: ids.community,
        level: 'community_committee',
        at: T0,
      },
    ]);
    expect(run.state).toMatchObject({
      status: 'dispatched',
      level: 'community_committee',
      currentHandlerOrgId: ids.handler,
      supervisorOrgId: ids.community,
    });
    expect(run.state.deadlines.response).toEqual({
      kind: 'response',
      startedAt: T0,
      dueAt: s(15),
      firstDueAt: s(15),
      duration: seconds(15),
      reminderAt: [s(7.5), s(11.25)],
      remindersSent: 0,
      extended: 0,
      breachedAt: null,
    });
    expect(run.state.deadlines.resolution).toMatchObject({ dueAt: s(60), reminderAt: [s(30), s(45)] });
    expect(run.state).toMatchObject({
      handlerHistory: [ids.handler],
      pendingRequest: null,
      pausedSince: null,
      parkedDeadlines: {},
    });
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
    expect(
      stageOf({ status, level, followUpOwner: owner ? { kind: 'party_member', id: ids.partyMember } : null }),
    ).toBe(stage);
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
    expect(assigned).toMatchObject({
      type: 'follow_up_assigned',
      owner: { kind: 'party_member', id: ids.partyMember },
      suggested: true,
    });
    expect(stageOf(run.state)).toBe('follow_up');
    run.must(actors.member1, { type: 'record_follow_up', findings: '现场核实电梯已停运' }, s(8));
    expect(run.tick(s(9))).toEqual([]);
    run.must(actors.handler, sampleActions.progress, s(10));
    run.must(actors.resident1, sampleActions.add_information, s(12));
    const [resolved] = run.must(actors.handler, sampleActions.resolve, s(20));
    expect(resolved).toMatchObject({
      type: 'resolved',
      evidence: ['photo-1.jpg'],
      evaluationDeadline: { kind: 'evaluation', startedAt: s(20), dueAt: s(80) },
    });
    expect(stageOf(run.state)).toBe('evaluate');
    expect(Object.keys(run.state.deadlines)).toEqual(['evaluation']);
    run.must(actors.resident1, { type: 'evaluate', satisfaction: 'satisfied', solved: true }, s(30));

    expect(typesOf(run.log)).toEqual([
      'submitted',
      'dispatched',
      'acknowledged',
      'follow_up_assigned',
      'follow_up_recorded',
      'progress_reported',
      'information_added',
      'resolved',
      'evaluated',
      'closed',
    ]);
    expect(run.log.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(run.state).toMatchObject({
      status: 'closed',
      outcome: 'satisfied',
      satisfaction: 'satisfied',
      solved: true,
      closedAt: s(30),
      deadlines: {},
      overdue: false,
    });
    expect(stageOf(run.state)).toBe('closed');
    expect(nextWakeUp(run.state)).toBeNull();
    expect(timerEvents(run.state, s(1000))).toEqual([]);
  });

  test('a follow-up owner may be named explicitly, and a household without a linked party member needs one', () => {
    const run = new CaseRun(fastIntake({ linkedPartyMemberId: null }));
    const d = run.act(actors.community, { type: 'assign_follow_up' }, s(1));
    expect(d).toEqual({ ok: false, code: 'case.invalid', reason: expect.stringContaining('no linked party member') });
    const [e] = run.must(
      actors.community,
      { type: 'assign_follow_up', owner: { kind: 'grid_branch', id: ids.gridBranch } },
      s(2),
    );
    expect(e).toMatchObject({ owner: { kind: 'grid_branch', id: ids.gridBranch }, suggested: false });
    expect(
      run.must(actors.member1, { type: 'record_follow_up', findings: '网格巡查', onSite: false }, s(3)),
    ).toMatchObject([{ onSite: false }]);
  });
});

describe('which action is legal in which status (with an actor the policy allows)', () => {
  const actorFor: Record<(typeof ACTION_TYPES)[number], ActorName> = {
    acknowledge: 'handler',
    progress: 'handler',
    resolve: 'handler',
    request_extension: 'handler',
    return: 'handler',
    request_pause: 'handler',
    resume: 'handler',
    decide_extension: 'community',
    decide_return: 'community',
    decide_pause: 'community',
    reroute: 'community',
    assign_follow_up: 'community',
    record_follow_up: 'community',
    urge: 'community',
    escalate: 'community',
    close: 'community',
    merge: 'community',
    record_callback: 'community',
    report: 'street',
    forward: 'orgDept',
    take_over: 'street',
    evaluate: 'resident1',
    add_information: 'resident1',
    withdraw: 'resident1',
  };
  type Outcome = 'ok' | 'illegal' | 'forbidden' | 'invalid';
  const O: Outcome = 'ok',
    I: Outcome = 'illegal',
    F: Outcome = 'forbidden';
  // Columns: dispatched, acknowledged, returned (from dispatched), resolved, closed. All at community level, no
  // follow-up owner, nothing pending but the return. A returned case is still its handler's: its clock runs on, and
  // acknowledging it takes the return back (from dispatched: acknowledging is what the handler may do next).
  const table: Record<(typeof ACTION_TYPES)[number], Outcome[]> = {
    acknowledge: [O, I, O, I, I],
    progress: [I, O, I, I, I],
    resolve: [I, O, I, I, I],
    request_extension: [O, O, O, I, I],
    return: [O, O, I, I, I],
    request_pause: [O, O, I, I, I],
    resume: [I, I, I, I, I],
    decide_extension: [I, I, I, I, I],
    decide_return: [I, I, O, I, I],
    decide_pause: [I, I, I, I, I],
    reroute: [O, O, O, I, I],
    assign_follow_up: [O, O, O, O, I],
    record_follow_up: [I, I, I, I, I],
    urge: [O, O, O, I, I],
    escalate: [O, O, O, I, I],
    // Reporting and forwarding belong to the street and the organisation department once the case is theirs.
    report: [F, F, F, F, I],
    forward: [F, F, F, F, I],
    take_over: [O, O, O, I, I],
    merge: [O, O, O, I, I],
    evaluate: [I, I, I, O, I],
    record_callback: [I, I, I, O, I],
    add_information: [O, O, O, O, I],
    withdraw: [O, O, O, I, I],
    close: [O, O, O, I, I],
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

  test('a closed case refuses everything, whoever asks, with the same reason', () => {
    const run = caseIn('closed');
    for (const type of ACTION_TYPES) {
      for (const who of ['handler', 'community', 'resident1'] as const) {
        expect(decide(run.state, sampleActions[type], actors[who], s(9))).toEqual({
          ok: false,
          code: 'case.illegal_transition',
          reason: '工单已办结，不能再操作 (the case is closed)',
        });
      }
    }
  });

  test('following up needs an owner, deciding needs a request, resuming needs a pause', () => {
    const run = caseIn('dispatched');
    expect(run.act(actors.community, sampleActions.record_follow_up, s(5))).toMatchObject({
      ok: false,
      reason: expect.stringContaining('no follow-up owner'),
    });
    expect(run.act(actors.community, sampleActions.decide_extension, s(5))).toMatchObject({
      ok: false,
      reason: expect.stringContaining('no extension request is pending'),
    });
    expect(run.act(actors.community, sampleActions.decide_return, s(5))).toMatchObject({
      ok: false,
      reason: expect.stringContaining('no return is waiting'),
    });
    expect(run.act(actors.community, sampleActions.decide_pause, s(5))).toMatchObject({
      ok: false,
      reason: expect.stringContaining('no pause is waiting'),
    });
    expect(run.act(actors.handler, sampleActions.resume, s(5))).toMatchObject({
      ok: false,
      reason: expect.stringContaining('not paused'),
    });
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
  const legalAt: Record<string, Level> = {
    escalate: 'community_committee',
    report: 'street_committee',
    forward: 'organization_department',
  };

  test.each(LEVELS.flatMap((level) => moves.map(([name, who, action]) => [name, level, who, action] as const)))(
    '%s at %s level: only the level one rung below its target may, and only while the case is its own',
    (name, level, who, action) => {
      const state = atLevel(level).state;
      const d = decide(state, action, actors[who], s(6));
      if (legalAt[name] === level) expect(d.ok).toBe(true);
      else expect(d).toMatchObject({ ok: false, code: 'case.forbidden' });
      // Whoever controls the case at another level is refused by the ladder itself.
      if (legalAt[name] !== level)
        expect(decide(state, action, actorOf('controller', state), s(6))).toMatchObject({
          ok: false,
          code: 'case.illegal_transition',
        });
    },
  );

  test('each step names who escalated, why and the new supervisor; the handler and its deadlines stay', () => {
    const run = caseIn('dispatched');
    const deadlines = run.state.deadlines;
    const [esc] = run.must(actors.community, { type: 'escalate', reason: '多次催办无果' }, s(3));
    expect(esc).toMatchObject({
      type: 'escalated',
      fromLevel: 'community_committee',
      toLevel: 'street_committee',
      supervisorOrgId: ids.street,
      automatic: false,
      reason: '多次催办无果',
      actor: actors.community,
      deadlines: [],
    });
    const [rep] = run.must(actors.street, sampleActions.report, s(4));
    expect(rep).toMatchObject({ type: 'reported', toOrgId: ids.orgDept, automatic: false });
    expect(run.state).toMatchObject({
      level: 'organization_department',
      supervisorOrgId: ids.orgDept,
      escalationCount: 2,
      currentHandlerOrgId: ids.handler,
    });
    const [fwd] = run.must(
      actors.orgDept,
      { type: 'forward', departmentOrgId: ids.housing, reason: '住建局监管' },
      s(5),
    );
    expect(fwd).toMatchObject({ type: 'forwarded', departmentOrgId: ids.housing, automatic: false });
    expect(run.state).toMatchObject({
      level: 'functional_department',
      supervisorOrgId: ids.housing,
      status: 'dispatched',
      currentHandlerOrgId: ids.handler,
      escalationCount: 3,
    });
    expect(run.state.deadlines).toEqual(deadlines);
    // The property company still handles; the housing bureau's Party organisation supervises and decides.
    run.must(actors.handler, sampleActions.acknowledge, s(6));
    run.must(actors.community, sampleActions.assign_follow_up, s(7));
    run.must(actors.handler, sampleActions.resolve, s(8));
    run.must(actors.resident1, { type: 'evaluate', satisfaction: 'basically_satisfied', solved: true }, s(9));
    expect(run.state).toMatchObject({ status: 'closed', outcome: 'basically_satisfied' });
  });
});

describe('extensions (延期)', () => {
  const ask = (deadline: 'response' | 'resolution', by = 10): CaseAction => ({
    type: 'request_extension',
    deadline,
    extendBy: seconds(by),
    reason: '等配件',
  });

  test('an extension approved before expiry moves the due, keeps the first due, and recomputes the reminders from the approval', () => {
    const run = caseIn('dispatched');
    run.tick(s(8)); // the 50 % reminder of the response deadline went out
    expect(run.state.deadlines.response?.remindersSent).toBe(1);
    const [asked] = run.must(actors.handler, ask('response', 10), s(9));
    expect(asked).toMatchObject({ type: 'extension_requested', deadline: 'response', proposedDueAt: s(25) });
    expect(run.state.pendingExtension).toEqual({
      deadline: 'response',
      extendBy: seconds(10),
      proposedDueAt: s(25),
      reason: '等配件',
      requestedAt: s(9),
    });
    expect(run.act(actors.handler, ask('resolution'), s(9.5))).toMatchObject({
      ok: false,
      reason: expect.stringContaining('already pending'),
    });
    const [decided] = run.must(actors.community, { type: 'decide_extension', approve: true, reason: '同意' }, s(13));
    expect(decided).toMatchObject({ type: 'extension_decided', approve: true, deadline: 'response', newDueAt: s(25) });
    expect(run.state.pendingExtension).toBeNull();
    expect(run.state.deadlines.response).toEqual({
      kind: 'response',
      startedAt: T0,
      dueAt: s(25),
      firstDueAt: s(15),
      duration: seconds(15),
      reminderAt: [s(19), s(22)],
      remindersSent: 0,
      extended: 1,
      breachedAt: null,
    });
    expect(nextWakeUp(run.state)).toBe(s(19));
    expect(run.tick(s(15))).toEqual([]); // the old due passes quietly
    expect(typesOf(run.tick(s(25)))).toEqual(['breached', 'accountability_recorded', 'escalated']);
  });

  test('there is no deadline to extend on a resolved case, nor a response deadline once acknowledged', () => {
    expect(decide(caseIn('resolved').state, ask('resolution'), actors.handler, s(5))).toMatchObject({
      ok: false,
      reason: expect.stringContaining('no running resolution deadline'),
    });
    expect(decide(caseIn('acknowledged').state, ask('response'), actors.handler, s(5))).toMatchObject({
      ok: false,
      reason: expect.stringContaining('no running response deadline'),
    });
  });

  test('in working days, the extension is counted on the calendar from the current due', () => {
    const run = new CaseRun(workdayIntake());
    run.must(
      actors.handler,
      { type: 'request_extension', deadline: 'resolution', extendBy: workingDays(2), reason: '节后施工' },
      cst('2025-10-09', 10),
    );
    // Due Thu 10-16 18:00; +2 working days: Fri 10-17, Mon 10-20.
    expect(run.state.pendingExtension?.proposedDueAt).toBe(cst('2025-10-20', 18));
    // The reference terms cap the extensions at five working days past the first due (Thu 10-23): six are refused.
    const fresh = new CaseRun(workdayIntake());
    expect(
      fresh.act(
        actors.handler,
        { type: 'request_extension', deadline: 'resolution', extendBy: workingDays(6), reason: '节后施工' },
        cst('2025-10-09', 10),
      ),
    ).toMatchObject({ ok: false, code: 'case.invalid' });
  });

  // A pending request names the due of the deadline it was asked about; approving it must never move that
  // deadline earlier, whatever happened to the case in between.
  test.each<[string, () => CaseRun, number, number]>([
    [
      'a response breach escalated the case',
      () => {
        const run = caseIn('dispatched');
        run.must(actors.handler, ask('resolution', 1), s(5)); // proposes 60 s + 1 s
        run.tick(s(15)); // the response deadline is missed; the resolution deadline keeps its due
        return run;
      },
      s(20),
      s(61),
    ],
    [
      'the community escalated it by hand',
      () => {
        const run = caseIn('acknowledged');
        run.must(actors.handler, ask('resolution', 1), s(5));
        run.must(actors.community, sampleActions.escalate, s(15));
        return run;
      },
      s(30),
      s(61),
    ],
  ])('an approved extension never moves a deadline earlier, also when %s', (_name, setup, approveAt, expected) => {
    const run = setup();
    expect(run.state.deadlines.resolution?.dueAt).toBe(s(60));
    run.must(
      run.state.level === 'street_committee' ? actors.street : actors.community,
      { type: 'decide_extension', approve: true },
      approveAt,
    );
    expect(run.state.deadlines.resolution?.dueAt).toBe(expected);
    expect(typesOf(run.tick(approveAt))).not.toContain('breached');
  });

  test("re-routed to another handler, the old handler's pending request lapses and the new handler never inherits it", () => {
    const run = caseIn('acknowledged');
    run.must(actors.handler, ask('resolution', 1), s(5));
    run.must(actors.community, sampleActions.reroute, s(15));
    expect(run.state.pendingExtension).toBeNull();
    expect(run.act(actors.community, { type: 'decide_extension', approve: true }, s(16))).toMatchObject({
      ok: false,
      code: 'case.illegal_transition',
    });
  });

  test('after acknowledging, the moot response-extension request is withdrawn and does not block a resolution extension', () => {
    const run = caseIn('dispatched');
    run.must(actors.handler, ask('response'), s(5));
    expect(typesOf(run.must(actors.handler, sampleActions.acknowledge, s(6)))).toEqual([
      'acknowledged',
      'extension_withdrawn',
    ]);
    expect(run.act(actors.handler, ask('resolution', 30), s(7))).toMatchObject({ ok: true });
  });
});

describe('return (回退) and re-route', () => {
  test("a returned case stays its handler's until decided; a re-route starts the new handler's deadlines and parks the old one's", () => {
    const run = caseIn('acknowledged');
    const [ret] = run.must(actors.handler, { type: 'return', reason: '属业委会职责' }, s(5));
    expect(ret).toMatchObject({
      type: 'returned',
      reason: '属业委会职责',
      handlerOrgId: ids.handler,
      decisionDeadline: { kind: 'decision', startedAt: s(5), dueAt: s(25) },
    });
    expect(run.state).toMatchObject({
      status: 'returned',
      currentHandlerOrgId: ids.handler,
      returnedCount: 1,
      pendingRequest: { kind: 'return', statusBefore: 'acknowledged', requestedAt: s(5) },
    });
    expect(Object.keys(run.state.deadlines).sort()).toEqual(['decision', 'resolution']);
    const events = run.must(
      actors.community,
      { type: 'decide_return', decision: 'reroute', handlerOrgId: ids.ownersCommittee, reason: '改派' },
      s(10),
    );
    expect(events).toMatchObject([
      { type: 'return_decided', decision: 'reroute', handlerOrgId: ids.ownersCommittee },
      {
        type: 'dispatched',
        handlerOrgId: ids.ownersCommittee,
        supervisorOrgId: ids.community,
        level: 'community_committee',
        reason: '改派',
      },
    ]);
    expect(run.state).toMatchObject({
      status: 'dispatched',
      currentHandlerOrgId: ids.ownersCommittee,
      handlerHistory: [ids.handler, ids.ownersCommittee],
      firstResponseDueAt: s(15),
      dispatchedAt: T0,
      pendingRequest: null,
    });
    expect(run.state.deadlines.response).toMatchObject({
      startedAt: s(10),
      dueAt: s(25),
      reminderAt: [s(17.5), s(21.25)],
    });
    expect(run.state.deadlines.resolution).toMatchObject({ startedAt: s(10), dueAt: s(70) });
    expect(run.state.parkedDeadlines).toEqual({
      [ids.handler]: {
        deadlines: [expect.objectContaining({ kind: 'resolution', startedAt: T0, dueAt: s(60) })],
        since: expect.any(Number),
        byReturn: true,
      },
    });
    run.must(actors.owners, sampleActions.acknowledge, s(11));
  });

  test('re-routing to the current handler is invalid; a resolved case cannot be re-routed', () => {
    expect(
      decide(
        caseIn('dispatched').state,
        { type: 'reroute', handlerOrgId: ids.handler, reason: 'x' },
        actors.community,
        s(5),
      ),
    ).toMatchObject({ ok: false, code: 'case.invalid' });
    expect(decide(caseIn('resolved').state, sampleActions.reroute, actors.community, s(5))).toMatchObject({
      ok: false,
      code: 'case.illegal_transition',
    });
  });
});

describe('evaluation (评估评价) and rework (重办)', () => {
  const evaluate = (
    satisfaction: (typeof SATISFACTIONS)[number],
    solved = satisfaction !== 'unsatisfied',
  ): CaseAction => ({ type: 'evaluate', satisfaction, solved });

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
    expect(run.state).toMatchObject({
      status: 'closed',
      outcome: 'satisfied',
      satisfaction: 'satisfied',
      solved: true,
      reopenCount: 1,
    });
  });

  test('with a rework limit of 0, the first 不满意 holds the handler accountable and sends the rework to the level above; the case stays open', () => {
    const intake = fastIntake();
    const run = new CaseRun({ ...intake, terms: { ...intake.terms, reworkLimit: 0 } });
    run.must(actors.handler, sampleActions.acknowledge, s(1));
    run.must(actors.handler, sampleActions.resolve, s(2));
    expect(typesOf(run.must(actors.resident1, evaluate('unsatisfied'), s(3)))).toEqual([
      'evaluated',
      'accountability_recorded',
      'reopened',
      'escalated',
    ]);
    expect(run.state).toMatchObject({
      status: 'acknowledged',
      outcome: null,
      awaitingVerification: true,
      level: 'street_committee',
      satisfaction: 'unsatisfied',
    });
  });

  test('基本满意 with the problem solved closes as basically satisfied; "not solved" reopens it for rework whatever the satisfaction', () => {
    const solved = caseIn('resolved');
    solved.must(actors.resident1, evaluate('basically_satisfied', true), s(10));
    expect(solved.state).toMatchObject({
      outcome: 'basically_satisfied',
      satisfaction: 'basically_satisfied',
      solved: true,
    });
    const notSolved = caseIn('resolved');
    expect(typesOf(notSolved.must(actors.resident1, evaluate('basically_satisfied', false), s(10)))).toEqual([
      'evaluated',
      'reopened',
    ]);
    expect(notSolved.state).toMatchObject({ status: 'acknowledged', reopenCount: 1, solved: false });
  });

  test('no answer within the evaluation window closes the case as not evaluated, not a moment before', () => {
    const run = caseIn('resolved'); // resolved at 4 s: the window runs to 64 s, with 催办 at 34 s and 49 s
    expect(run.state.deadlines.evaluation).toMatchObject({ dueAt: s(64), reminderAt: [s(34), s(49)] });
    expect(run.tick(s(50))).toMatchObject([{ type: 'reminder_sent', deadline: 'evaluation', index: 1 }]);
    expect(run.tick(s(63.999))).toEqual([]);
    expect(run.tick(s(64))).toMatchObject([
      { type: 'closed', outcome: 'not_evaluated', reason: '评价期内未评价 (no evaluation within the window)' },
    ]);
    expect(run.state).toMatchObject({ status: 'closed', outcome: 'not_evaluated', satisfaction: null, deadlines: {} });
  });

  test('only the resident may evaluate, and only a resolved case; a resolved case cannot be withdrawn', () => {
    const run = caseIn('resolved');
    expect(run.act(actors.resident2, evaluate('satisfied'), s(5))).toMatchObject({ ok: false, code: 'case.forbidden' });
    expect(run.act(actors.community, evaluate('satisfied'), s(5))).toMatchObject({ ok: false, code: 'case.forbidden' });
    expect(run.act(actors.resident1, sampleActions.withdraw, s(5))).toMatchObject({
      ok: false,
      reason: expect.stringContaining('cannot be withdrawn'),
    });
    expect(decide(caseIn('acknowledged').state, evaluate('satisfied'), actors.resident1, s(5))).toMatchObject({
      ok: false,
      reason: expect.stringContaining('not resolved yet'),
    });
  });
});

describe('the clock: timerEvents and nextWakeUp', () => {
  test('催办 reminders go out at 50 % and 75 % of the response deadline, each once', () => {
    const run = caseIn('dispatched');
    expect(timerEvents(run.state, s(7.499))).toEqual([]);
    expect(run.tick(s(7.5))).toMatchObject([
      { type: 'reminder_sent', deadline: 'response', index: 0, dueAt: s(15), actor: actors.system },
    ]);
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

  test('a missed response deadline at community level: breach, accountability against the handler, escalation to the street with a new response deadline only', () => {
    const run = caseIn('dispatched');
    run.tick(s(7.5));
    run.tick(s(11.25));
    const events = run.tick(s(15));
    expect(events).toMatchObject([
      {
        type: 'breached',
        deadline: 'response',
        dueAt: s(15),
        organizationId: ids.handler,
        level: 'community_committee',
      },
      {
        type: 'accountability_recorded',
        organizationId: ids.handler,
        dutyCode: 'respond_in_time',
        source: 'breach',
        deadline: 'response',
        level: 'community_committee',
      },
      {
        type: 'escalated',
        fromLevel: 'community_committee',
        toLevel: 'street_committee',
        supervisorOrgId: ids.street,
        automatic: true,
        reason: expect.stringContaining('escalated to the street'),
      },
    ]);
    expect(events.every((e) => e.at === s(15) && e.actor === SYSTEM_ACTOR)).toBe(true);
    const fresh = (events[2] as Extract<CaseEvent, { type: 'escalated' }>).deadlines;
    expect(fresh.map((d) => [d.kind, d.startedAt, d.dueAt])).toEqual([['response', s(15), s(30)]]);
    expect(run.state).toMatchObject({
      level: 'street_committee',
      supervisorOrgId: ids.street,
      currentHandlerOrgId: ids.handler,
      status: 'dispatched',
      breaches: 1,
      escalationCount: 1,
      overdue: false,
    });
    expect(run.state.deadlines.response).toMatchObject({
      breachedAt: null,
      remindersSent: 0,
      reminderAt: [s(22.5), s(26.25)],
    });
    expect(run.state.deadlines.resolution).toMatchObject({ startedAt: T0, dueAt: s(60) });
    expect(stageOf(run.state)).toBe('follow_up');
    // The lower level keeps the case: the community committee may still urge and follow up.
    run.must(actors.community, sampleActions.urge, s(16));
  });

  test('a missed resolution deadline of an acknowledged case escalates with a new resolution deadline', () => {
    const run = caseIn('acknowledged');
    const events = run.tick(s(60));
    expect(events).toMatchObject([
      { type: 'breached', deadline: 'resolution' },
      { dutyCode: 'resolve_in_time' },
      { type: 'escalated' },
    ]);
    expect(Object.keys(run.state.deadlines)).toEqual(['resolution']);
    expect(run.state.deadlines.resolution).toMatchObject({ startedAt: s(60), dueAt: s(120), breachedAt: null });
  });

  test("a breach at street level is reported to the organisation department and forwarded to the owning department's Party organisation; the handler stays", () => {
    const run = caseIn('dispatched');
    run.tick(s(15));
    const events = run.tick(s(30)).filter((e) => e.type !== 'reminder_sent');
    expect(events).toMatchObject([
      { type: 'breached', deadline: 'response', organizationId: ids.handler, level: 'street_committee' },
      { type: 'accountability_recorded', organizationId: ids.handler },
      { type: 'reported', toOrgId: ids.orgDept, automatic: true, deadlines: [] },
      { type: 'forwarded', departmentOrgId: ids.market, automatic: true },
    ]);
    const forwarded = events[3] as Extract<CaseEvent, { type: 'forwarded' }>;
    expect(forwarded.deadlines.map((d) => [d.kind, d.startedAt, d.dueAt])).toEqual([['response', s(30), s(45)]]);
    expect(run.state).toMatchObject({
      level: 'functional_department',
      supervisorOrgId: ids.market,
      currentHandlerOrgId: ids.handler,
      status: 'dispatched',
      breaches: 2,
      escalationCount: 3,
    });
    expect(run.state.deadlines.resolution).toMatchObject({ dueAt: s(60) });
    run.must(actors.handler, sampleActions.acknowledge, s(31));
  });

  test('a breach at organisation-department level is forwarded without a second report', () => {
    const run = caseIn('dispatched');
    run.must(actors.community, sampleActions.escalate, s(1));
    run.must(actors.street, sampleActions.report, s(2));
    expect(typesOf(run.tick(s(15)))).toEqual(['breached', 'accountability_recorded', 'forwarded']);
    expect(run.state.level).toBe('functional_department');
  });

  test('a breach at the top rung records the breach against the handler and sets the next 督办 cadence instead of climbing', () => {
    const run = caseIn('dispatched');
    run.tick(s(15));
    run.tick(s(30)); // forwarded: response due 45 s
    const events = run.tick(s(45)).filter((e) => e.type !== 'reminder_sent');
    expect(events).toMatchObject([
      { type: 'breached', deadline: 'response', organizationId: ids.handler, level: 'functional_department' },
      { type: 'accountability_recorded', organizationId: ids.handler, dutyCode: 'respond_in_time' },
      {
        type: 'urged',
        automatic: true,
        deadline: 'response',
        deadlines: [{ kind: 'response', startedAt: s(45), dueAt: s(60) }],
      },
    ]);
    expect(run.state).toMatchObject({
      level: 'functional_department',
      status: 'dispatched',
      breaches: 3,
      topRungMisses: 1,
      publiclyNoticed: false,
    });
    expect(nextWakeUp(run.state)).toBe(s(52.5));
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
    // 催办 at 50 % and 75 % of the span would fall in the holiday: both wait for the office to open, as one.
    expect(run.state.deadlines.response?.reminderAt).toEqual([cst('2025-10-09', 9)]);
    run.tick(cst('2025-10-09', 18));
    expect(run.state.level).toBe('street_committee');
    // The missed response gets a new working day; the resolution deadline keeps its due.
    expect(run.state.deadlines.response?.dueAt).toBe(cst('2025-10-10', 18));
    expect(run.state.deadlines.resolution?.dueAt).toBe(cst('2025-10-16', 18));
    run.must(actors.handler, sampleActions.acknowledge, cst('2025-10-10', 9));
    run.must(actors.handler, sampleActions.resolve, cst('2025-10-10', 17));
    // Three working days to evaluate: Sat 10-11 (调休), Mon 10-13, Tue 10-14.
    expect(run.state.deadlines.evaluation?.dueAt).toBe(cst('2025-10-14', 18));
  });

  test('makeDeadline counts from the day after the start, whatever the hour', () => {
    const d = makeDeadline(
      { calendar: CALENDAR, terms: workdayIntake().terms, tier: 'general' },
      'resolution',
      workingDays(1),
      cst('2025-10-10', 23, 30),
    );
    expect(d).toMatchObject({
      startedAt: cst('2025-10-10', 23, 30),
      dueAt: cst('2025-10-11', 18),
      extended: 0,
      breachedAt: null,
    });
  });
});

// --- property-based: random actors, actions and clock advances, applied as the workflow applies them ---
// Here the clock jumps straight to each step's moment (as after a worker's downtime); fairness.properties.test.ts
// runs it through every wake-up instead.

const SUPERVISOR_AT: Record<Level, readonly string[]> = {
  community_committee: [ids.community],
  street_committee: [ids.street],
  organization_department: [ids.orgDept],
  functional_department: [ids.market, ids.housing, ids.urban],
};

/** The deadlines a case in this state runs, by the rules: the handler's for the duties it owes, a decision while a request waits. */
function expectedDeadlines(s: CaseState): string[] {
  const status = s.status === 'returned' ? s.pendingRequest?.statusBefore : s.status;
  const handler =
    status === 'dispatched' ? ['response', 'resolution'] : status === 'acknowledged' ? ['resolution'] : [];
  const kinds =
    s.status === 'resolved'
      ? ['evaluation']
      : s.status === 'closed'
        ? []
        : [...handler, ...(s.pendingRequest ? ['decision'] : [])];
  return kinds.sort();
}

/**
 * The invariants every reachable state keeps (see evolve in domain/case-state.ts), as a list of violations:
 * plain checks rather than one expect() each, because they run after every step of every generated sequence.
 */
function violations(run: CaseRun, now: number, afterTick: boolean): string[] {
  const s = run.state;
  const bad: string[] = [];
  const check = (ok: boolean, what: string) => void (ok || bad.push(what));
  check(
    run.log.every((e, i) => e.seq === i + 1) && s.seq === run.log.length,
    'seq is gap-free from 1 and the state is at the last event',
  );
  check(
    Object.keys(s.deadlines).sort().join() === expectedDeadlines(s).join(),
    `deadlines ${Object.keys(s.deadlines)} fit status ${s.status}`,
  );
  for (const [kind, d] of Object.entries(s.deadlines) as [string, DeadlineState][]) {
    check(d.kind === kind, `deadline ${kind} is keyed by its kind`);
    check(d.remindersSent <= d.reminderAt.length, `${kind}: no more reminders sent than planned`);
    check(
      d.reminderAt.every((t, i) => t > d.startedAt && t < d.dueAt && (i === 0 || t > d.reminderAt[i - 1])),
      `${kind}: reminders sorted within the span`,
    );
    check(
      d.dueAt >= d.firstDueAt && d.extended <= s.terms.fairness.extensionMaxCount,
      `${kind}: extended only later, and at most the agreement's count`,
    );
  }
  check(
    s.awaitingVerification === s.reopenCount > s.terms.reworkLimit,
    'awaiting verification exactly when reworked past the limit',
  );
  check(SUPERVISOR_AT[s.level].includes(s.supervisorOrgId), `the supervisor fits level ${s.level}`);
  check(
    s.currentHandlerOrgId !== null && s.handlerHistory.includes(s.currentHandlerOrgId),
    'every case has a handler, and it is in the history',
  );
  check(controllerOf(s) !== s.currentHandlerOrgId, 'a handler never controls its own case');
  check(
    (s.pendingRequest === null) === (s.deadlines.decision === undefined),
    'a decision deadline exactly while a request waits',
  );
  if (s.status === 'closed') {
    check(
      s.outcome !== null &&
        s.closedAt !== null &&
        s.pendingExtension === null &&
        s.pendingRequest === null &&
        s.pausedSince === null,
      'a closed case has an outcome and nothing pending',
    );
    check(
      run.log.filter((e) => e.type === 'closed').length === 1 && run.log.at(-1)?.type === 'closed',
      'closed is the last event, once',
    );
    check(nextWakeUp(s) === null, 'a closed case never wakes');
  } else {
    check(s.outcome === null && s.closedAt === null, 'an open case has no outcome');
    // A breach is answered at once: one rung up, or at the top rung the next 督办 cadence.
    check(
      Object.values(s.deadlines).every((d) => d?.breachedAt === null),
      'no breached deadline is left standing',
    );
    // Checked after the clock only: between ticks an action may happen after a due that the clock has not seen yet.
    const running = (d: DeadlineState) => s.pausedSince === null || d.kind === 'decision' || d.kind === 'evaluation';
    if (afterTick)
      check(
        Object.values(s.deadlines).every((d) => d === undefined || !running(d) || d.dueAt > now),
        'every running deadline that has passed was answered',
      );
    check(nextWakeUp(s) !== null, 'an open case always has a next wake-up');
  }
  if (s.status === 'returned')
    check(s.pendingRequest?.kind === 'return', 'a returned case waits for its return to be decided');
  if (s.pausedSince !== null)
    check(s.status === 'dispatched' || s.status === 'acknowledged', 'only a case being handled is paused');
  if (s.status === 'resolved')
    check(
      s.resolvedAt !== null && s.pendingExtension === null && s.pendingRequest === null,
      'a resolved case has its moment and nothing pending',
    );
  if (s.status === 'acknowledged') check(s.acknowledgedAt !== null, 'an acknowledged case has its moment');
  if (s.outcome === 'satisfied' || s.outcome === 'basically_satisfied') {
    // The last evaluation is the one that counts.
    const last = run.log.filter((e) => e.type === 'evaluated').at(-1);
    check(
      last?.type === 'evaluated' &&
        last.satisfaction === s.outcome &&
        last.solved &&
        last.counts &&
        s.satisfaction === s.outcome,
      'the outcome is the last evaluation',
    );
  }
  run.log.forEach((e, i) => {
    const next = run.log[i + 1];
    if (e.type === 'breached')
      check(
        next?.type === 'accountability_recorded' &&
          next.source === 'breach' &&
          next.organizationId === e.organizationId,
        'every breach carries its accountability record',
      );
  });
  // The wake-up is exact: nothing is due before it, something is due at it.
  const wake = nextWakeUp(s);
  if (wake !== null)
    check(
      timerEvents(s, wake - 1).length === 0 && timerEvents(s, wake).length > 0,
      'the wake-up is exactly the next due moment',
    );
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
    const actor = actorOf(step.who, before);
    const d = decide(before, step.action, actor, now);
    if (!d.ok) {
      if (!['case.forbidden', 'case.illegal_transition', 'case.invalid'].includes(d.code) || d.reason.length === 0)
        expect(d).toBe('a rejection with a code and a reason');
    } else {
      const events = run.commit(d.events, actor, now);
      const recordedOnce =
        d.events.length > 0 &&
        events.every((e, i) => e.seq === before.seq + 1 + i) &&
        run.state.seq === before.seq + d.events.length;
      if (!recordedOnce)
        expect({ events, seq: run.state.seq }).toBe(`${d.events.length} events after seq ${before.seq}`);
      if (LEVELS.indexOf(run.state.level) < LEVELS.indexOf(before.level))
        expect(run.state.level).toBe(`not below ${before.level}`);
      expectLegal(step.action.type);
    }
    if (before.status !== 'closed') {
      // 补位不越位 and scope, on every reachable open state.
      for (const who of ['community', 'street', 'orgDept'] as const) {
        for (const type of ['acknowledge', 'resolve', 'progress'] as const) {
          const r = decide(before, sampleActions[type], actors[who], now);
          if (r.ok || r.code !== 'case.forbidden' || !r.reason.includes('补位不越位'))
            expect({ who, type, r }).toBe('rejected as 补位不越位');
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
  test('demo-fast (seconds): no sequence reaches an illegal state, accepted actions are recorded once', () => {
    const steps = fc.array(stepArb(fc.integer({ min: 1, max: 90 }).map(seconds), advance(30_000)), {
      maxLength: 30,
      size: 'max',
    });
    const intakes = fc.constantFrom(fastIntake(), staffFiledIntake(), departmentIntake());
    fc.assert(
      fc.property(intakes, steps, (intake, st) => void runSteps(intake, st)),
      { numRuns: 300 },
    );
  });

  test("demo-fast with rework limit 2: awaiting verification only past the agreement's limit", () => {
    const intake = fastIntake();
    const evaluateOften = fc.array(stepArb(fc.constant(seconds(5)), advance(10_000)), { maxLength: 40, size: 'max' });
    fc.assert(
      fc.property(evaluateOften, (st) => void runSteps({ ...intake, terms: { ...intake.terms, reworkLimit: 2 } }, st)),
      { numRuns: 150 },
    );
  });

  test('working days: no working-day deadline falls on a non-working moment unless a pause moved it', () => {
    const start = fc.integer({
      min: Date.parse('2025-01-01T00:00:00+08:00'),
      max: Date.parse('2026-12-31T00:00:00+08:00'),
    });
    const steps = fc.array(stepArb(fc.integer({ min: 1, max: 3 }).map(workingDays), advance(4 * DAY)), {
      maxLength: 25,
      size: 'max',
    });
    const onWorkingMoments = (s: CaseState) => {
      // A pause moves deadlines by the clock time paused, which may leave them out of hours (a rule of its own).
      if (s.pausedMs > 0 || s.pausedSince !== null) return;
      for (const d of Object.values(s.deadlines))
        if (d?.duration.unit === 'working_days') expect(isWorkingMoment(d.dueAt, cal)).toBe(true);
      if (s.pendingExtension) expect(isWorkingMoment(s.pendingExtension.proposedDueAt, cal)).toBe(true);
    };
    fc.assert(
      fc.property(start, steps, (t, st) => void runSteps(workdayIntake(t), st, onWorkingMoments)),
      { numRuns: 200 },
    );
  });

  test('the clock alone walks a case up the ladder, one breach per missed deadline, and keeps urging at the top', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 1, max: 400 }), (acks, gapS) => {
        const run = new CaseRun(fastIntake());
        let now = T0;
        for (let i = 0; i < 40; i++) {
          now = Math.max(now + gapS * SECOND, nextWakeUp(run.state) ?? now);
          run.tick(now);
          if (i === acks && run.state.status === 'dispatched')
            run.act(actorOf('currentHandler', run.state), sampleActions.acknowledge, now);
        }
        expect(run.state).toMatchObject({
          level: 'functional_department',
          currentHandlerOrgId: ids.handler,
          supervisorOrgId: ids.market,
          publiclyNoticed: true,
        });
        expect(nextWakeUp(run.state)).not.toBeNull();
        const breaches = run.eventsOf('breached');
        expect(breaches.slice(0, 2).map((e) => e.level)).toEqual(['community_committee', 'street_committee']);
        expect(
          breaches.slice(2).every((e) => e.level === 'functional_department' && e.organizationId === ids.handler),
        ).toBe(true);
        // Every breach after the first two is one missed cadence at the top rung.
        expect(run.state.topRungMisses).toBe(breaches.length - 2);
        expect(run.eventsOf('publicly_noticed')).toHaveLength(1);
      }),
      { numRuns: 50 },
    );
  });
});
