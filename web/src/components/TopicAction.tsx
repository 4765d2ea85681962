// An action on a governance topic in a dialog: complete a task (a note), add progress (a note), or close (a summary,
// and a reason when tasks are left undone). One Idempotency-Key per intent; the answer's field errors beside fields.
import { Alert, Form, Input, Modal } from 'antd';
import { useRef, useState } from 'react';
import { ApiError, api, newIdempotencyKey, ok } from '../api/client';
import { useI18n } from '../i18n';
import { showFieldErrors } from '../lib/forms';
import type { Topic } from '../lib/governance';

export type Dialog =
  { kind: 'complete'; taskId: string; title: string } | { kind: 'progress' } | { kind: 'close' } | null;

export function TopicAction({
  topic,
  dialog,
  onClose,
  onDone,
}: {
  topic: Topic;
  dialog: Dialog;
  onClose(): void;
  onDone(): void;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ note?: string; summary?: string; reason?: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const key = useRef(newIdempotencyKey());
  const undone = topic.taskList.filter((x) => !x.doneAt).length;
  const submit = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v || !dialog) return;
    setBusy(true);
    setError(null);
    const header = { 'idempotency-key': key.current };
    try {
      if (dialog.kind === 'complete')
        await ok(
          api.POST('/api/v1/topics/{id}/tasks/{taskId}/complete', {
            params: { path: { id: topic.id, taskId: dialog.taskId }, header },
            body: { note: v.note!.trim() },
          }),
        );
      else if (dialog.kind === 'progress')
        await ok(
          api.POST('/api/v1/topics/{id}/progress', {
            params: { path: { id: topic.id }, header },
            body: { note: v.note!.trim() },
          }),
        );
      else
        await ok(
          api.POST('/api/v1/topics/{id}/close', {
            params: { path: { id: topic.id }, header },
            body: { summary: v.summary!.trim(), ...(v.reason?.trim() ? { reason: v.reason.trim() } : {}) },
          }),
        );
      key.current = newIdempotencyKey();
      form.resetFields();
      onClose();
      onDone();
    } catch (err) {
      const rest = showFieldErrors(form, err);
      if (err instanceof ApiError) {
        setError([err.message, ...rest.map((d) => `${d.path}: ${d.issue}`)].join('；'));
        if (err.status !== 0 && err.status < 500) key.current = newIdempotencyKey();
      } else setError(String(err));
    } finally {
      setBusy(false);
    }
  };
  const title =
    dialog?.kind === 'complete'
      ? t('topic.completeTask', { task: dialog.title })
      : dialog?.kind === 'progress'
        ? t('topic.addProgress')
        : t('topic.close');
  return (
    <Modal
      open={dialog !== null}
      title={title}
      okText={t('action.confirm')}
      cancelText={t('action.cancel')}
      confirmLoading={busy}
      onOk={() => void submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      {error && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical" preserve={false}>
        {dialog?.kind === 'close' ? (
          <>
            <Form.Item
              name="summary"
              label={t('topic.summary')}
              rules={[{ required: true, whitespace: true, message: t('topic.summaryRequired') }]}
            >
              <Input.TextArea rows={4} maxLength={2000} />
            </Form.Item>
            {undone > 0 && (
              <Form.Item
                name="reason"
                label={t('topic.closeReason', { n: undone })}
                rules={[{ required: true, whitespace: true, message: t('topic.closeReasonRequired') }]}
              >
                <Input.TextArea rows={2} maxLength={500} />
              </Form.Item>
            )}
          </>
        ) : (
          <Form.Item
            name="note"
            label={t('topic.note')}
            rules={[{ required: true, whitespace: true, message: t('topic.noteRequired') }]}
          >
            <Input.TextArea rows={3} maxLength={2000} />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
