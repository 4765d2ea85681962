// Proactive governance over HTTP against a real `npm start`, as a new user meets it: the demo cases' hotspots in
// community1's scope (and nothing of another community's), the repeat problem the three lift breakdowns in lakeview's
// building 1 raise with its notice in community1's inbox, and a QR code for that building that a phone camera reads
// as the filing page with the compound and building filled in.
import jsQR from 'jsqr';
import sharp from 'sharp';
import { DEMO, DEMO_PASSWORD } from '../../db/seed-data';
import { eventually } from '../helpers/cases';
import { ownSystem, runScript, waitForReady, type Child, type OwnSystem } from '../helpers/processes';

let child: Child | undefined;
let sys: OwnSystem;
let base: string;

beforeAll(async () => {
  sys = await ownSystem('rs-governance-');
  child = runScript('scripts/start.ts', sys.env);
  base = `http://127.0.0.1:${sys.port}`;
  await waitForReady(`${base}/readyz`, child);
}, 240_000);
afterAll(async () => {
  await child?.stop('SIGINT');
  sys?.remove();
});

async function get(url: string, token: string): Promise<Response> {
  return fetch(`${base}/api/v1${url}`, { headers: { authorization: `Bearer ${token}` } });
}

async function signIn(username: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

/** This month in China Standard Time, as the demo cases were filed in it. */
const thisMonth = (): string =>
  new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' }).format(new Date());

type Hotspot = { compoundCode: string; categoryCode: string; cases: number; repeats: number };
const COMMUNITY1_COMPOUNDS: string[] = [DEMO.compound, DEMO.siblingCompound];

test('community1 sees the demo cases grouped by compound × category in its own scope, never another community’s', async () => {
  const community1 = await signIn('community1');
  const admin = await signIn('admin');
  const query = `/stats/hotspots?period=${thisMonth()}&groupBy=compound,category`;
  // The demo cases are filed while the server is already answering: wait for the lift breakdowns to be in.
  const items = await eventually(async () => {
    const res = await get(query, community1);
    if (res.status !== 200) return false;
    const body = (await res.json()) as { items: Hotspot[] };
    const lift = body.items.find((i) => i.compoundCode === DEMO.siblingCompound && i.categoryCode === 'lift');
    return lift?.cases === 3 && body.items;
  }, 120_000);
  expect(items[0]).toMatchObject({ compoundCode: DEMO.siblingCompound, categoryCode: 'lift', cases: 3, repeats: 3 });
  expect(new Set(items.map((i) => i.compoundCode))).toEqual(new Set(COMMUNITY1_COMPOUNDS));

  // The district has cases elsewhere (dushu-court, another street): the scope is what keeps them out.
  const all = (await (await get(query, admin)).json()) as { items: Hotspot[] };
  expect(all.items.some((i) => !COMMUNITY1_COMPOUNDS.includes(i.compoundCode))).toBe(true);
  // Every case community1 may list is in its hotspots, and no other.
  const listed = (await (await get('/cases?limit=100', community1)).json()) as {
    items: { compound: { code: string } }[];
  };
  expect(items.reduce((n, i) => n + i.cases, 0)).toBe(listed.items.length);
});

test('the lift breakdowns raise one repeat problem, with its notice in community1’s inbox', async () => {
  const community1 = await signIn('community1');
  const problems = await eventually(async () => {
    const res = await get('/stats/repeat-problems?status=open', community1);
    const body = (await res.json()) as { items: { compoundCode: string; building: string; categoryCode: string }[] };
    return body.items.length > 0 && body.items;
  }, 60_000);
  expect(problems).toEqual([
    expect.objectContaining({ compoundCode: DEMO.siblingCompound, building: '1', categoryCode: 'lift', caseCount: 3 }),
  ]);
  const notice = await eventually(async () => {
    const res = await get('/notifications?limit=100', community1);
    const body = (await res.json()) as { items: { template: string; body: string }[] };
    return body.items.find((n) => n.template === 'repeat_problem');
  }, 60_000);
  expect(notice.body).toContain('电梯');
  // A company of another community is told nothing of it.
  const handler3 = await signIn('handler3');
  const theirs = (await (await get('/notifications?limit=100', handler3)).json()) as { items: { template: string }[] };
  expect(theirs.items.some((n) => n.template === 'repeat_problem')).toBe(false);
});

test('the QR code for lakeview’s building 1 reads as the filing page with the compound and building filled in', async () => {
  const community1 = await signIn('community1');
  const res = await get(`/compounds/${DEMO.siblingCompound}/qr.png?building=1`, community1);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('image/png');
  const { data, info } = await sharp(Buffer.from(await res.arrayBuffer()))
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const code = jsQR(new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), info.width, info.height);
  const url = new URL(code?.data ?? '');
  expect(url.pathname).toBe('/new');
  expect(Object.fromEntries(url.searchParams)).toEqual({ compound: DEMO.siblingCompound, building: '1' });
});
