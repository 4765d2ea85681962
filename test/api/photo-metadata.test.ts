// A resident's photo as a handler receives it: decoded and encoded again, so nothing the phone wrote into the file —
// where it was taken (GPS), whose phone took it, the colour profile, bytes appended after the image — reaches the
// storage, while the picture itself stays upright. What an attacker tries: a decompression bomb, a file that only
// starts like a JPEG, a script hidden after the image's end.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { MAX_PHOTO_PIXELS } from '../../api/photos';
import { as, intakeBody, startApiStack, type ApiStack } from './helpers';

let s: ApiStack;
beforeAll(async () => {
  s = await startApiStack();
});
afterAll(async () => {
  await s?.close();
});

const XMP =
  '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
  '<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:tiff="http://ns.adobe.com/tiff/1.0/"' +
  ' exif:GPSLatitude="31,18.4N" exif:GPSLongitude="120,35.1E" tiff:Model="iPhone-of-resident3"/></rdf:RDF></x:xmpmeta>';
const EXIF = {
  IFD0: { Make: 'Apple', Model: 'iPhone-of-resident3' },
  IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '31/1 18/1 24/1', GPSLongitudeRef: 'E', GPSLongitude: '120/1 35/1 6/1' },
};

/** A 40 × 20 photo a phone held sideways (EXIF orientation 6: shown as 20 × 40), with GPS, model, XMP and a P3 profile. */
function phonePhoto(format: 'jpeg' | 'png' | 'webp'): Promise<Buffer> {
  const image = sharp({ create: { width: 40, height: 20, channels: 3, background: { r: 200, g: 40, b: 40 } } });
  return image[format]().withExif(EXIF).withXmp(XMP).withIccProfile('p3').withMetadata({ orientation: 6 }).toBuffer();
}

const dataUrl = (mime: string, bytes: Buffer) => `data:${mime};base64,${bytes.toString('base64')}`;
const storedFiles = () => {
  const dir = path.join(s.dataDir, 'photos');
  return fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((f) => !f.startsWith('.'))
        .sort()
    : [];
};

async function fileAndFetch(photos: string[]) {
  const resident = await as(s.app, 'resident3');
  const res = await resident.post('/api/v1/cases', intakeBody({ photos }));
  expect(res.statusCode).toBe(201);
  const caseId = res.json().caseId as string;
  const { rows } = await s.pool.query<{ photos: string[] }>('SELECT photos FROM cases WHERE id = $1', [caseId]);
  return Promise.all(
    rows[0].photos.map(async (id) => {
      const got = await resident.get(`/api/v1/cases/${caseId}/photos/${id}`);
      expect(got.statusCode).toBe(200);
      return { id, type: got.headers['content-type'], bytes: got.rawPayload };
    }),
  );
}

test.each([
  ['jpeg', 'image/jpeg'],
  ['png', 'image/png'],
  ['webp', 'image/webp'],
] as const)(
  'a %s photo is stored upright in its own format without GPS, camera model, XMP or colour profile',
  async (format, mime) => {
    const original = await phonePhoto(format);
    const before = await sharp(original).metadata();
    // The photo really carries what must not leave the resident's phone, so the test can fail.
    expect([before.exif !== undefined, before.icc !== undefined, before.orientation]).toEqual([true, true, 6]);
    expect(original.includes('iPhone-of-resident3')).toBe(true);
    expect(before.xmp?.toString()).toContain('exif:GPSLatitude');

    const [stored] = await fileAndFetch([dataUrl(mime, original)]);
    expect(stored.type).toBe(mime);
    const after = await sharp(stored.bytes).metadata();
    expect(after).toMatchObject({ format, width: 20, height: 40 });
    expect([after.exif, after.xmp, after.icc, after.iptc, after.orientation]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    for (const secret of ['iPhone-of-resident3', 'Apple', 'GPS', 'xmpmeta', 'Exif'])
      expect(stored.bytes.includes(secret)).toBe(false);
    // Content-addressed on what is stored, not on what was sent.
    expect(stored.id).toBe(
      `${createHash('sha256').update(stored.bytes).digest('hex')}.${format === 'jpeg' ? 'jpg' : format}`,
    );
  },
);

test('a script appended after the end of a JPEG is not stored', async () => {
  const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: 'white' } })
    .jpeg()
    .toBuffer();
  const polyglot = Buffer.concat([jpeg, Buffer.from('<script>alert(document.cookie)</script>')]);
  const [stored] = await fileAndFetch([dataUrl('image/jpeg', polyglot)]);
  expect(stored.bytes.includes('<script>')).toBe(false);
  expect((await sharp(stored.bytes).metadata()).format).toBe('jpeg');
});

test('a decompression bomb and a file that only starts like a JPEG are refused naming the photo, and nothing is stored', async () => {
  const resident = await as(s.app, 'resident3');
  const good = dataUrl(
    'image/png',
    await sharp({ create: { width: 4, height: 4, channels: 3, background: 'blue' } })
      .png()
      .toBuffer(),
  );
  // 100 megapixels of one colour: a few hundred kB of PNG, gigabytes once decoded.
  const bomb = await sharp({ create: { width: 10_000, height: 10_000, channels: 3, background: 'black' } })
    .png({ compressionLevel: 9 })
    .toBuffer();
  expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
  expect(10_000 * 10_000).toBeGreaterThan(MAX_PHOTO_PIXELS);
  const fake = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('not really a photo '.repeat(20))]);
  const before = storedFiles();
  const cases = async () => (await s.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM cases')).rows[0].n;
  const casesBefore = await cases();

  const bombed = await resident.post('/api/v1/cases', intakeBody({ photos: [good, dataUrl('image/png', bomb)] }), {
    'accept-language': 'en',
  });
  expect(bombed.statusCode).toBe(400);
  expect(bombed.json().error).toMatchObject({
    code: 'validation.failed',
    details: [{ path: 'photos.1', issue: 'the image has too many pixels (at most 50 megapixels)' }],
  });

  const faked = await resident.post('/api/v1/cases', intakeBody({ photos: [good, good, dataUrl('image/jpeg', fake)] }));
  expect(faked.statusCode).toBe(400);
  expect(faked.json().error.details).toEqual([{ path: 'photos.2', issue: '无法读取该图片，文件可能已损坏' }]);

  expect(storedFiles()).toEqual(before);
  expect(await cases()).toBe(casesBefore);
});
