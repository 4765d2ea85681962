// 三方协议设置 (admins): a compound's current agreement terms — deadlines per tier, reminder points, evaluation
// window, rework limit, assessment weights — revised as a new version from a date, with a reason that goes
// into the audit log (PATCH /admin/agreements/{id}). Field names follow the API's, so its errors land on them.
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Col,
  DatePicker,
  Descriptions,
  Divider,
  Form,
  Input,
  InputNumber,
  Row,
  Select,
  Space,
  Table,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { api, ApiError, ok } from '../api/client';
import type { paths } from '../api/schema';
import { Plain } from '../components/Plain';
import { useI18n } from '../i18n';
import { showFieldErrors } from '../lib/forms';
import { useLoad } from '../lib/load';
import { useReference } from '../lib/reference';

type Agreement = paths['/api/v1/agreements']['get']['responses'][200]['content']['application/json']['items'][number];
type Duration = { unit: 'seconds' | 'hours' | 'working_days'; amount: number };
interface Terms {
  deadlines: Record<Tier, { response: Duration; resolution: Duration }>;
  reminderPoints: number[];
  evaluationWindow: Duration;
  reworkLimit: number;
  weights: { response: number; resolution: number; satisfaction: number; onTime: number };
}
type Tier = 'emergency' | 'utilities' | 'general' | 'complex';
const TIERS: Tier[] = ['emergency', 'utilities', 'general', 'complex'];
const TIER_LABEL: Record<Tier, { zh: string; en: string }> = {
  emergency: { zh: '紧急', en: 'Emergency' },
  utilities: { zh: '水电气暖', en: 'Utilities' },
  general: { zh: '一般', en: 'General' },
  complex: { zh: '复杂', en: 'Complex' },
};
const L = {
  title: { zh: '三方协议设置', en: 'Agreement settings' },
  compound: { zh: '小区', en: 'Compound' },
  version: { zh: '版本', en: 'Version' },
  validFrom: { zh: '生效日期', en: 'Valid from' },
  tier: { zh: '时限档', en: 'Tier' },
  reminders: { zh: '催办时点（占时限的百分比，逗号分隔）', en: 'Reminder points (% of the deadline, comma-separated)' },
  remindersRange: { zh: '每个时点须在 1 到 99 之间', en: 'Each point must be between 1 and 99' },
  evaluationWindow: { zh: '评价期限', en: 'Evaluation window' },
  reworkLimit: { zh: '重办次数上限', en: 'Rework limit' },
  weights: { zh: '考核权重', en: 'Assessment weights' },
  reason: { zh: '修订理由（记入审计日志）', en: 'Reason (kept in the audit log)' },
  save: { zh: '保存为新版本', en: 'Save as a new version' },
  saved: { zh: '已保存为新版本', en: 'Saved as a new version' },
  history: { zh: '历史版本', en: 'Versions' },
  validTo: { zh: '失效日期', en: 'Valid to' },
} as const;

function DurationInput({
  name,
  label,
  showLabel = true,
}: {
  name: (string | number)[];
  label: string;
  showLabel?: boolean;
}) {
  const { t } = useI18n();
  return (
    <Form.Item label={showLabel ? label : undefined} required={showLabel} style={{ marginBottom: showLabel ? 24 : 0 }}>
      <Space.Compact>
        <Form.Item name={[...name, 'amount']} noStyle rules={[{ required: true, message: label }]}>
          <InputNumber min={0} aria-label={label} style={{ width: 110 }} />
        </Form.Item>
        <Form.Item name={[...name, 'unit']} noStyle>
          <Plain>
            <Select
              aria-label={`${label} ${t('action.extendUnit')}`}
              style={{ width: 120 }}
              options={(['seconds', 'hours', 'working_days'] as const).map((u) => ({
                value: u,
                label: t(`action.unit.${u}`),
              }))}
            />
          </Plain>
        </Form.Item>
      </Space.Compact>
    </Form.Item>
  );
}

export default function Agreements() {
  const { t, lang, name } = useI18n();
  const { message } = AntApp.useApp();
  const ref = useReference();
  const [compound, setCompound] = useState('demo-fast');
  const list = useLoad(() => ok(api.GET('/api/v1/agreements', { params: { query: { compound } } })), [compound]);
  const current = useMemo(
    () => list.data?.items.find((a) => a.validTo === null) ?? list.data?.items.at(-1),
    [list.data],
  );
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const initial = useMemo(() => {
    if (!current) return undefined;
    const terms = current.terms as unknown as Terms;
    return {
      terms: { ...terms, reminderPoints: terms.reminderPoints.map((p) => Math.round(p * 100)).join(', ') },
      validFrom: dayjs(),
      reason: '',
    };
  }, [current]);

  const save = async (v: {
    terms: Omit<Terms, 'reminderPoints'> & { reminderPoints: string };
    validFrom?: Dayjs;
    reason: string;
  }) => {
    if (!current) return;
    setBusy(true);
    setError(null);
    try {
      const reminderPoints = v.terms.reminderPoints
        .split(/[,，\s]+/)
        .filter(Boolean)
        .map((p) => Number(p) / 100);
      await ok(
        api.PATCH('/api/v1/admin/agreements/{id}', {
          params: { path: { id: current.id } },
          body: {
            terms: { ...v.terms, reminderPoints },
            validFrom: v.validFrom?.format('YYYY-MM-DD'),
            reason: v.reason,
          },
        }),
      );
      void message.success(L.saved[lang]);
      await list.reload();
    } catch (err) {
      const rest = showFieldErrors(form, err);
      if (err instanceof ApiError && (rest.length || !err.details.length))
        setError([err.message, ...rest.map((d) => `${d.path}: ${d.issue}`)].join('；'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Typography.Title level={1} className="rs-page-title" style={{ fontSize: 22 }}>
        {L.title[lang]}
      </Typography.Title>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          aria-label={L.compound[lang]}
          style={{ width: 220 }}
          value={compound}
          onChange={setCompound}
          options={(ref.data?.compounds ?? []).map((c) => ({ value: c.code, label: name(c) }))}
        />
      </Space>
      {list.error && <Alert type="error" showIcon message={list.error.message} />}
      {current && initial && (
        <Card size="small" key={current.id} loading={list.loading}>
          <Descriptions size="small" column={{ xs: 1, sm: 3 }} style={{ marginBottom: 12 }}>
            <Descriptions.Item label={L.version[lang]}>v{current.version}</Descriptions.Item>
            <Descriptions.Item label={L.validFrom[lang]}>{current.validFrom}</Descriptions.Item>
            <Descriptions.Item label="ID">{current.id}</Descriptions.Item>
          </Descriptions>
          <Form form={form} layout="vertical" initialValues={initial} onFinish={save} name="agreement">
            {error && <Alert type="error" showIcon message={error} role="alert" style={{ marginBottom: 12 }} />}
            <Table
              size="small"
              pagination={false}
              rowKey={(tier) => tier}
              dataSource={TIERS}
              scroll={{ x: 560 }}
              columns={[
                { title: L.tier[lang], key: 'tier', render: (_, tier) => TIER_LABEL[tier][lang] },
                {
                  title: t('deadline.response'),
                  key: 'response',
                  render: (_, tier) => (
                    <DurationInput
                      name={['terms', 'deadlines', tier, 'response']}
                      label={`${TIER_LABEL[tier][lang]} ${t('deadline.response')}`}
                      showLabel={false}
                    />
                  ),
                },
                {
                  title: t('deadline.resolution'),
                  key: 'resolution',
                  render: (_, tier) => (
                    <DurationInput
                      name={['terms', 'deadlines', tier, 'resolution']}
                      label={`${TIER_LABEL[tier][lang]} ${t('deadline.resolution')}`}
                      showLabel={false}
                    />
                  ),
                },
              ]}
            />
            <Row gutter={16} style={{ marginTop: 16 }}>
              <Col xs={24} sm={12} md={8}>
                <DurationInput name={['terms', 'evaluationWindow']} label={L.evaluationWindow[lang]} />
              </Col>
              <Col xs={12} sm={6} md={6}>
                <Form.Item
                  name={['terms', 'reworkLimit']}
                  label={L.reworkLimit[lang]}
                  rules={[{ required: true, message: L.reworkLimit[lang] }]}
                >
                  <InputNumber min={0} max={5} style={{ width: '100%' }} />
                </Form.Item>
              </Col>
              <Col xs={24} sm={24} md={10}>
                <Form.Item
                  name={['terms', 'reminderPoints']}
                  label={L.reminders[lang]}
                  rules={[
                    {
                      validator: (_, v: string | undefined) =>
                        (v ?? '')
                          .split(/[,，\s]+/)
                          .filter(Boolean)
                          .every((p) => Number(p) > 0 && Number(p) < 100)
                          ? Promise.resolve()
                          : Promise.reject(new Error(L.remindersRange[lang])),
                    },
                  ]}
                >
                  <Input placeholder="50, 75" />
                </Form.Item>
              </Col>
            </Row>
            <Divider orientation="left" plain style={{ marginTop: 0 }}>
              {L.weights[lang]}
            </Divider>
            <Row gutter={16}>
              {(['response', 'resolution', 'satisfaction', 'onTime'] as const).map((w) => (
                <Col xs={12} sm={6} key={w}>
                  <Form.Item
                    name={['terms', 'weights', w]}
                    label={t(`rate.${w}`)}
                    rules={[{ required: true, message: t(`rate.${w}`) }]}
                  >
                    <InputNumber min={0} max={100} step={0.05} style={{ width: '100%' }} />
                  </Form.Item>
                </Col>
              ))}
            </Row>
            <Divider style={{ marginTop: 0 }} />
            <Row gutter={16}>
              <Col xs={24} sm={8}>
                <Form.Item name="validFrom" label={L.validFrom[lang]}>
                  <DatePicker
                    allowClear={false}
                    disabledDate={(d) => d.isBefore(dayjs(), 'day')}
                    style={{ width: '100%' }}
                  />
                </Form.Item>
              </Col>
              <Col xs={24} sm={16}>
                <Form.Item
                  name="reason"
                  label={L.reason[lang]}
                  rules={[{ required: true, whitespace: true, message: t('action.reasonRequired') }]}
                >
                  <Input.TextArea rows={2} maxLength={500} />
                </Form.Item>
              </Col>
            </Row>
            <Button type="primary" htmlType="submit" loading={busy}>
              {L.save[lang]}
            </Button>
          </Form>
        </Card>
      )}
      <Card size="small" title={L.history[lang]} style={{ marginTop: 12 }}>
        <Table<Agreement>
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={list.data?.items ?? []}
          columns={[
            { title: L.version[lang], key: 'v', render: (_, a) => `v${a.version}` },
            { title: L.validFrom[lang], key: 'from', render: (_, a) => a.validFrom },
            { title: L.validTo[lang], key: 'to', render: (_, a) => a.validTo ?? '—' },
          ]}
        />
      </Card>
    </>
  );
}
