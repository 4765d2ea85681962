// 二维码: the printable QR codes of a compound, one for the compound and one per building (GET
// /compounds/{code}/qr-codes), each opening the filing page with the compound and building filled in. On paper
// (governance.css @media print) each code is a page of its own, large, with "扫码反映物业问题" and the place.
import { PrinterOutlined } from '@ant-design/icons';
import { Alert, Button, Select, Space, Spin, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { useI18n } from '../i18n';
import { compoundsInScope, qrCodes, qrImageUrl } from '../lib/governance';
import { useLoad } from '../lib/load';
import { useReference } from '../lib/reference';
import { useSession } from '../session';
import './governance.css';

function QrImage({ code, building, alt }: { code: string; building: string | null; alt: string }) {
  const [src, setSrc] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let url: string | null = null;
    let live = true;
    qrImageUrl(code, building).then(
      (u) => (live ? setSrc((url = u)) : URL.revokeObjectURL(u)),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [code, building]);
  if (failed) return <Typography.Text type="danger">{alt}</Typography.Text>;
  return src ? <img src={src} alt={alt} /> : <Spin />;
}

export default function QrCodes() {
  const { t, name } = useI18n();
  const { me } = useSession();
  const ref = useReference();
  const [params, setParams] = useSearchParams();
  const mine = ref.data ? compoundsInScope(ref.data, me) : [];
  const code = params.get('compound') ?? mine[0]?.code ?? '';
  const data = useLoad(() => (code ? qrCodes(code) : Promise.resolve(null)), [code]);
  return (
    <>
      <Typography.Title level={1} className="rs-page-title rs-no-print" style={{ fontSize: 22 }}>
        {t('qr.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" className="rs-no-print">
        {t('qr.intro')}
      </Typography.Paragraph>
      <Space wrap className="rs-no-print" style={{ marginBottom: 12 }}>
        <Select
          aria-label={t('qr.compound')}
          style={{ minWidth: 200 }}
          value={code || undefined}
          loading={ref.loading}
          onChange={(c) => setParams({ compound: c }, { replace: true })}
          options={mine.map((c) => ({ value: c.code, label: name(c) }))}
        />
        <Button icon={<PrinterOutlined aria-hidden />} onClick={() => window.print()} disabled={!data.data}>
          {t('qr.print')}
        </Button>
      </Space>
      {data.error && <Alert type="error" showIcon message={data.error.message} className="rs-no-print" />}
      {data.loading && !data.data && <Spin />}
      {data.data && (
        <div className="rs-qr-grid" data-testid="qr-grid">
          {data.data.items.map((q) => {
            const place = `${data.data!.compoundName}${q.building ? ` ${t('case.location.building', { v: q.building })}` : ''}`;
            return (
              <section className="rs-qr-card" key={q.building ?? ''} data-building={q.building ?? ''}>
                <div className="rs-qr-call">{t('qr.call')}</div>
                <QrImage code={data.data!.compoundCode} building={q.building} alt={`${t('qr.alt')} ${place}`} />
                <div className="rs-qr-place">{place}</div>
              </section>
            );
          })}
        </div>
      )}
    </>
  );
}
