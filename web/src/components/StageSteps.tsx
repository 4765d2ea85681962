// The loop's four stages as a step bar: 民意收集 → 响应处理 → 跟踪督促 → 评估评价. Drawn here rather than with
// antd Steps, whose fixed label widths do not fit four steps on a 375 px phone.
import { CheckOutlined, CloseOutlined } from '@ant-design/icons';
import type { CaseSummary } from '../api/types';
import { useI18n } from '../i18n';
import { outcomeLabel, STAGES, stageLabel } from '../lib/labels';
import './stage-steps.css';

export function StageSteps({ c }: { c: Pick<CaseSummary, 'stage' | 'overdue' | 'outcome'> }) {
  const { t } = useI18n();
  const closed = c.stage === 'closed';
  const current = closed ? STAGES.length : Math.max(0, STAGES.indexOf(c.stage));
  return (
    <ol className="rs-steps" aria-label={t('case.stage')} data-stage={c.stage}>
      {STAGES.map((s, i) => {
        const state = i < current ? 'done' : i === current ? (c.overdue ? 'error' : 'current') : 'todo';
        return (
          <li key={s} className={`rs-step rs-step-${state}`} aria-current={i === current ? 'step' : undefined}>
            <span className="rs-step-dot" aria-hidden="true">
              {state === 'done' ? <CheckOutlined /> : state === 'error' ? <CloseOutlined /> : i + 1}
            </span>
            <span className="rs-step-label">{stageLabel(t, s)}</span>
            {closed && i === STAGES.length - 1 && c.outcome && <span className="rs-step-note">{outcomeLabel(t, c.outcome)}</span>}
          </li>
        );
      })}
    </ol>
  );
}
