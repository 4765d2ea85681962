// The plain sentence at the top of a case (web/src/lib/plain-status.ts): for every status, stage and level it
// handles, in Chinese and English, it names who must do what by when, what happens if they do not, and why the
// case moved — never a bare status word.
import type { Level, Outcome, TimelineEntry } from '../../web/src/api/types';
import { en } from '../../web/src/i18n/en';
import { zh, type MessageKey } from '../../web/src/i18n/zh';
import { LADDER as LEVELS, plainStatus, shortMoment, type PlainCase } from '../../web/src/lib/plain-status';

const DICTS = { zh, en } as const;
const tr =
  (lang: 'zh' | 'en') =>
  (key: MessageKey, vars: Record<string, string | number> = {}) =>
    (DICTS[lang][key] as string).replace(/\{(\w+)\}/g, (m, n: string) => (n in vars ? String(vars[n]) : m));
const zhT = tr('zh');
const enT = tr('en');

const RESPONSE_DUE = '2025-12-08T10:00:00.000Z'; // 18:00 CST
const RESOLUTION_DUE = '2025-12-15T10:00:00.000Z';
const EVALUATION_DUE = '2025-12-18T10:00:00.000Z';
const company = { id: 'pc', kind: 'property_company' as const, nameZh: '金湖物业', nameEn: 'Jinhu Property' };
const community = {
  id: 'cc',
  kind: 'community_committee' as const,
  nameZh: '金湖社区党委',
  nameEn: 'Jinhu Community Committee',
};
const street = {
  id: 'sc',
  kind: 'street_committee' as const,
  nameZh: '湖西街道党工委',
  nameEn: 'Huxi Street Committee',
};

let seq = 0;
const event = (type: string, payload: Record<string, unknown> = {}): TimelineEntry => ({
  seq: ++seq,
  type,
  at: '2025-12-08T02:00:00.000Z',
  actor: { userId: null, role: 'system', organizationId: null },
  payload,
});
const deadline = (kind: string, dueAt: string, breachedAt: string | null = null) =>
  ({ kind, dueAt, breachedAt }) as PlainCase['deadlines'][number];

function base(over: Partial<PlainCase> = {}): PlainCase {
  return {
    status: 'dispatched',
    stage: 'respond',
    level: 'community_committee',
    outcome: null,
    overdue: false,
    handler: company,
    supervisor: community,
    pendingExtension: null,
    pendingRequest: null,
    pausedSince: null,
    mergedInto: null,
    awaitingVerification: false,
    counts: { reopen: 0, escalation: 0, returned: 0 },
    timeline: [event('submitted'), event('dispatched', { handlerOrgId: 'pc', supervisorOrgId: 'cc' })],
    deadlines: [deadline('response', RESPONSE_DUE), deadline('resolution', RESOLUTION_DUE)],
    ...over,
  } as PlainCase;
}

test('a due moment is said as a date and a time in China Standard Time, with seconds only when it has them', () => {
  expect(shortMoment(RESPONSE_DUE, 'zh')).toBe('12月8日 18:00');
  expect(shortMoment(RESPONSE_DUE, 'en')).toBe('8 Dec 18:00');
  expect(shortMoment('2025-12-08T10:00:07.000Z', 'zh')).toBe('12月8日 18:00:07');
});

test('a dispatched case promises when the company will answer and fix it, and who supervises if it is late', () => {
  const line = plainStatus(base(), zhT, 'zh');
  expect(line).toEqual({
    tone: 'info',
    text: '金湖物业 将在 12月8日 18:00 前受理联系您、12月15日 18:00 前办结；超时将升级到街道党工委督办',
  });
  expect(plainStatus(base(), enT, 'en').text).toBe(
    `Jinhu Property will contact you by 8 Dec 18:00 and fix it by 15 Dec 18:00; if late, the case goes up to the ${en['level.street_committee']}`,
  );
});

test('a case just filed says it is being assigned', () => {
  expect(
    plainStatus(base({ status: 'submitted', stage: 'collect', handler: null, deadlines: [] }), zhT, 'zh').text,
  ).toBe('诉求已提交，正在分派承办单位');
});

test('an acknowledged case names the resolution due, and the rung above for every level', () => {
  for (const level of LEVELS) {
    const line = plainStatus(base({ status: 'acknowledged', level }), zhT, 'zh');
    expect(line.text).toContain('金湖物业 已受理，将在 12月15日 18:00 前办结');
    const next = LEVELS[LEVELS.indexOf(level) + 1] as Level | undefined;
    expect(line.text).toContain(next ? `超时将升级到${zh[`level.${next}`]}督办` : '超时将予以通报');
  }
});

test('a missed deadline is said as missed, never as progress, with where the case goes next', () => {
  const line = plainStatus(
    base({ overdue: true, deadlines: [deadline('response', RESPONSE_DUE, RESPONSE_DUE)] }),
    zhT,
    'zh',
  );
  expect(line).toEqual({ tone: 'error', text: '金湖物业 没有在响应时限内处理，正在升级到街道党工委督办' });
});

test('after an escalation the line says why the case moved and the new deadlines', () => {
  const escalated = event('escalated', {
    fromLevel: 'community_committee',
    toLevel: 'street_committee',
    supervisorOrgId: 'sc',
    reason: 'response deadline missed',
  });
  const c = base({
    level: 'street_committee',
    supervisor: street,
    counts: { reopen: 0, escalation: 1, returned: 0 },
    timeline: [...base().timeline, event('breached'), escalated],
  });
  const line = plainStatus(c, zhT, 'zh');
  expect(line.tone).toBe('warning');
  expect(line.text).toBe(
    '超过响应时限，已交街道党工委（湖西街道党工委）督办，期限重新计算；金湖物业 将在 12月8日 18:00 前受理联系您、12月15日 18:00 前办结；超时将升级到组织部督办',
  );
  expect(plainStatus(c, enT, 'en').text).toMatch(
    /^Missed the Response deadline, so the Street committee \(Huxi Street Committee\) now supervises it with new deadlines; Jinhu Property will contact you/,
  );
});

test("the ladder's own escalation is explained by the deadline its breach missed, not by repeating the move", () => {
  const breached = event('breached', { deadline: 'response', organizationId: 'pc', level: 'community_committee' });
  const reason = '承办单位超过响应时限，已交街道党工委督办 (escalated to the street Party working committee)';
  const escalated = event('escalated', {
    fromLevel: 'community_committee',
    toLevel: 'street_committee',
    supervisorOrgId: 'sc',
    reason,
    automatic: true,
  });
  const c = base({
    level: 'street_committee',
    supervisor: street,
    timeline: [...base().timeline, breached, escalated],
  });
  expect(plainStatus(c, zhT, 'zh').text).toMatch(
    /^超过响应时限，已交街道党工委（湖西街道党工委）督办，期限重新计算；金湖物业 将在/,
  );
});

test("a forward to a department and a reroute name the reason in the reader's language", () => {
  const forwarded = event('forwarded', {
    departmentOrgId: 'dept-housing',
    reason: '属于房屋质量问题 (a building defect)',
  });
  const c = base({ status: 'acknowledged', level: 'functional_department', timeline: [...base().timeline, forwarded] });
  expect(plainStatus(c, zhT, 'zh', (id) => (id === 'dept-housing' ? '住建局' : id)).text).toMatch(
    /^属于房屋质量问题，已转交 住建局 办理；/,
  );
  expect(plainStatus(c, enT, 'en', () => 'Housing Bureau').text).toMatch(
    /^A building defect, so it was passed to Housing Bureau; /,
  );
  const rerouted = event('dispatched', { handlerOrgId: 'pc', supervisorOrgId: 'cc', reason: '不属物业职责' });
  expect(plainStatus(base({ timeline: [...base().timeline, rerouted] }), zhT, 'zh').text).toMatch(
    /^已改派 金湖物业（不属物业职责）；/,
  );
});

test('a rework after dissatisfaction says it was sent back and by when it must be done again', () => {
  const c = base({ status: 'acknowledged', stage: 'respond', counts: { reopen: 1, escalation: 0, returned: 0 } });
  expect(plainStatus(c, zhT, 'zh').text).toMatch(/^您不满意，已退回重办：金湖物业 须在 12月15日 18:00 前重新办结/);
});

test('a pending extension is added to the line', () => {
  const c = base({ status: 'acknowledged', pendingExtension: { deadline: 'resolution', reason: '配件需调货' } });
  expect(plainStatus(c, zhT, 'zh').text).toMatch(/。承办单位已申请延期，等待金湖社区党委审批$/);
});

test('a resolved case asks for the rating by its due and says what happens without one', () => {
  const c = base({ status: 'resolved', stage: 'evaluate', deadlines: [deadline('evaluation', EVALUATION_DUE)] });
  expect(plainStatus(c, zhT, 'zh')).toEqual({
    tone: 'info',
    text: '金湖物业 已办结，请在 12月18日 18:00 前评价；不评价的，到期按“未评价”办结，不能再退回重办',
  });
  expect(plainStatus(c, enT, 'en').text).toContain('without a rating it closes as "not evaluated"');
});

test('a return or a pause awaiting the supervisor names who decides by when; a paused clock says how it resumes', () => {
  const decision = deadline('decision', '2025-12-09T10:00:00.000Z');
  const ret = base({
    status: 'returned',
    pendingRequest: { kind: 'return', reason: '属业委会职责', requestedAt: 0 },
    deadlines: [decision],
  });
  expect(plainStatus(ret, zhT, 'zh')).toEqual({
    tone: 'warning',
    text: '金湖物业 认为此事不属其职责，申请回退；金湖社区党委 将在 12月9日 18:00 前决定由谁办理',
  });
  const pause = base({
    status: 'acknowledged',
    pendingRequest: { kind: 'pause', reason: '等待业主配合', requestedAt: 0 },
    deadlines: [decision],
  });
  expect(plainStatus(pause, zhT, 'zh').text).toBe('金湖物业 申请暂停办理；金湖社区党委 将在 12月9日 18:00 前决定');
  const paused = base({ status: 'acknowledged', pausedSince: '2025-12-08T02:00:00.000Z' });
  expect(plainStatus(paused, zhT, 'zh').text).toMatch(/^办理已于 12月8日 10:00 暂停，暂停期间不计时限/);
});

test('every outcome of a closed case has its own words, in both languages', () => {
  const outcomes: Outcome[] = [
    'satisfied',
    'basically_satisfied',
    'unsatisfied',
    'not_evaluated',
    'withdrawn',
    'closed_by_supervisor',
    'unsatisfied_unreasonable',
    'merged',
  ];
  const seen = new Set<string>();
  for (const outcome of outcomes) {
    const c = base({ status: 'closed', stage: 'closed', outcome, deadlines: [] });
    for (const [lang, t] of [
      ['zh', zhT],
      ['en', enT],
    ] as const) {
      const { text } = plainStatus(c, t, lang);
      expect(text).not.toMatch(/\{\w+\}/);
      seen.add(`${lang}:${text}`);
    }
  }
  expect(seen.size).toBe(outcomes.length * 2);
  expect(plainStatus(base({ status: 'closed', stage: 'closed', outcome: 'satisfied' }), zhT, 'zh')).toEqual({
    tone: 'success',
    text: '已办结：您的评价是“满意”',
  });
});

test('no line leaves a placeholder unfilled, for every status at every level', () => {
  const statuses = ['submitted', 'dispatched', 'acknowledged', 'returned', 'resolved'] as const;
  for (const status of statuses) {
    for (const level of LEVELS) {
      for (const overdue of [false, true]) {
        for (const [lang, t] of [
          ['zh', zhT],
          ['en', enT],
        ] as const) {
          const { text } = plainStatus(
            base({ status, level, overdue, handler: status === 'submitted' ? null : company }),
            t,
            lang,
          );
          expect(text).not.toMatch(/\{\w+\}|undefined|null/);
          expect(text.length).toBeGreaterThan(10);
        }
      }
    }
  }
});
