// Look a case up by its tracking code (YYMM-XXXXXX) and open it by id: the code never goes into a URL.
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { ApiError } from '../api/client';
import { useI18n } from '../i18n';
import { getCaseByTrackingCode } from '../lib/cases';

const CODE = /^\d{4}-[0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{6}$/;

export default function Track() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async ({ code }: { code: string }) => {
    setBusy(true);
    setError(null);
    try {
      const c = await getCaseByTrackingCode(code.trim().toUpperCase());
      void navigate(`/cases/${c.id}`);
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
