// The message texts: each template's variables are exactly its kind's parameters, each message fits one SMS, and
// every outbox template that gets an SMS maps to a kind.
import fs from 'node:fs';
import path from 'node:path';
import {
  aliyunTemplateText,
  renderSms,
  SMS_KINDS,
  SMS_TEXTS,
  smsDeadline,
  smsKindForTemplate,
  tencentTemplateText,
} from '../../services/sms/texts';

const ROOT = path.join(__dirname, '..', '..');
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);

// Longest values a real message carries: a tracking code, a long category name, a deadline.
const LONGEST: Record<string, string> = {
  code: '999999',
  minutes: '10',
  trackingCode: '2611-D0F0B6',
  category: '供水供电供气供暖',
  deadline: smsDeadline(new Date('2025-12-31T10:59:00Z')),
};

test.each(SMS_KINDS)(
  '%s: the text uses exactly its parameters, and with the sign fits one 70-character SMS',
  (kind) => {
    const { params, text } = SMS_TEXTS[kind];
    expect(new Set(placeholders(text))).toEqual(new Set(params));
    expect(placeholders(text)).toHaveLength(params.length);
    const rendered = `【红色管家】${renderSms(kind, LONGEST)}`;
    expect(rendered).not.toMatch(/[{}]/);
    expect(rendered.length).toBeLessThanOrEqual(70);
  },
);

test('the provider template texts number Tencent variables in parameter order and name Aliyun ones', () => {
  expect(tencentTemplateText('case_acknowledged')).toBe('您反映的{2}问题（工单{1}）已受理，可在红色管家查看办理进展。');
  expect(aliyunTemplateText('case_acknowledged')).toBe(
    '您反映的${category}问题（工单${trackingCode}）已受理，可在红色管家查看办理进展。',
  );
});

test('only codes a person asked for are sent at any hour', () => {
  expect(SMS_KINDS.filter((k) => SMS_TEXTS[k].onRequest)).toEqual(['sign_in_code', 'contact_verification_code']);
});

test('a deadline reads in China time', () => {
  expect(smsDeadline(new Date('2025-05-03T10:00:00Z'))).toBe('5月3日 18:00');
  expect(smsDeadline(Date.parse('2025-12-31T16:05:00Z'))).toBe('1月1日 00:05');
});

test('the outbox templates that carry an SMS map to kinds, and those templates are the ones the code writes', () => {
  const written = [
    fs.readFileSync(path.join(ROOT, 'db/queries/login-codes.ts'), 'utf8'),
    fs.readFileSync(path.join(ROOT, 'db/queries/case-contact.ts'), 'utf8'),
    fs.readFileSync(path.join(ROOT, 'activities/notifications.ts'), 'utf8'),
  ].join('\n');
  const mapped = {
    'auth.login_code': 'sign_in_code',
    'case.contact_code': 'contact_verification_code',
    'case.acknowledged': 'case_acknowledged',
    'case.please_evaluate': 'evaluation_requested',
    'case.paused': 'case_paused',
    'case.closed': 'case_closed',
  };
  for (const [template, kind] of Object.entries(mapped)) {
    expect(smsKindForTemplate(template)).toBe(kind);
    // notifications.ts builds `case.${e.type}` for acknowledged and closed.
    const literal =
      template === 'case.acknowledged' || template === 'case.closed' ? `case '${template.slice(5)}':` : `'${template}'`;
    expect(written).toContain(literal);
  }
  for (const other of ['case.dispatched', 'case.urged', 'toString', '__proto__', ''])
    expect(smsKindForTemplate(other)).toBeNull();
});
