// The follow-up picker names the party member linked to the complainant's household (党员联户), for those who assign
// follow-up; nobody else learns who follows which household.
import { DEMO } from '../../db/seed-data';
import { as, startApiStack, type ApiStack } from './helpers';

let s: ApiStack;
let caseId: string;
beforeAll(async () => {
  s = await startApiStack();
  const resident1 = await as(s.app, 'resident1');
  const filed = await resident1.post('/api/v1/cases', {
    categoryCode: 'repairs',
    compoundCode: DEMO.compound,
    householdId: DEMO.resident1HouseholdId,
    location: { building: '1', unit: '1', room: '101' },
    description: '楼道灯坏了一个星期',
  });
  expect(filed.statusCode).toBe(201);
  caseId = filed.json().caseId;
});
afterAll(async () => {
  await s?.close();
});

const url = () => `/api/v1/cases/${caseId}/follow-up-suggestion`;

test('the community committee sees whom "the suggested owner" means: the household’s linked party member', async () => {
  const res = await (await as(s.app, 'community1')).get(url());
  expect(res.statusCode).toBe(200);
  expect(res.json()).toEqual({
    owner: {
      kind: 'party_member',
      id: DEMO.partyMemberPersonId,
      nameZh: expect.any(String),
      nameEn: expect.any(String),
    },
  });
  expect((await (await as(s.app, 'admin')).get(url())).statusCode).toBe(200);
});

test('the handler and the resident are refused; another community does not see the case at all', async () => {
  for (const user of ['handler1', 'resident1', 'street1'] as const) {
    expect({ user, status: (await (await as(s.app, user)).get(url())).statusCode }).toEqual({ user, status: 403 });
  }
  expect((await (await as(s.app, 'community2')).get(url())).statusCode).toBe(404);
});
