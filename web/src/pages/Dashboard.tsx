// A supervisor's dashboard: the cases of the organisations it supervises (its level and below), counted by
// stage, level and category, the overdue ones first in the list, and this month's rates with 参评率 beside
// satisfaction and the cases still pending. Each figure is a link to the cases it counts (?show=…), and 待我审批
// to the waiting list; 重复问题 (components/RepeatProblems) lists the repeat problems to open a topic from. Charts are
// ECharts, loaded with this page.
import { DownloadOutlined } from '@ant-design/icons';
import { Alert, App as AntApp, Button, Card, Col, Row, Space, Statistic, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, ok } from '../api/client';
import type { CaseSummary, Level } from '../api/types';
import { CaseFilters, type Filters } from '../components/CaseFilters';
import { CaseList } from '../components/CaseList';
import { Chart } from '../components/Chart';
import { RepeatProblems } from '../components/RepeatProblems';
import { useI18n } from '../i18n';
import { listCases } from '../lib/cases';
import { LEVELS, levelLabel, STAGES, stageLabel } from '../lib/labels';
import { useLoad } from '../lib/load';
import { downloadCsv, fraction, monthOf, pct, pendingOf, RATE_LABEL, type RateSet } from '../lib/rates';
import { serverNow } from '../lib/time';
import { byUrgency } from '../lib/urgency';
import { useSession } from '../session';
import { loadWaiting } from './Waiting';

const MAX = 500;

/** The list's filters, and "open" (not closed), which only a figure sets. */
type DashFilters = Filters & { open?: boolean };

const SHOW = ['open', 'overdue', 'atMyLevel', 'awaitingEvaluation', 'closed'] as const;
type Show = (typeof SHOW)[number];

function filtersOf(show: Show, myLevel: Level | null): DashFilters {
  switch (show) {
    case 'open':
      return { open: true };
    case 'overdue':
      return { overdue: 'true' };
    case 'atMyLevel':
      return { open: true, ...(myLevel ? { level: myLevel } : {}) };
    case 'awaitingEvaluation':
      return { status: 'resolved' };
    case 'closed':
      return { status: 'closed' };
  }
}

function matches(c: CaseSummary, f: DashFilters): boolean {
  if (f.open && c.status === 'closed') return false;
  if (f.status && c.status !== f.status) return false;
  if (f.stage && c.stage !== f.stage) return false;
  if (f.level && c.level !== f.level) return false;
  if (f.category && c.category.code !== f.category) return false;
  if (f.overdue === 'true' && !c.overdue) return false;
  if (f.q && !`${c.trackingCode} ${c.description ?? ''}`.toLowerCase().includes(f.q.toLowerCase())) return false;
  return true;
}

const MONTH_RATES = [
  'responseRate',
  'resolutionRate',
  'satisfactionRate',
  'evaluationCoverage',
  'onTimeResolutionRate',
] as const;

/** This month's rates over the cases in scope: each with its fraction and the cases whose outcome is still pending. */
function MonthRates({ rates, period }: { rates: RateSet; period: string }) {
  const { t } = useI18n();
  return (
    <Card size="small" title={t('dash.rates', { period })} style={{ marginTop: 12 }} data-testid="month-rates">
      <div className="rs-kpis rs-kpi">
        {MONTH_RATES.map((k) => (
          <Card size="small" key={k}>
            <Statistic title={t(RATE_LABEL[k])} value={pct(rates[k])} />
            <Typography.Text type="secondary" style={{ fontSize: 12 }} data-rate={k}>
              {fraction(rates[k])}
              {pendingOf(rates[k]) > 0 && (
                <span title={t('rate.pendingHint')}> · {t('rate.pending', { n: pendingOf(rates[k]) })}</span>
              )}
            </Typography.Text>
          </Card>
        ))}
      </div>
    </Card>
  );
}

const count = <K extends string>(cases: CaseSummary[], key: (c: CaseSummary) => K) => {
  const m = new Map<K, number>();
  for (const c of cases) m.set(key(c), (m.get(key(c)) ?? 0) + 1);
  return m;
};

export default function Dashboard() {
  const { t, name } = useI18n();
  const { me } = useSession();
  const { message } = AntApp.useApp();
  const [filters, setFilters] = useState<DashFilters>({});
  const [params] = useSearchParams();
  const show = SHOW.find((s) => s === params.get('show')) ?? null;
  const list = useLoad(() => listCases({}, MAX), [], 5000);
  const waiting = useLoad(() => loadWaiting(['extension', 'return', 'pause']), [], 15_000);
  const month = monthOf(serverNow());
  const rates = useLoad(
    () => ok(api.GET('/api/v1/stats/rates', { params: { query: { period: month, groupBy: 'district' } } })),
    [month],
    30_000,
  );
  const all = useMemo(() => list.data?.items ?? [], [list.data]);
  const myLevel = (LEVELS as string[]).includes(me?.organization?.kind ?? '')
    ? (me?.organization?.kind as Level)
    : null;
  // A figure's link shows its cases: the filters are set from it and the list comes into view.
  useEffect(() => {
    if (!show) return;
    setFilters(filtersOf(show, myLevel));
    document.getElementById('dash-cases')?.scrollIntoView({ block: 'start' });
  }, [show, myLevel]);

  const open = all.filter((c) => c.status !== 'closed');
  const byStage = count(all, (c) => c.stage);
  const byLevel = count(open, (c) => c.level);
  const byCategory = count(all, (c) => c.category.code);
  const overdue = open.filter((c) => c.overdue).length;
  const shown = byUrgency(
    all.filter((c) => matches(c, filters)),
    serverNow(),
  );
  const categoryNames = new Map(all.map((c) => [c.category.code, name(c.category)]));

  const waitingCount = waiting.data
    ? waiting.data.extension.length + waiting.data.return.length + waiting.data.pause.length
    : 0;
  const kpis: Array<[string, number, string, string?]> = [
    [t('dash.waiting'), waitingCount, '/waiting', waitingCount ? '#ad4e00' : undefined],
    [t('dash.open'), open.length, '?show=open'],
    [t('dash.overdue'), overdue, '?show=overdue', overdue ? '#b3261e' : undefined],
    [t('dash.atMyLevel'), myLevel ? open.filter((c) => c.level === myLevel).length : open.length, '?show=atMyLevel'],
    [t('dash.awaitingEvaluation'), all.filter((c) => c.status === 'resolved').length, '?show=awaitingEvaluation'],
    [t('dash.closed'), all.length - open.length, '?show=closed'],
  ];
  const exportCases = async () => {
    try {
      const name = await downloadCsv('/api/v1/exports/cases.csv', { period: month });
      void message.success(t('export.done', { name }));
    } catch (err) {
      void message.error(t('export.failed', { reason: err instanceof Error ? err.message : String(err) }));
    }
  };
  const stages = [...STAGES, 'closed' as const];

  return (
    <>
      <Typography.Title level={1} className="rs-page-title" style={{ fontSize: 22 }}>
        {t('dash.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">
        {t('dash.scope', { org: name(me?.organization) || t('role.admin') })} · {t('dash.clickHint')} ·{' '}
        <Link to="/hotspots" style={{ textDecoration: 'underline' }}>
          {t('dash.hotspotsLink')}
        </Link>
      </Typography.Paragraph>
      {list.error && (
        <Alert
          type="error"
          showIcon
          message={list.error.message}
          action={<Button onClick={() => void list.reload()}>{t('app.retry')}</Button>}
        />
      )}
      {list.data?.truncated && (
        <Alert type="info" message={t('dash.truncated', { n: MAX })} style={{ marginBottom: 12 }} />
      )}
      <div className="rs-kpis rs-kpi" data-testid="kpis">
        {kpis.map(([label, value, to, color]) => (
          <Link to={to} key={label} className="rs-kpi-link" data-kpi={to}>
            <Card size="small" hoverable loading={list.loading && !list.data}>
              <Statistic title={label} value={value} valueStyle={color ? { color } : undefined} />
            </Card>
          </Link>
        ))}
      </div>
      {rates.data && <MonthRates rates={rates.data.overall} period={month} />}
      <RepeatProblems />
      <Row gutter={[12, 12]} style={{ marginTop: 12 }}>
        <Col xs={24} md={12}>
          <Card size="small">
            <Chart
              title={t('dash.byStage')}
              description={stages.map((s) => `${stageLabel(t, s)} ${byStage.get(s) ?? 0}`).join('，')}
              option={{
                tooltip: {},
                grid: { left: 40, right: 16, top: 16, bottom: 32 },
                xAxis: {
                  type: 'category',
                  data: stages.map((s) => stageLabel(t, s)),
                  axisLabel: { interval: 0, fontSize: 11 },
                },
                yAxis: { type: 'value', minInterval: 1 },
                series: [{ type: 'bar', data: stages.map((s) => byStage.get(s) ?? 0), barMaxWidth: 36 }],
              }}
            />
          </Card>
        </Col>
        <Col xs={24} md={12}>
          <Card size="small">
            <Chart
              title={t('dash.byLevel')}
              description={LEVELS.map((l) => `${levelLabel(t, l)} ${byLevel.get(l) ?? 0}`).join('，')}
              option={{
                tooltip: { trigger: 'item' },
                legend: { bottom: 0, type: 'scroll' },
                series: [
                  {
                    type: 'pie',
                    radius: ['40%', '65%'],
                    center: ['50%', '45%'],
                    label: { formatter: '{b} {c}' },
                    data: LEVELS.map((l) => ({ name: levelLabel(t, l), value: byLevel.get(l) ?? 0 })).filter(
                      (d) => d.value > 0,
                    ),
                  },
                ],
              }}
            />
          </Card>
        </Col>
        <Col xs={24} md={12}>
          <Card size="small">
            <Chart
              title={t('dash.overdueShare')}
              description={`${t('dash.overdue')} ${overdue}，${t('dash.onTime')} ${open.length - overdue}`}
              option={{
                tooltip: { trigger: 'item' },
                legend: { bottom: 0 },
                series: [
                  {
                    type: 'pie',
                    radius: ['40%', '65%'],
                    center: ['50%', '45%'],
                    label: { formatter: '{b} {c}' },
                    data: [
                      { name: t('dash.overdue'), value: overdue, itemStyle: { color: '#b3261e' } },
                      { name: t('dash.onTime'), value: open.length - overdue, itemStyle: { color: '#389e0d' } },
                    ].filter((d) => d.value > 0),
                  },
                ],
              }}
            />
          </Card>
        </Col>
        <Col xs={24} md={12}>
          <Card size="small">
            <Chart
              title={t('dash.byCategory')}
              description={[...byCategory].map(([k, v]) => `${categoryNames.get(k)} ${v}`).join('，')}
              option={{
                tooltip: {},
                grid: { left: 90, right: 16, top: 8, bottom: 24 },
                xAxis: { type: 'value', minInterval: 1 },
                yAxis: { type: 'category', data: [...byCategory.keys()].map((k) => categoryNames.get(k) ?? k) },
                series: [{ type: 'bar', data: [...byCategory.values()], barMaxWidth: 20 }],
              }}
            />
          </Card>
        </Col>
      </Row>
      <Card
        title={t('dash.cases')}
        size="small"
        style={{ marginTop: 12 }}
        id="dash-cases"
        extra={
          <Button icon={<DownloadOutlined aria-hidden />} onClick={() => void exportCases()}>
            {t('dash.exportCases')}
          </Button>
        }
      >
        {show && (
          <Space style={{ marginBottom: 8 }} wrap>
            <Typography.Text strong>
              {t('dash.showing', { what: kpis.find(([, , to]) => to === `?show=${show}`)?.[0] ?? '' })}
            </Typography.Text>
            <Link to="/dashboard" onClick={() => setFilters({})}>
              {t('dash.showAll')}
            </Link>
          </Space>
        )}
        <CaseFilters value={filters} onChange={setFilters} levels />
        <CaseList cases={shown} fetchedAt={list.at} loading={list.loading && !list.data} empty={t('list.empty')} />
      </Card>
    </>
  );
}
