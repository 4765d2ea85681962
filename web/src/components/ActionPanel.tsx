// The actions this user may take on this case, and nothing else. Each opens a small form (acknowledging is
// one click); the answer's field errors appear beside the fields, any other refusal above the form.
import { Alert, App as AntApp, Button, Card, Form, Modal, Space, Typography } from 'antd';
import { useRef, useState } from 'react';
import { act, ApiError, newIdempotencyKey } from '../api/client';
import type { ActionPath, CaseDetail, Me } from '../api/types';
import { useI18n, type Lang, type Translate } from '../i18n';
import { getCase } from '../lib/cases';
import { shortMoment } from '../lib/plain-status';
import { allowedActions, isFollower } from '../lib/allowed';
import { showFieldErrors } from '../lib/forms';
import { actionLabel } from '../lib/labels';
import type { Reference } from '../lib/reference';
import { serverNow } from '../lib/time';
import { ActionFields, bodyOf } from './ActionFields';
import { EvaluateFields } from './EvaluateFields';

const PRIMARY = new Set<ActionPath>([
  'acknowledge',
  'resolve',
  'evaluate',
  'decide-extension',
  'decide-return',
  'decide-pause',
  'record-follow-up',
  'record-callback',
]);
const DANGER = new Set<ActionPath>(['withdraw', 'close', 'return', 'merge']);

interface Props {
  c: CaseDetail;
  me: Me;
  reference: Reference | undefined;
  onDone(): void;
}

/** After an evaluation: completed, or — not satisfied — sent back, with the handler's fresh resolution due. */
async function evaluatedText(caseId: string, status: string, t: Translate, lang: Lang): Promise<string> {
  if (status === 'closed') return t('action.evaluatedClosed');
  const fresh = await getCase(caseId).catch(() => null);
  const due = fresh?.deadlines.find((d) => d.kind === 'resolution');
  const handler = (lang === 'zh' ? fresh?.handler?.nameZh : fresh?.handler?.nameEn) ?? '';
  return t('action.reworkDone', { handler, at: due ? shortMoment(due.dueAt, lang) : '—' });
}

export function useSubmit(c: Pick<CaseDetail, 'id'>, onDone: () => void) {
  const { t, lang } = useI18n();
  const { message } = AntApp.useApp();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // One key per intent: a retry after a timeout is the same request, applied once.
  const key = useRef(newIdempotencyKey());
  const submit = async (action: ActionPath, form: ReturnType<typeof Form.useForm>[0]) => {
    setError(null);
    const values = await form.validateFields().catch(() => null);
    if (!values) return false;
    setBusy(true);
    try {
      const result = await act(c.id, action, bodyOf(action, values as Record<string, unknown>) as never, key.current);
      key.current = newIdempotencyKey();
      void message.success(
        action === 'evaluate'
          ? await evaluatedText(c.id, result.status, t, lang)
          : t('action.done', { action: actionLabel(t, action) }),
      );
      form.resetFields();
      onDone();
      return true;
    } catch (err) {
      const rest = showFieldErrors(form, err);
      if (err instanceof ApiError && (rest.length || !err.details.length))
        setError([err.message, ...rest.map((d) => `${d.path}: ${d.issue}`)].join('；'));
      if (err instanceof ApiError && err.status !== 0 && err.status < 500) key.current = newIdempotencyKey();
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, submit };
}

/** The resident's evaluation, in the page rather than a dialog: it is what the case is waiting for. */
function EvaluateCard({ c, me, onDone }: Pick<Props, 'c' | 'me' | 'onDone'>) {
  const { t, lang } = useI18n();
  const due = c.deadlines.find((d) => d.kind === 'evaluation');
  const [form] = Form.useForm();
  const { busy, error, submit } = useSubmit(c, onDone);
  return (
    <Card title={actionLabel(t, 'evaluate')} style={{ borderColor: '#c8161d' }} data-testid="evaluate-card">
      <Form
        form={form}
        layout="vertical"
        onFinish={() => void submit('evaluate', form)}
        aria-label={actionLabel(t, 'evaluate')}
      >
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} role="alert" />}
        {due && (
          <Alert
            type="info"
            showIcon
            data-testid="evaluation-due"
            message={t('case.evaluationDue', { at: shortMoment(due.dueAt, lang) })}
            style={{ marginBottom: 16 }}
          />
        )}
        <EvaluateFields follower={isFollower(me, c)} />
        <Button type="primary" htmlType="submit" loading={busy}>
          {t('action.confirm')}
        </Button>
      </Form>
    </Card>
  );
}

export function ActionPanel({ c, me, reference, onDone }: Props) {
  const { t } = useI18n();
  const [open, setOpen] = useState<ActionPath | null>(null);
  const [form] = Form.useForm();
  const { busy, error, setError, submit } = useSubmit(c, onDone);
  const actions = allowedActions(me, c, serverNow(), reference);
  const evaluate = actions.includes('evaluate');
  const buttons = actions.filter((a) => a !== 'evaluate');

  const start = (a: ActionPath) => {
    setError(null);
    form.resetFields();
    if (a === 'acknowledge') void submit(a, form);
    else setOpen(a);
  };

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      {evaluate && <EvaluateCard c={c} me={me} onDone={onDone} />}
      <Card title={t('case.actions')} size="small">
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} role="alert" />}
        {buttons.length === 0 ? (
          <Typography.Text type="secondary">{t('case.noActions')}</Typography.Text>
        ) : (
          <Space wrap>
            {buttons.map((a) => (
              <Button
                key={a}
                type={PRIMARY.has(a) ? 'primary' : 'default'}
                danger={DANGER.has(a)}
                loading={busy && a === 'acknowledge'}
                onClick={() => start(a)}
                data-action={a}
              >
                {actionLabel(t, a)}
              </Button>
            ))}
          </Space>
        )}
      </Card>
      <ActionDialog c={c} me={me} reference={reference} action={open} onClose={() => setOpen(null)} onDone={onDone} />
    </Space>
  );
}

/**
 * One action's form in a dialog, for the case page and for a row of a list (待我处理, 待我审批): the same fields,
 * the same Idempotency-Key per intent, the same errors beside their fields. `initial` fills fields in (the primary
 * case of a merge offered from the suggested duplicates).
 */
export function ActionDialog({
  c,
  me,
  reference,
  action,
  onClose,
  onDone,
  initial,
}: Props & { action: ActionPath | null; onClose(): void; initial?: Record<string, unknown> }) {
  const { t } = useI18n();
  const [form] = Form.useForm();
  const { busy, error, submit } = useSubmit(c, () => {
    onClose();
    onDone();
  });
  return (
    <Modal
      open={action !== null}
      title={action ? actionLabel(t, action) : ''}
      okText={t('action.confirm')}
      cancelText={t('action.cancel')}
      confirmLoading={busy}
      onOk={() => action && void submit(action, form)}
      onCancel={onClose}
      destroyOnHidden
      okButtonProps={{ danger: action ? DANGER.has(action) : false }}
    >
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} role="alert" />}
      {action && (
        <Form
          form={form}
          layout="vertical"
          preserve={false}
          initialValues={{ extendBy: { unit: 'hours' }, ...initial }}
          onFinish={() => void submit(action, form)}
        >
          <ActionFields action={action} c={c} me={me} reference={reference} />
        </Form>
      )}
    </Modal>
  );
}
