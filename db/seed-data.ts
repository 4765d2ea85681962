// The demo district: a Suzhou Industrial Park style slice of the Party tree with its compounds, people and
// agreements. Plain data; db/seed.ts writes it. Tests name rows through DEMO and DEMO_USERS, never by literal.
import type { AgreementTerms, HandlerKind, OrganizationKind, PhaseDeadlines, Role, Tier } from '../domain/types';

export const DEMO_PASSWORD = 'redsteward';

export const DEMO = {
  /** The compound whose agreement counts in seconds, so a whole case runs in about a minute. */
  compound: 'demo-fast',
  agreementId: 'agr-demo-fast-v1',
  propertyCompanyOrgId: 'pc-demo-fast',
  ownersCommitteeOrgId: 'oc-demo-fast',
  communityOrgId: 'comm-jinji',
  gridBranchOrgId: 'grid-jinji-1',
  residentAssociationOrgId: 'ra-jinji-volunteers',
  streetOrgId: 'street-huxi',
  organizationDepartmentId: 'org-dept',
  /** Party member (person id) linked to resident1's household; user member1. */
  partyMemberPersonId: 'p-member1',
  resident1HouseholdId: 'hh-demo-fast-1-1-101',
  resident2HouseholdId: 'hh-demo-fast-2-1-302',
  /** Siblings for scope tests: same community, same street, and the other street. */
  siblingCompound: 'lakeview',
  siblingPropertyCompanyOrgId: 'pc-lakeview',
  siblingCommunityOrgId: 'comm-xinghai',
  otherStreetOrgId: 'street-xietang',
  otherStreetCommunityOrgId: 'comm-dushu',
  otherStreetPropertyCompanyOrgId: 'pc-dushu-court',
  /** Compound with two agreement versions (v1 until 2025-01-01, v2 from then). */
  versionedCompound: 'xinghai-garden',
  departments: { housing: 'dept-housing', urban: 'dept-urban', market: 'dept-market' },
} as const;

/** username → user id. Every demo user's password is DEMO_PASSWORD. */
export const DEMO_USERS = {
  resident1: 'u-resident1',
  resident2: 'u-resident2',
  resident3: 'u-resident3',
  handler1: 'u-handler1',
  handler2: 'u-handler2',
  handler3: 'u-handler3',
  owners1: 'u-owners1',
  community1: 'u-community1',
  community2: 'u-community2',
  member1: 'u-member1',
  member2: 'u-member2',
  street1: 'u-street1',
  street2: 'u-street2',
  orgdept1: 'u-orgdept1',
  department1: 'u-department1',
  department2: 'u-department2',
  admin: 'u-admin',
} as const;
export type DemoUsername = keyof typeof DEMO_USERS;

export interface OrganizationSeed {
  id: string;
  kind: OrganizationKind;
  parentId: string | null;
  supervisedBy: string | null;
  nameZh: string;
  nameEn: string;
}

export interface CompoundSeed {
  code: string;
  nameZh: string;
  nameEn: string;
  communityOrgId: string;
  address: string;
  /** Short names for the compound's property company and owners' committee. */
  companyZh: string;
  companyEn: string;
}

export interface PersonSeed {
  id: string;
  nameZh: string;
  nameEn: string;
  phone: string | null;
  organizationId: string | null;
  kind: 'party_member' | 'staff' | 'resident';
}

export interface HouseholdSeed {
  id: string;
  compoundCode: string;
  building: string;
  unit: string;
  room: string;
  linkedPartyMemberId: string;
  memberIds: string[];
}

export interface AgreementSeed {
  id: string;
  compoundCode: string;
  version: number;
  validFrom: string;
  validTo: string | null;
  terms: Omit<AgreementTerms, 'id'>;
}

export interface CategorySeed {
  code: string;
  nameZh: string;
  nameEn: string;
  tier: Tier;
  defaultHandlerKind: HandlerKind;
  ownerDepartmentId: string;
  icon: string;
  sort: number;
  /** Duplicate hints cover the whole compound, not one building (migration 0064). */
  sharedFacility: boolean;
}

export interface UserSeed {
  username: DemoUsername;
  role: Role;
  organizationId: string | null;
  personId: string | null;
}

const party = (id: string, kind: OrganizationKind, parentId: string | null, nameZh: string, nameEn: string) =>
  ({ id, kind, parentId, supervisedBy: null, nameZh, nameEn }) satisfies OrganizationSeed;

// prettier-ignore
export const COMPOUNDS: CompoundSeed[] = [
  { code: 'demo-fast', nameZh: '金湖苑（演示）', nameEn: 'Jinhu Court (demo)', communityOrgId: 'comm-jinji', address: '苏州工业园区星湖街 88 号', companyZh: '金湖', companyEn: 'Jinhu' },
  { code: 'lakeview', nameZh: '湖景华庭', nameEn: 'Lakeview Residences', communityOrgId: 'comm-jinji', address: '苏州工业园区现代大道 120 号', companyZh: '湖景', companyEn: 'Lakeview' },
  { code: 'xinghai-garden', nameZh: '星海花园', nameEn: 'Xinghai Garden', communityOrgId: 'comm-xinghai', address: '苏州工业园区星海街 200 号', companyZh: '星海', companyEn: 'Xinghai' },
  { code: 'moonbay', nameZh: '月亮湾公寓', nameEn: 'Moon Bay Apartments', communityOrgId: 'comm-xinghai', address: '苏州工业园区月亮湾路 15 号', companyZh: '月湾', companyEn: 'Moon Bay' },
  { code: 'dushu-court', nameZh: '独墅苑', nameEn: 'Dushu Court', communityOrgId: 'comm-dushu', address: '苏州工业园区仁爱路 30 号', companyZh: '独墅', companyEn: 'Dushu' },
  { code: 'wisdom-valley', nameZh: '智慧谷', nameEn: 'Wisdom Valley', communityOrgId: 'comm-dushu', address: '苏州工业园区若水路 8 号', companyZh: '智谷', companyEn: 'Wisdom Valley' },
  { code: 'lianhua-village', nameZh: '莲花新村', nameEn: 'Lianhua New Village', communityOrgId: 'comm-lianhua', address: '苏州工业园区莲花路 66 号', companyZh: '莲花', companyEn: 'Lianhua' },
  { code: 'lotus-pond', nameZh: '荷塘月色', nameEn: 'Lotus Pond', communityOrgId: 'comm-lianhua', address: '苏州工业园区斜塘路 99 号', companyZh: '荷塘', companyEn: 'Lotus Pond' },
];

const departmentOf = (id: string, nameZh: string, nameEn: string): OrganizationSeed => ({
  ...party(id, 'functional_department', null, nameZh, nameEn),
  // The organisation department forwards cases to these departments' Party organisations.
  supervisedBy: 'org-dept',
});

/** Parents come before children so the tree reads top-down. */
// prettier-ignore
export const ORGANIZATIONS: OrganizationSeed[] = [
  party('org-dept', 'organization_department', null, '园区工委组织部', 'SIP Working Committee Organisation Department'),
  party('street-huxi', 'street_committee', 'org-dept', '湖西街道党工委', 'Huxi Street Party Working Committee'),
  party('street-xietang', 'street_committee', 'org-dept', '斜塘街道党工委', 'Xietang Street Party Working Committee'),
  party('comm-jinji', 'community_committee', 'street-huxi', '金鸡湖社区党委', 'Jinji Lake Community Party Committee'),
  party('comm-xinghai', 'community_committee', 'street-huxi', '星海社区党委', 'Xinghai Community Party Committee'),
  party('comm-dushu', 'community_committee', 'street-xietang', '独墅湖社区党委', 'Dushu Lake Community Party Committee'),
  party('comm-lianhua', 'community_committee', 'street-xietang', '莲花社区党委', 'Lianhua Community Party Committee'),
  party('grid-jinji-1', 'grid_branch', 'comm-jinji', '金鸡湖社区第一网格党支部', 'Jinji Lake Grid 1 Party Branch'),
  party('grid-jinji-2', 'grid_branch', 'comm-jinji', '金鸡湖社区第二网格党支部', 'Jinji Lake Grid 2 Party Branch'),
  party('grid-xinghai-1', 'grid_branch', 'comm-xinghai', '星海社区第一网格党支部', 'Xinghai Grid 1 Party Branch'),
  party('grid-xinghai-2', 'grid_branch', 'comm-xinghai', '星海社区第二网格党支部', 'Xinghai Grid 2 Party Branch'),
  party('grid-dushu-1', 'grid_branch', 'comm-dushu', '独墅湖社区第一网格党支部', 'Dushu Lake Grid 1 Party Branch'),
  party('grid-lianhua-1', 'grid_branch', 'comm-lianhua', '莲花社区第一网格党支部', 'Lianhua Grid 1 Party Branch'),
  party('ra-jinji-volunteers', 'resident_association', 'comm-jinji', '金鸡湖社区志愿者协会', 'Jinji Lake Volunteers Association'),
  party('ra-lianhua-elders', 'resident_association', 'comm-lianhua', '莲花社区老年协会', 'Lianhua Elders Association'),
  // Property companies sit outside the Party tree (parent null); see 0001_reference_data.sql.
  ...COMPOUNDS.map((c) =>
    party(`pc-${c.code}`, 'property_company', null, `苏州${c.companyZh}物业服务有限公司`, `${c.companyEn} Property Services Co.`)),
  ...COMPOUNDS.map((c) =>
    party(`oc-${c.code}`, 'owners_committee', c.communityOrgId, `${c.nameZh.replace('（演示）', '')}业主委员会`,
      `${c.nameEn.replace(' (demo)', '')} Owners' Committee`)),
  departmentOf('dept-housing', '园区规划建设委员会（住建）', 'Housing and Construction Bureau'),
  departmentOf('dept-urban', '园区综合行政执法局（城管）', 'Urban Management Bureau'),
  departmentOf('dept-market', '园区市场监督管理局', 'Market Regulation Bureau'),
];

const person =
  (kind: PersonSeed['kind']) =>
  (id: string, nameZh: string, nameEn: string, phone: string, organizationId: string | null = null): PersonSeed => ({
    id,
    nameZh,
    nameEn,
    phone,
    organizationId,
    kind,
  });
const member = person('party_member');
const staff = person('staff');
const resident = person('resident');

export const PEOPLE: PersonSeed[] = [
  member('p-member1', '陈静', 'Chen Jing', '13900000001', 'grid-jinji-1'),
  member('p-member2', '刘洋', 'Liu Yang', '13900000002', 'grid-jinji-2'),
  member('p-member-xinghai-1', '赵敏', 'Zhao Min', '13900000003', 'grid-xinghai-1'),
  member('p-member-xinghai-2', '孙磊', 'Sun Lei', '13900000004', 'grid-xinghai-2'),
  member('p-member-dushu-1', '周婷', 'Zhou Ting', '13900000005', 'grid-dushu-1'),
  member('p-member-dushu-2', '吴刚', 'Wu Gang', '13900000006', 'grid-dushu-1'),
  member('p-member-lianhua-1', '郑红', 'Zheng Hong', '13900000007', 'grid-lianhua-1'),
  member('p-member-lianhua-2', '冯涛', 'Feng Tao', '13900000008', 'grid-lianhua-1'),
  staff('p-handler1', '王强', 'Wang Qiang', '13700000001', 'pc-demo-fast'),
  staff('p-handler2', '林峰', 'Lin Feng', '13700000002', 'pc-lakeview'),
  staff('p-handler3', '何洁', 'He Jie', '13700000003', 'pc-dushu-court'),
  staff('p-owners1', '黄丽', 'Huang Li', '13700000004', 'oc-demo-fast'),
  staff('p-community1', '杨帆', 'Yang Fan', '13700000005', 'comm-jinji'),
  staff('p-community2', '高远', 'Gao Yuan', '13700000006', 'comm-xinghai'),
  staff('p-street1', '徐明', 'Xu Ming', '13700000007', 'street-huxi'),
  staff('p-street2', '罗宁', 'Luo Ning', '13700000008', 'street-xietang'),
  staff('p-orgdept1', '马骏', 'Ma Jun', '13700000009', 'org-dept'),
  staff('p-department1', '胡斌', 'Hu Bin', '13700000010', 'dept-urban'),
  staff('p-department2', '梁晨', 'Liang Chen', '13700000011', 'dept-housing'),
  resident('p-resident1', '张伟', 'Zhang Wei', '13800000001'),
  resident('p-resident2', '李娜', 'Li Na', '13800000002'),
  resident('p-resident3', '王芳', 'Wang Fang', '13800000003'),
];

/** The party members of each community, in the order households are linked to them (党员联户). */
const LINKED_MEMBERS: Record<string, string[]> = {
  'comm-jinji': ['p-member1', 'p-member2'],
  'comm-xinghai': ['p-member-xinghai-1', 'p-member-xinghai-2'],
  'comm-dushu': ['p-member-dushu-1', 'p-member-dushu-2'],
  'comm-lianhua': ['p-member-lianhua-1', 'p-member-lianhua-2'],
};
/** building-unit-room of the three demo households in every compound. */
const ROOMS: Array<[string, string, string]> = [
  ['1', '1', '101'],
  ['2', '1', '302'],
  ['3', '2', '1201'],
];
const RESIDENTS_AT: Record<string, string[]> = {
  'hh-demo-fast-1-1-101': ['p-resident1'],
  'hh-demo-fast-2-1-302': ['p-resident2'],
  'hh-lakeview-1-1-101': ['p-resident3'],
};

export const HOUSEHOLDS: HouseholdSeed[] = COMPOUNDS.flatMap((c) =>
  ROOMS.map(([building, unit, room], i) => {
    const id = `hh-${c.code}-${building}-${unit}-${room}`;
    const members = LINKED_MEMBERS[c.communityOrgId];
    return {
      id,
      compoundCode: c.code,
      building,
      unit,
      room,
      // The third household goes back to the first member: a member usually follows several households.
      linkedPartyMemberId: members[i % members.length],
      memberIds: RESIDENTS_AT[id] ?? [],
    };
  }),
);

const cat = (
  code: string,
  nameZh: string,
  nameEn: string,
  tier: Tier,
  ownerDepartmentId: string,
  icon: string,
  sort: number,
  defaultHandlerKind: HandlerKind = 'property_company',
): CategorySeed => ({
  code,
  nameZh,
  nameEn,
  tier,
  defaultHandlerKind,
  ownerDepartmentId,
  icon,
  sort,
  sharedFacility: SHARED_FACILITIES.has(code),
});

/**
 * Categories about what the whole compound shares (one lift contract, the gate, the car park, the gardens, the common
 * areas, the fire lanes): an open case anywhere in the compound is offered as a possible duplicate, not only one in the
 * same building. Migration 0064 sets the same list on databases seeded before it.
 */
const SHARED_FACILITIES = new Set(['lift', 'security', 'parking', 'greenery', 'cleaning', 'fire_safety']);

/**
 * ownerDepartmentId is where a case ends up at the top of the ladder: lifts are special equipment (市场监管),
 * fees are price supervision (市场监管), property-service standards are the housing bureau's (住建), and
 * public-space order is urban management's (城管), which also owns illegal construction from the start.
 */
// prettier-ignore
export const CATEGORIES: CategorySeed[] = [
  cat('fire_safety', '消防通道', 'Fire access blocked', 'emergency', 'dept-urban', 'fire-extinguisher', 10),
  cat('lift', '电梯故障', 'Lift breakdown', 'utilities', 'dept-market', 'elevator', 20),
  cat('leak', '漏水', 'Water leak', 'utilities', 'dept-housing', 'droplet', 30),
  cat('repairs', '公共维修', 'Repairs to common parts', 'general', 'dept-housing', 'wrench', 40),
  cat('cleaning', '环境卫生', 'Cleaning and sanitation', 'general', 'dept-urban', 'broom', 50),
  cat('security', '安保', 'Security', 'general', 'dept-housing', 'shield', 60),
  cat('parking', '停车', 'Parking', 'general', 'dept-urban', 'car', 70),
  cat('greenery', '绿化', 'Greenery', 'general', 'dept-urban', 'tree', 80),
  cat('noise', '噪声', 'Noise', 'general', 'dept-urban', 'volume', 90),
  cat('fees', '物业收费', 'Property fees', 'complex', 'dept-market', 'receipt', 100),
  // 违章搭建 is never the property company's job: urban management owns it from intake.
  cat('illegal_construction', '违章搭建', 'Illegal construction', 'complex', 'dept-urban', 'hammer', 110,
    'functional_department'),
];

const seconds = (amount: number) => ({ unit: 'seconds', amount }) as const;
const hours = (amount: number) => ({ unit: 'hours', amount }) as const;
const workingDays = (amount: number) => ({ unit: 'working_days', amount }) as const;

/** demo-fast: every tier in seconds, so reminders, breaches and escalation can be watched live. */
const FAST: PhaseDeadlines = { response: seconds(15), resolution: seconds(60) };

/** Reference tiers from Beijing 12345 practice (DOMAIN.md): emergency 2 h, utilities 24 h, general 7 d, complex 15 d. */
const REFERENCE_DEADLINES: Record<Tier, PhaseDeadlines> = {
  emergency: { response: hours(1), resolution: hours(2) },
  utilities: { response: hours(2), resolution: hours(24) },
  general: { response: workingDays(1), resolution: workingDays(7) },
  complex: { response: workingDays(2), resolution: workingDays(15) },
};

const ordinary = (
  weights: AgreementTerms['weights'],
  extra: Partial<Omit<AgreementTerms, 'id' | 'weights'>> = {},
): Omit<AgreementTerms, 'id'> => ({
  deadlines: REFERENCE_DEADLINES,
  reminderPoints: [0.5, 0.75],
  evaluationWindow: workingDays(3),
  reworkLimit: 1,
  weights,
  ...extra,
});

const agreement = (
  compoundCode: string,
  terms: Omit<AgreementTerms, 'id'>,
  version = 1,
  validFrom = '2024-01-01',
  validTo: string | null = null,
): AgreementSeed => ({
  id: `agr-${compoundCode}-v${version}`,
  compoundCode,
  version,
  validFrom,
  validTo,
  terms,
});

export const AGREEMENTS: AgreementSeed[] = [
  agreement('demo-fast', {
    deadlines: { emergency: FAST, utilities: FAST, general: FAST, complex: FAST },
    reminderPoints: [0.5, 0.75],
    evaluationWindow: seconds(60),
    reworkLimit: 1,
    weights: { response: 0.3, resolution: 0.3, satisfaction: 0.3, onTime: 0.1 },
    // Every fairness rule in seconds too: a return left undecided breaches the community 20 s later.
    fairness: {
      decisionTime: seconds(20),
      extensionMaxCount: 2,
      extensionMaxTotal: seconds(60),
      maxPause: seconds(30),
      topRungCadence: seconds(15),
      noticeAfter: 2,
    },
    // A follow-up not recorded 30 s after it was assigned is its owner's missed duty; three evaluated cases give a score.
    assessment: { minEvaluated: 3, followUpTime: seconds(30) },
    // Three cases of one category in one building within a day are a repeat problem (重复问题), so a demo shows one.
    governance: { repeatCount: 3, repeatWindowDays: 1 },
  }),
  // Lakeview's residents are mostly elderly: lifts get a tighter deadline than the utilities tier.
  agreement(
    'lakeview',
    ordinary(
      { response: 0.25, resolution: 0.25, satisfaction: 0.4, onTime: 0.1 },
      {
        categoryDeadlines: { lift: { response: hours(1), resolution: hours(12) } },
      },
    ),
  ),
  agreement(
    'xinghai-garden',
    ordinary({ response: 0.3, resolution: 0.3, satisfaction: 0.3, onTime: 0.1 }),
    1,
    '2023-01-01',
    '2025-01-01',
  ),
  agreement(
    'xinghai-garden',
    ordinary({ response: 0.2, resolution: 0.3, satisfaction: 0.4, onTime: 0.1 }, { reworkLimit: 2 }),
    2,
    '2025-01-01',
  ),
  agreement('moonbay', ordinary({ response: 0.3, resolution: 0.2, satisfaction: 0.4, onTime: 0.1 })),
  agreement('dushu-court', ordinary({ response: 0.2, resolution: 0.3, satisfaction: 0.3, onTime: 0.2 })),
  agreement('wisdom-valley', ordinary({ response: 0.25, resolution: 0.25, satisfaction: 0.25, onTime: 0.25 })),
  agreement(
    'lianhua-village',
    ordinary({ response: 0.3, resolution: 0.3, satisfaction: 0.3, onTime: 0.1 }, { reworkLimit: 2 }),
  ),
  agreement('lotus-pond', ordinary({ response: 0.35, resolution: 0.25, satisfaction: 0.3, onTime: 0.1 })),
];

/** Staff roles follow the organisation's kind: handlers for handler kinds, supervisors for the Party tree. */
export const USERS: UserSeed[] = [
  { username: 'resident1', role: 'resident', organizationId: null, personId: 'p-resident1' },
  { username: 'resident2', role: 'resident', organizationId: null, personId: 'p-resident2' },
  { username: 'resident3', role: 'resident', organizationId: null, personId: 'p-resident3' },
  { username: 'handler1', role: 'handler', organizationId: 'pc-demo-fast', personId: 'p-handler1' },
  { username: 'handler2', role: 'handler', organizationId: 'pc-lakeview', personId: 'p-handler2' },
  { username: 'handler3', role: 'handler', organizationId: 'pc-dushu-court', personId: 'p-handler3' },
  { username: 'owners1', role: 'handler', organizationId: 'oc-demo-fast', personId: 'p-owners1' },
  { username: 'community1', role: 'supervisor', organizationId: 'comm-jinji', personId: 'p-community1' },
  { username: 'community2', role: 'supervisor', organizationId: 'comm-xinghai', personId: 'p-community2' },
  { username: 'member1', role: 'party_member', organizationId: 'grid-jinji-1', personId: 'p-member1' },
  { username: 'member2', role: 'party_member', organizationId: 'grid-jinji-2', personId: 'p-member2' },
  { username: 'street1', role: 'supervisor', organizationId: 'street-huxi', personId: 'p-street1' },
  { username: 'street2', role: 'supervisor', organizationId: 'street-xietang', personId: 'p-street2' },
  { username: 'orgdept1', role: 'supervisor', organizationId: 'org-dept', personId: 'p-orgdept1' },
  { username: 'department1', role: 'handler', organizationId: 'dept-urban', personId: 'p-department1' },
  { username: 'department2', role: 'handler', organizationId: 'dept-housing', personId: 'p-department2' },
  { username: 'admin', role: 'admin', organizationId: 'org-dept', personId: null },
];
