// Staff journeys of issue 27 on the real stack (demo-fast): the handler's queue puts the case it must act on first
// — above one re-routed away from it — and acknowledges it from the row; the community committee finds a pending
// extension on its waiting list (待我审批), reads the requested length and the new due time, and approves it there.
// Screenshots at 375 px and 1280 px, axe-core on each page.
import type { FastifyInstance } from 'fastify';
import { DEMO_PASSWORD, type DemoUsername } from '../../db/seed-data';
import { eventually } from '../helpers/cases';
import { checkPage, DESKTOP, personAt, screenshot, signInWithPassword, useWebStack } from './browser';

const stack = useWebStack({ response: 600, resolution: 900, evaluation: 900 });
const OK_BUTTON = /^确\s?定$/;
const problems: string[] = [];
/** The case of the first journey, which the second carries on. */
const state: { caseId?: string; trackingCode?: string } = {};

async function tokenOf(app: FastifyInstance, username: DemoUsername): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username, password: DEMO_PASSWORD },
  });
  return res.json().token as string;
}

async function post(app: FastifyInstance, token: string, url: string, payload: object, key: string) {
  const res = await app.inject({
    method: 'POST',
    url,
    headers: { authorization: `Bearer ${token}`, 'idempotency-key': key },
    payload,
  });
  if (res.statusCode !== 200 && res.statusCode !== 201) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
  return res.json();
}

async function file(
  app: FastifyInstance,
  resident: string,
  key: string,
  description: string,
): Promise<{ caseId: string; trackingCode: string }> {
  return post(
    app,
    resident,
    '/api/v1/cases',
    {
      categoryCode: 'lift',
      compoundCode: 'demo-fast',
      location: { building: '1', unit: '1', room: '101' },
      description,
    },
    key,
  );
}

test('the queue puts the case the handler must act on first, and it is acknowledged from its row', async () => {
  const { baseUrl, browser, app, suite } = stack();
  const resident = await tokenOf(app, 'resident1');
  const community = await tokenOf(app, 'community1');
  const mine = await file(app, resident, 'staff-journey-1', '1号楼电梯停在三楼不动');
  // Filed later (so newest first would put it on top) and re-routed to the owners' committee: handler1 only follows it.
  const away = await file(app, resident, 'staff-journey-2', '2号楼电梯按钮失灵');
  await eventually(
    async () =>
      (await suite.pool.query(`SELECT 1 FROM cases WHERE id = $1 AND status = 'dispatched'`, [away.caseId]))
        .rowCount === 1,
    30_000,
  );
  await post(
    app,
    community,
    `/api/v1/cases/${away.caseId}/reroute`,
    { handlerOrgId: 'oc-demo-fast', reason: '属业主委员会管理的设施' },
    'staff-journey-3',
  );
  await eventually(
    async () =>
      (await suite.pool.query(`SELECT 1 FROM cases WHERE id = $1 AND handler_org_id = 'oc-demo-fast'`, [away.caseId]))
        .rowCount === 1,
    30_000,
  );

  const { page } = await personAt(browser, DESKTOP);
  await signInWithPassword(page, baseUrl, 'handler1');
  await page.waitForURL(`${baseUrl}/queue`);
  const myTurn = page.getByTestId('my-turn');
  await myTurn
    .locator(`[data-case="${mine.trackingCode}"]`)
    .first()
    .waitFor()
    .catch(async (err: Error) => {
      await screenshot(page, 'queue-mine-failed');
      throw new Error(`${err.message}\n${await page.locator('main').innerText()}`);
    });
  // The actionable case heads 待我处理; the re-routed one is below, among the cases handler1 only follows.
  expect(await myTurn.locator('[data-case]').first().getAttribute('data-case')).toBe(mine.trackingCode);
  expect(await myTurn.locator(`[data-case="${away.trackingCode}"]`).count()).toBe(0);
  await page.getByTestId('others').locator(`[data-case="${away.trackingCode}"]`).first().waitFor();
  problems.push(...(await checkPage(page, 'queue-mine')));

  await myTurn.getByRole('button', { name: `受理 ${mine.trackingCode}` }).click();
  await eventually(
    async () =>
      (await suite.pool.query(`SELECT 1 FROM cases WHERE id = $1 AND status = 'acknowledged'`, [mine.caseId]))
        .rowCount === 1,
    30_000,
  );
  // Its next step is now 办结, still from the row.
  await myTurn.getByRole('button', { name: `办结 ${mine.trackingCode}` }).waitFor();
  state.caseId = mine.caseId;
  state.trackingCode = mine.trackingCode;
});

test('the community committee sees the pending extension on its waiting list and approves it from there', async () => {
  const { baseUrl, browser, app, suite } = stack();
  expect(state.caseId).toBeTruthy();
  const handler = await tokenOf(app, 'handler1');
  await post(
    app,
    handler,
    `/api/v1/cases/${state.caseId}/request-extension`,
    { deadline: 'resolution', extendBy: { unit: 'seconds', amount: 60 }, reason: '配件需从厂家调货' },
    'staff-journey-4',
  );
  await eventually(
    async () =>
      (await suite.pool.query(`SELECT 1 FROM cases WHERE id = $1 AND pending_extension IS NOT NULL`, [state.caseId]))
        .rowCount === 1,
    30_000,
  );

  const { page } = await personAt(browser, DESKTOP);
  await signInWithPassword(page, baseUrl, 'community1');
  await page.waitForURL(`${baseUrl}/dashboard`);
  // The dashboard's figure 待我审批 goes to the waiting list.
  await page.locator('[data-kpi="/waiting"]').click();
  await page.waitForURL(`${baseUrl}/waiting`);
  const extensions = page.getByTestId('waiting-extension');
  await extensions.locator(`[data-case="${state.trackingCode}"]`).first().waitFor();
  problems.push(...(await checkPage(page, 'waiting')));

  await extensions.getByRole('button', { name: `审批延期 ${state.trackingCode}` }).click();
  const modal = page.locator('.ant-modal-content');
  await modal.waitFor();
  expect(await modal.getByTestId('extension-request').innerText()).toContain('60 秒');
  await modal.getByTestId('extension-new-due').waitFor();
  await modal.getByText('批准', { exact: true }).click();
  await modal.getByRole('button', { name: OK_BUTTON }).click();
  await modal.waitFor({ state: 'detached' });
  await eventually(
    async () =>
      (await suite.pool.query(`SELECT 1 FROM cases WHERE id = $1 AND pending_extension IS NULL`, [state.caseId]))
        .rowCount === 1,
    30_000,
  );
  await extensions
    .locator(`[data-case="${state.trackingCode}"]`)
    .first()
    .waitFor({ state: 'detached', timeout: 15_000 });
  const { rows } = await suite.pool.query<{ type: string }>(
    `SELECT type FROM case_events WHERE case_id = $1 ORDER BY seq DESC LIMIT 3`,
    [state.caseId],
  );
  expect(rows.map((r) => r.type)).toContain('extension_decided');

  // 待指派: the same case has no follow-up owner yet; the picker names whom "the suggested owner" means (党员联户).
  const followUp = page.getByTestId('waiting-follow_up');
  await followUp.getByRole('button', { name: `指派跟踪 ${state.trackingCode}` }).click();
  const assign = page.locator('.ant-modal-content');
  await assign.waitFor();
  const member = (await suite.pool.query<{ name_zh: string }>(`SELECT name_zh FROM people WHERE id = 'p-member1'`))
    .rows[0].name_zh;
  await assign.getByText(`联户党员 ${member}（推荐）`).waitFor();
  await assign.getByRole('button', { name: /^取\s?消$/ }).click();
  await assign.waitFor({ state: 'detached' });
});

test('no serious accessibility finding on the staff pages', () => {
  expect(problems).toEqual([]);
});
