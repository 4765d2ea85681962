// The invalidated cache (db/cache.ts) against a feed the test drives: what is kept, what a change, a reset or the
// TTL drops, and the races it must not lose. The same cache over real notifications: reference-cache.test.ts.
import { InvalidatedCache, type SectionOptions } from '../../db/cache';
import type { Change, ChangeFeed, ChangeHandler } from '../../db/notify';

class TestFeed implements ChangeFeed {
  live = true;
  private readonly handlers: ChangeHandler[] = [];
  onChange(handler: ChangeHandler): void {
    this.handlers.push(handler);
  }
  emit(change: Change | 'reset'): void {
    for (const h of this.handlers) h(change);
  }
  async close(): Promise<void> {
    this.live = false;
  }
}

/** A loader that counts its calls and answers `value()` (what "Postgres" holds now). */
function source<V>(value: () => V) {
  const loader = { calls: 0, load: async () => (loader.calls++, value()) };
  return loader;
}

function setUp<V>(opts: Partial<SectionOptions<V>> = {}, clock = { now: 0 }) {
  const feed = new TestFeed();
  const cache = new InvalidatedCache(feed, { ttlMs: 60_000, now: () => clock.now });
  const section = cache.section<V>('test', { tables: ['categories'], maxEntries: 3, ...opts });
  return { feed, cache, section, clock };
}

test('a second read is answered from memory, and a change to its table makes the next read go to Postgres', async () => {
  const { feed, section } = setUp<string>();
  let name = '电梯';
  const db = source(() => name);
  expect(await section.get('lift', db.load)).toBe('电梯');
  expect(await section.get('lift', db.load)).toBe('电梯');
  expect(db.calls).toBe(1);
  name = '电梯故障';
  feed.emit({ table: 'compounds' }); // another table: nothing to drop
  expect(await section.get('lift', db.load)).toBe('电梯');
  feed.emit({ table: 'categories' });
  expect(await section.get('lift', db.load)).toBe('电梯故障');
  expect(db.calls).toBe(2);
});

test('an answer read while its table changed is returned but not kept', async () => {
  const { feed, section } = setUp<string>();
  let release!: (v: string) => void;
  const slow = section.get('lift', () => new Promise<string>((resolve) => (release = resolve)));
  // The read began before the change; its answer may predate it, whatever order the two arrive in.
  feed.emit({ table: 'categories' });
  release('old name');
  expect(await slow).toBe('old name');
  const db = source(() => 'new name');
  expect(await section.get('lift', db.load)).toBe('new name');
  expect(db.calls).toBe(1);
});

test('while the feed is not live every read goes to Postgres and nothing is kept; a reset drops everything', async () => {
  const { feed, section } = setUp<string>();
  const db = source(() => 'value');
  await section.get('a', db.load);
  await section.get('b', db.load);
  feed.live = false;
  feed.emit('reset');
  await section.get('a', db.load);
  await section.get('a', db.load);
  expect(db.calls).toBe(4);
  feed.live = true;
  feed.emit('reset');
  await section.get('a', db.load);
  await section.get('a', db.load);
  await section.get('b', db.load);
  expect(db.calls).toBe(6);
  expect(section.size).toBe(2);
});

test('an entry older than the TTL is read again even without a change', async () => {
  const { section, clock } = setUp<string>();
  const db = source(() => 'value');
  await section.get('a', db.load);
  clock.now = 59_999;
  await section.get('a', db.load);
  expect(db.calls).toBe(1);
  clock.now = 60_000;
  await section.get('a', db.load);
  expect(db.calls).toBe(2);
});

test('a change naming one row drops only that row in a section keyed by row; a change without one drops all', async () => {
  const { feed, section } = setUp<string>({ tables: ['users'], keyedByRow: true });
  const db = source(() => 'account');
  await section.get('u-1', db.load);
  await section.get('u-2', db.load);
  feed.emit({ table: 'users', id: 'u-1' });
  await section.get('u-1', db.load);
  await section.get('u-2', db.load);
  expect(db.calls).toBe(3);
  feed.emit({ table: 'users' }); // TRUNCATE
  await section.get('u-2', db.load);
  expect(db.calls).toBe(4);
});

test('a full section drops the least recently used entry first', async () => {
  const { section } = setUp<string>();
  const db = source(() => 'value');
  for (const key of ['a', 'b', 'c']) await section.get(key, db.load);
  await section.get('a', db.load); // a is now the most recently used
  await section.get('d', db.load); // drops b
  expect(section.size).toBe(3);
  const calls = db.calls;
  await section.get('a', db.load);
  await section.get('c', db.load);
  await section.get('d', db.load);
  expect(db.calls).toBe(calls);
  await section.get('b', db.load);
  expect(db.calls).toBe(calls + 1);
});

test('answers refused by keep() are returned but read again next time', async () => {
  const { section } = setUp<string | null>({ keep: (v) => v !== null });
  const db = source(() => null);
  expect(await section.get('made-up', db.load)).toBeNull();
  expect(await section.get('made-up', db.load)).toBeNull();
  expect(db.calls).toBe(2);
});

test('getMany asks only for the keys it does not hold, in one call, and keeps what came back', async () => {
  const { section } = setUp<{ name: string }>({ maxEntries: 10 });
  const asked: string[][] = [];
  const load = async (keys: string[]) => {
    asked.push(keys);
    return new Map(keys.filter((k) => k !== 'missing').map((k) => [k, { name: k.toUpperCase() }]));
  };
  await section.getMany(['a', 'b'], load);
  const found = await section.getMany(['a', 'b', 'c', 'missing', 'c'], load);
  expect(asked).toEqual([
    ['a', 'b'],
    ['c', 'missing'],
  ]);
  expect([...found.entries()]).toEqual([
    ['a', { name: 'A' }],
    ['b', { name: 'B' }],
    ['c', { name: 'C' }],
  ]);
});

test('a kept answer is frozen: one request cannot change what the next one reads', async () => {
  const { section } = setUp<{ terms: { reworkLimit: number; points: number[] } }>();
  const kept = await section.get('agr', async () => ({ terms: { reworkLimit: 1, points: [0.5] } }));
  expect(() => {
    kept.terms.reworkLimit = 2;
  }).toThrow(TypeError);
  expect(() => kept.terms.points.push(0.9)).toThrow(TypeError);
});
