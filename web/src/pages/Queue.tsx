// A handler's queue (and a party member's follow-ups). First 待我处理: the cases the caller must act on now, the
// nearest deadline on top, amber near it and red past it, each with its next step as a button. Below, the
// cases it only follows (forwarded or re-routed away, awaiting the resident, closed), most urgent first.
import { Alert, Button, Card, Space, Typography } from 'antd';
import { useState } from 'react';
import { CaseFilters, type Filters } from '../components/CaseFilters';
import { CaseList } from '../components/CaseList';
import { RowAction } from '../components/RowAction';
import { useI18n } from '../i18n';
import { listCases } from '../lib/cases';
import { useLoad } from '../lib/load';
import { useNoticeEvents } from '../lib/notifications';
import { serverNow } from '../lib/time';
import { byUrgency } from '../lib/urgency';
import { mustAct, nextAction } from '../lib/waiting';
import { useSession } from '../session';

export default function Queue() {
  const { t, name } = useI18n();
  const { me } = useSession();
  const [filters, setFilters] = useState<Filters>({});
  const list = useLoad(() => listCases(filters), [JSON.stringify(filters)], 5000);
  // A new case or a change to one arrives as a notice: the queue shows it at once, not at the next poll.
  useNoticeEvents(() => void list.reload());
  const cases = byUrgency(list.data?.items ?? [], serverNow());
  const mine = me ? cases.filter((c) => mustAct(me, c)) : [];
  const others = cases.filter((c) => !mine.includes(c));
  const reload = () => void list.reload();
  return (
    <>
      <Typography.Title level={1} className="rs-page-title" style={{ fontSize: 22 }}>
        {me?.role === 'party_member' ? t('nav.followUps') : t('nav.queue')}
        <Typography.Text type="secondary" style={{ fontSize: 14, marginLeft: 12, fontWeight: 400 }}>
          {name(me?.organization)}
        </Typography.Text>
      </Typography.Title>
      <CaseFilters value={filters} onChange={setFilters} />
      {list.error && (
        <Alert
          type="error"
          showIcon
          message={list.error.message}
          action={<Button onClick={reload}>{t('app.retry')}</Button>}
        />
      )}
      <Card
        size="small"
        data-testid="my-turn"
        title={
          <Typography.Title level={2} style={{ fontSize: 18, margin: 0 }}>
            {t('queue.mine')} <span className="rs-count">{mine.length}</span>
          </Typography.Title>
        }
        extra={<Typography.Text type="secondary">{t('queue.mineHint')}</Typography.Text>}
        style={{ marginBottom: 16 }}
      >
        <CaseList
          cases={mine}
          fetchedAt={list.at}
          loading={list.loading && !list.data}
          empty={t('list.emptyQueue')}
          actions={(c) => {
            const a = me && nextAction(me, c);
            return a ? (
              <RowAction c={c} action={a} onDone={reload} />
            ) : (
              <Typography.Text type="secondary">{t('queue.waitingDecision')}</Typography.Text>
            );
          }}
        />
      </Card>
      <section aria-labelledby="queue-others" data-testid="others">
        <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 8 }} wrap>
          <Typography.Title level={2} id="queue-others" style={{ fontSize: 18, margin: 0 }}>
            {t('queue.others')}
          </Typography.Title>
          <Typography.Text type="secondary">
            {t('list.sortedByUrgency')} · {t('list.count', { n: others.length })}
          </Typography.Text>
        </Space>
        <CaseList cases={others} fetchedAt={list.at} loading={list.loading && !list.data} empty={t('list.empty')} />
      </section>
    </>
  );
}
