// The effect of a closed governance topic: the cases of its scope in the window before it opened and in the window
// after it closed, compared per 30 days while the "after" window is still shorter than the "before" one (and said).
import { Alert, Card, Col, Row, Statistic, Typography } from 'antd';
import { useI18n } from '../i18n';
import type { Topic } from '../lib/governance';
import { formatDateTime } from '../lib/time';

type Effect = NonNullable<Topic['effect']>;

export function TopicEffect({ effect, compact = false }: { effect: Effect; compact?: boolean }) {
  const { t, lang } = useI18n();
  const { before, after } = effect;
  const change =
    before.per30Days !== null && after.per30Days !== null && before.per30Days > 0
      ? Math.round(((after.per30Days - before.per30Days) / before.per30Days) * 100)
      : null;
  const window = (w: Effect['before']) =>
    `${formatDateTime(w.from, lang)} – ${formatDateTime(w.to, lang)}（${t('topic.effectDays', { n: w.days })}）`;
  const body = (
    <>
      <Row gutter={12}>
        <Col span={12}>
          <Statistic title={t('topic.effectBefore')} value={before.cases} suffix={t('topic.casesUnit')} />
          {!compact && <Typography.Text type="secondary">{window(before)}</Typography.Text>}
        </Col>
        <Col span={12}>
          <Statistic title={t('topic.effectAfter')} value={after.cases} suffix={t('topic.casesUnit')} />
          {!compact && <Typography.Text type="secondary">{window(after)}</Typography.Text>}
        </Col>
      </Row>
      <Typography.Paragraph style={{ marginTop: 8, marginBottom: 0 }} data-testid="effect-change">
        {change === null
          ? t('topic.effectNoRate')
          : t(change <= 0 ? 'topic.effectDown' : 'topic.effectUp', {
              n: Math.abs(change),
              before: before.per30Days ?? '—',
              after: after.per30Days ?? '—',
            })}
      </Typography.Paragraph>
      {!effect.afterComplete && (
        <Alert type="info" showIcon style={{ marginTop: 8 }} message={t('topic.effectShort', { n: after.days })} />
      )}
    </>
  );
  return compact ? (
    <div data-testid="topic-effect">{body}</div>
  ) : (
    <Card title={t('topic.effect')} size="small" data-testid="topic-effect">
      {body}
    </Card>
  );
}
