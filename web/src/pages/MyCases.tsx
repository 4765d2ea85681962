// A resident's own cases, newest first, each with its stage and the countdown of its nearest deadline.
import { EditOutlined } from '@ant-design/icons';
import { Alert, Button, Space, Typography } from 'antd';
import { Link } from 'react-router';
import { CaseList } from '../components/CaseList';
import { useI18n } from '../i18n';
import { listCases } from '../lib/cases';
import { useLoad } from '../lib/load';

export default function MyCases() {
  const { t } = useI18n();
  const list = useLoad(() => listCases({}, 200), [], 10_000);
  return (
    <>
      <Space style={{ width: '100%', justifyContent: 'space-between' }} align="center">
        <Typography.Title level={1} className="rs-page-title" style={{ fontSize: 22 }}>
          {t('nav.myCases')}
        </Typography.Title>
        <Link to="/new">
          <Button type="primary" icon={<EditOutlined aria-hidden />}>
            {t('nav.newCase')}
          </Button>
        </Link>
      </Space>
      {list.error && (
        <Alert
          type="error"
          showIcon
          message={list.error.message}
          action={<Button onClick={() => void list.reload()}>{t('app.retry')}</Button>}
        />
      )}
      <CaseList
        cards
        cases={list.data?.items ?? []}
        fetchedAt={list.at}
        loading={list.loading && !list.data}
        empty={t('list.emptyResident')}
      />
    </>
  );
}
