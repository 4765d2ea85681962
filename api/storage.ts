// Where case photos live, behind a small interface so a deployment can swap the folder for object storage.
// Content-addressed (the id is the SHA-256 of the bytes): a retried intake stores nothing twice, and an id can
// never be made to point at other bytes later.
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

export type PhotoMime = 'image/jpeg' | 'image/png' | 'image/webp';

export interface Photo {
  mime: PhotoMime;
  bytes: Buffer;
}

export interface PhotoStorage {
  /** Stores the photo and returns its id; storing the same bytes again returns the same id. */
  put(photo: Photo): Promise<string>;
  get(id: string): Promise<Photo | null>;
  /** Removes the photo for good (retention); an id that is not stored, or not a photo id, is nothing to remove. */
  delete(id: string): Promise<void>;
}

const EXTENSION: Record<PhotoMime, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };
const MIME_OF: Record<string, PhotoMime> = { jpg: 'image/jpeg', png: 'image/png', webp: 'image/webp' };
export const PHOTO_ID_PATTERN = /^[0-9a-f]{64}\.(jpg|png|webp)$/;

/** Photos as files under `dir` (by default `${DATA_DIR}/photos`). */
export function folderPhotoStorage(dir: string): PhotoStorage {
  return {
    async put({ mime, bytes }) {
      const id = `${createHash('sha256').update(bytes).digest('hex')}.${EXTENSION[mime]}`;
      const file = path.join(dir, id);
      await fs.mkdir(dir, { recursive: true });
      try {
        // Touched, not just found: the orphan cleaner (services/photo-orphans.ts) keeps a file stored again within
        // the hour, and a file it removed meanwhile fails here and is written again.
        const now = new Date();
        await fs.utimes(file, now, now);
        return id;
      } catch {
        // Write then rename: a reader never sees half a photo, and two writers of one id both end complete.
        const tmp = path.join(dir, `.${id}.${randomUUID()}.tmp`);
        await fs.writeFile(tmp, bytes);
        await fs.rename(tmp, file);
        return id;
      }
    },
    async get(id) {
      const m = PHOTO_ID_PATTERN.exec(id);
      if (!m) return null;
      try {
        return { mime: MIME_OF[m[1]], bytes: await fs.readFile(path.join(dir, id)) };
      } catch {
        return null;
      }
    },
    async delete(id) {
      if (!PHOTO_ID_PATTERN.test(id)) return;
      await fs.rm(path.join(dir, id), { force: true });
    },
  };
}
