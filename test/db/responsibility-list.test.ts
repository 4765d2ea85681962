// The responsibility list (责任清单) of migration 0031 on a real PostgreSQL: the six areas with three duties each for
// every kind of Party organisation, a duty for everything the loop records against every kind it charges, exactly one
// duty of the organisation's own kind on every record — and the records and assessments written before 0031 carried
// over (a record without a duty given the one its source names, renamed duties followed).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Pool } from 'pg';
import { CHECK_VIOLATION, NOT_NULL_VIOLATION } from '../../db/errors';
import { migrate, MIGRATIONS_DIR } from '../../db/migrate';
import { createPool } from '../../db/pool';
import { seedDemo } from '../../db/seed';
import { DEMO } from '../../db/seed-data';
import { HANDLER_KINDS } from '../../domain/types';
import { startTestPostgres, type TestPostgres } from './postgres';

let server: TestPostgres;
let pool: Pool;
const legacy: Record<string, string> = {};

/** The migrations before 0031, in a folder of their own: the database as 0.2.0 left it. */
function migrationsBefore(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rs-migrations-'));
  for (const f of fs.readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql') && f < name))
    fs.copyFileSync(path.join(MIGRATIONS_DIR, f), path.join(dir, f));
  return dir;
}

async function record(source: string, org: string, duty: string | null, deadline: string | null): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO accountability_records (organization_id, duty_code, reason, source, deadline_kind, dedupe_key)
     VALUES ($1, $2, '旧记录', $3, $4, gen_random_uuid()::text) RETURNING id`,
    [org, duty, source, deadline],
  );
  return rows[0].id;
}

beforeAll(async () => {
  server = await startTestPostgres();
  pool = createPool(await server.createDatabase('responsibility_list'));
  await migrate(pool, migrationsBefore('0031'));
  await seedDemo(pool);
  // What 0.2.0 could have written: an owners' committee's dissatisfaction and a department's silence with no duty
  // (before 0030 listed them), and findings on the two duties 0031 renames.
  legacy.unsatisfied = await record('unsatisfied', DEMO.ownersCommitteeOrgId, null, null);
  legacy.silence = await record('silence', DEMO.departments.urban, null, 'decision');
  legacy.followUp = await record('finding', DEMO.communityOrgId, 'community_committee.assign_follow_up', null);
  legacy.report = await record('finding', 'street-huxi', 'street_committee.report_cross_department', null);
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO assessments (organization_id, agreement_id, period_start, period_end, rates, weights, score)
     VALUES ($1, $2, '2025-01-01', '2025-02-01', '{}', '{}', 87.5) RETURNING id`,
    [DEMO.propertyCompanyOrgId, DEMO.agreementId],
  );
  legacy.assessment = rows[0].id;
  await migrate(pool);
}, 120_000);

afterAll(async () => {
  await pool?.end();
  await server?.stop();
});

const PARTY_KINDS = ['organization_department', 'street_committee', 'community_committee', 'grid_branch'];

test('every kind of Party organisation has eighteen duties, three in each of the six areas', async () => {
  const { rows } = await pool.query<{ kind: string; area: string; n: number }>(
    `SELECT d.organization_kind AS kind, a.title_zh AS area, count(*)::int AS n
       FROM responsibility_duties d JOIN responsibility_areas a ON a.code = d.area
      WHERE d.organization_kind = ANY($1) GROUP BY 1, 2, a.sort ORDER BY 1, a.sort`,
    [PARTY_KINDS],
  );
  const areas = ['政治统领', '组织统联', '阵地统建', '队伍统管', '资源统筹', '治理统筹'];
  expect(rows).toEqual([...PARTY_KINDS].sort().flatMap((kind) => areas.map((area) => ({ kind, area, n: 3 }))));
  // Handlers keep their service duties, outside the areas.
  const service = await pool.query(
    `SELECT count(*)::int AS n FROM responsibility_duties WHERE area IS NULL AND organization_kind <> ALL($1)`,
    [PARTY_KINDS],
  );
  expect(service.rows[0].n).toBeGreaterThanOrEqual(HANDLER_KINDS.length * 3);
});

test('everything the loop records names a duty the list holds, for every kind of organisation it charges', async () => {
  // domain/ladder.ts, case-machine.ts (breach, silence, dissatisfaction, callback), domain/duty-watch.ts and topics.
  const charged: [string, string][] = [
    ...HANDLER_KINDS.flatMap((k) =>
      ['respond_in_time', 'resolve_in_time', 'satisfy_residents'].map((d): [string, string] => [k, d]),
    ),
    ...['community_committee', 'street_committee', 'organization_department', 'functional_department'].map(
      (k): [string, string] => [k, 'decide_in_time'],
    ),
    ['community_committee', 'callback'],
    ...PARTY_KINDS.flatMap((k) => ['follow_up', 'forward'].map((d): [string, string] => [k, d])),
    // A governance topic's breach (db/queries/topics.ts): a handler's task, a Party organisation's supervision.
    ...HANDLER_KINDS.map((k): [string, string] => [k, 'topic_task_in_time']),
    ...PARTY_KINDS.map((k): [string, string] => [k, 'supervise']),
  ];
  const { rows } = await pool.query<{ code: string }>('SELECT code FROM responsibility_duties');
  const codes = new Set(rows.map((r) => r.code));
  expect(charged.map(([k, d]) => `${k}.${d}`).filter((c) => !codes.has(c))).toEqual([]);
});

test('records written before 0031 name the duty their source names, and renamed duties are followed', async () => {
  const { rows } = await pool.query<{ id: string; duty: string }>(
    'SELECT id, duty_code AS duty FROM accountability_records',
  );
  const duty = Object.fromEntries(rows.map((r) => [r.id, r.duty]));
  expect(duty[legacy.unsatisfied]).toBe('owners_committee.satisfy_residents');
  expect(duty[legacy.silence]).toBe('functional_department.decide_in_time');
  expect(duty[legacy.followUp]).toBe('community_committee.follow_up');
  expect(duty[legacy.report]).toBe('street_committee.forward');
  // The record itself still never changes.
  await expect(
    pool.query(`UPDATE accountability_records SET reason = 'x' WHERE id = $1`, [legacy.followUp]),
  ).rejects.toThrow('immutable');
});

test('a record must name exactly one duty, and a duty of its own organisation’s kind', async () => {
  await expect(record('finding', DEMO.propertyCompanyOrgId, null, null)).rejects.toMatchObject({
    code: NOT_NULL_VIOLATION,
  });
  await expect(
    record('finding', DEMO.propertyCompanyOrgId, 'owners_committee.respond_in_time', null),
  ).rejects.toMatchObject({ code: CHECK_VIOLATION });
  await expect(record('finding', DEMO.communityOrgId, 'street_committee.coordinate', null)).rejects.toMatchObject({
    code: CHECK_VIOLATION,
  });
  await expect(record('finding', DEMO.communityOrgId, 'community_committee.disclose', null)).resolves.toEqual(
    expect.any(String),
  );
});

test('assessments computed before 0031 keep their score and are the agreement community committee’s', async () => {
  const { rows } = await pool.query(
    'SELECT score::float8 AS score, status, assessor_org_id AS assessor FROM assessments WHERE id = $1',
    [legacy.assessment],
  );
  expect(rows[0]).toEqual({ score: 87.5, status: 'scored', assessor: DEMO.communityOrgId });
});
