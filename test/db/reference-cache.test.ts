// The reference cache (db/reference-cache.ts) over real change notifications (migration 0022): a committed change
// made anywhere — here, by plain SQL on a connection of its own — reaches the cache within milliseconds, and a
// notification connection that dies is noticed, read around and re-established.
import { Client, type Pool } from 'pg';
import { migrate } from '../../db/migrate';
import { listenForChanges, listenerConfig, type Change } from '../../db/notify';
import { createPool } from '../../db/pool';
import { readThrough } from '../../db/queries/reference';
import { createReferenceCache, type ReferenceCache } from '../../db/reference-cache';
import { seedDemo } from '../../db/seed';
import { DEMO, DEMO_USERS } from '../../db/seed-data';
import { startTestPostgres, type TestPostgres } from './postgres';
import { seenWithin } from '../helpers/poll';

let server: TestPostgres;
let pool: Pool;
/** Somebody else: a connection of its own, as psql or another process would be. */
let elsewhere: Client;
let cache: ReferenceCache;
const DAY = '2026-11-26';

beforeAll(async () => {
  server = await startTestPostgres();
  const url = await server.createDatabase('reference_cache');
  pool = createPool(url, { max: 4 });
  await migrate(pool);
  await seedDemo(pool);
  elsewhere = new Client({ connectionString: url });
  await elsewhere.connect();
  cache = await createReferenceCache(pool, { log: () => undefined });
}, 90_000);

afterAll(async () => {
  await cache?.close();
  await elsewhere?.end();
  await pool?.end();
  await server?.stop();
}, 30_000);

function countingQueries(): { count: () => number; restore: () => void } {
  const spy = jest.spyOn(pool, 'query');
  return { count: () => spy.mock.calls.length, restore: () => spy.mockRestore() };
}

test('the cache answers exactly what Postgres answers', async () => {
  const db = readThrough(pool);
  const ids = [DEMO.propertyCompanyOrgId, DEMO.communityOrgId, 'no-such-org'];
  expect(await cache.account(DEMO_USERS.resident1)).toEqual(await db.account(DEMO_USERS.resident1));
  expect(await cache.organizations(ids)).toEqual(await db.organizations(ids));
  expect(await cache.personNames([DEMO.partyMemberPersonId])).toEqual(await db.personNames([DEMO.partyMemberPersonId]));
  expect(await cache.category('lift')).toEqual(await db.category('lift'));
  expect(await cache.compound(DEMO.compound)).toEqual(await db.compound(DEMO.compound));
  expect(await cache.household(DEMO.resident1HouseholdId)).toEqual(await db.household(DEMO.resident1HouseholdId));
  expect(await cache.supervisionChain(DEMO.communityOrgId)).toEqual(await db.supervisionChain(DEMO.communityOrgId));
  expect(await cache.activeAgreement(DEMO.versionedCompound, DAY)).toEqual(
    await db.activeAgreement(DEMO.versionedCompound, DAY),
  );
  expect(await cache.calendarOverrides('2026-01-01', '2026-12-31')).toEqual(
    await db.calendarOverrides('2026-01-01', '2026-12-31'),
  );
  expect((await cache.account(DEMO_USERS.resident1)) as object).not.toHaveProperty('passwordHash');
});

test('a second read of the same reference data makes no SQL round trip', async () => {
  await cache.account(DEMO_USERS.handler1);
  await cache.category('lift');
  await cache.organizations([DEMO.propertyCompanyOrgId]);
  const queries = countingQueries();
  try {
    expect((await cache.account(DEMO_USERS.handler1))?.role).toBe('handler');
    expect((await cache.category('lift'))?.code).toBe('lift');
    expect((await cache.organizations([DEMO.propertyCompanyOrgId])).get(DEMO.propertyCompanyOrgId)?.kind).toBe(
      'property_company',
    );
    expect(queries.count()).toBe(0);
  } finally {
    queries.restore();
  }
});

test('an account deactivated by plain SQL on another connection is read as inactive within milliseconds', async () => {
  expect((await cache.account(DEMO_USERS.resident2))?.active).toBe(true);
  await elsewhere.query('UPDATE users SET active = false WHERE id = $1', [DEMO_USERS.resident2]);
  try {
    await seenWithin(
      () => cache.account(DEMO_USERS.resident2),
      (u) => u?.active === false,
    );
  } finally {
    await elsewhere.query('UPDATE users SET active = true WHERE id = $1', [DEMO_USERS.resident2]);
  }
  await seenWithin(
    () => cache.account(DEMO_USERS.resident2),
    (u) => u?.active === true,
  );
});

test('a change to one account leaves the other accounts cached', async () => {
  await cache.account(DEMO_USERS.handler2);
  await elsewhere.query(`UPDATE users SET role = 'supervisor', organization_id = $2 WHERE id = $1`, [
    DEMO_USERS.handler1,
    DEMO.communityOrgId,
  ]);
  try {
    await seenWithin(
      () => cache.account(DEMO_USERS.handler1),
      (u) => u?.role === 'supervisor',
    );
    const queries = countingQueries();
    try {
      expect((await cache.account(DEMO_USERS.handler2))?.role).toBe('handler');
      expect(queries.count()).toBe(0);
    } finally {
      queries.restore();
    }
  } finally {
    await elsewhere.query(`UPDATE users SET role = 'handler', organization_id = $2 WHERE id = $1`, [
      DEMO_USERS.handler1,
      DEMO.propertyCompanyOrgId,
    ]);
  }
});

test('a renamed organisation, a party member renamed on a household, a new agreement version and an override are seen at once', async () => {
  const name = async () =>
    (await cache.organizations([DEMO.propertyCompanyOrgId])).get(DEMO.propertyCompanyOrgId)?.nameZh;
  const member = async () => (await cache.household(DEMO.resident1HouseholdId))?.linkedPartyMember?.nameZh;
  const agreement = () => cache.activeAgreement(DEMO.compound, DAY);
  const overrides = () => cache.calendarOverrides('2026-12-01', '2026-12-31');
  const [oldName, oldMember, oldAgreement] = [await name(), await member(), await agreement()];
  expect(await overrides()).toEqual([]);

  await elsewhere.query(`UPDATE organizations SET name_zh = name_zh || '（新）' WHERE id = $1`, [
    DEMO.propertyCompanyOrgId,
  ]);
  await elsewhere.query(`UPDATE people SET name_zh = name_zh || '（新）' WHERE id = $1`, [DEMO.partyMemberPersonId]);
  await elsewhere.query(`UPDATE agreements SET terms = jsonb_set(terms, '{reworkLimit}', '3') WHERE id = $1`, [
    DEMO.agreementId,
  ]);
  await elsewhere.query(`INSERT INTO calendar_overrides (date, kind, note) VALUES ('2026-12-07', 'holiday', 'test')`);

  await seenWithin(name, (n) => n === `${oldName}（新）`);
  await seenWithin(member, (n) => n === `${oldMember}（新）`);
  expect(oldAgreement?.reworkLimit).not.toBe(3);
  await seenWithin(agreement, (a) => a?.reworkLimit === 3);
  await seenWithin(overrides, (o) => o.length === 1 && o[0].date === '2026-12-07');
});

test("a resident's contact and households follow a new household membership and a new phone number", async () => {
  const contact = () => cache.residentContact(DEMO_USERS.resident1);
  const before = await contact();
  expect(before).toEqual(await readThrough(pool).residentContact(DEMO_USERS.resident1));
  expect(before?.households.map((h) => h.id)).toContain(DEMO.resident1HouseholdId);
  const { rows } = await elsewhere.query(
    `SELECT h.id FROM households h WHERE h.id <> ALL($1::text[]) ORDER BY h.id LIMIT 1`,
    [before?.households.map((h) => h.id)],
  );
  const person = (await elsewhere.query('SELECT person_id FROM users WHERE id = $1', [DEMO_USERS.resident1])).rows[0]
    .person_id;
  await elsewhere.query('INSERT INTO household_members (household_id, person_id) VALUES ($1, $2)', [
    rows[0].id,
    person,
  ]);
  await seenWithin(contact, (c) => c?.households.some((h) => h.id === rows[0].id) === true);
  await elsewhere.query(`UPDATE users SET phone = '13900000000' WHERE id = $1`, [DEMO_USERS.resident1]);
  await seenWithin(contact, (c) => c?.phone === '13900000000');
});

test('a lost notification connection is read around, re-established, and nothing changed meanwhile is missed', async () => {
  const feed = await listenForChanges(listenerConfig(pool), { retryMs: 300, log: () => undefined });
  const mine = await createReferenceCache(pool, { feed });
  const events: (Change | 'reset')[] = [];
  feed.onChange((e) => events.push(e));
  try {
    expect(feed.live).toBe(true);
    const before = await mine.category('parking');
    await elsewhere.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'red-steward-listen' AND datname = current_database()`,
    );
    await seenWithin(
      async () => feed.live,
      (live) => !live,
    );
    // Down: a change now sends its notification to nobody, yet the next read sees it, from Postgres.
    await elsewhere.query(`UPDATE categories SET name_zh = '停车（改）' WHERE code = 'parking'`);
    expect((await mine.category('parking'))?.nameZh).toBe('停车（改）');
    await seenWithin(
      async () => feed.live,
      (live) => live,
    );
    expect(events.filter((e) => e === 'reset').length).toBeGreaterThanOrEqual(2); // lost, then listening again
    expect((await mine.category('parking'))?.nameZh).toBe('停车（改）');
    // Listening again: the next change arrives as a notification.
    await elsewhere.query(`UPDATE categories SET name_zh = $1 WHERE code = 'parking'`, [before?.nameZh]);
    await seenWithin(
      () => mine.category('parking'),
      (c) => c?.nameZh === before?.nameZh,
    );
    expect(events).toContainEqual({ table: 'categories' });
  } finally {
    await mine.close();
  }
  // The shared cache of this file reconnected by itself too.
  await seenWithin(
    async () => cache.live,
    (live) => live,
  );
});
