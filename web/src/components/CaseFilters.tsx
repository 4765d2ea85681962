// Filters of a case list, passed to GET /cases as its query (status, stage, level, category, overdue, q).
import { Input, Select, Space, Switch, Typography } from 'antd';
import type { ListQuery } from '../api/types';
import { useI18n } from '../i18n';
import { ALL_STATUSES, LEVELS, levelLabel, STAGES, stageLabel, statusLabel } from '../lib/labels';
import { useReference } from '../lib/reference';

export type Filters = Pick<ListQuery, 'status' | 'stage' | 'level' | 'category' | 'overdue' | 'q'>;

export function CaseFilters({
  value,
  onChange,
  levels = false,
}: {
  value: Filters;
  onChange(v: Filters): void;
  levels?: boolean;
}) {
  const { t, name } = useI18n();
  const ref = useReference();
  const set = (patch: Partial<Filters>) => onChange({ ...value, ...patch });
  return (
    <Space wrap size={8} style={{ marginBottom: 12 }} role="search" aria-label={t('list.filters')}>
      <Select
        aria-label={t('list.column.status')}
        style={{ width: 150 }}
        allowClear
        placeholder={t('list.allStatuses')}
        value={value.status}
        onChange={(status) => set({ status })}
        options={ALL_STATUSES.map((s) => ({ value: s, label: statusLabel(t, s) }))}
      />
      <Select
        aria-label={t('case.stage')}
        style={{ width: 130 }}
        allowClear
        placeholder={t('list.allStages')}
        value={value.stage}
        onChange={(stage) => set({ stage })}
        options={[...STAGES, 'closed' as const].map((s) => ({ value: s, label: stageLabel(t, s) }))}
      />
      {levels && (
        <Select
          aria-label={t('list.column.level')}
          style={{ width: 150 }}
          allowClear
          placeholder={t('list.allLevels')}
          value={value.level}
          onChange={(level) => set({ level })}
          options={LEVELS.map((l) => ({ value: l, label: levelLabel(t, l) }))}
        />
      )}
      <Select
        aria-label={t('list.column.category')}
        style={{ width: 150 }}
        allowClear
        placeholder={t('list.allCategories')}
        value={value.category}
        onChange={(category) => set({ category })}
        options={(ref.data?.categories ?? []).map((c) => ({ value: c.code, label: name(c) }))}
      />
      <Input.Search
        aria-label={t('list.search')}
        placeholder={t('list.search')}
        allowClear
        style={{ width: 200 }}
        defaultValue={value.q}
        onSearch={(q) => set({ q: q.trim() || undefined })}
      />
      <Space size={6}>
        <Switch
          id="overdue-only"
          checked={value.overdue === 'true'}
          onChange={(on) => set({ overdue: on ? 'true' : undefined })}
        />
        <Typography.Text>
          <label htmlFor="overdue-only">{t('list.overdueOnly')}</label>
        </Typography.Text>
      </Space>
    </Space>
  );
}
