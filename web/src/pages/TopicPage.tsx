// One governance topic (GET /topics/{id}): its scope, owner and due date, the tasks with owners and due dates (a
// task's owner or the supervisor marks one done), progress notes, closing with a summary, what happened in order,
// the cases it covers, accountability kept against late owners, and once closed the effect: the cases of its scope
// before it opened and after it closed. Open topics are polled, so a reminder or a breach appears by itself.
import { Button, Card, Descriptions, List, Result, Skeleton, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { TopicAction, type Dialog } from '../components/TopicAction';
import { TopicEffect } from '../components/TopicEffect';
import { TopicTimeline } from '../components/TopicTimeline';
import { useI18n } from '../i18n';
import { getTopic, type Topic } from '../lib/governance';
import { statusLabel } from '../lib/labels';
import { useLoad } from '../lib/load';
import { useNoticeEvents } from '../lib/notifications';
import { isUnder, useReference, type Reference } from '../lib/reference';
import { formatDateTime } from '../lib/time';
import { useSession } from '../session';
import type { Me, Status } from '../api/types';
import { TopicStatus } from './Topics';
import './governance.css';

/**
 * What the topic's rules (domain/topic.ts) let this user do, to offer only that: the opener's organisation and those
 * above it (or an admin) complete any task and close; a task's owner completes it; every participant adds progress.
 * The workflow still decides.
 */
function mayOf(topic: Topic, me: Me | null, ref: Reference | undefined) {
  const org = me?.organization?.id ?? null;
  const inChain = me?.role === 'admin' || (org !== null && !!ref && isUnder(ref, topic.supervisorOrg.id, org));
  const owners = [topic.ownerOrg.id, ...topic.taskList.map((x) => x.ownerOrg.id)];
  return {
    close: inChain,
    progress: inChain || (org !== null && owners.includes(org)),
    complete: (taskOwner: string) => inChain || taskOwner === org,
  };
}

export default function TopicPage() {
  const { id = '' } = useParams();
  const { t, lang, name } = useI18n();
  const ref = useReference();
  const loaded = useLoad(
    () => getTopic(id),
    [id],
    5000,
    (x) => x.status !== 'closed',
  );
  // A reminder or a breach reaches an open page at once by its notice; the poll covers a missed push.
  useNoticeEvents((n) => n.topicId === id && void loaded.reload());
  const [dialog, setDialog] = useState<Dialog>(null);
  const { me } = useSession();
  const topic = loaded.data;
  const org = (orgId: string) => name(ref.data?.orgs.get(orgId)) || orgId;
  const compound = (code: string) => name(ref.data?.compounds.find((c) => c.code === code)) || code;

  if (loaded.error && !topic)
    return (
      <Result
        status={loaded.error.status === 404 ? '404' : 'error'}
        title={loaded.error.status === 404 ? t('topic.notFound') : loaded.error.message}
        extra={<Link to="/topics">{t('topic.listTitle')}</Link>}
      />
    );
  if (!topic) return <Skeleton active paragraph={{ rows: 8 }} />;
  const open = topic.status === 'open';
  const may = mayOf(topic, me, ref.data);
  const scope = topic.scope;
  const category = scope.categoryCode
    ? name(ref.data?.categories.find((c) => c.code === scope.categoryCode))
    : t('topic.anyCategory');

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid="topic-page" data-status={topic.status}>
      <Card>
        <Space wrap align="center">
          <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
            {topic.title}
          </Typography.Title>
          <TopicStatus t={topic} />
        </Space>
        {topic.description && (
          <Typography.Paragraph style={{ marginTop: 8, whiteSpace: 'pre-wrap' }}>
            {topic.description}
          </Typography.Paragraph>
        )}
        <Descriptions column={1} size="small" style={{ marginTop: 12 }} labelStyle={{ width: 110 }}>
          <Descriptions.Item label={t('topic.compounds')}>
            {scope.compoundCodes.map(compound).join('、')}
            {scope.buildings.length > 0 &&
              ` · ${scope.buildings.map((b) => t('case.location.building', { v: b.building })).join('、')}`}
          </Descriptions.Item>
          <Descriptions.Item label={t('topic.category')}>{category}</Descriptions.Item>
          <Descriptions.Item label={t('topic.owner')}>{org(topic.ownerOrg.id)}</Descriptions.Item>
          <Descriptions.Item label={t('topic.dueAt')}>{formatDateTime(topic.dueAt, lang)}</Descriptions.Item>
          {topic.supervision && (
            <Descriptions.Item label={t('topic.supervision')}>
              <Typography.Text type="danger" data-testid="topic-supervision">
                {t('topic.supervisionValue', {
                  at: formatDateTime(topic.supervision.dueAt, lang),
                  n: topic.supervision.misses,
                })}
              </Typography.Text>
            </Descriptions.Item>
          )}
          <Descriptions.Item label={t('topic.openedAt')}>{formatDateTime(topic.openedAt, lang)}</Descriptions.Item>
          {topic.closedAt && (
            <Descriptions.Item label={t('topic.closedAt')}>{formatDateTime(topic.closedAt, lang)}</Descriptions.Item>
          )}
          {topic.summary && <Descriptions.Item label={t('topic.summary')}>{topic.summary}</Descriptions.Item>}
        </Descriptions>
        {open && (
          <Space wrap style={{ marginTop: 12 }}>
            {may.progress && <Button onClick={() => setDialog({ kind: 'progress' })}>{t('topic.addProgress')}</Button>}
            {may.close && (
              <Button danger onClick={() => setDialog({ kind: 'close' })}>
                {t('topic.close')}
              </Button>
            )}
          </Space>
        )}
      </Card>
      {topic.effect && <TopicEffect effect={topic.effect} />}
      <Card title={t('topic.tasks')} size="small" data-testid="topic-tasks">
        <List
          dataSource={topic.taskList}
          locale={{ emptyText: t('topic.noTasks') }}
          renderItem={(x) => (
            <List.Item
              data-task={x.id}
              data-done={x.doneAt ? 'true' : 'false'}
              actions={
                open && !x.doneAt && may.complete(x.ownerOrg.id)
                  ? [
                      <Button
                        key="c"
                        type="primary"
                        size="small"
                        onClick={() => setDialog({ kind: 'complete', taskId: x.id, title: x.title })}
                      >
                        {t('topic.complete')}
                      </Button>,
                    ]
                  : []
              }
            >
              <List.Item.Meta
                title={
                  <Space wrap size={4}>
                    <Typography.Text strong>{x.title}</Typography.Text>
                    {x.doneAt ? (
                      <Tag color="green">{t('topic.taskDone')}</Tag>
                    ) : x.overdue ? (
                      <Tag color="red">{t('topic.overdue')}</Tag>
                    ) : (
                      <Tag color="blue">{t('topic.taskOpen')}</Tag>
                    )}
                  </Space>
                }
                description={[
                  org(x.ownerOrg.id),
                  t('topic.due', { at: formatDateTime(x.dueAt, lang) }),
                  x.doneAt && t('topic.doneAt', { at: formatDateTime(x.doneAt, lang) }),
                  x.supervision &&
                    t('topic.supervisionTask', {
                      at: formatDateTime(x.supervision.dueAt, lang),
                      n: x.supervision.misses,
                    }),
                ]
                  .filter(Boolean)
                  .join(' · ')}
              />
            </List.Item>
          )}
        />
      </Card>
      <Card title={t('topic.cases', { n: topic.linkedCases.length })} size="small" data-testid="topic-cases">
        <List
          size="small"
          dataSource={topic.linkedCases}
          locale={{ emptyText: t('topic.noCases') }}
          renderItem={(c) => (
            <List.Item>
              <Space wrap size={4}>
                <Link to={`/cases/${c.id}`}>{c.trackingCode}</Link>
                <Typography.Text>
                  {compound(c.compoundCode)} {c.building ? t('case.location.building', { v: c.building }) : ''} ·{' '}
                  {name(ref.data?.categories.find((k) => k.code === c.categoryCode)) || c.categoryCode} ·{' '}
                  {statusLabel(t, c.status as Status)} · {formatDateTime(c.createdAt, lang)}
                </Typography.Text>
              </Space>
            </List.Item>
          )}
        />
      </Card>
      {topic.accountability.length > 0 && (
        <Card title={t('topic.accountability')} size="small" data-testid="topic-accountability">
          <List
            size="small"
            dataSource={topic.accountability}
            renderItem={(r) => (
              <List.Item>
                {org(r.organization.id)} · {lang === 'zh' ? r.dutyTitleZh : r.dutyTitleEn} ·{' '}
                {formatDateTime(r.createdAt, lang)}
              </List.Item>
            )}
          />
        </Card>
      )}
      <Card title={t('topic.timeline')} size="small">
        <TopicTimeline topic={topic} />
      </Card>
      <TopicAction topic={topic} dialog={dialog} onClose={() => setDialog(null)} onDone={() => void loaded.reload()} />
    </Space>
  );
}
