// The whole loop through the web app, as the people in it would use it, on the real stack: a resident files a
// case with a photo in demo-fast; the handler acknowledges, then misses the resolution deadline and the case
// escalates on screen; the street committee sees it on its dashboard; the handler resolves; the resident is
// unsatisfied, the case is reworked, then satisfied; the public rates change. Every main page is screenshotted
// at 375 px and 1280 px and checked with axe-core on the way.
import type { Locator, Page } from 'playwright-core';
import { eventually } from '../helpers/cases';
import { checkPage, DESKTOP, personAt, PHONE, redSquarePng, signInWithPassword, useWebStack } from './browser';

// demo-fast in seconds: long enough for a browser on a busy CI machine, short enough to watch a breach.
const RESPONSE_S = 45;
const RESOLUTION_S = 75;
const stack = useWebStack({ response: RESPONSE_S, resolution: RESOLUTION_S, evaluation: 600 });

const RESIDENT_PHONE = '13800000001';
const OK_BUTTON = /^确\s?定$/;

const problems: string[] = [];
async function check(page: Page, name: string): Promise<void> {
  problems.push(...(await checkPage(page, name)));
}

const statusOf = (page: Page) => page.locator('[data-testid="case-status"] [data-status]').first();
const waitStatus = (page: Page, status: string, timeout = 30_000) =>
  page.locator(`[data-testid="case-status"] [data-status="${status}"]`).first().waitFor({ timeout });

async function actWithForm(page: Page, action: string, fill: (modal: Locator) => Promise<void>): Promise<void> {
  await page.locator(`[data-action="${action}"]`).click();
  const modal = page.locator('.ant-modal-content');
  await modal.waitFor();
  await fill(modal);
  await modal.getByRole('button', { name: OK_BUTTON }).click();
  await modal.waitFor({ state: 'detached' });
}

async function evaluate(page: Page, satisfaction: string, solved: string): Promise<void> {
  const card = page.getByTestId('evaluate-card');
  await card.waitFor({ timeout: 30_000 });
  // antd draws its own radios over visually hidden inputs: people click the words.
  await card.getByText(satisfaction, { exact: true }).click();
  await card.getByText(solved, { exact: true }).click();
  expect(await card.getByRole('radio', { name: satisfaction, exact: true }).isChecked()).toBe(true);
  await card.getByRole('button', { name: OK_BUTTON }).click();
  await card.waitFor({ state: 'detached', timeout: 30_000 });
}

async function companyRate(page: Page, rate: 'responseRate' | 'resolutionRate' | 'satisfactionRate'): Promise<string> {
  const card = page.locator('[data-testid="ranking-property_company"]');
  const cell = card.locator('[data-org="pc-demo-fast"] [data-rate="' + rate + '"]');
  // A company with no case this month is listed only behind the switch.
  await card.locator('[data-org], [role="switch"]').first().waitFor();
  if (!(await cell.count())) await card.getByRole('switch').click();
  await cell.waitFor();
  return (await cell.innerText()).replace(/\s+/g, ' ').trim();
}

test("a case runs the whole loop on screen, from a resident's photo to the public rates", async () => {
  const { baseUrl, browser, suite } = stack();

  // The public page before: the demo-fast company has no case this month.
  const visitor = await personAt(browser, PHONE);
  await visitor.page.goto(`${baseUrl}/public`);
  expect(await companyRate(visitor.page, 'satisfactionRate')).toBe('—');
  expect(await companyRate(visitor.page, 'responseRate')).toBe('—');

  // 民意收集: the resident signs in with a code sent to their phone.
  const resident = await personAt(browser, PHONE);
  const r = resident.page;
  await r.goto(`${baseUrl}/login`);
  await check(r, 'login');
  await r.getByLabel('手机号').fill(RESIDENT_PHONE);
  await r.getByRole('button', { name: '获取验证码' }).click();
  await r.getByText('验证码已发送').waitFor();
  const { rows } = await suite.pool.query<{ code: string }>(
    `SELECT o.payload->>'code' AS code FROM login_codes l JOIN notification_outbox o ON o.dedupe_key = 'login-code:' || l.id
      WHERE l.phone = $1 ORDER BY l.id DESC LIMIT 1`,
    [RESIDENT_PHONE],
  );
  await r.getByLabel('验证码', { exact: true }).fill(rows[0].code);
  await r
    .getByRole('button', { name: /^登\s?录$/ })
    .first()
    .click();
  await r.waitForURL(`${baseUrl}/my`);
  await r.getByText('您还没有反映过问题').waitFor();
  await check(r, 'my-cases-empty');

  // The form: household prefilled, validation beside the fields, then a photo and a bad contact phone that
  // only the server refuses — its answer lands next to that field.
  await r.goto(`${baseUrl}/new`);
  await r.getByText('已按您的住户预填').waitFor();
  expect(await r.getByLabel('房号').inputValue()).toBe('101');
  await r.getByRole('button', { name: '提交诉求' }).click();
  // Each error beside its field, and all of them in the summary above the form.
  await r.locator('#new-case_categoryCode_help').getByText('请选择问题类别').waitFor();
  await r.locator('#new-case_description_help').getByText('请描述问题').waitFor();
  expect(await r.getByTestId('error-summary').innerText()).toMatch(/请选择问题类别[\s\S]*请描述问题/);
  await r.getByRole('radio', { name: '电梯故障' }).click();
  await r.getByLabel('问题描述').fill('1号楼电梯停在三楼不动，老人上下楼困难');
  await r
    .locator('input[type="file"]')
    .setInputFiles({ name: 'lift.png', mimeType: 'image/png', buffer: redSquarePng() });
  await r.getByLabel('联系电话').fill('12345');
  await check(r, 'new-case');
  await r.getByRole('button', { name: '提交诉求' }).click();
  const phoneField = r.locator('.ant-form-item').filter({ has: r.getByLabel('联系电话') });
  await phoneField.getByText('手机号格式不正确').waitFor();
  await r.getByLabel('联系电话').fill(RESIDENT_PHONE);
  await r.getByRole('button', { name: '提交诉求' }).click();
  const trackingCode = (await r.getByTestId('tracking-code').innerText()).trim();
  expect(trackingCode).toMatch(/^\d{4}-[0-9A-Z]{6}$/);
  await r.getByRole('button', { name: '查看进度' }).click();
  await r.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
  const caseUrl = r.url();
  await waitStatus(r, 'dispatched');
  expect(await r.locator('[aria-current="step"]').innerText()).toContain('响应处理');
  await r.getByTestId('deadline-response').waitFor();
  await r.getByRole('img', { name: '照片 1' }).waitFor();

  // 响应处理: the handler finds it on top of the queue and acknowledges it in time.
  const handler = await personAt(browser, DESKTOP);
  const h = handler.page;
  await signInWithPassword(h, baseUrl, 'handler1');
  await h.waitForURL(`${baseUrl}/queue`);
  await h.getByRole('link', { name: trackingCode }).first().click();
  await h.waitForURL(caseUrl);
  await h.locator('[data-action="acknowledge"]').click();
  await waitStatus(h, 'acknowledged');
  // Acknowledged in time: the case's history has no breach before the acknowledgement (a machine too slow for the
  // 45 s window would fail here with a clear reason rather than later on a confusing screen).
  const caseId = caseUrl.split('/').pop();
  const early = await suite.pool.query(
    `SELECT type FROM case_events WHERE case_id = $1 AND seq < (SELECT seq FROM case_events WHERE case_id = $1 AND type = 'acknowledged') ORDER BY seq`,
    [caseId],
  );
  expect(early.rows.map((e) => e.type)).not.toContain('breached');
  // The handler's page has polled the case all along without the resident's phone, and without a row in the log;
  // a click asks for it (a tel: link to call), and that one read is logged.
  const views = async () =>
    (
      await suite.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM personal_data_views WHERE case_id = $1', [
        caseId,
      ])
    ).rows[0].n;
  expect(await h.getByText(RESIDENT_PHONE).count()).toBe(0);
  expect(await views()).toBe(0);
  await h.getByRole('button', { name: '查看联系方式' }).click();
  await h.locator(`a[href="tel:${RESIDENT_PHONE}"]`).waitFor();
  await h.waitForTimeout(3500);
  await h.locator(`a[href="tel:${RESIDENT_PHONE}"]`).waitFor();
  expect(await views()).toBe(1);
  // The company asked for the resident's contact: the resident's page says so.
  const panel = r.getByTestId('contact-views');
  await panel.getByRole('button', { name: /刷\s*新/ }).click();
  await panel
    .getByText(/金湖物业/)
    .first()
    .waitFor();
  await check(r, 'case-resident');
  await h.goto(`${baseUrl}/queue`);
  await h.getByRole('link', { name: trackingCode }).first().waitFor();
  await check(h, 'queue');
  await h.goto(caseUrl);
  await check(h, 'case-handler');

  // …and then misses the resolution deadline: the breach and the escalation appear on the resident's screen.
  await r.locator('[data-level="street_committee"]').waitFor({ timeout: (RESOLUTION_S + 40) * 1000 });
  await r.locator('[data-event="breached"]').first().waitFor();
  await r.locator('[data-event="escalated"]').first().waitFor();
  await r
    .getByText(/升级到 街道党工委/)
    .first()
    .waitFor();

  // 跟踪督促: the street committee's dashboard lists it.
  const street = await personAt(browser, DESKTOP);
  const st = street.page;
  await signInWithPassword(st, baseUrl, 'street1');
  await st.waitForURL(`${baseUrl}/dashboard`);
  await st.getByRole('link', { name: trackingCode }).first().waitFor();

  // The handler resolves; 评估评价: the resident is not satisfied, so the case is reworked.
  await h.locator('[data-action="resolve"]').waitFor();
  await actWithForm(h, 'resolve', (m) => m.getByLabel('办结说明').fill('已更换电梯控制板，运行正常'));
  await waitStatus(r, 'resolved');
  await evaluate(r, '不满意', '未解决');
  await r.locator('[data-event="reopened"]').waitFor();
  await waitStatus(r, 'acknowledged');

  await h.locator('[data-action="resolve"]').waitFor({ timeout: 30_000 });
  await actWithForm(h, 'resolve', (m) => m.getByLabel('办结说明').fill('重新调试并更换门机，已与业主确认'));
  await waitStatus(r, 'resolved');
  await evaluate(r, '满意', '已解决');
  await r.locator('[data-stage="closed"]').waitFor();
  expect(await statusOf(r).getAttribute('data-status')).toBe('closed');
  await r.getByText('满意').first().waitFor();

  await st.reload();
  await st.getByRole('link', { name: trackingCode }).first().waitFor();
  await check(st, 'dashboard');

  // The public rates follow: one case, acknowledged in time, solved, satisfied (the second evaluation counts).
  await eventually(async () => {
    await visitor.page.reload();
    return (await companyRate(visitor.page, 'satisfactionRate')).startsWith('100.0%');
  }, 20_000);
  expect(await companyRate(visitor.page, 'satisfactionRate')).toBe('100.0% 1/1');
  expect(await companyRate(visitor.page, 'resolutionRate')).toBe('100.0% 1/1');
  expect(await companyRate(visitor.page, 'responseRate')).toBe('100.0% 1/1');
  await check(visitor.page, 'public');

  // The community committee sees the breach in the accountability records and the rates of its organisations.
  const community = await personAt(browser, DESKTOP);
  const c = community.page;
  await signInWithPassword(c, baseUrl, 'community1');
  await c.goto(`${baseUrl}/accountability`);
  await c.getByRole('link', { name: trackingCode }).first().waitFor();
  await check(c, 'accountability');
  await c.goto(`${baseUrl}/assessment`);
  await c
    .getByRole('cell', { name: /金湖物业/ })
    .first()
    .waitFor();
  await check(c, 'assessment');
  await c.goto(caseUrl);
  await check(c, 'case-closed');

  // An administrator's agreement settings.
  const admin = await personAt(browser, DESKTOP);
  await signInWithPassword(admin.page, baseUrl, 'admin');
  await admin.page.goto(`${baseUrl}/admin/agreements`);
  await admin.page.getByText('agr-demo-fast-v1').waitFor();
  await check(admin.page, 'agreements');

  for (const p of [visitor, resident, handler, street, community, admin]) {
    expect((p.page as Page & { problems?: string[] }).problems ?? []).toEqual([]);
    await p.context.close();
  }
  expect(problems).toEqual([]);
}, 600_000);
