// CSV exports: UTF-8 with BOM, the caller's scope exactly as GET /cases applies it, no personal data, and a case
// stream read page by page (the memory side is bench/'s to show; here: pages neither skip nor repeat a case).
import { casesCsv, csvField } from '../../api/routes/exports-csv';
import { as, startApiStack, type ApiStack } from '../api/helpers';
import { insertCase, type CaseSpec } from './fixtures';

let s: ApiStack;
const T = Date.parse('2026-03-20T09:00:00+08:00');
const pii = { residentName: '孙悟空', residentPhone: '13966667777', description: 'EXPORT-描述：2号楼302室门禁坏了' };
// prettier-ignore
const CASES: CaseSpec[] = [
  ...Array.from({ length: 5 }, (_, i): CaseSpec => ({ compound: 'demo-fast', dispatchedAt: T + i * 60_000, ack: { h: 1 }, ...pii })),
  { compound: 'lakeview', dispatchedAt: T, ack: { h: 1 }, resolvedH: 3, closedH: 4, satisfaction: 'satisfied', solved: true, outcome: 'satisfied', ...pii },
  { compound: 'dushu-court', dispatchedAt: T, ...pii },
  { compound: 'dushu-court', dispatchedAt: Date.parse('2026-04-02T09:00:00+08:00'), ...pii },
];

beforeAll(async () => {
  s = await startApiStack({ worker: false });
  for (const c of CASES) await insertCase(s.pool, c);
});
afterAll(async () => {
  await s?.close();
});

const parse = (csv: string) =>
  csv
    .replace(/^\uFEFF/, '')
    .trimEnd()
    .split('\r\n')
    .map((l) => l.split(','));

async function exportAs(user: Parameters<typeof as>[1], url: string, headers: Record<string, string> = {}) {
  const res = await (await as(s.app, user)).get(url, headers);
  expect(res.statusCode).toBe(200);
  return res;
}

async function listedCodes(user: Parameters<typeof as>[1]): Promise<string[]> {
  const items = (await (await as(s.app, user)).get('/api/v1/cases?from=2026-03-01&to=2026-03-31&limit=100')).json()
    .items;
  return items.map((c: { trackingCode: string }) => c.trackingCode).sort();
}

test('a cases export is UTF-8 CSV with a BOM, holding exactly the cases of GET /cases for the caller', async () => {
  for (const user of ['handler1', 'community1', 'street2', 'admin'] as const) {
    const res = await exportAs(user, '/api/v1/exports/cases.csv?period=2026-03');
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="cases-2026-03-01_2026-04-01.csv"');
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const [header, ...rows] = parse(res.body);
    expect(header.slice(0, 4)).toEqual(['查询码', '类别', '小区', '社区']);
    expect(rows.map((r) => r[0]).sort()).toEqual(await listedCodes(user));
  }
  expect(parse((await exportAs('street2', '/api/v1/exports/cases.csv?period=2026-03')).body)).toHaveLength(2);
});

test('no personal data leaves in an export', async () => {
  const { body } = await exportAs('community1', '/api/v1/exports/cases.csv?period=2026-03');
  for (const secret of Object.values(pii)) expect(body).not.toContain(secret);
  expect(body).toContain('金湖苑（演示）');
});

test('headers follow Accept-Language; filters narrow the rows', async () => {
  const res = await exportAs('admin', '/api/v1/exports/cases.csv?period=2026-03&compound=lakeview', {
    'accept-language': 'en',
  });
  const [header, ...rows] = parse(res.body);
  expect(header.slice(0, 3)).toEqual(['tracking_code', 'category', 'compound']);
  expect(rows.map((r) => [r[2], r[6], r[9]])).toEqual([['Lakeview Residences', 'closed', 'satisfied']]);
});

test('the case stream reads page by page without skipping or repeating a case', async () => {
  const chunks: string[] = [];
  for await (const chunk of casesCsv(s.pool, { kind: 'all' }, {}, { batchSize: 2 })) chunks.push(chunk);
  // The header, then ceil(8 / 2) pages.
  expect(chunks).toHaveLength(1 + 4);
  const codes = parse(chunks.join(''))
    .slice(1)
    .map((r) => r[0]);
  expect(new Set(codes).size).toBe(CASES.length);
});

test('a rates export carries each rate with numerator and denominator, as GET /stats/rates', async () => {
  const res = await exportAs('admin', '/api/v1/exports/rates.csv?period=2026-03&groupBy=compound', {
    'accept-language': 'en',
  });
  const [header, ...rows] = parse(res.body);
  expect(header.slice(0, 10)).toEqual([
    'from',
    'to_exclusive',
    'id',
    'name',
    'cases',
    'excluded',
    'response_numerator',
    'response_denominator',
    'response_pending',
    'response_rate',
  ]);
  // 参评率 beside satisfaction, as everywhere.
  expect(header.slice(14, 22)).toEqual([
    'satisfaction_numerator',
    'satisfaction_denominator',
    'satisfaction_pending',
    'satisfaction_rate',
    'evaluation_coverage_numerator',
    'evaluation_coverage_denominator',
    'evaluation_coverage_pending',
    'evaluation_coverage_rate',
  ]);
  expect(header).toHaveLength(6 + 8 * 4 + 1);
  const byId = Object.fromEntries(rows.map((r) => [r[2], r]));
  expect(byId['demo-fast'].slice(4, 10)).toEqual(['5', '0', '5', '5', '0', '1']);
  // The five are open: their evaluation is still to come.
  expect(byId['demo-fast'].slice(14, 18)).toEqual(['0', '0', '5', '']);
  // lakeview: resolved 3 h after dispatch → median 3 hours.
  expect(byId.lakeview[4]).toBe('1');
  expect(byId.lakeview[header.length - 1]).toBe('3');
  expect(Object.keys(byId).sort()).toEqual(['demo-fast', 'dushu-court', 'lakeview']);
});

test('residents and party members may not export', async () => {
  expect((await (await as(s.app, 'resident1')).get('/api/v1/exports/cases.csv?period=2026-03')).statusCode).toBe(403);
  expect((await (await as(s.app, 'member1')).get('/api/v1/exports/rates.csv?period=2026-03')).statusCode).toBe(403);
});

test.each([
  ['plain', 'plain'],
  ['a,b', '"a,b"'],
  ['say "hi"', '"say ""hi"""'],
  ['=HYPERLINK("x")', '"\'=HYPERLINK(""x"")"'],
  ['+86', "'+86"],
  [null, ''],
  [3, '3'],
])('csvField(%p) is %p', (v, expected) => {
  expect(csvField(v)).toBe(expected);
});
