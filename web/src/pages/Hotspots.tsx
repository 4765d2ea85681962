// 热点分析: where the problems gather in the supervisor's scope (GET /stats/hotspots). For a month and a grouping,
// a heat table compound (or building) × category whose cells lead to their cases, a six-month trend of the
// largest groups, and the ranked groups with repeats, on-time and satisfaction rates and the change against the
// month before. Names come from the reference data; the API counts in the caller's scope only.
import { Alert, Button, Card, Grid, Select, Segmented, Space, Table, Typography } from 'antd';
import { Link, useSearchParams } from 'react-router';
import { Chart } from '../components/Chart';
import { HeatTable, type HeatColumn, type HeatRow } from '../components/HeatTable';
import { useI18n, type MessageKey } from '../i18n';
import { hotspots, type HotspotGroupBy, type HotspotItem } from '../lib/governance';
import { useLoad } from '../lib/load';
import { monthOf, pct } from '../lib/rates';
import { useReference } from '../lib/reference';
import { serverNow } from '../lib/time';
import './governance.css';

const GROUPINGS: HotspotGroupBy[] = ['compound,category', 'building,category', 'compound', 'building', 'category'];
const TOP = 5;

const groupingLabel = (g: HotspotGroupBy): MessageKey => `hot.by.${g.replace(',', '_')}` as MessageKey;

/** Names a group by its compound, building and category, from the reference data. */
export function useGroupName(): (i: Pick<HotspotItem, 'compoundCode' | 'building' | 'categoryCode'>) => string {
  const { t, name } = useI18n();
  const ref = useReference();
  return (i) =>
    [
      i.compoundCode && (name(ref.data?.compounds.find((c) => c.code === i.compoundCode)) || i.compoundCode),
      i.building && t('case.location.building', { v: i.building }),
      i.categoryCode && (name(ref.data?.categories.find((c) => c.code === i.categoryCode)) || i.categoryCode),
    ]
      .filter(Boolean)
      .join(' · ');
}

/** The cases of a cell: the list of cases filed in the period, of that compound (and building) and category. */
export function casesLink(
  period: string,
  i: { compoundCode?: string | null; building?: string | null; categoryCode?: string | null },
): string {
  const q = new URLSearchParams({ period });
  if (i.compoundCode) q.set('compound', i.compoundCode);
  if (i.building) q.set('building', i.building);
  if (i.categoryCode) q.set('category', i.categoryCode);
  return `/hotspots/cases?${q.toString()}`;
}

function Trend({
  items,
  months,
  groupName,
}: {
  items: HotspotItem[];
  months: string[];
  groupName(i: HotspotItem): string;
}) {
  const { t } = useI18n();
  const top = items.slice(0, TOP);
  if (top.length === 0) return null;
  return (
    <Card size="small" style={{ marginTop: 12 }} data-testid="hot-trend">
      <Chart
        title={t('hot.trend', { n: top.length })}
        description={top
          .map((i) => `${groupName(i)}：${i.trend.map((v, k) => `${months[k]} ${v}`).join('，')}`)
          .join('；')}
        option={{
          tooltip: { trigger: 'axis' },
          legend: { top: 0, type: 'scroll' },
          grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
          xAxis: { type: 'category', data: months },
          yAxis: { type: 'value', minInterval: 1 },
          series: top.map((i) => ({ type: 'line', name: groupName(i), data: i.trend, symbolSize: 8 })),
        }}
      />
    </Card>
  );
}

function Ranked({
  items,
  period,
  groupName,
}: {
  items: HotspotItem[];
  period: string;
  groupName(i: HotspotItem): string;
}) {
  const { t } = useI18n();
  return (
    <Table<HotspotItem>
      size="small"
      rowKey={(i) => `${i.compoundCode ?? ''}|${i.building ?? ''}|${i.categoryCode ?? ''}`}
      dataSource={items}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      scroll={{ x: 720 }}
      columns={[
        { title: t('hot.rank'), dataIndex: 'rank', width: 56 },
        {
          title: t('hot.group'),
          render: (_, i) => <Link to={casesLink(period, i)}>{groupName(i)}</Link>,
        },
        { title: t('hot.cases'), dataIndex: 'cases', width: 72 },
        { title: t('hot.repeats'), dataIndex: 'repeats', width: 88 },
        { title: t('rate.onTime'), render: (_, i) => pct(i.onTime), width: 96 },
        { title: t('rate.satisfaction'), render: (_, i) => pct(i.satisfaction), width: 96 },
        {
          title: t('hot.change'),
          width: 110,
          render: (_, i) => (
            <span title={t('hot.previous', { n: i.previous })}>
              {i.change > 0 ? `+${i.change}` : i.change} <span className="rs-muted">({i.previous})</span>
            </span>
          ),
        },
      ]}
    />
  );
}

export default function Hotspots() {
  const { t, name } = useI18n();
  const ref = useReference();
  const phone = !Grid.useBreakpoint().md;
  const [params, setParams] = useSearchParams();
  const months = Array.from({ length: 12 }, (_, i) => monthOf(serverNow(), i));
  const period = params.get('period') ?? months[0];
  const groupBy = GROUPINGS.find((g) => g === params.get('groupBy')) ?? 'compound,category';
  const set = (patch: Record<string, string>) => setParams({ period, groupBy, ...patch }, { replace: true });
  const data = useLoad(() => hotspots(period, groupBy), [period, groupBy], 60_000);
  const groupName = useGroupName();
  const items = data.data?.items ?? [];

  const twoWay = groupBy.includes(',');
  const columns: HeatColumn[] = [...new Set(items.map((i) => i.categoryCode ?? ''))].map((code) => ({
    code,
    label: name(ref.data?.categories.find((c) => c.code === code)) || code,
  }));
  const rows = new Map<string, HeatRow>();
  for (const i of items) {
    const key = `${i.compoundCode ?? ''}|${i.building ?? ''}`;
    if (!rows.has(key))
      rows.set(key, {
        key,
        compoundCode: i.compoundCode ?? '',
        building: i.building ?? null,
        label: groupName({ compoundCode: i.compoundCode, building: i.building, categoryCode: undefined }),
      });
  }

  return (
    <>
      <Typography.Title level={1} className="rs-page-title" style={{ fontSize: 22 }}>
        {t('hot.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('hot.intro')}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          aria-label={t('hot.period')}
          style={{ width: 130 }}
          value={period}
          onChange={(p) => set({ period: p })}
          options={months.map((m) => ({ value: m, label: m }))}
        />
        {/* Five choices do not fit a phone's width side by side: there they are a drop-down. */}
        {phone ? (
          <Select<HotspotGroupBy>
            aria-label={t('hot.groupBy')}
            style={{ width: 160 }}
            value={groupBy}
            onChange={(g) => set({ groupBy: g })}
            options={GROUPINGS.map((g) => ({ value: g, label: t(groupingLabel(g)) }))}
          />
        ) : (
          <Segmented<HotspotGroupBy>
            aria-label={t('hot.groupBy')}
            value={groupBy}
            onChange={(g) => set({ groupBy: g })}
            options={GROUPINGS.map((g) => ({ value: g, label: t(groupingLabel(g)) }))}
          />
        )}
        <Link to="/topics">
          <Button>{t('nav.topics')}</Button>
        </Link>
        <Link to="/qr">
          <Button>{t('nav.qr')}</Button>
        </Link>
      </Space>
      {data.error && (
        <Alert
          type="error"
          showIcon
          message={data.error.message}
          action={<Button onClick={() => void data.reload()}>{t('app.retry')}</Button>}
        />
      )}
      {data.data && (
        <Typography.Paragraph data-testid="hot-total">
          {t('hot.total', { cases: data.data.total.cases, repeats: data.data.total.repeats, period })}
          {data.data.leftOut > 0 && ` · ${t('hot.leftOut', { n: data.data.leftOut })}`}
        </Typography.Paragraph>
      )}
      {twoWay && (
        <Card size="small" loading={data.loading && !data.data}>
          {items.length === 0 ? (
            <Typography.Paragraph style={{ margin: 0 }}>{t('hot.empty')}</Typography.Paragraph>
          ) : (
            <HeatTable
              rows={[...rows.values()]}
              columns={columns}
              items={items}
              caption={t('hot.heatCaption', { period })}
              cellLink={(r, category) =>
                casesLink(period, { compoundCode: r.compoundCode, building: r.building, categoryCode: category })
              }
            />
          )}
        </Card>
      )}
      {data.data && <Trend items={items} months={data.data.months} groupName={groupName} />}
      <Card size="small" title={t('hot.ranking')} style={{ marginTop: 12 }} loading={data.loading && !data.data}>
        <Ranked items={items} period={period} groupName={groupName} />
      </Card>
    </>
  );
}
