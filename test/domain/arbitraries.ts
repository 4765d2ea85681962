// fast-check generators for the domain's property tests: random actions by random actors, mostly by whoever the
// action plausibly belongs to (the current handler, the level that controls the case, the resident), sometimes by
// anyone at all, each with a clock advance before it.
import fc from 'fast-check';
import type { Actor, CaseAction } from '../../domain/actions';
import type { CaseState } from '../../domain/case-state';
import { controllerOf } from '../../domain/policy';
import { CLOSE_GROUNDS, SATISFACTIONS, type Duration } from '../../domain/types';
import { PRIMARY_CASE, actors, ids, sampleActions, type ActorName } from './fixtures';

/** A named demo actor, or a part the case assigns: its current handler, or whoever controls it now. */
export type Who = ActorName | 'currentHandler' | 'controller';
export interface Step {
  who: Who;
  action: CaseAction;
  advanceMs: number;
}

/** Not this case's business, whatever it becomes (the compound's other company, the other street, the clock…). */
export const OUTSIDERS: ActorName[] = [
  'resident2',
  'siblingHandler',
  'siblingCommunity',
  'otherStreet',
  'member2',
  'admin',
  'system',
];

const DEPARTMENTS: string[] = [ids.market, ids.housing, ids.urban];

export function actorOf(who: Who, s: CaseState): Actor {
  if (who === 'currentHandler')
    return { userId: 'u-current-handler', role: 'handler', organizationId: s.currentHandlerOrgId ?? ids.handler };
  if (who === 'controller') {
    const org = controllerOf(s);
    // A department's staff hold handler accounts; the chain's Party organisations supervisor accounts.
    return { userId: 'u-controller', role: DEPARTMENTS.includes(org) ? 'handler' : 'supervisor', organizationId: org };
  }
  return actors[who];
}

/** Re-route targets: organisations that serve the compound or its community (DOMAIN.md "Jurisdiction"). */
const HANDLERS = [ids.handler, ids.ownersCommittee, ids.residentAssociation, ids.market, ids.housing];

function actionArb(extendBy: fc.Arbitrary<Duration>): fc.Arbitrary<CaseAction> {
  const a = <T extends CaseAction>(weight: number, arbitrary: fc.Arbitrary<T>) => ({
    weight,
    arbitrary: arbitrary as fc.Arbitrary<CaseAction>,
  });
  const c = <T extends CaseAction>(weight: number, action: T) => a(weight, fc.constant(action));
  return fc.oneof(
    c(4, sampleActions.acknowledge),
    c(3, sampleActions.resolve),
    c(1, sampleActions.progress),
    a(
      3,
      fc
        .record({ deadline: fc.constantFrom('response' as const, 'resolution' as const), extendBy })
        .map((r) => ({ type: 'request_extension' as const, reason: '延期', ...r })),
    ),
    a(
      2,
      fc.boolean().map((approve) => ({ type: 'decide_extension' as const, approve })),
    ),
    c(2, sampleActions.return),
    a(
      2,
      fc
        .option(fc.constantFrom(...HANDLERS), { nil: undefined })
        .map((h) =>
          h
            ? { type: 'decide_return' as const, decision: 'reroute' as const, handlerOrgId: h, reason: '改派' }
            : sampleActions.decide_return,
        ),
    ),
    a(
      1,
      fc.constantFrom(...HANDLERS).map((handlerOrgId) => ({ type: 'reroute' as const, handlerOrgId, reason: '改派' })),
    ),
    c(3, sampleActions.request_pause),
    a(
      2,
      fc.boolean().map((approve) => ({ type: 'decide_pause' as const, approve })),
    ),
    c(2, sampleActions.resume),
    a(
      1,
      fc
        .option(
          fc.constantFrom(
            { kind: 'grid_branch' as const, id: ids.gridBranch },
            { kind: 'party_member' as const, id: 'p-member2' },
          ),
          { nil: undefined },
        )
        .map((owner) => ({ type: 'assign_follow_up' as const, owner })),
    ),
    a(1, fc.constantFrom(sampleActions.record_follow_up, sampleActions.urge)),
    a(2, fc.constantFrom(sampleActions.escalate, sampleActions.report, sampleActions.take_over)),
    a(
      1,
      fc
        .constantFrom(ids.market, ids.housing)
        .map((departmentOrgId) => ({ type: 'forward' as const, departmentOrgId, reason: '转办' })),
    ),
    a(
      3,
      fc
        .record({ satisfaction: fc.constantFrom(...SATISFACTIONS), solved: fc.boolean() })
        .map((e) => ({ type: 'evaluate' as const, ...e })),
    ),
    a(
      2,
      fc
        .record({ satisfaction: fc.constantFrom(...SATISFACTIONS), solved: fc.boolean() })
        .map((e) => ({ type: 'record_callback' as const, channel: 'phone' as const, ...e })),
    ),
    c(2, sampleActions.add_information),
    a(1, fc.constantFrom(sampleActions.withdraw, { type: 'merge' as const, primary: PRIMARY_CASE, reason: '重复' })),
    a(
      1,
      fc.constantFrom(...CLOSE_GROUNDS).map((ground) => ({ type: 'close' as const, ground, reason: '关闭' })),
    ),
  );
}

/** Who an action plausibly comes from; the chain's own levels appear too, so a lower level tries to decide. */
const NATURAL: Record<CaseAction['type'], Who[]> = {
  acknowledge: ['currentHandler'],
  progress: ['currentHandler'],
  resolve: ['currentHandler'],
  request_extension: ['currentHandler'],
  return: ['currentHandler'],
  request_pause: ['currentHandler'],
  resume: ['currentHandler', 'controller'],
  decide_extension: ['controller', 'controller', 'community'],
  decide_return: ['controller', 'controller', 'community'],
  decide_pause: ['controller', 'controller', 'community'],
  reroute: ['controller', 'community'],
  close: ['controller', 'community'],
  escalate: ['controller', 'community'],
  report: ['controller', 'street'],
  forward: ['controller', 'orgDept'],
  merge: ['controller'],
  take_over: ['street', 'orgDept'],
  urge: ['community', 'street', 'orgDept'],
  assign_follow_up: ['community'],
  record_follow_up: ['member1', 'community'],
  record_callback: ['community', 'controller', 'currentHandler'],
  evaluate: ['resident1'],
  add_information: ['resident1'],
  withdraw: ['resident1'],
};

/** Clock advances: mostly short (within a deadline), sometimes long (past one or several). */
export const advance = (maxMs: number): fc.Arbitrary<number> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: 0, max: Math.round(maxMs / 8) }) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: maxMs }) },
  );

export function stepArb(extendBy: fc.Arbitrary<Duration>, advanceMs: fc.Arbitrary<number>): fc.Arbitrary<Step> {
  const anyone = fc.constantFrom<Who>('currentHandler', 'controller', ...(Object.keys(actors) as ActorName[]));
  const who: fc.Arbitrary<Who | 'natural'> = fc.oneof(
    { weight: 6, arbitrary: fc.constant('natural' as const) },
    { weight: 1, arbitrary: anyone },
  );
  return fc
    .record({ who, action: actionArb(extendBy), advanceMs, pick: fc.nat() })
    .map(({ who, action, advanceMs, pick }) => {
      const natural = NATURAL[action.type];
      return { action, advanceMs, who: who === 'natural' ? natural[pick % natural.length] : who };
    });
}
