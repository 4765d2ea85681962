// A handler's queue (and a party member's follow-ups): every case dispatched to them, most urgent first —
// overdue on top, then by the time left on the nearest deadline — with filters.
import { Alert, Button, Space, Typography } from 'antd';
import { useState } from 'react';
import { CaseFilters, type Filters } from '../components/CaseFilters';
import { CaseList } from '../components/CaseList';
import { useI18n } from '../i18n';
import { listCases } from '../lib/cases';
import { useLoad } from '../lib/load';
import { useNoticeEvents } from '../lib/notifications';
import { serverNow } from '../lib/time';
import { byUrgency } from '../lib/urgency';
import { useSession } from '../session';

export default function Queue() {
  const { t, name } = useI18n();
  const { me } = useSession();
  const [filters, setFilters] = useState<Filters>({});
  const list = useLoad(() => listCases(filters), [JSON.stringify(filters)], 5000);
  // A new case or a change to one arrives as a notice: the queue shows it at once, not at the next poll.
  useNoticeEvents(() => void list.reload());
  const cases = byUrgency(list.data?.items ?? [], serverNow());
  return (
    <>
      <Typography.Title level={1} className="rs-page-title" style={{ fontSize: 22 }}>
        {me?.role === 'party_member' ? t('nav.followUps') : t('nav.queue')}
        <Typography.Text type="secondary" style={{ fontSize: 14, marginLeft: 12, fontWeight: 400 }}>
          {name(me?.organization)}
        </Typography.Text>
      </Typography.Title>
      <CaseFilters value={filters} onChange={setFilters} />
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 8 }} wrap>
        <Typography.Text type="secondary">{t('list.sortedByUrgency')}</Typography.Text>
        <Typography.Text type="secondary">{t('list.count', { n: cases.length })}</Typography.Text>
      </Space>
      {list.error && <Alert type="error" showIcon message={list.error.message} action={<Button onClick={() => void list.reload()}>{t('app.retry')}</Button>} />}
      <CaseList cases={cases} fetchedAt={list.at} loading={list.loading && !list.data} empty={t('list.emptyQueue')} />
    </>
  );
}
