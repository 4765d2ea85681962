// The embedded PostgreSQL handle (scripts/stack.ts) stops a server that has already gone: a Ctrl-C in a terminal
// reaches Postgres as well as `npm start`, and Postgres may be down before the ordered shutdown gets to it. Until
// 2026-11-27 stop() then waited for ever for an exit event that had already come.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runScript } from '../helpers/processes';

test('stop() returns when the server already stopped on its own, and removes a non-persistent data folder', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rs-pg-gone-'));
  fs.chmodSync(dataDir, 0o755);
  const child = runScript('test/system/fixtures/postgres-gone.ts', {}, [dataDir]);
  let timer: NodeJS.Timeout | undefined;
  try {
    const code = await Promise.race([
      child.exited,
      new Promise<string>((resolve) => (timer = setTimeout(() => resolve('still waiting after 45 s'), 45_000))),
    ]);
    expect({ code, output: child.output() }).toEqual({
      code: 0,
      output: expect.stringContaining('{"stopped":true,"dataRemoved":true}'),
    });
  } finally {
    clearTimeout(timer);
    await child.stop('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}, 90_000);
