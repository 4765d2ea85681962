// The contact on a case not yet proven the complainant's (SECURITY.md "On-behalf filing"): the complainant may put
// their own account's contact in with one button (a case staff filed for them starts without it), and the
// complainant or whoever filed the case may prove a typed phone with a code sent to it by SMS.
import { Alert, Button, Card, Input, Space, Typography } from 'antd';
import { useState } from 'react';
import { api, ApiError, ok } from '../api/client';
import type { CaseDetail } from '../api/types';
import { useI18n } from '../i18n';

export function ContactCheck({ c, complainant, onDone }: { c: CaseDetail; complainant: boolean; onDone: () => void }) {
  const { t } = useI18n();
  const [code, setCode] = useState('');
  const [sent, setSent] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const path = { params: { path: { id: c.id } } };
  const run = async (fn: () => Promise<unknown>, after?: () => void) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      after?.();
    } catch (err) {
      setError(err instanceof ApiError ? [err.message, ...err.details.map((d) => d.issue)].join('；') : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title={t('case.contactCheck')} size="small" data-testid="contact-check">
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Text type="secondary">
          {t(c.resident.phone ? 'case.contactCheck.unverified' : 'case.contactCheck.none')}
        </Typography.Text>
        {error && <Alert type="error" showIcon message={error} role="alert" />}
        {complainant && (
          <Button
            loading={busy}
            onClick={() => void run(() => ok(api.POST('/api/v1/cases/{id}/contact/confirm', path)), onDone)}
          >
            {t('case.contactCheck.useMine')}
          </Button>
        )}
        {c.resident.phone && (
          <Space wrap>
            <Button
              loading={busy}
              onClick={() =>
                void run(
                  () => ok(api.POST('/api/v1/cases/{id}/contact/verification', path)),
                  () => setSent(true),
                )
              }
            >
              {t(sent ? 'case.contactCheck.resend' : 'case.contactCheck.send')}
            </Button>
            {sent && (
              <>
                <Input
                  aria-label={t('case.contactCheck.code')}
                  placeholder={t('case.contactCheck.code')}
                  value={code}
                  onChange={(e) => setCode(e.target.value.trim())}
                  maxLength={6}
                  inputMode="numeric"
                  style={{ width: 140 }}
                />
                <Button
                  type="primary"
                  loading={busy}
                  disabled={code.length !== 6}
                  onClick={() =>
                    void run(
                      () => ok(api.POST('/api/v1/cases/{id}/contact/verify', { ...path, body: { code } })),
                      onDone,
                    )
                  }
                >
                  {t('case.contactCheck.verify')}
                </Button>
              </>
            )}
          </Space>
        )}
      </Space>
    </Card>
  );
}
