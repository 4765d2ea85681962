// Who may do what (domain/policy.ts): residents only their own case, the handler only while it is the current
// handler, supervisors of the compound's chain at any level, and "补位、到位，但不越位": no supervisor acts as
// the handler.
import fc from 'fast-check';
import type { ActionType, Actor } from '../../domain/actions';
import { ACTION_TYPES } from '../../domain/actions';
import { decide } from '../../domain/case-machine';
import type { CaseState } from '../../domain/case-state';
import { ACTION_POLICY, authorize, maySee, participation } from '../../domain/policy';
import { ROLES } from '../../domain/types';
import { CaseRun, SECOND, T0, actors, chain, fastIntake, ids, sampleActions, type ActorName } from './fixtures';

type Scope = Parameters<typeof authorize>[2];

const NOT_IN_SCOPE = '无权处理此工单 (this case is not within your organisation\'s scope)';
const NOT_THE_HANDLER = '补位不越位：监督方不能代替承办单位受理或办结 (a supervisor may not act as the handler)';
const roleMayNot = (action: ActionType) => `当前角色不能执行此操作 (your role may not ${action.replace(/_/g, ' ')} this case)`;

/** resident1's lift case, handled by pc-demo-fast, followed up by party member p-member1. */
const scope: Scope = { residentUserId: actors.resident1.userId, currentHandlerOrgId: ids.handler, chain, followUpOwner: { kind: 'party_member', id: ids.partyMember } };

const SUPERVISING: ActionType[] = ['decide_extension', 'reroute', 'urge', 'close', 'escalate'];
const allowed: Record<ActorName, ActionType[]> = {
  resident1: ['evaluate', 'add_information', 'withdraw'],
  handler: ['acknowledge', 'progress', 'resolve', 'request_extension', 'return'],
  community: [...SUPERVISING, 'assign_follow_up', 'record_follow_up'],
  street: [...SUPERVISING, 'report'],
  orgDept: [...SUPERVISING, 'forward'],
  member1: ['record_follow_up'],
  system: ACTION_TYPES,
  // Not this case's business: another resident, another compound's company, a handler not (yet) dispatched,
  // the next community and street, a party member who is not the follow-up owner, an administrator.
  resident2: [],
  siblingHandler: [],
  owners: [],
  market: [],
  housing: [],
  siblingCommunity: [],
  otherStreet: [],
  member2: [],
  admin: [],
};

describe('the role × action × scope matrix on a case at community level', () => {
  const rows = (Object.keys(allowed) as ActorName[]).flatMap((name) => ACTION_TYPES.map((action) => [name, action] as const));

  test.each(rows)('%s → %s', (name, action) => {
    const actor = actors[name];
    const reason = authorize(actor, action, scope);
    if (allowed[name].includes(action)) {
      expect(reason).toBeNull();
      return;
    }
    const who = participation(actor, scope);
    if (who.has('supervisor') && ['acknowledge', 'resolve', 'progress'].includes(action)) expect(reason).toBe(NOT_THE_HANDLER);
    else if (who.size === 0) expect(reason).toBe(NOT_IN_SCOPE);
    else expect(reason).toBe(roleMayNot(action));
  });

  test('participation names the parts each actor plays', () => {
    const parts = (name: ActorName) => [...participation(actors[name], scope)].sort();
    expect(parts('resident1')).toEqual(['resident']);
    expect(parts('handler')).toEqual(['handler']);
    expect(parts('community')).toEqual(['community', 'supervisor']);
    expect(parts('street')).toEqual(['street', 'supervisor']);
    expect(parts('orgDept')).toEqual(['organization_department', 'supervisor']);
    expect(parts('member1')).toEqual(['follow_up_owner']);
    for (const name of ['resident2', 'siblingHandler', 'siblingCommunity', 'otherStreet', 'member2', 'admin', 'system'] as const) expect(parts(name)).toEqual([]);
  });

  test('ACTION_POLICY gives acknowledging, reporting progress and resolving to the handler alone', () => {
    for (const action of ['acknowledge', 'progress', 'resolve'] as const) expect(ACTION_POLICY[action]).toEqual(['handler']);
    expect(Object.keys(ACTION_POLICY).sort()).toEqual([...ACTION_TYPES].sort());
  });
});

describe('补位、到位，但不越位', () => {
  test.each(['community', 'street', 'orgDept'] as const)('the %s may urge but not acknowledge, report progress or resolve, and nothing is written', (name) => {
    const run = new CaseRun(fastIntake());
    run.must(actors.handler, sampleActions.acknowledge, T0 + SECOND);
    const before = run.state;
    for (const type of ['acknowledge', 'progress', 'resolve'] as const) {
      expect(run.act(actors[name], sampleActions[type], T0 + 2 * SECOND)).toEqual({ ok: false, code: 'case.forbidden', reason: NOT_THE_HANDLER });
    }
    expect(run.state).toBe(before);
    expect(run.log).toHaveLength(3);
    expect(run.act(actors[name], sampleActions.urge, T0 + 3 * SECOND)).toMatchObject({ ok: true, events: [{ type: 'urged', automatic: false }] });
  });

  test('authorization comes before the status check: a supervisor learns it may never resolve, not that the case is unacknowledged', () => {
    const run = new CaseRun(fastIntake());
    expect(run.act(actors.community, sampleActions.resolve, T0)).toMatchObject({ code: 'case.forbidden', reason: NOT_THE_HANDLER });
    expect(run.act(actors.handler, sampleActions.resolve, T0)).toMatchObject({ code: 'case.illegal_transition' });
  });
});

describe('scope follows the case', () => {
  test('residents act only on their own case; a case filed without a resident account has no resident', () => {
    expect(authorize(actors.resident2, 'withdraw', scope)).toBe(NOT_IN_SCOPE);
    expect(authorize(actors.resident1, 'withdraw', { ...scope, residentUserId: null })).toBe(NOT_IN_SCOPE);
    // A staff user whose user id happens to match is not the resident: the role counts too.
    expect(authorize({ ...actors.community, userId: actors.resident1.userId, organizationId: null }, 'withdraw', scope)).toBe(NOT_IN_SCOPE);
  });

  test('the handler is whoever the case is dispatched to now: after a return nobody, after a re-route the new one', () => {
    const run = new CaseRun(fastIntake());
    run.must(actors.handler, sampleActions.return, T0 + SECOND);
    expect(authorize(actors.handler, 'acknowledge', run.state)).toBe(NOT_IN_SCOPE);
    // A handler account without an organisation never matches a case without a handler.
    expect(authorize({ userId: 'u-x', role: 'handler', organizationId: null }, 'acknowledge', run.state)).toBe(NOT_IN_SCOPE);
    run.must(actors.community, { type: 'reroute', handlerOrgId: ids.ownersCommittee, reason: '业委会职责' }, T0 + 2 * SECOND);
    expect(authorize(actors.owners, 'acknowledge', run.state)).toBeNull();
    expect(authorize(actors.handler, 'acknowledge', run.state)).toBe(NOT_IN_SCOPE);
  });

  test('after forwarding, the department handles and the property company no longer may', () => {
    const run = new CaseRun(fastIntake());
    run.tick(T0 + 15 * SECOND);
    run.tick(T0 + 30 * SECOND);
    expect(run.state.currentHandlerOrgId).toBe(ids.market);
    expect(authorize(actors.market, 'acknowledge', run.state)).toBeNull();
    expect(authorize(actors.handler, 'resolve', run.state)).toBe(NOT_IN_SCOPE);
    // The lower levels keep the case: community, street and organisation department may all still urge.
    for (const name of ['community', 'street', 'orgDept'] as const) expect(authorize(actors[name], 'urge', run.state)).toBeNull();
  });

  test('only the street committee reports, only the organisation department forwards, only the community assigns follow-up', () => {
    expect(authorize(actors.community, 'report', scope)).toBe(roleMayNot('report'));
    expect(authorize(actors.orgDept, 'report', scope)).toBe(roleMayNot('report'));
    expect(authorize(actors.street, 'forward', scope)).toBe(roleMayNot('forward'));
    expect(authorize(actors.community, 'forward', scope)).toBe(roleMayNot('forward'));
    expect(authorize(actors.street, 'assign_follow_up', scope)).toBe(roleMayNot('assign_follow_up'));
  });

  test('a grid branch as follow-up owner: its party members record follow-up, its other staff do not', () => {
    const grid: Scope = { ...scope, followUpOwner: { kind: 'grid_branch', id: ids.gridBranch } };
    expect(authorize(actors.member1, 'record_follow_up', grid)).toBeNull();
    expect(authorize(actors.member2, 'record_follow_up', grid)).toBe(NOT_IN_SCOPE);
    expect(authorize({ userId: 'u-grid-sup', role: 'supervisor', organizationId: ids.gridBranch }, 'record_follow_up', grid)).toBe(NOT_IN_SCOPE);
    // A party member is the owner as a person, wherever their grid is.
    expect(authorize({ ...actors.member1, organizationId: 'grid-jinji-2' }, 'record_follow_up', scope)).toBeNull();
    expect(authorize(actors.member1, 'record_follow_up', { ...scope, followUpOwner: null })).toBe(NOT_IN_SCOPE);
  });
});

describe('maySee', () => {
  test.each<[ActorName, boolean]>([
    ['resident1', true], ['resident2', false], ['handler', true], ['siblingHandler', false], ['community', true],
    ['siblingCommunity', false], ['street', true], ['otherStreet', false], ['orgDept', true], ['member1', true],
    ['member2', false], ['admin', true], ['system', true],
  ])('%s sees the case: %s', (name, sees) => {
    expect(maySee(actors[name], scope)).toBe(sees);
  });

  test('a party member sees a case only while following it up', () => {
    expect(maySee(actors.member1, { ...scope, followUpOwner: null })).toBe(false);
  });
});

describe('properties', () => {
  const orgs = [null, ids.handler, ids.siblingHandler, ids.ownersCommittee, ids.market, ids.community, ids.siblingCommunity, ids.street, ids.otherStreet, ids.orgDept, ids.gridBranch];
  const actorArb: fc.Arbitrary<Actor> = fc.record({
    userId: fc.constantFrom(actors.resident1.userId, actors.resident2.userId, 'u-other'),
    role: fc.constantFrom(...ROLES),
    organizationId: fc.constantFrom(...orgs),
    personId: fc.constantFrom(ids.partyMember, 'p-member2', null),
  });
  const scopeArb: fc.Arbitrary<Scope> = fc.record({
    residentUserId: fc.constantFrom(actors.resident1.userId, null),
    currentHandlerOrgId: fc.constantFrom(null, ids.handler, ids.ownersCommittee, ids.market),
    chain: fc.constant(chain),
    followUpOwner: fc.constantFrom(null, { kind: 'party_member' as const, id: ids.partyMember }, { kind: 'grid_branch' as const, id: ids.gridBranch }),
  });

  test('nobody but the current handler (or the system) may acknowledge, report progress or resolve', () => {
    fc.assert(
      fc.property(actorArb, scopeArb, fc.constantFrom('acknowledge' as const, 'progress' as const, 'resolve' as const), (actor, c, action) => {
        const isHandler = actor.role === 'handler' && actor.organizationId !== null && actor.organizationId === c.currentHandlerOrgId;
        expect(authorize(actor, action, c) === null).toBe(isHandler || actor.role === 'system');
      }),
      { numRuns: 500 },
    );
  });

  test('an actor allowed anything on a case may see it, and one who may see nothing is refused everything as out of scope', () => {
    fc.assert(
      fc.property(actorArb, scopeArb, fc.constantFrom(...ACTION_TYPES), (actor, c, action) => {
        const reason = authorize(actor, action, c);
        if (reason === null) expect(maySee(actor, c)).toBe(true);
        if (participation(actor, c).size === 0 && actor.role !== 'system') expect(reason).toBe(NOT_IN_SCOPE);
      }),
      { numRuns: 500 },
    );
  });

  test('decide and authorize agree: a forbidden actor gets case.forbidden with the policy\'s reason, on any open case', () => {
    const run = new CaseRun(fastIntake());
    const open: CaseState = run.state;
    fc.assert(
      fc.property(actorArb, fc.constantFrom(...ACTION_TYPES), (actor, type) => {
        const reason = authorize(actor, type, open);
        const d = decide(open, sampleActions[type], actor, T0 + SECOND);
        if (reason !== null) expect(d).toEqual({ ok: false, code: 'case.forbidden', reason });
        else if (!d.ok) expect(d.code).not.toBe('case.forbidden');
      }),
      { numRuns: 500 },
    );
  });
});
