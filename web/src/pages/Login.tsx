// Sign-in: residents with phone + one-time code (POST /auth/code, /auth/code/verify); staff, and the demo
// residents, with username + password (POST /auth/login). Errors appear beside the field they name.
import { LockOutlined, MobileOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Grid, Input, Space, Tabs, Typography, type FormInstance } from 'antd';
import { useEffect, useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { api, ApiError, ok, type TokenAnswer } from '../api/client';
import { useI18n } from '../i18n';
import { showFieldErrors } from '../lib/forms';
import { homeOf, useSession } from '../session';

function useAfterSignIn() {
  const navigate = useNavigate();
  const location = useLocation();
  const { signIn } = useSession();
  return async (answer: TokenAnswer) => {
    const me = await signIn(answer);
    const from = (location.state as { from?: string } | null)?.from;
    void navigate(from && from !== '/login' ? from : homeOf(me), { replace: true });
  };
}

/**
 * Puts an API error's details on the fields they name; the message above the form is kept for an error that some
 * field could not take (or that names none), and is null otherwise.
 */
function signInError(form: FormInstance, err: unknown): string | null {
  const rest = showFieldErrors(form, err);
  return err instanceof ApiError && (rest.length || !err.details.length) ? err.message : null;
}

function ErrorLine({ error }: { error: string | null }) {
  return error ? <Alert type="error" showIcon message={error} role="alert" style={{ marginBottom: 16 }} /> : null;
}

function StaffForm() {
  const { t } = useI18n();
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const after = useAfterSignIn();
  const submit = async (v: { username: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      const res = await ok(api.POST('/api/v1/auth/login', { body: v }));
      await after(res);
    } catch (err) {
      setError(signInError(form, err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Form form={form} layout="vertical" onFinish={submit} requiredMark={false} name="staff-login">
      <ErrorLine error={error} />
      <Form.Item
        name="username"
        label={t('login.username')}
        rules={[{ required: true, whitespace: true, message: t('login.required', { field: t('login.username') }) }]}
      >
        <Input prefix={<UserOutlined aria-hidden />} autoComplete="username" />
      </Form.Item>
      <Form.Item
        name="password"
        label={t('login.password')}
        rules={[{ required: true, message: t('login.required', { field: t('login.password') }) }]}
      >
        <Input.Password prefix={<LockOutlined aria-hidden />} autoComplete="current-password" />
      </Form.Item>
      <Button type="primary" htmlType="submit" block size="large" loading={busy}>
        {t('login.submit')}
      </Button>
    </Form>
  );
}

function ResidentForm() {
  const { t } = useI18n();
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [info, setInfo] = useState<string | null>(null);
  const [wait, setWait] = useState(0);
  const after = useAfterSignIn();

  useEffect(() => {
    if (wait <= 0) return;
    const id = window.setTimeout(() => setWait((w) => w - 1), 1000);
    return () => window.clearTimeout(id);
  }, [wait]);

  const sendCode = async () => {
    setError(null);
    const values = await form.validateFields(['phone']).catch(() => null);
    if (!values) return;
    try {
      await ok(api.POST('/api/v1/auth/code', { body: { phone: values.phone } }));
      setInfo(t('login.codeSent'));
      setWait(60);
    } catch (err) {
      setError(signInError(form, err));
    }
  };

  const submit = async (v: { phone: string; code: string }) => {
    setBusy(true);
    setError(null);
    try {
      const res = await ok(api.POST('/api/v1/auth/code/verify', { body: v }));
      await after(res);
    } catch (err) {
      setError(signInError(form, err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Form form={form} layout="vertical" onFinish={submit} requiredMark={false} name="resident-login">
      <ErrorLine error={error} />
      {info && <Alert type="success" showIcon message={info} style={{ marginBottom: 16 }} />}
      <Form.Item
        name="phone"
        label={t('login.phone')}
        rules={[
          { required: true, message: t('login.required', { field: t('login.phone') }) },
          { pattern: /^1[3-9]\d{9}$/, message: t('login.phonePlaceholder') },
        ]}
      >
        <Input
          prefix={<MobileOutlined aria-hidden />}
          inputMode="numeric"
          autoComplete="tel"
          maxLength={11}
          placeholder={t('login.phonePlaceholder')}
        />
      </Form.Item>
      <Form.Item label={t('login.code')} required>
        <Space.Compact style={{ width: '100%' }}>
          <Form.Item
            name="code"
            noStyle
            rules={[
              { required: true, message: t('login.required', { field: t('login.code') }) },
              { pattern: /^\d{6}$/, message: t('login.codePlaceholder') },
            ]}
          >
            <Input
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={6}
              placeholder={t('login.codePlaceholder')}
              aria-label={t('login.code')}
            />
          </Form.Item>
          <Button onClick={() => void sendCode()} disabled={wait > 0}>
            {wait > 0 ? t('login.resend', { s: wait }) : t('login.sendCode')}
          </Button>
        </Space.Compact>
      </Form.Item>
      <Button type="primary" htmlType="submit" block size="large" loading={busy}>
        {t('login.submit')}
      </Button>
    </Form>
  );
}

export default function Login() {
  const { t } = useI18n();
  const { me } = useSession();
  const navigate = useNavigate();
  const screens = Grid.useBreakpoint();
  useEffect(() => {
    if (me) void navigate(homeOf(me), { replace: true });
  }, [me, navigate]);
  return (
    <div className="rs-login">
      {screens.md && (
        <section aria-labelledby="loop-title">
          <Typography.Title level={2} id="loop-title" style={{ fontSize: 26, marginTop: 8 }}>
            {t('login.loopTitle')}
          </Typography.Title>
          <Typography.Paragraph type="secondary" style={{ fontSize: 15 }}>
            {t('login.loopIntro')}
          </Typography.Paragraph>
          <ol className="rs-loop">
            {(['collect', 'respond', 'follow_up', 'evaluate'] as const).map((s, i) => (
              <li key={s}>
                <span className="rs-loop-num" aria-hidden="true">
                  {i + 1}
                </span>
                <div>
                  <Typography.Text strong>{t(`stage.${s}`)}</Typography.Text>
                  <div>
                    <Typography.Text type="secondary">{t(`login.loop.${s}`)}</Typography.Text>
                  </div>
                </div>
              </li>
            ))}
          </ol>
        </section>
      )}
      <Card>
        <Typography.Title level={1} style={{ fontSize: 22, marginTop: 0 }}>
          {t('login.title')}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('login.subtitle')}</Typography.Paragraph>
        <Tabs
          defaultActiveKey="resident"
          items={[
            { key: 'resident', label: t('login.resident'), children: <ResidentForm /> },
            { key: 'staff', label: t('login.staff'), children: <StaffForm /> },
          ]}
        />
        <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 16 }}>
          {t('login.demoHint')}
        </Typography.Paragraph>
        <Link to="/public">{t('login.publicLink')}</Link>
      </Card>
    </div>
  );
}
