// A resident on a phone, on the real stack in demo-fast: the filing form shows a missing category where the eye is;
// the case page promises who does what by when in one sentence; nobody acknowledges, and the page says the company
// missed its deadline, that the street committee now supervises and why (a ✕ on 响应处理, never a ✓); the history
// runs newest first without the supervisors' accountability entries; the handler's result sits directly above the
// rating card, which says what happens without a rating; 不满意 says the case went back and by when; offline, the page
// says its data may be old and stops the clocks. Screenshots at 375 px and 1280 px, axe-clean.
import fs from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { checkPage, DESKTOP, personAt, PHONE, SCREENSHOTS, signInWithPassword, useWebStack } from './browser';

// Nobody acknowledges within RESPONSE_S, so the case climbs one rung while the resident watches.
const RESPONSE_S = 25;
const stack = useWebStack({ response: RESPONSE_S, resolution: 600, evaluation: 600 });

const OK_BUTTON = /^确\s?定$/;
const problems: string[] = [];
async function check(page: Page, name: string): Promise<void> {
  // A toast fading out is half-transparent text: axe would judge its contrast mid-animation.
  await page.locator('.ant-message-notice').first().waitFor({ state: 'detached', timeout: 10_000 });
  problems.push(...(await checkPage(page, name)));
}

const plain = (page: Page) => page.getByTestId('plain-status');
const waitStatus = (page: Page, status: string, timeout = 30_000) =>
  page.locator(`[data-testid="case-status"] [data-status="${status}"]`).first().waitFor({ timeout });

/** Whether the element is inside the viewport as the page is scrolled now. */
const inView = (l: Locator) =>
  l.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return r.bottom > 0 && r.top < (globalThis as unknown as { innerHeight: number }).innerHeight && r.height > 0;
  });

async function actWithForm(page: Page, action: string, fill: (modal: Locator) => Promise<void>): Promise<void> {
  await page.locator(`[data-action="${action}"]`).click();
  const modal = page.locator('.ant-modal-content');
  await modal.waitFor();
  await fill(modal);
  await modal.getByRole('button', { name: OK_BUTTON }).click();
  await modal.waitFor({ state: 'detached' });
}

test('the filing form shows a missing category on submit, where the eye is, with a summary of what is missing', async () => {
  const { baseUrl, browser } = stack();
  const { context, page } = await personAt(browser, PHONE);
  await signInWithPassword(page, baseUrl, 'resident1');
  await page.goto(`${baseUrl}/new`);
  await page.getByText('已按您的住户预填').waitFor();
  // Everything but the category, then submit from the bottom of the form, where a phone's thumb is.
  await page.getByLabel('问题描述').fill('楼道灯坏了一个星期，晚上看不见台阶');
  await page.getByRole('button', { name: '提交诉求' }).scrollIntoViewIfNeeded();
  await page.getByRole('button', { name: '提交诉求' }).click();
  const error = page.getByText('请选择问题类别', { exact: true }).last();
  await error.waitFor();
  await page.waitForTimeout(800); // the scroll to the first error is smooth
  expect(await inView(error)).toBe(true);
  const summary = page.getByTestId('error-summary');
  expect(await summary.innerText()).toContain('请选择问题类别');
  await check(page, 'resident-form-errors');
  // The summary's entry leads to the field; choosing a category clears both.
  await page.getByRole('radio', { name: '电梯故障' }).click();
  await summary.waitFor({ state: 'detached' });
  expect((page as Page & { problems?: string[] }).problems ?? []).toEqual([]);
  await context.close();
}, 120_000);

test('a resident files, watches an escalation explained, reads the result and evaluates it', async () => {
  const { baseUrl, browser, suite } = stack();
  const { context, page: r } = await personAt(browser, PHONE);
  await signInWithPassword(r, baseUrl, 'resident1');

  // 民意收集: filed about the household's own compound.
  await r.goto(`${baseUrl}/new`);
  await r.getByText('已按您的住户预填').waitFor();
  await r.getByRole('radio', { name: '电梯故障' }).click();
  await r.getByLabel('问题描述').fill('2号楼电梯门关不上，一直报警');
  await r.getByRole('button', { name: '提交诉求' }).click();
  await r.getByTestId('tracking-code').waitFor();
  await r.getByRole('button', { name: '查看进度' }).click();
  await r.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
  const caseUrl = r.url();
  const caseId = caseUrl.split('/').pop();

  // One sentence: who must do what by when, and who supervises if not. No pile of tags.
  await waitStatus(r, 'dispatched');
  expect(await plain(r).innerText()).toMatch(
    /金湖物业.* 将在 \d+月\d+日 [\d:]+ 前受理联系您、\d+月\d+日 [\d:]+ 前办结；超时将升级到街道党工委督办/,
  );
  expect(await r.locator('[data-step="respond"]').getAttribute('data-state')).toBe('current');
  await check(r, 'resident-case-filed');

  // Nobody acknowledges: the line says what was missed, who supervises now and why; 响应处理 gets a ✕.
  await r
    .locator('[data-testid="plain-status"][data-level="street_committee"]')
    .waitFor({ timeout: (RESPONSE_S + 40) * 1000 });
  await r.getByText(/超过响应时限，已交街道党工委（.+）督办，期限重新计算/).waitFor();
  expect(await r.locator('[data-step="respond"]').getAttribute('data-state')).toBe('error');
  expect(await r.locator('[data-step="respond"] .anticon-check').count()).toBe(0);
  // The history: newest first, and the accountability kept against the company is not the resident's reading.
  const events = await r.locator('[data-event]').evaluateAll((els) => els.map((e) => e.getAttribute('data-event')));
  expect(events[events.length - 1]).toBe('submitted');
  expect(events.indexOf('escalated')).toBeLessThan(events.indexOf('breached'));
  expect(events).not.toContain('accountability_recorded');
  const stored = await suite.pool.query('SELECT 1 FROM case_events WHERE case_id = $1 AND type = $2', [
    caseId,
    'accountability_recorded',
  ]);
  expect(stored.rowCount).toBeGreaterThan(0);
  // Reminders in a row are one line that counts them.
  const reminderRows = await r.locator('[data-event="reminder_sent"]').count();
  const reminders = await suite.pool.query('SELECT 1 FROM case_events WHERE case_id = $1 AND type = $2', [
    caseId,
    'reminder_sent',
  ]);
  expect(reminderRows).toBeLessThanOrEqual(reminders.rowCount ?? 0);
  await check(r, 'resident-case-escalated');

  // The handler acknowledges and resolves with a 办结说明.
  const handler = await personAt(browser, DESKTOP);
  const h = handler.page;
  await signInWithPassword(h, baseUrl, 'handler1');
  await h.goto(caseUrl);
  await h.locator('[data-action="acknowledge"]').click();
  await waitStatus(h, 'acknowledged');
  await actWithForm(h, 'resolve', (m) => m.getByLabel('办结说明').fill('已更换门机控制板，电梯门开关正常'));

  // 评估评价: the result directly above the rating card, which says what happens without a rating.
  await waitStatus(r, 'resolved');
  const result = r.getByTestId('result-card');
  const card = r.getByTestId('evaluate-card');
  await card.waitFor();
  expect(await result.innerText()).toContain('已更换门机控制板，电梯门开关正常');
  const [above, below] = [await result.boundingBox(), await card.boundingBox()];
  expect(above && below && above.y + above.height <= below.y).toBe(true);
  expect(await r.getByTestId('evaluation-due').innerText()).toMatch(/请在 .+ 前评价；到期不评价，工单按“未评价”办结/);
  expect(await plain(r).innerText()).toMatch(/已办结，请在 .+ 前评价/);
  await check(r, 'resident-evaluate');

  // 不满意: the toast says the case went back and by when, not "评价成功".
  await card.getByText('不满意', { exact: true }).click();
  await card.getByText('未解决', { exact: true }).click();
  await card.getByRole('button', { name: OK_BUTTON }).click();
  await r.locator('.ant-message-notice').first().waitFor();
  expect(await r.locator('.ant-message-notice').first().innerText()).toMatch(/已退回重办，.*金湖物业.* 须在 .+ 前处理/);
  await waitStatus(r, 'acknowledged');
  expect(await plain(r).innerText()).toMatch(/您不满意，已退回重办：.*金湖物业.* 须在 .+ 前重新办结/);

  // Offline: the page says its data may be old, the clocks stop, and an action's failure is in the user's words.
  await context.setOffline(true);
  await r.getByTestId('stale-banner').waitFor({ timeout: 15_000 });
  expect(await r.getByTestId('live-state').innerText()).toBe('离线，数据可能已过时');
  const countdown = r.getByTestId('deadline-resolution').getByRole('timer');
  const before = await countdown.innerText();
  await r.waitForTimeout(2200);
  expect(await countdown.innerText()).toBe(before);
  await r.locator('[data-action="add-information"]').click();
  const modal = r.locator('.ant-modal-content');
  await modal.getByLabel('补充内容').fill('门机响声很大');
  await modal.getByRole('button', { name: OK_BUTTON }).click();
  await modal.getByText('网络连接失败，请稍后重试').waitFor();
  expect(await r.getByText('Failed to fetch').count()).toBe(0);
  await check(r, 'resident-offline');
  await modal.getByRole('button', { name: /^取\s?消$/ }).click();
  await context.setOffline(false);
  await r.getByTestId('stale-banner').waitFor({ state: 'detached', timeout: 15_000 });

  // The second result is satisfying: the case is completed, and the line says so in words.
  await h.locator('[data-action="resolve"]').waitFor({ timeout: 30_000 });
  await actWithForm(h, 'resolve', (m) => m.getByLabel('办结说明').fill('重新调整门机并试运行一天，已正常'));
  await waitStatus(r, 'resolved');
  await card.getByText('满意', { exact: true }).click();
  await card.getByText('已解决', { exact: true }).click();
  await card.getByRole('button', { name: OK_BUTTON }).click();
  await r.locator('.ant-message-notice').getByText('评价已提交，工单已办结').waitFor();
  await waitStatus(r, 'closed');
  expect(await plain(r).locator('.rs-plain-status').innerText()).toBe('已办结：您的评价是“满意”');
  await check(r, 'resident-case-closed');

  // A case that is not there has a way back.
  await r.goto(`${baseUrl}/cases/00000000-0000-4000-8000-000000000000`);
  await r.getByRole('link', { name: '返回我的诉求' }).waitFor();

  for (const p of [r, h]) expect((p as Page & { problems?: string[] }).problems ?? []).toEqual([]);
  await handler.context.close();
  await context.close();
  expect(problems).toEqual([]);
  for (const name of ['resident-case-escalated', 'resident-evaluate']) {
    for (const width of [PHONE.width, DESKTOP.width])
      expect(fs.existsSync(path.join(SCREENSHOTS, `${name}-${width}.png`))).toBe(true);
  }
}, 400_000);

test('without signing in, a tracking code shows where the case stands, and nothing personal', async () => {
  const { baseUrl, browser, app } = stack();
  const login = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username: 'resident1', password: 'redsteward' },
  });
  const filed = await app.inject({
    method: 'POST',
    url: '/api/v1/cases',
    headers: { authorization: `Bearer ${login.json().token}` },
    payload: {
      categoryCode: 'repairs',
      compoundCode: 'demo-fast',
      location: { building: '1', unit: '1', room: '101' },
      description: '单元门禁坏了，外人随意进出',
    },
  });
  expect(filed.statusCode).toBe(201);
  const { context, page } = await personAt(browser, PHONE);
  await page.goto(`${baseUrl}/track`);
  await page.getByLabel('查询码').fill(filed.json().trackingCode);
  await page.getByRole('button', { name: /^查\s?询$/ }).click();
  const result = page.getByTestId('public-track');
  await result.waitFor();
  const text = await result.innerText();
  expect(text).toContain('办理过程');
  expect(text).toContain('诉求已提交');
  for (const personal of ['张伟', '13800000001', '门禁坏了', '101'])
    expect({ personal, shown: text.includes(personal) }).toEqual({ personal, shown: false });
  problems.length = 0;
  await check(page, 'track-signed-out');
  expect(problems).toEqual([]);
  await context.close();
});
