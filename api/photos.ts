// Photos arrive as base64 data URLs in the JSON body. The declared type must match the file's magic bytes, so
// a script or an executable renamed to .jpg is refused during validation; before storing, every photo is decoded and
// encoded again without its metadata (stripMetadata), and one that does not decode is refused then.
import sharp, { type Sharp } from 'sharp';
import { z } from 'zod';
import { errors } from './errors';
import { text } from './i18n';
import type { Photo, PhotoMime, PhotoStorage } from './storage';

export const MAX_PHOTOS = 9;
export const MAX_PHOTO_BYTES = 2 * 1024 * 1024;
/** Base64 grows by 4/3; the prefix is at most `data:image/jpeg;base64,`. */
export const MAX_PHOTO_DATA_URL = Math.ceil(MAX_PHOTO_BYTES / 3) * 4 + 32;

const DATA_URL = /^data:(image\/(?:jpeg|png|webp));base64,([A-Za-z0-9+/]*={0,2})$/;

const SIGNATURES: Record<PhotoMime, (b: Buffer) => boolean> = {
  'image/jpeg': (b) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/png': (b) =>
    b.length > 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/webp': (b) => b.length > 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP',
};

export type DecodedPhoto = { ok: true; photo: Photo } | { ok: false; reason: string };

export function decodePhoto(dataUrl: string): DecodedPhoto {
  const m = DATA_URL.exec(dataUrl);
  if (!m)
    return {
      ok: false,
      reason:
        '照片须为 JPEG/PNG/WebP 的 base64 data URL (a photo must be a base64 data URL of a JPEG, PNG or WebP image)',
    };
  const mime = m[1] as PhotoMime;
  const bytes = Buffer.from(m[2], 'base64');
  if (bytes.length === 0) return { ok: false, reason: '照片为空 (the photo is empty)' };
  if (bytes.length > MAX_PHOTO_BYTES) return { ok: false, reason: '照片不能超过 2 MB (a photo may be at most 2 MB)' };
  if (!SIGNATURES[mime](bytes))
    return { ok: false, reason: '文件内容与声明的图片类型不符 (the file is not the image type it claims to be)' };
  return { ok: true, photo: { mime, bytes } };
}

/** One photo in a request body: validated and decoded during validation, so errors name `photos.N`. */
export const photoSchema = z
  .string()
  .max(MAX_PHOTO_DATA_URL, '照片不能超过 2 MB (a photo may be at most 2 MB)')
  .transform((value, ctx) => {
    const decoded = decodePhoto(value);
    if (decoded.ok) return decoded.photo;
    ctx.addIssue({ code: 'custom', message: decoded.reason });
    return z.NEVER;
  })
  .describe('data:image/jpeg|png|webp;base64,…  (≤ 2 MB decoded)');

/**
 * Input pixels sharp decodes at most: a 48-megapixel phone photo (8064 × 6048) fits; a 2 MB PNG of one colour that
 * inflates to gigapixels (a decompression bomb) is refused before it is decoded.
 */
export const MAX_PHOTO_PIXELS = 50_000_000;

const UNREADABLE = text('无法读取该图片，文件可能已损坏', 'the image cannot be read; the file may be damaged');
const TOO_MANY_PIXELS = text(
  `图片像素过多（最多 ${MAX_PHOTO_PIXELS / 1_000_000} 百万像素）`,
  `the image has too many pixels (at most ${MAX_PHOTO_PIXELS / 1_000_000} megapixels)`,
);

// libvips would otherwise keep recent operations, and with them residents' decoded photos, in memory.
sharp.cache(false);

const ENCODE: Record<PhotoMime, (image: Sharp) => Sharp> = {
  'image/jpeg': (image) => image.jpeg({ quality: 85 }),
  'image/png': (image) => image.png(),
  'image/webp': (image) => image.webp({ quality: 85 }),
};

/**
 * The photo decoded and encoded again in its own format, upright and in sRGB, with no EXIF, XMP, IPTC or ICC
 * data: a phone's photo carries where it was taken (GPS) and whose phone took it, which a handler never needs.
 * Throws when the bytes do not decode as an image or exceed MAX_PHOTO_PIXELS.
 */
export async function stripMetadata(photo: Photo): Promise<Photo> {
  // rotate() turns the pixels by the EXIF orientation first, so a portrait photo stays upright once the tag is gone;
  // sharp writes no metadata unless asked (keepExif, withMetadata), and converts to sRGB before dropping the profile.
  const image = sharp(photo.bytes, { limitInputPixels: MAX_PHOTO_PIXELS, pages: 1 }).rotate();
  return { mime: photo.mime, bytes: await ENCODE[photo.mime](image).toBuffer() };
}

/**
 * Stores the photos of a request, each stripped of its metadata first, and returns their ids (the hash of the
 * stripped bytes). One photo that does not decode refuses the request with a 400 naming `photos.N`, before any
 * photo is stored. Decoded one at a time, so nine photos never hold nine decoded images in memory at once.
 */
export async function storeWithoutMetadata(storage: PhotoStorage, photos: readonly Photo[]): Promise<string[]> {
  const stripped: Photo[] = [];
  for (const [i, photo] of photos.entries()) {
    try {
      stripped.push(await stripMetadata(photo));
    } catch (err) {
      throw errors.field(`photos.${i}`, /pixel limit/i.test((err as Error).message) ? TOO_MANY_PIXELS : UNREADABLE);
    }
  }
  return Promise.all(stripped.map((p) => storage.put(p)));
}
