// The bell in the header of every signed-in page: the unread count, live (lib/notifications.tsx), and on click the
// latest notices, each opening its case or governance topic (a repeat problem: where those are listed) and
// marked read on the way.
import { BellOutlined } from '@ant-design/icons';
import { Badge, Button, Empty, List, Popover, Space, Spin, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, ok } from '../api/client';
import { useI18n } from '../i18n';
import { formatDateTime } from '../lib/time';
import { useNotifications, type NoticeEvent } from '../lib/notifications';

export type Notice = {
  id: string;
  caseId: string | null;
  /** A topic_* notice's governance topic. */
  topicId?: string | null;
  template: string;
  title: string;
  body: string;
  createdAt: string;
  readAt: string | null;
};

/** Marks a notice read (if it was not) and opens its case. */
export function useOpenNotice(): (n: Notice) => Promise<void> {
  const navigate = useNavigate();
  const { setUnreadCount } = useNotifications();
  return async (n) => {
    if (!n.readAt) {
      const r = await ok(api.POST('/api/v1/notifications/{id}/read', { params: { path: { id: n.id } } })).catch(
        () => null,
      );
      if (r) setUnreadCount(r.unreadCount);
    }
    void navigate(noticeTarget(n));
  };
}

/** Where a notice leads: its case; a topic's to its topic; a repeat problem to the dashboard's list of them. */
export function noticeTarget(n: Pick<Notice, 'caseId' | 'topicId' | 'template'>): string {
  if (n.caseId) return `/cases/${n.caseId}`;
  if (n.topicId) return `/topics/${n.topicId}`;
  if (n.template === 'repeat_problem') return '/dashboard#repeat-problems';
  return '/notifications';
}

export function NoticeItem({ n, onOpen }: { n: Notice; onOpen(n: Notice): void }) {
  const { lang } = useI18n();
  return (
    <List.Item className={n.readAt ? 'rs-notice' : 'rs-notice rs-notice-unread'}>
      <a href={noticeTarget(n)} onClick={(e) => (e.preventDefault(), onOpen(n))} data-notice={n.id}>
        <Typography.Text strong={!n.readAt}>{n.title}</Typography.Text>
        <br />
        <Typography.Text>{n.body}</Typography.Text>
        <br />
        <Typography.Text type="secondary">{formatDateTime(n.createdAt, lang)}</Typography.Text>
      </a>
    </List.Item>
  );
}

export function Bell() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const { unreadCount, setUnreadCount } = useNotifications();
  const [open, setOpen] = useState(false);
  const [items, setItems] = useState<Notice[] | null>(null);
  const openNotice = useOpenNotice();

  const load = async () => {
    setItems(null);
    const page = await ok(api.GET('/api/v1/notifications', { params: { query: { limit: 8 } } })).catch(() => null);
    setItems(page?.items ?? []);
    if (page) setUnreadCount(page.unreadCount);
  };
  const readAll = async () => {
    await ok(api.POST('/api/v1/notifications/read-all')).catch(() => null);
    setUnreadCount(0);
    setItems((xs) => xs?.map((n) => ({ ...n, readAt: n.readAt ?? new Date().toISOString() })) ?? null);
  };

  const content = (
    <div className="rs-bell-panel">
      {items === null ? (
        <Spin />
      ) : items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('notifications.empty')} />
      ) : (
        <List
          size="small"
          dataSource={items}
          renderItem={(n) => <NoticeItem n={n} onOpen={(x) => (setOpen(false), void openNotice(x))} />}
        />
      )}
      <Space style={{ marginTop: 8 }}>
        <Button size="small" onClick={() => void readAll()} disabled={unreadCount === 0}>
          {t('notifications.readAll')}
        </Button>
        <Button size="small" type="link" onClick={() => (setOpen(false), void navigate('/notifications'))}>
          {t('notifications.all')}
        </Button>
      </Space>
    </div>
  );

  return (
    <Popover
      trigger="click"
      placement="bottomRight"
      title={t('notifications.title')}
      content={content}
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (o) void load();
      }}
    >
      <Button
        type="text"
        className="rs-header-button rs-bell"
        aria-label={t('notifications.bell', { count: unreadCount })}
        data-unread={unreadCount}
      >
        <Badge count={unreadCount} size="small" overflowCount={99}>
          <BellOutlined style={{ color: '#fff', fontSize: 18 }} />
        </Badge>
      </Button>
    </Popover>
  );
}

export type { NoticeEvent };
