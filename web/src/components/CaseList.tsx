// Cases as cards on a phone and as a table on a desk. Each row links to the case page by its id (never by
// anything personal), shows its state, and counts down its nearest deadline: amber when near it, red once overdue.
// A list of what waits for the reader puts the next step in the row (`actions`).
import { Card, Empty, Grid, List, Space, Table, Tag, Typography } from 'antd';
import type { HTMLAttributes, ReactNode } from 'react';
import { Link } from 'react-router';
import type { CaseSummary, Deadline } from '../api/types';
import { useI18n } from '../i18n';
import { caseStatusColor, LEVEL_COLOR, levelLabel, stageLabel, statusLabel } from '../lib/labels';
import { useReference } from '../lib/reference';
import { formatDateTime, useNow } from '../lib/time';
import { urgencyOf, type Urgency } from '../lib/waiting';
import { CategoryIcon } from './CategoryIcon';
import { DeadlineCountdown } from './Deadlines';

function nearest(c: CaseSummary): Deadline | undefined {
  return [...c.deadlines].sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt))[0];
}

function Tags({ c, stage = false }: { c: CaseSummary; stage?: boolean }) {
  const { t } = useI18n();
  return (
    <Space size={4} wrap>
      {stage && <Tag color="geekblue">{stageLabel(t, c.stage)}</Tag>}
      <Tag color={caseStatusColor(c)}>{c.overdue ? t('case.overdue') : statusLabel(t, c.status)}</Tag>
      {c.overdue && <Tag>{statusLabel(t, c.status)}</Tag>}
      {c.level !== 'community_committee' && <Tag color={LEVEL_COLOR[c.level]}>{levelLabel(t, c.level)}</Tag>}
    </Space>
  );
}

/** The countdown with a word for the colour-blind: 即将超时 in amber, 已超时 in red (the tags say it already). */
function Left({ c, fetchedAt, urgency }: { c: CaseSummary; fetchedAt: number; urgency: Urgency }) {
  const { t } = useI18n();
  const d = nearest(c);
  if (!d || c.status === 'closed') return <>—</>;
  return (
    <span className={urgency === 'near' ? 'rs-near' : undefined} data-urgency={urgency}>
      {urgency === 'near' && <span className="rs-near-label">{t('queue.near')} · </span>}
      <DeadlineCountdown d={d} fetchedAt={fetchedAt} compact />
    </span>
  );
}

function useIcons() {
  const ref = useReference();
  return (code: string) => ref.data?.categories.find((x) => x.code === code)?.icon ?? null;
}

interface Props {
  cases: CaseSummary[];
  fetchedAt: number;
  loading?: boolean;
  empty: ReactNode;
  /** Always cards (residents), whatever the width. */
  cards?: boolean;
  /** The next step on this case, shown in its row (a list of what waits for the reader). */
  actions?: (c: CaseSummary) => ReactNode;
}

const BORDER: Record<Urgency, string | undefined> = { overdue: '#ffa39e', near: '#d48806', ok: undefined };

export function CaseCards({ cases, fetchedAt, loading, empty, actions }: Omit<Props, 'cards'>) {
  const { t, lang, name } = useI18n();
  const iconOf = useIcons();
  const now = useNow();
  return (
    <List
      loading={loading}
      dataSource={cases}
      locale={{ emptyText: <Empty description={empty} /> }}
      renderItem={(c) => {
        const urgency = urgencyOf(c, now, fetchedAt);
        const border = BORDER[urgency];
        const action = actions?.(c);
        return (
          <List.Item style={{ padding: '6px 0', border: 'none', display: 'block' }} data-case={c.trackingCode}>
            <Link to={`/cases/${c.id}`} style={{ display: 'block', width: '100%', color: 'inherit' }}>
              <Card
                size="small"
                hoverable
                styles={{ body: { padding: 12 } }}
                style={border ? { borderColor: border, borderWidth: 2 } : undefined}
              >
                <div style={{ display: 'flex', gap: 10, alignItems: 'flex-start' }}>
                  <span style={{ color: '#c8161d', paddingTop: 2 }}>
                    <CategoryIcon icon={iconOf(c.category.code)} size={24} />
                  </span>
                  <div style={{ flex: 1, minWidth: 0 }}>
                    <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8, alignItems: 'baseline' }}>
                      <Typography.Text strong>{name(c.category)}</Typography.Text>
                      <Typography.Text type="secondary" style={{ fontSize: 12, whiteSpace: 'nowrap' }}>
                        {c.trackingCode}
                      </Typography.Text>
                    </div>
                    <Typography.Paragraph ellipsis={{ rows: 2 }} style={{ margin: '4px 0 6px' }}>
                      {c.description ?? t('case.descriptionHidden')}
                    </Typography.Paragraph>
                    <Tags c={c} stage />
                    <div
                      style={{
                        display: 'flex',
                        justifyContent: 'space-between',
                        flexWrap: 'wrap',
                        gap: 4,
                        marginTop: 6,
                      }}
                    >
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {name(c.compound)} · {formatDateTime(c.createdAt, lang)}
                      </Typography.Text>
                      {nearest(c) && c.status !== 'closed' && <Left c={c} fetchedAt={fetchedAt} urgency={urgency} />}
                    </div>
                  </div>
                </div>
              </Card>
            </Link>
            {action && <div className="rs-row-action">{action}</div>}
          </List.Item>
        );
      }}
    />
  );
}

export function CaseTable({ cases, fetchedAt, loading, empty, actions }: Omit<Props, 'cards'>) {
  const { t, lang, name } = useI18n();
  const iconOf = useIcons();
  const now = useNow();
  return (
    <Table<CaseSummary>
      rowKey="id"
      size="middle"
      loading={loading}
      dataSource={cases}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      locale={{ emptyText: <Empty description={empty} /> }}
      rowClassName={(c) => ({ overdue: 'rs-row-overdue', near: 'rs-row-near', ok: '' })[urgencyOf(c, now, fetchedAt)]}
      onRow={(c) => ({ 'data-case': c.trackingCode }) as HTMLAttributes<HTMLElement>}
      scroll={{ x: 900 }}
      columns={[
        {
          title: t('list.column.code'),
          key: 'code',
          render: (_, c) => <Link to={`/cases/${c.id}`}>{c.trackingCode}</Link>,
        },
        {
          title: t('list.column.category'),
          key: 'category',
          render: (_, c) => (
            <Space>
              <CategoryIcon icon={iconOf(c.category.code)} size={16} />
              {name(c.category)}
            </Space>
          ),
        },
        { title: t('list.column.compound'), key: 'compound', render: (_, c) => name(c.compound) },
        { title: t('list.column.status'), key: 'status', render: (_, c) => <Tags c={c} /> },
        { title: t('case.stage'), key: 'stage', render: (_, c) => stageLabel(t, c.stage) },
        {
          title: t('list.column.timeLeft'),
          key: 'left',
          render: (_, c) => <Left c={c} fetchedAt={fetchedAt} urgency={urgencyOf(c, now, fetchedAt)} />,
        },
        ...(actions
          ? [{ title: t('queue.next'), key: 'next', render: (_: unknown, c: CaseSummary) => actions(c) }]
          : []),
        { title: t('list.column.handler'), key: 'handler', render: (_, c) => name(c.handler) },
        { title: t('list.column.created'), key: 'created', render: (_, c) => formatDateTime(c.createdAt, lang) },
      ]}
    />
  );
}

export function CaseList({ cards, ...props }: Props) {
  const screens = Grid.useBreakpoint();
  return cards || !screens.md ? <CaseCards {...props} /> : <CaseTable {...props} />;
}
