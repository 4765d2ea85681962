// All of the user's notices, unread first, page by page; each opens its case. New ones appear as they arrive.
import { Alert, Button, Card, List, Space, Typography } from 'antd';
import { useState } from 'react';
import { api, ok } from '../api/client';
import { NoticeItem, useOpenNotice, type Notice } from '../components/Bell';
import { useI18n } from '../i18n';
import { useLoad } from '../lib/load';
import { useNoticeEvents, useNotifications } from '../lib/notifications';

type Page = { items: Notice[]; nextCursor: string | null; unreadCount: number };

const fetchPage = (cursor?: string): Promise<Page> =>
  ok(api.GET('/api/v1/notifications', { params: { query: { limit: 20, ...(cursor ? { cursor } : {}) } } }));

export default function Notifications() {
  const { t } = useI18n();
  const { unreadCount, setUnreadCount } = useNotifications();
  const first = useLoad(() => fetchPage(), []);
  const [more, setMore] = useState<Page[]>([]);
  const openNotice = useOpenNotice();
  useNoticeEvents(() => {
    setMore([]);
    void first.reload();
  });

  const pages = first.data ? [first.data, ...more] : [];
  const items = pages.flatMap((p) => p.items);
  const next = pages.at(-1)?.nextCursor ?? null;

  return (
    <Card
      title={
        <Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>
          {t('notifications.title')}
        </Typography.Title>
      }
      extra={
        <Button
          disabled={unreadCount === 0}
          onClick={async () => {
            await ok(api.POST('/api/v1/notifications/read-all')).catch(() => null);
            setUnreadCount(0);
            setMore([]);
            void first.reload();
          }}
        >
          {t('notifications.readAll')}
        </Button>
      }
    >
      {first.error && <Alert type="error" showIcon message={first.error.message} />}
      <List
        loading={first.loading && !first.data}
        dataSource={items}
        locale={{ emptyText: t('notifications.empty') }}
        renderItem={(n) => <NoticeItem n={n} onOpen={(x) => void openNotice(x)} />}
      />
      {next && (
        <Space style={{ marginTop: 12 }}>
          <Button onClick={async () => setMore([...more, await fetchPage(next)])}>{t('notifications.more')}</Button>
        </Space>
      )}
    </Card>
  );
}
