// 长辈版 (issue 27): with large text on, the main pages have no text under 16 px and no tap target under 44×44 px
// (an element passes when it, or the control or label it sits in, is that big), and axe-core finds nothing serious.
// The setting is remembered per user across reloads, and another user on the same device keeps their own.
import type { Page } from 'playwright-core';
import { DEMO_PASSWORD, type DemoUsername } from '../../db/seed-data';
import { DESKTOP, personAt, PHONE, screenshot, seriousViolations, signInWithPassword, useWebStack } from './browser';

const stack = useWebStack({ response: 600, resolution: 900, evaluation: 900 });

interface Finding {
  kind: 'text' | 'target';
  what: string;
}

// The few DOM shapes measure() uses: the root tsconfig has no DOM types (it runs in the page, not in Node).
interface Box {
  left: number;
  right: number;
  bottom: number;
  width: number;
  height: number;
}
interface Element {
  tagName: string;
  textContent: string | null;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): Box;
  closest(selector: string): Element | null;
}
interface Page_ {
  body: Element;
  createTreeWalker(
    root: Element,
    show: number,
  ): { nextNode(): unknown; currentNode: { textContent: string | null; parentElement: Element | null } };
  querySelectorAll(selector: string): Iterable<Element>;
}
interface Window_ {
  innerWidth: number;
  getComputedStyle(el: Element): { fontSize: string; visibility: string; opacity: string };
}

/** Runs in the page: every visible text under 16 px and every visible tap target under 44×44 px. */
function measure(): Finding[] {
  const out: Finding[] = [];
  const doc = (globalThis as unknown as { document: Page_ }).document;
  const win = globalThis as unknown as Window_;
  const shown = (el: Element) => {
    const r = el.getBoundingClientRect();
    const st = win.getComputedStyle(el);
    return (
      r.width > 1 &&
      r.height > 1 &&
      r.right > 0 &&
      r.bottom > 0 &&
      st.visibility !== 'hidden' &&
      Number(st.opacity) > 0.05
    );
  };
  const name = (el: Element) =>
    `<${el.tagName.toLowerCase()} class="${String(el.getAttribute('class') ?? '').slice(0, 60)}">`;
  const walker = doc.createTreeWalker(doc.body, 4 /* NodeFilter.SHOW_TEXT */);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const text = (node.textContent ?? '').trim();
    const el = node.parentElement;
    if (!text || !el || el.closest('[aria-hidden="true"], script, style, noscript') || !shown(el)) continue;
    const size = parseFloat(win.getComputedStyle(el).fontSize);
    if (size < 16) out.push({ kind: 'text', what: `${size}px "${text.slice(0, 24)}" in ${name(el)}` });
  }
  const TARGETS =
    'a[href], button, input:not([type="hidden"]), select, textarea, [role="button"], [role="tab"], [role="switch"], [role="combobox"], label:has(input[type="radio"]), label:has(input[type="checkbox"])';
  const big = (el: Element) => {
    const r = el.getBoundingClientRect();
    return r.width >= 43.5 && r.height >= 43.5;
  };
  for (const el of doc.querySelectorAll(TARGETS)) {
    // antd draws radios, checkboxes, switches and selects over a visually hidden input: the drawn control counts.
    const host =
      el.closest(
        'label, .ant-select, .ant-switch, .ant-input-number, .ant-input-affix-wrapper, .ant-picker, .ant-radio-button-wrapper, button, a[href]',
      ) ?? el;
    if (!shown(host) || el.closest('[aria-hidden="true"]')) continue;
    const box = host.getBoundingClientRect();
    // The header's buttons must fit the screen: a cut-off sign-out button is as good as none.
    if (host.closest('.ant-layout-header') && (box.left < 0 || box.right > win.innerWidth + 0.5)) {
      out.push({ kind: 'target', what: `off-screen ${Math.round(box.left)}–${Math.round(box.right)} ${name(el)}` });
    }
    if (big(el) || big(host)) continue;
    const r = host.getBoundingClientRect();
    out.push({
      kind: 'target',
      what: `${Math.round(r.width)}×${Math.round(r.height)} ${name(el)} "${(el.textContent ?? el.getAttribute('aria-label') ?? '').trim().slice(0, 24)}"`,
    });
  }
  return out;
}

async function check(page: Page, label: string): Promise<string[]> {
  const found: string[] = [];
  for (const size of [PHONE, DESKTOP]) {
    await page.setViewportSize(size);
    await page.waitForTimeout(600);
    await screenshot(page, `large-${label}`);
    const at = `${label} @${size.width}px`;
    found.push(...(await page.evaluate(measure)).map((f) => `${at}: ${f.kind} ${f.what}`));
    found.push(...(await seriousViolations(page)).map((v) => `${at}: axe ${v}`));
  }
  return found;
}

async function turnOn(page: Page): Promise<void> {
  const toggle = page.getByTestId('large-text');
  await toggle.click();
  await page.locator('html.rs-large').waitFor();
  expect(await toggle.getAttribute('aria-pressed')).toBe('true');
}

async function signIn(page: Page, baseUrl: string, who: DemoUsername): Promise<void> {
  await signInWithPassword(page, baseUrl, who);
  await page.locator('main').waitFor();
}

test('large text: no text under 16 px, no tap target under 44 px, nothing serious for axe, on the main pages', async () => {
  const { baseUrl, browser, app } = stack();
  const login = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username: 'resident1', password: DEMO_PASSWORD },
  });
  const filed = await app.inject({
    method: 'POST',
    url: '/api/v1/cases',
    headers: { authorization: `Bearer ${login.json().token}`, 'idempotency-key': 'large-text-0001' },
    payload: {
      categoryCode: 'lift',
      compoundCode: 'demo-fast',
      location: { building: '1', unit: '1', room: '101' },
      description: '1号楼电梯停在三楼不动',
    },
  });
  expect(filed.statusCode).toBe(201);
  const { caseId } = filed.json() as { caseId: string };
  const problems: string[] = [];

  const resident = await personAt(browser, PHONE);
  const r = resident.page;
  await signIn(r, baseUrl, 'resident1');
  await turnOn(r);
  await r.getByText('1号楼电梯停在三楼不动').first().waitFor();
  problems.push(...(await check(r, 'my-cases')));
  await r.goto(`${baseUrl}/cases/${caseId}`);
  await r.locator('[data-testid="case-status"]').waitFor();
  // Remembered across a reload, for this user.
  expect(await r.locator('html.rs-large').count()).toBe(1);
  problems.push(...(await check(r, 'case')));
  await r.goto(`${baseUrl}/new`);
  await r.getByRole('button', { name: '提交诉求' }).waitFor();
  problems.push(...(await check(r, 'new-case')));

  // The handler on the same device as another user: the resident's setting is not theirs.
  const h = (await personAt(browser, DESKTOP)).page;
  await signIn(h, baseUrl, 'handler1');
  expect(await h.locator('html.rs-large').count()).toBe(0);
  await turnOn(h);
  await h.locator('[data-row-action="acknowledge"]').first().waitFor();
  problems.push(...(await check(h, 'queue')));

  const c = (await personAt(browser, DESKTOP)).page;
  await signIn(c, baseUrl, 'community1');
  await turnOn(c);
  await c.getByTestId('kpis').waitFor();
  await c.waitForTimeout(1000);
  problems.push(...(await check(c, 'dashboard')));
  await c.goto(`${baseUrl}/waiting`);
  await c.getByTestId('waiting-extension').waitFor();
  problems.push(...(await check(c, 'waiting')));

  const v = (await personAt(browser, PHONE)).page;
  await v.goto(`${baseUrl}/public`);
  await turnOn(v);
  await v.locator('[data-testid^="ranking-"]').first().waitFor();
  problems.push(...(await check(v, 'public')));

  expect(problems).toEqual([]);
});

test('the default is readable: body text is at least 15 px with large text off', async () => {
  const { baseUrl, browser } = stack();
  const { page } = await personAt(browser, PHONE);
  await page.goto(`${baseUrl}/public`);
  await page.locator('main').waitFor();
  // The page's own paragraphs, in antd's body size (the browser's 16 px on <body> says nothing about them).
  const intro = page.locator('main div.ant-typography').first();
  await intro.waitFor();
  const size = await intro.evaluate((el) => {
    const g = globalThis as unknown as Window_;
    return parseFloat(g.getComputedStyle(el as unknown as Element).fontSize);
  });
  expect(size).toBeGreaterThanOrEqual(15);
});
