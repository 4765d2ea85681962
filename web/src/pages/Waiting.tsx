// 待我审批: what waits for the supervisor's organisation — extensions to approve, returns to decide (改派 or
// refuse), pauses to decide, and (a community committee) open cases with no follow-up owner to assign (待指派).
// Each is decided from its row, in the dialog the case page opens.
import { Alert, Button, Card, Space, Typography } from 'antd';
import { api, ok } from '../api/client';
import type { ActionPath, CaseSummary } from '../api/types';
import { CaseList } from '../components/CaseList';
import { RowAction } from '../components/RowAction';
import { useI18n, type MessageKey } from '../i18n';
import { learnServerClock } from '../lib/time';
import { useLoad } from '../lib/load';
import { useNoticeEvents } from '../lib/notifications';
import { useSession } from '../session';

export const PENDING = [
  ['extension', 'decide-extension', 'waiting.extension'],
  ['return', 'decide-return', 'waiting.return'],
  ['pause', 'decide-pause', 'waiting.pause'],
  ['follow_up', 'assign-follow-up', 'waiting.followUp'],
] as const satisfies ReadonlyArray<readonly [string, ActionPath, MessageKey]>;

type Pending = (typeof PENDING)[number][0];

/** Up to 100 cases of each kind, oldest request first: the one waiting longest is decided first. */
export async function loadWaiting(kinds: readonly Pending[]): Promise<Record<Pending, CaseSummary[]>> {
  const lists = await Promise.all(
    kinds.map((pending) => ok(api.GET('/api/v1/cases', { params: { query: { pending, limit: 100 } } }))),
  );
  const out = { extension: [], return: [], pause: [], follow_up: [] } as Record<Pending, CaseSummary[]>;
  kinds.forEach((k, i) => {
    out[k] = [...lists[i].items].reverse();
    const d = lists[i].items.find((c) => c.deadlines.length);
    if (d) learnServerClock(d.deadlines, Date.now());
  });
  return out;
}

export default function Waiting() {
  const { t, name } = useI18n();
  const { me } = useSession();
  // Only a community committee assigns follow-up owners.
  const kinds = PENDING.filter(
    ([k]) => k !== 'follow_up' || me?.organization?.kind === 'community_committee' || me?.role === 'admin',
  );
  const list = useLoad(() => loadWaiting(kinds.map(([k]) => k)), [me?.id], 5000);
  useNoticeEvents(() => void list.reload());
  const reload = () => void list.reload();
  const total = list.data ? kinds.reduce((n, [k]) => n + list.data![k].length, 0) : 0;
  return (
    <>
      <Typography.Title level={1} className="rs-page-title" style={{ fontSize: 22 }}>
        {t('waiting.title')}
        <Typography.Text type="secondary" style={{ fontSize: 14, marginLeft: 12, fontWeight: 400 }}>
          {name(me?.organization)}
        </Typography.Text>
      </Typography.Title>
      <Typography.Paragraph type="secondary">
        {list.data && total === 0 ? t('waiting.none') : t('waiting.hint')}
      </Typography.Paragraph>
      {list.error && (
        <Alert
          type="error"
          showIcon
          message={list.error.message}
          action={<Button onClick={reload}>{t('app.retry')}</Button>}
        />
      )}
      <Space direction="vertical" size="middle" style={{ width: '100%' }}>
        {kinds.map(([kind, action, title]) => (
          <Card
            key={kind}
            size="small"
            data-testid={`waiting-${kind}`}
            title={
              <Typography.Title level={2} style={{ fontSize: 18, margin: 0 }}>
                {t(title)} <span className="rs-count">{list.data?.[kind].length ?? ''}</span>
              </Typography.Title>
            }
          >
            {list.data?.[kind].length === 0 ? (
              <Typography.Text type="secondary">{t('waiting.empty')}</Typography.Text>
            ) : (
              <CaseList
                cases={list.data?.[kind] ?? []}
                fetchedAt={list.at}
                loading={list.loading && !list.data}
                empty={t('waiting.empty')}
                actions={(c) => <RowAction c={c} action={action} onDone={reload} />}
              />
            )}
          </Card>
        ))}
      </Space>
    </>
  );
}
