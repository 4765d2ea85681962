// The development sink: DATA_DIR/sms.log is the inbox (one JSON line per message, private to the data folder); the
// terminal gets a line per message with no code in it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { consoleSms, smsLogPath } from '../../services/sms/console';
import { SmsSendError } from '../../services/sms/provider';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'rs-sms-'));
const AT = new Date('2025-05-03T02:00:00.000Z');
const lines = (dir: string) =>
  fs
    .readFileSync(smsLogPath(dir), 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

test('a sign-in code is written to sms.log as one JSON line with exactly to, template, params, text, at; the terminal line has no code', async () => {
  const dir = path.join(tmp(), 'not-yet-there');
  const printed: string[] = [];
  const sms = consoleSms({ dataDir: dir, print: (l) => printed.push(l), clock: () => AT });
  const sent = await sms.send({
    to: '13800000001',
    kind: 'sign_in_code',
    params: { code: '482913', minutes: '5', phone: '13800000001' },
    dedupeKey: 'login-code:1',
  });
  expect(sent.providerMessageId).toMatch(/^console-[0-9a-f-]{36}$/);
  expect(sms.name).toBe('console');

  expect(lines(dir)).toEqual([
    {
      to: '13800000001',
      template: 'sign_in_code',
      params: { code: '482913', minutes: '5' },
      text: '您的登录验证码为482913，5分钟内有效。请勿告诉他人。',
      at: '2025-05-03T02:00:00.000Z',
    },
  ]);
  expect(fs.statSync(smsLogPath(dir)).mode & 0o777).toBe(0o600);

  expect(printed).toHaveLength(1);
  expect(printed[0]).not.toContain('482913');
  expect(printed[0]).not.toContain('13800000001');
  expect(printed[0]).toBe(
    `[sms] to 138****0001 sign_in_code: 您的登录验证码为******，5分钟内有效。请勿告诉他人。 (code written to ${smsLogPath(dir)})`,
  );
});

test('a contact verification code is hidden on the terminal too; a notice is printed as its text', async () => {
  const dir = tmp();
  const printed: string[] = [];
  const sms = consoleSms({ dataDir: dir, print: (l) => printed.push(l), clock: () => AT });
  await sms.send({
    to: '13900000002',
    kind: 'contact_verification_code',
    params: { code: '000731', minutes: '10' },
    dedupeKey: 'contact-code:1',
  });
  await sms.send({
    to: '13900000002',
    kind: 'case_closed',
    params: { trackingCode: '2611-D0F0B6' },
    dedupeKey: 'c1:9:resident',
  });
  expect(printed[0]).not.toContain('000731');
  expect(printed[1]).toBe('[sms] to 139****0002 case_closed: 工单2611-D0F0B6已结案，感谢您的参与。');
  expect(lines(dir).map((l) => l.text)).toEqual([
    '您正在确认工单联系电话，验证码为000731，10分钟内有效。请勿告诉他人。',
    '工单2611-D0F0B6已结案，感谢您的参与。',
  ]);
});

test('concurrent messages each get one whole line; an inbox left world-readable is narrowed to 0600', async () => {
  const dir = tmp();
  fs.writeFileSync(smsLogPath(dir), '', { mode: 0o644 });
  fs.chmodSync(smsLogPath(dir), 0o644);
  const sms = consoleSms({ dataDir: dir, print: () => {} });
  await Promise.all(
    Array.from({ length: 40 }, (_, i) =>
      sms.send({ to: '13800000001', kind: 'case_paused', params: { trackingCode: `RS-${i}` }, dedupeKey: `k${i}` }),
    ),
  );
  const got = lines(dir);
  expect(got).toHaveLength(40);
  expect(new Set(got.map((l) => (l.params as { trackingCode: string }).trackingCode)).size).toBe(40);
  expect(fs.statSync(smsLogPath(dir)).mode & 0o777).toBe(0o600);
});

test('a bad number or a missing parameter is refused and nothing is written or printed', async () => {
  const dir = tmp();
  const printed: string[] = [];
  const sms = consoleSms({ dataDir: dir, print: (l) => printed.push(l) });
  await expect(
    sms.send({ to: '13800000001,13900000002', kind: 'case_closed', params: { trackingCode: 'X' }, dedupeKey: 'k' }),
  ).rejects.toMatchObject({ code: 'invalid_phone', retryable: false });
  await expect(
    sms.send({ to: '13800000001', kind: 'evaluation_requested', params: { trackingCode: 'X' }, dedupeKey: 'k' }),
  ).rejects.toBeInstanceOf(SmsSendError);
  expect(fs.existsSync(smsLogPath(dir))).toBe(false);
  expect(printed).toEqual([]);
});
