// What each in-app notice says, per template (activities/notifications.ts), in Chinese and English. A notice names
// the case by tracking code and category only: the case page, behind its own visibility rules, shows the rest.
import type { Bilingual, Lang } from '../i18n';

type Texts = { title: Bilingual; body: Bilingual };

const t = (titleZh: string, titleEn: string, bodyZh: string, bodyEn: string): Texts => ({
  title: { zh: titleZh, en: titleEn },
  body: { zh: bodyZh, en: bodyEn },
});

// {case} is "工单 <tracking code>（<category>）" / "case <tracking code> (<category>)".
const TEXTS: Record<string, Texts> = {
  'case.dispatched': t(
    '新工单',
    'New case',
    '{case}已派给您的单位，请及时响应。',
    '{case} was dispatched to your organisation: please respond in time.',
  ),
  'case.urged': t('催办', 'Urged', '{case}被催办，请尽快办理。', '{case} was urged: please act on it soon.'),
  'case.please_evaluate': t(
    '请评价',
    'Please evaluate',
    '{case}已办理完毕，请评价办理结果。',
    '{case} has been resolved: please evaluate the result.',
  ),
  'case.decision_due': t(
    '待审批',
    'Decision due',
    '{case}有申请等待您审批。',
    '{case} has a request waiting for your decision.',
  ),
  'case.breached': t('超时', 'Deadline missed', '{case}已超过时限。', '{case} missed a deadline.'),
  'case.escalated': t(
    '升级督办',
    'Escalated',
    '{case}已升级到您的单位督办。',
    '{case} was escalated to your organisation.',
  ),
  'case.reported': t('上报', 'Reported', '{case}已上报给您的单位。', '{case} was reported to your organisation.'),
  'case.returned': t(
    '回退申请',
    'Return requested',
    '{case}的办理单位申请回退。',
    '{case}: the handler asks to return it.',
  ),
  'case.extension_requested': t(
    '延期申请',
    'Extension requested',
    '{case}的办理单位申请延期。',
    '{case}: the handler asks for an extension.',
  ),
  'case.pause_requested': t(
    '挂起申请',
    'Pause requested',
    '{case}的办理单位申请挂起。',
    '{case}: the handler asks to pause it.',
  ),
  'case.pause_decided': t(
    '挂起审批结果',
    'Pause decided',
    '{case}的挂起申请已审批。',
    '{case}: the pause request was decided.',
  ),
  'case.paused': t(
    '工单挂起',
    'Case paused',
    '{case}已挂起，等待您补充情况。',
    '{case} is paused, waiting for more information from you.',
  ),
  'case.extension_decided': t(
    '延期审批结果',
    'Extension decided',
    '{case}的延期申请已审批。',
    '{case}: the extension request was decided.',
  ),
  'case.return_decided': t(
    '回退审批结果',
    'Return decided',
    '{case}的回退申请已审批。',
    '{case}: the return request was decided.',
  ),
  'case.resumed': t('恢复办理', 'Resumed', '{case}已恢复办理。', '{case} was resumed.'),
  'case.taken_over': t('上级接办', 'Taken over', '{case}已由上级接办。', '{case} was taken over by a supervisor.'),
  'case.publicly_noticed': t(
    '公开通报',
    'Publicly noticed',
    '{case}因多次未办结被公开通报。',
    '{case} was publicly noticed after repeated misses.',
  ),
  'case.follow_up_assigned': t(
    '跟踪督促',
    'Follow-up assigned',
    '{case}已指派您跟踪督促。',
    '{case}: you were assigned to follow it up.',
  ),
  'case.acknowledged': t('已受理', 'Acknowledged', '{case}已受理。', '{case} was acknowledged.'),
  'case.closed': t('已结案', 'Closed', '{case}已结案，感谢您的参与。', '{case} is closed. Thank you.'),
  'case.reopened': t(
    '重新办理',
    'Reopened',
    '{case}因居民不满意重新办理。',
    '{case} was reopened after the resident was dissatisfied.',
  ),
  // Not about one case: the compound, building and category travel in the notice's params.
  repeat_problem: t(
    '重复问题',
    'Repeat problem',
    '{compound} {building} 号楼{category}诉求 {windowDays} 天内已有 {count} 件，建议作为治理专题处理。',
    '{compound}, building {building}: {count} {category} cases within {windowDays} days; consider a governance topic.',
  ),
  // Governance topics (治理专题): not about one case; {title} is the topic's, {task} the task's (params).
  topic_opened: t(
    '新治理专题',
    'New governance topic',
    '治理专题「{title}」已开设，您的单位负责其中的工作。',
    'Governance topic "{title}" was opened; your organisation has work in it.',
  ),
  topic_reminder: t(
    '专题催办',
    'Topic reminder',
    '治理专题「{title}」{task}即将到期，请按时完成。',
    'Governance topic "{title}" {task} is nearly due: please finish it in time.',
  ),
  topic_breach: t(
    '专题逾期',
    'Topic overdue',
    '治理专题「{title}」{task}已逾期，已记入问责并告知上级。',
    'Governance topic "{title}" {task} is overdue: recorded for accountability and reported one level up.',
  ),
  // A supervised span missed its 督办 due as well: {next} is the next one, in China Standard Time.
  topic_supervision_missed: t(
    '专题督办逾期',
    'Topic supervision missed',
    '治理专题「{title}」{task}督办期限已过仍未完成，已再次记入问责并报告上一级；下一督办期限 {next}。',
    'Governance topic "{title}" {task} missed its supervision due as well: recorded again and reported one more level up; next due {next} (CST).',
  ),
  topic_closed: t(
    '专题结束',
    'Topic closed',
    '治理专题「{title}」已结束，效果见专题页面。',
    'Governance topic "{title}" is closed; its page shows the effect.',
  ),
};

const FALLBACK = t('通知', 'Notice', '{case}有新动态。', '{case} has news.');

/** `{name}` from the params: `nameZh`/`nameEn` in the reader's language when given, else `name`; unknown ones stay. */
function fillParams(text: string, lang: Lang, params: Record<string, unknown>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = params[`${name}${lang === 'zh' ? 'Zh' : 'En'}`] ?? params[name];
    return typeof v === 'string' || typeof v === 'number' ? String(v) : whole;
  });
}

export function renderNotice(
  template: string,
  lang: Lang,
  c: {
    trackingCode: string | null;
    categoryNameZh: string | null;
    categoryNameEn: string | null;
    params?: Record<string, unknown>;
  },
): { title: string; body: string } {
  const texts = Object.hasOwn(TEXTS, template) ? TEXTS[template] : FALLBACK;
  const category = lang === 'zh' ? c.categoryNameZh : c.categoryNameEn;
  const name = !c.trackingCode
    ? { zh: '工单', en: 'A case' }[lang]
    : lang === 'zh'
      ? `工单 ${c.trackingCode}${category ? `（${category}）` : ''}`
      : `Case ${c.trackingCode}${category ? ` (${category})` : ''}`;
  const body = fillParams(texts.body[lang].replace('{case}', name), lang, c.params ?? {});
  return { title: texts.title[lang], body };
}
