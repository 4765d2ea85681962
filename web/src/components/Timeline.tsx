// What happened to a case, in plain words, newest first. Each event of the loop (domain/actions.ts
// CaseEventBody) has one sentence; reminders (催办), breaches and escalations stand out by colour.
import { Timeline as AntTimeline, Typography } from 'antd';
import type { CaseEventType } from '../../../domain/actions';
import type { TimelineEntry } from '../api/types';
import { pickLang, useI18n, type Translate } from '../i18n';
import { deadlineLabel, groundLabel, levelLabel, outcomeLabel } from '../lib/labels';
import type { Reference } from '../lib/reference';
import { formatDateTime, formatDuration } from '../lib/time';
import type { Lang, MessageKey } from '../i18n';

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

/** An optional reason as a trailing clause ("：理由"), or nothing. */
const aside = (reason: unknown, c: Ctx): string =>
  reason ? `${c.lang === 'zh' ? '：' : ': '}${reasonText(reason, c)}` : '';

/** The due moment of a deadline an event carries (a return's or a pause's decision deadline). */
function dueOf(d: unknown, c: Ctx): string {
  const due = (d as { dueAt?: unknown } | undefined)?.dueAt;
  return typeof due === 'number' || typeof due === 'string' ? formatDateTime(due, c.lang) : '';
}

// Every event of the loop has its sentence: a new event type in domain/actions.ts fails this build until it has one.
const SENTENCES: Record<CaseEventType, (p: P, c: Ctx, e: TimelineEntry) => string> = {
  submitted: (_p, c) => c.t('event.submitted'),
  dispatched: (p, c) =>
    p.reason
      ? c.t('event.rerouted', {
          supervisor: c.orgName(p.supervisorOrgId),
          handler: c.orgName(p.handlerOrgId),
          reason: reasonText(p.reason, c),
        })
      : c.t('event.dispatched', { handler: c.orgName(p.handlerOrgId), supervisor: c.orgName(p.supervisorOrgId) }),
  acknowledged: (p, c, e) =>
    c.t('event.acknowledged', { handler: c.orgName(e.actor.organizationId) }) + (p.note ? `：${str(p.note)}` : ''),
  progress_reported: (p, c, e) =>
    c.t('event.progress_reported', { handler: c.orgName(e.actor.organizationId), note: str(p.note) }),
  resolved: (p, c, e) => c.t('event.resolved', { handler: c.orgName(e.actor.organizationId), summary: str(p.summary) }),
  extension_requested: (p, c) =>
    c.t('event.extension_requested', {
      deadline: deadlineLabel(c.t, str(p.deadline)),
      by: durationText(p.extendBy, c.t),
      reason: str(p.reason),
    }),
  extension_decided: (p, c) =>
    p.approve
      ? c.t(p.deemed ? 'event.extension_deemed' : 'event.extension_approved', {
          at: typeof p.newDueAt === 'number' ? formatDateTime(p.newDueAt, c.lang) : '',
        })
      : c.t('event.extension_refused', { reason: aside(p.reason, c) }),
  extension_withdrawn: (p, c) =>
    c.t('event.extension_withdrawn', {
      deadline: deadlineLabel(c.t, str(p.deadline)),
      reason: reasonText(p.reason, c),
    }),
  returned: (p, c) =>
    c.t('event.returned', {
      handler: c.orgName(p.handlerOrgId),
      reason: str(p.reason),
      at: dueOf(p.decisionDeadline, c),
    }),
  return_decided: (p, c) =>
    c.t(p.decision === 'refuse' ? 'event.return_refused' : 'event.return_rerouted', {
      handler: c.orgName(p.handlerOrgId),
      reason: str(p.reason),
    }),
  return_withdrawn: (_p, c, e) => c.t('event.return_withdrawn', { handler: c.orgName(e.actor.organizationId) }),
  pause_requested: (p, c) => c.t('event.pause_requested', { reason: str(p.reason), at: dueOf(p.decisionDeadline, c) }),
  pause_decided: (p, c) => {
    if (p.deemed) return c.t('event.pause_deemed');
    return c.t(p.approve ? 'event.pause_approved' : 'event.pause_refused', { reason: aside(p.reason, c) });
  },
  resumed: (p, c) =>
    c.t(`event.resumed.${str(p.cause) || 'handler'}` as MessageKey, {
      t: formatDuration(Number(p.pausedMs ?? 0), c.t),
    }),
  follow_up_assigned: (p, c) => {
    const owner = p.owner as { kind?: string; id?: string } | undefined;
    const name = owner?.kind === 'party_member' ? c.personName(owner.id) : c.orgName(owner?.id);
    return c.t('event.follow_up_assigned', {
      owner: name,
      suggested: p.suggested ? c.t('event.follow_up_suggested') : '',
    });
  },
  follow_up_recorded: (p, c) =>
    c.t('event.follow_up_recorded', { findings: str(p.findings), onSite: p.onSite ? c.t('event.onSite') : '' }),
  urged: (p, c, e) =>
    c.t('event.urged', {
      who: p.automatic ? c.t('event.urgedAuto') : c.orgName(e.actor.organizationId),
      message: reasonText(p.message, c),
    }),
  reminder_sent: (p, c) =>
    c.t(p.index === 0 ? 'event.reminder_sent' : 'event.reminder_sent_late', {
      deadline: deadlineLabel(c.t, str(p.deadline)),
    }),
  breached: (p, c) =>
    c.t('event.breached', { org: c.orgName(p.organizationId), deadline: deadlineLabel(c.t, str(p.deadline)) }),
  accountability_recorded: (p, c) => {
    // Silence is a supervisor's missed duty: not deciding in time, or no 回访 for a resident without an account.
    const key =
      p.source !== 'silence'
        ? 'event.accountability_recorded'
        : p.dutyCode === 'callback'
          ? 'event.accountability_callback'
          : 'event.accountability_silence';
    return c.t(key, { org: c.orgName(p.organizationId), reason: reasonText(p.reason, c) });
  },
  escalated: (p, c) =>
    c.t('event.escalated', {
      level: levelLabel(c.t, p.toLevel as never),
      supervisor: c.orgName(p.supervisorOrgId),
      reason: reasonText(p.reason, c),
    }),
  reported: (p, c) => c.t('event.reported', { reason: reasonText(p.reason, c) }),
  forwarded: (p, c) =>
    c.t('event.forwarded', { department: c.orgName(p.departmentOrgId), reason: reasonText(p.reason, c) }),
  taken_over: (p, c) =>
    c.t('event.taken_over', {
      supervisor: c.orgName(p.supervisorOrgId),
      level: levelLabel(c.t, p.toLevel as never),
      reason: reasonText(p.reason, c),
    }),
  publicly_noticed: (p, c) => c.t('event.publicly_noticed', { reason: reasonText(p.reason, c) }),
  merged: (p, c) => c.t('event.merged', { code: str(p.primaryTrackingCode), reason: str(p.reason) }),
  complainant_joined: (p, c) =>
    p.fromTrackingCode
      ? c.t('event.complainant_joined', { code: str(p.fromTrackingCode) })
      : c.t('event.complainant_followed'),
  evaluated: (p, c) =>
    c.t('event.evaluated', {
      channel: c.t(`event.channel.${str(p.channel) || 'app'}` as MessageKey),
      satisfaction: c.t(`satisfaction.${str(p.satisfaction)}` as never),
      solved: c.t(p.solved ? 'event.evaluatedSolved' : 'event.evaluatedUnsolved'),
      comment: p.comment ? `；${str(p.comment)}` : '',
    }),
  reopened: (p, c) =>
    p.beyondLimit
      ? c.t('event.reopenedBeyondLimit', { reason: reasonText(p.reason, c), n: Number(p.reopenCount ?? 1) })
      : c.t('event.reopened', { n: Number(p.reopenCount ?? 1) }),
  deadline_recalculated: (p, c) => c.t('event.deadline_recalculated', { reason: reasonText(p.reason, c) }),
  information_added: (p, c) => c.t('event.information_added', { text: str(p.text) }),
  closed: (p, c) =>
    p.ground
      ? c.t('event.closedGround', {
          outcome: outcomeLabel(c.t, p.outcome as never),
          ground: groundLabel(c.t, str(p.ground)),
          reason: reasonText(p.reason, c),
        })
      : c.t('event.closed', {
          outcome: outcomeLabel(c.t, p.outcome as never),
          reason: p.reason
            ? c.lang === 'zh'
              ? `（${reasonText(p.reason, c)}）`
              : ` (${reasonText(p.reason, c)})`
            : '',
        }),
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
  returned: 'purple',
  pause_decided: 'gray',
  resumed: 'blue',
  taken_over: 'orange',
  publicly_noticed: 'red',
  merged: 'gray',
};

export function describeEvent(e: TimelineEntry, c: Ctx): string {
  const sentence = SENTENCES[e.type as CaseEventType] as (typeof SENTENCES)[CaseEventType] | undefined;
  return sentence ? sentence(e.payload, c, e) : c.t('event.unknown', { type: e.type });
}

interface Named {
  id: string;
  nameZh: string;
  nameEn: string;
}

/** Entries a resident is not shown: the accountability kept against organisations is the supervisors' record. */
const INTERNAL = new Set(['accountability_recorded']);

type Row = { e: TimelineEntry; folded: number };

/** Newest first, with a run of consecutive reminders folded into one row that counts them. */
export function timelineRows(entries: readonly TimelineEntry[], resident: boolean): Row[] {
  const rows: Row[] = [];
  for (const e of [...entries].reverse()) {
    if (resident && INTERNAL.has(e.type)) continue;
    const last = rows[rows.length - 1];
    if (e.type === 'reminder_sent' && last?.e.type === 'reminder_sent') last.folded += 1;
    else rows.push({ e, folded: 1 });
  }
  return rows;
}

export function CaseTimeline({
  entries,
  reference,
  people = [],
  resident = false,
}: {
  entries: TimelineEntry[];
  reference: Reference | undefined;
  people?: Named[];
  /** The complainant's view: internal accountability entries left out. */
  resident?: boolean;
}) {
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
      items={timelineRows(entries, resident).map(({ e, folded }) => ({
        key: e.seq,
        color: COLORS[e.type] ?? '#1677ff',
        children: (
          <div data-event={e.type} data-folded={folded > 1 ? folded : undefined}>
            <div>{folded > 1 ? t('timeline.reminders', { n: folded }) : describeEvent(e, ctx)}</div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {formatDateTime(e.at, lang)}
              {e.actor.role && e.actor.role !== 'system'
                ? ` · ${t(`role.${e.actor.role}` as never)}`
                : ` · ${t('event.automatic')}`}
            </Typography.Text>
          </div>
        ),
      }))}
    />
  );
}
