// The chaos run in small: a few dozen cases driven through the loop over HTTP while the worker is SIGKILLed, the
// Temporal dev server is killed and restarted on its file, and PostgreSQL is crash-stopped and restarted, once
// each. Nothing accepted may be lost or doubled, every timeline is gap-free, every case is where its answers say;
// and the checker must flag the faults it plants in its own records. (`npm run chaos` is the long version.)
import { runScript, type Child } from '../helpers/processes';

let chaos: Child | undefined;
afterAll(async () => {
  await chaos?.stop('SIGINT');
});

test('nothing accepted is lost or doubled while the worker, Temporal and PostgreSQL each die once', async () => {
  chaos = runScript('scripts/chaos.ts', {}, [
    '--cases',
    '24',
    '--rate',
    '1',
    '--concurrency',
    '4',
    '--every',
    '6',
    '--rounds',
    '1',
    '--minutes',
    '2',
    '--settle-seconds',
    '60',
  ]);
  const code = await chaos.exited;
  const out = chaos.output();
  if (code !== 0) console.error(out);
  expect(code).toBe(0);
  const summary = out.split('\n').find((l) => l.startsWith('chaos: ') && l.includes('cases accepted'));
  expect(summary).toMatch(
    /^chaos: 24 cases accepted .*faults: 1 worker SIGKILLs, 1 Temporal restarts, 1 Postgres crash-restarts .*lost 0, duplicated 0, timeline errors 0, wrong states 0, unexpected answers 0 — OK$/,
  );
  expect(out).toContain('chaos: checker self-test flagged both planted faults');
}, 180_000);
