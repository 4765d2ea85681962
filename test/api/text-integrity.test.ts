// Text PostgreSQL cannot store (U+0000, a lone UTF-16 surrogate) is refused at the door with a 400 naming the field:
// let through, the write fails in Postgres ("invalid byte sequence") and is retried for ever. A real surrogate pair
// (an emoji) is ordinary text and is stored as sent.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { validatorCompiler } from '../../api/validation';
import type { DemoUsername } from '../../db/seed-data';
import { FIXTURE_2027 } from '../domain/calendar-2027.fixture';
import { DEMO, intakeBody, startApiStack, tokenOf, type ApiStack } from './helpers';

let s: ApiStack;
beforeAll(async () => {
  s = await startApiStack();
});
afterAll(async () => {
  await s?.close();
});

const ISSUE = 'must not contain NUL or unpaired surrogate characters';
const refusal = (path: string) => ({ path, issue: ISSUE });

/** A JSON text whose `LONE` placeholder becomes the escape `\udXXX`, which JSON.parse turns into a lone surrogate. */
const withEscape = (body: object, escape: string) => JSON.stringify(body).replace('LONE', escape);

async function send(
  user: DemoUsername | null,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH',
  url: string,
  payload?: string,
) {
  const headers: Record<string, string> = {
    'accept-language': 'en',
    'content-type': 'application/json',
    'idempotency-key': `text-${randomUUID()}`,
  };
  if (user) headers.authorization = `Bearer ${await tokenOf(s.app, user)}`;
  return s.app.inject({ method, url: `/api/v1${url}`, headers, ...(payload === undefined ? {} : { payload }) });
}

function expectRefused(res: { statusCode: number; json(): unknown }, path: string) {
  expect(res.statusCode).toBe(400);
  const body = res.json() as { error: { code: string; details: { path: string; issue: string }[] } };
  expect(body.error.code).toBe('validation.failed');
  expect(body.error.details).toContainEqual(refusal(path));
}

const countCases = async () => (await s.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM cases')).rows[0].n;

test('intake refuses a NUL in the description, naming description and nothing else, and files nothing', async () => {
  const before = await countCases();
  for (const description of ['\u0000', '楼道灯坏了\u0000一个星期', '\u0000\u0000\u0000\u0000\u0000\u0000']) {
    const res = await send('resident3', 'POST', '/cases', JSON.stringify(intakeBody({ description })));
    expectRefused(res, 'description');
    // Refused for its NUL, not as too short: the check runs before trim and length.
    expect(res.json().error.details).toEqual([refusal('description')]);
  }
  expect(await countCases()).toBe(before);
});

test.each([
  ['a high surrogate alone', 'description', { description: '楼道灯坏了LONE一个星期' }, '\\ud800'],
  ['a low surrogate alone', 'location.building', { location: { building: 'LONE' } }, '\\udc00'],
  ['a high surrogate at the end', 'contact.name', { contact: { name: '王芳LONE' } }, '\\ud83d'],
  ['a pair in the wrong order', 'location.address', { location: { address: '湖景花园LONE' } }, '\\ude00\\ud83d'],
])('intake refuses %s sent as a JSON escape, naming %s', async (_what, field, over, escape) => {
  const payload = withEscape(intakeBody(over), escape);
  expect(payload).toContain(escape);
  expectRefused(await send('resident3', 'POST', '/cases', payload), field);
});

test('a real surrogate pair (an emoji) is accepted and stored as sent', async () => {
  const description = '电梯又坏了😀，请尽快修理 🛗';
  const res = await send(
    'resident3',
    'POST',
    '/cases',
    JSON.stringify(intakeBody({ description, location: { building: '1😀', unit: '1', room: '101' } })),
  );
  expect(res.statusCode).toBe(201);
  const { rows } = await s.pool.query('SELECT description, location FROM cases WHERE id = $1', [res.json().caseId]);
  expect(rows[0]).toMatchObject({ description, location: { building: '1😀' } });
});

test.each([
  ['admin', '/cases?q=%00', 'q'],
  ['admin', '/cases?q=%E7%94%B5%E6%A2%AF%00', 'q'],
  ['admin', '/cases?cursor=%00', 'cursor'],
  ['community1', '/accountability?cursor=a%00b', 'cursor'],
  [null, `/public/cases?period=2026-01&cursor=%00`, 'cursor'],
] as const)('(as %s) GET %s is refused, naming %s', async (user, url, field) => {
  expectRefused(await send(user, 'GET', url), field);
});

test('an action note with a NUL is refused before the case is looked up (400, not 404)', async () => {
  const res = await send('handler2', 'POST', `/cases/${randomUUID()}/progress`, JSON.stringify({ note: 'a\u0000b' }));
  expectRefused(res, 'note');
});

const someId = randomUUID();
const PC = DEMO.siblingPropertyCompanyOrgId;
const finding = { organizationId: PC, dutyCode: 'property_company.respond_in_time', consequence: '整改' };
test.each([
  ['POST', '/auth/login', 'username', null, { username: 'admin\u0000', password: 'redsteward' }],
  ['POST', '/auth/login', 'password', null, { username: 'admin', password: 'redsteward\u0000' }],
  ['POST', '/accountability', 'reason', 'community1', { ...finding, reason: '巡查\u0000' }],
  ['POST', `/accountability/${someId}/answer`, 'answer', 'handler2', { answer: '\u0000' }],
  ['POST', `/accountability/${someId}/close`, 'reason', 'community1', { reason: '已整改LONE' }],
  ['POST', `/assessments/${someId}/adjustments`, 'reason', 'admin', { delta: 1, reason: '现场检查\u0000' }],
  [
    'POST',
    '/admin/api-keys',
    'label',
    'admin',
    { organizationId: PC, role: 'handler', label: '接口LONE', reason: '对接' },
  ],
  ['PATCH', '/admin/categories/repairs', 'nameZh', 'admin', { nameZh: '维修\u0000', reason: '改名' }],
  ['PUT', '/admin/calendar-overrides/2027-01-04', 'note', 'admin', { kind: 'holiday', note: '\u0000', reason: '调休' }],
  [
    'PUT',
    '/admin/calendar-years/2027',
    'notice',
    'admin',
    { holidays: FIXTURE_2027.holidays, workdays: FIXTURE_2027.workdays, notice: '国办发明电\u0000', reason: '导入' },
  ],
  ['PATCH', '/admin/agreements/ag%00x', 'id', 'admin', { terms: {}, reason: '修订' }],
] as const)('%s %s refuses the bad text in %s (as %s)', async (method, url, field, user, body) => {
  const audits = async () => (await s.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log')).rows[0].n;
  const before = await audits();
  expectRefused(await send(user, method, url, withEscape(body, '\\udc00')), field);
  expect(await audits()).toBe(before);
});

test('the validator refuses such text even where a schema forgot to, at the exact path', () => {
  const schema = z.strictObject({ evidence: z.array(z.string()), fine: z.string() });
  const validate = validatorCompiler({ schema, method: 'POST', url: '/x', httpPart: 'body' });
  const refused = { part: 'body', issues: [{ path: ['evidence', 1], message: expect.stringContaining(ISSUE) }] };
  expect(validate({ evidence: ['ok', '照片\u0000'], fine: '😀' })).toMatchObject({ error: refused });
  expect(validate({ evidence: ['ok'], fine: 'x\ud800' })).toMatchObject({ error: { issues: [{ path: ['fine'] }] } });
  expect(validate({ evidence: ['ok'], fine: '😀' })).toEqual({ value: { evidence: ['ok'], fine: '😀' } });
});
