// Look a case up by its tracking code (YYMM-XXXXXX). Signed in: open it by id (the code never goes into a URL).
// Signed out: where it stands, from the public tracking route — status, who handles it, deadlines and steps, nothing
// personal — with a way to sign in for the details.
import { Alert, Button, Card, Descriptions, Form, Input, Space, Timeline, Typography } from 'antd';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, ApiError, ok } from '../api/client';
import type { paths } from '../api/schema';
import { useI18n, type MessageKey } from '../i18n';
import { getCaseByTrackingCode } from '../lib/cases';
import { deadlineLabel, levelLabel, statusLabel } from '../lib/labels';
import { formatDateTime } from '../lib/time';
import { useSession } from '../session';

type PublicTrack = paths['/api/v1/public/track/{code}']['get']['responses']['200']['content']['application/json'];

function PublicResult({ c, onAnother }: { c: PublicTrack; onAnother(): void }) {
  const { t, lang } = useI18n();
  const name = (o: { nameZh: string; nameEn: string } | null) => (o ? (lang === 'zh' ? o.nameZh : o.nameEn) : '—');
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid="public-track">
      <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>
        {name(c.category)} · {name(c.compound)}
      </Typography.Title>
      <Descriptions column={1} size="small" bordered>
        <Descriptions.Item label={t('track.status')}>
          {statusLabel(t, c.status)} · {levelLabel(t, c.level)}
        </Descriptions.Item>
        <Descriptions.Item label={t('track.handler')}>{name(c.handler)}</Descriptions.Item>
        <Descriptions.Item label={t('track.supervisor')}>{name(c.supervisor)}</Descriptions.Item>
        {c.status !== 'closed' &&
          c.deadlines.map((d) => (
            <Descriptions.Item key={d.kind} label={deadlineLabel(t, d.kind)}>
              {formatDateTime(d.dueAt, lang)}
              {d.overdue ? ` · ${t('deadline.overdue', { t: '' }).trim()}` : ''}
            </Descriptions.Item>
          ))}
      </Descriptions>
      <div>
        <Typography.Title level={3} style={{ fontSize: 16 }}>
          {t('track.steps')}
        </Typography.Title>
        <Timeline
          items={c.steps.map((e) => ({
            children: `${formatDateTime(e.at, lang)} ${t(`track.step.${e.type}` as MessageKey)}`,
          }))}
        />
      </div>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('track.publicHint')}
      </Typography.Paragraph>
      <Space wrap>
        <Link to="/login">
          <Button type="primary">{t('track.signInForDetails')}</Button>
        </Link>
        <Button onClick={onAnother}>{t('track.another')}</Button>
      </Space>
    </Space>
  );
}

const CODE = /^\d{4}-[0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{6}$/;

export default function Track() {
  const { t } = useI18n();
  const { me } = useSession();
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [found, setFound] = useState<PublicTrack | null>(null);
  const submit = async ({ code }: { code: string }) => {
    setBusy(true);
    setError(null);
    try {
      const normalised = code.trim().toUpperCase();
      if (me) {
        const c = await getCaseByTrackingCode(normalised);
        void navigate(`/cases/${c.id}`);
      } else {
        setFound(await ok(api.GET('/api/v1/public/track/{code}', { params: { path: { code: normalised } } })));
      }
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 404
          ? t('track.notFound')
          : err instanceof ApiError
            ? err.message
            : String(err),
      );
    } finally {
      setBusy(false);
    }
  };
  if (found) {
    return (
      <Card style={{ maxWidth: 640, margin: '0 auto' }}>
        <PublicResult c={found} onAnother={() => setFound(null)} />
      </Card>
    );
  }
  return (
    <Card style={{ maxWidth: 520, margin: '0 auto' }}>
      <Typography.Title level={1} style={{ fontSize: 22, marginTop: 0 }}>
        {t('track.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('track.intro')}</Typography.Paragraph>
      <Form layout="vertical" onFinish={submit} requiredMark={false} name="track">
        {error && <Alert type="warning" showIcon message={error} role="alert" style={{ marginBottom: 16 }} />}
        <Form.Item
          name="code"
          label={t('track.code')}
          rules={[
            { required: true, message: t('track.invalid') },
            {
              validator: (_, v: string | undefined) =>
                !v || CODE.test(v.trim()) ? Promise.resolve() : Promise.reject(new Error(t('track.invalid'))),
            },
          ]}
        >
          <Input placeholder="2611-7K3M9Q" autoComplete="off" style={{ textTransform: 'uppercase' }} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy} block>
          {t('track.submit')}
        </Button>
      </Form>
    </Card>
  );
}
