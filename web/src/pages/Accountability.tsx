// 问责: the accountability records against the organisations under this supervisor (and, for a handler, against
// itself), each with the duty of the responsibility list it breaks, the case, and what follows. The organisation held
// to account answers a record (说明整改) and a supervisor of it closes one, from the row; the API decides who may.
import { Alert, App as AntApp, Button, Card, Form, Input, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, ApiError, ok } from '../api/client';
import type { paths } from '../api/schema';
import { pickLang, useI18n } from '../i18n';
import { levelLabel } from '../lib/labels';
import { useLoad } from '../lib/load';
import { monthOf } from '../lib/rates';
import { formatDateTime, serverNow } from '../lib/time';
import { useSession } from '../session';

type Query = NonNullable<paths['/api/v1/accountability']['get']['parameters']['query']>;
type Record_ = paths['/api/v1/accountability']['get']['responses'][200]['content']['application/json']['items'][number];

// 'silence' (a supervisor who did not decide, or call back, in time) is recorded by the loop before the
// accountability API's filter names it: the labels take any source.
const SOURCE_COLOR: Record<string, string> = {
  breach: 'red',
  unsatisfied: 'orange',
  finding: 'blue',
  silence: 'volcano',
};
const SOURCE_LABEL: Record<string, { zh: string; en: string }> = {
  breach: { zh: '超时违约', en: 'Missed deadline' },
  unsatisfied: { zh: '居民不满意', en: 'Unsatisfied resident' },
  finding: { zh: '督查发现', en: 'Finding' },
  silence: { zh: '监督方未按时审批或回访', en: 'Supervisor silent (decision or call-back)' },
};
const STATUS_LABEL = {
  open: { zh: '待说明', en: 'Open' },
  answered: { zh: '已说明', en: 'Answered' },
  closed: { zh: '已关闭', en: 'Closed' },
} as const;

type Step = 'answer' | 'close';

/** Answer (说明整改) or close a record in a dialog; a refusal (403/409) is shown in it, in the user's language. */
function RecordAction({ r, step, onDone }: { r: Record_; step: Step; onDone(): void }) {
  const { t } = useI18n();
  const { message } = AntApp.useApp();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [form] = Form.useForm<{ text: string }>();
  const send = async () => {
    const values = await form.validateFields().catch(() => null);
    if (!values) return;
    setBusy(true);
    setError(null);
    try {
      const params = { path: { id: r.id } };
      if (step === 'answer')
        await ok(api.POST('/api/v1/accountability/{id}/answer', { params, body: { answer: values.text } }));
      else await ok(api.POST('/api/v1/accountability/{id}/close', { params, body: { reason: values.text } }));
      void message.success(t(step === 'answer' ? 'acc.answered' : 'acc.closed'));
      setOpen(false);
      onDone();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  const label = t(step === 'answer' ? 'acc.answer' : 'acc.close');
  return (
    <>
      <Button
        size="small"
        type={step === 'answer' ? 'primary' : 'default'}
        onClick={() => setOpen(true)}
        data-record-action={step}
      >
        {label}
      </Button>
      <Modal
        open={open}
        title={label}
        okText={t('action.confirm')}
        cancelText={t('action.cancel')}
        confirmLoading={busy}
        onOk={() => void send()}
        onCancel={() => setOpen(false)}
        destroyOnHidden
      >
        {error && <Alert type="error" showIcon message={error} role="alert" style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical" preserve={false}>
          <Form.Item
            name="text"
            label={t(step === 'answer' ? 'acc.answerLabel' : 'acc.closeReason')}
            rules={[{ required: true, whitespace: true, message: t('action.textRequired') }]}
          >
            <Input.TextArea rows={4} maxLength={step === 'answer' ? 2000 : 1000} showCount />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

export default function Accountability() {
  const { t, lang, name } = useI18n();
  const { me } = useSession();
  const months = Array.from({ length: 12 }, (_, i) => monthOf(serverNow(), i));
  const [query, setQuery] = useState<Pick<Query, 'period' | 'source' | 'status'>>({ period: months[0] });
  const list = useLoad(async () => {
    const items: Record_[] = [];
    let cursor: string | undefined;
    do {
      const page = await ok(
        api.GET('/api/v1/accountability', { params: { query: { ...query, limit: 100, cursor } as Query } }),
      );
      items.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor && items.length < 500);
    return items;
  }, [JSON.stringify(query)]);

  return (
    <>
      <Typography.Title level={1} className="rs-page-title" style={{ fontSize: 22 }}>
        {t('acc.title')}
      </Typography.Title>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          aria-label={t('assess.period')}
          style={{ width: 130 }}
          value={query.period}
          onChange={(period) => setQuery({ ...query, period })}
          options={months.map((m) => ({ value: m, label: m }))}
        />
        <Select
          aria-label={t('acc.source')}
          style={{ width: 150 }}
          allowClear
          placeholder={t('acc.source')}
          value={query.source}
          onChange={(source) => setQuery({ ...query, source })}
          options={(['breach', 'unsatisfied', 'finding'] as const).map((s) => ({
            value: s,
            label: SOURCE_LABEL[s][lang],
          }))}
        />
        <Select
          aria-label={t('acc.status')}
          style={{ width: 130 }}
          allowClear
          placeholder={t('acc.status')}
          value={query.status}
          onChange={(status) => setQuery({ ...query, status })}
          options={(['open', 'answered', 'closed'] as const).map((s) => ({ value: s, label: STATUS_LABEL[s][lang] }))}
        />
      </Space>
      {list.error && (
        <Alert
          type={list.error.status === 404 ? 'warning' : 'error'}
          showIcon
          message={list.error.status === 404 ? t('acc.unavailable') : list.error.message}
          action={<Button onClick={() => void list.reload()}>{t('app.retry')}</Button>}
          style={{ marginBottom: 12 }}
        />
      )}
      <Card size="small">
        <Table<Record_>
          rowKey="id"
          size="middle"
          loading={list.loading}
          dataSource={list.data ?? []}
          locale={{ emptyText: t('acc.empty') }}
          scroll={{ x: 900 }}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          columns={[
            { title: t('acc.at'), key: 'at', render: (_, r) => formatDateTime(r.createdAt, lang), width: 170 },
            { title: t('acc.organization'), key: 'org', render: (_, r) => name(r.organization) },
            {
              title: t('acc.duty'),
              key: 'duty',
              render: (_, r) => (r.duty ? (lang === 'zh' ? r.duty.titleZh : r.duty.titleEn) : '—'),
            },
            {
              title: t('acc.source'),
              key: 'source',
              render: (_, r) => <Tag color={SOURCE_COLOR[r.source]}>{SOURCE_LABEL[r.source]?.[lang] ?? r.source}</Tag>,
            },
            { title: t('acc.reason'), key: 'reason', render: (_, r) => pickLang(r.reason, lang) },
            { title: t('acc.follows'), key: 'follows', render: (_, r) => r.follows[lang] },
            { title: t('case.level'), key: 'level', render: (_, r) => (r.level ? levelLabel(t, r.level) : '—') },
            { title: t('acc.status'), key: 'status', render: (_, r) => STATUS_LABEL[r.status][lang] },
            {
              title: t('acc.case'),
              key: 'case',
              render: (_, r) => (r.case ? <Link to={`/cases/${r.case.id}`}>{r.case.trackingCode}</Link> : '—'),
            },
            {
              title: t('acc.actions'),
              key: 'actions',
              render: (_, r) => {
                const own = r.organization.id === me?.organizationId;
                return (
                  <Space wrap>
                    {own && r.status === 'open' && (
                      <RecordAction r={r} step="answer" onDone={() => void list.reload()} />
                    )}
                    {!own && me?.role === 'supervisor' && r.status !== 'closed' && (
                      <RecordAction r={r} step="close" onDone={() => void list.reload()} />
                    )}
                  </Space>
                );
              },
            },
          ]}
        />
      </Card>
    </>
  );
}
