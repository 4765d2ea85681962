// A case's photos, fetched with the signed-in user's token and shown with a tap-to-enlarge preview.
import { Image, Skeleton, Space } from 'antd';
import { useEffect, useState } from 'react';
import { useI18n } from '../i18n';
import { fetchPhoto } from '../lib/photos';

export function CasePhotos({ caseId, photoIds }: { caseId: string; photoIds: string[] }) {
  const { t } = useI18n();
  const [urls, setUrls] = useState<Record<string, string>>({});
  const key = photoIds.join(',');
  useEffect(() => {
    let live = true;
    for (const id of photoIds) {
      fetchPhoto(caseId, id).then(
        (url) => live && setUrls((u) => ({ ...u, [id]: url })),
        () => {},
      );
    }
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [caseId, key]);
  return (
    <Image.PreviewGroup>
      <Space wrap size={8}>
        {photoIds.map((id, i) =>
          urls[id] ? (
            <Image
              key={id}
              src={urls[id]}
              width={96}
              height={96}
              style={{ objectFit: 'cover', borderRadius: 6 }}
              alt={`${t('case.photos')} ${i + 1}`}
            />
          ) : (
            <Skeleton.Image key={id} active style={{ width: 96, height: 96 }} />
          ),
        )}
      </Space>
    </Image.PreviewGroup>
  );
}
