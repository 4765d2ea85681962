import { randomUUID } from 'crypto';
import bcrypt from 'bcryptjs';
import type { Pool } from 'pg';
import { isRestrictViolation, isUniqueViolation } from '../../db/errors';
import { migrate, pendingMigration, readMigrations } from '../../db/migrate';
import { createPool } from '../../db/pool';
import * as ref from '../../db/queries/reference';
import { seedDemo } from '../../db/seed';
import { DEMO, DEMO_PASSWORD, DEMO_USERS } from '../../db/seed-data';
import { startTestPostgres, type TestPostgres } from './postgres';

const SEEDED_TABLES = [
  'organizations',
  'people',
  'compounds',
  'households',
  'household_members',
  'agreements',
  'categories',
  'users',
  'responsibility_duties',
];

let server: TestPostgres;
let pool: Pool;
const extraPools: Pool[] = [];

beforeAll(async () => {
  server = await startTestPostgres();
  pool = createPool(await server.createDatabase('migrate_seed'));
}, 90_000);

afterAll(async () => {
  await Promise.all([pool, ...extraPools].map((p) => p?.end()));
  await server?.stop();
}, 30_000);

async function freshPool(): Promise<Pool> {
  const p = createPool(await server.createDatabase('migrate_extra'));
  extraPools.push(p);
  return p;
}

async function rowCounts(db: Pool): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of SEEDED_TABLES) {
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
    counts[table] = rows[0].n;
  }
  return counts;
}

/** The error a statement fails with; fails the test if it succeeds. */
async function failure(statement: Promise<unknown>): Promise<unknown> {
  return statement.then(
    () => {
      throw new Error('expected the statement to be refused');
    },
    (err: unknown) => err,
  );
}

async function insertCase(db: Pool): Promise<string> {
  const id = randomUUID();
  await db.query(
    `INSERT INTO cases (id, tracking_code, workflow_id, category_code, compound_code, location, description,
                        status, stage, level, community_org_id)
     VALUES ($1, $2, $3, 'leak', $4, '{"building":"1"}', '楼上漏水', 'submitted', 'collect', 'community_committee', $5)`,
    [id, `RS-${id.slice(0, 8)}`, `case-${id}`, DEMO.compound, DEMO.communityOrgId],
  );
  return id;
}

describe('migrations', () => {
  test('a fresh database gets every migration in order, and a second run applies nothing', async () => {
    const names = readMigrations().map((m) => m.name);
    expect(await migrate(pool)).toEqual(names);
    expect(await migrate(pool)).toEqual([]);
    const { rows } = await pool.query('SELECT name FROM schema_migrations ORDER BY name');
    expect(rows.map((r) => r.name)).toEqual(names);
  });

  test('two starters migrating one database at once apply each file exactly once', async () => {
    const db = await freshPool();
    const [a, b] = await Promise.all([migrate(db), migrate(db)]);
    expect([...a, ...b].sort()).toEqual(readMigrations().map((m) => m.name));
  });

  test('a migration edited after it was applied stops the runner', async () => {
    const db = await freshPool();
    await migrate(db);
    await db.query(`UPDATE schema_migrations SET checksum = 'edited' WHERE name = '0002_users.sql'`);
    await expect(migrate(db)).rejects.toThrow(/0002_users\.sql was changed after it was applied/);
  });

  test('a new file numbered before an applied one is refused', () => {
    const [first, second] = readMigrations();
    expect(() => pendingMigration([first, second], [{ name: second.name, checksum: second.checksum }])).toThrow(
      /must be appended/,
    );
  });
});

describe('demo seed', () => {
  test('seeding twice leaves every table exactly as the first run left it', async () => {
    expect(await seedDemo(pool)).toEqual({ created: true });
    const first = await rowCounts(pool);
    expect(first).toMatchObject({ compounds: 8, categories: 11, users: Object.keys(DEMO_USERS).length });
    expect(await seedDemo(pool)).toEqual({ created: false });
    expect(await rowCounts(pool)).toEqual(first);
  });

  test('resident1 signs in with the demo password and not with another', async () => {
    const user = await ref.getUserByUsername(pool, 'resident1');
    expect(user).toMatchObject({ id: DEMO_USERS.resident1, role: 'resident', phone: '13800000001', active: true });
    expect(await bcrypt.compare(DEMO_PASSWORD, user!.passwordHash!)).toBe(true);
    expect(await bcrypt.compare('wrong', user!.passwordHash!)).toBe(false);
    expect(await ref.getUserByPhone(pool, '13800000001')).toEqual(user);
  });
});

describe('history cannot be rewritten', () => {
  test('case events can be appended but not updated or deleted, and a case cannot be deleted', async () => {
    const caseId = await insertCase(pool);
    await pool.query(
      `INSERT INTO case_events (case_id, seq, type, actor, at) VALUES ($1, 1, 'submitted', '{"role":"resident"}', now())`,
      [caseId],
    );
    const update = pool.query(`UPDATE case_events SET type = 'forged' WHERE case_id = $1`, [caseId]);
    expect(isRestrictViolation(await failure(update))).toBe(true);
    expect(isRestrictViolation(await failure(pool.query('DELETE FROM case_events WHERE case_id = $1', [caseId])))).toBe(
      true,
    );
    expect(isRestrictViolation(await failure(pool.query('DELETE FROM cases WHERE id = $1', [caseId])))).toBe(true);
    expect(isRestrictViolation(await failure(pool.query('TRUNCATE case_events')))).toBe(true);
    const { rows } = await pool.query('SELECT type FROM case_events WHERE case_id = $1', [caseId]);
    expect(rows).toEqual([{ type: 'submitted' }]);
  });

  test('an accountability record is written once per dedupe key', async () => {
    const caseId = await insertCase(pool);
    const write = () =>
      pool.query(
        `INSERT INTO accountability_records (case_id, organization_id, duty_code, reason, source, deadline_kind, dedupe_key)
         VALUES ($1, $2, 'property_company.respond_in_time', '超时未响应', 'breach', 'response', $3)`,
        [caseId, DEMO.propertyCompanyOrgId, `${caseId}:2`],
      );
    await write();
    expect(isUniqueViolation(await failure(write()), 'accountability_records_dedupe_key_key')).toBe(true);
  });

  test('an assessment score cannot be rewritten, but its adjustment summary can', async () => {
    const { rows } = await pool.query<{ id: string }>(
      `INSERT INTO assessments (organization_id, agreement_id, period_start, period_end, rates, weights, score)
       VALUES ($1, $2, '2025-01-01', '2025-03-31', '{}', '{}', 87.5) RETURNING id`,
      [DEMO.propertyCompanyOrgId, DEMO.agreementId],
    );
    const id = rows[0].id;
    expect(
      isRestrictViolation(await failure(pool.query('UPDATE assessments SET score = 99 WHERE id = $1', [id]))),
    ).toBe(true);
    await pool.query(`UPDATE assessments SET adjustment = '{"total": -2, "count": 1}' WHERE id = $1`, [id]);
    const after = await pool.query('SELECT score::float AS score, adjustment FROM assessments WHERE id = $1', [id]);
    expect(after.rows[0]).toEqual({ score: 87.5, adjustment: { total: -2, count: 1 } });
  });
});

describe('reference queries', () => {
  test("demo-fast's agreement comes back in the domain AgreementTerms shape, counting in seconds", async () => {
    const fast = { response: { unit: 'seconds', amount: 15 }, resolution: { unit: 'seconds', amount: 60 } };
    expect(await ref.getActiveAgreement(pool, DEMO.compound, new Date())).toEqual({
      id: DEMO.agreementId,
      deadlines: { emergency: fast, utilities: fast, general: fast, complex: fast },
      reminderPoints: [0.5, 0.75],
      evaluationWindow: { unit: 'seconds', amount: 60 },
      reworkLimit: 1,
      weights: { response: 0.3, resolution: 0.3, satisfaction: 0.3, onTime: 0.1 },
      // The fairness rules' terms count in seconds too, so a return left undecided breaches within the minute.
      fairness: {
        decisionTime: { unit: 'seconds', amount: 20 },
        extensionMaxCount: 2,
        extensionMaxTotal: { unit: 'seconds', amount: 60 },
        maxPause: { unit: 'seconds', amount: 30 },
        topRungCadence: { unit: 'seconds', amount: 15 },
        noticeAfter: 2,
      },
      assessment: { minEvaluated: 3, followUpTime: { unit: 'seconds', amount: 30 } },
      // Three lift cases in one building within a day make a repeat problem (重复问题) a demo can show.
      governance: { repeatCount: 3, repeatWindowDays: 1 },
    });
  });

  test('the agreement in force depends on the day, read in China time', async () => {
    const at = async (day: Date | string) => (await ref.getActiveAgreement(pool, DEMO.versionedCompound, day))?.id;
    expect(await at('2022-06-01')).toBeUndefined();
    expect(await at('2024-12-31')).toBe('agr-xinghai-garden-v1');
    expect(await at('2025-01-01')).toBe('agr-xinghai-garden-v2');
    // 2024-12-31 16:30 UTC is already 2025-01-01 in Suzhou.
    expect(await at(new Date('2024-12-31T16:30:00Z'))).toBe('agr-xinghai-garden-v2');
  });

  test("demo-fast's community is supervised by its street committee and the organisation department", async () => {
    const compound = await ref.getCompound(pool, DEMO.compound);
    expect(compound).toMatchObject({
      communityOrgId: DEMO.communityOrgId,
      propertyCompanyOrgId: DEMO.propertyCompanyOrgId,
      ownersCommitteeOrgId: DEMO.ownersCommitteeOrgId,
    });
    expect(await ref.getSupervisionChain(pool, compound!.communityOrgId)).toEqual({
      communityOrgId: DEMO.communityOrgId,
      streetOrgId: DEMO.streetOrgId,
      organizationDepartmentId: DEMO.organizationDepartmentId,
    });
    expect(await ref.getSupervisionChain(pool, DEMO.propertyCompanyOrgId)).toBeNull();
  });

  test("resident1's household is linked to party member member1", async () => {
    const household = await ref.findHouseholdForResident(pool, DEMO_USERS.resident1);
    expect(household).toMatchObject({ id: DEMO.resident1HouseholdId, compoundCode: DEMO.compound });
    expect(household!.linkedPartyMember).toMatchObject({
      personId: DEMO.partyMemberPersonId,
      organizationId: DEMO.gridBranchOrgId,
    });
    const member1 = await ref.getUserByUsername(pool, 'member1');
    expect(member1).toMatchObject({ role: 'party_member', personId: DEMO.partyMemberPersonId });
    expect(await ref.findHouseholdForResident(pool, DEMO_USERS.handler1)).toBeNull();
  });

  test('illegal construction belongs to urban management from the start', async () => {
    expect(await ref.getCategory(pool, 'illegal_construction')).toMatchObject({
      tier: 'complex',
      defaultHandlerKind: 'functional_department',
      ownerDepartmentId: DEMO.departments.urban,
    });
    expect(await ref.departmentForCategory(pool, 'lift')).toBe(DEMO.departments.market);
    const codes = (await ref.listCategories(pool)).map((c) => c.code);
    expect(codes[0]).toBe('fire_safety');
    expect(codes).toHaveLength(11);
  });

  test('calendar overrides come back as plain dates within the range', async () => {
    await pool.query(
      `INSERT INTO calendar_overrides (date, kind, note) VALUES ('2026-02-14', 'workday', '春节调休'), ('2026-02-16', 'holiday', '春节')`,
    );
    expect(await ref.listCalendarOverrides(pool, '2026-02-01', '2026-02-15')).toEqual([
      { date: '2026-02-14', kind: 'workday', note: '春节调休' },
    ]);
  });
});
