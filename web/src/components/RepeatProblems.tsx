// 重复问题 on the supervisor's dashboard: the open repeat problems in its scope (the same category in the same
// building N times within D days, GET /stats/repeat-problems?status=open), each with its cases and a way to open a
// governance topic from it, or to the topic already opened; or, for a supervisor, to close it as needing no topic.
import { Alert, Button, Card, Form, Input, List, Modal, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link, useLocation } from 'react-router';
import { ApiError } from '../api/client';
import { useI18n } from '../i18n';
import { closeRepeatProblem, repeatProblems, type RepeatProblem } from '../lib/governance';
import { useLoad } from '../lib/load';
import { formatDateTime } from '../lib/time';
import { useSession } from '../session';

/** 无需立项: closes the repeat problem with the reason (the server refuses all but its chain's supervisors). */
function CloseDialog({ p, onClose, onDone }: { p: RepeatProblem; onClose(): void; onDone(): void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ reason: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async ({ reason }: { reason: string }) => {
    setBusy(true);
    setError(null);
    try {
      await closeRepeatProblem(p.id, reason);
      onDone();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={t('repeat.close')}
      okText={t('action.confirm')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      onCancel={onClose}
    >
      {error && <Alert type="error" showIcon message={error} role="alert" style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)}>
        <Form.Item
          name="reason"
          label={t('repeat.closeReason')}
          rules={[{ required: true, whitespace: true, message: t('repeat.closeReason') }]}
        >
          <Input.TextArea rows={3} maxLength={500} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function Item({ p, mayClose, onChanged }: { p: RepeatProblem; mayClose: boolean; onChanged(): void }) {
  const { t, lang, name } = useI18n();
  const [closing, setClosing] = useState(false);
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
          <Space key="open" wrap>
            <Link to={`/topics/new?repeatProblem=${p.id}`}>
              <Button type="primary" size="small">
                {t('repeat.openTopic')}
              </Button>
            </Link>
            {mayClose && (
              <Button size="small" onClick={() => setClosing(true)}>
                {t('repeat.close')}
              </Button>
            )}
          </Space>
        ),
      ]}
    >
      {closing && (
        <CloseDialog
          p={p}
          onClose={() => setClosing(false)}
          onDone={() => {
            setClosing(false);
            onChanged();
          }}
        />
      )}
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
  const { me } = useSession();
  const mayClose = me?.role === 'supervisor' || me?.role === 'admin';
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
        <List
          loading={data.loading && !data.data}
          dataSource={items}
          renderItem={(p) => <Item p={p} mayClose={mayClose} onChanged={() => void data.reload()} />}
        />
      )}
    </Card>
  );
}
