// Shared fixtures of the domain tests: a case filed in the demo compound (demo-fast, whose agreement counts in
// seconds), a variant with working-day deadlines on the real calendar, the demo cast of actors, and a small
// harness that applies events the way workflows/case-workflow.ts does (commit = seq + 1 and evolve; after a
// wake-up, timerEvents until nothing is due, at most 8 rounds).
import type { ActionType, Actor, CaseAction, CaseEvent, CaseEventBody, Decision } from '../../domain/actions';
import { SYSTEM_ACTOR } from '../../domain/actions';
import { calendarDataFor } from '../../domain/holidays';
import { decide, intakeEvents, nextWakeUp, timerEvents } from '../../domain/case-machine';
import { evolve, initialState, type CaseIntake, type CaseState } from '../../domain/case-state';
import { buildIntake, type RoutingInput } from '../../domain/routing';
import type { AgreementTerms, CalendarData, Duration } from '../../domain/types';
import { DEMO, DEMO_USERS } from '../../db/seed-data';

export const SECOND = 1000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export const seconds = (amount: number): Duration => ({ unit: 'seconds', amount });
export const workingDays = (amount: number): Duration => ({ unit: 'working_days', amount });

/** A Thursday morning in Suzhou; for the seconds-based agreement only the differences matter. */
export const T0 = Date.parse('2025-10-09T10:00:00+08:00');
/** The Tuesday before the 2025 National Day holiday (10-01..10-08 off, 09-28 and 10-11 worked). */
export const BEFORE_NATIONAL_DAY = Date.parse('2025-09-30T15:00:00+08:00');

export const ids = {
  compound: DEMO.compound,
  handler: DEMO.propertyCompanyOrgId, // pc-demo-fast
  ownersCommittee: DEMO.ownersCommitteeOrgId,
  residentAssociation: DEMO.residentAssociationOrgId,
  siblingHandler: DEMO.siblingPropertyCompanyOrgId,
  community: DEMO.communityOrgId, // comm-jinji
  siblingCommunity: DEMO.siblingCommunityOrgId,
  street: DEMO.streetOrgId, // street-huxi
  otherStreet: DEMO.otherStreetOrgId,
  orgDept: DEMO.organizationDepartmentId, // org-dept
  gridBranch: DEMO.gridBranchOrgId,
  partyMember: DEMO.partyMemberPersonId, // p-member1
  market: DEMO.departments.market, // dept-market: owns lifts
  housing: DEMO.departments.housing, // dept-housing: the property-service regulator
  urban: DEMO.departments.urban,
} as const;

export const chain = { communityOrgId: ids.community, streetOrgId: ids.street, organizationDepartmentId: ids.orgDept };

/**
 * The demo-fast agreement as seeded (db/seed-data.ts): 15 s to respond, 60 s to resolve, 60 s to evaluate, and
 * every fairness term in seconds: 20 s to decide a return or pause, two extensions within 60 s of the first due,
 * pauses of 30 s at most, a 15 s 督办 cadence at the top rung and a public notice after two missed cadences.
 */
export const FAST_AGREEMENT: AgreementTerms = {
  id: 'agr-demo-fast-v1',
  deadlines: {
    emergency: { response: seconds(15), resolution: seconds(60) },
    utilities: { response: seconds(15), resolution: seconds(60) },
    general: { response: seconds(15), resolution: seconds(60) },
    complex: { response: seconds(15), resolution: seconds(60) },
  },
  reminderPoints: [0.5, 0.75],
  evaluationWindow: seconds(60),
  reworkLimit: 1,
  weights: { response: 0.3, resolution: 0.3, satisfaction: 0.3, onTime: 0.1 },
  fairness: {
    decisionTime: seconds(20),
    extensionMaxCount: 2,
    extensionMaxTotal: seconds(60),
    maxPause: seconds(30),
    topRungCadence: seconds(15),
    noticeAfter: 2,
  },
  assessment: { minEvaluated: 3, followUpTime: seconds(30) },
  governance: { repeatCount: 3, repeatWindowDays: 1 },
};

/** The same compound under reference-style working-day terms (general tier: 1 and 7 working days), reference fairness. */
export const WORKDAY_AGREEMENT: AgreementTerms = {
  ...FAST_AGREEMENT,
  fairness: undefined,
  id: 'agr-demo-workdays',
  deadlines: {
    emergency: { response: { unit: 'hours', amount: 1 }, resolution: { unit: 'hours', amount: 2 } },
    utilities: { response: { unit: 'hours', amount: 2 }, resolution: { unit: 'hours', amount: 24 } },
    general: { response: workingDays(1), resolution: workingDays(7) },
    complex: { response: workingDays(2), resolution: workingDays(15) },
  },
  evaluationWindow: workingDays(3),
};

export const CALENDAR: CalendarData = calendarDataFor('2024-12-01', '2027-12-31');

/** Routing input for a lift breakdown (utilities tier, owned by market regulation) in the demo compound. */
export function liftRouting(agreement: AgreementTerms | null = FAST_AGREEMENT): RoutingInput {
  return {
    category: {
      code: 'lift',
      tier: 'utilities',
      defaultHandlerKind: 'property_company',
      ownerDepartmentId: ids.market,
    },
    compound: {
      code: ids.compound,
      communityOrgId: ids.community,
      propertyCompanyOrgId: ids.handler,
      ownersCommitteeOrgId: ids.ownersCommittee,
    },
    chain,
    agreement,
    regulatorDepartmentId: ids.housing,
  };
}

type IntakeBase = Parameters<typeof buildIntake>[0];

export function intakeBase(over: Partial<IntakeBase> = {}): IntakeBase {
  return {
    caseId: 'case-demo-1',
    trackingCode: '2510-ABC123',
    categoryCode: 'lift',
    compoundCode: ids.compound,
    residentUserId: DEMO_USERS.resident1,
    householdId: DEMO.resident1HouseholdId,
    submittedAt: T0,
    linkedPartyMemberId: ids.partyMember,
    ...over,
  };
}

function routed(base: IntakeBase, routing: RoutingInput): CaseIntake {
  const intake = buildIntake(base, routing, CALENDAR);
  if ('error' in intake) throw new Error(intake.error);
  return intake;
}

/** A lift case in demo-fast: handler pc-demo-fast, supervised by comm-jinji, forwarded to dept-market at the top. */
export function fastIntake(over: Partial<CaseIntake> = {}): CaseIntake {
  return { ...routed(intakeBase(), liftRouting()), ...over };
}

/** The lift case filed by community staff for a resident without an account: 回访 is how it is evaluated. */
export function staffFiledIntake(over: Partial<CaseIntake> = {}): CaseIntake {
  return fastIntake({ residentUserId: null, householdId: null, ...over });
}

/** Illegal construction, the urban management bureau's from the start: at the top rung it supervises its own handling. */
export function departmentIntake(over: Partial<CaseIntake> = {}): CaseIntake {
  const routing = liftRouting();
  routing.category = {
    code: 'illegal_construction',
    tier: 'complex',
    defaultHandlerKind: 'functional_department',
    ownerDepartmentId: ids.urban,
  };
  return { ...routed(intakeBase({ categoryCode: 'illegal_construction' }), routing), ...over };
}

/** A repairs case (general tier, working days, owned by the housing bureau) filed at `submittedAt`. */
export function workdayIntake(submittedAt = BEFORE_NATIONAL_DAY, over: Partial<CaseIntake> = {}): CaseIntake {
  const routing = liftRouting(WORKDAY_AGREEMENT);
  routing.category = {
    code: 'repairs',
    tier: 'general',
    defaultHandlerKind: 'property_company',
    ownerDepartmentId: ids.housing,
  };
  return { ...routed(intakeBase({ categoryCode: 'repairs', submittedAt }), routing), ...over };
}

export const actors = {
  resident1: { userId: DEMO_USERS.resident1, role: 'resident', organizationId: null },
  resident2: { userId: DEMO_USERS.resident2, role: 'resident', organizationId: null },
  handler: { userId: DEMO_USERS.handler1, role: 'handler', organizationId: ids.handler },
  siblingHandler: { userId: DEMO_USERS.handler2, role: 'handler', organizationId: ids.siblingHandler },
  owners: { userId: DEMO_USERS.owners1, role: 'handler', organizationId: ids.ownersCommittee },
  market: { userId: 'u-market-test', role: 'handler', organizationId: ids.market },
  housing: { userId: DEMO_USERS.department2, role: 'handler', organizationId: ids.housing },
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
  member2: { userId: DEMO_USERS.member2, role: 'party_member', organizationId: 'grid-jinji-2', personId: 'p-member2' },
  admin: { userId: DEMO_USERS.admin, role: 'admin', organizationId: null },
  system: SYSTEM_ACTOR,
} satisfies Record<string, Actor>;

export type ActorName = keyof typeof actors;

/** The primary case a merge names: an open case of the same compound. */
export const PRIMARY_CASE = {
  caseId: 'case-demo-0',
  trackingCode: '2510-PRIMARY',
  compoundCode: ids.compound,
} as const;

/** One plausible instance of every action. */
export const sampleActions: { [T in ActionType]: Extract<CaseAction, { type: T }> } = {
  acknowledge: { type: 'acknowledge', note: '已联系业主' },
  progress: { type: 'progress', note: '维保单位已到场' },
  resolve: { type: 'resolve', summary: '已更换曳引机制动器', evidence: ['photo-1.jpg'] },
  request_extension: {
    type: 'request_extension',
    deadline: 'resolution',
    extendBy: seconds(30),
    reason: '配件需从厂家调货',
  },
  decide_extension: { type: 'decide_extension', approve: true, reason: '同意' },
  return: { type: 'return', reason: '属业委会职责' },
  decide_return: { type: 'decide_return', decision: 'refuse', reason: '属物业服务范围，退回原承办单位' },
  reroute: { type: 'reroute', handlerOrgId: ids.ownersCommittee, reason: '改派业委会' },
  request_pause: { type: 'request_pause', reason: '业主不在家，无法入户' },
  decide_pause: { type: 'decide_pause', approve: true, reason: '同意挂起' },
  resume: { type: 'resume', note: '已约定入户时间' },
  assign_follow_up: { type: 'assign_follow_up' },
  record_follow_up: { type: 'record_follow_up', findings: '现场查看，电梯已停运' },
  urge: { type: 'urge', message: '请尽快处理' },
  escalate: { type: 'escalate', reason: '多次催办无果' },
  report: { type: 'report', reason: '涉及特种设备监管' },
  forward: { type: 'forward', departmentOrgId: ids.market, reason: '转市场监管局' },
  take_over: { type: 'take_over', reason: '提级督办' },
  merge: { type: 'merge', primary: PRIMARY_CASE, reason: '同一电梯故障' },
  evaluate: { type: 'evaluate', satisfaction: 'satisfied', solved: true },
  record_callback: { type: 'record_callback', channel: 'phone', satisfaction: 'satisfied', solved: true },
  add_information: { type: 'add_information', text: '补充照片' },
  withdraw: { type: 'withdraw', reason: '已自行解决' },
  close: { type: 'close', ground: 'duplicate', reason: '重复工单' },
};

/** Applies events exactly as caseWorkflow does, and keeps the timeline. */
export class CaseRun {
  state: CaseState;
  readonly log: CaseEvent[] = [];

  constructor(readonly intake: CaseIntake) {
    this.state = initialState(intake);
    this.commit(intakeEvents(this.state), SYSTEM_ACTOR, intake.submittedAt);
  }

  commit(bodies: CaseEventBody[], actor: Actor, at: number): CaseEvent[] {
    const events = bodies.map((body) => {
      const event = { ...body, seq: this.state.seq + 1, at, actor } as CaseEvent;
      this.state = evolve(this.state, event);
      return event;
    });
    this.log.push(...events);
    return events;
  }

  /** decide, and commit when accepted. */
  act(actor: Actor, action: CaseAction, at: number): Decision {
    const d = decide(this.state, action, actor, at);
    if (d.ok) this.commit(d.events, actor, at);
    return d;
  }

  /** Like act, but the action must be accepted; returns the events it recorded. */
  must(actor: Actor, action: CaseAction, at: number): CaseEvent[] {
    const d = decide(this.state, action, actor, at);
    if (!d.ok) throw new Error(`${action.type} by ${actor.userId} rejected: ${d.code} ${d.reason}`);
    return this.commit(d.events, actor, at);
  }

  /** The clock running to `to` as the workflow's timer does: a tick at every wake-up on the way, then at `to`. */
  walk(to: number): CaseEvent[] {
    const out: CaseEvent[] = [];
    for (let i = 0, wake = nextWakeUp(this.state); wake !== null && wake <= to; i++, wake = nextWakeUp(this.state)) {
      // A wake-up that changes nothing would have the workflow spin; the properties check it never happens.
      if (i > 1000) throw new Error(`the clock does not settle before ${to}: still waking at ${wake}`);
      out.push(...this.tick(wake));
    }
    return [...out, ...this.tick(to)];
  }

  /** The clock runs to `at` (walk), then the action must be accepted there; returns the action's events. */
  mustAt(at: number, actor: Actor, action: CaseAction): CaseEvent[] {
    this.walk(at);
    return this.must(actor, action, at);
  }

  /** The events of one type, typed. */
  eventsOf<T extends CaseEvent['type']>(type: T): Extract<CaseEvent, { type: T }>[] {
    return this.log.filter((e): e is Extract<CaseEvent, { type: T }> => e.type === type);
  }

  /** The clock at `now`: timerEvents until nothing is due, as the workflow does after each wake-up. */
  tick(now: number): CaseEvent[] {
    const out: CaseEvent[] = [];
    for (let round = 0; round < 8; round++) {
      const due = timerEvents(this.state, now);
      if (due.length === 0) return out;
      out.push(...this.commit(due, SYSTEM_ACTOR, now));
    }
    throw new Error(`timerEvents still had events after 8 rounds at ${now}`);
  }
}

export const typesOf = (events: readonly { type: string }[]): string[] => events.map((e) => e.type);

/** Freezes an object graph, so any mutation by the code under test throws (test files run in strict mode). */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
