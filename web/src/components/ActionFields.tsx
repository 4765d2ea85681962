// The form fields of each action, named exactly as the API's body fields so an error's details[].path lands
// on the right field (e.g. "extendBy.amount", "owner.id").
import { Form, Input, InputNumber, Radio, Select, Space, Switch, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api, ok } from '../api/client';
import type { ActionPath, CaseDetail, Me } from '../api/types';
import { useI18n } from '../i18n';
import { deadlineLabel } from '../lib/labels';
import { formatDateTime } from '../lib/time';
import { orgsOfKind, type Reference } from '../lib/reference';
import {
  CloseFields,
  DecidePauseFields,
  DecideReturnFields,
  HandlerPicker,
  HintedReason,
  MergeFields,
  ResumeFields,
} from './ControlFields';
import { ChannelField, EvaluateFields } from './EvaluateFields';
import { Plain } from './Plain';

const required = (message: string) => [{ required: true, whitespace: true, message }];

export const SUGGESTED = '__suggested__';

/** The party member "the suggested owner" means (党员联户), named in the picker; null until known or when none. */
function useFollowUpSuggestion(caseId: string | null): { nameZh: string; nameEn: string } | null {
  const [owner, setOwner] = useState<{ nameZh: string; nameEn: string } | null>(null);
  useEffect(() => {
    if (!caseId) return;
    let live = true;
    ok(api.GET('/api/v1/cases/{id}/follow-up-suggestion', { params: { path: { id: caseId } } })).then(
      (s) => live && setOwner(s.owner),
      () => undefined, // the picker still offers "the suggested owner" without a name
    );
    return () => {
      live = false;
    };
  }, [caseId]);
  return owner;
}

interface Props {
  action: ActionPath;
  c: CaseDetail;
  me: Me;
  reference: Reference | undefined;
}

export function ActionFields({ action, c, me, reference }: Props) {
  const { t, lang, name } = useI18n();
  const suggested = useFollowUpSuggestion(action === 'assign-follow-up' ? c.id : null);
  const reason = (
    <Form.Item name="reason" label={t('action.reason')} rules={required(t('action.reasonRequired'))}>
      <Input.TextArea rows={3} maxLength={500} showCount />
    </Form.Item>
  );
  const orgOptions = (kinds: Parameters<typeof orgsOfKind>[1], under?: string) =>
    reference ? orgsOfKind(reference, kinds, under).map((o) => ({ value: o.id, label: name(o) })) : [];

  switch (action) {
    case 'acknowledge':
      return (
        <Form.Item name="note" label={t('action.note')}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
      );
    case 'progress':
      return (
        <Form.Item name="note" label={t('action.noteRequired')} rules={required(t('action.textRequired'))}>
          <Input.TextArea rows={3} maxLength={2000} showCount />
        </Form.Item>
      );
    case 'resolve':
      return (
        <>
          <Form.Item name="summary" label={t('action.summary')} rules={required(t('action.textRequired'))}>
            <Input.TextArea rows={3} maxLength={2000} showCount />
          </Form.Item>
          <Form.Item name="evidenceText" label={t('action.evidence')}>
            <Input.TextArea rows={2} placeholder={t('action.evidencePlaceholder')} />
          </Form.Item>
        </>
      );
    case 'request-extension': {
      const running = c.deadlines.filter((d) => d.kind === 'response' || d.kind === 'resolution');
      return (
        <>
          <Form.Item
            name="deadline"
            label={t('action.deadline')}
            rules={[{ required: true, message: t('action.deadline') }]}
          >
            <Plain>
              <Radio.Group options={running.map((d) => ({ value: d.kind, label: deadlineLabel(t, d.kind) }))} />
            </Plain>
          </Form.Item>
          <Form.Item label={t('action.extendBy')} required>
            <Space.Compact>
              <Form.Item
                name={['extendBy', 'amount']}
                noStyle
                rules={[{ required: true, message: t('action.extendBy') }]}
              >
                <InputNumber min={1} aria-label={t('action.extendBy')} style={{ width: 120 }} />
              </Form.Item>
              <Form.Item name={['extendBy', 'unit']} noStyle>
                <Select
                  aria-label={t('action.extendUnit')}
                  style={{ width: 140 }}
                  options={(['hours', 'working_days', 'seconds'] as const).map((u) => ({
                    value: u,
                    label: t(`action.unit.${u}`),
                  }))}
                />
              </Form.Item>
            </Space.Compact>
          </Form.Item>
          {reason}
        </>
      );
    }
    case 'decide-extension': {
      const p = c.pendingExtension as {
        deadline?: string;
        reason?: string;
        extendBy?: { unit: 'hours' | 'working_days' | 'seconds'; amount: number };
        proposedDueAt?: string | number;
      } | null;
      const current = c.deadlines.find((d) => d.kind === p?.deadline);
      const by = p?.extendBy;
      return (
        <>
          {p && (
            <div data-testid="extension-request">
              {by && (
                <Typography.Paragraph strong>
                  {t('action.extensionAsked', {
                    deadline: deadlineLabel(t, p.deadline ?? ''),
                    amount: by.amount,
                    unit: t(`action.unit.${by.unit}`),
                  })}
                </Typography.Paragraph>
              )}
              {current && by && (
                <Typography.Paragraph data-testid="extension-new-due">
                  {/* The workflow computed the new due moment on the case's calendar when the request came in. */}
                  {p.proposedDueAt !== undefined
                    ? t('action.extensionNewDue', {
                        now: formatDateTime(current.dueAt, lang),
                        at: formatDateTime(p.proposedDueAt, lang),
                      })
                    : t('action.extensionNewDueWorking', {
                        now: formatDateTime(current.dueAt, lang),
                        amount: by.amount,
                        unit: t(`action.unit.${by.unit}`),
                      })}
                </Typography.Paragraph>
              )}
              <Typography.Paragraph>
                {t('action.reason')}：{p.reason}
              </Typography.Paragraph>
            </div>
          )}
          <Form.Item
            name="approve"
            label={t('action.decide_extension')}
            rules={[{ required: true, message: t('action.decide_extension') }]}
          >
            <Plain>
              <Radio.Group
                options={[
                  { value: true, label: t('action.approve') },
                  { value: false, label: t('action.refuse') },
                ]}
              />
            </Plain>
          </Form.Item>
          <Form.Item name="reason" label={t('action.reason')}>
            <Input.TextArea rows={2} maxLength={500} />
          </Form.Item>
        </>
      );
    }
    case 'return':
    case 'escalate':
    case 'report':
      return reason;
    case 'reroute':
      return (
        <>
          <HandlerPicker c={c} reference={reference} />
          {reason}
        </>
      );
    case 'decide-return':
      return <DecideReturnFields c={c} reference={reference} />;
    case 'request-pause':
      return <HintedReason hint={t('action.pauseHint')} />;
    case 'decide-pause':
      return <DecidePauseFields c={c} />;
    case 'resume':
      return <ResumeFields />;
    case 'take-over':
      return <HintedReason hint={t('action.takeOverHint')} />;
    case 'merge':
      return <MergeFields c={c} />;
    case 'close':
      return <CloseFields c={c} />;
    case 'record-callback':
      return (
        <>
          <ChannelField />
          <EvaluateFields callback />
        </>
      );
    case 'forward':
      return (
        <>
          <Form.Item
            name="departmentOrgId"
            label={t('action.department')}
            rules={[{ required: true, message: t('action.department') }]}
          >
            <Plain>
              <Select options={orgOptions(['functional_department'])} />
            </Plain>
          </Form.Item>
          {reason}
        </>
      );
    case 'assign-follow-up':
      return (
        <>
          <Form.Item name="ownerChoice" label={t('action.owner')} initialValue={SUGGESTED}>
            <Select
              options={[
                {
                  value: SUGGESTED,
                  label: suggested
                    ? t('action.ownerSuggestedNamed', { name: name(suggested) })
                    : t('action.ownerSuggested'),
                },
                ...orgOptions(['grid_branch'], me.organizationId ?? undefined),
              ]}
            />
          </Form.Item>
          <Form.Item name="note" label={t('action.note')}>
            <Input.TextArea rows={2} maxLength={2000} />
          </Form.Item>
        </>
      );
    case 'record-follow-up':
      return (
        <>
          <Form.Item name="findings" label={t('action.findings')} rules={required(t('action.textRequired'))}>
            <Input.TextArea rows={3} maxLength={2000} showCount />
          </Form.Item>
          <Form.Item name="onSite" label={t('action.onSite')} valuePropName="checked" initialValue={true}>
            <Switch />
          </Form.Item>
        </>
      );
    case 'urge':
      return (
        <Form.Item name="message" label={t('action.message')} rules={required(t('action.textRequired'))}>
          <Input.TextArea rows={3} maxLength={500} showCount />
        </Form.Item>
      );
    case 'add-information':
      return (
        <Form.Item name="text" label={t('action.text')} rules={required(t('action.textRequired'))}>
          <Input.TextArea rows={4} maxLength={2000} showCount />
        </Form.Item>
      );
    case 'withdraw':
      return (
        <>
          <Typography.Paragraph>{t('action.withdrawConfirm')}</Typography.Paragraph>
          <Form.Item name="reason" label={t('action.reason')}>
            <Input.TextArea rows={2} maxLength={500} />
          </Form.Item>
        </>
      );
    case 'evaluate':
      return <EvaluateFields />;
  }
}

/** Form values → the action's body: drops empty optional texts, turns helper fields into API fields. */
export function bodyOf(action: ActionPath, values: Record<string, unknown>): Record<string, unknown> | null {
  const v: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(values))
    if (x !== undefined && x !== null && !(typeof x === 'string' && x.trim() === '')) v[k] = x;
  switch (action) {
    case 'resolve': {
      const evidence = String(v.evidenceText ?? '')
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean);
      delete v.evidenceText;
      return { ...v, ...(evidence.length ? { evidence } : {}) };
    }
    case 'assign-follow-up': {
      const choice = v.ownerChoice;
      delete v.ownerChoice;
      return { ...v, ...(choice && choice !== SUGGESTED ? { owner: { kind: 'grid_branch', id: choice } } : {}) };
    }
    case 'decide-return':
      // A refusal names no handler: a picker left over from changing one's mind is not sent.
      if (v.decision === 'refuse') delete v.handlerOrgId;
      return v;
    case 'acknowledge':
    case 'withdraw':
    case 'resume':
      return Object.keys(v).length ? v : null;
    default:
      return v;
  }
}
