// The web app's session (issue 25, finding 4): it keeps the refresh token, renews the short access token before it
// expires and once after a refusal, and 退出登录 ends the session on the server, not only on this device.
import type { Page } from 'playwright-core';
import { eventually } from '../helpers/cases';
import { personAt, signInWithPassword, useWebStack } from './browser';

const stack = useWebStack({ response: 600, resolution: 900, evaluation: 900 });

interface Stored {
  token: string;
  refreshToken: string;
  renewAt: number;
}
// The page's own storage (these functions run in the browser; the test's type library has no DOM).
type PageGlobals = { localStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void } };
const stored = (page: Page) =>
  page.evaluate(
    () =>
      JSON.parse((globalThis as unknown as PageGlobals).localStorage.getItem('rs.session') ?? 'null') as Stored | null,
  );
const change = (page: Page, patch: Partial<Stored>) =>
  page.evaluate((p) => {
    const { localStorage } = globalThis as unknown as PageGlobals;
    localStorage.setItem('rs.session', JSON.stringify({ ...JSON.parse(localStorage.getItem('rs.session')!), ...p }));
  }, patch);

test('the web app renews its token before it expires and after a refusal, and signing out ends the session on the server', async () => {
  const { baseUrl, browser, app } = stack();
  const me = (token: string) =>
    app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
  const { context, page } = await personAt(browser);
  await signInWithPassword(page, baseUrl, 'handler1');
  const user = page.getByRole('button', { name: '王强 · 退出登录' });
  await user.waitFor();
  const first = (await stored(page))!;
  expect(first).toMatchObject({ token: expect.any(String), refreshToken: expect.any(String) });

  // About to expire: the next request renews it first.
  await change(page, { renewAt: Date.now() - 1 });
  await page.reload();
  await user.waitFor();
  const second = (await stored(page))!;
  expect(second.refreshToken).not.toBe(first.refreshToken);
  expect(second.renewAt).toBeGreaterThan(Date.now());

  // Refused (say the API's key changed): renewed once, and the request goes again.
  await change(page, { token: 'refused.by.the-api' });
  await page.reload();
  await user.waitFor();
  const third = (await stored(page))!;
  expect(third.refreshToken).not.toBe(second.refreshToken);
  expect((await me(third.token)).statusCode).toBe(200);

  // 退出登录: the device forgets the session and the API refuses its tokens.
  await user.click();
  await page.getByRole('menuitem', { name: '退出登录' }).click();
  await page.waitForURL((u) => u.pathname === '/login');
  expect(await stored(page)).toBeNull();
  await eventually(async () => (await me(third.token)).statusCode === 401, 5_000, 50);
  expect(
    (await app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: third.refreshToken } }))
      .statusCode,
  ).toBe(401);

  // A session ended elsewhere (another device signed it out): the next request signs this one out too.
  await signInWithPassword(page, baseUrl, 'handler1');
  const fourth = (await stored(page))!;
  expect(
    (
      await app.inject({
        method: 'POST',
        url: '/api/v1/auth/logout',
        headers: { authorization: `Bearer ${fourth.token}` },
      })
    ).statusCode,
  ).toBe(204);
  await page.reload();
  await page.waitForURL((u) => u.pathname === '/login');
  expect(await stored(page)).toBeNull();
  await context.close();
});
