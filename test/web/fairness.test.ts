// The fairness rules on screen, on the real stack, as the people in them would use them: a handler returns a case
// that is not its duty and the community committee decides the return — once refusing it (the handler carries on,
// its deadlines standing), once re-routing to the owners' committee; and a case filed by staff for a resident
// without an account is resolved and evaluated by the committee's follow-up call (回访); and a second report of the
// same broken lift is merged into the first, found by searching the compound's cases. Pages are screenshotted at
// 375 px and 1280 px and checked with axe-core on the way.
import type { Locator, Page } from 'playwright-core';
import { DEMO, DEMO_USERS } from '../../db/seed-data';
import { eventually, loop } from '../helpers/cases';
import { checkPage, DESKTOP, personAt, signInWithPassword, useWebStack } from './browser';

// Deadlines long enough that no breach moves the case up the ladder while people click: these journeys are about
// decisions, not the clock (loop.test.ts watches the clock).
const stack = useWebStack({
  response: 600,
  resolution: 900,
  evaluation: 900,
  fairness: { decisionTime: { unit: 'seconds', amount: 600 } },
});

const OK_BUTTON = /^确\s?定$/;

const problems: string[] = [];
async function check(page: Page, name: string): Promise<void> {
  // A toast ("审批回退成功") fading out is half-transparent text: axe would judge its contrast mid-animation.
  await page.locator('.ant-message-notice').first().waitFor({ state: 'detached', timeout: 10_000 });
  problems.push(...(await checkPage(page, name)));
}

const waitStatus = (page: Page, status: string, timeout = 30_000) =>
  page.locator(`[data-testid="case-status"] [data-status="${status}"]`).first().waitFor({ timeout });
const eventText = async (page: Page, type: string) =>
  (await page.locator(`[data-event="${type}"]`).first().innerText()).replace(/\s+/g, ' ');

/** Opens an action's form; the caller fills it, then confirm() sends it and waits for the dialog to go. */
async function openForm(page: Page, action: string): Promise<Locator> {
  await page.locator(`[data-action="${action}"]`).click();
  const modal = page.locator('.ant-modal-content');
  await modal.waitFor();
  return modal;
}

/** Picks a radio by its label and makes sure the choice took: under CI load a click while the form opens can be lost. */
async function choose(modal: Locator, name: string): Promise<void> {
  const radio = modal.getByRole('radio', { name, exact: true });
  const label = modal.locator('label').filter({ has: modal.page().getByRole('radio', { name, exact: true }) });
  for (let i = 0; i < 20 && !(await radio.isChecked()); i++) {
    await label.click();
    if (!(await radio.isChecked())) await modal.page().waitForTimeout(250);
  }
  expect(await radio.isChecked()).toBe(true);
}

/** Confirms the form; if it stays open, says what it shows (a field left empty, or the API's answer). */
async function confirm(modal: Locator): Promise<void> {
  await modal.getByRole('button', { name: OK_BUTTON }).click();
  try {
    await modal.waitFor({ state: 'detached' });
  } catch (err) {
    const shown = await modal.innerText().catch(() => '');
    throw new Error(`the form did not close; it shows: ${shown.replace(/\s+/g, ' ').slice(0, 600)}`, { cause: err });
  }
}

/** Picks an option of a select by its text and makes sure it took (a click under CI load can be lost, as in choose). */
async function pickOption(modal: Locator, label: string, option: string): Promise<void> {
  const page = modal.page();
  const select = modal.getByLabel(label);
  const field = modal.locator('.ant-form-item').filter({ has: page.getByLabel(label) });
  for (let i = 0; i < 10 && !(await field.innerText()).includes(option); i++) {
    await select.click();
    await page.locator('.ant-select-item-option').filter({ hasText: option }).click();
  }
  expect(await field.innerText()).toContain(option);
}

async function returnCase(page: Page, caseUrl: string, reason: string): Promise<void> {
  await page.goto(caseUrl);
  const modal = await openForm(page, 'return');
  await modal.getByLabel('理由').fill(reason);
  await confirm(modal);
  await waitStatus(page, 'returned');
}

async function orgName(id: string): Promise<string> {
  const { rows } = await stack().suite.pool.query<{ name: string }>(
    'SELECT name_zh AS name FROM organizations WHERE id = $1',
    [id],
  );
  return rows[0].name;
}

test("the community committee decides a handler's return: refused, the handler carries on; re-routed, the owners' committee takes it", async () => {
  const { baseUrl, browser, suite } = stack();
  const l = loop(suite.t, suite.pool);
  const refused = await l.file({ description: '地下车库照明灯坏了三盏，晚上看不清路' });
  const rerouted = await l.file({ description: '小区公共绿地的健身器材松动，需要业委会出资更换' });
  const [handlerName, ownersName] = [await orgName('pc-demo-fast'), await orgName('oc-demo-fast')];

  const handler = await personAt(browser, DESKTOP);
  const h = handler.page;
  await signInWithPassword(h, baseUrl, 'handler1');
  const refusedUrl = `${baseUrl}/cases/${refused.caseId}`;
  const reroutedUrl = `${baseUrl}/cases/${rerouted.caseId}`;
  await returnCase(h, refusedUrl, '照明属于物业公共设施维护范围外，应由供电部门处理');
  // The return waits for the supervisor; the handler's clock keeps running, and the handler is told so.
  await h.getByTestId('pending-request-banner').getByText('待监督方审批回退：照明属于物业公共设施维护范围外').waitFor();
  expect(await eventText(h, 'returned')).toContain('监督方须在');
  expect(await eventText(h, 'returned')).toContain('办理时限照常计算');
  await h.getByTestId('deadline-response').waitFor();
  await returnCase(h, reroutedUrl, '健身器材更换须业委会动用维修资金，不属物业日常维修');

  const community = await personAt(browser, DESKTOP);
  const c = community.page;
  await signInWithPassword(c, baseUrl, 'community1');

  // Refusing: the case goes back to the same handler with its deadlines as they were.
  await c.goto(refusedUrl);
  const banner = c.getByTestId('pending-request-banner');
  await banner.waitFor();
  expect(await banner.innerText()).toMatch(/待监督方审批回退：照明属于.*审批截止/);
  expect(await c.getByTestId('deadline-decision').innerText()).toContain('审批时限');
  await check(c, 'case-return-pending');
  // While a return waits, the supervisor decides it (no separate re-route button); closing offers only the
  // grounds of a case never resolved.
  expect(await c.locator('[data-action="reroute"]').count()).toBe(0);
  const closing = await openForm(c, 'close');
  expect(await closing.locator('.ant-radio-wrapper').allInnerTexts()).toEqual(['重复诉求', '无效诉求', '居民要求撤销']);
  await closing.getByRole('button', { name: /^取\s?消$/ }).click();
  await closing.waitFor({ state: 'detached' });

  let modal = await openForm(c, 'decide-return');
  await modal.getByTestId('pending-request').getByText(`${handlerName} 申请回退：照明属于`).waitFor();
  await choose(modal, '驳回，仍由原单位办理（原时限不变）');
  // A refusal names no handler: the picker is not there.
  expect(await modal.getByLabel('新的承办单位').count()).toBe(0);
  await modal.getByLabel('理由').fill('楼道及车库照明属物业服务合同约定的公共设施维护');
  await check(c, 'decide-return-form');
  await confirm(modal);
  await waitStatus(c, 'dispatched');
  await c.locator('[data-event="return_decided"]').waitFor();
  expect(await eventText(c, 'return_decided')).toContain(
    `监督方驳回回退，仍由 ${handlerName} 办理，原时限不变：楼道及车库照明属物业服务合同约定的公共设施维护`,
  );
  expect(await c.getByTestId('pending-request-banner').count()).toBe(0);
  // …and the handler sees it back in its hands, to acknowledge.
  await h.goto(refusedUrl);
  await h.locator('[data-action="acknowledge"]').waitFor();

  // Re-routing: the owners' committee takes the case, with deadlines of its own.
  await c.goto(reroutedUrl);
  modal = await openForm(c, 'decide-return');
  await choose(modal, '同意，改派给其他单位');
  await pickOption(modal, '新的承办单位', ownersName);
  await modal.getByLabel('理由').fill('健身器材更换由业委会决定并组织实施');
  await confirm(modal);
  await c.locator('[data-event="return_decided"]').waitFor();
  expect(await eventText(c, 'return_decided')).toContain(
    `监督方同意回退，改派给 ${ownersName}：健身器材更换由业委会决定并组织实施`,
  );
  await c.getByText(`健身器材更换由业委会决定并组织实施`).last().waitFor();
  await waitStatus(c, 'dispatched');
  const { rows } = await suite.pool.query<{ handler: string }>(
    'SELECT handler_org_id AS handler FROM cases WHERE id = $1',
    [rerouted.caseId],
  );
  expect(rows[0].handler).toBe('oc-demo-fast');
  await check(c, 'case-return-rerouted');

  // The property company, which handled it before, still sees the case but has nothing left to do on it.
  await h.goto(reroutedUrl);
  await h.locator('[data-event="return_decided"]').waitFor();
  await h.getByText('当前没有需要您处理的操作').waitFor();

  for (const p of [handler, community]) {
    expect((p.page as Page & { problems?: string[] }).problems ?? []).toEqual([]);
    await p.context.close();
  }
  expect(problems.splice(0)).toEqual([]);
}, 300_000);

test('a case filed by staff for a resident without an account is evaluated by the community committee’s follow-up call', async () => {
  const { baseUrl, browser, suite } = stack();
  const l = loop(suite.t, suite.pool);
  const filed = await l.file({
    residentUserId: null,
    householdId: null,
    description: '独居老人家中水管漏水，社区网格员代为登记',
  });
  const caseUrl = `${baseUrl}/cases/${filed.caseId}`;

  const handler = await personAt(browser, DESKTOP);
  const h = handler.page;
  await signInWithPassword(h, baseUrl, 'handler1');
  await h.goto(caseUrl);
  await h.locator('[data-action="acknowledge"]').click();
  await waitStatus(h, 'acknowledged');
  let modal = await openForm(h, 'resolve');
  await modal.getByLabel('办结说明').fill('已更换老化水管接头，试水无渗漏');
  await confirm(modal);
  await waitStatus(h, 'resolved');
  // The handler never records its own evaluation.
  expect(await h.locator('[data-action="record-callback"]').count()).toBe(0);

  const community = await personAt(browser, DESKTOP);
  const c = community.page;
  await signInWithPassword(c, baseUrl, 'community1');
  await c.goto(caseUrl);
  await waitStatus(c, 'resolved');
  // A resolved case waits for its evaluation: nobody closes it.
  expect(await c.locator('[data-action="close"]').count()).toBe(0);
  modal = await openForm(c, 'record-callback');
  await choose(modal, '电话');
  await choose(modal, '满意');
  await choose(modal, '已解决');
  await modal.getByLabel('居民意见（选填）').fill('老人说师傅当天就来了，很及时');
  expect(await modal.getByRole('radio', { name: '电话', exact: true }).isChecked()).toBe(true);
  await check(c, 'callback-form');
  await confirm(modal);

  await waitStatus(c, 'closed');
  expect(await eventText(c, 'evaluated')).toContain('电话回访：满意，问题已解决；老人说师傅当天就来了，很及时');
  expect(await eventText(c, 'closed')).toContain('工单关闭：满意');
  await check(c, 'case-callback-closed');

  // The evaluation counts like the resident's own: the case's outcome and the recorded channel.
  const { rows } = await suite.pool.query<{ outcome: string; channel: string }>(
    `SELECT c.outcome, e.payload->>'channel' AS channel FROM cases c JOIN case_events e ON e.case_id = c.id AND e.type = 'evaluated' WHERE c.id = $1`,
    [filed.caseId],
  );
  expect(rows).toEqual([{ outcome: 'satisfied', channel: 'phone' }]);

  for (const p of [handler, community]) {
    expect((p.page as Page & { problems?: string[] }).problems ?? []).toEqual([]);
    await p.context.close();
  }
  expect(problems.splice(0)).toEqual([]);
}, 300_000);

test('the community committee merges a second report of the same lift into the first, found by searching the compound’s cases', async () => {
  const { baseUrl, browser, suite } = stack();
  const l = loop(suite.t, suite.pool);
  const primary = await l.file({ description: '3号楼电梯门关不上，一直报警' });
  const duplicate = await l.file({
    residentUserId: DEMO_USERS.resident2,
    householdId: DEMO.resident2HouseholdId,
    location: { building: '2', unit: '1', room: '302' },
    contact: { name: '李四', phone: '13800000002' },
    description: '电梯门一直开着关不上，还在响',
  });

  const community = await personAt(browser, DESKTOP);
  const c = community.page;
  await signInWithPassword(c, baseUrl, 'community1');
  await c.goto(`${baseUrl}/cases/${duplicate.caseId}`);
  const modal = await openForm(c, 'merge');
  const search = modal.getByLabel('主工单');
  await search.click();
  await search.fill(primary.trackingCode.slice(-6));
  // The primary case is offered as its tracking code and description; the case itself never is.
  const option = c.locator('.ant-select-item-option').filter({ hasText: primary.trackingCode });
  await option.waitFor();
  expect(await option.innerText()).toContain('3号楼电梯门关不上');
  await search.fill(duplicate.trackingCode.slice(-6));
  await c.getByText('同一小区没有可合并的办理中工单').waitFor();
  await search.fill('电梯门');
  await option.waitFor();
  expect(await c.locator('.ant-select-item-option').filter({ hasText: duplicate.trackingCode }).count()).toBe(0);
  await option.click();
  await modal.getByLabel('理由').fill('同一部电梯的同一故障，合并办理');
  await confirm(modal);

  // The merged case closes with a link to the primary; its resident now follows the primary.
  await waitStatus(c, 'closed');
  await c.getByText('已合并').first().waitFor();
  const banner = c.getByTestId('merged-banner');
  expect(await banner.innerText()).toContain(`本工单已合并到工单 ${primary.trackingCode}`);
  expect(await eventText(c, 'merged')).toContain(`合并到工单 ${primary.trackingCode}：同一部电梯的同一故障，合并办理`);
  await check(c, 'case-merged');
  await banner.getByRole('link', { name: '查看主工单' }).click();
  await c.waitForURL(`${baseUrl}/cases/${primary.caseId}`);
  await c.locator('[data-event="complainant_joined"]').waitFor();
  expect(await eventText(c, 'complainant_joined')).toContain(`工单 ${duplicate.trackingCode} 合并到本工单`);

  // The same events in English, with the switch.
  await c.getByRole('button', { name: 'English' }).click();
  await c.getByText(`Case ${duplicate.trackingCode} was merged into this one`).waitFor();
  await c.goto(`${baseUrl}/cases/${duplicate.caseId}`);
  await c
    .locator('[data-event="merged"]')
    .getByText(`Merged into case ${primary.trackingCode}: 同一部电梯的同一故障，合并办理`)
    .waitFor();
  await c.locator('[data-event="closed"]').getByText(`Closed: Merged (merged into ${primary.trackingCode})`).waitFor();
  await c.getByRole('button', { name: '中文' }).click();

  // resident2 follows the primary case now: it is on their list.
  await eventually(
    async () =>
      (
        await suite.pool.query('SELECT 1 FROM cases WHERE id = $1 AND $2 = ANY(co_complainants)', [
          primary.caseId,
          DEMO_USERS.resident2,
        ])
      ).rowCount === 1,
    20_000,
  );

  expect((c as Page & { problems?: string[] }).problems ?? []).toEqual([]);
  await community.context.close();
  expect(problems.splice(0)).toEqual([]);
}, 300_000);
