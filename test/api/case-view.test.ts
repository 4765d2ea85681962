// How a case leaves the API (api/case-view.ts), pure: no database. The detail is the summary followed by the
// detail's own fields, key for key in the schema's order, whatever way presentDetail builds it (it assigns onto the
// summary rather than spreading it, for speed: bench/README.md "Where the time goes").
import type { Actor } from '../../domain/actions';
import type { CaseDetailRow } from '../../db/queries/case-list';
import { disclosedFields, opaqueUserIds, presentDetail, presentSummary } from '../../api/case-view';
import { personalDataAccess } from '../../api/visibility';
import { caseDetailSchema, caseSummarySchema } from '../../api/routes/case-schemas';

const NOW = Date.parse('2026-11-27T02:00:00.000Z'); // Friday 10:00 CST

const row: CaseDetailRow = {
  id: 'd85db452-2638-4e46-ae19-7e2826fa294c',
  trackingCode: '2611-D0F0B6',
  categoryCode: 'repairs',
  categoryNameZh: '公共维修',
  categoryNameEn: 'Repairs to common parts',
  compoundCode: 'lakeview',
  compoundNameZh: '湖景华庭',
  compoundNameEn: 'Lakeview Residences',
  householdId: 'hh-lakeview-1-1-101',
  residentUserId: 'u-resident3',
  residentName: '王芳',
  residentPhone: '13800000003',
  location: { building: '5', unit: '1', room: '101' },
  description: '楼道灯坏了一个星期',
  contactPreference: null,
  photos: [],
  status: 'acknowledged',
  stage: 'respond',
  level: 'community_committee',
  handlerOrgId: 'pc-lakeview',
  supervisorOrgId: 'comm-jinji',
  communityOrgId: 'comm-jinji',
  streetOrgId: 'street-huxi',
  followUpOwner: { kind: 'party_member', id: 'p-member1' },
  handlerHistory: ['pc-lakeview'],
  coComplainants: [],
  pendingRequest: null,
  pausedSince: null,
  mergedInto: null,
  awaitingVerification: false,
  publiclyNoticed: false,
  contactVerified: true,
  deadlines: {
    resolution: {
      dueAt: '2026-12-08T10:00:00.000Z',
      startedAt: '2026-11-26T20:58:34.889Z',
      breachedAt: null,
      extended: 1,
    },
    response: {
      dueAt: '2026-11-27T01:00:00.000Z',
      startedAt: '2026-11-26T20:58:34.889Z',
      breachedAt: '2026-11-27T01:00:00.200Z',
      extended: 0,
    },
  },
  overdue: true,
  pendingExtension: null,
  reopenCount: 1,
  escalationCount: 2,
  returnedCount: 3,
  outcome: null,
  satisfaction: null,
  solved: null,
  chain: { communityOrgId: 'comm-jinji', streetOrgId: 'street-huxi', organizationDepartmentId: 'org-dept' },
  calendar: { holidays: [], workdays: [] },
  createdAt: '2026-11-26T20:58:34.889Z',
  updatedAt: '2026-11-27T01:00:00.200Z',
  dispatchedAt: '2026-11-26T20:58:34.889Z',
  acknowledgedAt: '2026-11-26T21:00:00.000Z',
  resolvedAt: null,
  closedAt: null,
  timeline: [
    {
      seq: 1,
      type: 'submitted',
      at: '2026-11-26T20:58:34.889Z',
      actor: { userId: 'system', role: 'system' },
      payload: { categoryCode: 'repairs' },
    },
    {
      seq: 2,
      type: 'acknowledged',
      at: '2026-11-26T21:00:00.000Z',
      actor: { userId: 'u-handler2', role: 'handler', organizationId: 'pc-lakeview' },
      payload: {},
    },
  ],
};

const org = (id: string, kind: string) => ({ id, kind, nameZh: `${id}中文`, nameEn: `${id} en` });
const names = {
  orgs: new Map([
    ['pc-lakeview', org('pc-lakeview', 'property_company')],
    ['comm-jinji', org('comm-jinji', 'community_committee')],
  ]),
  people: new Map([['p-member1', { id: 'p-member1', nameZh: '李党员', nameEn: 'Li' }]]),
} as unknown as Parameters<typeof presentDetail>[2];

const resident: Actor = { userId: 'u-resident3', role: 'resident', organizationId: null, personId: null };
const street: Actor = { userId: 'u-street', role: 'supervisor', organizationId: 'street-huxi', personId: null };
const handler: Actor = { userId: 'u-handler2', role: 'handler', organizationId: 'pc-lakeview', personId: null };
const community: Actor = { userId: 'u-community1', role: 'supervisor', organizationId: 'comm-jinji', personId: null };
const ids = opaqueUserIds('test-secret-0123456789abcdef');
const HANDLE = /^u_[0-9a-f]{16}$/;

describe('presentDetail', () => {
  const summary = presentSummary(row, resident, names, NOW);
  const detail = presentDetail(row, resident, names, NOW, ids(resident.userId));

  it('is the summary followed by the detail fields, in the schema order, and nothing else', () => {
    const summaryKeys = Object.keys(caseSummarySchema.shape);
    const detailKeys = Object.keys(caseDetailSchema.shape).filter((k) => !summaryKeys.includes(k));
    expect(Object.keys(summary)).toEqual(summaryKeys);
    expect(Object.keys(detail)).toEqual([...summaryKeys, ...detailKeys]);
    expect(caseDetailSchema.strict().parse(detail)).toEqual(detail);
    for (const k of summaryKeys) expect(detail[k as keyof typeof detail]).toEqual(summary[k as keyof typeof summary]);
  });

  it('shows the row: counts, times, the timeline with absent actor fields as null, deadlines by due', () => {
    expect(detail).toMatchObject({
      householdId: 'hh-lakeview-1-1-101',
      location: { building: '5', unit: '1', room: '101' },
      counts: { reopen: 1, escalation: 2, returned: 3 },
      dispatchedAt: '2026-11-26T20:58:34.889Z',
      acknowledgedAt: '2026-11-26T21:00:00.000Z',
      resolvedAt: null,
      closedAt: null,
      handler: { id: 'pc-lakeview', kind: 'property_company', nameZh: 'pc-lakeview中文', nameEn: 'pc-lakeview en' },
      followUpOwner: { kind: 'party_member', id: 'p-member1', nameZh: '李党员', nameEn: 'Li' },
      overdue: true,
    });
    expect(detail.timeline).toEqual([
      {
        seq: 1,
        type: 'submitted',
        at: '2026-11-26T20:58:34.889Z',
        actor: { userId: 'system', role: 'system', organizationId: null },
        payload: { categoryCode: 'repairs' },
      },
      {
        seq: 2,
        type: 'acknowledged',
        at: '2026-11-26T21:00:00.000Z',
        actor: { userId: ids('u-resident3')('u-handler2'), role: 'handler', organizationId: 'pc-lakeview' },
        payload: {},
      },
    ]);
    expect(detail.deadlines.map((d) => [d.kind, d.overdue, d.extended])).toEqual([
      ['response', true, 0],
      ['resolution', false, 1],
    ]);
    // Friday 10:00 CST to Tuesday week 18:00 CST, working hours 9:00–18:00: 8 h, then 5 × 9 h, then 2 × 9 h.
    expect(detail.deadlines[1].clockTimeLeftMs).toBe(Date.parse('2026-12-08T10:00:00.000Z') - NOW);
    expect(detail.deadlines[1].workingTimeLeftMs).toBe((8 + 45 + 18) * 3_600_000);
  });

  it('shows the resident in full to the complainant always, and to the current handler of an open case and the community only when they ask', () => {
    const own = { name: '王芳', phone: '13800000003', masked: false, revealable: false };
    const revealed = { ...own, revealable: true };
    const familyName = { name: '王*', phone: null, masked: true, revealable: true };
    const withheld = { name: null, phone: null, masked: true, revealable: false };
    const view = (r: CaseDetailRow, who: Actor, reveal: boolean) => {
      const shown = presentDetail(r, who, names, NOW, ids(who.userId), reveal);
      expect(caseDetailSchema.strict().parse(shown)).toEqual(shown);
      return [shown.resident, shown.householdId, shown.location];
    };
    const full = ['hh-lakeview-1-1-101', { building: '5', unit: '1', room: '101' }];
    const buildingOnly = [null, { building: '5' }];
    for (const reveal of [false, true]) expect(view(row, resident, reveal)).toEqual([own, ...full]);
    const closed: CaseDetailRow = {
      ...row,
      status: 'closed',
      followUpOwner: { kind: 'party_member', id: 'p-member1' },
    };
    const member: Actor = {
      userId: 'u-member1',
      role: 'party_member',
      organizationId: 'grid-jinji-1',
      personId: 'p-member1',
    };
    // A page that polls is not a view of the resident's data: the family name, and the offer to reveal it.
    for (const [who, r] of [
      [handler, row],
      [community, row],
      [member, row],
      [community, closed],
    ] as const) {
      expect(view(r, who, false)).toEqual([familyName, ...buildingOnly]);
      expect(view(r, who, true)).toEqual([revealed, ...full]);
    }
    // Neither name nor anything finer than the building, asked or not: the street, an admin, the handler once the case is closed.
    const admin: Actor = { userId: 'u-admin', role: 'admin', organizationId: 'org-dept', personId: null };
    for (const [who, r] of [
      [street, row],
      [admin, row],
      [handler, closed],
      [member, closed],
    ] as const) {
      for (const reveal of [false, true]) expect(view(r, who, reveal)).toEqual([withheld, ...buildingOnly]);
    }
  });

  it('keeps a free address out of the view of those who may not see personal data', () => {
    const addressed: CaseDetailRow = { ...row, location: { address: '湖景华庭东门保安亭旁' } };
    expect(presentDetail(addressed, street, names, NOW, ids(street.userId), true).location).toEqual({});
    expect(presentDetail(addressed, handler, names, NOW, ids(handler.userId)).location).toEqual({});
    expect(disclosedFields(addressed, personalDataAccess(handler, addressed), true)).toEqual([
      'name',
      'phone',
      'householdId',
      'location',
    ]);
    expect(disclosedFields({ ...row, location: { building: '5' }, householdId: null }, 'contact', true)).toEqual([
      'name',
      'phone',
    ]);
    // Logged only when shown: not without asking, never for the complainant's own, never to those it is withheld from.
    expect(disclosedFields(row, 'contact', false)).toEqual([]);
    expect(disclosedFields(row, personalDataAccess(resident, row), true)).toEqual([]);
    expect(disclosedFields(row, personalDataAccess(street, row), true)).toEqual([]);
  });

  it("lists carry no phone but the complainant's own, and the family name only to those who may contact the resident", () => {
    expect(presentSummary(row, resident, names, NOW).resident).toEqual({
      name: '王芳',
      phone: '13800000003',
      masked: false,
      revealable: false,
    });
    expect(presentSummary(row, handler, names, NOW).resident).toEqual({
      name: '王*',
      phone: null,
      masked: true,
      revealable: true,
    });
    expect(presentSummary(row, community, names, NOW).resident).toEqual({
      name: '王*',
      phone: null,
      masked: true,
      revealable: true,
    });
    expect(presentSummary(row, street, names, NOW).resident).toEqual({
      name: null,
      phone: null,
      masked: true,
      revealable: false,
    });
  });

  it("shows other users' ids as stable opaque handles and the caller's own as it is", () => {
    const joined: CaseDetailRow = {
      ...row,
      timeline: [
        ...row.timeline,
        {
          seq: 3,
          type: 'complainant_joined',
          at: '2026-11-26T22:00:00.000Z',
          actor: { userId: 'system', role: 'system' },
          payload: { fromCaseId: 'x', fromTrackingCode: '2611-AAAAAA', residentUserId: 'u-resident1' },
        },
        {
          seq: 4,
          type: 'information_added',
          at: '2026-11-26T23:00:00.000Z',
          actor: { userId: 'u-resident3', role: 'resident' },
          payload: { text: '晚上更暗' },
        },
      ],
    };
    const byStreet = presentDetail(joined, street, names, NOW, ids(street.userId));
    const [, acked, join, added] = byStreet.timeline;
    expect(acked.actor.userId).toMatch(HANDLE);
    expect(added.actor.userId).toMatch(HANDLE);
    expect(join.payload.residentUserId).toMatch(HANDLE);
    expect(JSON.stringify(byStreet)).not.toMatch(/u-(handler2|resident1|resident3)/);
    // The same user reads the same handle to every caller; another secret gives another handle.
    const byHandler = presentDetail(joined, handler, names, NOW, ids(handler.userId));
    expect(byHandler.timeline[1].actor.userId).toBe('u-handler2');
    expect(byHandler.timeline[3].actor.userId).toBe(added.actor.userId);
    expect(opaqueUserIds('another-secret-0123456789abcdef')('u-street')('u-handler2')).not.toBe(acked.actor.userId);
    // The resident who joined by a merge finds their own id in the payload, as the web app compares it with /me.
    expect(
      presentDetail(joined, { ...resident, userId: 'u-resident1' }, names, NOW, ids('u-resident1')).timeline[2].payload
        .residentUserId,
    ).toBe('u-resident1');
    // The cached row is shared by every caller: presenting never changes it.
    expect(joined.timeline[2].payload.residentUserId).toBe('u-resident1');
  });

  it('shows a return waiting for the supervisor beside the deadlines that keep running, and the pause it may follow', () => {
    const returned: CaseDetailRow = {
      ...row,
      status: 'returned',
      pendingRequest: { kind: 'return', reason: '不属于物业职责', requestedAt: Date.parse('2026-11-27T01:30:00.000Z') },
      deadlines: {
        ...row.deadlines,
        decision: {
          dueAt: '2026-11-27T03:00:00.000Z',
          startedAt: '2026-11-27T01:30:00.000Z',
          breachedAt: null,
          extended: 0,
        },
      },
    };
    const shown = presentDetail(returned, street, names, NOW, ids(street.userId));
    expect(caseDetailSchema.strict().parse(shown)).toEqual(shown);
    expect(shown.pendingRequest).toEqual({
      kind: 'return',
      reason: '不属于物业职责',
      requestedAt: Date.parse('2026-11-27T01:30:00.000Z'),
    });
    // A return never stops the handler's clock: the supervisor's decision deadline is one more, in due order.
    expect(shown.deadlines.map((d) => [d.kind, d.overdue])).toEqual([
      ['response', true],
      ['decision', false],
      ['resolution', false],
    ]);
    const paused = presentDetail(
      { ...row, pausedSince: new Date('2026-11-27T01:45:00.000Z') },
      resident,
      names,
      NOW,
      ids(resident.userId),
    );
    expect(paused).toMatchObject({ pausedSince: '2026-11-27T01:45:00.000Z', pendingRequest: null, mergedInto: null });
  });
});
