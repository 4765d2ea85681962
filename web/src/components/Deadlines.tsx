// Every running deadline as a live countdown: clock time to the due moment (what the workflow's timer fires
// on) and, where it differs, the working time left on the case's calendar. Overdue ones count up in red.
import { Progress, Space, Tag, Typography } from 'antd';
import type { Deadline } from '../api/types';
import { useI18n } from '../i18n';
import { deadlineLabel } from '../lib/labels';
import { deadlineNow, formatDateTime, formatDuration, serverNow, useNow } from '../lib/time';

const MINUTE = 60_000;

/** `frozen`: the data may be out of date (offline), so the countdown stands still at the moment it arrived. */
export function DeadlineCountdown({
  d,
  fetchedAt,
  compact = false,
  frozen = false,
}: {
  d: Deadline;
  fetchedAt: number;
  compact?: boolean;
  frozen?: boolean;
}) {
  const { t, lang } = useI18n();
  const ticking = useNow();
  const now = frozen ? fetchedAt + (serverNow() - Date.now()) : ticking;
  const { clockLeft, workingLeft, overdue, used } = deadlineNow(d, now, fetchedAt);
  const main = overdue
    ? t('deadline.overdue', { t: formatDuration(-clockLeft, t) })
    : t('deadline.left', { t: formatDuration(clockLeft, t) });
  const showWorking = !overdue && workingLeft > 0 && Math.abs(workingLeft - clockLeft) >= MINUTE;
  if (compact) {
    return (
      <Typography.Text type={overdue ? 'danger' : undefined} strong={overdue} data-testid={`countdown-${d.kind}`}>
        {main}
      </Typography.Text>
    );
  }
  return (
    <div data-testid={`deadline-${d.kind}`} style={{ minWidth: 0 }}>
      <Space size={4} wrap>
        <Typography.Text strong>{deadlineLabel(t, d.kind)}</Typography.Text>
        {d.breachedAt && <Tag color="red">{t('deadline.breached')}</Tag>}
        {d.extended > 0 && <Tag color="blue">{t('deadline.extended', { n: d.extended })}</Tag>}
      </Space>
      <div
        role="timer"
        aria-live="off"
        style={{
          fontSize: 20,
          fontVariantNumeric: 'tabular-nums',
          color: overdue ? '#b3261e' : undefined,
          fontWeight: 600,
        }}
      >
        {main}
      </div>
      <Progress
        percent={Math.round(used * 100)}
        showInfo={false}
        size="small"
        status={overdue ? 'exception' : used >= 0.75 ? 'active' : 'normal'}
        strokeColor={overdue ? '#b3261e' : used >= 0.5 ? '#d46b08' : undefined}
        aria-hidden="true"
      />
      <Typography.Text type="secondary" style={{ fontSize: 13 }}>
        {t('deadline.due', { at: formatDateTime(d.dueAt, lang) })}
        {showWorking && ` · ${t('deadline.working', { t: formatDuration(workingLeft, t) })}`}
        {d.kind === 'evaluation' && ` · ${t('deadline.evaluationHint')}`}
      </Typography.Text>
    </div>
  );
}

export function Deadlines({
  deadlines,
  fetchedAt,
  frozen = false,
}: {
  deadlines: Deadline[];
  fetchedAt: number;
  frozen?: boolean;
}) {
  const { t } = useI18n();
  if (!deadlines.length) return <Typography.Text type="secondary">{t('case.noDeadlines')}</Typography.Text>;
  return (
    <div style={{ display: 'grid', gap: 16, gridTemplateColumns: 'repeat(auto-fit, minmax(220px, 1fr))' }}>
      {deadlines.map((d) => (
        <DeadlineCountdown key={d.kind} d={d} fetchedAt={fetchedAt} frozen={frozen} />
      ))}
    </div>
  );
}
