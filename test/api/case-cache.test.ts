// GET /cases/:id reads its case from the API's case cache (db/case-cache.ts), which Postgres invalidates: an UPDATE
// of the case's row notifies rs_case_changed (migration 0023). So a case changed anywhere (by the worker, another
// API process, plain SQL) is read fresh within milliseconds, and one changed through this process at once.
import { Client } from 'pg';
import type { ChangeFeed, ChangeHandler } from '../../db/notify';
import { seenWithin } from '../helpers/poll';
import { as, intakeBody, scrape, startApiStack, type ApiStack } from './helpers';

let s: ApiStack;
/** Somebody else: a connection of its own, as psql or another process would use. */
let elsewhere: Client;
beforeAll(async () => {
  s = await startApiStack();
  elsewhere = new Client({ connectionString: s.pool.options.connectionString });
  await elsewhere.connect();
});
afterAll(async () => {
  await elsewhere?.end();
  await s?.close();
});

async function fileCase(): Promise<string> {
  const res = await (await as(s.app, 'resident3')).post('/api/v1/cases', intakeBody());
  expect(res.statusCode).toBe(201);
  return res.json().caseId;
}

/** Working and clock time left are computed at each read, so two reads differ there and nowhere else. */
const withoutTimeLeft = (c: { deadlines: object[] }) => ({
  ...c,
  deadlines: c.deadlines.map((d) => ({ ...d, workingTimeLeftMs: 0, clockTimeLeftMs: 0 })),
});

test('a case read again is answered from memory: the same answer, no SQL', async () => {
  const caseId = await fileCase();
  // The complainant: a staff read of the resident's contact also writes its log row (privacy.test.ts).
  const reader = await as(s.app, 'resident3');
  const first = await reader.get(`/api/v1/cases/${caseId}`);
  expect(first.statusCode).toBe(200);
  const spy = jest.spyOn(s.pool, 'query');
  try {
    const second = await reader.get(`/api/v1/cases/${caseId}`);
    expect(second.statusCode).toBe(200);
    expect(withoutTimeLeft(second.json())).toEqual(withoutTimeLeft(first.json()));
    expect(spy).not.toHaveBeenCalled();
  } finally {
    spy.mockRestore();
  }
  // The same cached case, another caller: who sees what is decided per request (the resident's contact is masked
  // for a street, and a resident of another household is answered 404).
  expect((await (await as(s.app, 'street1')).get(`/api/v1/cases/${caseId}`)).json().resident.masked).toBe(true);
  expect((await (await as(s.app, 'resident1')).get(`/api/v1/cases/${caseId}`)).statusCode).toBe(404);
});

test('a case changed by plain SQL on another connection is read fresh within milliseconds', async () => {
  const caseId = await fileCase();
  const resident = await as(s.app, 'resident3');
  const read = async () => (await resident.get(`/api/v1/cases/${caseId}`)).json();
  expect((await read()).description).toBe(intakeBody().description);
  await elsewhere.query(`UPDATE cases SET description = '楼道灯还是不亮（补充）', updated_at = now() WHERE id = $1`, [
    caseId,
  ]);
  expect((await seenWithin(read, (c) => c.description !== intakeBody().description)).description).toBe(
    '楼道灯还是不亮（补充）',
  );
});

test("the worker's writes reach the cache: an action is seen by every API process", async () => {
  const caseId = await fileCase();
  const other = await s.buildApp();
  const readOther = async () => (await (await as(other, 'handler2')).get(`/api/v1/cases/${caseId}`)).json();
  expect((await readOther()).status).toBe('dispatched');
  expect((await (await as(s.app, 'handler2')).act(caseId, 'acknowledge')).statusCode).toBe(200);
  const seen = await seenWithin(readOther, (c) => c.status !== 'dispatched');
  expect(seen.status).toBe('acknowledged');
  expect(seen.timeline.map((e: { type: string }) => e.type)).toContain('acknowledged');
});

test('an action answered by this process shows in its next read here, without waiting for any notification', async () => {
  // A feed that is live but never delivers: only the action route's own invalidation can keep reads fresh.
  let handlers: ChangeHandler[] = [];
  const silent: ChangeFeed = {
    live: true,
    onChange: (h) => void handlers.push(h),
    close: async () => void (handlers = []),
  };
  const app = await s.buildApp({ cache: { feed: silent } });
  const caseId = await fileCase();
  const handler = await as(app, 'handler2');
  const read = async () => (await handler.get(`/api/v1/cases/${caseId}`)).json();
  expect((await read()).status).toBe('dispatched');
  expect((await handler.act(caseId, 'acknowledge')).statusCode).toBe(200);
  expect((await read()).status).toBe('acknowledged');
  for (const note of ['已派维修工', '配件已到', '正在更换']) {
    expect((await handler.act(caseId, 'progress', { note })).statusCode).toBe(200);
    const after = await read();
    expect(after.timeline.at(-1)).toMatchObject({ type: 'progress_reported', payload: { note } });
  }
  // And it does cache: a change nobody told this process about is not seen (the notifications are what make the
  // other tests' reads fresh).
  await elsewhere.query(`UPDATE cases SET description = '没人通知' WHERE id = $1`, [caseId]);
  await new Promise((r) => setTimeout(r, 50));
  expect((await read()).description).toBe(intakeBody().description);
});

test("intake's confirmation that a workflow started notifies nobody; every other change of a case does", async () => {
  const caseId = await fileCase();
  // Intake's own confirmation first (batched, off the answer path), so the flips below are the only ones.
  await seenWithin(
    async () =>
      (await s.pool.query('SELECT workflow_started FROM cases WHERE id = $1', [caseId])).rows[0].workflow_started,
    (started) => started === true,
  );
  const listener = new Client({ connectionString: s.pool.options.connectionString });
  await listener.connect();
  try {
    const heard: string[] = [];
    listener.on('notification', (n) => heard.push(`${n.channel} ${n.payload}`));
    await listener.query('LISTEN rs_case_changed');
    await elsewhere.query('UPDATE cases SET workflow_started = false WHERE id = $1', [caseId]);
    await elsewhere.query('UPDATE cases SET workflow_started = true WHERE id = $1', [caseId]);
    await elsewhere.query(`UPDATE cases SET contact_preference = 'phone' WHERE id = $1`, [caseId]);
    // Notifications arrive in commit order: once the last one is here, the first two would have been too.
    await seenWithin(
      async () => heard.length,
      (n) => n > 0,
    );
    expect(heard).toEqual([`rs_case_changed ${caseId}`]);
  } finally {
    await listener.end();
  }
});

test("a category's new name is in the next read of its cases", async () => {
  const caseId = await fileCase();
  const resident = await as(s.app, 'resident3');
  const read = async () => (await resident.get(`/api/v1/cases/${caseId}`)).json();
  const before = await read();
  await elsewhere.query(`UPDATE categories SET name_zh = '报修（更名）' WHERE code = $1`, [before.category.code]);
  try {
    expect((await seenWithin(read, (c) => c.category.nameZh !== before.category.nameZh)).category.nameZh).toBe(
      '报修（更名）',
    );
  } finally {
    await elsewhere.query(`UPDATE categories SET name_zh = $2 WHERE code = $1`, [
      before.category.code,
      before.category.nameZh,
    ]);
  }
});

test('/metrics reports the case cache: a second read is a hit', async () => {
  const caseId = await fileCase();
  const resident = await as(s.app, 'resident3');
  const count = async (result: 'hit' | 'miss') => {
    const text = await scrape(s.app);
    const line = new RegExp(`^redsteward_cache_reads\\{section="caseDetails",result="${result}"\\} (\\d+)$`, 'm').exec(
      text,
    );
    return Number(line?.[1] ?? NaN);
  };
  const [hits, misses] = [await count('hit'), await count('miss')];
  await resident.get(`/api/v1/cases/${caseId}`);
  await resident.get(`/api/v1/cases/${caseId}`);
  expect(await count('miss')).toBe(misses + 1);
  expect(await count('hit')).toBe(hits + 1);
  expect(await scrape(s.app)).toMatch(/^redsteward_cache_entries\{section="caseDetails"\} [1-9]\d*$/m);
});
