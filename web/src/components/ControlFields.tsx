// The forms of the fairness rules (DOMAIN.md "Fairness rules"): deciding a return or a pause, pausing and resuming,
// taking a case over, merging it into a primary case, 回访 and closing on a ground. Field names are the API's body
// fields, so an error's details[].path lands beside its field.
import { Form, Input, Radio, Select, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { api, ok } from '../api/client';
import type { CaseDetail, CaseSummary } from '../api/types';
import { useI18n } from '../i18n';
import { closeGrounds } from '../lib/allowed';
import { groundLabel } from '../lib/labels';
import { handlersServing, type Reference } from '../lib/reference';
import { Plain } from './Plain';

const required = (message: string) => [{ required: true, whitespace: true, message }];
const chosen = (message: string) => [{ required: true, message }];

/** The reason every control decision carries (500 characters, as the API allows). */
export function ReasonField({ optional = false }: { optional?: boolean }) {
  const { t } = useI18n();
  return (
    <Form.Item name="reason" label={t('action.reason')} rules={optional ? [] : required(t('action.reasonRequired'))}>
      <Input.TextArea rows={optional ? 2 : 3} maxLength={500} showCount={!optional} />
    </Form.Item>
  );
}

/** A re-route's new handler: one that serves the case's compound or community, not the current one. */
export function HandlerPicker({ c, reference }: { c: CaseDetail; reference: Reference | undefined }) {
  const { t, name } = useI18n();
  const options = reference ? handlersServing(reference, c.compound.code).filter((o) => o.id !== c.handler?.id) : [];
  return (
    <Form.Item name="handlerOrgId" label={t('action.handler')} rules={chosen(t('action.handlerRequired'))}>
      <Plain>
        <Select showSearch optionFilterProp="label" options={options.map((o) => ({ value: o.id, label: name(o) }))} />
      </Plain>
    </Form.Item>
  );
}

/** What the handler asked, shown above the supervisor's decision. */
function Pending({ c }: { c: CaseDetail }) {
  const { t, name } = useI18n();
  const p = c.pendingRequest;
  if (!p) return null;
  const key = p.kind === 'return' ? 'action.pendingReturn' : 'action.pendingPause';
  return (
    <Typography.Paragraph data-testid="pending-request">
      {t(key, { handler: name(c.handler), reason: p.reason })}
    </Typography.Paragraph>
  );
}

export function DecideReturnFields({ c, reference }: { c: CaseDetail; reference: Reference | undefined }) {
  const { t } = useI18n();
  return (
    <>
      <Pending c={c} />
      <Form.Item name="decision" label={t('action.returnDecision')} rules={chosen(t('action.decisionRequired'))}>
        <Plain>
          <Radio.Group
            style={{ display: 'flex', flexDirection: 'column', gap: 8 }}
            options={[
              { value: 'reroute', label: t('action.returnReroute') },
              { value: 'refuse', label: t('action.returnRefuse') },
            ]}
          />
        </Plain>
      </Form.Item>
      <Form.Item noStyle dependencies={['decision']}>
        {({ getFieldValue }) =>
          getFieldValue('decision') === 'reroute' ? <HandlerPicker c={c} reference={reference} /> : null
        }
      </Form.Item>
      <ReasonField />
    </>
  );
}

export function DecidePauseFields({ c }: { c: CaseDetail }) {
  const { t } = useI18n();
  return (
    <>
      <Pending c={c} />
      <Form.Item name="approve" label={t('action.pauseDecision')} rules={chosen(t('action.decisionRequired'))}>
        <Plain>
          <Radio.Group
            options={[
              { value: true, label: t('action.approve') },
              { value: false, label: t('action.refuse') },
            ]}
          />
        </Plain>
      </Form.Item>
      <ReasonField optional />
    </>
  );
}

/** A hint above a form that is a reason (or a note) only: 挂起, 提级督办. */
export function HintedReason({ hint }: { hint: string }) {
  return (
    <>
      <Typography.Paragraph type="secondary">{hint}</Typography.Paragraph>
      <ReasonField />
    </>
  );
}

export function ResumeFields() {
  const { t } = useI18n();
  return (
    <>
      <Typography.Paragraph type="secondary">{t('action.resumeHint')}</Typography.Paragraph>
      <Form.Item name="note" label={t('action.note')}>
        <Input.TextArea rows={2} maxLength={2000} />
      </Form.Item>
    </>
  );
}

const SEARCH_DELAY_MS = 300;

/** The open cases of the same compound this case may be merged into, found through the case list's search. */
function usePrimaryCandidates(c: CaseDetail, q: string) {
  const [items, setItems] = useState<CaseSummary[]>([]);
  const [loading, setLoading] = useState(false);
  const latest = useRef(0);
  useEffect(() => {
    const asked = ++latest.current;
    const timer = setTimeout(() => {
      setLoading(true);
      const query = { compound: c.compound.code, limit: 50, ...(q.trim() ? { q: q.trim() } : {}) };
      ok(api.GET('/api/v1/cases', { params: { query } }))
        .then(
          (page) =>
            asked === latest.current && setItems(page.items.filter((x) => x.id !== c.id && x.status !== 'closed')),
        )
        .catch(() => asked === latest.current && setItems([]))
        .finally(() => asked === latest.current && setLoading(false));
    }, SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [c.compound.code, c.id, q]);
  return { items, loading };
}

export function MergeFields({ c }: { c: CaseDetail }) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const { items, loading } = usePrimaryCandidates(c, q);
  const short = (s: string) => (s.length > 30 ? `${s.slice(0, 30)}…` : s);
  return (
    <>
      <Typography.Paragraph type="secondary">{t('action.mergeHint')}</Typography.Paragraph>
      <Form.Item name="primaryCaseId" label={t('action.primaryCase')} rules={chosen(t('action.primaryCaseRequired'))}>
        <Plain>
          <Select
            showSearch
            filterOption={false}
            onSearch={setQ}
            loading={loading}
            placeholder={t('action.primaryCaseSearch')}
            notFoundContent={loading ? t('app.loading') : t('action.primaryCaseNone')}
            options={items.map((x) => ({ value: x.id, label: `${x.trackingCode} · ${short(x.description ?? '')}` }))}
            data-testid="primary-case"
          />
        </Plain>
      </Form.Item>
      <ReasonField />
    </>
  );
}

export function CloseFields({ c }: { c: CaseDetail }) {
  const { t } = useI18n();
  const grounds = closeGrounds(c);
  return (
    <>
      <Typography.Paragraph type="secondary">{t('action.closeHint')}</Typography.Paragraph>
      <Form.Item
        name="ground"
        label={t('action.ground')}
        rules={chosen(t('action.groundRequired'))}
        initialValue={grounds.length === 1 ? grounds[0] : undefined}
      >
        <Plain>
          <Radio.Group options={grounds.map((g) => ({ value: g, label: groundLabel(t, g) }))} />
        </Plain>
      </Form.Item>
      <ReasonField />
    </>
  );
}
