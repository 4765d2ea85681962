// "谁查看了我的联系方式": on the resident's own case, every organisation that was shown their name, phone or room,
// when, and what. Read once when the case is opened and again on request: it is a record, not a live feed.
import { Button, Card, List, Space, Tag, Typography } from 'antd';
import type { ContactViews as Views } from '../api/types';
import { useI18n, type MessageKey } from '../i18n';
import { getContactViews } from '../lib/cases';
import { useLoad } from '../lib/load';
import { formatDateTime } from '../lib/time';

type View = Views['items'][number];

function ViewItem({ v }: { v: View }) {
  const { t, lang, name } = useI18n();
  const who = [
    v.viewer.organization ? name(v.viewer.organization) : '',
    t(`role.${v.viewer.role}` as MessageKey),
    v.viewer.name ? name(v.viewer.name) : '',
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <List.Item>
      <Space direction="vertical" size={2}>
        <Typography.Text strong>{who}</Typography.Text>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {formatDateTime(v.at, lang)}
          {v.reads > 1 && ` · ${t('case.contactViews.reads', { n: v.reads })}`}
        </Typography.Text>
        <Space wrap size={4}>
          {v.fields.map((f) => (
            <Tag key={f}>{t(`case.contactViews.field.${f}` as MessageKey)}</Tag>
          ))}
        </Space>
      </Space>
    </List.Item>
  );
}

export function ContactViews({ caseId }: { caseId: string }) {
  const { t } = useI18n();
  const loaded = useLoad(() => getContactViews(caseId), [caseId]);
  const views = loaded.data;
  return (
    <Card
      title={t('case.contactViews')}
      size="small"
      data-testid="contact-views"
      extra={
        <Button size="small" type="link" onClick={() => void loaded.reload()}>
          {t('case.contactViews.refresh')}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t('case.contactViews.hint')}
      </Typography.Paragraph>
      {loaded.error && !views ? (
        <Typography.Text type="danger">{loaded.error.message}</Typography.Text>
      ) : (
        <List
          size="small"
          loading={loaded.loading && !views}
          dataSource={views?.items ?? []}
          locale={{ emptyText: t('case.contactViews.none') }}
          renderItem={(v) => <ViewItem v={v} />}
        />
      )}
      {views?.truncated && <Typography.Text type="secondary">{t('case.contactViews.truncated')}</Typography.Text>}
    </Card>
  );
}
