// 信息公开: the rankings of property companies, communities and functional departments by the 三率 for a month, 参评率
// beside satisfaction, cases still pending, and the district's trend over the last six months. An organisation with
// too few settled cases is listed apart (样本不足), never ranked; one with no case in the month is behind a switch; a
// trend needs two months with figures. How each rate is counted is said beside the figures, at reading size. Closed
// governance topics are listed with their effect.
// Open to anyone without signing in; the API publishes no personal data.
import { Alert, Card, Col, Empty, List, Progress, Row, Segmented, Select, Space, Switch, Typography } from 'antd';
import { useState } from 'react';
import { api, ok } from '../api/client';
import type { paths } from '../api/schema';
import { Chart } from '../components/Chart';
import { PublicTopics } from '../components/PublicTopics';
import { useI18n } from '../i18n';
import { useLoad } from '../lib/load';
import { fraction, monthOf, pct, pctValue, pendingOf, RATE_LABEL, THREE_RATES, type Rate } from '../lib/rates';
import { serverNow } from '../lib/time';

type Rankings = paths['/api/v1/public/rankings']['get']['responses'][200]['content']['application/json'];
type Kind = Rankings['kind'];
type By = 'satisfaction' | 'resolution' | 'response';
const BY_RATE = { satisfaction: 'satisfactionRate', resolution: 'resolutionRate', response: 'responseRate' } as const;
const TREND_MONTHS = 6;

const rankings = (kind: Kind, period: string, by: By) =>
  ok(api.GET('/api/v1/public/rankings', { params: { query: { kind, period, by } } }));

/** The district's rate over a ranking: every group's numerators over every group's denominators. */
function total(items: Rankings['items'], key: (typeof THREE_RATES)[number]): Rate {
  const numerator = items.reduce((s, i) => s + i.rates[key].numerator, 0);
  const denominator = items.reduce((s, i) => s + i.rates[key].denominator, 0);
  const pending = items.reduce((s, i) => s + i.rates[key].pending, 0);
  return { numerator, denominator, pending, value: denominator ? numerator / denominator : null };
}

const TITLE: Record<Kind, 'public.companies' | 'public.communities' | 'public.departments'> = {
  property_company: 'public.companies',
  community: 'public.communities',
  functional_department: 'public.departments',
  owners_committee: 'public.companies',
  resident_association: 'public.companies',
};

/** The rates of a ranking's card: the three, and 参评率 right after satisfaction. */
const CARD_RATES = [...THREE_RATES, 'evaluationCoverage'] as const;

type Item = Rankings['items'][number];

function Ranking({ kind, period, by }: { kind: Kind; period: string; by: By }) {
  const { t } = useI18n();
  const [showEmpty, setShowEmpty] = useState(false);
  const data = useLoad(() => rankings(kind, period, by), [kind, period, by], 30_000);
  const items = data.data?.items ?? [];
  const ranked = items.filter((g) => g.rank !== null);
  const few = items.filter((g) => g.rank === null && g.rates.cases > 0);
  const empty = items.filter((g) => g.rank === null && g.rates.cases === 0);
  const switchId = `show-empty-${kind}`;
  return (
    <Card title={t(TITLE[kind])} size="small" data-testid={`ranking-${kind}`}>
      {data.error && (
        <Alert
          type={data.error.status === 404 ? 'warning' : 'error'}
          showIcon
          message={data.error.status === 404 ? t('public.unavailable') : data.error.message}
        />
      )}
      {data.data && ranked.length === 0 && items.length > 0 ? (
        // Nobody ranked yet, but organisations listed below: one line, not an empty-box picture.
        <Typography.Paragraph data-testid="ranked">{t('public.noData')}</Typography.Paragraph>
      ) : (
        <Groups
          items={ranked}
          by={by}
          loading={data.loading && !data.data}
          empty={t('public.noData')}
          testId="ranked"
        />
      )}
      {few.length > 0 && (
        <section data-testid="insufficient">
          <Typography.Title level={3} style={{ fontSize: 16, marginTop: 12 }}>
            {t('pub.insufficient')}
          </Typography.Title>
          <Typography.Paragraph>{t('pub.insufficientHint', { n: MIN_RANKED })}</Typography.Paragraph>
          <Groups items={few} by={by} testId="few" />
        </section>
      )}
      {empty.length > 0 && (
        <Space style={{ marginTop: 8 }}>
          <Switch id={switchId} checked={showEmpty} onChange={setShowEmpty} />
          <label htmlFor={switchId}>{t('pub.showEmpty', { n: empty.length })}</label>
        </Space>
      )}
      {showEmpty && <Groups items={empty} by={by} testId="no-cases" />}
    </Card>
  );
}

const MIN_RANKED = 5;

const DEFINITION: Record<(typeof CARD_RATES)[number], { zh: string; en: string }> = {
  responseRate: {
    zh: '按时受理数 / 响应结果已定的工单数',
    en: 'acknowledged in time / cases whose response is settled',
  },
  resolutionRate: { zh: '居民认为已解决数 / 已评价数', en: 'reported solved / evaluated' },
  satisfactionRate: { zh: '(满意 + 基本满意) / 已评价数', en: '(satisfied + basically satisfied) / evaluated' },
  evaluationCoverage: { zh: '已评价数 / 已办结工单数', en: 'evaluated / closed cases' },
};

function Groups({
  items,
  by,
  loading,
  empty,
  testId,
}: {
  items: Item[];
  by: By;
  loading?: boolean;
  empty?: string;
  testId: string;
}) {
  const { t, lang, name } = useI18n();
  return (
    <div data-testid={testId}>
      <List
        loading={loading}
        dataSource={items}
        locale={{ emptyText: <Empty description={empty ?? t('public.noData')} /> }}
        renderItem={(g) => (
          <List.Item data-org={g.id} style={{ display: 'block' }}>
            <Space align="center" style={{ marginBottom: 6 }}>
              <span
                aria-label={`${t('public.rank')} ${g.rank ?? '—'}`}
                style={{
                  display: 'inline-flex',
                  width: 28,
                  height: 28,
                  borderRadius: 14,
                  alignItems: 'center',
                  justifyContent: 'center',
                  fontWeight: 700,
                  color: g.rank !== null && g.rank <= 3 ? '#fff' : '#262626',
                  background: g.rank === null ? '#f0f0f0' : g.rank <= 3 ? '#c8161d' : '#fafafa',
                  border: '1px solid #d9d9d9',
                }}
              >
                {g.rank ?? '—'}
              </span>
              <Typography.Text strong>{name(g)}</Typography.Text>
              <Typography.Text type="secondary" style={{ fontSize: 14 }}>
                {t('rate.cases')} {g.rates.cases}
              </Typography.Text>
              {g.insufficientData && g.rates.cases > 0 && (
                <Typography.Text
                  style={{ fontSize: 14, color: '#874d00' }}
                  title={t('public.insufficientHint', { n: MIN_RANKED })}
                  data-status="insufficient"
                >
                  {t('public.insufficient')}
                </Typography.Text>
              )}
            </Space>
            <Row gutter={8}>
              {CARD_RATES.map((k) => (
                <Col span={6} key={k}>
                  <div style={{ fontSize: 14, color: '#595959' }}>{t(RATE_LABEL[k])}</div>
                  <div data-rate={k} style={{ fontWeight: 600, fontVariantNumeric: 'tabular-nums' }}>
                    {pct(g.rates[k])}{' '}
                    <Typography.Text
                      type="secondary"
                      style={{ fontSize: 14, fontWeight: 400 }}
                      title={DEFINITION[k][lang]}
                    >
                      {g.rates[k].denominator ? fraction(g.rates[k]) : ''}
                    </Typography.Text>
                  </div>
                  {pendingOf(g.rates[k]) > 0 && (
                    <div style={{ fontSize: 14, color: '#595959' }} title={t('rate.pendingHint')} data-pending={k}>
                      {t('rate.pending', { n: pendingOf(g.rates[k]) })}
                    </div>
                  )}
                  <Progress
                    percent={pctValue(g.rates[k]) ?? 0}
                    showInfo={false}
                    size="small"
                    strokeColor={k === BY_RATE[by] ? '#c8161d' : '#8c8c8c'}
                    aria-hidden="true"
                  />
                </Col>
              ))}
            </Row>
          </List.Item>
        )}
      />
    </div>
  );
}

function Trend({ by }: { by: By }) {
  const { t } = useI18n();
  const months = Array.from({ length: TREND_MONTHS }, (_, i) => monthOf(serverNow(), TREND_MONTHS - 1 - i));
  const data = useLoad(
    () => Promise.all(months.map((m) => rankings('property_company', m, by))),
    [by, months.join()],
    60_000,
  );
  const series = THREE_RATES.map((k) => ({
    key: k,
    values: (data.data ?? []).map((r) => pctValue(total(r.items, k))),
  }));
  // A line through one point is not a trend: it needs two months with a figure.
  const withData = months.filter((_, i) => series.some((s) => s.values[i] !== null)).length;
  if (data.data && withData < 2) {
    return (
      <Card size="small" title={t('public.trend')} data-testid="trend">
        <Typography.Paragraph style={{ margin: 0 }}>{t('pub.trendTooShort')}</Typography.Paragraph>
      </Card>
    );
  }
  return (
    <Card size="small" loading={data.loading && !data.data} data-testid="trend">
      <Chart
        title={t('public.trend')}
        description={series
          .map(
            (s) =>
              `${t(RATE_LABEL[s.key])}：${s.values.map((v, i) => `${months[i]} ${v === null ? '—' : `${v}%`}`).join('，')}`,
          )
          .join('；')}
        option={{
          tooltip: { trigger: 'axis', valueFormatter: (v) => (v === null || v === undefined ? '—' : `${String(v)}%`) },
          legend: { top: 0 },
          grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
          xAxis: { type: 'category', data: months },
          yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
          series: series.map((s) => ({
            type: 'line',
            name: t(RATE_LABEL[s.key]),
            data: s.values,
            connectNulls: true,
            symbolSize: 8,
          })),
        }}
      />
    </Card>
  );
}

export default function Public() {
  const { t, lang } = useI18n();
  const months = Array.from({ length: 12 }, (_, i) => monthOf(serverNow(), i));
  const [period, setPeriod] = useState(months[0]);
  const [by, setBy] = useState<By>('satisfaction');
  return (
    <>
      <Typography.Title level={1} className="rs-page-title" style={{ fontSize: 22 }}>
        {t('public.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('public.intro')}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          aria-label={t('public.period')}
          style={{ width: 130 }}
          value={period}
          onChange={setPeriod}
          options={months.map((m) => ({ value: m, label: m }))}
        />
        <Segmented<By>
          aria-label={t('public.rank')}
          value={by}
          onChange={setBy}
          options={(['satisfaction', 'resolution', 'response'] as const).map((b) => ({
            value: b,
            label: t(RATE_LABEL[BY_RATE[b]]),
          }))}
        />
      </Space>
      <Typography.Paragraph style={{ fontSize: 15 }} data-testid="definitions">
        {lang === 'zh'
          ? '响应率＝按时响应数/响应结果已定的工单数；解决率＝居民认为已解决数/已评价数；满意率＝(满意+基本满意)/已评价数；参评率＝已评价数/已办结工单数。结果未定（时限未到、尚待评价）的工单记为“待定”，定后计入；合并、重复、无效及提前撤回的工单不计入。已定结果不足 5 件的不参与排名。'
          : 'Response = acknowledged in time / cases whose response is settled; resolution = reported solved / evaluated; satisfaction = (satisfied + basically satisfied) / evaluated; coverage = evaluated / closed cases. Cases whose outcome is not settled yet (a deadline running, an evaluation to come) are pending and count once settled; merged, duplicate, invalid and early-withdrawn cases do not count. Fewer than 5 settled cases: listed, not ranked.'}
      </Typography.Paragraph>
      <Row gutter={[12, 12]}>
        <Col xs={24}>
          <Trend by={by} />
        </Col>
        <Col xs={24} lg={12}>
          <Ranking kind="property_company" period={period} by={by} />
        </Col>
        <Col xs={24} lg={12}>
          <Ranking kind="community" period={period} by={by} />
        </Col>
        <Col xs={24} lg={12}>
          <Ranking kind="functional_department" period={period} by={by} />
        </Col>
        <Col xs={24} lg={12}>
          <PublicTopics />
        </Col>
      </Row>
    </>
  );
}
