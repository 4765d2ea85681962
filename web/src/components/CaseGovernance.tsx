// A case page's part in proactive governance: the governance topics whose scope covers the case (GET
// /cases/{id}/topics), and for staff the open cases that look like the same problem (GET /cases/{id}/duplicates),
// each offered for the existing merge action when this user may merge (the merge rule decides, as always).
import { Button, Card, List, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import type { CaseDetail, Me } from '../api/types';
import { useI18n } from '../i18n';
import { allowedActions } from '../lib/allowed';
import { duplicatesOf, topicsOfCase } from '../lib/governance';
import { statusLabel } from '../lib/labels';
import { useLoad } from '../lib/load';
import type { Reference } from '../lib/reference';
import { formatDateTime, serverNow } from '../lib/time';
import { ActionDialog } from './ActionPanel';

export function CaseTopics({ caseId }: { caseId: string }) {
  const { t, lang } = useI18n();
  const data = useLoad(() => topicsOfCase(caseId), [caseId]);
  const items = data.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <Card title={t('topic.ofCase')} size="small" data-testid="case-topics">
      <List
        size="small"
        dataSource={items}
        renderItem={(x) => (
          <List.Item>
            <Space wrap size={4}>
              <Link to={`/topics/${x.id}`}>{x.title}</Link>
              <Tag color={x.status === 'closed' ? 'green' : 'blue'}>
                {t(x.status === 'closed' ? 'topic.status.closed' : 'topic.status.open')}
              </Tag>
              <Typography.Text type="secondary">
                {t('topic.due', { at: formatDateTime(x.dueAt, lang) })}
              </Typography.Text>
            </Space>
          </List.Item>
        )}
      />
    </Card>
  );
}

export function CaseDuplicates({
  c,
  me,
  reference,
  onDone,
}: {
  c: CaseDetail;
  me: Me;
  reference: Reference | undefined;
  onDone(): void;
}) {
  const { t, lang } = useI18n();
  const data = useLoad(() => duplicatesOf(c.id), [c.id]);
  const [into, setInto] = useState<string | null>(null);
  const items = data.data?.items ?? [];
  if (items.length === 0 || c.status === 'closed') return null;
  const mayMerge = allowedActions(me, c, serverNow(), reference).includes('merge');
  return (
    <Card title={t('dup.staffTitle')} size="small" data-testid="case-duplicates">
      <Typography.Paragraph type="secondary">{t('dup.staffHint')}</Typography.Paragraph>
      <List
        size="small"
        dataSource={items}
        renderItem={(x) => (
          <List.Item
            data-duplicate={x.trackingCode}
            actions={
              mayMerge
                ? [
                    <Button
                      key="m"
                      size="small"
                      danger
                      onClick={() => setInto(x.id)}
                      aria-label={`${t('dup.merge')} ${x.trackingCode}`}
                    >
                      {t('dup.merge')}
                    </Button>,
                  ]
                : []
            }
          >
            <Space wrap size={4}>
              <Link to={`/cases/${x.id}`}>{x.trackingCode}</Link>
              <Typography.Text>
                {x.building ? t('case.location.building', { v: x.building }) : ''} {statusLabel(t, x.status)} ·{' '}
                {formatDateTime(x.createdAt, lang)}
              </Typography.Text>
              {x.sameBuilding && <Tag>{t('dup.sameBuilding')}</Tag>}
            </Space>
          </List.Item>
        )}
      />
      <ActionDialog
        c={c}
        me={me}
        reference={reference}
        action={into ? 'merge' : null}
        initial={into ? { primaryCaseId: into } : undefined}
        onClose={() => setInto(null)}
        onDone={() => {
          void data.reload();
          onDone();
        }}
      />
    </Card>
  );
}
