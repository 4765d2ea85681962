// 治理专题 on the public page: the closed governance topics with their compounds, category, dates and effect (the
// cases of their scope before and after), from GET /public/topics. No names, no free text but the
// title (the API publishes no summary).
import { Card, List, Space, Tag, Typography } from 'antd';
import { useI18n } from '../i18n';
import { publicTopics } from '../lib/governance';
import { useLoad } from '../lib/load';
import { TopicEffect } from './TopicEffect';

export function PublicTopics() {
  const { t, name } = useI18n();
  const data = useLoad(publicTopics, [], 60_000);
  return (
    <Card title={t('topic.publicTitle')} size="small" data-testid="public-topics">
      <List
        loading={data.loading && !data.data}
        dataSource={data.data?.items ?? []}
        locale={{ emptyText: t('topic.publicNone') }}
        renderItem={(x) => (
          <List.Item data-topic={x.id} style={{ display: 'block' }}>
            <Space wrap size={4} style={{ marginBottom: 4 }}>
              <Typography.Text strong>{x.title}</Typography.Text>
              {x.category && <Tag>{name(x.category)}</Tag>}
            </Space>
            <div>
              <Typography.Text type="secondary">
                {x.compounds.map((c) => name(c)).join('、')} · {x.openedOn} – {x.closedOn}
              </Typography.Text>
            </div>
            <TopicEffect effect={x.effect} compact />
          </List.Item>
        )}
      />
    </Card>
  );
}
