// The resident's contact on a case page. The complainant sees their own; staff who must contact the resident see
// the family name and a button that asks the API for the rest (GET /cases/:id?contact=reveal): that read is logged
// and shown to the resident, so it happens on a click, never on the page's polling.
import { Button, Space, Typography } from 'antd';
import { useState } from 'react';
import { ApiError } from '../api/client';
import type { CaseDetail } from '../api/types';
import { useI18n } from '../i18n';

export function ResidentContact({ c, onReveal }: { c: CaseDetail; onReveal: () => Promise<void> }) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { name, phone, masked, revealable } = c.resident;
  const reveal = async () => {
    setBusy(true);
    setError(null);
    try {
      await onReveal();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  if (!name && !phone && !revealable)
    return <Typography.Text type="secondary">{t('case.contactHidden')}</Typography.Text>;
  return (
    <Space direction="vertical" size={4} data-testid="resident-contact">
      <span>
        {name}
        {phone && (
          <>
            {name && ' '}
            <a href={`tel:${phone}`}>{phone}</a>
          </>
        )}
        {masked && name && t('case.masked')}
        {(name || phone) && !c.contactVerified && t('case.contactUnverified')}
      </span>
      {revealable && masked && (
        <Space wrap size={8}>
          <Button size="small" loading={busy} onClick={() => void reveal()}>
            {t('case.revealContact')}
          </Button>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('case.revealContact.logged')}
          </Typography.Text>
        </Space>
      )}
      {error && (
        <Typography.Text type="danger" role="alert">
          {error}
        </Typography.Text>
      )}
    </Space>
  );
}
