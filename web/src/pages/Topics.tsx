// 治理专题: the governance topics this user may see (GET /topics), open ones first with their tasks done and due
// date, and a way for supervisors to open a new one. A topic works a repeat problem or a hotspot as a whole.
import { PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Card, List, Progress, Segmented, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { useI18n } from '../i18n';
import { listTopics, type TopicSummary } from '../lib/governance';
import { useLoad } from '../lib/load';
import { useReference } from '../lib/reference';
import { formatDateTime } from '../lib/time';
import { useSession } from '../session';

type Status = 'open' | 'closed' | 'all';

export function TopicStatus({ t: topic }: { t: Pick<TopicSummary, 'status' | 'overdue'> }) {
  const { t } = useI18n();
  if (topic.status === 'closed') return <Tag color="green">{t('topic.status.closed')}</Tag>;
  return topic.overdue ? <Tag color="red">{t('topic.overdue')}</Tag> : <Tag color="blue">{t('topic.status.open')}</Tag>;
}

export default function Topics() {
  const { t, lang, name } = useI18n();
  const { me } = useSession();
  const ref = useReference();
  const [status, setStatus] = useState<Status>('open');
  const data = useLoad(() => listTopics(status), [status], 15_000);
  const canOpen = me?.role === 'supervisor' || me?.role === 'admin';
  return (
    <>
      <Typography.Title level={1} className="rs-page-title" style={{ fontSize: 22 }}>
        {t('topic.listTitle')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('topic.intro')}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 12 }}>
        <Segmented<Status>
          aria-label={t('topic.statusFilter')}
          value={status}
          onChange={setStatus}
          options={(['open', 'closed', 'all'] as const).map((s) => ({ value: s, label: t(`topic.status.${s}`) }))}
        />
        {canOpen && <Link to="/hotspots">{t('nav.hotspots')}</Link>}
        {canOpen && <Link to="/qr">{t('nav.qr')}</Link>}
        {canOpen && (
          <Link to="/topics/new">
            <Button type="primary" icon={<PlusOutlined aria-hidden />}>
              {t('topic.new')}
            </Button>
          </Link>
        )}
      </Space>
      {data.error && <Alert type="error" showIcon message={data.error.message} />}
      <Card size="small">
        <List
          loading={data.loading && !data.data}
          dataSource={data.data?.items ?? []}
          locale={{ emptyText: t('topic.none') }}
          renderItem={(x) => (
            <List.Item data-topic={x.id}>
              <List.Item.Meta
                title={
                  <Space wrap size={4}>
                    <Link to={`/topics/${x.id}`}>{x.title}</Link>
                    <TopicStatus t={x} />
                  </Space>
                }
                description={
                  <Space direction="vertical" size={2} style={{ width: '100%' }}>
                    <Typography.Text>
                      {t('topic.owner')}：{name(ref.data?.orgs.get(x.ownerOrg.id)) || x.ownerOrg.id} ·{' '}
                      {t('topic.due', { at: formatDateTime(x.dueAt, lang) })}
                    </Typography.Text>
                    <Typography.Text type="secondary">
                      {x.scope.compoundCodes
                        .map((c) => name(ref.data?.compounds.find((k) => k.code === c)) || c)
                        .join('、')}
                    </Typography.Text>
                    <Progress
                      percent={x.tasks.total ? Math.round((x.tasks.done / x.tasks.total) * 100) : 0}
                      format={() => t('topic.tasksDone', { done: x.tasks.done, total: x.tasks.total })}
                      aria-label={t('topic.tasksDone', { done: x.tasks.done, total: x.tasks.total })}
                      size="small"
                      style={{ maxWidth: 320 }}
                    />
                  </Space>
                }
              />
            </List.Item>
          )}
        />
      </Card>
    </>
  );
}
