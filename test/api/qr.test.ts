// QR intake (issue 29): each compound and building gets a printable code that decodes — read back from the pixels
// with jsQR, as a phone camera would — to the filing page with the compound and building filled in. Who may print is
// tried by each kind of caller; a building the compound does not have is refused by name.
import jsQR from 'jsqr';
import sharp from 'sharp';
import { loadConfig } from '../../config';
import { QR_PNG_WIDTH } from '../../services/qr';
import { as, DEMO, startApiStack, testConfig, type ApiStack } from './helpers';

const PUBLIC_URL = 'https://redsteward.example.cn/sip';
let s: ApiStack;
beforeAll(async () => {
  s = await startApiStack({ worker: false, config: { PUBLIC_URL } });
  // Buildings beyond the seed's 1–3: a two-digit number (natural order) and a name that must be URL-encoded.
  await s.pool.query(
    `INSERT INTO households (id, compound_code, building, unit, room) VALUES
       ('hh-qr-10', $1, '10', '1', '101'), ('hh-qr-east', $1, '东区A座', '1', '101')`,
    [DEMO.compound],
  );
});
afterAll(async () => {
  await s?.close();
});

type User = Parameters<typeof as>[1];
const filing = (building?: string) =>
  `${PUBLIC_URL}/new?compound=${DEMO.compound}${building === undefined ? '' : `&building=${encodeURIComponent(building)}`}`;

/** What a phone camera reads from the image. */
async function decode(image: Buffer): Promise<{ text: string; width: number }> {
  const { data, info } = await sharp(image).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const found = jsQR(new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), info.width, info.height);
  if (!found) throw new Error('no QR code found in the image');
  return { text: found.data, width: info.width };
}

test('the community lists one code for the compound and one per building, in natural order', async () => {
  const res = await (await as(s.app, 'community1')).get(`/api/v1/compounds/${DEMO.compound}/qr-codes`);
  expect(res.statusCode).toBe(200);
  const path = `/api/v1/compounds/${DEMO.compound}`;
  expect(res.json()).toEqual({
    compoundCode: DEMO.compound,
    compoundName: '金湖苑（演示）',
    items: [null, '1', '2', '3', '10', '东区A座'].map((building) => {
      const query = building === null ? '' : `?building=${encodeURIComponent(building)}`;
      return {
        building,
        url: filing(building ?? undefined),
        svgPath: `${path}/qr.svg${query}`,
        pngPath: `${path}/qr.png${query}`,
      };
    }),
  });
  const english = await (
    await as(s.app, 'community1')
  ).get(`/api/v1/compounds/${DEMO.compound}/qr-codes`, {
    'accept-language': 'en',
  });
  expect(english.json().compoundName).toBe('Jinhu Court (demo)');
});

test.each([['1'], ['东区A座'], [undefined]])(
  'the PNG for building %s decodes to the filing page with the compound and building',
  async (building) => {
    const query = building === undefined ? '' : `?building=${encodeURIComponent(building)}`;
    const res = await (await as(s.app, 'community1')).get(`/api/v1/compounds/${DEMO.compound}/qr.png${query}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    const { text, width } = await decode(res.rawPayload);
    expect(text).toBe(filing(building));
    expect(width).toBe(QR_PNG_WIDTH);
    const url = new URL(text);
    expect(url.searchParams.get('compound')).toBe(DEMO.compound);
    expect(url.searchParams.get('building')).toBe(building ?? null);
  },
);

test('the SVG decodes to the same address once drawn', async () => {
  const res = await (await as(s.app, 'handler1')).get(`/api/v1/compounds/${DEMO.compound}/qr.svg?building=2`);
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toMatch(/^image\/svg\+xml/);
  expect(res.body).toMatch(/^<svg /);
  expect((await decode(await sharp(res.rawPayload).png().toBuffer())).text).toBe(filing('2'));
});

test('an unknown compound is 404, an unknown building 400 naming building', async () => {
  const community1 = await as(s.app, 'community1');
  for (const url of ['/api/v1/compounds/nowhere/qr-codes', '/api/v1/compounds/nowhere/qr.png?building=1']) {
    const res = await community1.get(url);
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('compound.not_found');
  }
  for (const kind of ['svg', 'png']) {
    for (const building of ['99', '1\u0000', '1; DROP TABLE cases']) {
      const res = await community1.get(
        `/api/v1/compounds/${DEMO.compound}/qr.${kind}?building=${encodeURIComponent(building)}`,
      );
      expect(res.statusCode).toBe(400);
      expect(res.json().error.details.map((d: { path: string }) => d.path)).toEqual(['building']);
    }
  }
  expect((await community1.get(`/api/v1/compounds/${DEMO.compound}/qr.png?floor=3`)).statusCode).toBe(400);
});

test.each<[User, number]>([
  ['community1', 200],
  ['street1', 200],
  ['orgdept1', 200],
  ['handler1', 200],
  ['owners1', 200],
  ['member1', 200],
  ['admin', 200],
  // Another community's supervisor, another street, another compound's company, a department, a resident.
  ['community2', 403],
  ['street2', 403],
  ['handler2', 403],
  ['department1', 403],
  ['resident1', 403],
  [null, 401],
])('%s asking for demo-fast codes: %i', async (user, status) => {
  const client = await as(s.app, user);
  for (const url of ['qr-codes', 'qr.svg', 'qr.png?building=1']) {
    const res = await client.get(`/api/v1/compounds/${DEMO.compound}/${url}`);
    expect(res.statusCode).toBe(status);
  }
});

test('without PUBLIC_URL development prints the address asked at; production refuses to guess', async () => {
  const dev = await s.buildApp({ config: testConfig(s.dataDir) });
  const devRes = await (
    await as(dev, 'community1')
  ).get(`/api/v1/compounds/${DEMO.compound}/qr-codes`, {
    host: 'intake.local:8080',
  });
  expect(devRes.json().items[1].url).toBe(`http://intake.local:8080/new?compound=${DEMO.compound}&building=1`);

  const production = await s.buildApp({ config: { ...testConfig(s.dataDir), NODE_ENV: 'production' } });
  const refused = await (await as(production, 'community1')).get(`/api/v1/compounds/${DEMO.compound}/qr.png`);
  expect(refused.statusCode).toBe(503);
  expect(refused.json().error.code).toBe('qr.public_url_unset');
});

test('PUBLIC_URL: a trailing slash is dropped; a query, another scheme or plain http in production are named', () => {
  expect(loadConfig({ PUBLIC_URL: 'https://rs.example.cn/' }).PUBLIC_URL).toBe('https://rs.example.cn');
  for (const bad of ['rs.example.cn', 'ftp://rs.example.cn', 'https://rs.example.cn/?a=1', 'https://rs.example.cn/#x'])
    expect(() => loadConfig({ PUBLIC_URL: bad })).toThrow(/PUBLIC_URL: must be an http\(s\):\/\/ URL/);
  expect(() =>
    loadConfig({
      NODE_ENV: 'production',
      JWT_SECRET: 'x'.repeat(32),
      DATABASE_URL: 'postgres://a@b/c',
      TEMPORAL_ADDRESS: 'b:7233',
      PUBLIC_URL: 'http://rs.example.cn',
    }),
  ).toThrow(/PUBLIC_URL: must be https:\/\/ in production/);
});
