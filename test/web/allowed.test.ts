// The buttons the web app offers (web/src/lib/allowed.ts) against what the loop accepts (domain/case-machine.ts
// decide): for every demo user who may see the case, in every state the fairness rules create, an action is offered
// exactly when some plausible form of it would be accepted. The one deliberate difference is named below.
import type { ActionType, Actor, CaseAction, CaseEvent, CaseEventBody } from '../../domain/actions';
import { ACTION_TYPES, SYSTEM_ACTOR } from '../../domain/actions';
import { decide, nextWakeUp, openCase, stamp, timerEvents } from '../../domain/case-machine';
import type { CaseIntake, CaseState } from '../../domain/case-state';
import { maySee } from '../../domain/policy';
import { buildIntake } from '../../domain/routing';
import { CLOSE_GROUNDS, type Duration } from '../../domain/types';
import { AGREEMENTS, DEMO, DEMO_USERS } from '../../db/seed-data';
import type { CaseDetail, Me } from '../../web/src/api/types';
import { allowedActions, closeGrounds, type ChainReference } from '../../web/src/lib/allowed';

const SECOND = 1000;
const T0 = Date.parse('2025-10-09T10:00:00+08:00');
const seconds = (amount: number): Duration => ({ unit: 'seconds', amount });

const ids = {
  compound: DEMO.compound,
  handler: DEMO.propertyCompanyOrgId,
  ownersCommittee: DEMO.ownersCommitteeOrgId,
  siblingHandler: DEMO.siblingPropertyCompanyOrgId,
  community: DEMO.communityOrgId,
  siblingCommunity: DEMO.siblingCommunityOrgId,
  street: DEMO.streetOrgId,
  otherStreet: DEMO.otherStreetOrgId,
  orgDept: DEMO.organizationDepartmentId,
  gridBranch: DEMO.gridBranchOrgId,
  partyMember: DEMO.partyMemberPersonId,
  market: DEMO.departments.market,
  urban: DEMO.departments.urban,
};

/** The demo cast: every kind of participant, and some who are not this case's business. */
const actors = {
  resident1: { userId: DEMO_USERS.resident1, role: 'resident', organizationId: null },
  resident2: { userId: DEMO_USERS.resident2, role: 'resident', organizationId: null },
  handler: { userId: DEMO_USERS.handler1, role: 'handler', organizationId: ids.handler },
  siblingHandler: { userId: DEMO_USERS.handler2, role: 'handler', organizationId: ids.siblingHandler },
  owners: { userId: DEMO_USERS.owners1, role: 'handler', organizationId: ids.ownersCommittee },
  market: { userId: 'u-market', role: 'handler', organizationId: ids.market },
  urban: { userId: DEMO_USERS.department1, role: 'handler', organizationId: ids.urban },
  community: { userId: DEMO_USERS.community1, role: 'supervisor', organizationId: ids.community },
  siblingCommunity: { userId: DEMO_USERS.community2, role: 'supervisor', organizationId: ids.siblingCommunity },
  street: { userId: DEMO_USERS.street1, role: 'supervisor', organizationId: ids.street },
  otherStreet: { userId: DEMO_USERS.street2, role: 'supervisor', organizationId: ids.otherStreet },
  orgDept: { userId: DEMO_USERS.orgdept1, role: 'supervisor', organizationId: ids.orgDept },
  member1: {
    userId: DEMO_USERS.member1,
    role: 'party_member',
    organizationId: ids.gridBranch,
    personId: ids.partyMember,
  },
  admin: { userId: DEMO_USERS.admin, role: 'admin', organizationId: null },
} satisfies Record<string, Actor>;

/** One plausible instance of every action. */
const sampleActions: { [T in ActionType]: Extract<CaseAction, { type: T }> } = {
  acknowledge: { type: 'acknowledge' },
  progress: { type: 'progress', note: '维保单位已到场' },
  resolve: { type: 'resolve', summary: '已更换制动器' },
  request_extension: { type: 'request_extension', deadline: 'resolution', extendBy: seconds(1), reason: '配件需调货' },
  decide_extension: { type: 'decide_extension', approve: true },
  return: { type: 'return', reason: '属业委会职责' },
  decide_return: { type: 'decide_return', decision: 'refuse', reason: '属物业服务范围' },
  reroute: { type: 'reroute', handlerOrgId: ids.ownersCommittee, reason: '改派业委会' },
  request_pause: { type: 'request_pause', reason: '业主不在家，无法入户' },
  decide_pause: { type: 'decide_pause', approve: true },
  resume: { type: 'resume' },
  assign_follow_up: { type: 'assign_follow_up', owner: { kind: 'grid_branch', id: ids.gridBranch } },
  record_follow_up: { type: 'record_follow_up', findings: '电梯已停运' },
  urge: { type: 'urge', message: '请尽快处理' },
  escalate: { type: 'escalate', reason: '多次催办无果' },
  report: { type: 'report', reason: '涉及特种设备' },
  forward: { type: 'forward', departmentOrgId: ids.market, reason: '转市场监管局' },
  take_over: { type: 'take_over', reason: '提级督办' },
  merge: {
    type: 'merge',
    primary: { caseId: 'case-primary', trackingCode: '2510-PRIMRY', compoundCode: ids.compound },
    reason: '同一电梯故障',
  },
  evaluate: { type: 'evaluate', satisfaction: 'satisfied', solved: true },
  record_callback: { type: 'record_callback', channel: 'phone', satisfaction: 'satisfied', solved: true },
  add_information: { type: 'add_information', text: '补充照片' },
  withdraw: { type: 'withdraw' },
  close: { type: 'close', ground: 'duplicate', reason: '重复工单' },
};

/** A case of demo-fast under its seeded agreement (every term in seconds), filed at T0. */
function intake(over: { categoryCode?: string; department?: string; residentUserId?: string | null } = {}): CaseIntake {
  const terms = AGREEMENTS.find((a) => a.compoundCode === ids.compound)!.terms;
  const built = buildIntake(
    {
      caseId: 'case-1',
      trackingCode: '2510-ABC123',
      categoryCode: over.categoryCode ?? 'lift',
      compoundCode: ids.compound,
      residentUserId: over.residentUserId === undefined ? DEMO_USERS.resident1 : over.residentUserId,
      householdId: null,
      submittedAt: T0,
      linkedPartyMemberId: ids.partyMember,
    },
    {
      category: {
        code: over.categoryCode ?? 'lift',
        tier: 'utilities',
        defaultHandlerKind: over.department ? 'functional_department' : 'property_company',
        ownerDepartmentId: over.department ?? ids.market,
      },
      compound: {
        code: ids.compound,
        communityOrgId: ids.community,
        propertyCompanyOrgId: ids.handler,
        ownersCommitteeOrgId: ids.ownersCommittee,
      },
      chain: { communityOrgId: ids.community, streetOrgId: ids.street, organizationDepartmentId: ids.orgDept },
      agreement: { id: 'agr-demo-fast-v1', ...terms },
      regulatorDepartmentId: DEMO.departments.housing,
    },
    { holidays: [], workdays: [] },
  );
  if ('error' in built) throw new Error(built.error);
  return built;
}

/** A case as its workflow runs it: decide, stamp, and the clock's events at every wake-up on the way. */
class CaseRun {
  state: CaseState;
  readonly log: CaseEvent[];
  constructor(i: CaseIntake) {
    ({ state: this.state, events: this.log } = openCase(i));
  }
  commit(bodies: CaseEventBody[], actor: Actor, at: number): void {
    const { state, events } = stamp(this.state, bodies, actor, at);
    this.state = state;
    this.log.push(...events);
  }
  walk(to: number): void {
    for (let i = 0, wake = nextWakeUp(this.state); wake !== null && wake <= to; i++, wake = nextWakeUp(this.state)) {
      if (i > 1000) throw new Error('the clock does not settle');
      this.tick(wake);
    }
    this.tick(to);
  }
  tick(now: number): void {
    for (
      let due = timerEvents(this.state, now), round = 0;
      due.length > 0 && round < 8;
      due = timerEvents(this.state, now), round++
    )
      this.commit(due, SYSTEM_ACTOR, now);
  }
  mustAt(at: number, actor: Actor, action: CaseAction): void {
    this.walk(at);
    const d = decide(this.state, action, actor, at);
    if (!d.ok) throw new Error(`${action.type} by ${actor.userId} rejected: ${d.reason}`);
    this.commit(d.events, actor, at);
  }
}

const s = (n: number) => T0 + n * SECOND;

/** The demo Party tree and the compound, as GET /organizations and /compounds give them. */
const reference: ChainReference = {
  compounds: [{ code: ids.compound, communityOrgId: ids.community }],
  orgs: new Map([
    [ids.orgDept, { parentId: null }],
    [ids.street, { parentId: ids.orgDept }],
    [ids.community, { parentId: ids.street }],
  ]),
};

const KINDS: Record<string, string> = {
  [ids.community]: 'community_committee',
  [ids.siblingCommunity]: 'community_committee',
  [ids.street]: 'street_committee',
  [ids.otherStreet]: 'street_committee',
  [ids.orgDept]: 'organization_department',
  [ids.handler]: 'property_company',
  [ids.siblingHandler]: 'property_company',
  [ids.ownersCommittee]: 'owners_committee',
  [ids.market]: 'functional_department',
  [ids.urban]: 'functional_department',
  [ids.gridBranch]: 'grid_branch',
};

function meOf(a: Actor): Me {
  const org = a.organizationId;
  return {
    id: a.userId,
    username: a.userId,
    role: a.role,
    organizationId: org,
    personId: a.personId ?? null,
    phone: null,
    nameZh: null,
    nameEn: null,
    organization: org ? { id: org, kind: KINDS[org], nameZh: org, nameEn: org } : null,
  } as Me;
}

/** The case as GET /cases/:id shows it: the fields the web app decides from. */
function viewOf(state: CaseState, log: CaseEvent[]): CaseDetail {
  const iso = (ms: number) => new Date(ms).toISOString();
  const org = (id: string | null) =>
    id ? { id, kind: KINDS[id] ?? 'property_company', nameZh: id, nameEn: id } : null;
  const p = state.pendingRequest;
  return {
    status: state.status,
    level: state.level,
    compound: { code: state.compoundCode, nameZh: '', nameEn: '' },
    handler: org(state.currentHandlerOrgId),
    supervisor: org(state.supervisorOrgId),
    followUpOwner: state.followUpOwner ? { ...state.followUpOwner, nameZh: '', nameEn: '' } : null,
    deadlines: Object.values(state.deadlines).map((d) => ({
      kind: d!.kind,
      dueAt: iso(d!.dueAt),
      breachedAt: d!.breachedAt === null ? null : iso(d!.breachedAt),
    })),
    pendingExtension: state.pendingExtension as unknown as Record<string, unknown> | null,
    pendingRequest: p ? { kind: p.kind, reason: p.reason, requestedAt: p.requestedAt } : null,
    pausedSince: state.pausedSince === null ? null : iso(state.pausedSince),
    awaitingVerification: state.awaitingVerification,
    counts: { reopen: state.reopenCount, escalation: state.escalationCount, returned: state.returnedCount },
    timeline: log.map((e) => {
      const { seq, type, at, actor, ...payload } = e;
      return {
        seq,
        type,
        at: iso(at),
        actor: { userId: actor.userId, role: actor.role, organizationId: actor.organizationId },
        payload,
      };
    }),
  } as unknown as CaseDetail;
}

/** Every plausible form of an action: it is offered if any of them is accepted. */
function variants(type: ActionType): CaseAction[] {
  const handlers = [ids.handler, ids.ownersCommittee];
  switch (type) {
    case 'reroute':
      return handlers.map((handlerOrgId) => ({ type, handlerOrgId, reason: '改派' }));
    case 'decide_return':
      return [
        sampleActions.decide_return,
        ...handlers.map((handlerOrgId) => ({ type, decision: 'reroute' as const, handlerOrgId, reason: '改派' })),
      ];
    case 'close':
      return CLOSE_GROUNDS.map((ground) => ({ type, ground, reason: '核实' }));
    case 'request_extension':
      return (['response', 'resolution'] as const).map((deadline) => ({
        type,
        deadline,
        extendBy: seconds(1),
        reason: '配件',
      }));
    case 'assign_follow_up':
      return [{ type, owner: { kind: 'grid_branch', id: ids.gridBranch } }];
    default:
      return [sampleActions[type]];
  }
}

const viewers = Object.entries(actors).filter(([name]) => name !== 'system') as [string, Actor][];

function compare(run: CaseRun, at: number): string[] {
  const view = viewOf(run.state, run.log);
  const mismatches: string[] = [];
  for (const [name, actor] of viewers) {
    if (!maySee(actor, run.state)) continue;
    const offered = new Set(allowedActions(meOf(actor), view, at, reference));
    for (const type of ACTION_TYPES) {
      const accepted = variants(type).some((a) => decide(run.state, a, actor, at).ok);
      // A pending return is decided in its own form, which holds the re-route: the plain re-route button waits.
      const expected = accepted && !(type === 'reroute' && run.state.pendingRequest?.kind === 'return');
      if (offered.has(type.replace(/_/g, '-') as never) !== expected)
        mismatches.push(`${name} ${type}: offered ${!expected}, accepted ${accepted}`);
    }
    // The close form's grounds are those the loop accepts from whoever may close.
    const grounds = CLOSE_GROUNDS.filter(
      (ground) => decide(run.state, { type: 'close', ground, reason: '核实' }, actor, at).ok,
    );
    if (grounds.length > 0 && closeGrounds(view).join() !== grounds.join())
      mismatches.push(`${name} close grounds: offered ${closeGrounds(view).join()}, accepted ${grounds.join()}`);
  }
  return mismatches;
}

/** The states the fairness rules create, each reached the way the loop reaches it, and what makes it that state. */
const scenarios: Array<[string, () => { run: CaseRun; at: number }, Partial<Record<keyof CaseState, unknown>>]> = [
  [
    'dispatched',
    () => ({ run: new CaseRun(intake()), at: s(1) }),
    { status: 'dispatched', level: 'community_committee' },
  ],
  ['acknowledged', () => acked(), { status: 'acknowledged' }],
  [
    'a return awaiting the community committee',
    () => withRun(acked(), (r) => r.mustAt(s(3), actors.handler, sampleActions.return), s(4)),
    { status: 'returned', pendingRequest: { kind: 'return' } },
  ],
  [
    'a return of a case not yet acknowledged',
    () => withRun({ run: new CaseRun(intake()) }, (r) => r.mustAt(s(1), actors.handler, sampleActions.return), s(2)),
    { status: 'returned', acknowledgedAt: null },
  ],
  [
    'returned again after a refused return',
    () =>
      withRun(
        acked(),
        (r) => {
          r.mustAt(s(3), actors.handler, sampleActions.return);
          r.mustAt(s(4), actors.community, sampleActions.decide_return);
          r.mustAt(s(5), actors.handler, sampleActions.return);
        },
        s(6),
      ),
    { status: 'returned', returnedCount: 2, pendingRequest: { kind: 'return', statusBefore: 'acknowledged' } },
  ],
  [
    'a pause awaiting the community committee',
    () => withRun(acked(), (r) => r.mustAt(s(3), actors.handler, sampleActions.request_pause), s(4)),
    { pendingRequest: { kind: 'pause' } },
  ],
  [
    'paused',
    () =>
      withRun(
        acked(),
        (r) => {
          r.mustAt(s(3), actors.handler, sampleActions.request_pause);
          r.mustAt(s(4), actors.community, sampleActions.decide_pause);
        },
        s(5),
      ),
    { pausedSince: s(4), pendingRequest: null },
  ],
  [
    'an extension awaiting a decision',
    () => withRun(acked(), (r) => r.mustAt(s(3), actors.handler, sampleActions.request_extension), s(4)),
    { pendingExtension: { deadline: 'resolution' } },
  ],
  [
    'with a follow-up owner',
    () => withRun(acked(), (r) => r.mustAt(s(3), actors.community, sampleActions.assign_follow_up), s(4)),
    { followUpOwner: { kind: 'grid_branch', id: ids.gridBranch } },
  ],
  [
    'escalated to the street after a missed response',
    () => withRun({ run: new CaseRun(intake()) }, (r) => r.walk(s(16)), s(17)),
    { status: 'dispatched', level: 'street_committee' },
  ],
  [
    'taken over by the street',
    () => withRun(acked(), (r) => r.mustAt(s(3), actors.street, sampleActions.take_over), s(4)),
    { level: 'street_committee', supervisorOrgId: ids.street },
  ],
  [
    'taken over by the organisation department',
    () => withRun(acked(), (r) => r.mustAt(s(3), actors.orgDept, sampleActions.take_over), s(4)),
    { level: 'organization_department' },
  ],
  [
    'at the top rung',
    () => withRun(acked(), (r) => r.walk(s(200)), s(201)),
    { status: 'acknowledged', level: 'functional_department', supervisorOrgId: ids.market },
  ],
  ['resolved', () => resolved(intake()), { status: 'resolved' }],
  [
    'resolved, filed by staff for a resident without an account',
    () => resolved(intake({ residentUserId: null })),
    { status: 'resolved', residentUserId: null },
  ],
  [
    'reopened once',
    () =>
      withRun(
        resolved(intake()),
        (r) => r.mustAt(s(6), actors.resident1, { type: 'evaluate', satisfaction: 'unsatisfied', solved: false }),
        s(7),
      ),
    { status: 'acknowledged', reopenCount: 1 },
  ],
  [
    'still unsatisfied after rework: awaiting verification',
    () =>
      withRun(
        resolved(intake()),
        (r) => {
          r.mustAt(s(6), actors.resident1, { type: 'evaluate', satisfaction: 'unsatisfied', solved: false });
          r.mustAt(s(7), actors.handler, sampleActions.resolve);
          r.mustAt(s(8), actors.resident1, { type: 'evaluate', satisfaction: 'unsatisfied', solved: false });
        },
        s(9),
      ),
    { awaitingVerification: true, level: 'street_committee', status: 'acknowledged' },
  ],
  [
    'a primary case another complainant joined',
    () =>
      withRun(
        acked(),
        (r) =>
          r.commit(
            [
              {
                type: 'complainant_joined',
                fromCaseId: 'case-0',
                fromTrackingCode: '2510-JOINED',
                residentUserId: actors.resident2.userId,
              },
            ],
            SYSTEM_ACTOR,
            s(3),
          ),
        s(4),
      ),
    { coComplainants: [actors.resident2.userId] },
  ],
  [
    'a department handling its own case at the top rung, decided by the organisation department',
    () =>
      withRun(
        { run: new CaseRun(intake({ categoryCode: 'illegal_construction', department: ids.urban })) },
        (r) => r.walk(s(200)),
        s(201),
      ),
    { level: 'functional_department', currentHandlerOrgId: ids.urban, supervisorOrgId: ids.urban },
  ],
  [
    're-routed to the owners committee',
    () =>
      withRun(
        acked(),
        (r) => r.mustAt(s(3), actors.community, { type: 'reroute', handlerOrgId: ids.ownersCommittee, reason: '改派' }),
        s(4),
      ),
    { currentHandlerOrgId: ids.ownersCommittee, status: 'dispatched' },
  ],
];

function acked(): { run: CaseRun; at: number } {
  const run = new CaseRun(intake());
  run.mustAt(s(1), actors.handler, sampleActions.acknowledge);
  return { run, at: s(2) };
}

function resolved(i: CaseIntake): { run: CaseRun; at: number } {
  const run = new CaseRun(i);
  run.mustAt(s(1), actors.handler, sampleActions.acknowledge);
  run.mustAt(s(2), actors.handler, sampleActions.resolve);
  return { run, at: s(3) };
}

function withRun(start: { run: CaseRun }, steps: (run: CaseRun) => unknown, at: number): { run: CaseRun; at: number } {
  steps(start.run);
  return { run: start.run, at };
}

test.each(scenarios)(
  'the web app offers exactly the actions (and close grounds) the loop accepts: %s',
  (_name, make, state) => {
    const { run, at } = make();
    expect(run.state).toMatchObject(state);
    expect(compare(run, at)).toEqual([]);
  },
);
