// What a browser test needs: the real stack behind a listening app that serves the built web app (its own
// database, a worker on its own task queue), Debian's Chromium driven by playwright-core, axe-core injected
// into each page, and screenshots written to test/.artifacts/screenshots.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { buildApp } from '../../api/app';
import { DEFAULT_WEB_ROOT } from '../../api/web';
import { DEMO_PASSWORD, type DemoUsername } from '../../db/seed-data';
import { testConfig } from '../api/helpers';
import { useLoopSuite, type FastTerms, type LoopSuite } from '../helpers/loop-suite';

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = path.resolve(__dirname, '..', '.artifacts', 'screenshots');
export const PHONE = { width: 375, height: 812 };
export const DESKTOP = { width: 1280, height: 900 };

/** Fails, never skips: a browser test that silently did not run would pass for the wrong reason. */
export function assertPrerequisites(): void {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM}: install it with \`apt-get update && apt-get install -y chromium\` (.ci/run does this before npm test)`,
    );
  }
  if (!fs.existsSync(path.join(DEFAULT_WEB_ROOT, 'index.html'))) {
    throw new Error(
      `The web app is not built (${DEFAULT_WEB_ROOT}): run \`npm run build:web\` (npm test builds it before jest)`,
    );
  }
}

export interface WebStack {
  suite: LoopSuite;
  app: FastifyInstance;
  baseUrl: string;
  browser: Browser;
}

/**
 * The stack for one test file, with demo-fast's deadlines (and optionally its fairness terms) set in seconds (the
 * file's database is its own). Registers its own beforeAll/afterAll; call at the top level of the file.
 */
export function useWebStack(fast: FastTerms): () => WebStack {
  const getSuite = useLoopSuite(fast);
  const stack = {} as WebStack;
  let dataDir = '';
  beforeAll(async () => {
    assertPrerequisites();
    const suite = getSuite();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rs-web-'));
    stack.suite = suite;
    stack.app = await buildApp({
      config: testConfig(dataDir),
      pool: suite.pool,
      temporal: suite.t.client,
      taskQueue: suite.t.taskQueue,
      logger: false,
      rateLimit: false,
      underPressure: false,
      metrics: { defaultMetrics: false },
      // The public figures must change as soon as a case is evaluated, not a minute later.
      public: { cacheTtlMs: 0 },
    });
    await stack.app.listen({ port: 0, host: '127.0.0.1' });
    stack.baseUrl = `http://127.0.0.1:${(stack.app.server.address() as AddressInfo).port}`;
    stack.browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
      ],
    });
  });
  afterAll(async () => {
    await stack.browser?.close();
    await stack.app?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });
  return () => stack;
}

/** A browser context for one person, in Chinese (the default) on China Standard Time. */
export async function personAt(
  browser: Browser,
  size: { width: number; height: number } = DESKTOP,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: size, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  (page as Page & { problems?: string[] }).problems = problems;
  return { context, page };
}

/** Signs a demo user in through the password tab of the sign-in page. */
export async function signInWithPassword(page: Page, baseUrl: string, username: DemoUsername): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByRole('tab', { name: '账号密码登录' }).click();
  await page.getByLabel('用户名', { exact: true }).fill(username);
  await page.getByLabel('密码', { exact: true }).fill(DEMO_PASSWORD);
  await page
    .getByRole('button', { name: /^登\s?录$/ })
    .last()
    .click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[]; failureSummary?: string }>;
}

/**
 * Serious and critical accessibility violations on the page as it is now. axe-core is evaluated through the
 * DevTools protocol, which the app's Content-Security-Policy (script-src 'self') does not apply to.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    // Runs in the page; the root tsconfig has no DOM types, hence globalThis.
    const g = globalThis as unknown as {
      axe: { run(ctx: unknown, opts: object): Promise<{ violations: AxeViolation[] }> };
      document: unknown;
    };
    const result = await g.axe.run(g.document, { resultTypes: ['violations'] });
    return result.violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.impact} ${v.id} (${v.help}): ${v.nodes
          .slice(0, 3)
          .map((n) => JSON.stringify(n.target))
          .join(', ')}`,
    );
}

/** A full-page screenshot at the page's current size: test/.artifacts/screenshots/<name>-<width>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const width = page.viewportSize()?.width ?? 0;
  const file = path.join(SCREENSHOTS, `${name}-${width}.png`);
  // From the top (a sticky header would otherwise be drawn mid-page), once charts have settled.
  await page.evaluate('window.scrollTo(0, 0)');
  await page.waitForTimeout(300);
  await page.screenshot({ path: file, fullPage: width > 600 });
  return file;
}

/** The page at phone and desktop width: screenshots of both, and axe's serious findings of both. */
export async function checkPage(page: Page, name: string): Promise<string[]> {
  const original = page.viewportSize() ?? DESKTOP;
  const found: string[] = [];
  for (const size of [PHONE, DESKTOP]) {
    await page.setViewportSize(size);
    await page.waitForTimeout(400);
    await screenshot(page, name);
    found.push(...(await seriousViolations(page)).map((v) => `${name} @${size.width}px: ${v}`));
  }
  await page.setViewportSize(original);
  return found;
}

/** A small valid PNG (a 24×24 red square), the photo a resident attaches. */
export function redSquarePng(): Buffer {
  return Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAABgAAAAYCAIAAABvFaqvAAAAH0lEQVR4nGM4ISZLFcQwatCoQaMGjRo0atCoQQNvEAB56jTfrhJH7gAAAABJRU5ErkJggg==',
    'base64',
  );
}
