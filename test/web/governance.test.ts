// Proactive governance in the browser (issue 29), on the real stack (demo-fast, repeat problems at 3 lift cases in
// a building within a day): community1's hotspots page, in Chinese, counts the three open lift cases of demo-fast
// in its heat table and leads to them; the repeat problem they make is on the dashboard and opens a topic form
// filled in from it; a topic's page shows its tasks and cases; a resident who scans the lift's QR code
// (/new?compound=demo-fast&building=1) is offered the open lift case and, following it, lands on it; the QR page
// shows the compound's codes. Screenshots at 375 px and 1280 px, axe-core on each new page.
import type { FastifyInstance } from 'fastify';
import { DEMO_PASSWORD, type DemoUsername } from '../../db/seed-data';
import { eventually } from '../helpers/cases';
import { checkPage, DESKTOP, personAt, PHONE, screenshot, signInWithPassword, useWebStack } from './browser';

const stack = useWebStack({ response: 600, resolution: 900, evaluation: 900 });
const problems: string[] = [];
const filed: { caseId: string; trackingCode: string }[] = [];
let keys = 0;

async function tokenOf(app: FastifyInstance, username: DemoUsername): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username, password: DEMO_PASSWORD },
  });
  return res.json().token as string;
}

async function call(app: FastifyInstance, token: string, method: 'GET' | 'POST', url: string, payload?: object) {
  const res = await app.inject({
    method,
    url,
    headers: {
      authorization: `Bearer ${token}`,
      ...(payload ? { 'idempotency-key': `governance-web-call-${++keys}` } : {}),
    },
    ...(payload ? { payload } : {}),
  });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.json();
}

beforeAll(async () => {
  const { app, suite } = stack();
  const resident = await tokenOf(app, 'resident1');
  for (const [i, text] of ['1号楼电梯停在三楼不动', '1号楼电梯门关不上', '1号楼电梯异响很大'].entries()) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/cases',
      headers: { authorization: `Bearer ${resident}`, 'idempotency-key': `governance-web-${i}` },
      payload: {
        categoryCode: 'lift',
        compoundCode: 'demo-fast',
        location: { building: '1', unit: '1', room: '101' },
        description: text,
      },
    });
    expect(res.statusCode).toBe(201);
    filed.push(res.json());
  }
  await eventually(
    async () =>
      (
        await suite.pool.query(`SELECT 1 FROM cases WHERE id = ANY($1) AND status = 'dispatched'`, [
          filed.map((f) => f.caseId),
        ])
      ).rowCount === filed.length,
    30_000,
  );
});

test('the hotspots page shows community1 the demo-fast lift cases in its heat table, in Chinese', async () => {
  const { baseUrl, browser } = stack();
  const { page } = await personAt(browser, DESKTOP);
  await signInWithPassword(page, baseUrl, 'community1');
  await page.getByRole('link', { name: '热点分析' }).first().click();
  await page.getByRole('heading', { level: 1, name: '热点分析' }).waitFor();
  const cell = page.locator('[data-cell="demo-fast||lift"]');
  await cell.waitFor().catch(async (err: Error) => {
    await screenshot(page, 'hotspots-failed');
    throw new Error(`${err.message}\n${await page.locator('main').innerText()}`);
  });
  expect(await cell.getAttribute('data-cases')).toBe('3');
  // The numbers are in the table, for those who cannot tell the colours apart, with the groups named in Chinese.
  const table = page.getByTestId('heat-table');
  await table.getByRole('rowheader', { name: '金湖苑（演示）' }).waitFor();
  await table.getByRole('columnheader', { name: '电梯' }).waitFor();
  await page.getByTestId('hot-trend').waitFor();
  problems.push(...(await checkPage(page, 'hotspots')));

  // A cell leads to its cases.
  await cell.getByRole('link').click();
  await page.waitForURL((u) => u.pathname === '/hotspots/cases' && u.searchParams.get('category') === 'lift');
  for (const f of filed) await page.locator(`[data-case="${f.trackingCode}"]`).first().waitFor();
});

test('the repeat problem is on the dashboard, and a topic opened from it shows its tasks and cases', async () => {
  const { baseUrl, browser, app } = stack();
  const community = await tokenOf(app, 'community1');
  const { items } = (await eventually(async () => {
    const r = await call(app, community, 'GET', '/api/v1/stats/repeat-problems?status=open');
    return r.items.length > 0 ? r : undefined;
  }, 30_000)) as { items: { id: string }[] };
  const repeat = items[0];

  const { page } = await personAt(browser, PHONE);
  await signInWithPassword(page, baseUrl, 'community1');
  const card = page.getByTestId('repeat-problems');
  await card.locator(`[data-repeat="${repeat.id}"]`).waitFor();
  await card.getByRole('link', { name: '立为治理专题' }).first().click();
  await page.waitForURL((u) => u.pathname === '/topics/new' && u.searchParams.get('repeatProblem') === repeat.id);
  // Filled in from the repeat problem: a title naming the compound, building and category.
  await eventually(async () => /金湖苑.*1.*电梯/.test(await page.getByLabel('专题名称').inputValue()), 20_000);
  problems.push(...(await checkPage(page, 'topic-new')));

  const due = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
  const topic = (await call(app, community, 'POST', '/api/v1/topics', {
    title: '金湖苑1号楼电梯专项治理',
    scope: {
      compoundCodes: ['demo-fast'],
      buildings: [{ compoundCode: 'demo-fast', building: '1' }],
      categoryCode: 'lift',
    },
    ownerOrgId: 'pc-demo-fast',
    dueAt: due(30),
    tasks: [{ title: '更换1号楼电梯门机', ownerOrgId: 'pc-demo-fast', dueAt: due(14) }],
    fromRepeatProblemId: repeat.id,
  })) as { id: string };
  await page.goto(`${baseUrl}/topics/${topic.id}`);
  await page.getByRole('heading', { level: 1, name: '金湖苑1号楼电梯专项治理' }).waitFor();
  await page.getByTestId('topic-tasks').getByText('更换1号楼电梯门机').waitFor();
  for (const f of filed) await page.getByTestId('topic-cases').getByText(f.trackingCode).waitFor();
  problems.push(...(await checkPage(page, 'topic')));
  // A case in its scope names the topic, and shows staff the other open lift cases as possible duplicates.
  await page.goto(`${baseUrl}/cases/${filed[0].caseId}`);
  await page.getByTestId('case-topics').getByRole('link', { name: '金湖苑1号楼电梯专项治理' }).waitFor();
  await page.getByTestId('case-duplicates').locator(`[data-duplicate="${filed[1].trackingCode}"]`).waitFor();
  problems.push(...(await checkPage(page, 'case-governance')));
  await page.goto(`${baseUrl}/topics`);
  await page.locator(`[data-topic="${topic.id}"]`).waitFor();
  problems.push(...(await checkPage(page, 'topics')));
});

test('a resident who scans the lift QR code is offered the open lift case and follows it instead', async () => {
  const { baseUrl, browser, suite } = stack();
  const { page } = await personAt(browser, PHONE);
  await signInWithPassword(page, baseUrl, 'resident2');
  await page.goto(`${baseUrl}/new?compound=demo-fast&building=1`);
  await page.getByRole('button', { name: '提交诉求' }).waitFor();
  expect(await page.getByLabel('楼栋').inputValue()).toBe('1');
  await page.locator('[data-category="lift"]').click();
  const hint = page.getByTestId('duplicate-hint');
  await hint.waitFor();
  const text = await hint.innerText();
  const offered = filed.find((f) => text.includes(`这看起来和工单 ${f.trackingCode} 是同一个问题`));
  expect(offered).toBeDefined();
  await hint.getByRole('button', { name: '仍然提交' }).waitFor();
  problems.push(...(await checkPage(page, 'new-case-hint')));

  await hint.getByRole('button', { name: `关注 ${offered!.trackingCode}` }).click();
  await page.waitForURL(`${baseUrl}/cases/${offered!.caseId}`);
  await page.getByTestId('case-status').waitFor();
  // The follower is a co-complainant of that case now (the projection the API reads).
  await eventually(async () => {
    const { rows } = await suite.pool.query(
      `SELECT 1 FROM cases WHERE id = $1 AND co_complainants::text LIKE '%resident2%'`,
      [offered!.caseId],
    );
    return rows.length === 1;
  }, 20_000);
});

test('the QR page shows a code for demo-fast and each of its buildings', async () => {
  const { baseUrl, browser } = stack();
  const { page } = await personAt(browser, DESKTOP);
  await signInWithPassword(page, baseUrl, 'community1');
  await page.goto(`${baseUrl}/qr?compound=demo-fast`);
  const grid = page.getByTestId('qr-grid');
  await grid.locator('[data-building="1"] img').waitFor();
  await grid.getByText('扫码反映物业问题').first().waitFor();
  problems.push(...(await checkPage(page, 'qr')));
});

test('community1 closes a repeat problem that needs no topic from the dashboard, with the reason on the record', async () => {
  const { baseUrl, browser, app, suite } = stack();
  const resident = await tokenOf(app, 'resident1');
  for (const text of ['2号楼楼顶漏水', '2号楼楼道渗水', '2号楼墙面漏水']) {
    await call(app, resident, 'POST', '/api/v1/cases', {
      categoryCode: 'leak',
      compoundCode: 'demo-fast',
      location: { building: '2', unit: '1', room: '302' },
      description: text,
    });
  }
  const community = await tokenOf(app, 'community1');
  const leak = (await eventually(async () => {
    const r = (await call(app, community, 'GET', '/api/v1/stats/repeat-problems?status=open')) as {
      items: { id: string; categoryCode: string }[];
    };
    return r.items.find((i) => i.categoryCode === 'leak');
  }, 30_000)) as { id: string };

  const { page } = await personAt(browser, DESKTOP);
  await signInWithPassword(page, baseUrl, 'community1');
  const item = page.getByTestId('repeat-problems').locator(`[data-repeat="${leak.id}"]`);
  await item.getByRole('button', { name: '无需立项' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel(/为什么不需要立为专题/).fill('同一次暴雨所致，屋面已整体翻修');
  await dialog.getByRole('button', { name: /确\s*定/ }).click();
  await item.waitFor({ state: 'detached' });
  const { rows } = await suite.pool.query('SELECT close_reason, closed_by FROM repeat_problems WHERE id = $1', [
    leak.id,
  ]);
  expect(rows).toEqual([{ close_reason: '同一次暴雨所致，屋面已整体翻修', closed_by: 'u-community1' }]);
});

test('no serious accessibility finding on the governance pages', () => {
  expect(problems).toEqual([]);
});
