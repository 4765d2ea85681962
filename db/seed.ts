// Writes the demo district of db/seed-data.ts. Idempotent: every row is INSERT … ON CONFLICT (primary key)
// DO NOTHING in one transaction, so a second run, or two runs at once, change nothing and never half-seed.
// Rows that already exist are left as they are, including any an admin has edited since.
import bcrypt from 'bcryptjs';
import type { Pool, PoolClient } from 'pg';
import { withTransaction } from './pool';
import {
  AGREEMENTS,
  CATEGORIES,
  COMPOUNDS,
  DEMO_PASSWORD,
  DEMO_USERS,
  HOUSEHOLDS,
  ORGANIZATIONS,
  PEOPLE,
  USERS,
} from './seed-data';

type Row = Record<string, unknown>;

export async function seedDemo(pool: Pool): Promise<{ created: boolean }> {
  // One hash for every demo user: bcrypt at cost 10 takes ~70 ms, and the password is the same anyway.
  const passwordHash = await bcrypt.hash(DEMO_PASSWORD, 10);
  const inserted = await withTransaction(pool, async (client) => {
    let count = 0;
    for (const [table, key, rows] of demoTables(passwordHash)) {
      count += await insertMissing(client, table, key, rows);
    }
    return count;
  });
  return { created: inserted > 0 };
}

/** Tables in foreign-key order, each with its conflict target and rows as column → value. */
function demoTables(passwordHash: string): Array<[string, string[], Row[]]> {
  const compoundByCode = new Map(COMPOUNDS.map((c) => [c.code, c]));
  const personById = new Map(PEOPLE.map((p) => [p.id, p]));
  return [
    [
      'organizations',
      ['id'],
      ORGANIZATIONS.map((o) => ({
        id: o.id,
        kind: o.kind,
        parent_id: o.parentId,
        supervised_by: o.supervisedBy,
        name_zh: o.nameZh,
        name_en: o.nameEn,
      })),
    ],
    [
      'people',
      ['id'],
      PEOPLE.map((p) => ({
        id: p.id,
        name_zh: p.nameZh,
        name_en: p.nameEn,
        phone: p.phone,
        organization_id: p.organizationId,
        kind: p.kind,
      })),
    ],
    [
      'compounds',
      ['code'],
      COMPOUNDS.map((c) => ({
        code: c.code,
        name_zh: c.nameZh,
        name_en: c.nameEn,
        community_org_id: c.communityOrgId,
        property_company_org_id: `pc-${c.code}`,
        owners_committee_org_id: `oc-${c.code}`,
        address: c.address,
      })),
    ],
    [
      'households',
      ['id'],
      HOUSEHOLDS.map((h) => ({
        id: h.id,
        compound_code: h.compoundCode,
        building: h.building,
        unit: h.unit,
        room: h.room,
        linked_party_member_id: h.linkedPartyMemberId,
      })),
    ],
    [
      'household_members',
      ['household_id', 'person_id'],
      HOUSEHOLDS.flatMap((h) => h.memberIds.map((personId) => ({ household_id: h.id, person_id: personId }))),
    ],
    [
      'agreements',
      ['id'],
      AGREEMENTS.map((a) => {
        const compound = compoundByCode.get(a.compoundCode);
        if (!compound) throw new Error(`Agreement ${a.id} names unknown compound ${a.compoundCode}`);
        return {
          id: a.id,
          compound_code: a.compoundCode,
          community_org_id: compound.communityOrgId,
          owners_committee_org_id: `oc-${a.compoundCode}`,
          property_company_org_id: `pc-${a.compoundCode}`,
          // Stringified: pg would turn a top-level array into a Postgres array, and terms must stay JSON.
          terms: JSON.stringify(a.terms),
          valid_from: a.validFrom,
          valid_to: a.validTo,
          version: a.version,
        };
      }),
    ],
    [
      'categories',
      ['code'],
      CATEGORIES.map((c) => ({
        code: c.code,
        name_zh: c.nameZh,
        name_en: c.nameEn,
        tier: c.tier,
        default_handler_kind: c.defaultHandlerKind,
        owner_department_id: c.ownerDepartmentId,
        icon: c.icon,
        sort: c.sort,
        shared_facility: c.sharedFacility,
      })),
    ],
    [
      'users',
      ['id'],
      USERS.map((u) => ({
        id: DEMO_USERS[u.username],
        username: u.username,
        password_hash: passwordHash,
        role: u.role,
        organization_id: u.organizationId,
        person_id: u.personId,
        phone: u.personId ? (personById.get(u.personId)?.phone ?? null) : null,
      })),
    ],
  ];
}

/**
 * One multi-row INSERT per table. Table and column names come from the code above, never from input, so
 * interpolating them is safe; every value is a parameter. Returns how many rows were new. Only the columns the
 * table has: a database migrated part-way (an upgrade's tests seed an older schema) gets a later column from the
 * migration that adds it, which sets it for the seeded rows (0064's shared facilities).
 */
async function insertMissing(client: PoolClient, table: string, key: string[], rows: Row[]): Promise<number> {
  if (rows.length === 0) return 0;
  const { rows: existing } = await client.query<{ name: string }>(
    `SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`,
    [table],
  );
  const has = new Set(existing.map((c) => c.name));
  const columns = Object.keys(rows[0]).filter((c) => has.has(c));
  const values: unknown[] = [];
  const tuples = rows.map((row) => {
    const placeholders = columns.map((column) => {
      values.push(row[column]);
      return `$${values.length}`;
    });
    return `(${placeholders.join(', ')})`;
  });
  const result = await client.query(
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT (${key.join(', ')}) DO NOTHING`,
    values,
  );
  return result.rowCount ?? 0;
}
