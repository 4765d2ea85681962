// The cases behind a hotspot cell: GET /cases of that compound (and building) and category, filed in the month
// (China Standard Time days).
import { Alert, Card, Space, Typography } from 'antd';
import { Link, useSearchParams } from 'react-router';
import type { ListQuery } from '../api/types';
import { CaseList } from '../components/CaseList';
import { useI18n } from '../i18n';
import { listCases } from '../lib/cases';
import { useLoad } from '../lib/load';
import { useGroupName } from './Hotspots';

const MAX = 300;

/** The first and last day of a YYYY-MM month. */
export function daysOf(period: string): { from: string; to: string } {
  const [y, m] = period.split('-').map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { from: `${period}-01`, to: `${period}-${String(last).padStart(2, '0')}` };
}

export default function HotspotCases() {
  const { t } = useI18n();
  const [params] = useSearchParams();
  const period = /^\d{4}-\d{2}$/.test(params.get('period') ?? '') ? params.get('period')! : '';
  const compoundCode = params.get('compound') ?? undefined;
  const building = params.get('building') ?? undefined;
  const categoryCode = params.get('category') ?? undefined;
  const groupName = useGroupName();
  const query: Omit<ListQuery, 'limit' | 'cursor'> = {
    ...(period ? daysOf(period) : {}),
    ...(compoundCode ? { compound: compoundCode } : {}),
    ...(compoundCode && building ? { building } : {}),
    ...(categoryCode ? { category: categoryCode } : {}),
  };
  const list = useLoad(() => listCases(query, MAX), [JSON.stringify(query)]);
  const back = `/hotspots${period ? `?period=${period}` : ''}`;
  return (
    <>
      <Typography.Title level={1} className="rs-page-title" style={{ fontSize: 22 }}>
        {groupName({ compoundCode, building, categoryCode }) || t('hot.title')}
        {period && ` · ${period}`}
      </Typography.Title>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Link to={back}>{t('hot.back')}</Link>
        {list.error && <Alert type="error" showIcon message={list.error.message} />}
        <Card size="small">
          <CaseList
            cases={list.data?.items ?? []}
            fetchedAt={list.at}
            loading={list.loading && !list.data}
            empty={t('list.empty')}
          />
        </Card>
      </Space>
    </>
  );
}
