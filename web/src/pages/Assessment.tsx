// 考核: the 三率 of the organisations under this supervisor for a month (GET /stats/rates), as a chart and a table
// with numerators, denominators and pending counts, 参评率 beside satisfaction, the monthly assessment scores
// (GET /assessments: "insufficient data" where too few cases were evaluated), and CSV exports.
import { DownloadOutlined } from '@ant-design/icons';
import { Alert, App as AntApp, Button, Card, Select, Space, Table, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { api, ok } from '../api/client';
import type { paths } from '../api/schema';
import { Chart } from '../components/Chart';
import { useI18n } from '../i18n';
import { useLoad } from '../lib/load';
import {
  downloadCsv,
  fraction,
  monthOf,
  pct,
  pctValue,
  pendingOf,
  RATE_LABEL,
  THREE_RATES,
  type RateSet,
} from '../lib/rates';
import { formatDuration, serverNow } from '../lib/time';

type GroupBy = NonNullable<NonNullable<paths['/api/v1/stats/rates']['get']['parameters']['query']>['groupBy']>;
type Assessment = paths['/api/v1/assessments']['get']['responses'][200]['content']['application/json']['items'][number];

const GROUP_LABEL: Record<GroupBy, { zh: string; en: string }> = {
  handler: { zh: '按承办单位', en: 'By handler' },
  compound: { zh: '按小区', en: 'By compound' },
  community: { zh: '按社区', en: 'By community' },
  street: { zh: '按街道', en: 'By street' },
  category: { zh: '按类别', en: 'By category' },
  building: { zh: '按楼栋', en: 'By building' },
  district: { zh: '全区', en: 'District' },
};

/** The rates shown in the table, 参评率 right after satisfaction. */
const TABLE_RATES = [...THREE_RATES, 'evaluationCoverage', 'onTimeResolutionRate'] as const;

function RateCell({ r }: { r: RateSet[keyof RateSet] | null }) {
  const { t } = useI18n();
  if (typeof r !== 'object' || r === null) return <span>—</span>;
  const pending = pendingOf(r);
  return (
    <Tooltip title={pending ? `${fraction(r)} · ${t('rate.pendingHint')}` : fraction(r)}>
      <span>{pct(r)}</span>
      <Typography.Text type="secondary" style={{ fontSize: 12, marginLeft: 4 }}>
        ({fraction(r)}
        {pending ? ` · ${t('rate.pending', { n: pending })}` : ''})
      </Typography.Text>
    </Tooltip>
  );
}

function ScoreCell({ a }: { a: Assessment }) {
  const { t } = useI18n();
  if (a.status === 'insufficient_data') {
    return (
      <Tooltip title={t('assess.insufficientHint', { n: a.evaluated, min: a.minEvaluated ?? '—' })}>
        <Typography.Text style={{ color: '#874d00' }} data-status="insufficient_data">
          {t('assess.insufficient')}
        </Typography.Text>
      </Tooltip>
    );
  }
  if (a.status === 'no_cases' || a.score === null)
    return <Typography.Text type="secondary">{t('assess.noCases')}</Typography.Text>;
  return <span>{a.score.toFixed(1)}</span>;
}

export default function Assessment() {
  const { t, lang, name } = useI18n();
  const { message } = AntApp.useApp();
  const months = Array.from({ length: 12 }, (_, i) => monthOf(serverNow(), i));
  const [period, setPeriod] = useState(months[0]);
  const [groupBy, setGroupBy] = useState<GroupBy>('handler');
  const rates = useLoad(
    () => ok(api.GET('/api/v1/stats/rates', { params: { query: { period, groupBy } } })),
    [period, groupBy],
  );
  const scores = useLoad(() => ok(api.GET('/api/v1/assessments', { params: { query: { period } } })), [period]);
  const items = rates.data?.items ?? [];

  const exportCsv = async () => {
    try {
      const file = await downloadCsv('/api/v1/exports/rates.csv', { period, groupBy });
      void message.success(t('export.done', { name: file }));
    } catch (err) {
      void message.error(t('export.failed', { reason: err instanceof Error ? err.message : String(err) }));
    }
  };

  return (
    <>
      <Typography.Title level={1} className="rs-page-title" style={{ fontSize: 22 }}>
        {t('assess.title')}
      </Typography.Title>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          aria-label={t('assess.period')}
          style={{ width: 130 }}
          value={period}
          onChange={setPeriod}
          options={months.map((m) => ({ value: m, label: m }))}
        />
        <Select
          aria-label={t('assess.organization')}
          style={{ width: 150 }}
          value={groupBy}
          onChange={setGroupBy}
          options={(Object.keys(GROUP_LABEL) as GroupBy[]).map((g) => ({ value: g, label: GROUP_LABEL[g][lang] }))}
        />
        <Button icon={<DownloadOutlined aria-hidden />} onClick={() => void exportCsv()}>
          {t('assess.exportCsv')}
        </Button>
      </Space>
      {rates.error && (
        <Alert
          type={rates.error.status === 404 ? 'warning' : 'error'}
          showIcon
          message={rates.error.status === 404 ? t('assess.unavailable') : rates.error.message}
          style={{ marginBottom: 12 }}
        />
      )}
      <Card size="small" loading={rates.loading && !rates.data}>
        <Chart
          title={`${t('assess.rates')} · ${period}`}
          description={
            items
              .map((g) => `${name(g)}：${THREE_RATES.map((k) => `${t(RATE_LABEL[k])} ${pct(g.rates[k])}`).join('，')}`)
              .join('；') || t('public.noData')
          }
          height={Math.max(240, items.length * 48 + 80)}
          option={{
            tooltip: {
              trigger: 'axis',
              valueFormatter: (v) => (v === null || v === undefined ? '—' : `${String(v)}%`),
            },
            legend: { top: 0 },
            grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
            xAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
            yAxis: {
              type: 'category',
              data: items.map((g) => name(g)),
              axisLabel: { width: 140, overflow: 'truncate' },
            },
            series: THREE_RATES.map((k) => ({
              type: 'bar',
              name: t(RATE_LABEL[k]),
              data: items.map((g) => pctValue(g.rates[k])),
              barMaxWidth: 14,
            })),
          }}
        />
        <Table
          rowKey="id"
          size="small"
          style={{ marginTop: 12 }}
          dataSource={items}
          pagination={false}
          scroll={{ x: 1000 }}
          locale={{ emptyText: t('public.noData') }}
          columns={[
            { title: t('assess.organization'), key: 'name', render: (_, g) => name(g) },
            { title: t('rate.cases'), key: 'cases', render: (_, g) => g.rates.cases },
            ...TABLE_RATES.map((k) => ({
              title: t(RATE_LABEL[k]),
              key: k,
              render: (_: unknown, g: (typeof items)[number]) => <RateCell r={g.rates[k]} />,
            })),
            {
              title: t('rate.medianHandling'),
              key: 'median',
              render: (_, g) => (g.rates.medianHandlingMs === null ? '—' : formatDuration(g.rates.medianHandlingMs, t)),
            },
          ]}
        />
        {rates.data && rates.data.overall.excluded > 0 && (
          <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0, fontSize: 12 }}>
            {t('rate.excluded', { n: rates.data.overall.excluded })}
          </Typography.Paragraph>
        )}
      </Card>
      <Card size="small" title={`${t('assess.score')} · ${period}`} style={{ marginTop: 12 }}>
        {scores.error && (
          <Alert
            type="warning"
            showIcon
            message={scores.error.status === 404 ? t('assess.unavailable') : scores.error.message}
          />
        )}
        <Table<Assessment>
          rowKey="id"
          size="small"
          loading={scores.loading}
          dataSource={scores.data?.items ?? []}
          pagination={false}
          scroll={{ x: 700 }}
          locale={{ emptyText: t('public.noData') }}
          columns={[
            { title: t('assess.organization'), key: 'org', render: (_, a) => name(a.organization) },
            { title: t('case.compound'), key: 'compound', render: (_, a) => (a.compound ? name(a.compound) : '—') },
            { title: t('assess.score'), key: 'score', render: (_, a) => <ScoreCell a={a} /> },
            {
              title: '±',
              key: 'adj',
              render: (_, a) =>
                a.adjustments.count ? `${a.adjustments.total > 0 ? '+' : ''}${a.adjustments.total}` : '—',
            },
            ...TABLE_RATES.map((k) => ({
              title: t(RATE_LABEL[k]),
              key: k,
              render: (_: unknown, a: Assessment) => <RateCell r={a.rates[k]} />,
            })),
          ]}
        />
      </Card>
    </>
  );
}
