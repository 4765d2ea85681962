// The lists of the holiday-notice import form (pages/CalendarYears.tsx): holiday ranges (holiday, first and last
// day) and lists of single dates, each date picker limited to the year being imported. Field names are the API's
// ("holidays.2.to"; the page shows "workdays.0" on that date's picker), so its errors land on them.
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Col, DatePicker, Form, Row, Select, Space } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useI18n } from '../i18n';
import { Plain } from './Plain';

const HOLIDAY_NAMES = {
  new_year: { zh: '元旦', en: "New Year's Day" },
  spring_festival: { zh: '春节', en: 'Spring Festival' },
  tomb_sweeping: { zh: '清明节', en: 'Qingming' },
  labour_day: { zh: '劳动节', en: 'Labour Day' },
  dragon_boat: { zh: '端午节', en: 'Dragon Boat' },
  mid_autumn: { zh: '中秋节', en: 'Mid-Autumn' },
  national_day: { zh: '国庆节', en: 'National Day' },
  other: { zh: '其他', en: 'Other' },
} as const;
const L = {
  holidays: { zh: '放假日期', en: 'Holiday ranges' },
  holiday: { zh: '节日', en: 'Holiday' },
  from: { zh: '开始', en: 'From' },
  to: { zh: '结束', en: 'To' },
  addRange: { zh: '添加放假日期', en: 'Add a range' },
  workdays: { zh: '调休上班日（周末）', en: 'Make-up working days (weekend days)' },
  statutoryDaysWorked: {
    zh: '需上班的法定节假日（仅当通知如此规定）',
    en: 'Statutory holidays worked (only if the notice says so)',
  },
  addDay: { zh: '添加日期', en: 'Add a date' },
  remove: { zh: '删除', en: 'Remove' },
} as const;

/** DatePicker props for a day of `year`: other years are disabled, the calendar opens on its January. */
const pickerFor = (year: number) => ({
  disabledDate: (d: Dayjs) => d.year() !== year,
  defaultPickerValue: dayjs(`${year}-01-01`),
  style: { width: '100%' },
});

export function HolidayRangesField({ year }: { year: number }) {
  const { lang } = useI18n();
  const picker = pickerFor(year);
  return (
    <Form.List name="holidays">
      {(fields, { add, remove }, { errors }) => (
        <Form.Item label={L.holidays[lang]} required>
          {fields.map((f) => (
            <Row gutter={8} key={f.key} align="top">
              <Col xs={24} sm={7}>
                <Form.Item name={[f.name, 'holiday']} rules={[{ required: true, message: L.holiday[lang] }]}>
                  <Plain>
                    <Select
                      aria-label={`${L.holiday[lang]} ${f.name + 1}`}
                      options={Object.entries(HOLIDAY_NAMES).map(([value, n]) => ({ value, label: n[lang] }))}
                    />
                  </Plain>
                </Form.Item>
              </Col>
              <Col xs={10} sm={7}>
                <Form.Item name={[f.name, 'from']} rules={[{ required: true, message: L.from[lang] }]}>
                  <DatePicker {...picker} aria-label={`${L.from[lang]} ${f.name + 1}`} />
                </Form.Item>
              </Col>
              <Col xs={10} sm={7}>
                <Form.Item name={[f.name, 'to']} rules={[{ required: true, message: L.to[lang] }]}>
                  <DatePicker {...picker} aria-label={`${L.to[lang]} ${f.name + 1}`} />
                </Form.Item>
              </Col>
              <Col xs={4} sm={3}>
                <Button
                  icon={<DeleteOutlined />}
                  aria-label={`${L.remove[lang]} ${f.name + 1}`}
                  onClick={() => remove(f.name)}
                />
              </Col>
            </Row>
          ))}
          <Button icon={<PlusOutlined />} onClick={() => add({ holiday: 'other' })}>
            {L.addRange[lang]}
          </Button>
          <Form.ErrorList errors={errors} />
        </Form.Item>
      )}
    </Form.List>
  );
}

/** 调休 working days, or the statutory holidays a notice makes working days. */
export function DateListField({ name, year }: { name: 'workdays' | 'statutoryDaysWorked'; year: number }) {
  const { lang } = useI18n();
  const label = L[name][lang];
  const picker = pickerFor(year);
  return (
    <Form.List name={name}>
      {(fields, { add, remove }, { errors }) => (
        <Form.Item label={label}>
          <Space wrap>
            {fields.map((f) => (
              <Space.Compact key={f.key}>
                <Form.Item name={f.name} noStyle rules={[{ required: true, message: label }]}>
                  <DatePicker {...picker} style={{ width: 150 }} aria-label={`${label} ${f.name + 1}`} />
                </Form.Item>
                <Button
                  icon={<DeleteOutlined />}
                  aria-label={`${L.remove[lang]} ${f.name + 1}`}
                  onClick={() => remove(f.name)}
                />
              </Space.Compact>
            ))}
            <Button icon={<PlusOutlined />} onClick={() => add()}>
              {L.addDay[lang]}
            </Button>
          </Space>
          <Form.ErrorList errors={errors} />
        </Form.Item>
      )}
    </Form.List>
  );
}
