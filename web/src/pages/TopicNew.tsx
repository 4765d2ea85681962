// Opening a governance topic (POST /topics): title, scope (compounds, optionally buildings of one compound, one
// category), owner organisation, due date and tasks with owners and due dates. Opened from a repeat problem
// (?repeatProblem=<id>) or a hotspot cell (?compound=&building=&category=), the scope and a title are filled in.
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, DatePicker, Form, Input, Row, Select, Space, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useRef, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { ApiError, newIdempotencyKey } from '../api/client';
import { Plain } from '../components/Plain';
import { useI18n } from '../i18n';
import { showFieldErrors } from '../lib/forms';
import { compoundsInScope, openTopic, repeatProblems, type TopicBody } from '../lib/governance';
import { handlersServing, useReference } from '../lib/reference';
import { useSession } from '../session';

interface Values {
  title: string;
  description?: string;
  scope: { compoundCodes: string[]; categoryCode?: string };
  buildings?: string[];
  ownerOrgId: string;
  dueAt: Dayjs;
  tasks?: { title: string; ownerOrgId: string; dueAt: Dayjs }[];
}

const required = (message: string) => [{ required: true, message }];

export default function TopicNew() {
  const { t, name } = useI18n();
  const { me } = useSession();
  const ref = useReference();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const key = useRef(newIdempotencyKey());
  const fromRepeat = params.get('repeatProblem');
  const compounds = Form.useWatch(['scope', 'compoundCodes'], form) ?? [];
  const mine = ref.data ? compoundsInScope(ref.data, me) : [];
  const owners = ref.data
    ? [
        ...(me?.organization ? [{ id: me.organization.id, label: name(me.organization) }] : []),
        ...(compounds[0] ? handlersServing(ref.data, compounds[0]) : []).map((o) => ({ id: o.id, label: name(o) })),
      ]
    : [];

  // The scope and a suggested title from where the topic was opened.
  useEffect(() => {
    if (!ref.data) return;
    const fill = (compound: string, building: string | null, category: string | null) => {
      const place = `${name(ref.data!.compounds.find((c) => c.code === compound)) || compound}${building ? ` ${t('case.location.building', { v: building })}` : ''}`;
      const what = category ? name(ref.data!.categories.find((c) => c.code === category)) : '';
      form.setFieldsValue({
        scope: { compoundCodes: [compound], categoryCode: category ?? undefined },
        buildings: building ? [building] : [],
        title: t('topic.suggestedTitle', { place, what }),
      });
    };
    if (fromRepeat) {
      void repeatProblems('all').then(
        (r) => {
          const p = r.items.find((x) => x.id === fromRepeat);
          if (p) fill(p.compoundCode, p.building, p.categoryCode);
        },
        () => undefined,
      );
    } else if (params.get('compound')) {
      fill(params.get('compound')!, params.get('building'), params.get('category'));
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ref.data, fromRepeat]);

  const submit = async (v: Values) => {
    setBusy(true);
    setError(null);
    try {
      const oneCompound = v.scope.compoundCodes.length === 1 ? v.scope.compoundCodes[0] : null;
      const body: TopicBody = {
        title: v.title.trim(),
        ...(v.description?.trim() ? { description: v.description.trim() } : {}),
        scope: {
          compoundCodes: v.scope.compoundCodes,
          ...(oneCompound && v.buildings?.length
            ? { buildings: v.buildings.map((building) => ({ compoundCode: oneCompound, building })) }
            : {}),
          ...(v.scope.categoryCode ? { categoryCode: v.scope.categoryCode } : {}),
        },
        ownerOrgId: v.ownerOrgId,
        dueAt: v.dueAt.toISOString(),
        tasks: (v.tasks ?? []).map((x) => ({
          title: x.title.trim(),
          ownerOrgId: x.ownerOrgId,
          dueAt: x.dueAt.toISOString(),
        })),
        ...(fromRepeat ? { fromRepeatProblemId: fromRepeat } : {}),
      };
      const res = await openTopic(body, key.current);
      void navigate(`/topics/${res.id}`);
    } catch (err) {
      const rest = showFieldErrors(form, err, { 'scope.buildings': ['buildings'] });
      if (err instanceof ApiError) {
        setError([err.message, ...rest.map((d) => `${d.path}: ${d.issue}`)].join('；'));
        if (err.status !== 0 && err.status < 500) key.current = newIdempotencyKey();
      } else setError(String(err));
    } finally {
      setBusy(false);
    }
  };

  const ownerSelect = (label: string) => (
    <Plain>
      <Select
        aria-label={label}
        options={owners.map((o) => ({ value: o.id, label: o.label }))}
        showSearch
        optionFilterProp="label"
      />
    </Plain>
  );
  const future = (d: Dayjs) => d.isBefore(dayjs().startOf('day'));

  return (
    <Card style={{ maxWidth: 860, margin: '0 auto' }}>
      <Typography.Title level={1} style={{ fontSize: 22, marginTop: 0 }}>
        {t('topic.newTitle')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('topic.newIntro')}</Typography.Paragraph>
      {error && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical" name="new-topic" onFinish={(v) => void submit(v)} scrollToFirstError>
        <Form.Item
          name="title"
          label={t('topic.title')}
          rules={[{ required: true, whitespace: true, message: t('topic.titleRequired') }]}
        >
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="description" label={t('topic.description')}>
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
        <Row gutter={12}>
          <Col xs={24} md={12}>
            <Form.Item
              name={['scope', 'compoundCodes']}
              label={t('topic.compounds')}
              rules={required(t('topic.compoundsRequired'))}
            >
              <Plain>
                <Select
                  mode="multiple"
                  options={mine.map((c) => ({ value: c.code, label: name(c) }))}
                  optionFilterProp="label"
                />
              </Plain>
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="buildings" label={t('topic.buildings')} extra={t('topic.buildingsHint')}>
              <Plain>
                <Select mode="tags" disabled={compounds.length !== 1} open={false} tokenSeparators={[',', '，', ' ']} />
              </Plain>
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name={['scope', 'categoryCode']} label={t('topic.category')}>
              <Plain>
                <Select
                  allowClear
                  options={(ref.data?.categories ?? []).map((c) => ({ value: c.code, label: name(c) }))}
                />
              </Plain>
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="ownerOrgId" label={t('topic.owner')} rules={required(t('topic.ownerRequired'))}>
              {ownerSelect(t('topic.owner'))}
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="dueAt" label={t('topic.dueAt')} rules={required(t('topic.dueRequired'))}>
              <DatePicker
                showTime={{ format: 'HH:mm' }}
                format="YYYY-MM-DD HH:mm"
                disabledDate={future}
                style={{ width: '100%' }}
              />
            </Form.Item>
          </Col>
        </Row>
        <Typography.Title level={2} style={{ fontSize: 17 }}>
          {t('topic.tasks')}
        </Typography.Title>
        <Form.List name="tasks">
          {(fields, { add, remove }) => (
            <Space direction="vertical" style={{ width: '100%' }}>
              {fields.map((f) => (
                <Card size="small" key={f.key} data-task-form={f.name}>
                  <Row gutter={8} align="bottom">
                    <Col xs={24} md={10}>
                      <Form.Item
                        name={[f.name, 'title']}
                        label={t('topic.taskTitle')}
                        rules={[{ required: true, whitespace: true, message: t('topic.titleRequired') }]}
                      >
                        <Input maxLength={100} />
                      </Form.Item>
                    </Col>
                    <Col xs={24} md={6}>
                      <Form.Item
                        name={[f.name, 'ownerOrgId']}
                        label={t('topic.taskOwner')}
                        rules={required(t('topic.ownerRequired'))}
                      >
                        {ownerSelect(t('topic.taskOwner'))}
                      </Form.Item>
                    </Col>
                    <Col xs={20} md={6}>
                      <Form.Item
                        name={[f.name, 'dueAt']}
                        label={t('topic.dueAt')}
                        rules={required(t('topic.dueRequired'))}
                      >
                        <DatePicker
                          showTime={{ format: 'HH:mm' }}
                          format="YYYY-MM-DD HH:mm"
                          disabledDate={future}
                          style={{ width: '100%' }}
                        />
                      </Form.Item>
                    </Col>
                    <Col xs={4} md={2}>
                      <Form.Item>
                        <Button
                          type="text"
                          icon={<MinusCircleOutlined />}
                          aria-label={t('topic.removeTask')}
                          onClick={() => remove(f.name)}
                        />
                      </Form.Item>
                    </Col>
                  </Row>
                </Card>
              ))}
              <Button icon={<PlusOutlined aria-hidden />} onClick={() => add()}>
                {t('topic.addTask')}
              </Button>
            </Space>
          )}
        </Form.List>
        <Button type="primary" htmlType="submit" size="large" block loading={busy} style={{ marginTop: 16 }}>
          {t('topic.submit')}
        </Button>
      </Form>
    </Card>
  );
}
