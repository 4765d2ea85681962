// The next step on a case, as a button in its row: 受理 is one click (with the action panel's Idempotency-Key per
// intent); any other action reads the case and opens the same dialog the case page opens.
import { App as AntApp, Button, Form, Typography } from 'antd';
import { useState } from 'react';
import type { ActionPath, CaseDetail, CaseSummary } from '../api/types';
import { useI18n } from '../i18n';
import { getCase } from '../lib/cases';
import { actionLabel } from '../lib/labels';
import { useReference } from '../lib/reference';
import { useSession } from '../session';
import { ActionDialog, useSubmit } from './ActionPanel';

export function RowAction({ c, action, onDone }: { c: CaseSummary; action: ActionPath; onDone(): void }) {
  const { t } = useI18n();
  const { me } = useSession();
  const ref = useReference();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm();
  const { busy, error, submit } = useSubmit(c, onDone);
  const [detail, setDetail] = useState<CaseDetail | null>(null);
  const [open, setOpen] = useState(false);
  const [reading, setReading] = useState(false);

  const start = async () => {
    if (action === 'acknowledge') return void submit(action, form);
    setReading(true);
    try {
      setDetail(await getCase(c.id));
      setOpen(true);
    } catch (err) {
      void message.error(err instanceof Error ? err.message : String(err));
    } finally {
      setReading(false);
    }
  };

  return (
    <div>
      {/* The one-click action has no fields; the form only carries useSubmit's validation. */}
      <Form form={form} component={false} />
      <Button
        type="primary"
        onClick={() => void start()}
        loading={busy || reading}
        data-row-action={action}
        aria-label={`${actionLabel(t, action)} ${c.trackingCode}`}
      >
        {actionLabel(t, action)}
      </Button>
      {error && (
        <Typography.Paragraph type="danger" role="alert" style={{ margin: '4px 0 0' }}>
          {error}
        </Typography.Paragraph>
      )}
      {detail && me && (
        <ActionDialog
          c={detail}
          me={me}
          reference={ref.data}
          action={open ? action : null}
          onClose={() => setOpen(false)}
          onDone={onDone}
        />
      )}
    </div>
  );
}
