// The bell (issue 26): on every signed-in page the header shows the unread count, which goes up without a reload when
// a notice arrives (the API's Server-Sent Events stream), and a notice opens its case.
import os from 'node:os';
import { DEMO_PASSWORD } from '../../db/seed-data';
import { startDispatcher, type Dispatcher } from '../../services/delivery/dispatcher';
import { inAppChannel } from '../../services/delivery/in-app-channel';
import { testConfig } from '../api/helpers';
import { eventually } from '../helpers/cases';
import { checkPage, personAt, screenshot, signInWithPassword, useWebStack } from './browser';

const stack = useWebStack({ response: 600, resolution: 900, evaluation: 900 });
let dispatcher: Dispatcher;
beforeAll(() => {
  const { suite } = stack();
  dispatcher = startDispatcher({
    pool: suite.pool,
    config: testConfig(os.tmpdir()),
    channels: [inAppChannel()],
    log: () => undefined,
    intervalMs: 500,
  });
});
afterAll(async () => {
  await dispatcher?.stop();
});

test("handler1's bell counts up live when a resident files a case, and its notice opens the case", async () => {
  const { baseUrl, browser, app } = stack();
  const { context, page } = await personAt(browser);
  await signInWithPassword(page, baseUrl, 'handler1');
  const bell = page.locator('button.rs-bell');
  await bell.waitFor();
  // The stream is open once it has told the page the count.
  await eventually(async () => (await bell.getAttribute('data-unread')) !== null, 10_000, 100);
  await page.waitForTimeout(500);
  const before = Number(await bell.getAttribute('data-unread'));

  const login = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username: 'resident1', password: DEMO_PASSWORD },
  });
  const resident = login.json().token as string;
  const filed = await app.inject({
    method: 'POST',
    url: '/api/v1/cases',
    headers: { authorization: `Bearer ${resident}`, 'idempotency-key': 'bell-0001' },
    payload: {
      categoryCode: 'lift',
      compoundCode: 'demo-fast',
      location: { building: '1', unit: '1', room: '101' },
      description: '1号楼电梯停在三楼不动',
    },
  });
  expect(filed.statusCode).toBe(201);
  const { caseId, trackingCode } = filed.json() as { caseId: string; trackingCode: string };

  // No reload: the count goes up by the stream alone.
  const url = page.url();
  await eventually(async () => Number(await bell.getAttribute('data-unread')) > before, 20_000, 100);
  expect(page.url()).toBe(url);
  await screenshot(page, 'bell-count');

  await bell.click();
  const notice = page.locator('.rs-bell-panel a', { hasText: trackingCode });
  await notice.waitFor();
  await screenshot(page, 'bell-open');
  await notice.click();
  await page.waitForURL((u) => u.pathname === `/cases/${caseId}`);
  await page.getByText(trackingCode).first().waitFor();
  // Opened, so read: the count is back where it was.
  await eventually(async () => Number(await bell.getAttribute('data-unread')) === before, 10_000, 100);

  await page.goto(`${baseUrl}/notifications`);
  await page.locator('[data-notice]').first().waitFor();
  expect(await checkPage(page, 'notifications')).toEqual([]);
  expect((page as typeof page & { problems?: string[] }).problems).toEqual([]);
  await context.close();
});
