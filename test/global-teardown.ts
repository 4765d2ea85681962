import fs from 'node:fs';
import type { PostgresHandle, TemporalHandle } from '../scripts/stack';

export default async function globalTeardown(): Promise<void> {
  const g = globalThis as Record<string, unknown>;
  await (g.__rsTemporal as TemporalHandle | undefined)?.stop();
  await (g.__rsPostgres as PostgresHandle | undefined)?.stop();
  const dir = g.__rsWorkDir as string | undefined;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
