// What each SMS says. These are the texts of the templates an operator has the provider approve (one template code
// per kind in SMS_TEMPLATES); the console sink renders them. A text carries nothing beyond what its receiver may see:
// a code they asked for, a tracking code, a category name, a deadline. `params` is the order of the variables, which
// Tencent Cloud takes as an ordered list (TemplateParamSet); Aliyun takes them by name (${name} in its template).
import { SMS_KINDS } from '../../config';

export { SMS_KINDS };
export type SmsKind = (typeof SMS_KINDS)[number];

type SmsText = {
  readonly params: readonly string[];
  readonly text: string;
  /** Asked for by the receiver a moment ago (a code): sent at any hour, and never shown on a terminal. */
  readonly onRequest: boolean;
};

export const SMS_TEXTS: { readonly [K in SmsKind]: SmsText } = {
  sign_in_code: {
    params: ['code', 'minutes'],
    text: '您的登录验证码为{code}，{minutes}分钟内有效。请勿告诉他人。',
    onRequest: true,
  },
  contact_verification_code: {
    params: ['code', 'minutes'],
    text: '您正在确认工单联系电话，验证码为{code}，{minutes}分钟内有效。请勿告诉他人。',
    onRequest: true,
  },
  case_acknowledged: {
    params: ['trackingCode', 'category'],
    text: '您反映的{category}问题（工单{trackingCode}）已受理，可在红色管家查看办理进展。',
    onRequest: false,
  },
  evaluation_requested: {
    params: ['trackingCode', 'deadline'],
    text: '工单{trackingCode}已办理完毕，请于{deadline}前在红色管家评价办理结果。',
    onRequest: false,
  },
  case_paused: {
    params: ['trackingCode'],
    text: '工单{trackingCode}已挂起，等待您补充情况，请在红色管家查看。',
    onRequest: false,
  },
  case_closed: {
    params: ['trackingCode'],
    text: '工单{trackingCode}已结案，感谢您的参与。',
    onRequest: false,
  },
};

/** The parameters a code-carrying text must never show outside the message itself (terminal, logs). */
export const SECRET_PARAMS: readonly string[] = ['code'];

/** The outbox template (notification_outbox.template) an SMS kind answers, or null for templates that get no SMS. */
const BY_OUTBOX_TEMPLATE: Readonly<Record<string, SmsKind>> = {
  'auth.login_code': 'sign_in_code',
  'case.contact_code': 'contact_verification_code',
  'case.acknowledged': 'case_acknowledged',
  'case.please_evaluate': 'evaluation_requested',
  'case.paused': 'case_paused',
  'case.closed': 'case_closed',
};
export const smsKindForTemplate = (template: string): SmsKind | null =>
  Object.hasOwn(BY_OUTBOX_TEMPLATE, template) ? BY_OUTBOX_TEMPLATE[template] : null;

/** The parameters of a kind, in template order, or the name of the first one missing or empty. */
export function orderedParams(kind: SmsKind, params: Readonly<Record<string, string>>): string[] | { missing: string } {
  const values: string[] = [];
  for (const name of SMS_TEXTS[kind].params) {
    const value = Object.hasOwn(params, name) ? params[name] : undefined;
    if (typeof value !== 'string' || value.trim() === '') return { missing: name };
    values.push(value);
  }
  return values;
}

/** The text of a message: the template with its `{param}` placeholders filled (parameters checked beforehand). */
export function renderSms(kind: SmsKind, params: Readonly<Record<string, string>>): string {
  return SMS_TEXTS[kind].text.replace(/\{(\w+)\}/g, (_m, name: string) =>
    Object.hasOwn(params, name) ? params[name] : `{${name}}`,
  );
}

const CHINA_OFFSET_MS = 8 * 3600_000;

/** A deadline as a text shows it, in China time: `5月3日 18:00`. */
export function smsDeadline(at: Date | number): string {
  const d = new Date(new Date(at).getTime() + CHINA_OFFSET_MS);
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  return `${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${hh}:${mm}`;
}

/** The text as an Aliyun template is registered: `${name}` variables. */
export const aliyunTemplateText = (kind: SmsKind): string => SMS_TEXTS[kind].text.replace(/\{(\w+)\}/g, '${$1}');

/** The text as a Tencent Cloud template is registered: `{n}`, numbered in the kind's parameter order. */
export const tencentTemplateText = (kind: SmsKind): string =>
  SMS_TEXTS[kind].text.replace(/\{(\w+)\}/g, (_m, name: string) => `{${SMS_TEXTS[kind].params.indexOf(name) + 1}}`);
