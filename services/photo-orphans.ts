// The photo orphan cleaner: deletes photo files no case names (cases.photos), once they are an hour old. Intake
// stores photos only after every check passed (api/intake.ts), but a case whose INSERT then failed, a crash between
// the write and the INSERT, or a half-written temporary file still leave files behind; without this they would
// pile up on the disk for good.
//
// Races with intake: photos are content-addressed, so an intake may name a file that already exists; storing it
// touches the file (api/storage.ts), and the cleaner checks the time again after asking Postgres, so a file named
// by an intake in flight is kept. The hour is far longer than any intake takes from storing to its INSERT.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Pool } from 'pg';
import { referencedPhotos } from '../db/queries/photos';

export const ORPHAN_AGE_MS = 60 * 60_000;
const PHOTO_FILE = /^[0-9a-f]{64}\.(jpg|png|webp)$/;
const TEMP_FILE = /^\.[0-9a-f]{64}\.(jpg|png|webp)\.[0-9a-f-]{36}\.tmp$/;
/** Files asked about per query: a bounded ANY($1) list. */
const BATCH = 500;

async function ageOf(file: string, now: number): Promise<number | null> {
  try {
    return now - (await fs.stat(file)).mtimeMs;
  } catch {
    return null; // gone meanwhile
  }
}

/** One round at `now`: deletes the orphans an hour old or older under `dir`; returns how many files it deleted. */
export async function cleanPhotoOrphansOnce(pool: Pool, dir: string, now: number = Date.now()): Promise<number> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0; // no photo stored yet
    throw err;
  }
  const old = async (name: string) => ((await ageOf(path.join(dir, name), now)) ?? 0) >= ORPHAN_AGE_MS;
  let deleted = 0;
  // A temporary file an hour old belongs to a write that died: nothing can name it.
  for (const name of names.filter((n) => TEMP_FILE.test(n))) {
    if (await old(name)) deleted += await remove(path.join(dir, name));
  }
  const photos = names.filter((n) => PHOTO_FILE.test(n));
  for (let i = 0; i < photos.length; i += BATCH) {
    const candidates: string[] = [];
    for (const name of photos.slice(i, i + BATCH)) if (await old(name)) candidates.push(name);
    if (candidates.length === 0) continue;
    const named = await referencedPhotos(pool, candidates);
    for (const name of candidates) {
      // Checked again after the query: an intake that stored the same bytes meanwhile touched the file.
      if (!named.has(name) && (await old(name))) deleted += await remove(path.join(dir, name));
    }
  }
  return deleted;
}

async function remove(file: string): Promise<number> {
  try {
    await fs.unlink(file);
    return 1;
  } catch {
    return 0;
  }
}

/** Runs cleanPhotoOrphansOnce every `everyMs` until stop() is called; errors are logged and retried next round. */
export function startPhotoOrphanCleaner(
  pool: Pool,
  dir: string,
  everyMs = 10 * 60_000,
  log: (m: string) => void = console.error,
) {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    try {
      const n = await cleanPhotoOrphansOnce(pool, dir);
      if (n > 0) log(`[photo-orphans] deleted ${n} photo file(s) no case names`);
    } catch (err) {
      log(`[photo-orphans] ${(err as Error).message}`);
    }
    if (!stopped) timer = setTimeout(() => void tick(), everyMs);
  };
  timer = setTimeout(() => void tick(), everyMs);
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
