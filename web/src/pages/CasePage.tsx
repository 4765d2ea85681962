// One case, for everyone who may see it: the stage bar, every deadline counting down, the complaint, what
// happened in plain words, and the actions this user may take. It refreshes itself while the case is open,
// so a reminder, a breach or an escalation appears without a reload.
import { Alert, Button, Card, Descriptions, Result, Skeleton, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import type { CaseDetail } from '../api/types';
import { ActionPanel } from '../components/ActionPanel';
import { CasePhotos } from '../components/CasePhotos';
import { CategoryIcon } from '../components/CategoryIcon';
import { ContactCheck } from '../components/ContactCheck';
import { ContactViews } from '../components/ContactViews';
import { Deadlines } from '../components/Deadlines';
import { ResidentContact } from '../components/ResidentContact';
import { StageSteps } from '../components/StageSteps';
import { CaseTimeline } from '../components/Timeline';
import { useI18n } from '../i18n';
import { getCase, revealContact } from '../lib/cases';
import { caseStatusColor, deadlineLabel, LEVEL_COLOR, levelLabel, outcomeLabel, statusLabel } from '../lib/labels';
import { useLoad } from '../lib/load';
import { useNoticeEvents } from '../lib/notifications';
import { useReference } from '../lib/reference';
import { formatDateTime, formatDuration } from '../lib/time';
import { useSession } from '../session';
import './case-page.css';

const POLL_MS = 3000;

/** The resident's data of a case as its reveal answered it (see ResidentContact). */
type Revealed = { caseId: string } & Pick<CaseDetail, 'resident' | 'householdId' | 'location'>;

function Banners({ c }: { c: CaseDetail }) {
  const { t } = useI18n();
  const reminders = c.timeline.filter((e) => e.type === 'reminder_sent').length;
  const breaches = c.timeline.filter((e) => e.type === 'breached').length;
  const pending = c.pendingExtension as { deadline?: string; reason?: string; extendBy?: { unit: string; amount: number } } | null;
  const by = pending?.extendBy ? (pending.extendBy.unit === 'working_days' ? `${pending.extendBy.amount} ${t('action.unit.working_days')}` : formatDuration(pending.extendBy.amount * (pending.extendBy.unit === 'hours' ? 3600_000 : 1000), t)) : '';
  return (
    <>
      {(reminders > 0 || breaches > 0 || c.counts.escalation > 0 || c.counts.reopen > 0) && (
        <Space wrap size={4} data-testid="case-flags">
          {reminders > 0 && <Tag color="gold">{t('case.reminders', { n: reminders })}</Tag>}
          {breaches > 0 && <Tag color="red">{t('case.breaches', { n: breaches })}</Tag>}
          {c.counts.escalation > 0 && <Tag color="orange">{t('case.escalations', { n: c.counts.escalation })}</Tag>}
          {c.counts.reopen > 0 && <Tag color="purple">{t('case.reopened', { n: c.counts.reopen })}</Tag>}
        </Space>
      )}
      {pending && <Alert type="info" showIcon message={t('case.pendingExtension', { deadline: deadlineLabel(t, pending.deadline ?? ''), by, reason: pending.reason ?? '' })} />}
      <FairnessBanners c={c} />
    </>
  );
}

/** A return or pause awaiting the supervisor, a paused clock, a merge, a public notice, a verification pending. */
function FairnessBanners({ c }: { c: CaseDetail }) {
  const { t, lang } = useI18n();
  const p = c.pendingRequest;
  const decision = c.deadlines.find((d) => d.kind === 'decision');
  const due = decision ? ` · ${t('case.decisionDue', { at: formatDateTime(decision.dueAt, lang) })}` : '';
  const merged = [...c.timeline].reverse().find((e) => e.type === 'merged');
  const primaryCode = typeof merged?.payload.primaryTrackingCode === 'string' ? merged.payload.primaryTrackingCode : '';
  return (
    <>
      {p && (
        <Alert
          type="warning"
          showIcon
          data-testid="pending-request-banner"
          message={t(p.kind === 'return' ? 'case.pendingReturn' : 'case.pendingPause', { reason: p.reason }) + due}
        />
      )}
      {c.pausedSince && <Alert type="info" showIcon data-testid="paused-banner" message={t('case.pausedSince', { at: formatDateTime(c.pausedSince, lang) })} />}
      {c.mergedInto && (
        <Alert
          type="info"
          showIcon
          data-testid="merged-banner"
          message={t('case.mergedInto', { code: primaryCode })}
          action={<Link to={`/cases/${c.mergedInto}`}>{t('case.mergedLink')}</Link>}
        />
      )}
      {c.publiclyNoticed && <Alert type="error" showIcon message={t('case.publiclyNoticedHint')} />}
      {c.awaitingVerification && c.status !== 'closed' && <Alert type="warning" showIcon message={t('case.awaitingVerification')} />}
    </>
  );
}

function Header({ c }: { c: CaseDetail }) {
  const { t, name } = useI18n();
  const ref = useReference();
  const icon = ref.data?.categories.find((x) => x.code === c.category.code)?.icon;
  return (
    <Space direction="vertical" size={8} style={{ width: '100%' }}>
      <Space align="center" wrap>
        <span style={{ color: '#c8161d' }}>
          <CategoryIcon icon={icon} size={28} />
        </span>
        <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
          {name(c.category)}
        </Typography.Title>
        <Typography.Text type="secondary" copyable>
          {c.trackingCode}
        </Typography.Text>
      </Space>
      <Space wrap size={4} data-testid="case-status">
        <Tag color={caseStatusColor(c)} data-status={c.status}>
          {c.overdue ? t('case.overdue') : statusLabel(t, c.status)}
        </Tag>
        {c.overdue && <Tag>{statusLabel(t, c.status)}</Tag>}
        <Tag color={LEVEL_COLOR[c.level]} data-level={c.level}>
          {levelLabel(t, c.level)}
        </Tag>
        {c.outcome && <Tag color="green">{outcomeLabel(t, c.outcome)}</Tag>}
        {c.pausedSince && (
          <Tag color="default" data-paused="true">
            {t('case.paused')}
          </Tag>
        )}
        {c.publiclyNoticed && (
          <Tag color="red" data-noticed="true">
            {t('case.publiclyNoticed')}
          </Tag>
        )}
      </Space>
      <Banners c={c} />
    </Space>
  );
}

function Details({ c, onReveal }: { c: CaseDetail; onReveal: () => Promise<void> }) {
  const { t, lang, name } = useI18n();
  const loc = c.location;
  const place = [
    loc.building && t('case.location.building', { v: loc.building }),
    loc.unit && t('case.location.unit', { v: loc.unit }),
    loc.room && t('case.location.room', { v: loc.room }),
    loc.address,
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <Descriptions column={1} size="small" labelStyle={{ width: 110 }}>
      <Descriptions.Item label={t('case.description')}>
        <Typography.Paragraph style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{c.description}</Typography.Paragraph>
      </Descriptions.Item>
      <Descriptions.Item label={t('case.compound')}>{name(c.compound)}</Descriptions.Item>
      <Descriptions.Item label={t('case.location')}>{place || '—'}</Descriptions.Item>
      {c.photos.length > 0 && (
        <Descriptions.Item label={t('case.photos')}>
          <CasePhotos caseId={c.id} photoIds={c.photos} />
        </Descriptions.Item>
      )}
      {(c.resident.name || c.resident.phone || c.resident.masked) && (
        <Descriptions.Item label={t('case.contact')}>
          <ResidentContact c={c} onReveal={onReveal} />
        </Descriptions.Item>
      )}
      {c.contactPreference && <Descriptions.Item label={t('case.contactPreference')}>{t(`new.contact.${c.contactPreference}` as never)}</Descriptions.Item>}
      <Descriptions.Item label={t('case.handler')}>{name(c.handler) || '—'}</Descriptions.Item>
      <Descriptions.Item label={t('case.supervisor')}>{name(c.supervisor) || '—'}</Descriptions.Item>
      {c.followUpOwner && <Descriptions.Item label={t('case.followUpOwner')}>{name(c.followUpOwner)}</Descriptions.Item>}
      <Descriptions.Item label={t('case.created')}>{formatDateTime(c.createdAt, lang)}</Descriptions.Item>
    </Descriptions>
  );
}

export default function CasePage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const { me } = useSession();
  const ref = useReference();
  // Closed cases change no more; open ones are polled (timers move them without anyone acting).
  const loaded = useLoad(() => getCase(id), [id], POLL_MS, (x) => x.status !== 'closed');
  useNoticeEvents((n) => n.caseId === id && void loaded.reload());
  // What a click on 查看联系方式 brought, kept while this case's page is open; the polled case never carries it.
  const [revealed, setRevealed] = useState<Revealed | null>(null);
  useEffect(() => setRevealed(null), [id]);
  const polled = loaded.data;
  // Shown over the polled case only while the caller may still have it (a handler loses it when the case closes).
  const showRevealed = polled && revealed?.caseId === polled.id && polled.resident.revealable && polled.resident.masked;
  const c = showRevealed ? { ...polled, resident: revealed.resident, householdId: revealed.householdId, location: revealed.location } : polled;
  const reveal = async () => {
    const r = await revealContact(id);
    setRevealed({ caseId: r.id, resident: r.resident, householdId: r.householdId, location: r.location });
  };

  if (loaded.error && !c) {
    return loaded.error.status === 404 || loaded.error.status === 400 ? (
      <Result status="404" title={t('case.notFound')} />
    ) : (
      <Result status="error" title={t('app.error')} subTitle={loaded.error.message} extra={<Button onClick={() => void loaded.reload()}>{t('app.retry')}</Button>} />
    );
  }
  if (!c) return <Skeleton active paragraph={{ rows: 10 }} />;

  return (
    <div className="rs-case-grid">
      <Space direction="vertical" size={16} className="rs-case-head" style={{ width: '100%' }}>
        <Card>
          <Header c={c} />
          <div style={{ marginTop: 20, overflowX: 'auto' }}>
            <StageSteps c={c} />
          </div>
        </Card>
        {c.status !== 'closed' && (
          <Card title={t('case.deadlines')} size="small" extra={<Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('case.live')}</Typography.Text>}>
            <Deadlines deadlines={c.deadlines} fetchedAt={loaded.at} />
          </Card>
        )}
      </Space>
      <div className="rs-case-side">{me && <ActionPanel c={c} me={me} reference={ref.data} onDone={() => void loaded.reload()} />}</div>
      <Space direction="vertical" size={16} className="rs-case-body" style={{ width: '100%' }}>
        <Card title={t('case.details')} size="small">
          <Details c={c} onReveal={reveal} />
        </Card>
        {/* A contact not proven the complainant's: they may put in their own, or a code proves the phone typed. */}
        {me && !c.contactVerified && c.status !== 'closed' && (me.role === 'resident' ? !c.resident.masked : c.resident.phone !== null) && (
          <ContactCheck c={c} complainant={me.role === 'resident'} onDone={() => void loaded.reload()} />
        )}
        {/* The complainant's own case: who was shown their name, phone or room. */}
        {me?.role === 'resident' && !c.resident.masked && <ContactViews caseId={c.id} />}
        <Card title={t('case.timeline')} size="small">
          <CaseTimeline entries={c.timeline} reference={ref.data} people={c.followUpOwner ? [c.followUpOwner] : []} />
        </Card>
      </Space>
    </div>
  );
}
