// The calendar running out, on screen: a supervisor and the admin are asked for next year's State Council notice
// once the published arrangement is within 60 days of its end (or past it); the admin follows the banner to the
// import form, which starts from the law's days, is told at the field what the API refuses, imports the year (a
// test fixture's ranges, not the real notice), and the banner goes. Screenshots at 375 px and 1280 px, axe-core.
import type { Page } from 'playwright-core';
import { checkPage, personAt, signInWithPassword, useWebStack } from './browser';

const stack = useWebStack({ response: 600, resolution: 900, evaluation: 900 });
const problems: string[] = [];
const BANNER = '.rs-calendar-banner';

/** Types a date into an antd DatePicker and confirms it. */
async function pickDate(page: Page, label: string, date: string): Promise<void> {
  const input = page.getByLabel(label, { exact: true });
  await input.click();
  await input.fill(date);
  await input.press('Enter');
}

test('the supervisors and the admin are asked for next year’s notice, and the admin imports it', async () => {
  const { baseUrl, browser, app } = stack();
  const coverage = (await app.inject({ method: 'GET', url: '/api/v1/calendar/coverage' })).json();
  // The package publishes through 2026: from 1 November 2026 on (every day this test can run) the banner shows.
  expect(coverage).toMatchObject({ publishedThrough: '2026-12-31', nextYear: 2027, warn: true });

  const supervisor = await personAt(browser);
  await signInWithPassword(supervisor.page, baseUrl, 'community1');
  const asked = supervisor.page.locator(BANNER);
  await asked.waitFor();
  expect(await asked.innerText()).toContain('2027 年的放假安排尚未导入');
  expect(await asked.innerText()).toContain('请提醒管理员导入');
  problems.push(...(await checkPage(supervisor.page, 'calendar-banner-supervisor')));
  await supervisor.context.close();

  const { context, page } = await personAt(browser);
  await signInWithPassword(page, baseUrl, 'admin');
  await page.locator(BANNER).getByRole('link', { name: '导入 2027 年放假安排' }).click();
  await page.waitForURL((u) => u.pathname === '/admin/calendar' && u.search === '?year=2027');
  // The form starts from the law: seven holidays, 除夕 to 初三 for the Spring Festival, no make-up days.
  await page.getByText('法定节假日（调休未知）').waitFor();
  expect(await page.getByLabel('开始 2', { exact: true }).inputValue()).toBe('2027-02-05');
  expect(await page.getByLabel('结束 2', { exact: true }).inputValue()).toBe('2027-02-08');
  problems.push(...(await checkPage(page, 'calendar-import')));

  // A make-up day on a Wednesday is refused by the API, and the refusal is shown at that date.
  await pickDate(page, '结束 2', '2027-02-12');
  await page.getByRole('button', { name: '添加日期' }).first().click();
  await pickDate(page, '调休上班日（周末） 1', '2027-02-24');
  await page.getByLabel('导入理由（记入审计日志）').fill('测试：导入虚构的 2027 年安排（非国务院通知）');
  await page.getByRole('button', { name: '导入 2027 年安排' }).click();
  await page.getByText('2027-02-24 不是周末，本来就上班').waitFor();

  await pickDate(page, '调休上班日（周末） 1', '2027-02-20');
  await page.getByRole('button', { name: '导入 2027 年安排' }).click();
  await page.getByText('已导入的国务院通知').waitFor();
  await page.locator(BANNER).waitFor({ state: 'detached' });
  const days = (await app.inject({ method: 'GET', url: '/api/v1/calendar/days?from=2027-02-09&to=2027-02-20' })).json()
    .items;
  expect([days[0], days.at(-1)]).toEqual([
    { date: '2027-02-09', working: false, kind: 'holiday', source: 'imported', holiday: 'spring_festival' },
    { date: '2027-02-20', working: true, kind: 'make_up_workday', source: 'imported', holiday: null },
  ]);
  expect((page as Page & { problems?: string[] }).problems).toEqual([]);
  await context.close();
  expect(problems).toEqual([]);
}, 180_000);
