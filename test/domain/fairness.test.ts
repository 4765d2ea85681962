// The fairness rules (DOMAIN.md "Fairness rules"), each as the move a handler or a supervisor would try in order to
// escape a deadline or to charge someone else for its own silence, and what the loop does instead. The clock runs
// as the workflow's timer runs it (CaseRun.walk: a tick at every wake-up). demo-fast terms: 15 s to respond, 60 s
// to resolve, 20 s to decide, two extensions within 60 s of the first due, pauses of 30 s at most, a 15 s 督办
// cadence at the top rung and a public notice after two missed cadences.
import type { CaseAction, CaseEvent } from '../../domain/actions';
import { SYSTEM_ACTOR } from '../../domain/actions';
import { decide } from '../../domain/case-machine';
import {
  CaseRun,
  SECOND,
  T0,
  actors,
  fastIntake,
  ids,
  sampleActions,
  seconds,
  staffFiledIntake,
  typesOf,
} from './fixtures';

const s = (n: number) => T0 + n * SECOND;
const extend = (deadline: 'response' | 'resolution', by: number): CaseAction => ({
  type: 'request_extension',
  deadline,
  extendBy: seconds(by),
  reason: '配件需从厂家调货',
});
const reroute = (handlerOrgId: string): CaseAction => ({
  type: 'decide_return',
  decision: 'reroute',
  handlerOrgId,
  reason: '改派',
});
const refuse: CaseAction = { type: 'decide_return', decision: 'refuse', reason: '属物业服务范围' };
const breachesOf = (events: CaseEvent[]) =>
  events.filter((e): e is Extract<CaseEvent, { type: 'breached' }> => e.type === 'breached');
const accountabilityOf = (events: CaseEvent[]) =>
  events.filter(
    (e): e is Extract<CaseEvent, { type: 'accountability_recorded' }> => e.type === 'accountability_recorded',
  );

function acknowledged(): CaseRun {
  const run = new CaseRun(fastIntake());
  run.mustAt(s(1), actors.handler, sampleActions.acknowledge);
  return run;
}

describe("回退: a return never stops or resets the handler's clock", () => {
  test('a return one second before the response deadline does not stop the clock: the handler is breached at the original due time', () => {
    const run = new CaseRun(fastIntake());
    run.mustAt(s(14), actors.handler, sampleActions.return);
    expect(run.state).toMatchObject({
      status: 'returned',
      currentHandlerOrgId: ids.handler,
      pendingRequest: { kind: 'return' },
    });
    const [breach] = breachesOf(run.walk(s(15)));
    expect(breach).toMatchObject({ deadline: 'response', dueAt: s(15), at: s(15), organizationId: ids.handler });
    // The pending return climbs with the case: the street decides it now, on a clock of its own.
    expect(run.state).toMatchObject({
      level: 'street_committee',
      status: 'returned',
      pendingRequest: { kind: 'return' },
    });
    expect(run.state.deadlines.decision).toMatchObject({ startedAt: s(15), dueAt: s(35) });
  });

  test('a refused return sends the case back as it was, its original deadlines standing', () => {
    const run = acknowledged();
    run.mustAt(s(10), actors.handler, sampleActions.return);
    run.mustAt(s(12), actors.community, refuse);
    expect(run.state).toMatchObject({ status: 'acknowledged', pendingRequest: null, currentHandlerOrgId: ids.handler });
    expect(run.state.deadlines.resolution).toMatchObject({ startedAt: T0, dueAt: s(60) });
    expect(run.state.deadlines.decision).toBeUndefined();
    expect(breachesOf(run.walk(s(60)))).toMatchObject([
      { deadline: 'resolution', dueAt: s(60), organizationId: ids.handler },
    ]);
  });

  test('re-routing back to the same handler resumes its first deadlines: returning twice gains no time', () => {
    const run = new CaseRun(fastIntake());
    run.mustAt(s(5), actors.handler, sampleActions.return);
    run.mustAt(s(6), actors.community, reroute(ids.ownersCommittee));
    // The new handler's deadlines start at the re-route.
    expect(run.state.deadlines.response).toMatchObject({ startedAt: s(6), dueAt: s(21) });
    run.mustAt(s(7), actors.owners, sampleActions.return);
    run.mustAt(s(8), actors.community, reroute(ids.handler));
    expect(run.state.deadlines.response).toMatchObject({ startedAt: T0, dueAt: s(15) });
    expect(run.state.deadlines.resolution).toMatchObject({ startedAt: T0, dueAt: s(60) });
    expect(breachesOf(run.walk(s(15)))).toMatchObject([
      { deadline: 'response', dueAt: s(15), organizationId: ids.handler },
    ]);
  });

  test('a supervisor cannot refuse a return by "re-routing" it to the handler that returned it', () => {
    const run = new CaseRun(fastIntake());
    run.mustAt(s(5), actors.handler, sampleActions.return);
    expect(run.act(actors.community, reroute(ids.handler), s(6))).toMatchObject({ ok: false, code: 'case.invalid' });
    expect(
      run.act(actors.community, { type: 'decide_return', decision: 'reroute', reason: '改派' }, s(6)),
    ).toMatchObject({ ok: false, code: 'case.invalid' });
  });

  test('a supervisor who sits on a return is breached itself (decide in time), and the street decides next', () => {
    const run = acknowledged();
    run.mustAt(s(2), actors.handler, sampleActions.return);
    expect(run.state.deadlines.decision).toMatchObject({ dueAt: s(22) });
    const events = run.walk(s(22));
    expect(breachesOf(events)).toMatchObject([
      { deadline: 'decision', dueAt: s(22), organizationId: ids.community, level: 'community_committee' },
    ]);
    expect(accountabilityOf(events)).toMatchObject([
      { organizationId: ids.community, dutyCode: 'decide_in_time', source: 'breach', deadline: 'decision' },
    ]);
    expect(run.state).toMatchObject({ level: 'street_committee', supervisorOrgId: ids.street, status: 'returned' });
    expect(run.state.deadlines.decision).toMatchObject({ startedAt: s(22), dueAt: s(42), breachedAt: null });
    // The supervisor's silence earns the handler nothing: its resolution deadline still falls at 60 s.
    expect(run.state.deadlines.resolution).toMatchObject({ dueAt: s(60) });
    // The community may no longer decide; the street may.
    expect(run.act(actors.community, refuse, s(23))).toMatchObject({ ok: false, code: 'case.forbidden' });
    run.mustAt(s(23), actors.street, refuse);
  });

  test('a returned case cannot be returned again, nor paused, while the return waits', () => {
    const run = new CaseRun(fastIntake());
    run.mustAt(s(5), actors.handler, sampleActions.return);
    expect(run.act(actors.handler, sampleActions.return, s(6))).toMatchObject({
      ok: false,
      code: 'case.illegal_transition',
    });
    expect(run.act(actors.handler, sampleActions.request_pause, s(6))).toMatchObject({
      ok: false,
      code: 'case.illegal_transition',
    });
  });
});

describe("延期: an extension is asked before the deadline, capped, and the supervisor's silence is its own", () => {
  test('an extension left undecided at the deadline is deemed approved: no breach for the handler, silence recorded against the supervisor', () => {
    const run = acknowledged();
    run.mustAt(s(10), actors.handler, extend('resolution', 30));
    const events = run.walk(s(60));
    expect(breachesOf(events)).toEqual([]);
    expect(events.filter((e) => e.type !== 'reminder_sent')).toMatchObject([
      {
        type: 'extension_decided',
        approve: true,
        deemed: true,
        deadline: 'resolution',
        newDueAt: s(90),
        at: s(60),
        actor: SYSTEM_ACTOR,
      },
      {
        type: 'accountability_recorded',
        organizationId: ids.community,
        dutyCode: 'decide_in_time',
        source: 'silence',
        deadline: 'resolution',
      },
    ]);
    expect(run.state.deadlines.resolution).toMatchObject({ dueAt: s(90), extended: 1, breachedAt: null });
    expect(run.state.pendingExtension).toBeNull();
  });

  test("a pending extension survives an escalation: the street inherits it, and the silence is the street's", () => {
    const run = new CaseRun(fastIntake());
    run.mustAt(s(5), actors.handler, extend('resolution', 20));
    run.walk(s(15)); // the response deadline is missed: the case climbs to the street
    expect(run.state).toMatchObject({
      level: 'street_committee',
      pendingExtension: { deadline: 'resolution', proposedDueAt: s(80) },
    });
    run.mustAt(s(16), actors.handler, sampleActions.acknowledge);
    const events = run.walk(s(60));
    expect(accountabilityOf(events)).toMatchObject([{ organizationId: ids.street, source: 'silence' }]);
    expect(run.state.deadlines.resolution?.dueAt).toBe(s(80));
  });

  test('the agreement caps extensions per deadline: a third request is refused', () => {
    const run = acknowledged();
    for (const t of [10, 20]) {
      run.mustAt(s(t), actors.handler, extend('resolution', 10));
      run.mustAt(s(t + 1), actors.community, sampleActions.decide_extension);
    }
    expect(run.state.deadlines.resolution).toMatchObject({ dueAt: s(80), firstDueAt: s(60), extended: 2 });
    expect(run.act(actors.handler, extend('resolution', 10), s(30))).toMatchObject({
      ok: false,
      code: 'case.illegal_transition',
      reason: expect.stringContaining('most times the agreement allows'),
    });
  });

  test("extensions never take a deadline further than the agreement's total past its first due", () => {
    const run = acknowledged();
    expect(run.act(actors.handler, extend('resolution', 61), s(10))).toMatchObject({ ok: false, code: 'case.invalid' });
    run.mustAt(s(10), actors.handler, extend('resolution', 40));
    run.mustAt(s(11), actors.community, sampleActions.decide_extension);
    expect(run.act(actors.handler, extend('resolution', 21), s(12))).toMatchObject({ ok: false, code: 'case.invalid' });
    run.mustAt(s(12), actors.handler, extend('resolution', 20)); // exactly the total: 60 s + 60 s
  });

  test('an extension cannot be asked at or after the deadline, and a refused one leaves the due where it was', () => {
    const run = new CaseRun(fastIntake());
    for (const t of [15, 16])
      expect(decide(run.state, extend('response', 10), actors.handler, s(t))).toMatchObject({
        ok: false,
        reason: expect.stringContaining('must be asked before it'),
      });
    run.mustAt(s(10), actors.handler, extend('response', 10));
    run.mustAt(s(12), actors.community, { type: 'decide_extension', approve: false, reason: '不同意' });
    expect(breachesOf(run.walk(s(15)))).toMatchObject([{ deadline: 'response', dueAt: s(15) }]);
  });

  test('asking for an extension and returning the case gains nothing beyond the extension', () => {
    const run = new CaseRun(fastIntake());
    run.mustAt(s(10), actors.handler, extend('response', 5));
    run.mustAt(s(11), actors.handler, sampleActions.return);
    const events = run.walk(s(20));
    expect(events.filter((e) => e.type === 'extension_decided')).toMatchObject([{ deemed: true, newDueAt: s(20) }]);
    expect(breachesOf(events)).toMatchObject([{ deadline: 'response', dueAt: s(20), organizationId: ids.handler }]);
  });
});

describe('挂起: paused time does not count, but only an approved pause stops the clock', () => {
  test("an approved pause stops the handler's clock; on resume every running deadline moves by exactly the paused time", () => {
    const run = new CaseRun(fastIntake());
    run.mustAt(s(5), actors.handler, sampleActions.request_pause);
    expect(run.state.deadlines.decision).toMatchObject({ dueAt: s(25) });
    run.mustAt(s(6), actors.community, sampleActions.decide_pause);
    expect(run.walk(s(30))).toEqual([]); // the response due at 15 s passes while paused
    const [resumed] = run.mustAt(s(30), actors.handler, sampleActions.resume);
    expect(resumed).toMatchObject({ type: 'resumed', cause: 'handler', pausedMs: 24 * SECOND });
    expect(run.state.deadlines.response).toMatchObject({ dueAt: s(39), firstDueAt: s(39) });
    expect(run.state.deadlines.resolution).toMatchObject({ dueAt: s(84) });
    expect(run.state.pausedMs).toBe(24 * SECOND);
    expect(breachesOf(run.walk(s(39)))).toMatchObject([{ deadline: 'response', dueAt: s(39) }]);
  });

  test('a pause request alone does not stop the clock: refused, the handler is breached at the original due', () => {
    const run = new CaseRun(fastIntake());
    run.mustAt(s(5), actors.handler, sampleActions.request_pause);
    run.mustAt(s(6), actors.community, { type: 'decide_pause', approve: false, reason: '无需挂起' });
    expect(breachesOf(run.walk(s(15)))).toMatchObject([{ deadline: 'response', dueAt: s(15) }]);
  });

  test("the pause ends when the resident adds information, and at the agreement's maximum if nobody ends it", () => {
    const byResident = acknowledged();
    byResident.mustAt(s(10), actors.handler, sampleActions.request_pause);
    byResident.mustAt(s(10), actors.community, sampleActions.decide_pause);
    expect(byResident.mustAt(s(20), actors.resident1, { type: 'add_information', text: '周六在家' })).toMatchObject([
      { type: 'information_added' },
      { type: 'resumed', cause: 'resident_information', pausedMs: 10 * SECOND },
    ]);
    const atLimit = acknowledged();
    atLimit.mustAt(s(10), actors.handler, sampleActions.request_pause);
    atLimit.mustAt(s(10), actors.community, sampleActions.decide_pause);
    expect(atLimit.walk(s(40))).toMatchObject([{ type: 'resumed', cause: 'limit', pausedMs: 30 * SECOND, at: s(40) }]);
    expect(atLimit.state.deadlines.resolution?.dueAt).toBe(s(90));
  });

  test("a pause left undecided at the handler's deadline is deemed approved, and the handler keeps the time it had left when it asked", () => {
    const run = acknowledged();
    run.mustAt(s(50), actors.handler, sampleActions.request_pause);
    const events = run.walk(s(60));
    expect(breachesOf(events)).toEqual([]);
    expect(events.filter((e) => e.type !== 'reminder_sent')).toMatchObject([
      { type: 'pause_decided', approve: true, deemed: true },
      {
        type: 'accountability_recorded',
        organizationId: ids.community,
        dutyCode: 'decide_in_time',
        source: 'silence',
        deadline: 'resolution',
      },
    ]);
    // The resident answers at 70 s: the 10 s the handler had left at 50 s are still its own.
    run.mustAt(s(70), actors.resident1, sampleActions.add_information);
    expect(run.state.deadlines.resolution?.dueAt).toBe(s(80));
    expect(breachesOf(run.walk(s(79.999)))).toEqual([]);
  });

  test('a pause deemed approved after its maximum has passed counts the maximum, no more', () => {
    const run = acknowledged();
    run.mustAt(s(10), actors.handler, sampleActions.request_pause);
    // Nobody decides: the community (30 s) and the street (50 s) are breached; at 60 s the resolution due approves it.
    const events = run.walk(s(60)).filter((e) => e.at === s(60) && e.type !== 'reminder_sent');
    expect(events).toMatchObject([
      { type: 'pause_decided', deemed: true },
      { type: 'accountability_recorded', source: 'silence', organizationId: ids.market },
      { type: 'resumed', cause: 'limit', pausedMs: 30 * SECOND },
    ]);
    // As if approved at 10 s: paused to 40 s, then the 50 s it had left.
    expect(run.state.deadlines.resolution?.dueAt).toBe(s(90));
  });

  test('the controller may end a pause, and is recorded as the one who did', () => {
    const run = acknowledged();
    run.mustAt(s(10), actors.handler, sampleActions.request_pause);
    run.mustAt(s(11), actors.community, sampleActions.decide_pause);
    expect(run.mustAt(s(12), actors.community, sampleActions.resume)).toMatchObject([
      { type: 'resumed', cause: 'supervisor', pausedMs: SECOND },
    ]);
  });

  test('a pause never eats into the extension allowance: the cap counts from the first due as the pause moved it', () => {
    const run = acknowledged();
    run.mustAt(s(10), actors.handler, sampleActions.request_pause);
    run.mustAt(s(10), actors.community, sampleActions.decide_pause);
    run.walk(s(40)); // paused 30 s: the resolution due moves from 60 s to 90 s
    run.mustAt(s(41), actors.handler, extend('resolution', 60));
    expect(run.state.pendingExtension?.proposedDueAt).toBe(s(150));
  });

  test('an extension asked before a pause keeps its length: approving it after the pause never moves the due earlier', () => {
    const run = acknowledged();
    run.mustAt(s(5), actors.handler, extend('resolution', 10));
    run.mustAt(s(6), actors.handler, sampleActions.request_pause);
    run.mustAt(s(6), actors.community, sampleActions.decide_pause);
    run.mustAt(s(26), actors.handler, sampleActions.resume);
    expect(run.state.deadlines.resolution?.dueAt).toBe(s(80));
    run.mustAt(s(27), actors.community, sampleActions.decide_extension);
    expect(run.state.deadlines.resolution?.dueAt).toBe(s(90));
  });

  test('re-routing a paused case gives the handler it leaves its paused time back, so coming back costs it nothing', () => {
    const run = acknowledged();
    run.mustAt(s(10), actors.handler, sampleActions.request_pause);
    run.mustAt(s(10), actors.community, sampleActions.decide_pause);
    const events = run.mustAt(s(30), actors.community, {
      type: 'reroute',
      handlerOrgId: ids.ownersCommittee,
      reason: '改派业委会',
    });
    expect(typesOf(events)).toEqual(['resumed', 'dispatched']);
    expect(run.state.parkedDeadlines[ids.handler]).toMatchObject({
      deadlines: [{ kind: 'resolution', dueAt: s(80) }],
      byReturn: false,
    });
    run.mustAt(s(31), actors.community, { type: 'reroute', handlerOrgId: ids.handler, reason: '仍属物业' });
    // Nor does the second it spent with the owners' committee: it did not return the case.
    expect(run.state.deadlines.resolution?.dueAt).toBe(s(81));
  });

  test('a pause cannot be stacked on a pending request, nor asked twice', () => {
    const run = new CaseRun(fastIntake());
    run.mustAt(s(5), actors.handler, sampleActions.request_pause);
    expect(run.act(actors.handler, sampleActions.request_pause, s(6))).toMatchObject({
      ok: false,
      code: 'case.illegal_transition',
    });
    expect(run.act(actors.handler, sampleActions.return, s(6))).toMatchObject({
      ok: false,
      code: 'case.illegal_transition',
    });
    run.mustAt(s(6), actors.community, sampleActions.decide_pause);
    expect(run.act(actors.handler, sampleActions.request_pause, s(7))).toMatchObject({
      ok: false,
      code: 'case.illegal_transition',
    });
  });
});

describe('督办: escalation gives a new deadline for the breached duty only', () => {
  test('missing the response deadline earns no extra resolution time', () => {
    const run = new CaseRun(fastIntake());
    const escalated = run.walk(s(15)).find((e) => e.type === 'escalated');
    expect(escalated).toMatchObject({
      toLevel: 'street_committee',
      automatic: true,
      deadlines: [{ kind: 'response', startedAt: s(15), dueAt: s(30) }],
    });
    expect(run.state.deadlines.resolution).toMatchObject({ startedAt: T0, dueAt: s(60) });
  });

  test("a supervisor's own escalation, report, forward or take-over changes none of the handler's deadlines", () => {
    const run = acknowledged();
    const before = run.state.deadlines;
    run.mustAt(s(2), actors.community, sampleActions.escalate);
    run.mustAt(s(3), actors.street, sampleActions.report);
    run.mustAt(s(4), actors.orgDept, sampleActions.forward);
    expect(run.state.deadlines).toEqual(before);
    const taken = new CaseRun(fastIntake());
    taken.mustAt(s(2), actors.street, sampleActions.take_over);
    expect(taken.state.deadlines).toEqual(new CaseRun(fastIntake()).state.deadlines);
  });

  test("a forward never changes the handler: the department's Party organisation supervises its own department's handling", () => {
    const run = acknowledged();
    run.mustAt(s(2), actors.community, sampleActions.escalate);
    run.mustAt(s(3), actors.street, sampleActions.report);
    const [fwd] = run.mustAt(s(4), actors.orgDept, {
      type: 'forward',
      departmentOrgId: ids.housing,
      reason: '住建局监管',
    });
    expect(fwd).toMatchObject({ type: 'forwarded', departmentOrgId: ids.housing });
    expect(run.state).toMatchObject({
      level: 'functional_department',
      supervisorOrgId: ids.housing,
      currentHandlerOrgId: ids.handler,
      status: 'acknowledged',
    });
    run.mustAt(s(5), actors.handler, sampleActions.resolve);
  });
});

describe('the top rung: no higher level, but the pressure keeps coming', () => {
  test("at the top rung a case keeps being urged, each missed cadence charged to the handler, and is publicly noticed after the agreement's count", () => {
    const run = acknowledged();
    run.mustAt(s(2), actors.community, sampleActions.escalate);
    run.mustAt(s(3), actors.street, sampleActions.report);
    run.mustAt(s(4), actors.orgDept, sampleActions.forward);
    const events = run.walk(s(90)).filter((e) => e.type !== 'reminder_sent');
    expect(events.map((e) => [e.type, e.at])).toEqual([
      ['breached', s(60)],
      ['accountability_recorded', s(60)],
      ['urged', s(60)],
      ['breached', s(75)],
      ['accountability_recorded', s(75)],
      ['urged', s(75)],
      ['publicly_noticed', s(75)],
      ['breached', s(90)],
      ['accountability_recorded', s(90)],
      ['urged', s(90)],
    ]);
    expect(
      accountabilityOf(events).every((e) => e.organizationId === ids.handler && e.dutyCode === 'resolve_in_time'),
    ).toBe(true);
    expect(events.find((e) => e.type === 'urged')).toMatchObject({
      automatic: true,
      deadline: 'resolution',
      deadlines: [{ kind: 'resolution', startedAt: s(60), dueAt: s(75) }],
    });
    expect(events.find((e) => e.type === 'publicly_noticed')).toMatchObject({ missedCadences: 2 });
    expect(run.state).toMatchObject({
      topRungMisses: 3,
      publiclyNoticed: true,
      level: 'functional_department',
      status: 'acknowledged',
    });
    expect(run.state.deadlines.resolution).toMatchObject({ dueAt: s(105), breachedAt: null });
  });
});

describe('repeated dissatisfaction: 不满意 past the rework limit climbs instead of closing', () => {
  const unsatisfied: CaseAction = { type: 'evaluate', satisfaction: 'unsatisfied', solved: false };

  function reworkedTwice(): CaseRun {
    const run = acknowledged();
    run.mustAt(s(2), actors.handler, sampleActions.resolve);
    run.mustAt(s(3), actors.resident1, unsatisfied);
    run.mustAt(s(4), actors.handler, sampleActions.resolve);
    return run;
  }

  test('不满意 again at the rework limit holds the handler accountable, reopens under the level above, and does not close', () => {
    const run = reworkedTwice();
    const events = run.mustAt(s(5), actors.resident1, unsatisfied);
    expect(events).toMatchObject([
      { type: 'evaluated', satisfaction: 'unsatisfied', counts: true },
      {
        type: 'accountability_recorded',
        organizationId: ids.handler,
        dutyCode: 'satisfy_residents',
        source: 'unsatisfied',
      },
      {
        type: 'reopened',
        reopenCount: 2,
        beyondLimit: true,
        deadlines: [{ kind: 'resolution', startedAt: s(5), dueAt: s(65) }],
      },
      { type: 'escalated', toLevel: 'street_committee', automatic: true },
    ]);
    expect(run.state).toMatchObject({
      status: 'acknowledged',
      awaitingVerification: true,
      level: 'street_committee',
      outcome: null,
    });
  });

  test('the level above may close it as verified unreasonable, with a reason; the community and the handler may not', () => {
    const run = reworkedTwice();
    run.mustAt(s(5), actors.resident1, unsatisfied);
    const close: CaseAction = {
      type: 'close',
      ground: 'verified_unreasonable',
      reason: '经核实，诉求超出物业服务合同范围',
    };
    expect(run.act(actors.community, close, s(6))).toMatchObject({ ok: false, code: 'case.forbidden' });
    expect(run.act(actors.handler, close, s(6))).toMatchObject({ ok: false, code: 'case.forbidden' });
    expect(run.mustAt(s(6), actors.street, close)).toMatchObject([
      {
        type: 'closed',
        outcome: 'unsatisfied_unreasonable',
        ground: 'verified_unreasonable',
        reason: '经核实，诉求超出物业服务合同范围',
      },
    ]);
  });

  test('a case not yet past the rework limit cannot be closed as unreasonable, nor on a ground meant for cases never resolved', () => {
    const run = reworkedTwice();
    run.mustAt(s(5), actors.resident1, { type: 'evaluate', satisfaction: 'basically_satisfied', solved: false });
    expect(run.state).toMatchObject({ status: 'acknowledged', awaitingVerification: true });
    const first = acknowledged();
    first.mustAt(s(2), actors.handler, sampleActions.resolve);
    first.mustAt(s(3), actors.resident1, unsatisfied);
    expect(
      first.act(actors.community, { type: 'close', ground: 'verified_unreasonable', reason: 'x' }, s(4)),
    ).toMatchObject({ ok: false, code: 'case.illegal_transition' });
    expect(first.act(actors.community, sampleActions.close, s(4))).toMatchObject({
      ok: false,
      reason: expect.stringContaining('resolved before'),
    });
  });

  test('"not solved" with any satisfaction offers the resident rework', () => {
    const run = acknowledged();
    run.mustAt(s(2), actors.handler, sampleActions.resolve);
    expect(
      typesOf(run.mustAt(s(3), actors.resident1, { type: 'evaluate', satisfaction: 'satisfied', solved: false })),
    ).toEqual(['evaluated', 'reopened']);
  });
});

describe('who controls a case, and who may close it', () => {
  test("a supervisor's close of a resolved case awaiting evaluation is refused, on every ground", () => {
    const run = acknowledged();
    run.mustAt(s(2), actors.handler, sampleActions.resolve);
    for (const ground of ['duplicate', 'invalid', 'resident_request', 'verified_unreasonable'] as const) {
      expect(run.act(actors.community, { type: 'close', ground, reason: '关闭' }, s(3))).toMatchObject({
        ok: false,
        code: 'case.illegal_transition',
        reason: expect.stringContaining('waits for the resident'),
      });
    }
    expect(run.act(actors.community, sampleActions.merge, s(3))).toMatchObject({
      ok: false,
      code: 'case.illegal_transition',
    });
  });

  test('the clock is not a person: the system role may not act on a case', () => {
    const run = new CaseRun(fastIntake());
    for (const type of ['acknowledge', 'decide_return', 'close', 'escalate'] as const) {
      expect(decide(run.state, sampleActions[type], SYSTEM_ACTOR, s(1))).toMatchObject({
        ok: false,
        code: 'case.forbidden',
      });
    }
  });
});

describe("回访: the supervising committee's independent call", () => {
  function staffResolved(): CaseRun {
    const run = new CaseRun(staffFiledIntake());
    run.mustAt(s(1), actors.handler, sampleActions.acknowledge);
    run.mustAt(s(2), actors.handler, sampleActions.resolve);
    return run;
  }

  test('a staff-filed case the committee never calls back closes as not evaluated, the committee held accountable, not the handler', () => {
    const run = staffResolved();
    const events = run.walk(s(62));
    expect(events.filter((e) => e.type !== 'reminder_sent')).toMatchObject([
      {
        type: 'accountability_recorded',
        organizationId: ids.community,
        dutyCode: 'callback',
        source: 'silence',
        deadline: 'evaluation',
      },
      { type: 'closed', outcome: 'not_evaluated' },
    ]);
  });

  test("a 回访 records the resident's evaluation with its channel, and it counts", () => {
    const run = staffResolved();
    const events = run.mustAt(s(10), actors.community, {
      type: 'record_callback',
      channel: 'visit',
      satisfaction: 'basically_satisfied',
      solved: true,
    });
    expect(events).toMatchObject([
      { type: 'evaluated', channel: 'visit', counts: true, satisfaction: 'basically_satisfied' },
      { type: 'closed', outcome: 'basically_satisfied' },
    ]);
  });

  test('a resident with an account who does not evaluate charges nobody', () => {
    const run = acknowledged();
    run.mustAt(s(2), actors.handler, sampleActions.resolve);
    expect(typesOf(run.walk(s(62)).filter((e) => e.type !== 'reminder_sent'))).toEqual(['closed']);
  });
});

describe('合并: duplicates are one problem', () => {
  test('a merged case closes as merged with a link to its primary', () => {
    const run = new CaseRun(fastIntake());
    expect(run.mustAt(s(3), actors.community, sampleActions.merge)).toMatchObject([
      { type: 'merged', primaryCaseId: 'case-demo-0', primaryTrackingCode: '2510-PRIMARY' },
      { type: 'closed', outcome: 'merged' },
    ]);
    expect(run.state).toMatchObject({
      status: 'closed',
      outcome: 'merged',
      mergedInto: { caseId: 'case-demo-0', trackingCode: '2510-PRIMARY' },
    });
  });

  test("a case is never merged into itself or into another compound's case", () => {
    const run = new CaseRun(fastIntake());
    const merge = (primary: { caseId: string; trackingCode: string; compoundCode: string }): CaseAction => ({
      type: 'merge',
      primary,
      reason: '重复',
    });
    expect(
      run.act(
        actors.community,
        merge({ caseId: 'case-demo-1', trackingCode: '2510-ABC123', compoundCode: ids.compound }),
        s(1),
      ),
    ).toMatchObject({ ok: false, code: 'case.invalid' });
    expect(
      run.act(actors.community, merge({ caseId: 'case-x', trackingCode: '2510-X', compoundCode: 'lakeview' }), s(1)),
    ).toMatchObject({ ok: false, code: 'case.invalid' });
  });

  test('the complainant of a merged case follows the primary and evaluates it; joining twice changes nothing', () => {
    const run = acknowledged();
    const joined = {
      type: 'complainant_joined',
      fromCaseId: 'case-demo-2',
      fromTrackingCode: '2510-DUP',
      residentUserId: actors.resident2.userId,
    } as const;
    run.commit([joined], SYSTEM_ACTOR, s(2));
    run.commit([joined], SYSTEM_ACTOR, s(3));
    expect(run.state.coComplainants).toEqual([actors.resident2.userId]);
    run.mustAt(s(4), actors.handler, sampleActions.resolve);
    expect(run.act(actors.resident2, sampleActions.withdraw, s(5))).toMatchObject({
      ok: false,
      code: 'case.forbidden',
    });
    expect(run.mustAt(s(5), actors.resident2, sampleActions.evaluate)).toMatchObject([
      { type: 'evaluated' },
      { type: 'closed', outcome: 'satisfied' },
    ]);
  });
});
