// Killing the worker process with SIGKILL mid-case and starting a new one loses nothing: the cases complete,
// their timelines have no gap and no duplicate, and deadlines that fell due while no worker ran still fire.
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { actors, assertGapFree, eventually, loop } from '../helpers/cases';
import { runScript, type Child } from '../helpers/processes';
import { connectTemporal, createTestDatabase, type TestTemporal } from '../helpers/stack';

let pool: Pool;
let url: string;
let t: TestTemporal;
let worker: Child | undefined;

beforeAll(async () => {
  ({ pool, url } = await createTestDatabase());
  // Only the resolution and evaluation windows are short; the response deadline is long enough not to interfere.
  await pool.query(
    `UPDATE agreements SET terms = jsonb_set(terms, '{deadlines,utilities}', '{"response":{"unit":"seconds","amount":600},"resolution":{"unit":"seconds","amount":4}}')
      WHERE compound_code = 'demo-fast'`,
  );
  t = await connectTemporal();
});
afterAll(async () => {
  await worker?.stop('SIGKILL');
  await t?.close();
  await pool?.end();
});

function startWorkerProcess(): Child {
  return runScript('worker/main.ts', {
    DATABASE_URL: url,
    TEMPORAL_ADDRESS: t.address,
    TEMPORAL_TASK_QUEUE: t.taskQueue,
  });
}

test('SIGKILL of the worker mid-case loses nothing and duplicates nothing', async () => {
  const l = loop(t, pool);
  worker = startWorkerProcess();
  const a = await l.file();
  const b = await l.file();
  // The worker process may still be starting (bundling its workflows) on a busy machine.
  await l.actUntilAnswered(a.caseId, actors.handler1, { type: 'acknowledge' }, `ack-${a.caseId}`);
  await l.actUntilAnswered(b.caseId, actors.handler1, { type: 'acknowledge' }, `ack-${b.caseId}`);

  // Kill it hard with an Update in flight for case a, and case b's resolution deadline about to fall due.
  const resolving = l.act(a.caseId, actors.handler1, { type: 'resolve', summary: '已修复' }, `resolve-${a.caseId}`);
  expect(await worker.stop('SIGKILL')).toBeNull();
  await new Promise((r) => setTimeout(r, 5_000));

  // With no worker the caller is told to retry (503 at the API) unless the answer came before the kill.
  const first = await resolving.then(
    (r) => r.status,
    (err: { kind?: string }) => err.kind,
  );
  expect(['resolved', 'unavailable']).toContain(first);
  worker = startWorkerProcess();
  // Retrying the same request after the crash is applied once.
  const resolved = await l.actUntilAnswered(
    a.caseId,
    actors.handler1,
    { type: 'resolve', summary: '已修复' },
    `resolve-${a.caseId}`,
  );
  expect(resolved.status).toBe('resolved');
  await l.actUntilAnswered(
    a.caseId,
    actors.resident1,
    { type: 'evaluate', satisfaction: 'satisfied', solved: true },
    randomUUID(),
  );
  await eventually(async () => (await l.row(a.caseId)).status === 'closed', 30_000);
  // Case b breached while no worker ran: on restart it is recorded once and escalated.
  await eventually(async () => (await l.row(b.caseId)).escalation_count >= 1, 30_000);

  for (const id of [a.caseId, b.caseId]) {
    const events = await l.events(id);
    assertGapFree(events);
    const counts = events.reduce<Record<string, number>>(
      (acc, e) => ({ ...acc, [e.type]: (acc[e.type] ?? 0) + 1 }),
      {},
    );
    expect(counts.acknowledged).toBe(1);
    if (id === a.caseId) expect(counts).toMatchObject({ resolved: 1, evaluated: 1, closed: 1 });
    else expect(counts.escalated).toBe(1);
  }
  // One accountability record per recorded breach, however often the activity was retried.
  const events = await l.events(b.caseId);
  const records = await pool.query(
    'SELECT count(*)::int AS n FROM accountability_records WHERE case_id = $1 AND dedupe_key = ANY($2)',
    [b.caseId, events.filter((e) => e.type === 'accountability_recorded').map((e) => `${b.caseId}:${e.seq}`)],
  );
  expect(records.rows[0].n).toBe(events.filter((e) => e.type === 'accountability_recorded').length);
  expect(records.rows[0].n).toBeGreaterThanOrEqual(1);
});
