// Routing (domain/routing.ts): category + compound → handler, owning department and the terms a case runs under.
import fc from 'fast-check';
import {
  DEFAULT_DEADLINES,
  DEFAULT_EVALUATION_WINDOW,
  DEFAULT_FAIRNESS,
  DEFAULT_REMINDER_POINTS,
  DEFAULT_REWORK_LIMIT,
} from '../../domain/calendar';
import { intakeEvents } from '../../domain/case-machine';
import { initialState } from '../../domain/case-state';
import { buildIntake, route, termsFor, type RoutingInput } from '../../domain/routing';
import { HANDLER_KINDS, TIERS, type AgreementTerms, type HandlerKind } from '../../domain/types';
import { AGREEMENTS, CATEGORIES } from '../../db/seed-data';
import {
  CALENDAR,
  CaseRun,
  FAST_AGREEMENT,
  SECOND,
  T0,
  WORKDAY_AGREEMENT,
  actors,
  chain,
  fastIntake,
  ids,
  intakeBase,
  liftRouting,
  sampleActions,
} from './fixtures';

const withCategory = (category: RoutingInput['category'], over: Partial<RoutingInput> = {}): RoutingInput => ({
  ...liftRouting(),
  category,
  ...over,
});

test("the fixture agreement is the seeded demo-fast agreement, so these tests run the demo's terms", () => {
  expect(AGREEMENTS.find((a) => a.id === FAST_AGREEMENT.id)?.terms).toEqual({ ...FAST_AGREEMENT, id: undefined });
});

describe('route', () => {
  test('a lift breakdown in demo-fast goes to its property company, with market regulation as the owning department', () => {
    expect(route(liftRouting())).toEqual({
      ok: true,
      handlerOrgId: ids.handler,
      departmentOrgId: ids.market,
      direct: false,
      terms: {
        agreementId: 'agr-demo-fast-v1',
        phase: { response: { unit: 'seconds', amount: 15 }, resolution: { unit: 'seconds', amount: 60 } },
        reminderPoints: [0.5, 0.75],
        evaluationWindow: { unit: 'seconds', amount: 60 },
        reworkLimit: 1,
        fairness: FAST_AGREEMENT.fairness,
      },
    });
  });

  test("illegal construction is the urban management bureau's from the start", () => {
    const seeded = CATEGORIES.find((c) => c.code === 'illegal_construction');
    expect(seeded).toMatchObject({ defaultHandlerKind: 'functional_department', ownerDepartmentId: ids.urban });
    expect(
      route(
        withCategory({
          code: 'illegal_construction',
          tier: 'complex',
          defaultHandlerKind: 'functional_department',
          ownerDepartmentId: ids.urban,
        }),
      ),
    ).toMatchObject({
      ok: true,
      handlerOrgId: ids.urban,
      departmentOrgId: ids.urban,
      direct: true,
    });
  });

  test('a department category without a department cannot be routed, and says why', () => {
    expect(
      route(
        withCategory({
          code: 'mystery',
          tier: 'general',
          defaultHandlerKind: 'functional_department',
          ownerDepartmentId: null,
        }),
      ),
    ).toEqual({
      ok: false,
      reason: '类别 mystery 未指定职能部门 (the category names no department)',
    });
  });

  test("owners' common affairs go to the owners' committee, association matters to the association, each falling back to the property company", () => {
    const owners = {
      code: 'common_fund',
      tier: 'general' as const,
      defaultHandlerKind: 'owners_committee' as const,
      ownerDepartmentId: null,
    };
    expect(route(withCategory(owners))).toMatchObject({
      handlerOrgId: ids.ownersCommittee,
      departmentOrgId: ids.housing,
    });
    const noCommittee = liftRouting();
    noCommittee.compound = { ...noCommittee.compound, ownersCommitteeOrgId: null };
    expect(route({ ...noCommittee, category: owners })).toMatchObject({ handlerOrgId: ids.handler });
    const association = {
      code: 'volunteers',
      tier: 'general' as const,
      defaultHandlerKind: 'resident_association' as const,
      ownerDepartmentId: null,
    };
    expect(route(withCategory(association, { residentAssociationOrgId: ids.residentAssociation }))).toMatchObject({
      handlerOrgId: ids.residentAssociation,
    });
    expect(route(withCategory(association))).toMatchObject({ handlerOrgId: ids.handler });
  });

  test('a category that names no department is forwarded, at the top of the ladder, to the regulator', () => {
    expect(
      route(
        withCategory({
          code: 'noise',
          tier: 'general',
          defaultHandlerKind: 'property_company',
          ownerDepartmentId: null,
        }),
      ),
    ).toMatchObject({ departmentOrgId: ids.housing });
  });

  test('every routed case has a handler of the compound or its owning department, and a department to forward to', () => {
    const input = fc.record({
      kind: fc.constantFrom<HandlerKind>(...HANDLER_KINDS),
      tier: fc.constantFrom(...TIERS),
      owner: fc.constantFrom(null, ids.market, ids.urban),
      committee: fc.constantFrom(null, ids.ownersCommittee),
      association: fc.constantFrom(undefined, null, ids.residentAssociation),
      agreement: fc.constantFrom(null, FAST_AGREEMENT, WORKDAY_AGREEMENT),
    });
    fc.assert(
      fc.property(input, ({ kind, tier, owner, committee, association, agreement }) => {
        const r: RoutingInput = {
          ...liftRouting(agreement),
          category: { code: 'c', tier, defaultHandlerKind: kind, ownerDepartmentId: owner },
          compound: { ...liftRouting().compound, ownersCommitteeOrgId: committee },
          residentAssociationOrgId: association,
        };
        const routed = route(r);
        if (kind === 'functional_department' && owner === null) return expect(routed.ok).toBe(false);
        if (!routed.ok) throw new Error(routed.reason);
        const expected =
          {
            property_company: ids.handler,
            owners_committee: committee,
            resident_association: association,
            functional_department: owner,
          }[kind] ?? ids.handler;
        expect(routed.handlerOrgId).toBe(expected);
        expect(routed.direct).toBe(kind === 'functional_department');
        expect(routed.departmentOrgId).toBe(owner ?? ids.housing);
        expect(routed.terms).toEqual(termsFor(tier, 'c', agreement));
      }),
      { numRuns: 200 },
    );
  });
});

describe('termsFor', () => {
  test('without an agreement a case runs under the reference terms', () => {
    expect(termsFor('general', 'repairs', null)).toEqual({
      agreementId: null,
      phase: DEFAULT_DEADLINES.general,
      reminderPoints: [...DEFAULT_REMINDER_POINTS],
      evaluationWindow: DEFAULT_EVALUATION_WINDOW,
      reworkLimit: DEFAULT_REWORK_LIMIT,
      fairness: DEFAULT_FAIRNESS,
    });
    expect(DEFAULT_REWORK_LIMIT).toBe(1);
  });

  test('an agreement that states some fairness terms keeps the reference for the rest, and a case never shares the reference object', () => {
    const terms = termsFor('general', 'repairs', { ...WORKDAY_AGREEMENT, fairness: { noticeAfter: 5 } });
    expect(terms.fairness).toEqual({ ...DEFAULT_FAIRNESS, noticeAfter: 5 });
    expect(termsFor('general', 'repairs', null).fairness).not.toBe(DEFAULT_FAIRNESS);
  });

  test("an agreement's category deadline beats its tier; other categories use the tier", () => {
    const lakeview = AGREEMENTS.find((a) => a.id === 'agr-lakeview-v1');
    if (!lakeview) throw new Error('the seed has no lakeview agreement');
    const terms: AgreementTerms = { ...lakeview.terms, id: lakeview.id };
    expect(termsFor('utilities', 'lift', terms).phase).toEqual({
      response: { unit: 'hours', amount: 1 },
      resolution: { unit: 'hours', amount: 12 },
    });
    expect(termsFor('utilities', 'leak', terms).phase).toEqual(terms.deadlines.utilities);
    // A category code that is an Object.prototype member is not an override.
    expect(termsFor('general', 'constructor', terms).phase).toEqual(terms.deadlines.general);
    expect(termsFor('general', 'repairs', { ...terms, reworkLimit: 2 }).reworkLimit).toBe(2);
  });
});

describe('buildIntake', () => {
  test('a routed intake carries the routing, the chain, the terms and the calendar, and starts at community level', () => {
    const intake = buildIntake(intakeBase(), liftRouting(), CALENDAR);
    if ('error' in intake) throw new Error(intake.error);
    expect(intake).toMatchObject({
      caseId: 'case-demo-1',
      tier: 'utilities',
      chain,
      handlerOrgId: ids.handler,
      departmentOrgId: ids.market,
      linkedPartyMemberId: ids.partyMember,
      calendar: CALENDAR,
    });
    expect(intake).toEqual(fastIntake());
    expect(intakeEvents(initialState(intake))[1]).toMatchObject({
      type: 'dispatched',
      handlerOrgId: ids.handler,
      supervisorOrgId: ids.community,
      level: 'community_committee',
    });
  });

  test('an unroutable category is an intake error', () => {
    const r = withCategory({
      code: 'mystery',
      tier: 'general',
      defaultHandlerKind: 'functional_department',
      ownerDepartmentId: null,
    });
    expect(buildIntake(intakeBase(), r, CALENDAR)).toEqual({
      error: expect.stringContaining('the category names no department'),
    });
  });

  test("a department's own case: the department acknowledges and resolves, the community committee still supervises and follows up", () => {
    const r = withCategory({
      code: 'illegal_construction',
      tier: 'complex',
      defaultHandlerKind: 'functional_department',
      ownerDepartmentId: ids.urban,
    });
    const intake = buildIntake(intakeBase({ categoryCode: 'illegal_construction' }), r, CALENDAR);
    if ('error' in intake) throw new Error(intake.error);
    const run = new CaseRun(intake);
    expect(run.state).toMatchObject({
      currentHandlerOrgId: ids.urban,
      supervisorOrgId: ids.community,
      level: 'community_committee',
    });
    expect(run.act(actors.handler, sampleActions.acknowledge, T0 + SECOND)).toMatchObject({
      ok: false,
      code: 'case.forbidden',
    });
    run.must(
      { userId: 'u-department1', role: 'handler', organizationId: ids.urban },
      sampleActions.acknowledge,
      T0 + SECOND,
    );
    run.must(actors.community, sampleActions.assign_follow_up, T0 + 2 * SECOND);
    expect(run.state.followUpOwner).toEqual({ kind: 'party_member', id: ids.partyMember });
  });
});
