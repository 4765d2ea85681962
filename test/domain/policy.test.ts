// Who may do what (domain/policy.ts): residents only their own case (and cases merged into it), the handler only
// while it is the current handler, control with the level the case has reached, a higher level only by
// escalation or take-over, and "补位、到位，但不越位": no supervisor acts as the handler. The clock is not a person:
// the system role decides nothing and sees nothing.
import fc from 'fast-check';
import type { ActionType, Actor } from '../../domain/actions';
import { ACTION_TYPES } from '../../domain/actions';
import { decide } from '../../domain/case-machine';
import type { CaseState } from '../../domain/case-state';
import {
  ACTION_POLICY,
  authorize,
  coComplainantSettles,
  controllerOf,
  maySee,
  participation,
} from '../../domain/policy';
import { LEVELS, ROLES } from '../../domain/types';
import { CaseRun, SECOND, T0, actors, chain, fastIntake, ids, sampleActions, type ActorName } from './fixtures';

type Scope = Parameters<typeof authorize>[2];

const NOT_IN_SCOPE = "无权处理此工单 (this case is not within your organisation's scope)";
const NOT_THE_HANDLER = '补位不越位：监督方不能代替承办单位办理 (a supervisor may not act as the handler)';
const NOT_THE_LEVEL = '工单已由上级督办，只有当前层级可以作出决定 (the case is controlled by the level it has reached)';
const ONLY_ABOVE = '只有上级可以提级督办 (only a higher level may take a case over)';
const NO_SELF_CALLBACK = '回访须由监督方进行，承办单位不能代为评价 (the handler may not record its own evaluation)';
const roleMayNot = (action: ActionType) =>
  `当前角色不能执行此操作 (your role may not ${action.replace(/_/g, ' ')} this case)`;
const at = (n: number) => T0 + n * SECOND;

/** resident1's lift case at community level, handled by pc-demo-fast, followed up by party member p-member1. */
const scope: Scope = {
  residentUserId: actors.resident1.userId,
  coComplainants: [],
  currentHandlerOrgId: ids.handler,
  handlerHistory: [ids.handler],
  chain,
  followUpOwner: { kind: 'party_member', id: ids.partyMember },
  level: 'community_committee',
  supervisorOrgId: ids.community,
};

const HANDLER: ActionType[] = [
  'acknowledge',
  'progress',
  'resolve',
  'request_extension',
  'return',
  'request_pause',
  'resume',
];
const CONTROL: ActionType[] = [
  'resume',
  'decide_extension',
  'decide_return',
  'decide_pause',
  'reroute',
  'close',
  'escalate',
  'report',
  'forward',
  'merge',
];
const allowed: Record<ActorName, ActionType[]> = {
  resident1: ['evaluate', 'add_information', 'withdraw'],
  handler: HANDLER,
  // The community committee controls a case at its level; report and forward are refused by decide, by level.
  community: [...CONTROL, 'urge', 'assign_follow_up', 'record_follow_up', 'record_callback'],
  // The levels above urge, and take the case over with a reason (提级督办); they do not decide at community level.
  street: ['urge', 'take_over'],
  orgDept: ['urge', 'take_over'],
  member1: ['record_follow_up'],
  // Not this case's business: another resident, another compound's company, a handler not (yet) dispatched,
  // the next community and street, a party member who is not the follow-up owner, an administrator, the clock.
  resident2: [],
  siblingHandler: [],
  owners: [],
  market: [],
  housing: [],
  urban: [],
  siblingCommunity: [],
  otherStreet: [],
  member2: [],
  admin: [],
  system: [],
};

/** Why each refusal is refused: the reason a person would read. */
function expectedReason(name: ActorName, action: ActionType): string {
  const supervisor = ['community', 'street', 'orgDept'].includes(name);
  if (
    ['acknowledge', 'progress', 'resolve', 'request_extension', 'return', 'request_pause'].includes(action) &&
    supervisor
  )
    return NOT_THE_HANDLER;
  if (action === 'record_callback' && name === 'handler') return NO_SELF_CALLBACK;
  if (CONTROL.includes(action) && action !== 'resume' && supervisor) return NOT_THE_LEVEL;
  if (action === 'take_over' && supervisor) return ONLY_ABOVE;
  if (allowed[name].length === 0) return NOT_IN_SCOPE;
  return roleMayNot(action);
}

describe('the role × action × scope matrix on a case at community level', () => {
  const rows = (Object.keys(allowed) as ActorName[]).flatMap((name) =>
    ACTION_TYPES.map((action) => [name, action] as const),
  );

  test.each(rows)('%s → %s', (name, action) => {
    const reason = authorize(actors[name], action, scope);
    expect(reason).toBe(allowed[name].includes(action) ? null : expectedReason(name, action));
  });

  test('participation names the parts each actor plays', () => {
    const parts = (name: ActorName, c: Scope = scope) => [...participation(actors[name], c)].sort();
    expect(parts('resident1')).toEqual(['complainant', 'resident']);
    expect(parts('handler')).toEqual(['handler', 'past_handler']);
    expect(parts('community')).toEqual(['community', 'controller', 'supervisor']);
    expect(parts('street')).toEqual(['above', 'supervisor']);
    expect(parts('orgDept')).toEqual(['above', 'supervisor']);
    expect(parts('member1')).toEqual(['follow_up_owner']);
    for (const name of [
      'resident2',
      'siblingHandler',
      'siblingCommunity',
      'otherStreet',
      'member2',
      'admin',
      'system',
    ] as const)
      expect(parts(name)).toEqual([]);
    // At the top rung the department's Party organisation controls; its staff hold handler accounts.
    expect(parts('market', { ...scope, level: 'functional_department', supervisorOrgId: ids.market })).toEqual([
      'controller',
      'supervisor',
    ]);
  });

  test('ACTION_POLICY gives acknowledging, reporting progress and resolving to the handler alone, and every action a rule', () => {
    for (const action of ['acknowledge', 'progress', 'resolve'] as const)
      expect(ACTION_POLICY[action]).toEqual(['handler']);
    expect(Object.keys(ACTION_POLICY).sort()).toEqual([...ACTION_TYPES].sort());
  });
});

describe('补位、到位，但不越位', () => {
  test.each(['community', 'street', 'orgDept'] as const)(
    'the %s may urge but not act as the handler, and nothing is written',
    (name) => {
      const run = new CaseRun(fastIntake());
      run.must(actors.handler, sampleActions.acknowledge, at(1));
      const before = run.state;
      for (const type of [
        'acknowledge',
        'progress',
        'resolve',
        'request_extension',
        'return',
        'request_pause',
      ] as const) {
        expect(run.act(actors[name], sampleActions[type], at(2))).toEqual({
          ok: false,
          code: 'case.forbidden',
          reason: NOT_THE_HANDLER,
        });
      }
      expect(run.state).toBe(before);
      expect(run.log).toHaveLength(3);
      expect(run.act(actors[name], sampleActions.urge, at(3))).toMatchObject({
        ok: true,
        events: [{ type: 'urged', automatic: false }],
      });
    },
  );

  test('authorization comes before the status check: a supervisor learns it may never resolve, not that the case is unacknowledged', () => {
    const run = new CaseRun(fastIntake());
    expect(run.act(actors.community, sampleActions.resolve, T0)).toMatchObject({
      code: 'case.forbidden',
      reason: NOT_THE_HANDLER,
    });
    expect(run.act(actors.handler, sampleActions.resolve, T0)).toMatchObject({ code: 'case.illegal_transition' });
  });

  test("the handler never records its own evaluation: 回访 is the supervising committee's", () => {
    const run = new CaseRun(fastIntake({ residentUserId: null }));
    run.must(actors.handler, sampleActions.acknowledge, at(1));
    run.must(actors.handler, sampleActions.resolve, at(2));
    expect(run.act(actors.handler, sampleActions.record_callback, at(3))).toEqual({
      ok: false,
      code: 'case.forbidden',
      reason: NO_SELF_CALLBACK,
    });
    expect(run.must(actors.community, sampleActions.record_callback, at(3))).toMatchObject([
      { type: 'evaluated', channel: 'phone' },
      { type: 'closed' },
    ]);
  });
});

describe('control follows the level the case has reached', () => {
  test('after escalation the community committee can no longer decide, but keeps urging, following up and calling back', () => {
    const run = new CaseRun(fastIntake());
    run.must(actors.handler, sampleActions.return, at(1));
    run.must(actors.community, sampleActions.escalate, at(2));
    expect(run.act(actors.community, sampleActions.decide_return, at(3))).toEqual({
      ok: false,
      code: 'case.forbidden',
      reason: NOT_THE_LEVEL,
    });
    expect(run.act(actors.community, sampleActions.close, at(3))).toEqual({
      ok: false,
      code: 'case.forbidden',
      reason: NOT_THE_LEVEL,
    });
    for (const type of ['urge', 'assign_follow_up'] as const)
      expect(run.act(actors.community, sampleActions[type], at(3))).toMatchObject({ ok: true });
    expect(authorize(actors.community, 'record_callback', run.state)).toBeNull();
    expect(run.must(actors.street, sampleActions.decide_return, at(4))).toMatchObject([
      { type: 'return_decided', decision: 'refuse' },
    ]);
  });

  test('a higher level takes a case over only explicitly, with a reason, and then it decides', () => {
    const run = new CaseRun(fastIntake());
    expect(authorize(actors.street, 'close', run.state)).toBe(NOT_THE_LEVEL);
    expect(run.act(actors.community, sampleActions.take_over, at(1))).toEqual({
      ok: false,
      code: 'case.forbidden',
      reason: ONLY_ABOVE,
    });
    const [taken] = run.must(actors.orgDept, { type: 'take_over', reason: '群众反映强烈，提级督办' }, at(1));
    expect(taken).toMatchObject({
      type: 'taken_over',
      fromLevel: 'community_committee',
      toLevel: 'organization_department',
      supervisorOrgId: ids.orgDept,
      reason: '群众反映强烈，提级督办',
    });
    // The street is now below the case: it can no longer take it over, nor decide.
    expect(run.act(actors.street, sampleActions.take_over, at(2))).toMatchObject({ ok: false, code: 'case.forbidden' });
    expect(authorize(actors.street, 'close', run.state)).toBe(NOT_THE_LEVEL);
    expect(authorize(actors.orgDept, 'close', run.state)).toBeNull();
  });

  test('an organisation never decides its own requests: where a department handles and supervises, the organisation department decides', () => {
    const own: Scope = {
      ...scope,
      currentHandlerOrgId: ids.market,
      handlerHistory: [ids.market],
      level: 'functional_department',
      supervisorOrgId: ids.market,
    };
    expect(controllerOf(own)).toBe(ids.orgDept);
    expect(authorize(actors.market, 'decide_extension', own)).toBe(roleMayNot('decide_extension'));
    expect(authorize(actors.orgDept, 'decide_extension', own)).toBeNull();
    expect(controllerOf(scope)).toBe(ids.community);
  });
});

describe('scope follows the case', () => {
  test('residents act only on their own case; a case filed without a resident account has no resident', () => {
    expect(authorize(actors.resident2, 'withdraw', scope)).toBe(NOT_IN_SCOPE);
    expect(authorize(actors.resident1, 'withdraw', { ...scope, residentUserId: null })).toBe(NOT_IN_SCOPE);
    // A staff user whose user id happens to match is not the resident: the role counts too.
    expect(
      authorize({ ...actors.community, userId: actors.resident1.userId, organizationId: null }, 'withdraw', scope),
    ).toBe(NOT_IN_SCOPE);
  });

  test('the complainant of a merged case sees and evaluates the primary, but cannot withdraw it', () => {
    const merged: Scope = { ...scope, coComplainants: [actors.resident2.userId] };
    expect(maySee(actors.resident2, merged)).toBe(true);
    expect(authorize(actors.resident2, 'evaluate', merged)).toBeNull();
    expect(authorize(actors.resident2, 'withdraw', merged)).toBe(roleMayNot('withdraw'));
  });

  test('a handler the case was re-routed away from keeps seeing it, but may no longer act on it', () => {
    const run = new CaseRun(fastIntake());
    run.must(actors.handler, sampleActions.return, at(1));
    // Returned, the case is still the handler's until the supervisor decides.
    expect(authorize(actors.handler, 'request_extension', run.state)).toBeNull();
    run.must(
      actors.community,
      { type: 'decide_return', decision: 'reroute', handlerOrgId: ids.ownersCommittee, reason: '业委会职责' },
      at(2),
    );
    expect(authorize(actors.owners, 'acknowledge', run.state)).toBeNull();
    expect(authorize(actors.handler, 'acknowledge', run.state)).toBe(roleMayNot('acknowledge'));
    expect(maySee(actors.handler, run.state)).toBe(true);
    // A handler account without an organisation never matches.
    expect(authorize({ userId: 'u-x', role: 'handler', organizationId: null }, 'acknowledge', run.state)).toBe(
      NOT_IN_SCOPE,
    );
  });

  test("after forwarding, the property company still handles and the department's Party organisation supervises", () => {
    const run = new CaseRun(fastIntake());
    run.tick(at(15));
    run.tick(at(30));
    expect(run.state).toMatchObject({
      level: 'functional_department',
      currentHandlerOrgId: ids.handler,
      supervisorOrgId: ids.market,
    });
    expect(authorize(actors.handler, 'acknowledge', run.state)).toBeNull();
    expect(authorize(actors.market, 'acknowledge', run.state)).toBe(NOT_THE_HANDLER);
    expect(authorize(actors.market, 'close', run.state)).toBeNull();
    // The lower levels keep the case: community, street and organisation department may all still urge.
    for (const name of ['community', 'street', 'orgDept'] as const)
      expect(authorize(actors[name], 'urge', run.state)).toBeNull();
  });

  test('a grid branch as follow-up owner: its party members record follow-up, its other staff do not', () => {
    const grid: Scope = { ...scope, followUpOwner: { kind: 'grid_branch', id: ids.gridBranch } };
    expect(authorize(actors.member1, 'record_follow_up', grid)).toBeNull();
    expect(authorize(actors.member2, 'record_follow_up', grid)).toBe(NOT_IN_SCOPE);
    expect(
      authorize({ userId: 'u-grid-sup', role: 'supervisor', organizationId: ids.gridBranch }, 'record_follow_up', grid),
    ).toBe(NOT_IN_SCOPE);
    // A party member is the owner as a person, wherever their grid is.
    expect(authorize({ ...actors.member1, organizationId: 'grid-jinji-2' }, 'record_follow_up', scope)).toBeNull();
    expect(authorize(actors.member1, 'record_follow_up', { ...scope, followUpOwner: null })).toBe(NOT_IN_SCOPE);
  });
});

describe('maySee', () => {
  test.each<[ActorName, boolean]>([
    ['resident1', true],
    ['resident2', false],
    ['handler', true],
    ['siblingHandler', false],
    ['community', true],
    ['siblingCommunity', false],
    ['street', true],
    ['otherStreet', false],
    ['orgDept', true],
    ['member1', true],
    ['member2', false],
    ['admin', true],
    ['system', false],
  ])('%s sees the case: %s', (name, sees) => {
    expect(maySee(actors[name], scope)).toBe(sees);
  });

  test('a party member sees a case only while following it up', () => {
    expect(maySee(actors.member1, { ...scope, followUpOwner: null })).toBe(false);
  });
});

describe('properties', () => {
  const orgs = [
    null,
    ids.handler,
    ids.siblingHandler,
    ids.ownersCommittee,
    ids.market,
    ids.community,
    ids.siblingCommunity,
    ids.street,
    ids.otherStreet,
    ids.orgDept,
    ids.gridBranch,
  ];
  const actorArb: fc.Arbitrary<Actor> = fc.record({
    userId: fc.constantFrom(actors.resident1.userId, actors.resident2.userId, 'u-other'),
    role: fc.constantFrom(...ROLES),
    organizationId: fc.constantFrom(...orgs),
    personId: fc.constantFrom(ids.partyMember, 'p-member2', null),
  });
  const scopeArb: fc.Arbitrary<Scope> = fc.record({
    residentUserId: fc.constantFrom(actors.resident1.userId, null),
    coComplainants: fc.constantFrom([], [actors.resident2.userId]),
    currentHandlerOrgId: fc.constantFrom(null, ids.handler, ids.ownersCommittee, ids.market),
    handlerHistory: fc.constantFrom([ids.handler], [ids.handler, ids.ownersCommittee]),
    chain: fc.constant(chain),
    followUpOwner: fc.constantFrom(
      null,
      { kind: 'party_member' as const, id: ids.partyMember },
      { kind: 'grid_branch' as const, id: ids.gridBranch },
    ),
    level: fc.constantFrom(...LEVELS),
    supervisorOrgId: fc.constantFrom(ids.community, ids.street, ids.orgDept, ids.market),
  });

  test('nobody but the current handler may acknowledge, report progress or resolve; the system role least of all', () => {
    fc.assert(
      fc.property(
        actorArb,
        scopeArb,
        fc.constantFrom('acknowledge' as const, 'progress' as const, 'resolve' as const),
        (actor, c, action) => {
          const isHandler =
            actor.role === 'handler' && actor.organizationId !== null && actor.organizationId === c.currentHandlerOrgId;
          expect(authorize(actor, action, c) === null).toBe(isHandler);
        },
      ),
      { numRuns: 500 },
    );
  });

  test('control actions belong to the controller alone', () => {
    fc.assert(
      fc.property(actorArb, scopeArb, fc.constantFrom(...CONTROL.filter((a) => a !== 'resume')), (actor, c, action) => {
        const staff = actor.role === 'handler' || actor.role === 'supervisor';
        expect(authorize(actor, action, c) === null).toBe(staff && actor.organizationId === controllerOf(c));
      }),
      { numRuns: 500 },
    );
  });

  test('an actor allowed anything on a case may see it, and one who may see nothing is refused everything as out of scope', () => {
    fc.assert(
      fc.property(actorArb, scopeArb, fc.constantFrom(...ACTION_TYPES), (actor, c, action) => {
        const reason = authorize(actor, action, c);
        if (reason === null) expect(maySee(actor, c)).toBe(true);
        if (participation(actor, c).size === 0) expect(reason).toBe(NOT_IN_SCOPE);
        if (actor.role === 'system') expect(reason).not.toBeNull();
      }),
      { numRuns: 500 },
    );
  });

  test("decide and authorize agree: a forbidden actor gets case.forbidden with the policy's reason, on any open case", () => {
    const run = new CaseRun(fastIntake());
    const open: CaseState = run.state;
    fc.assert(
      fc.property(actorArb, fc.constantFrom(...ACTION_TYPES), (actor, type) => {
        const reason = authorize(actor, type, open);
        const d = decide(open, sampleActions[type], actor, at(1));
        if (reason !== null) expect(d).toEqual({ ok: false, code: 'case.forbidden', reason });
        else if (!d.ok) expect(d.code).not.toBe('case.forbidden');
      }),
      { numRuns: 500 },
    );
  });
});

describe('a co-complainant may reopen a case but not settle it for its complainant', () => {
  const follower: Actor = { userId: 'u-follower', role: 'resident', organizationId: null };
  const complainant: Actor = { userId: 'u-complainant', role: 'resident', organizationId: null };
  const c = { residentUserId: 'u-complainant' };
  const evaluate = (satisfaction: string, solved: boolean) => ({ type: 'evaluate', satisfaction, solved });

  test('what a follower would try in order to close the case as solved is refused', () => {
    expect(coComplainantSettles(follower, c, evaluate('satisfied', true))).toMatch(/settles it/);
    expect(coComplainantSettles(follower, c, evaluate('basically_satisfied', true))).toMatch(/settles it/);
  });

  test('not solved or unsatisfied from a follower reopens as the complainant’s would', () => {
    expect(coComplainantSettles(follower, c, evaluate('unsatisfied', true))).toBeNull();
    expect(coComplainantSettles(follower, c, evaluate('satisfied', false))).toBeNull();
  });

  test('the complainant settles; a case filed for nobody (no complainant account) is settled by whoever follows it', () => {
    expect(coComplainantSettles(complainant, c, evaluate('satisfied', true))).toBeNull();
    expect(coComplainantSettles(follower, { residentUserId: null }, evaluate('satisfied', true))).toBeNull();
  });

  test('only evaluations by residents are concerned: a supervisor’s 回访 is its own rule', () => {
    const community: Actor = { userId: 'u-c', role: 'supervisor', organizationId: 'comm' };
    expect(
      coComplainantSettles(community, c, { type: 'record_callback', satisfaction: 'satisfied', solved: true }),
    ).toBeNull();
    expect(coComplainantSettles(follower, c, { type: 'add_information' })).toBeNull();
  });
});
