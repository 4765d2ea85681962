// One case, for everyone who may see it: the stage bar, every deadline counting down, the complaint, what
// happened in plain words, and the actions this user may take. It refreshes itself while the case is open,
// so a reminder, a breach or an escalation appears without a reload. Beside the actions: the governance topics that
// cover the case, and for staff the open cases that look like the same problem.
import { Alert, Button, Card, Descriptions, Result, Skeleton, Space, Typography } from 'antd';
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
import { CaseDuplicates, CaseTopics } from '../components/CaseGovernance';
import { useI18n } from '../i18n';
import { getCase, revealContact } from '../lib/cases';
import { deadlineLabel, levelLabel, outcomeLabel, statusLabel } from '../lib/labels';
import { useLoad, useOnline } from '../lib/load';
import { plainStatus } from '../lib/plain-status';
import { useNoticeEvents } from '../lib/notifications';
import { useReference } from '../lib/reference';
import { formatDateTime, formatDuration } from '../lib/time';
import { homeOf, useSession } from '../session';
import './case-page.css';

const POLL_MS = 3000;

/** The resident's data of a case as its reveal answered it (see ResidentContact). */
type Revealed = { caseId: string } & Pick<CaseDetail, 'resident' | 'householdId' | 'location'>;

function Banners({ c }: { c: CaseDetail }) {
  const { t } = useI18n();
  const pending = c.pendingExtension as {
    deadline?: string;
    reason?: string;
    extendBy?: { unit: string; amount: number };
  } | null;
  const by = pending?.extendBy
    ? pending.extendBy.unit === 'working_days'
      ? `${pending.extendBy.amount} ${t('action.unit.working_days')}`
      : formatDuration(pending.extendBy.amount * (pending.extendBy.unit === 'hours' ? 3600_000 : 1000), t)
    : '';
  return (
    <>
      {pending && (
        <Alert
          type="info"
          showIcon
          message={t('case.pendingExtension', {
            deadline: deadlineLabel(t, pending.deadline ?? ''),
            by,
            reason: pending.reason ?? '',
          })}
        />
      )}
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
      {c.pausedSince && (
        <Alert
          type="info"
          showIcon
          data-testid="paused-banner"
          message={t('case.pausedSince', { at: formatDateTime(c.pausedSince, lang) })}
        />
      )}
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
      {c.awaitingVerification && c.status !== 'closed' && (
        <Alert type="warning" showIcon message={t('case.awaitingVerification')} />
      )}
    </>
  );
}

function Header({ c }: { c: CaseDetail }) {
  const { t, lang, name } = useI18n();
  const ref = useReference();
  const icon = ref.data?.categories.find((x) => x.code === c.category.code)?.icon;
  const plain = plainStatus(c, t, lang, (id) => name(ref.data?.orgs.get(id)));
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
      {/* One status, and one sentence saying who must do what by when (lib/plain-status.ts); the level, pause and
          public notice are carried as data for tests and said in the sentence and the banners below. */}
      <div
        data-testid="case-status"
        data-paused={c.pausedSince ? 'true' : undefined}
        data-noticed={c.publiclyNoticed ? 'true' : undefined}
      >
        <Alert
          type={plain.tone}
          showIcon
          data-testid="plain-status"
          data-status={c.status}
          data-level={c.level}
          message={<span className="rs-plain-status">{plain.text}</span>}
          description={
            <Typography.Text type="secondary" style={{ fontSize: 13 }}>
              {statusLabel(t, c.status)} · {levelLabel(t, c.level)}
              {c.outcome ? ` · ${outcomeLabel(t, c.outcome)}` : ''}
            </Typography.Text>
          }
        />
      </div>
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
        <Typography.Paragraph style={{ margin: 0, whiteSpace: 'pre-wrap' }}>
          {/* A follower (or a resident merged in) is not shown the complainant's own words. */}
          {c.description ?? t('case.descriptionHidden')}
        </Typography.Paragraph>
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
      {c.contactPreference && (
        <Descriptions.Item label={t('case.contactPreference')}>
          {t(`new.contact.${c.contactPreference}` as never)}
        </Descriptions.Item>
      )}
      <Descriptions.Item label={t('case.handler')}>{name(c.handler) || '—'}</Descriptions.Item>
      <Descriptions.Item label={t('case.supervisor')}>{name(c.supervisor) || '—'}</Descriptions.Item>
      {c.followUpOwner && (
        <Descriptions.Item label={t('case.followUpOwner')}>{name(c.followUpOwner)}</Descriptions.Item>
      )}
      <Descriptions.Item label={t('case.created')}>{formatDateTime(c.createdAt, lang)}</Descriptions.Item>
    </Descriptions>
  );
}

/** The handler's 办结说明 and evidence for the resolution the resident is asked to rate. */
function ResultCard({ c, entry }: { c: CaseDetail; entry: CaseDetail['timeline'][number] }) {
  const { t, lang, name } = useI18n();
  const evidence = Array.isArray(entry.payload.evidence)
    ? entry.payload.evidence.filter((x): x is string => typeof x === 'string')
    : [];
  return (
    <Card title={t('case.result')} size="small" data-testid="result-card">
      <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', fontSize: 16 }}>
        {String(entry.payload.summary ?? '')}
      </Typography.Paragraph>
      {evidence.length > 0 && (
        <Typography.Paragraph>
          {t('case.resultEvidence')}：{evidence.join('、')}
        </Typography.Paragraph>
      )}
      <Typography.Text type="secondary" style={{ fontSize: 13 }}>
        {t('case.resultAt', { handler: name(c.handler), at: formatDateTime(entry.at, lang) })}
      </Typography.Text>
    </Card>
  );
}

export default function CasePage() {
  const { id = '' } = useParams();
  const { t, lang } = useI18n();
  const { me } = useSession();
  const ref = useReference();
  const online = useOnline();
  // Closed cases change no more; open ones are polled (timers move them without anyone acting).
  const loaded = useLoad(
    () => getCase(id),
    [id],
    POLL_MS,
    (x) => x.status !== 'closed',
  );
  useNoticeEvents((n) => n.caseId === id && void loaded.reload());
  // What a click on 查看联系方式 brought, kept while this case's page is open; the polled case never carries it.
  const [revealed, setRevealed] = useState<Revealed | null>(null);
  useEffect(() => setRevealed(null), [id]);
  const polled = loaded.data;
  // Offline, or the last poll failed on the network: what is shown is as of loaded.at, and the clocks stop.
  const stale = polled !== undefined && (!online || loaded.error?.status === 0);
  // Shown over the polled case only while the caller may still have it (a handler loses it when the case closes).
  const showRevealed = polled && revealed?.caseId === polled.id && polled.resident.revealable && polled.resident.masked;
  const c = showRevealed
    ? { ...polled, resident: revealed.resident, householdId: revealed.householdId, location: revealed.location }
    : polled;
  const reveal = async () => {
    const r = await revealContact(id);
    setRevealed({ caseId: r.id, resident: r.resident, householdId: r.householdId, location: r.location });
  };

  if (loaded.error && !c) {
    const back = (
      <Link key="back" to={me?.role === 'resident' ? '/my' : homeOf(me)}>
        <Button type="primary">{me?.role === 'resident' ? t('case.backToMine') : t('app.home')}</Button>
      </Link>
    );
    return loaded.error.status === 404 || loaded.error.status === 400 ? (
      <Result
        status="404"
        title={t('case.notFound')}
        extra={[
          back,
          <Link key="track" to="/track">
            <Button>{t('nav.track')}</Button>
          </Link>,
        ]}
      />
    ) : (
      <Result
        status="error"
        title={t('app.error')}
        subTitle={loaded.error.status === 0 ? t('app.networkError') : loaded.error.message}
        extra={[
          <Button key="retry" onClick={() => void loaded.reload()}>
            {t('app.retry')}
          </Button>,
          back,
        ]}
      />
    );
  }
  if (!c) return <Skeleton active paragraph={{ rows: 10 }} />;
  const resident = me?.role === 'resident';
  // A response or resolution deadline missed since the case was last sent back for rework: 响应处理 gets a ✕.
  const round = c.timeline.slice(c.timeline.map((e) => e.type).lastIndexOf('reopened') + 1);
  const missed = round.some(
    (e) => e.type === 'breached' && (e.payload.deadline === 'response' || e.payload.deadline === 'resolution'),
  );
  const result = [...c.timeline].reverse().find((e) => e.type === 'resolved');

  return (
    <div className="rs-case-grid">
      <Space direction="vertical" size={16} className="rs-case-head" style={{ width: '100%' }}>
        <Card>
          <Header c={c} />
          <div style={{ marginTop: 20, overflowX: 'auto' }}>
            <StageSteps c={c} missed={missed} />
          </div>
        </Card>
        {stale && (
          <Alert
            type="warning"
            showIcon
            role="alert"
            data-testid="stale-banner"
            message={t('case.staleBanner', { at: formatDateTime(loaded.at, lang) })}
          />
        )}
        {c.status !== 'closed' && (
          <Card
            title={t('case.deadlines')}
            size="small"
            extra={
              <Typography.Text
                type="secondary"
                style={{ fontSize: 12, ...(stale ? { color: '#874d00' } : {}) }}
                data-testid="live-state"
              >
                {stale ? t('case.offline') : t('case.live')}
              </Typography.Text>
            }
          >
            <Deadlines deadlines={c.deadlines} fetchedAt={loaded.at} frozen={stale} />
          </Card>
        )}
      </Space>
      <div className="rs-case-side">
        <Space direction="vertical" size={16} style={{ width: '100%' }}>
          {/* What the handler did, directly above the evaluation that rates it. */}
          {result && (c.status === 'resolved' || c.status === 'closed') && <ResultCard c={c} entry={result} />}
          {me && <ActionPanel c={c} me={me} reference={ref.data} onDone={() => void loaded.reload()} />}
          {me && me.role !== 'resident' && (
            <CaseDuplicates c={c} me={me} reference={ref.data} onDone={() => void loaded.reload()} />
          )}
          <CaseTopics caseId={c.id} />
        </Space>
      </div>
      <Space direction="vertical" size={16} className="rs-case-body" style={{ width: '100%' }}>
        <Card title={t('case.details')} size="small">
          <Details c={c} onReveal={reveal} />
        </Card>
        {/* A contact not proven the complainant's: they may put in their own, or a code proves the phone typed. */}
        {me &&
          !c.contactVerified &&
          c.status !== 'closed' &&
          (me.role === 'resident' ? !c.resident.masked : c.resident.phone !== null) && (
            <ContactCheck c={c} complainant={me.role === 'resident'} onDone={() => void loaded.reload()} />
          )}
        {/* The complainant's own case: who was shown their name, phone or room. */}
        {me?.role === 'resident' && !c.resident.masked && <ContactViews caseId={c.id} />}
        <Card title={t('case.timeline')} size="small">
          <CaseTimeline
            entries={c.timeline}
            reference={ref.data}
            people={c.followUpOwner ? [c.followUpOwner] : []}
            resident={resident}
          />
        </Card>
      </Space>
    </div>
  );
}
