// "Me too" at intake: once the compound, building and category are chosen, the open cases of the same problem
// (GET /cases/similar: the same building, or the whole compound for a shared facility such as a lift) are offered
// first. Following one (POST /cases/{id}/follow) makes the resident a co-complainant, who is told of its progress
// and may rate it; 仍然提交 hides the hint and the form files as before.
import { Alert, App as AntApp, Button, List, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { ApiError } from '../api/client';
import { useI18n } from '../i18n';
import { followCase, similarCases, type SimilarCase } from '../lib/governance';
import { statusLabel } from '../lib/labels';
import { formatDateTime } from '../lib/time';

export function DuplicateHint({
  compound,
  building,
  category,
}: {
  compound?: string;
  building?: string;
  category?: string;
}) {
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  const { message } = AntApp.useApp();
  const [items, setItems] = useState<SimilarCase[]>([]);
  const [dismissed, setDismissed] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const key = `${compound ?? ''}|${building?.trim() ?? ''}|${category ?? ''}`;

  useEffect(() => {
    const b = building?.trim();
    if (!compound || !b || !category) {
      setItems([]);
      return;
    }
    let live = true;
    // Typing a building asks once it rests, not on every keystroke.
    const timer = window.setTimeout(() => {
      similarCases(compound, b, category).then(
        (r) => live && setItems(r.items),
        () => live && setItems([]), // a hint that cannot be had must never stand in the way of filing
      );
    }, 400);
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [compound, building, category]);

  if (items.length === 0 || dismissed === key) return null;
  const [first, ...others] = items;
  const follow = async (c: SimilarCase) => {
    setBusy(c.id);
    try {
      await followCase(c.id);
      void message.success(t('dup.following', { code: c.trackingCode }));
      void navigate(`/cases/${c.id}`);
    } catch (err) {
      void message.error(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(null);
    }
  };
  const line = (c: SimilarCase) =>
    `${statusLabel(t, c.status)} · ${formatDateTime(c.createdAt, lang)} · ${t('dup.followers', { n: c.followers })}`;
  return (
    <Alert
      type="warning"
      showIcon
      role="region"
      aria-label={t('dup.title')}
      data-testid="duplicate-hint"
      style={{ marginBottom: 16 }}
      message={t(first.following ? 'dup.already' : 'dup.question', { code: first.trackingCode })}
      description={
        <Space direction="vertical" style={{ width: '100%' }}>
          <Typography.Text type="secondary">{line(first)}</Typography.Text>
          <Space wrap>
            {first.following ? (
              <Button type="primary" onClick={() => void navigate(`/cases/${first.id}`)}>
                {t('dup.open')}
              </Button>
            ) : (
              <Button
                type="primary"
                loading={busy === first.id}
                onClick={() => void follow(first)}
                aria-label={`${t('dup.follow')} ${first.trackingCode}`}
                data-follow={first.id}
              >
                {t('dup.follow')}
              </Button>
            )}
            <Button onClick={() => setDismissed(key)}>{t('dup.fileAnyway')}</Button>
          </Space>
          {others.length > 0 && (
            <List
              size="small"
              header={t('dup.others')}
              dataSource={others}
              renderItem={(c) => (
                <List.Item
                  actions={[
                    <Button
                      key="f"
                      size="small"
                      loading={busy === c.id}
                      onClick={() => void follow(c)}
                      aria-label={`${t('dup.follow')} ${c.trackingCode}`}
                    >
                      {t('dup.follow')}
                    </Button>,
                  ]}
                >
                  <Typography.Text strong>{c.trackingCode}</Typography.Text>{' '}
                  <Typography.Text>{line(c)}</Typography.Text>
                </List.Item>
              )}
            />
          )}
        </Space>
      }
    />
  );
}
