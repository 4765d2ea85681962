// Photos arrive as base64 data URLs in the JSON body. The declared type must match the file's magic bytes, so
// a script or an executable renamed to .jpg is refused before anything is stored.
import { z } from 'zod';
import type { Photo, PhotoMime } from './storage';

export const MAX_PHOTOS = 9;
export const MAX_PHOTO_BYTES = 2 * 1024 * 1024;
/** Base64 grows by 4/3; the prefix is at most `data:image/jpeg;base64,`. */
export const MAX_PHOTO_DATA_URL = Math.ceil(MAX_PHOTO_BYTES / 3) * 4 + 32;

const DATA_URL = /^data:(image\/(?:jpeg|png|webp));base64,([A-Za-z0-9+/]*={0,2})$/;

const SIGNATURES: Record<PhotoMime, (b: Buffer) => boolean> = {
  'image/jpeg': (b) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/png': (b) => b.length > 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/webp': (b) => b.length > 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP',
};

export type DecodedPhoto = { ok: true; photo: Photo } | { ok: false; reason: string };

export function decodePhoto(dataUrl: string): DecodedPhoto {
  const m = DATA_URL.exec(dataUrl);
  if (!m) return { ok: false, reason: '照片须为 JPEG/PNG/WebP 的 base64 data URL (a photo must be a base64 data URL of a JPEG, PNG or WebP image)' };
  const mime = m[1] as PhotoMime;
  const bytes = Buffer.from(m[2], 'base64');
  if (bytes.length === 0) return { ok: false, reason: '照片为空 (the photo is empty)' };
  if (bytes.length > MAX_PHOTO_BYTES) return { ok: false, reason: '照片不能超过 2 MB (a photo may be at most 2 MB)' };
  if (!SIGNATURES[mime](bytes)) return { ok: false, reason: '文件内容与声明的图片类型不符 (the file is not the image type it claims to be)' };
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
