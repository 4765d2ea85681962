// 重复问题 on the supervisor's dashboard: the open repeat problems in its scope (the same category in the same
// building N times within D days, GET /stats/repeat-problems?status=open), each with its cases and a way to open a
// governance topic from it, or to the topic already opened.
import { Alert, Button, Card, List, Space, Tag, Typography } from 'antd';
import { useEffect } from 'react';
import { Link, useLocation } from 'react-router';
import { useI18n } from '../i18n';
import { repeatProblems, type RepeatProblem } from '../lib/governance';
import { useLoad } from '../lib/load';
import { formatDateTime } from '../lib/time';

function Item({ p }: { p: RepeatProblem }) {
  const { t, lang, name } = useI18n();
  const place = `${name({ nameZh: p.compoundNameZh, nameEn: p.compoundNameEn })} ${t('case.location.building', { v: p.building })}`;
  return (
    <List.Item
      data-repeat={p.id}
      actions={[
        p.topicId ? (
          <Link key="topic" to={`/topics/${p.topicId}`}>
            {t('repeat.topicOpened')}
          </Link>
        ) : (
          <Link key="open" to={`/topics/new?repeatProblem=${p.id}`}>
            <Button type="primary" size="small">
              {t('repeat.openTopic')}
            </Button>
          </Link>
        ),
      ]}
    >
      <List.Item.Meta
        title={
          <Space wrap size={4}>
            <Typography.Text strong>{place}</Typography.Text>
            <Tag color="volcano">{name({ nameZh: p.categoryNameZh, nameEn: p.categoryNameEn })}</Tag>
          </Space>
        }
        description={
          <>
            <Typography.Text>
              {t('repeat.count', { n: p.caseCount, days: p.windowDays, threshold: p.threshold })}
            </Typography.Text>{' '}
            <Typography.Text type="secondary">
              {t('repeat.last', { at: formatDateTime(p.lastCaseAt, lang) })}
            </Typography.Text>
            <br />
            <Typography.Text type="secondary">{p.trackingCodes.join('、')}</Typography.Text>
          </>
        }
      />
    </List.Item>
  );
}

export function RepeatProblems() {
  const { t } = useI18n();
  const data = useLoad(() => repeatProblems('open'), [], 30_000);
  const items = data.data?.items ?? [];
  const { hash } = useLocation();
  const loaded = data.data !== undefined;
  // A repeat-problem notice leads here (/dashboard#repeat-problems): bring the list into view once it is there.
  useEffect(() => {
    if (loaded && hash === '#repeat-problems') document.getElementById('repeat-problems')?.scrollIntoView();
  }, [loaded, hash]);
  return (
    <Card
      size="small"
      title={t('repeat.title')}
      style={{ marginTop: 12 }}
      id="repeat-problems"
      data-testid="repeat-problems"
      extra={<Link to="/hotspots">{t('nav.hotspots')}</Link>}
    >
      {data.error && <Alert type="error" showIcon message={data.error.message} />}
      {data.data && items.length === 0 ? (
        <Typography.Paragraph style={{ margin: 0 }}>{t('repeat.none')}</Typography.Paragraph>
      ) : (
        <List loading={data.loading && !data.data} dataSource={items} renderItem={(p) => <Item p={p} />} />
      )}
    </Card>
  );
}
