// 节假日安排 (admins): how far the published holiday arrangement reaches, and importing a year's State Council notice
// in one go — its holiday ranges and its 调休 weekend days worked (PUT /admin/calendar-years/{year}). The form starts
// from the year as the calendar knows it now: the import, the package's data, or the law's days with 调休 unknown.
// Field names follow the API's, so its errors land on them ("holidays.2.to", "workdays.0").
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Col,
  Descriptions,
  Form,
  Input,
  Row,
  Select,
  Space,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, ApiError, ok } from '../api/client';
import type { paths } from '../api/schema';
import { CALENDAR_CHANGED } from '../components/CalendarBanner';
import { DateListField, HolidayRangesField } from '../components/CalendarYearFields';
import { useI18n } from '../i18n';
import { showFieldErrors } from '../lib/forms';
import { useLoad } from '../lib/load';

type Body = paths['/api/v1/admin/calendar-years/{year}']['put']['requestBody']['content']['application/json'];
interface Values {
  holidays: { holiday: Body['holidays'][number]['holiday']; from: Dayjs; to: Dayjs }[];
  workdays: Dayjs[];
  statutoryDaysWorked: Dayjs[];
  notice?: string;
  reason: string;
}

const L = {
  title: { zh: '节假日安排', en: 'Holiday arrangement' },
  publishedThrough: { zh: '已公布的安排截至', en: 'Published through' },
  daysLeft: { zh: '剩余天数', en: 'Days left' },
  imported: { zh: '已导入的年份', en: 'Imported years' },
  none: { zh: '无', en: 'none' },
  year: { zh: '年份', en: 'Year' },
  source: { zh: '当前来源', en: 'Current source' },
  sourceImported: { zh: '已导入的国务院通知', en: 'imported State Council notice' },
  sourcePackage: { zh: 'chinese-days 公布的数据', en: 'published in chinese-days' },
  sourceStatutory: { zh: '法定节假日（调休未知）', en: 'statutory holidays (make-up days unknown)' },
  statutoryHint: {
    zh: '该年尚无国务院通知：下面是《全国年节及纪念日放假办法》规定的法定节假日。请按通知填写放假日期和调休上班日后导入。',
    en: "No State Council notice for this year yet: below are the statutory holidays of the law. Enter the notice's holiday ranges and make-up working days, then import.",
  },
  notice: { zh: '通知文号', en: 'Notice' },
  reason: { zh: '导入理由（记入审计日志）', en: 'Reason (kept in the audit log)' },
  submit: { zh: '导入 {year} 年安排', en: 'Import {year}' },
  done: { zh: '已导入，在办工单将按新日历重算时限', en: 'Imported; open cases recompute their deadlines on it' },
} as const;

const DAY = 'YYYY-MM-DD';
const fill = (s: string, vars: Record<string, string | number>) =>
  s.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k]));

export default function CalendarYears() {
  const { lang, t } = useI18n();
  const { message } = AntApp.useApp();
  const [params, setParams] = useSearchParams();
  const coverage = useLoad(() => ok(api.GET('/api/v1/calendar/coverage')), []);
  const c = coverage.data;
  const year = Number(params.get('year')) || c?.nextYear || 0;
  const loaded = useLoad(
    () => (year ? ok(api.GET('/api/v1/calendar/years/{year}', { params: { path: { year } } })) : Promise.resolve(null)),
    [year],
  );
  const arrangement = loaded.data;
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const years = useMemo(
    () =>
      c
        ? Array.from(
            { length: c.nextYear + 2 - Math.max(2025, c.lastPackageYear) },
            (_, i) => Math.max(2025, c.lastPackageYear) + i,
          )
        : [],
    [c],
  );
  const initial = useMemo<Partial<Values> | undefined>(
    () =>
      arrangement
        ? {
            holidays: arrangement.holidays.map((h) => ({ holiday: h.holiday, from: dayjs(h.from), to: dayjs(h.to) })),
            workdays: arrangement.workdays.map((d) => dayjs(d)),
            statutoryDaysWorked: arrangement.statutoryDaysWorked.map((d) => dayjs(d)),
            notice: arrangement.notice ?? undefined,
            reason: '',
          }
        : undefined,
    [arrangement],
  );

  const save = async (v: Values) => {
    setBusy(true);
    setError(null);
    try {
      const body: Body = {
        holidays: v.holidays.map((h) => ({ holiday: h.holiday, from: h.from.format(DAY), to: h.to.format(DAY) })),
        workdays: (v.workdays ?? []).map((d) => d.format(DAY)),
        statutoryDaysWorked: (v.statutoryDaysWorked ?? []).map((d) => d.format(DAY)),
        notice: v.notice?.trim() || undefined,
        reason: v.reason,
      };
      await ok(api.PUT('/api/v1/admin/calendar-years/{year}', { params: { path: { year } }, body }));
      void message.success(L.done[lang]);
      window.dispatchEvent(new Event(CALENDAR_CHANGED));
      await Promise.all([loaded.reload(), coverage.reload()]);
    } catch (err) {
      // "workdays.1" names one date of the list: show it on that date's picker.
      const aliases = Object.fromEntries(
        (err instanceof ApiError ? err.details : []).flatMap((d) => {
          const m = /^(workdays|statutoryDaysWorked)\.(\d+)$/.exec(d.path);
          return m ? [[d.path, [m[1], Number(m[2])]]] : [];
        }),
      );
      const rest = showFieldErrors(form, err, aliases);
      if (err instanceof ApiError && (rest.length || !err.details.length))
        setError([err.message, ...rest.map((d) => `${d.path}: ${d.issue}`)].join('；'));
    } finally {
      setBusy(false);
    }
  };

  const sourceLabel =
    arrangement &&
    { imported: L.sourceImported, package: L.sourcePackage, statutory: L.sourceStatutory }[arrangement.source][lang];
  return (
    <>
      <Typography.Title level={1} className="rs-page-title" style={{ fontSize: 22 }}>
        {L.title[lang]}
      </Typography.Title>
      {coverage.error && <Alert type="error" showIcon message={coverage.error.message} />}
      {c && (
        <Descriptions size="small" bordered column={{ xs: 1, sm: 3 }} style={{ marginBottom: 12 }}>
          <Descriptions.Item label={L.publishedThrough[lang]}>{c.publishedThrough}</Descriptions.Item>
          <Descriptions.Item label={L.daysLeft[lang]}>{c.daysLeft}</Descriptions.Item>
          <Descriptions.Item label={L.imported[lang]}>{c.importedYears.join(', ') || L.none[lang]}</Descriptions.Item>
        </Descriptions>
      )}
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          aria-label={L.year[lang]}
          style={{ width: 120 }}
          value={year || undefined}
          onChange={(y) => setParams({ year: String(y) })}
          options={years.map((y) => ({ value: y, label: String(y) }))}
        />
        {sourceLabel && (
          <span>
            {L.source[lang]}: <Tag color={arrangement?.source === 'statutory' ? 'orange' : 'green'}>{sourceLabel}</Tag>
          </span>
        )}
      </Space>
      {loaded.error && <Alert type="error" showIcon message={loaded.error.message} />}
      {arrangement && initial && (
        <Card size="small" key={`${year}-${arrangement.importedAt ?? arrangement.source}`} loading={loaded.loading}>
          {arrangement.source === 'statutory' && (
            <Alert type="info" showIcon message={L.statutoryHint[lang]} style={{ marginBottom: 12 }} />
          )}
          <Form form={form} layout="vertical" initialValues={initial} onFinish={save} name="calendar-year">
            {error && <Alert type="error" showIcon message={error} role="alert" style={{ marginBottom: 12 }} />}
            <HolidayRangesField year={year} />
            <DateListField name="workdays" year={year} />
            <DateListField name="statutoryDaysWorked" year={year} />
            <Row gutter={16}>
              <Col xs={24} sm={8}>
                <Form.Item name="notice" label={L.notice[lang]}>
                  <Input maxLength={200} placeholder="国办发明电〔…〕…号" />
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
              {fill(L.submit[lang], { year })}
            </Button>
          </Form>
        </Card>
      )}
    </>
  );
}
