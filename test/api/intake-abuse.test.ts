// Intake abuse (SECURITY.md "Abuse", "On-behalf filing"): what an attacker tried on intake, refused. Staff file only
// about compounds they serve or supervise, for residents living there, and the refusal is the same whatever the id
// names; a resident's contact reaches a case filed on their behalf only when they confirm it; a phone typed for
// someone else stays unverified until a code sent to it comes back; each account has a daily quota; a refused
// intake stores no photo; photos no case names are cleaned up.
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { cleanPhotoOrphansOnce, ORPHAN_AGE_MS } from '../../services/photo-orphans';
import { as, DEMO_USERS, intakeBody, startApiStack, testConfig, type ApiStack } from './helpers';

let s: ApiStack;
beforeAll(async () => {
  s = await startApiStack();
});
afterAll(async () => {
  await s?.close();
});

const rowOf = async (caseId: string) => (await s.pool.query('SELECT * FROM cases WHERE id = $1', [caseId])).rows[0];
const casesCount = async () => (await s.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM cases')).rows[0].n;
const photosDir = () => path.join(s.dataDir, 'photos');
const photoFiles = () => (fs.existsSync(photosDir()) ? fs.readdirSync(photosDir()).sort() : []);
/** A PNG no other test stores: its stripped bytes, hence its file, are new. */
const uniquePng = async () => {
  const [r, g, b] = [0, 0, 0].map(() => Math.floor(Math.random() * 256));
  const bytes = await sharp({ create: { width: 2, height: 2, channels: 3, background: { r, g, b } } })
    .png()
    .toBuffer();
  return `data:image/png;base64,${bytes.toString('base64')}`;
};

describe('on-behalf filing', () => {
  test('a property company files for a resident of another compound: refused, and the resident sees nothing', async () => {
    const handler2 = await as(s.app, 'handler2'); // pc-lakeview
    const before = await casesCount();
    const res = await handler2.post(
      '/api/v1/cases',
      intakeBody({ compoundCode: 'lakeview', residentUserId: DEMO_USERS.resident1 }),
    );
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toEqual([{ path: 'residentUserId', issue: '不是该小区可代为提交的居民账号' }]);
    expect(await casesCount()).toBe(before);
    const own = (await (await as(s.app, 'resident1')).get('/api/v1/cases?limit=100')).json();
    expect(own.items).toEqual([]);
  });

  test('the refusal is the same for an id that does not exist, a staff account and a resident elsewhere', async () => {
    const handler2 = await as(s.app, 'handler2');
    const answers = await Promise.all(
      ['u-resident9', DEMO_USERS.handler1, DEMO_USERS.resident1, DEMO_USERS.resident2, 'x'.repeat(64)].map((id) =>
        handler2.post('/api/v1/cases', intakeBody({ residentUserId: id })),
      ),
    );
    expect(new Set(answers.map((a) => `${a.statusCode} ${a.body}`)).size).toBe(1);
    expect(answers[0].statusCode).toBe(400);
  });

  test('staff file only about compounds they serve or supervise; admins anywhere', async () => {
    const refused = [
      ['handler2', 'demo-fast'], // a property company of the same community, not of this compound
      ['handler3', 'lakeview'], // another street's company
      ['community2', 'lakeview'], // another community
      ['street2', 'lakeview'], // another street
      ['member2', 'moonbay'], // a grid branch of another community
    ] as const;
    for (const [user, compoundCode] of refused) {
      const res = await (await as(s.app, user)).post('/api/v1/cases', intakeBody({ compoundCode }));
      expect([user, res.statusCode, res.json().error.details]).toEqual([
        user,
        400,
        [{ path: 'compoundCode', issue: '不是您服务或监督范围内的小区' }],
      ]);
    }
    const allowed = [
      ['handler2', 'lakeview'],
      ['handler1', 'demo-fast'],
      ['owners1', 'demo-fast'],
      ['community1', 'lakeview'],
      ['member1', 'demo-fast'],
      ['street1', 'lakeview'],
      ['orgdept1', 'moonbay'],
      ['department1', 'moonbay'],
      ['admin', 'dushu-court'],
    ] as const;
    for (const [user, compoundCode] of allowed) {
      const res = await (await as(s.app, user)).post('/api/v1/cases', intakeBody({ compoundCode }));
      expect([user, res.statusCode]).toEqual([user, 201]);
    }
  });

  test('a case filed for a resident carries no contact from their account until they confirm it', async () => {
    const handler2 = await as(s.app, 'handler2');
    const filed = await handler2.post('/api/v1/cases', intakeBody({ residentUserId: DEMO_USERS.resident3 }));
    expect(filed.statusCode).toBe(201);
    const caseId = filed.json().caseId as string;
    expect(await rowOf(caseId)).toMatchObject({
      resident_user_id: DEMO_USERS.resident3,
      filed_by: DEMO_USERS.handler2,
      resident_name: null,
      resident_phone: null,
      contact_verified: false,
    });
    const resident3 = await as(s.app, 'resident3');
    const before = (await handler2.get(`/api/v1/cases/${caseId}`)).json();
    expect(before.resident).toMatchObject({ name: null, phone: null });
    expect(before.contactVerified).toBe(false);

    // Only the complainant confirms; the filer and others may not put the resident's contact in.
    expect((await handler2.post(`/api/v1/cases/${caseId}/contact/confirm`)).statusCode).toBe(403);
    expect((await (await as(s.app, 'resident1')).post(`/api/v1/cases/${caseId}/contact/confirm`)).statusCode).toBe(404);
    const confirmed = await resident3.post(`/api/v1/cases/${caseId}/contact/confirm`);
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.json()).toEqual({ name: '王芳', phone: '13800000003', contactVerified: true });
    const after = (await resident3.get(`/api/v1/cases/${caseId}`)).json();
    expect(after.resident).toMatchObject({ name: '王芳', phone: '13800000003' });
    expect(after.contactVerified).toBe(true);
    const audit = await s.pool.query(
      `SELECT actor_user_id, action FROM audit_log WHERE entity = 'case' AND entity_id = $1`,
      [caseId],
    );
    expect(audit.rows).toEqual([{ actor_user_id: DEMO_USERS.resident3, action: 'case.contact_confirmed' }]);
  });
});

describe('residents', () => {
  test('a resident files only about a compound where they have a household', async () => {
    const resident1 = await as(s.app, 'resident1'); // lives in demo-fast
    const elsewhere = await resident1.post('/api/v1/cases', intakeBody({ compoundCode: 'lakeview' }));
    expect(elsewhere.statusCode).toBe(400);
    expect(elsewhere.json().error.details).toEqual([
      { path: 'compoundCode', issue: '只能为本人住户所在的小区提交诉求' },
    ]);
    const home = await resident1.post('/api/v1/cases', intakeBody({ compoundCode: 'demo-fast' }));
    expect(home.statusCode).toBe(201);
    expect(await rowOf(home.json().caseId)).toMatchObject({
      household_id: 'hh-demo-fast-1-1-101',
      filed_by: DEMO_USERS.resident1,
      contact_verified: true,
    });
  });

  test('a phone typed for someone else stays unverified until the code sent to it comes back', async () => {
    const resident3 = await as(s.app, 'resident3');
    const filed = await resident3.post(
      '/api/v1/cases',
      intakeBody({ contact: { name: '王芳的母亲', phone: '13912340000' } }),
    );
    expect(filed.statusCode).toBe(201);
    const caseId = filed.json().caseId as string;
    expect((await resident3.get(`/api/v1/cases/${caseId}`)).json().contactVerified).toBe(false);

    // Neither a resident who is not the complainant nor a handler who is not the filer may ask for a code.
    expect((await (await as(s.app, 'resident1')).post(`/api/v1/cases/${caseId}/contact/verification`)).statusCode).toBe(
      404,
    );
    expect((await (await as(s.app, 'handler2')).post(`/api/v1/cases/${caseId}/contact/verification`)).statusCode).toBe(
      403,
    );

    const sent = await resident3.post(`/api/v1/cases/${caseId}/contact/verification`);
    expect(sent.statusCode).toBe(202);
    const again = await resident3.post(`/api/v1/cases/${caseId}/contact/verification`);
    expect(again.statusCode).toBe(429);
    const { rows } = await s.pool.query(
      `SELECT k.code_hash, o.recipient, o.channel, o.payload FROM contact_codes k JOIN notification_outbox o ON o.dedupe_key = 'contact-code:' || k.id WHERE k.case_id = $1`,
      [caseId],
    );
    expect(rows).toHaveLength(1);
    const code = rows[0].payload.code as string;
    expect(rows[0]).toMatchObject({ channel: 'sms', recipient: { phone: '13912340000' } });
    expect(code).toMatch(/^\d{6}$/);
    expect(rows[0].code_hash).not.toContain(code);

    const wrong = await resident3.post(`/api/v1/cases/${caseId}/contact/verify`, {
      code: code === '000000' ? '111111' : '000000',
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.details[0].path).toBe('code');
    const right = await resident3.post(`/api/v1/cases/${caseId}/contact/verify`, { code });
    expect(right.statusCode).toBe(200);
    expect(right.json()).toEqual({ contactVerified: true });
    expect((await resident3.get(`/api/v1/cases/${caseId}`)).json().contactVerified).toBe(true);
    // Spent: the same code does not verify twice.
    expect((await resident3.post(`/api/v1/cases/${caseId}/contact/verify`, { code })).statusCode).toBe(400);
  });

  test('a code allows five attempts and expires', async () => {
    const resident3 = await as(s.app, 'resident3');
    const codeOf = async (caseId: string) =>
      (
        await s.pool.query(
          `SELECT o.payload->>'code' AS code FROM contact_codes k JOIN notification_outbox o ON o.dedupe_key = 'contact-code:' || k.id WHERE k.case_id = $1`,
          [caseId],
        )
      ).rows[0].code as string;
    const fileAndSend = async (phone: string) => {
      const caseId = (await resident3.post('/api/v1/cases', intakeBody({ contact: { phone } }))).json()
        .caseId as string;
      expect((await resident3.post(`/api/v1/cases/${caseId}/contact/verification`)).statusCode).toBe(202);
      return { caseId, code: await codeOf(caseId) };
    };
    const guessed = await fileAndSend('13912340001');
    const wrong = guessed.code === '999999' ? '888888' : '999999';
    for (let i = 0; i < 5; i++)
      expect((await resident3.post(`/api/v1/cases/${guessed.caseId}/contact/verify`, { code: wrong })).statusCode).toBe(
        400,
      );
    expect(
      (await resident3.post(`/api/v1/cases/${guessed.caseId}/contact/verify`, { code: guessed.code })).statusCode,
    ).toBe(400);

    const late = await fileAndSend('13912340002');
    await s.pool.query(`UPDATE contact_codes SET expires_at = now() - interval '1 second' WHERE case_id = $1`, [
      late.caseId,
    ]);
    expect((await resident3.post(`/api/v1/cases/${late.caseId}/contact/verify`, { code: late.code })).statusCode).toBe(
      400,
    );
    expect((await rowOf(late.caseId)).contact_verified).toBe(false);
  });

  test("codes to one phone are throttled whichever case asks, so the route cannot flood a stranger's phone", async () => {
    const resident3 = await as(s.app, 'resident3');
    const file = async () =>
      (await resident3.post('/api/v1/cases', intakeBody({ contact: { phone: '13912340003' } }))).json()
        .caseId as string;
    const [a, b] = [await file(), await file()];
    expect((await resident3.post(`/api/v1/cases/${a}/contact/verification`)).statusCode).toBe(202);
    const soon = await resident3.post(`/api/v1/cases/${b}/contact/verification`);
    expect([soon.statusCode, soon.headers['retry-after']]).toEqual([429, '60']);
    // A minute later, but five codes already went to that phone today.
    await s.pool.query(
      `UPDATE contact_codes SET created_at = now() - interval '2 minutes' WHERE phone = '13912340003'`,
    );
    await s.pool.query(
      `INSERT INTO contact_codes (case_id, phone, code_hash, requested_by, expires_at, created_at)
       SELECT $1, '13912340003', 'x', 'test', now(), now() - interval '1 hour' FROM generate_series(1, 4)`,
      [a],
    );
    const daily = await resident3.post(`/api/v1/cases/${b}/contact/verification`);
    expect([daily.statusCode, daily.headers['retry-after']]).toEqual([429, '86400']);
  });

  test('staff who filed a case verify the phone they typed', async () => {
    const community1 = await as(s.app, 'community1');
    const caseId = (
      await community1.post('/api/v1/cases', intakeBody({ contact: { name: '赵先生', phone: '13912345678' } }))
    ).json().caseId as string;
    expect((await rowOf(caseId)).contact_verified).toBe(false);
    expect((await community1.post(`/api/v1/cases/${caseId}/contact/verification`)).statusCode).toBe(202);
    const { rows } = await s.pool.query(
      `SELECT o.payload->>'code' AS code FROM contact_codes k JOIN notification_outbox o ON o.dedupe_key = 'contact-code:' || k.id WHERE k.case_id = $1`,
      [caseId],
    );
    expect((await community1.post(`/api/v1/cases/${caseId}/contact/verify`, { code: rows[0].code })).statusCode).toBe(
      200,
    );
    expect((await rowOf(caseId)).contact_verified).toBe(true);
  });
});

describe('quotas', () => {
  const filedBy = async (userId: string) =>
    (await s.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM cases WHERE filed_by = $1', [userId])).rows[0].n;

  test('each account files a limited number of cases a day; a retry of a filed case is still answered', async () => {
    const used = await filedBy(DEMO_USERS.resident3);
    const app = await s.buildApp({
      config: { ...testConfig(s.dataDir), INTAKE_QUOTA_RESIDENT_PER_DAY: used + 2, INTAKE_QUOTA_STAFF_PER_DAY: 1 },
    });
    const resident3 = await as(app, 'resident3');
    const key = `quota-${randomUUID()}`;
    expect((await resident3.post('/api/v1/cases', intakeBody(), { 'idempotency-key': key })).statusCode).toBe(201);
    expect((await resident3.post('/api/v1/cases', intakeBody())).statusCode).toBe(201);
    const over = await resident3.post('/api/v1/cases', intakeBody());
    expect(over.statusCode).toBe(429);
    expect(over.json().error.code).toBe('intake.quota_exceeded');
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(over.headers['retry-after'])).toBeLessThanOrEqual(86_400);
    // The first case again, with its key: the client's retry of an accepted case is never refused.
    expect((await resident3.post('/api/v1/cases', intakeBody(), { 'idempotency-key': key })).statusCode).toBe(200);
    // Another account has its own count.
    expect(
      (await (await as(app, 'resident1')).post('/api/v1/cases', intakeBody({ compoundCode: 'demo-fast' }))).statusCode,
    ).toBe(201);

    // Staff have theirs (an account that filed nothing yet: department2).
    const department2 = await as(app, 'department2');
    expect((await department2.post('/api/v1/cases', intakeBody())).statusCode).toBe(201);
    expect((await department2.post('/api/v1/cases', intakeBody())).statusCode).toBe(429);
  });
});

describe('photos', () => {
  test('a refused intake stores no photo', async () => {
    const before = photoFiles();
    const withPhoto = async (over: Record<string, unknown>) => intakeBody({ photos: [await uniquePng()], ...over });
    const attempts: Array<['resident3' | 'handler2', Record<string, unknown>, number]> = [
      ['resident3', await withPhoto({ compoundCode: 'moonbay' }), 400], // not their compound
      ['resident3', await withPhoto({ compoundCode: 'no-such-compound' }), 400],
      ['resident3', await withPhoto({ householdId: 'hh-lakeview-2-1-302' }), 400], // not their household
      ['resident3', await withPhoto({ categoryCode: 'no-such-category' }), 400],
      ['handler2', await withPhoto({ residentUserId: DEMO_USERS.resident1 }), 400], // on behalf, refused
      ['handler2', await withPhoto({ compoundCode: 'demo-fast' }), 400],
    ];
    for (const [user, body, status] of attempts) {
      const res = await (await as(s.app, user)).post('/api/v1/cases', body);
      expect([user, res.statusCode]).toEqual([user, status]);
    }
    // Over quota.
    const quota = await s.buildApp({ config: { ...testConfig(s.dataDir), INTAKE_QUOTA_RESIDENT_PER_DAY: 1 } });
    expect((await (await as(quota, 'resident3')).post('/api/v1/cases', await withPhoto({}))).statusCode).toBe(429);
    expect(photoFiles()).toEqual(before);
    // And an accepted one does store it.
    expect((await (await as(s.app, 'resident3')).post('/api/v1/cases', await withPhoto({}))).statusCode).toBe(201);
    expect(photoFiles().length).toBe(before.length + 1);
  });

  test('the cleaner deletes photo files no case names once they are an hour old, and nothing else', async () => {
    const resident3 = await as(s.app, 'resident3');
    const filed = await resident3.post('/api/v1/cases', intakeBody({ photos: [await uniquePng()] }));
    const [named] = (await rowOf(filed.json().caseId)).photos as string[];
    const dir = photosDir();
    const orphan = `${'a'.repeat(64)}.png`;
    const young = `${'b'.repeat(64)}.jpg`;
    const temp = `.${'c'.repeat(64)}.png.${randomUUID()}.tmp`;
    const other = 'README.txt';
    for (const f of [orphan, young, temp, other]) fs.writeFileSync(path.join(dir, f), 'x');
    const old = new Date(Date.now() - ORPHAN_AGE_MS - 60_000);
    for (const f of [orphan, temp, named, other]) fs.utimesSync(path.join(dir, f), old, old);

    expect(await cleanPhotoOrphansOnce(s.pool, dir)).toBeGreaterThanOrEqual(2);
    const left = new Set(fs.readdirSync(dir));
    expect([orphan, temp].filter((f) => left.has(f))).toEqual([]);
    expect([named, young, other].filter((f) => left.has(f))).toEqual([named, young, other]);
    // The case's photo is still served.
    expect((await resident3.get(`/api/v1/cases/${filed.json().caseId}/photos/${named}`)).statusCode).toBe(200);

    // A photo stored again within the hour is touched, so the cleaner keeps it even though it was old before.
    fs.utimesSync(path.join(dir, named), old, old);
    const again = await resident3.post(
      '/api/v1/cases',
      intakeBody({ photos: [`data:image/png;base64,${fs.readFileSync(path.join(dir, named)).toString('base64')}`] }),
    );
    expect(again.statusCode).toBe(201);
    expect(Date.now() - fs.statSync(path.join(dir, named)).mtimeMs).toBeLessThan(ORPHAN_AGE_MS);
  });
});
