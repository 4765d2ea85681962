// What happened to a case, in plain words, newest last. Each event of the loop (domain/actions.ts
// CaseEventBody) has one sentence; reminders (催办), breaches and escalations stand out by colour.
import { Timeline as AntTimeline, Typography } from 'antd';
import type { TimelineEntry } from '../api/types';
import { pickLang, useI18n, type Translate } from '../i18n';
import { deadlineLabel, levelLabel, outcomeLabel } from '../lib/labels';
import type { Reference } from '../lib/reference';
import { formatDateTime, formatDuration } from '../lib/time';
import type { Lang } from '../i18n';

type P = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v : '');

interface Ctx {
  t: Translate;
  lang: Lang;
  orgName(id: unknown): string;
  personName(id: unknown): string;
}

function durationText(d: unknown, t: Translate): string {
  const x = d as { unit?: string; amount?: number } | undefined;
  if (!x?.unit || typeof x.amount !== 'number') return '';
  if (x.unit === 'seconds') return formatDuration(x.amount * 1000, t);
  if (x.unit === 'hours') return formatDuration(x.amount * 3600_000, t);
  return `${x.amount} ${t('action.unit.working_days')}`;
}

/** Reasons the loop writes itself ("resolution deadline missed") in the reader's words. */
function reasonText(reason: unknown, c: Ctx): string {
  const r = str(reason);
  const missed = /^(response|resolution) deadline missed$/.exec(r);
  if (missed) return c.t('event.missedDeadline', { deadline: deadlineLabel(c.t, missed[1]) });
  return pickLang(r, c.lang);
}

const SENTENCES: Record<string, (p: P, c: Ctx, e: TimelineEntry) => string> = {
  submitted: (_p, c) => c.t('event.submitted'),
  dispatched: (p, c) =>
    p.reason
      ? c.t('event.rerouted', { supervisor: c.orgName(p.supervisorOrgId), handler: c.orgName(p.handlerOrgId), reason: reasonText(p.reason, c) })
      : c.t('event.dispatched', { handler: c.orgName(p.handlerOrgId), supervisor: c.orgName(p.supervisorOrgId) }),
  acknowledged: (p, c, e) => c.t('event.acknowledged', { handler: c.orgName(e.actor.organizationId) }) + (p.note ? `：${str(p.note)}` : ''),
  progress_reported: (p, c, e) => c.t('event.progress_reported', { handler: c.orgName(e.actor.organizationId), note: str(p.note) }),
  resolved: (p, c, e) => c.t('event.resolved', { handler: c.orgName(e.actor.organizationId), summary: str(p.summary) }),
  extension_requested: (p, c) => c.t('event.extension_requested', { deadline: deadlineLabel(c.t, str(p.deadline)), by: durationText(p.extendBy, c.t), reason: str(p.reason) }),
  extension_decided: (p, c) =>
    p.approve
      ? c.t('event.extension_approved', { at: typeof p.newDueAt === 'number' ? formatDateTime(p.newDueAt, c.lang) : '' })
      : c.t('event.extension_refused', { reason: p.reason ? `：${reasonText(p.reason, c)}` : '' }),
  returned: (p, c) => c.t('event.returned', { handler: c.orgName(p.handlerOrgId), reason: str(p.reason) }),
  follow_up_assigned: (p, c) => {
    const owner = p.owner as { kind?: string; id?: string } | undefined;
    const name = owner?.kind === 'party_member' ? c.personName(owner.id) : c.orgName(owner?.id);
    return c.t('event.follow_up_assigned', { owner: name, suggested: p.suggested ? c.t('event.follow_up_suggested') : '' });
  },
  follow_up_recorded: (p, c) => c.t('event.follow_up_recorded', { findings: str(p.findings), onSite: p.onSite ? c.t('event.onSite') : '' }),
  urged: (p, c, e) => c.t('event.urged', { who: p.automatic ? c.t('event.urgedAuto') : c.orgName(e.actor.organizationId), message: reasonText(p.message, c) }),
  reminder_sent: (p, c) => c.t(p.index === 0 ? 'event.reminder_sent' : 'event.reminder_sent_late', { deadline: deadlineLabel(c.t, str(p.deadline)) }),
  breached: (p, c) => c.t('event.breached', { org: c.orgName(p.organizationId), deadline: deadlineLabel(c.t, str(p.deadline)) }),
  accountability_recorded: (p, c) => c.t('event.accountability_recorded', { org: c.orgName(p.organizationId), reason: reasonText(p.reason, c) }),
  escalated: (p, c) => c.t('event.escalated', { level: levelLabel(c.t, p.toLevel as never), supervisor: c.orgName(p.supervisorOrgId), reason: reasonText(p.reason, c) }),
  reported: (p, c) => c.t('event.reported', { reason: reasonText(p.reason, c) }),
  forwarded: (p, c) => c.t('event.forwarded', { department: c.orgName(p.departmentOrgId), reason: reasonText(p.reason, c) }),
  evaluated: (p, c) =>
    c.t('event.evaluated', {
      satisfaction: c.t(`satisfaction.${str(p.satisfaction)}` as never),
      solved: c.t(p.solved ? 'event.evaluatedSolved' : 'event.evaluatedUnsolved'),
      comment: p.comment ? `；${str(p.comment)}` : '',
    }),
  reopened: (p, c) => c.t('event.reopened', { n: Number(p.reopenCount ?? 1) }),
  information_added: (p, c) => c.t('event.information_added', { text: str(p.text) }),
  closed: (p, c) => c.t('event.closed', { outcome: outcomeLabel(c.t, p.outcome as never), reason: p.reason ? `（${reasonText(p.reason, c)}）` : '' }),
};

const COLORS: Record<string, string> = {
  breached: 'red',
  accountability_recorded: 'red',
  escalated: 'orange',
  reported: 'orange',
  forwarded: 'orange',
  reminder_sent: 'gold',
  urged: 'gold',
  resolved: 'green',
  closed: 'gray',
  reopened: 'orange',
};

export function describeEvent(e: TimelineEntry, c: Ctx): string {
  const sentence = SENTENCES[e.type];
  return sentence ? sentence(e.payload, c, e) : c.t('event.unknown', { type: e.type });
}

interface Named {
  id: string;
  nameZh: string;
  nameEn: string;
}

export function CaseTimeline({ entries, reference, people = [] }: { entries: TimelineEntry[]; reference: Reference | undefined; people?: Named[] }) {
  const { t, lang, name } = useI18n();
  const ctx: Ctx = {
    t,
    lang,
    orgName: (id) => (typeof id === 'string' ? name(reference?.orgs.get(id)) || id : ''),
    // People are not in the public reference data; the case names its current follow-up owner.
    personName: (id) => (typeof id === 'string' ? name(people.find((p) => p.id === id)) || t('role.party_member') : ''),
  };
  return (
    <AntTimeline
      items={entries.map((e) => ({
        key: e.seq,
        color: COLORS[e.type] ?? '#1677ff',
        children: (
          <div data-event={e.type}>
            <div>{describeEvent(e, ctx)}</div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {formatDateTime(e.at, lang)}
              {e.actor.role && e.actor.role !== 'system' ? ` · ${t(`role.${e.actor.role}` as never)}` : ` · ${t('event.automatic')}`}
            </Typography.Text>
          </div>
        ),
      }))}
    />
  );
}
