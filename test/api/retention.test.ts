// Retention: RETENTION_DAYS after a case closes, nothing about the resident is left in it — name, phone, account,
// household, unit and room, what anyone wrote, the photos — and every rate reads the same as before. A case closed
// since is untouched, a second run changes nothing, two workers never take one case twice, and case history stays
// append-only for everyone else.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { folderPhotoStorage } from '../../api/storage';
import { anonymiseExpired } from '../../services/retention';
import { eventually } from '../helpers/cases';
import { as, intakeBody, startApiStack, type ApiStack } from './helpers';

let s: ApiStack;
beforeAll(async () => {
  s = await startApiStack();
});
afterAll(async () => {
  await s?.close();
});

const NAME = '王秘密';
const PHONE = '13912340000';
const ROOM = '902室';
const UNIT = '3单元';
const ADDRESS = '湖景路88号王宅';
const SECRETS = [NAME, PHONE, ROOM, UNIT, ADDRESS, 'u-resident3', 'p-resident3'];
const DAY = 86_400_000;

const png = async (blue: number) =>
  `data:image/png;base64,${(
    await sharp({ create: { width: 4, height: 4, channels: 3, background: { r: 0, g: 0, b: blue } } })
      .png()
      .toBuffer()
  ).toString('base64')}`;
const photoFiles = () => fs.readdirSync(path.join(s.dataDir, 'photos')).filter((f) => !f.startsWith('.'));

async function file(photos: string[] = []): Promise<string> {
  const body = intakeBody({
    location: { building: '5', unit: UNIT, room: ROOM, address: ADDRESS },
    description: `${NAME}家门口的下水道堵了，请打${PHONE}`,
    contact: { name: NAME, phone: PHONE },
    photos,
  });
  const res = await (await as(s.app, 'resident3')).post('/api/v1/cases', body);
  expect(res.statusCode).toBe(201);
  return res.json().caseId;
}

async function act(user: 'resident3' | 'handler2', caseId: string, action: string, body: object = {}) {
  const res = await (await as(s.app, user)).act(caseId, action, body);
  expect([action, res.statusCode, res.body]).toEqual([action, 200, expect.anything()]);
}

const closedAt = (caseId: string) =>
  eventually(async () =>
    (
      await s.pool.query<{ closed_at: Date | null }>('SELECT closed_at FROM cases WHERE id = $1', [caseId])
    ).rows[0].closed_at?.getTime(),
  );
const rowOf = async (caseId: string) =>
  (await s.pool.query('SELECT to_jsonb(c) AS row FROM cases c WHERE id = $1', [caseId])).rows[0].row;
const eventsOf = async (caseId: string) =>
  (
    await s.pool.query('SELECT seq, type, at, actor, payload FROM case_events WHERE case_id = $1 ORDER BY seq', [
      caseId,
    ])
  ).rows;

/** Every measure a supervisor reads for this month, by the groupings that use what anonymising keeps. */
async function rates() {
  const period = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7);
  const community = await as(s.app, 'community1');
  const out: Record<string, unknown> = {};
  for (const groupBy of ['handler', 'building', 'category', 'compound']) {
    const res = await community.get(`/api/v1/stats/rates?period=${period}&groupBy=${groupBy}`);
    expect(res.statusCode).toBe(200);
    out[groupBy] = res.json();
  }
  return out;
}

const PERSONAL_COLUMNS = [
  'resident_user_id',
  'resident_name',
  'resident_phone',
  'household_id',
  'contact_preference',
  'intake_key',
  'filed_by',
  'co_complainants',
  'location',
  'description',
  'photos',
  'intake',
  'anonymised_at',
  'updated_at',
];
const FREE_TEXT = ['note', 'summary', 'evidence', 'reason', 'message', 'comment', 'text', 'findings', 'residentUserId'];
const without = (o: Record<string, unknown>, keys: string[]) =>
  Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));

test('a case closed longer than the retention period loses its personal data and photos; the rates stay the same', async () => {
  const [ownPhoto, sharedPhoto] = [await png(200), await png(100)];
  // Old: a whole loop with free text at every step, and two photos, one of which an open case also holds.
  const old = await file([ownPhoto, sharedPhoto]);
  await act('handler2', old, 'acknowledge', { note: `已电话联系${NAME}` });
  await act('resident3', old, 'add-information', { text: `我的电话是${PHONE}，住${ROOM}` });
  await act('handler2', old, 'progress', { note: `${NAME}说晚上在家` });
  await act('handler2', old, 'resolve', { summary: `已为${NAME}疏通`, evidence: [`${ROOM}门口照片`] });
  await act('resident3', old, 'evaluate', { satisfaction: 'satisfied', solved: true, comment: `谢谢，我是${NAME}` });
  const withdrawn = await file();
  await act('resident3', withdrawn, 'withdraw', { reason: `${NAME}自己修好了` });
  const open = await file([sharedPhoto]);
  const oldClosed = Math.max(await closedAt(old), await closedAt(withdrawn));
  await new Promise((r) => setTimeout(r, 50));
  // Recent: closed after the cut-off this run uses.
  const recent = await file([await png(50)]);
  await act('resident3', recent, 'withdraw', { reason: `${NAME}不需要了` });
  const recentClosed = await closedAt(recent);
  // A code that verified the contact phone, with the SMS that carried it (migration 0042).
  const code = await s.pool.query<{ id: string }>(
    `INSERT INTO contact_codes (case_id, phone, code_hash, requested_by, expires_at) VALUES ($1, $2, 'h', 'u-resident3', now()) RETURNING id`,
    [old, PHONE],
  );
  await s.pool.query(
    `INSERT INTO notification_outbox (dedupe_key, channel, recipient, template, payload) VALUES ($1, 'sms', $2, 'case.contact_code', '{}')`,
    [`contact-code:${code.rows[0].id}`, JSON.stringify({ phone: PHONE })],
  );

  const [oldRow, oldEvents, recentRow, openRow] = [
    await rowOf(old),
    await eventsOf(old),
    await rowOf(recent),
    await rowOf(open),
  ];
  expect(JSON.stringify([oldRow, oldEvents])).toEqual(expect.stringContaining(NAME)); // so the test can fail
  const ratesBefore = await rates();
  // The old cases are in them: one evaluated satisfied, in building 5 of lakeview.
  const building = ratesBefore.building as {
    items: { id: string; rates: { cases: number; satisfactionRate: { numerator: number } } }[];
  };
  expect(building.items.find((g) => g.id === 'lakeview/5')?.rates).toMatchObject({
    satisfactionRate: { numerator: 1 },
  });
  const filesBefore = photoFiles();
  expect(filesBefore).toHaveLength(3);

  // Two workers at once, one case per batch: each case is taken once.
  const now = Math.floor((oldClosed + recentClosed) / 2) + 365 * DAY;
  const storage = folderPhotoStorage(path.join(s.dataDir, 'photos'));
  const runs = await Promise.all(
    [1, 2].map(() => anonymiseExpired(s.pool, storage, { retentionDays: 365, now, batchSize: 1 })),
  );
  expect(runs.reduce((n, r) => n + r.cases, 0)).toBe(2);
  expect(runs.reduce((n, r) => n + r.photos, 0)).toBe(1);

  const [after, afterEvents] = [await rowOf(old), await eventsOf(old)];
  for (const secret of SECRETS) {
    expect(JSON.stringify([after, afterEvents, await rowOf(withdrawn), await eventsOf(withdrawn)])).not.toContain(
      secret,
    );
  }
  expect(after).toMatchObject({
    resident_user_id: null,
    resident_name: null,
    resident_phone: null,
    household_id: null,
    description: '',
    photos: [],
    location: { building: '5' },
  });
  expect(new Date(after.anonymised_at).getTime()).toBe(now);
  // Everything else — status, outcome, satisfaction, dates, deadlines, counts, organisations — as it was.
  expect(without(after, PERSONAL_COLUMNS)).toEqual(without(oldRow, PERSONAL_COLUMNS));
  expect(without(after.intake, ['residentUserId', 'householdId'])).toEqual(
    without(oldRow.intake, ['residentUserId', 'householdId']),
  );
  expect(
    afterEvents.map((e) => [
      e.seq,
      e.type,
      e.at,
      without(e.payload, FREE_TEXT),
      without(e.actor, ['userId', 'personId']),
    ]),
  ).toEqual(
    oldEvents.map((e) => [
      e.seq,
      e.type,
      e.at,
      without(e.payload, FREE_TEXT),
      without(e.actor, ['userId', 'personId']),
    ]),
  );
  expect((await s.pool.query('SELECT count(*)::int AS n FROM contact_codes WHERE case_id = $1', [old])).rows[0].n).toBe(
    0,
  );
  expect(
    (await s.pool.query(`SELECT count(*)::int AS n FROM notification_outbox WHERE recipient->>'phone' = $1`, [PHONE]))
      .rows[0].n,
  ).toBe(0);
  // The old case's own photo is gone; the one an open case still holds stays, as do the recent case's.
  expect(photoFiles().sort()).toEqual(filesBefore.filter((f) => f !== oldRow.photos[0]).sort());
  expect(photoFiles()).toEqual(expect.arrayContaining([oldRow.photos[1], ...openRow.photos, ...recentRow.photos]));

  expect(await rates()).toEqual(ratesBefore);
  expect(await rowOf(recent)).toEqual(recentRow);
  expect(await rowOf(open)).toEqual(openRow);
  // The case still reads, timeline and all, with nothing personal in it.
  const detail = await (await as(s.app, 'community1')).get(`/api/v1/cases/${old}`);
  expect(detail.statusCode).toBe(200);
  expect(detail.json()).toMatchObject({
    status: 'closed',
    outcome: 'satisfied',
    description: '',
    resident: { name: null, phone: null },
  });
  expect(detail.json().timeline).toHaveLength(oldEvents.length);

  // Again, even much later for the old ones: nothing more changes.
  expect(await anonymiseExpired(s.pool, storage, { retentionDays: 365, now })).toEqual({ cases: 0, photos: 0 });
  expect([await rowOf(old), await eventsOf(old)]).toEqual([after, afterEvents]);
});

test('case history stays append-only: only the retention job may remove personal data, and only of an anonymised case', async () => {
  const anonymised = await file();
  await act('resident3', anonymised, 'withdraw', { reason: `${NAME}自己修好了` });
  const kept = await file();
  await act('resident3', kept, 'withdraw', { reason: `${NAME}自己修好了` });
  await closedAt(anonymised);
  await closedAt(kept);
  await s.pool.query(`UPDATE cases SET anonymised_at = now() WHERE id = $1`, [anonymised]);

  const attempt = async (sql: string, caseId: string, asRetention: boolean) => {
    const client = await s.pool.connect();
    try {
      await client.query('BEGIN');
      if (asRetention) await client.query(`SELECT set_config('redsteward.retention', 'on', true)`);
      await client.query(sql, [caseId]);
      return 'allowed';
    } catch (err) {
      return (err as { code?: string }).code;
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  };
  const strip = `UPDATE case_events SET payload = anonymised_event_payload(payload), actor = anonymised_event_actor(actor) WHERE case_id = $1`;
  expect(await attempt(strip, anonymised, false)).toBe('23001'); // without the job's setting
  expect(await attempt(strip, kept, true)).toBe('23001'); // a case not anonymised
  expect(await attempt(strip, anonymised, true)).toBe('allowed');
  // Even as the job: no other change, and no deletion.
  expect(
    await attempt(
      `UPDATE case_events SET payload = payload || '{"outcome": "satisfied"}' WHERE case_id = $1`,
      anonymised,
      true,
    ),
  ).toBe('23001');
  expect(
    await attempt(`UPDATE case_events SET type = 'evaluated' WHERE case_id = $1 AND type = 'closed'`, anonymised, true),
  ).toBe('23001');
  expect(
    await attempt(
      `UPDATE case_events SET at = at - interval '1 day', payload = anonymised_event_payload(payload) WHERE case_id = $1`,
      anonymised,
      true,
    ),
  ).toBe('23001');
  expect(await attempt(`DELETE FROM case_events WHERE case_id = $1`, anonymised, true)).toBe('23001');
});
