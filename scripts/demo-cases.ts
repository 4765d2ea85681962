// A few cases filed on the first `npm start`, so a new user's dashboards, queues and public page are not empty:
// closed ones with evaluations, one reopened for 重办, one awaiting evaluation, open ones, three lift breakdowns in
// one building (a repeat problem), and one in demo-fast left unanswered so its reminders, breach and escalation
// happen while the user watches. Filed through the same services as the API (real workflows), with
// Idempotency-Keys, so running it twice files nothing twice.
import type { Actor, CaseAction } from '../domain/actions';
import { DEMO, DEMO_USERS } from '../db/seed-data';
import { performAction } from '../services/case-actions';
import { fileCase, type IntakeDeps, type IntakeRequest } from '../services/intake';

const resident = (u: keyof typeof DEMO_USERS): Actor => ({
  userId: DEMO_USERS[u],
  role: 'resident',
  organizationId: null,
});
const handler = (u: keyof typeof DEMO_USERS, org: string): Actor => ({
  userId: DEMO_USERS[u],
  role: 'handler',
  organizationId: org,
});

interface DemoCase {
  key: string;
  intake: Omit<IntakeRequest, 'intakeKey'>;
  steps: [Actor, CaseAction][];
}

const at = (compoundCode: string, householdId: string, room: string) => ({
  compoundCode,
  householdId,
  location: { building: '1', unit: '1', room },
});
const lakeview = at(DEMO.siblingCompound, 'hh-lakeview-1-1-101', '101');
const dushu = at('dushu-court', 'hh-dushu-court-1-1-101', '101');
const h2 = handler('handler2', DEMO.siblingPropertyCompanyOrgId);
const h3 = handler('handler3', DEMO.otherStreetPropertyCompanyOrgId);
const h1 = handler('handler1', DEMO.propertyCompanyOrgId);
const r3 = resident('resident3');

const CASES: DemoCase[] = [
  {
    key: 'demo-lakeview-noise',
    intake: {
      ...lakeview,
      categoryCode: 'noise',
      description: '楼上装修每天早上七点开始电钻，影响老人休息',
      contact: { name: '王芳', phone: '13800000003' },
      residentUserId: DEMO_USERS.resident3,
    },
    steps: [
      [h2, { type: 'acknowledge', note: '已联系装修户' }],
      [h2, { type: 'resolve', summary: '已约定施工时间为 9:00–18:00' }],
      [r3, { type: 'evaluate', satisfaction: 'satisfied', solved: true }],
    ],
  },
  {
    key: 'demo-lakeview-repairs',
    intake: {
      ...lakeview,
      categoryCode: 'repairs',
      description: '单元门禁坏了三天，外来人员随意进出',
      contact: { name: '王芳', phone: '13800000003' },
      residentUserId: DEMO_USERS.resident3,
    },
    steps: [
      [h2, { type: 'acknowledge' }],
      [h2, { type: 'resolve', summary: '已重启门禁主机' }],
      [r3, { type: 'evaluate', satisfaction: 'unsatisfied', solved: false, comment: '第二天又坏了' }],
    ],
  },
  {
    key: 'demo-lakeview-greenery',
    intake: {
      ...lakeview,
      categoryCode: 'greenery',
      description: '中心花园的树枝压到了二楼窗户',
      contact: { name: '王芳', phone: '13800000003' },
      residentUserId: DEMO_USERS.resident3,
    },
    steps: [
      [h2, { type: 'acknowledge' }],
      [h2, { type: 'resolve', summary: '已修剪' }],
    ],
  },
  // Three lift breakdowns in lakeview's building 1 within days: a repeat problem (重复问题) for community1 to open a
  // governance topic from, on the dashboard and in 热点分析. One resident with an account, two by phone.
  {
    key: 'demo-lakeview-lift-1',
    intake: {
      ...lakeview,
      categoryCode: 'lift',
      description: '1号楼电梯门关不上，来回开合',
      contact: { name: '王芳', phone: '13800000003' },
      residentUserId: DEMO_USERS.resident3,
    },
    steps: [[h2, { type: 'acknowledge', note: '已通知电梯维保单位' }]],
  },
  {
    key: 'demo-lakeview-lift-2',
    intake: {
      compoundCode: DEMO.siblingCompound,
      location: { building: '1', unit: '2', room: '502' },
      categoryCode: 'lift',
      description: '1号楼电梯又困人了，十分钟才打开',
      contact: { name: '住户', phone: '13900000103' },
      residentUserId: null,
    },
    steps: [[h2, { type: 'acknowledge' }]],
  },
  {
    key: 'demo-lakeview-lift-3',
    intake: {
      compoundCode: DEMO.siblingCompound,
      location: { building: '1', unit: '1', room: '801' },
      categoryCode: 'lift',
      description: '1号楼电梯运行时异响很大',
      contact: { name: '住户', phone: '13900000104' },
      residentUserId: null,
    },
    steps: [],
  },
  {
    key: 'demo-dushu-parking',
    intake: {
      ...dushu,
      categoryCode: 'parking',
      description: '消防通道旁长期停放僵尸车',
      contact: { name: '住户', phone: '13900000101' },
      residentUserId: null,
    },
    steps: [[h3, { type: 'acknowledge', note: '已张贴挪车通知' }]],
  },
  {
    key: 'demo-dushu-cleaning',
    intake: {
      ...dushu,
      categoryCode: 'cleaning',
      description: '垃圾房三天没有清运，气味很大',
      contact: { name: '住户', phone: '13900000102' },
      residentUserId: null,
    },
    steps: [],
  },
  {
    key: 'demo-fast-lift',
    intake: {
      ...at(DEMO.compound, DEMO.resident1HouseholdId, '101'),
      categoryCode: 'lift',
      description: '1号楼电梯停在三楼不动，老人上下楼困难',
      contact: { name: '张伟', phone: '13800000001' },
      residentUserId: DEMO_USERS.resident1,
    },
    // Nobody answers: watch the 催办 reminders, the breach and the escalation to the street committee live.
    steps: [],
  },
  {
    key: 'demo-fast-cleaning',
    intake: {
      ...at(DEMO.compound, DEMO.resident1HouseholdId, '101'),
      categoryCode: 'cleaning',
      description: '楼道里堆满了装修垃圾',
      contact: { name: '张伟', phone: '13800000001' },
      residentUserId: DEMO_USERS.resident1,
    },
    steps: [
      [h1, { type: 'acknowledge' }],
      [h1, { type: 'resolve', summary: '已清运' }],
      [resident('resident1'), { type: 'evaluate', satisfaction: 'basically_satisfied', solved: true }],
    ],
  },
];

export async function fileDemoCases(deps: IntakeDeps, log: (line: string) => void = console.log): Promise<number> {
  for (const c of CASES) {
    const filed = await fileCase(deps, { ...c.intake, intakeKey: `seed:${c.key}` });
    for (const [i, [actor, action]] of c.steps.entries()) {
      await performAction({ temporal: deps.temporal }, filed.caseId, actor, action, `seed:${c.key}:${i}`);
    }
  }
  log(`demo cases filed: ${CASES.length}`);
  return CASES.length;
}
