// 民意收集: a resident files a case, about a compound where they have a household (the API refuses others). Compound
// and room come from their household (GET /me), the category from a grid of icons; up to 9 photos are resized in the
// browser and sent as data URLs with the form. A contact phone other than their own is verified after filing. A QR
// code by the lift opens /new?compound=&building=, which fills those in; open cases of the same problem are offered
// to follow first (DuplicateHint).
import { PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Col,
  Form,
  Input,
  Radio,
  Result,
  Row,
  Select,
  Typography,
  Upload,
  type UploadFile,
} from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, ApiError, newIdempotencyKey, ok } from '../api/client';
import type { Category, IntakeBody, IntakeResult } from '../api/types';
import { CategoryIcon } from '../components/CategoryIcon';
import { DuplicateHint } from '../components/DuplicateHint';
import { Plain } from '../components/Plain';
import { useI18n } from '../i18n';
import { showFieldErrors } from '../lib/forms';
import { PHOTO_TYPES, photoToDataUrl } from '../lib/photos';
import { useReference } from '../lib/reference';
import { useSession } from '../session';

const MAX_PHOTOS = 9;

// `id` is the one Form.Item gives its control ("new-case_categoryCode"): the form scrolls to it on an error.
function CategoryPicker({
  id,
  value,
  onChange,
  categories,
  label,
}: {
  id?: string;
  value?: string;
  onChange?: (v: string) => void;
  categories: Category[];
  label: string;
}) {
  const { name } = useI18n();
  const refs = useRef<Array<HTMLButtonElement | null>>([]);
  // Arrow keys move within the group, as in any radio group.
  const onKey = (e: React.KeyboardEvent, i: number) => {
    const step =
      e.key === 'ArrowRight' || e.key === 'ArrowDown' ? 1 : e.key === 'ArrowLeft' || e.key === 'ArrowUp' ? -1 : 0;
    if (!step) return;
    e.preventDefault();
    const next = (i + step + categories.length) % categories.length;
    refs.current[next]?.focus();
    onChange?.(categories[next].code);
  };
  const selected = Math.max(
    0,
    categories.findIndex((c) => c.code === value),
  );
  return (
    <div role="radiogroup" aria-label={label} className="rs-category-grid" id={id}>
      {categories.map((c, i) => (
        <button
          type="button"
          role="radio"
          aria-checked={c.code === value}
          tabIndex={i === selected ? 0 : -1}
          key={c.code}
          ref={(el) => {
            refs.current[i] = el;
          }}
          className="rs-category"
          onClick={() => onChange?.(c.code)}
          onKeyDown={(e) => onKey(e, i)}
          data-category={c.code}
        >
          <span className="rs-category-icon">
            <CategoryIcon icon={c.icon} size={26} />
          </span>
          {name(c)}
        </button>
      ))}
    </div>
  );
}

interface Values {
  categoryCode: string;
  compoundCode: string;
  location: { building?: string; unit?: string; room?: string; address?: string };
  description: string;
  contactPreference: 'phone' | 'sms' | 'in_app' | 'none';
  contact: { name?: string; phone?: string };
  photos?: UploadFile[];
}

const trimmed = (o: Record<string, string | undefined>) =>
  Object.fromEntries(
    Object.entries(o)
      .filter(([, v]) => v && v.trim())
      .map(([k, v]) => [k, v!.trim()]),
  );

export default function NewCase() {
  const { t, name } = useI18n();
  const { me } = useSession();
  const ref = useReference();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<IntakeResult | null>(null);
  // The fields still wrong after a submit, listed above the form; each entry leads to its field.
  const [invalid, setInvalid] = useState<{ name: (string | number)[]; error: string }[]>([]);
  const summarise = (fields: { name: (string | number)[]; errors: string[] }[]) =>
    setInvalid(fields.filter((f) => f.errors.length).map((f) => ({ name: f.name, error: f.errors[0] })));
  const key = useRef(newIdempotencyKey());
  const households = useMemo(() => me?.households ?? [], [me]);
  const [params] = useSearchParams();
  const qr = { compound: params.get('compound'), building: params.get('building') };
  // From a QR code: its compound if the resident lives there (the API takes no other), their household there first.
  const household = households.find((h) => h.compoundCode === qr.compound) ?? households[0];
  const fromQr = qr.compound !== null && household?.compoundCode === qr.compound;
  const photos = Form.useWatch('photos', form);
  const typedPhone = Form.useWatch(['contact', 'phone'], form);
  const chosen = {
    compound: Form.useWatch('compoundCode', form),
    building: Form.useWatch(['location', 'building'], form),
    category: Form.useWatch('categoryCode', form),
  };
  const ownCompounds = new Set(households.map((h) => h.compoundCode));

  const initial = useMemo(
    () => ({
      compoundCode: household?.compoundCode,
      location:
        fromQr && qr.building && qr.building !== household.building
          ? { building: qr.building }
          : household
            ? { building: household.building, unit: household.unit, room: household.room }
            : {},
      contactPreference: 'phone' as const,
      photos: [] as UploadFile[],
      contact: { name: me?.nameZh ?? undefined, phone: me?.phone ?? undefined },
    }),
    [household, me, fromQr, qr.building],
  );
  useEffect(() => form.setFieldsValue(initial), [form, initial]);

  const compoundName = (code?: string) => name(ref.data?.compounds.find((c) => c.code === code));

  const submit = async (v: Values) => {
    setBusy(true);
    setError(null);
    setInvalid([]);
    try {
      const dataUrls = await Promise.all((v.photos ?? []).map((p) => photoToDataUrl(p.originFileObj as File)));
      const body: IntakeBody = {
        categoryCode: v.categoryCode,
        compoundCode: v.compoundCode,
        location: trimmed(v.location ?? {}),
        description: v.description.trim(),
        contactPreference: v.contactPreference,
        ...(dataUrls.length ? { photos: dataUrls } : {}),
      };
      const contact = trimmed(v.contact ?? {});
      if (Object.keys(contact).length) body.contact = contact;
      const home = households.find((h) => h.compoundCode === v.compoundCode);
      if (home) body.householdId = home.id;
      const res = await ok(api.POST('/api/v1/cases', { params: { header: { 'idempotency-key': key.current } }, body }));
      setDone(res);
      key.current = newIdempotencyKey();
    } catch (err) {
      const rest = showFieldErrors(form, err, { location: ['location', 'building'] });
      summarise(form.getFieldsError());
      if (err instanceof ApiError) {
        setError(
          rest.length || !err.details.length
            ? [err.message, ...rest.map((d) => d.issue)].join('；')
            : t('new.fixErrors'),
        );
        if (err.status < 500 && err.status !== 0) key.current = newIdempotencyKey();
      } else setError(String(err));
    } finally {
      setBusy(false);
    }
  };

  if (done) {
    return (
      <Card style={{ maxWidth: 760, margin: '0 auto' }}>
        <Result
          status="success"
          title={t('new.submitted')}
          subTitle={
            <>
              <Typography.Paragraph style={{ fontSize: 16 }}>
                {t('new.trackingCode')}：
                <Typography.Text strong copyable data-testid="tracking-code">
                  {done.trackingCode}
                </Typography.Text>
              </Typography.Paragraph>
              {t('new.submittedHint', { handler: name(done.handler), supervisor: name(done.supervisor) })}
            </>
          }
          extra={[
            <Link key="view" to={`/cases/${done.caseId}`}>
              <Button type="primary">{t('new.viewCase')}</Button>
            </Link>,
            <Button
              key="again"
              onClick={() => {
                setDone(null);
                form.resetFields();
                form.setFieldsValue(initial);
              }}
            >
              {t('new.another')}
            </Button>,
          ]}
        />
      </Card>
    );
  }

  return (
    <Card style={{ maxWidth: 760, margin: '0 auto' }}>
      <Typography.Title level={1} style={{ fontSize: 22, marginTop: 0 }}>
        {t('new.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('new.intro')}</Typography.Paragraph>
      <Form
        form={form}
        layout="vertical"
        onFinish={submit}
        onFinishFailed={({ errorFields }) => summarise(errorFields)}
        onFieldsChange={() => invalid.length && summarise(form.getFieldsError())}
        initialValues={initial}
        name="new-case"
        scrollToFirstError={{ block: 'center' }}
      >
        {invalid.length > 0 && (
          <Alert
            type="error"
            showIcon
            role="alert"
            data-testid="error-summary"
            style={{ marginBottom: 16 }}
            message={t('new.errorSummary', { n: invalid.length })}
            description={
              <ul style={{ margin: 0, paddingLeft: 20 }}>
                {invalid.map((f) => (
                  <li key={f.name.join('.')}>
                    <Button
                      type="link"
                      style={{ padding: 0, height: 'auto', whiteSpace: 'normal', textAlign: 'left' }}
                      onClick={() => form.scrollToField(f.name, { block: 'center', focus: true })}
                    >
                      {f.error}
                    </Button>
                  </li>
                ))}
              </ul>
            }
          />
        )}
        {error && <Alert type="error" showIcon message={error} role="alert" style={{ marginBottom: 16 }} />}
        {qr.compound && !fromQr && households.length > 0 && (
          <Alert type="info" showIcon message={t('new.qrNotYours')} style={{ marginBottom: 16 }} />
        )}
        <Form.Item
          name="categoryCode"
          label={t('new.category')}
          rules={[{ required: true, message: t('new.categoryRequired') }]}
        >
          <CategoryPicker categories={ref.data?.categories ?? []} label={t('new.category')} />
        </Form.Item>
        <Form.Item
          name="compoundCode"
          label={t('new.compound')}
          rules={[{ required: true, message: t('new.compoundRequired') }]}
        >
          <Plain>
            <Select
              showSearch
              optionFilterProp="label"
              options={(ref.data?.compounds ?? [])
                .filter((c) => ownCompounds.has(c.code))
                .map((c) => ({ value: c.code, label: name(c) }))}
              loading={ref.loading}
            />
          </Plain>
        </Form.Item>
        {household && (
          <Typography.Paragraph type="secondary" style={{ marginTop: -16 }}>
            {t('new.householdHint', {
              place: `${compoundName(household.compoundCode)} ${t('case.location.building', { v: household.building })} ${t('case.location.unit', { v: household.unit })} ${t('case.location.room', { v: household.room })}`,
            })}
          </Typography.Paragraph>
        )}
        <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
          <legend style={{ fontSize: 14, marginBottom: 8 }}>{t('new.location')}</legend>
          <Row gutter={8}>
            {(['building', 'unit', 'room'] as const).map((f) => (
              <Col span={8} key={f}>
                <Form.Item name={['location', f]} label={t(`new.${f}`)}>
                  <Input maxLength={20} />
                </Form.Item>
              </Col>
            ))}
          </Row>
          <Form.Item name={['location', 'address']} label={t('new.address')}>
            <Input maxLength={200} placeholder={t('new.addressPlaceholder')} />
          </Form.Item>
        </fieldset>
        <DuplicateHint compound={chosen.compound} building={chosen.building} category={chosen.category} />
        <Form.Item
          name="description"
          label={t('new.description')}
          rules={[
            { required: true, whitespace: true, message: t('new.descriptionRequired') },
            { min: 5, message: t('new.descriptionShort') },
          ]}
        >
          <Input.TextArea rows={4} maxLength={2000} showCount placeholder={t('new.descriptionPlaceholder')} />
        </Form.Item>
        <Form.Item
          name="photos"
          label={t('new.photos')}
          extra={t('new.photosHint')}
          valuePropName="fileList"
          getValueFromEvent={(e: { fileList: UploadFile[] }) =>
            e.fileList.slice(0, MAX_PHOTOS).map((f) => ({ ...f, status: 'done' as const }))
          }
          rules={[
            {
              validator: (_, v: UploadFile[] | undefined) =>
                (v?.length ?? 0) <= MAX_PHOTOS ? Promise.resolve() : Promise.reject(new Error(t('new.photoTooMany'))),
            },
          ]}
        >
          <Upload
            listType="picture-card"
            accept={PHOTO_TYPES.join(',')}
            multiple
            beforeUpload={(file) => {
              if (!PHOTO_TYPES.includes(file.type)) {
                form.setFields([{ name: 'photos', errors: [t('new.photoType')] }]);
                return Upload.LIST_IGNORE;
              }
              return false;
            }}
          >
            {(photos?.length ?? 0) < MAX_PHOTOS && (
              <button type="button" style={{ border: 0, background: 'none', cursor: 'pointer' }}>
                <PlusOutlined aria-hidden />
                <div style={{ marginTop: 8 }}>{t('new.addPhoto')}</div>
              </button>
            )}
          </Upload>
        </Form.Item>
        <Form.Item name="contactPreference" label={t('new.contactPreference')}>
          <Radio.Group
            options={(['phone', 'sms', 'in_app', 'none'] as const).map((p) => ({
              value: p,
              label: t(`new.contact.${p}`),
            }))}
          />
        </Form.Item>
        <Row gutter={8}>
          <Col xs={24} sm={12}>
            <Form.Item name={['contact', 'name']} label={t('new.contactName')}>
              <Input maxLength={50} autoComplete="name" />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item
              name={['contact', 'phone']}
              label={t('new.contactPhone')}
              extra={typedPhone && me?.phone && typedPhone.trim() !== me.phone ? t('new.contactPhoneOther') : undefined}
            >
              <Input maxLength={11} inputMode="numeric" autoComplete="tel" />
            </Form.Item>
          </Col>
        </Row>
        <Button type="primary" htmlType="submit" size="large" block loading={busy}>
          {t('new.submit')}
        </Button>
      </Form>
    </Card>
  );
}
